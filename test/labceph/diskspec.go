package labceph

import (
	"fmt"
	"strconv"
	"strings"
)

// LoopSpec is MicroCeph's "loop,<size>,<count>" disk: count file-backed
// OSDs of size bytes each.
type LoopSpec struct {
	Size  int64
	Count int
}

// Bounds of a loop disk request: BlueStore needs about 1 GiB to hold its
// metadata and some data, and a lab node has no business with more than a
// handful of OSDs.
const (
	minLoopSize  = 1 << 30
	maxLoopSize  = 1 << 40
	maxLoopCount = 8
)

// IsLoopSpec reports whether a disk path asks for file-backed OSDs.
func IsLoopSpec(path string) bool {
	return strings.HasPrefix(path, "loop,")
}

// ParseLoopSpec parses "loop,<size>,<count>" where size is a number with
// an optional binary unit (K, M, G, T, optionally followed by "iB" or "B"):
// "loop,4G,1", "loop,2GiB,3".
func ParseLoopSpec(spec string) (LoopSpec, error) {
	parts := strings.Split(spec, ",")
	if len(parts) != 3 || parts[0] != "loop" {
		return LoopSpec{}, fmt.Errorf("Disk %q is not of the form loop,<size>,<count> (for example loop,4G,1)", spec)
	}

	size, err := ParseSize(parts[1])
	if err != nil {
		return LoopSpec{}, fmt.Errorf("Disk %q: %w", spec, err)
	}

	if size < minLoopSize || size > maxLoopSize {
		return LoopSpec{}, fmt.Errorf("Disk %q: size must be between 1GiB and 1TiB", spec)
	}

	count, err := strconv.Atoi(strings.TrimSpace(parts[2]))
	if err != nil || count < 1 || count > maxLoopCount {
		return LoopSpec{}, fmt.Errorf("Disk %q: count must be a number from 1 to %d", spec, maxLoopCount)
	}

	return LoopSpec{Size: size, Count: count}, nil
}

// ParseSize reads "512M", "4G", "2GiB", "1T" or a plain number of bytes.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	num := strings.TrimRight(s, "KMGTiBb")
	unit := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(s[len(num):]), "B"), "I")
	shift := map[string]uint{"": 0, "K": 10, "M": 20, "G": 30, "T": 40}
	n, err := strconv.ParseInt(num, 10, 64)
	sh, ok := shift[unit]
	if err != nil || !ok || n < 0 || n > (1<<62)>>sh {
		return 0, fmt.Errorf("size %q is not a size like 4G or 512MiB", s)
	}

	return n << sh, nil
}
