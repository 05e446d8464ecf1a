package setup

import (
	"fmt"
	"strconv"
	"strings"
)

// loopCount reads the OSD count of "loop,<size>,<count>".
func loopCount(path string) int {
	fields := strings.Split(path, ",")
	n, err := strconv.Atoi(fields[len(fields)-1])
	if err != nil {
		return 0
	}

	return n
}

// withCount rewrites "loop,<size>,<count>" with another count.
func withCount(path string, n int) string {
	fields := strings.Split(path, ",")
	fields[len(fields)-1] = fmt.Sprint(n)
	return strings.Join(fields, ",")
}
