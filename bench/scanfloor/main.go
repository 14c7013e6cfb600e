// Command scanfloor is the least any scan of an unstructured dump must do
// to find registry contacts in it by e-mail address and by phone number:
// cut the file into blocks of whole lines on every core, check that each
// block is valid UTF-8 (a reader must know its encoding), look at every
// byte for the two kinds of token, and look each token up in the
// registry's keys. An address is the run of address characters around an
// '@', lower-cased; a number is a run of digits and separators that holds
// 8 to 17 digits, keyed by its last eight digits, which do not depend on
// how it is written. It links nothing, reads no names, normalises nothing
// else and keeps nothing: it prints how many lines hold a token that is a
// registry key. bench/match.sh runs it beside grep, rg and leakdesk match.
//
//	scanfloor REGISTRY.csv DUMP
package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/leakdesk/leakdesk/bench/internal/floor"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "scanfloor:", err)
		os.Exit(1)
	}
}

const blockSize = 256 << 10

func run(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: scanfloor REGISTRY.csv DUMP")
	}
	keys, err := readKeys(args[0])
	if err != nil {
		return err
	}
	f, err := os.Open(args[1])
	if err != nil {
		return err
	}
	defer f.Close()

	perWorker := make([]counts, runtime.NumCPU())
	readErr := floor.Blocks(f, blockSize, len(perWorker), func(w int, block []byte) {
		if !utf8.Valid(block) {
			perWorker[w].invalid++
		}
		keys.scan(block, &perWorker[w])
	})
	if readErr != nil {
		return readErr
	}
	var total counts
	for _, c := range perWorker {
		total.lines += c.lines
		total.byEmail += c.byEmail
		total.byPhone += c.byPhone
		total.invalid += c.invalid
	}
	fmt.Printf("%d lines, %d holding a registry address, %d more a number ending as a registry number; %d blocks not valid UTF-8\n",
		total.lines, total.byEmail, total.byPhone, total.invalid)
	return nil
}

type counts struct {
	lines, byEmail, byPhone, invalid int
}

// keys are what a token is looked up in.
type keys struct {
	emails   map[string]bool
	suffixes map[string]bool // the last eight digits of every number
}

// readKeys reads the e-mail and phone columns of a registry, by the names
// of their headers.
func readKeys(path string) (*keys, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	k := &keys{emails: map[string]bool{}, suffixes: map[string]bool{}}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return k, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		for i, name := range header {
			switch {
			case strings.Contains(name, "email") && rec[i] != "":
				k.emails[strings.ToLower(rec[i])] = true
			case strings.Contains(name, "phone") || strings.Contains(name, "mobile"):
				var digits []byte
				for _, c := range []byte(rec[i]) {
					if c >= '0' && c <= '9' {
						digits = append(digits, c)
					}
				}
				if len(digits) >= 8 {
					k.suffixes[string(digits[len(digits)-8:])] = true
				}
			}
		}
	}
}

// scan counts the lines of block and those that hold a registry key.
func (k *keys) scan(block []byte, c *counts) {
	var buf [256]byte
	lineStart := 0
	for i := 0; i < len(block); i++ {
		switch b := block[i]; {
		case b == '\n':
			c.lines++
			lineStart = i + 1
		case b == '@':
			start, end := i, i+1
			for start > lineStart && isAddressChar(block[start-1]) && i-start < len(buf)/2 {
				start--
			}
			for end < len(block) && isAddressChar(block[end]) && end-start < len(buf) {
				end++
			}
			addr := buf[:0]
			for _, a := range block[start:end] {
				if a >= 'A' && a <= 'Z' {
					a += 'a' - 'A'
				}
				addr = append(addr, a)
			}
			if k.emails[string(addr)] { // looked up without a copy
				c.byEmail++
				i = k.nextLine(block, i, c, &lineStart)
				continue
			}
			i = end - 1
		case b >= '0' && b <= '9' || b == '+':
			if i > lineStart && isAddressChar(block[i-1]) && !isPhoneChar(block[i-1]) {
				for i+1 < len(block) && block[i+1] >= '0' && block[i+1] <= '9' {
					i++ // digits inside a word
				}
				continue
			}
			digits := buf[:0]
			end := i
			for ; end < len(block) && isPhoneChar(block[end]); end++ {
				if d := block[end]; d >= '0' && d <= '9' && len(digits) < 18 {
					digits = append(digits, d)
				}
			}
			if len(digits) >= 8 && len(digits) <= 17 && k.suffixes[string(digits[len(digits)-8:])] {
				c.byPhone++
				i = k.nextLine(block, i, c, &lineStart)
				continue
			}
			i = end - 1
		}
	}
}

// nextLine skips to the end of the line that holds i, counts the line,
// and returns the index of its newline.
func (k *keys) nextLine(block []byte, i int, c *counts, lineStart *int) int {
	nl := bytes.IndexByte(block[i:], '\n')
	if nl < 0 {
		return len(block)
	}
	c.lines++
	*lineStart = i + nl + 1
	return i + nl
}

func isAddressChar(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9':
		return true
	}
	switch b {
	case '.', '_', '%', '+', '-', '\'':
		return true
	}
	return false
}

func isPhoneChar(b byte) bool {
	switch b {
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '+', ' ', '.', '-', '(', ')', '/':
		return true
	}
	return false
}
