package dump

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// blockSize is how much text one worker parses at a time.
const blockSize = 256 << 10

// block is a run of whole lines.
type block struct {
	text      string
	firstLine int64 // line number of the first line in the file
	skipped   int64 // over-long lines dropped from this block
	maxLine   int
	invalid   int64 // bytes fixed by fixInvalidUTF8
	warnings  []Warning

	// The record number before this block arrives on prev once every
	// earlier block has been parsed; this block sends its own end on next.
	prev <-chan int64
	next chan int64
}

// blockReader cuts a UTF-8 stream into blocks of whole lines. A line longer
// than maxLine is skipped with a warning instead of being held in memory.
//
// Bytes are read into pooled buffers, and each block's text is copied once
// into an ordinary string, so that cells are immutable strings that callers
// may keep.
type blockReader struct {
	r       io.Reader
	file    string
	maxLine int
	line    int64 // lines handed out so far
	carry   []byte
	eof     bool
	prev    chan int64
	pool    sync.Pool
}

func newBlockReader(r io.Reader, file string, maxLine, firstLine int64) *blockReader {
	prev := make(chan int64, 1)
	prev <- 0
	return &blockReader{r: r, file: file, maxLine: int(maxLine), line: firstLine - 1, prev: prev}
}

func (br *blockReader) buffer() []byte {
	if p, ok := br.pool.Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, blockSize+blockSize/4)
}

// next returns the next block, or io.EOF.
func (br *blockReader) next() (*block, error) {
	b := &block{prev: br.prev, next: make(chan int64, 1), maxLine: br.maxLine}
	buf := append(br.buffer(), br.carry...)
	br.carry = br.carry[:0]
	for {
		if br.eof {
			if len(buf) == 0 && b.skipped == 0 {
				return nil, io.EOF
			}
			return br.finish(b, buf, len(buf)), nil
		}
		if len(buf) >= blockSize {
			if cut := bytes.LastIndexByte(buf, '\n'); cut >= 0 {
				br.carry = append(br.carry, buf[cut+1:]...)
				return br.finish(b, buf, cut+1), nil
			}
			if len(buf) > br.maxLine {
				// One line longer than anything we keep: drop it up to its end.
				if err := br.skipLongLine(b); err != nil {
					return nil, err
				}
				buf = append(buf[:0], br.carry...)
				br.carry = br.carry[:0]
				continue
			}
		}
		if cap(buf)-len(buf) < 64<<10 {
			buf = slices.Grow(buf, blockSize)
		}
		n, err := io.ReadFull(br.r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			br.eof = true
		} else if err != nil {
			return nil, err
		}
	}
}

