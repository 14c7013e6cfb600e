//go:build !unix

package match

import (
	"io"
	"os"
)

// mapFile reads the whole file where mapping is not available.
func mapFile(f *os.File) ([]byte, error) { return io.ReadAll(f) }

func unmapFile([]byte) {}
