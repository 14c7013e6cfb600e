// Command cellfloor is the least any profile of a delimited file must do:
// cut it into blocks of lines on every core, check that each block is valid
// UTF-8 (a reader must know its encoding before anything else), split each
// line at commas (no quotes), hash every cell and count distinct hashes per
// column. It reports nothing else. bench/inspect.sh runs it beside leakdesk inspect to show how close
// a full profile can come to the ≤ 0.5 × encoding/csv target on a machine.
package main

import (
	"bytes"
	"fmt"
	"math/bits"
	"os"
	"runtime"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"

	"github.com/leakdesk/leakdesk/bench/internal/floor"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "cellfloor:", err)
		os.Exit(1)
	}
}

const blockSize = 256 << 10

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: cellfloor FILE")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()

	results := make([]sketches, runtime.NumCPU())
	rows := make([]int, len(results))
	invalid := make([]int, len(results))
	readErr := floor.Blocks(f, blockSize, len(results), func(w int, block []byte) {
		if !utf8.Valid(block) {
			invalid[w]++
		}
		for rest := block; len(rest) > 0; {
			end := bytes.IndexByte(rest, '\n')
			if end < 0 {
				end = len(rest)
			}
			line := rest[:end]
			rest = rest[min(end+1, len(rest)):]
			for col := 0; ; col++ {
				i := bytes.IndexByte(line, ',')
				if i < 0 {
					results[w].add(col, xxhash.Sum64(line))
					break
				}
				results[w].add(col, xxhash.Sum64(line[:i]))
				line = line[i+1:]
			}
			rows[w]++
		}
	})
	if readErr != nil {
		return readErr
	}
	total := 0
	for _, n := range rows {
		total += n
	}
	bad := 0
	for _, n := range invalid {
		bad += n
	}
	fmt.Println(total, "lines,", bad, "blocks not valid UTF-8")
	return nil
}

// sketches holds a HyperLogLog register set per column (precision 14).
type sketches [][]uint8

func (s *sketches) add(col int, h uint64) {
	for len(*s) <= col {
		*s = append(*s, make([]uint8, 1<<14))
	}
	regs := (*s)[col]
	rho := uint8(bits.LeadingZeros64(h<<14|1<<13) + 1)
	regs[h>>50] = max(regs[h>>50], rho)
}