func (br *blockReader) skipLongLine(b *block) error {
	br.line++
	b.skipped++
	b.warnings = append(b.warnings, Warning{Pos: Position{File: br.file, Line: br.line},
		Message: fmt.Sprintf("line is longer than %d bytes; skipped", br.maxLine)})
	chunk := make([]byte, 64<<10)
	for {
		n, err := br.r.Read(chunk)
		if i := bytes.IndexByte(chunk[:n], '\n'); i >= 0 {
			br.carry = append(br.carry, chunk[i+1:n]...)
			return nil
		}
		if errors.Is(err, io.EOF) {
			br.eof = true
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (br *blockReader) finish(b *block, buf []byte, n int) *block {
	data, invalid := fixInvalidUTF8(buf[:n])
	b.text = string(data)
	if cap(buf) == blockSize+blockSize/4 {
		br.pool.Put(&buf)
	}
	b.invalid = int64(invalid)
	// Skipped long lines were counted already; lines of this block start after them.
	b.firstLine = br.line + 1
	br.line += int64(strings.Count(b.text, "\n"))
	if len(b.text) > 0 && b.text[len(b.text)-1] != '\n' {
		br.line++
	}
	br.prev = b.next
	return b
}

// lineParser turns line number lineNo, text line, into a row, using scratch
// for its cells. It must be safe for concurrent use.
type lineParser func(worker int, lineNo int64, line string, scratch []string) lineRow

// lineRow is what a line parser makes of one line.
type lineRow struct {
	cells     []string
	tokens    []Token
	skip      bool   // not a record: blank, comment, separator, banner
	irregular string // why the record does not fit the table, if it does not
}

// runBlocks reads blocks and parses their lines on workers goroutines. parse
// turns one line into a row; it must be safe for concurrent use and may
// keep no reference to cells after returning. Rows reach fn with their
// exact line and record numbers.
func runBlocks(ctx context.Context, t *Table, br *blockReader, workers int, parse lineParser, fn func(worker int, row Row) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	blocks := make(chan *block, workers)
	var readErr error
	go func() {
		defer close(blocks)
		for {
			if ctx.Err() != nil {
				return
			}
			b, err := br.next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				readErr = fmt.Errorf("read %s: %w", t.File, err)
				cancel(readErr)
				return
			}
			select {
			case blocks <- b:
			case <-ctx.Done():
				return
			}
		}
	}()

	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scratch blockScratch
			for b := range blocks {
				if err := parseBlock(ctx, t, b, w, &scratch, parse, fn); err != nil {
					cancel(err)
					// Unblock the blocks that wait for this one, unless it
					// already passed its count on.
					select {
					case b.next <- 0:
					default:
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if readErr != nil {
		return readErr
	}
	return ctx.Err()
}

type parsedRow struct {
	line       int64
	cellStart  int
	cellEnd    int
	tokenStart int
	tokenEnd   int
}

// blockScratch is what one worker reuses from block to block: the rows
// of a block, and their cells and tokens.
type blockScratch struct {
	rows   []parsedRow
	cells  []string
	tokens []Token
}

// parseBlock parses a block, waits for the record count of the blocks
// before it, passes its own on, and only then hands out its rows.
func parseBlock(ctx context.Context, t *Table, b *block, worker int, scratch *blockScratch,
	parse lineParser, fn func(int, Row) error) error {
	stats := TableStats{SkippedLines: b.skipped, InvalidBytes: b.invalid, Warnings: b.warnings}

	rows, cells, tokens := scratch.rows[:0], scratch.cells[:0], scratch.tokens[:0]
	// Whatever happens, what grew is kept for the next block.
	defer func() { scratch.rows, scratch.cells, scratch.tokens = rows, cells, tokens }()
	text, line := b.text, b.firstLine
	// One look at the whole block spares most blocks a look at each cell:
	// a cell can need repair only where its block does.
	// Blocks are valid UTF-8 by now (fixInvalidUTF8).
	suspect, denormal, _ := scanText(text)
	repairable := suspect || denormal
	var lineScratch []string
	for len(text) > 0 {
		end := strings.IndexByte(text, '\n')
		if end < 0 {
			end = len(text)
		}
		raw := text[:end]
		text = text[min(end+1, len(text)):]
		raw = trimCR(raw)
		if len(raw) > b.maxLine {
			stats.SkippedLines++
			if len(stats.Warnings) < maxWarnings {
				stats.Warnings = append(stats.Warnings, Warning{Pos: Position{File: t.File, Line: line}, Message: fmt.Sprintf("line is longer than %d bytes; skipped", b.maxLine)})
			}
			line++
			continue
		}
		r := parse(worker, line, raw, lineScratch[:0])
		lineScratch = r.cells
		if r.skip {
			stats.SkippedLines++
			if t.onSkipped != nil && len(raw) > 0 {
				t.onSkipped(worker, raw, line)
			}
		} else {
			if r.irregular != "" {
				stats.IrregularRows++
				if len(stats.Warnings) < maxWarnings {
					stats.Warnings = append(stats.Warnings, Warning{Pos: Position{File: t.File, Sheet: t.Sheet, Line: line}, Message: r.irregular})
				}
			}
			pr := parsedRow{line: line, cellStart: len(cells), tokenStart: len(tokens)}
			if !repairable {
				cells = append(cells, r.cells...)
			} else {
				for _, c := range r.cells {
					c, repaired := cleanCell(c)
					if repaired {
						stats.RepairedCells++
					}
					cells = append(cells, c)
				}
			}
			tokens = append(tokens, r.tokens...)
			pr.cellEnd, pr.tokenEnd = len(cells), len(tokens)
			rows = append(rows, pr)
		}
		line++
	}
	var before int64
	select {
	case before = <-b.prev:
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	b.next <- before + int64(len(rows))
	stats.Records = int64(len(rows))
	t.addStats(stats)
	for i, pr := range rows {
		if i%1024 == 0 && ctx.Err() != nil {
			return context.Cause(ctx)
		}
		row := Row{Pos: Position{File: t.File, Sheet: t.Sheet, Line: pr.line, Record: before + int64(i) + 1},
			Cells: cells[pr.cellStart:pr.cellEnd:pr.cellEnd]}
		if pr.tokenEnd > pr.tokenStart {
			row.Tokens = tokens[pr.tokenStart:pr.tokenEnd:pr.tokenEnd]
		}
		if err := fn(worker, row); err != nil {
			return err
		}
	}
	// The cells and tokens are reused for the next block: clear them, or
	// the strings left in them would keep this block's text alive, and the
	// GC would carry dozens of dead blocks.
	clear(cells)
	clear(tokens)
	return nil
}

func trimCR(s string) string {
	if len(s) > 0 && s[len(s)-1] == '\r' {
		return s[:len(s)-1]
	}
	return s
}
