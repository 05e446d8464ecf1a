//go:build system

package system

import (
	"os"
	"syscall"
)

func statIno(fi os.FileInfo) uint64 {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}

	return st.Ino
}
