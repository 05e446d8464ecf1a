//go:build system

package system

import (
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// writeBenchPlot draws init time against N: the OVN-only inits as lines,
// the full-stack init as squares, floor in orange and product in blue,
// with the standard library alone (a 3×5 pixel font for the labels).
func writeBenchPlot(path string, r benchReport) error {
	const w, h, left, bottom, top, right = 720, 440, 70, 50, 50, 30
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	plotFill(img, img.Bounds(), color.White)
	orange, blue := color.RGBA{230, 120, 20, 255}, color.RGBA{30, 90, 200, 255}
	grey, black := color.RGBA{220, 220, 220, 255}, color.Black

	type point struct{ n, s float64 }
	series := map[string][]point{}
	maxN, maxS := 1.0, 1.0
	for _, row := range r.Rows {
		if (row.Kind != "floor" && row.Kind != "product") || !strings.HasPrefix(row.Name, "init") {
			continue
		}

		key := row.Kind + "|" + row.Name
		series[key] = append(series[key], point{float64(row.N), row.Median})
		maxN, maxS = math.Max(maxN, float64(row.N)), math.Max(maxS, row.Median)
	}

	maxS = math.Ceil(maxS/10) * 10
	x := func(n float64) int { return left + int(n/maxN*float64(w-left-right)) }
	y := func(s float64) int { return h - bottom - int(s/maxS*float64(h-top-bottom)) }

	// Axes, grid and ticks.
	for s := 0.0; s <= maxS; s += maxS / 5 {
		plotLine(img, left, y(s), w-right, y(s), grey)
		plotText(img, left-8-textWidth(strconv.Itoa(int(s))), y(s)-5, strconv.Itoa(int(s)), black)
	}

	for n := 0.0; n <= maxN; n += math.Max(1, math.Round(maxN/8)) {
		plotText(img, x(n)-textWidth(strconv.Itoa(int(n)))/2, h-bottom+8, strconv.Itoa(int(n)), black)
	}

	plotLine(img, left, h-bottom, w-right, h-bottom, black)
	plotLine(img, left, top, left, h-bottom, black)
	plotText(img, w/2-20, h-22, "N NODES", black)
	plotText(img, 8, 14, "INIT S", black)

	for key, pts := range series {
		c := blue
		if key[:5] == "floor" {
			c = orange
		}

		sort.Slice(pts, func(i, j int) bool { return pts[i].n < pts[j].n })
		full := key[len(key)-len("init full stack"):] == "init full stack"
		for i, p := range pts {
			if full {
				plotSquare(img, x(p.n), y(p.s), 5, c)
				continue
			}

			plotSquare(img, x(p.n), y(p.s), 2, c)
			if i > 0 {
				plotLine(img, x(pts[i-1].n), y(pts[i-1].s), x(p.n), y(p.s), c)
			}
		}
	}

	// Legend.
	plotLine(img, left+10, 20, left+40, 20, orange)
	plotText(img, left+46, 15, "FLOOR OVN", black)
	plotLine(img, left+150, 20, left+180, 20, blue)
	plotText(img, left+186, 15, "PRODUCT OVN", black)
	plotSquare(img, left+320, 20, 5, orange)
	plotText(img, left+332, 15, "FLOOR FULL", black)
	plotSquare(img, left+450, 20, 5, blue)
	plotText(img, left+462, 15, "PRODUCT FULL", black)

	f, err := os.Create(path)
	if err != nil {
		return err
	}

	err = png.Encode(f, img)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}

	return err
}

func plotFill(img *image.RGBA, r image.Rectangle, c color.Color) {
	for py := r.Min.Y; py < r.Max.Y; py++ {
		for px := r.Min.X; px < r.Max.X; px++ {
			img.Set(px, py, c)
		}
	}
}

func plotSquare(img *image.RGBA, cx int, cy int, half int, c color.Color) {
	plotFill(img, image.Rect(cx-half, cy-half, cx+half+1, cy+half+1), c)
}

// line draws a two-pixel-wide line (Bresenham).
func plotLine(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	dx, dy := plotAbs(x1-x0), -plotAbs(y1-y0)
	sx, sy := plotSign(x1-x0), plotSign(y1-y0)
	e := dx + dy
	for {
		img.Set(x0, y0, c)
		img.Set(x0, y0+1, c)
		if x0 == x1 && y0 == y1 {
			return
		}

		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

func plotAbs(v int) int {
	if v < 0 {
		return -v
	}

	return v
}

func plotSign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}

	return 0
}

// glyphs is a 3×5 font: each rune's rows, top first, 3 bits each.
var glyphs = map[rune][5]uint8{
	'0': {7, 5, 5, 5, 7}, '1': {2, 6, 2, 2, 7}, '2': {7, 1, 7, 4, 7}, '3': {7, 1, 7, 1, 7}, '4': {5, 5, 7, 1, 1},
	'5': {7, 4, 7, 1, 7}, '6': {7, 4, 7, 5, 7}, '7': {7, 1, 1, 1, 1}, '8': {7, 5, 7, 5, 7}, '9': {7, 5, 7, 1, 7},
	'C': {7, 4, 4, 4, 7}, 'D': {6, 5, 5, 5, 6}, 'E': {7, 4, 7, 4, 7}, 'F': {7, 4, 7, 4, 4}, 'I': {7, 2, 2, 2, 7},
	'L': {4, 4, 4, 4, 7}, 'N': {5, 7, 7, 7, 5}, 'O': {7, 5, 5, 5, 7}, 'P': {7, 5, 7, 4, 4}, 'R': {6, 5, 6, 5, 5},
	'S': {7, 4, 7, 1, 7}, 'T': {7, 2, 2, 2, 2}, 'U': {5, 5, 5, 5, 7}, 'V': {5, 5, 5, 5, 2}, ' ': {},
}

const glyphScale = 2

func textWidth(s string) int {
	return len(s) * 4 * glyphScale
}

func plotText(img *image.RGBA, x int, y int, s string, c color.Color) {
	for i, r := range s {
		g := glyphs[r]
		for row := 0; row < 5; row++ {
			for col := 0; col < 3; col++ {
				if g[row]&(4>>col) != 0 {
					plotFill(img, image.Rect(x+(i*4+col)*glyphScale, y+row*glyphScale, x+(i*4+col+1)*glyphScale, y+(row+1)*glyphScale), c)
				}
			}
		}
	}
}
