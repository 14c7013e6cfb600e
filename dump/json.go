package dump

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// readJSON streams a JSON document: an array of records, or objects whose
// values hold arrays of records, each array a table named by its path.
//
// The document's structure is read by a scanner of its own, not by
// encoding/json's Decoder, which holds a whole value in memory before
// decoding it: a record longer than MaxRecordBytes is read through and
// skipped with a warning, and reading goes on at the next element.
func (r *Reader) readJSON(ctx context.Context, name, enc string, in io.Reader, fn func(*Table) error) error {
	s := &jsonScanner{r: bufio.NewReaderSize(in, 64<<10), name: name}
	c, err := s.next()
	if err != nil {
		return err
	}
	switch c {
	case '[':
		return r.jsonArray(ctx, name, enc, "", s, fn)
	case '{':
		return r.jsonObject(ctx, name, enc, "", s, 1, fn)
	default:
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: JSON holds a single value, not records", name)
	}
}

// jsonObject walks an object whose '{' was read, looking for arrays.
func (r *Reader) jsonObject(ctx context.Context, name, enc, path string, s *jsonScanner, depth int, fn func(*Table) error) error {
	for first := true; ; first = false {
		c, done, err := s.element(first, '}')
		if done || err != nil {
			return err
		}
		if c != '"' {
			return s.unexpected(c)
		}
		raw, tooLong, err := s.value(c, r.opts.MaxRecordBytes)
		if err != nil {
			return err
		}
		var key string
		if tooLong || json.Unmarshal(raw, &key) != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s: invalid or over-long JSON key at byte %d", name, s.off)
		}
		if path != "" {
			key = path + "." + key
		}
		if c, err = s.next(); err != nil {
			return err
		}
		if c != ':' {
			return s.unexpected(c)
		}
		if c, err = s.next(); err != nil {
			return err
		}
		switch c {
		case '[':
			err = r.jsonArray(ctx, name, enc, key, s, fn)
		case '{':
			if depth >= r.opts.MaxJSONDepth {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s: JSON nests deeper than %d levels at %q", name, r.opts.MaxJSONDepth, key)
			}
			err = r.jsonObject(ctx, name, enc, key, s, depth+1, fn)
		default:
			_, _, err = s.value(c, -1) // not records: read through, not kept
		}
		if err != nil {
			return err
		}
	}
}

// jsonArray makes a table of an array whose '[' was read.
func (r *Reader) jsonArray(ctx context.Context, name, enc, path string, s *jsonScanner, fn func(*Table) error) error {
	t := &Table{File: name, Sheet: path, Format: FormatJSON, Encoding: enc, HasHeader: true}
	cols := newRecordColumns(t, nil)
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		var record int64
		var cells []string
		for first := true; ; first = false {
			if record%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			c, done, err := s.element(first, ']')
			if done || err != nil {
				return err
			}
			start := s.off - 1
			raw, tooLong, err := s.value(c, r.opts.MaxRecordBytes)
			if err != nil {
				return err
			}
			pos := Position{File: name, Sheet: path, Record: record + 1}
			if tooLong {
				t.addStats(TableStats{SkippedLines: 1})
				t.warn(pos, "the value at byte %d is longer than %d bytes; skipped (raise --max-record to read it)", start, r.opts.MaxRecordBytes)
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				if strings.Contains(err.Error(), "exceeded max depth") {
					return leakdesk.Errorf(leakdesk.EINVALID, "%s: record %d nests too deeply to read", name, record+1)
				}
				var syn *json.SyntaxError
				if errors.As(err, &syn) {
					return leakdesk.Errorf(leakdesk.EINVALID, "%s: invalid JSON at byte %d: %v", name, start+syn.Offset, err)
				}
				return leakdesk.Errorf(leakdesk.EINVALID, "%s: invalid JSON at byte %d: %v", name, start, err)
			}
			record++
			flat := map[string]string{}
			if obj, ok := v.(map[string]any); ok {
				flatten("", obj, 0, r.opts.MaxJSONDepth, flat)
			} else {
				flatten("value", v, 0, r.opts.MaxJSONDepth, flat)
			}
			cells = cols.cells(pos, flat, cells)
			t.cleanRecord(cells, false)
			if err := fn(0, Row{Pos: pos, Cells: cells}); err != nil {
				return err
			}
		}
	}
	return r.emit(ctx, t, fn)
}

// jsonScanner reads the structure of a JSON document: the punctuation
// between values, and each value's raw bytes, kept only up to a cap.
type jsonScanner struct {
	r    *bufio.Reader
	name string
	off  int64 // bytes read so far
	buf  []byte
}

// next returns the next byte that is not white space.
func (s *jsonScanner) next() (byte, error) {
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return 0, s.readError(err)
		}
		s.off++
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		}
		return c, nil
	}
}

// element returns the first byte of the next element of an object or an
// array, past the comma before it, or done at the closing byte.
func (s *jsonScanner) element(first bool, closing byte) (c byte, done bool, err error) {
	if c, err = s.next(); err != nil || c == closing {
		return c, err == nil, err
	}
	if !first {
		if c != ',' {
			return c, false, s.unexpected(c)
		}
		c, err = s.next()
	}
	return c, false, err
}

func (s *jsonScanner) readError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: JSON ends early at byte %d: the file is truncated", s.name, s.off)
	}
	var e *leakdesk.Error
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("read %s: %w", s.name, err)
}

func (s *jsonScanner) unexpected(c byte) error {
	return leakdesk.Errorf(leakdesk.EINVALID, "%s: invalid JSON at byte %d: unexpected %q", s.name, s.off, c)
}

// value reads the value that starts with c, already read, and returns its
// bytes if they are at most max long; a longer value is read to its end
// without being kept, and reported as tooLong. With max < 0, nothing is
// kept. The value's syntax is checked only where it shows its end: whoever
// decodes the bytes checks the rest.
func (s *jsonScanner) value(c byte, max int) (raw []byte, tooLong bool, err error) {
	s.buf = s.buf[:0]
	tooLong = max < 0
	keep := func(b []byte) {
		if tooLong {
			return
		}
		if len(s.buf)+len(b) > max {
			tooLong, s.buf = true, s.buf[:0]
			return
		}
		s.buf = append(s.buf, b...)
	}
	keep([]byte{c})
	depth, inString, escaped := 0, c == '"', false
	switch c {
	case '{', '[':
		depth = 1
	case '"':
	default:
		// A number, true, false or null ends before the next punctuation.
		for {
			b, err := s.r.ReadByte()
			if errors.Is(err, io.EOF) {
				return s.buf, tooLong, nil
			}
			if err != nil {
				return nil, false, s.readError(err)
			}
			if bytes.IndexByte([]byte(",]} \t\r\n"), b) >= 0 {
				s.r.UnreadByte()
				return s.buf, tooLong, nil
			}
			s.off++
			keep([]byte{b})
		}
	}
	for {
		// Scan what is buffered a run at a time, not byte by byte.
		if s.r.Buffered() == 0 {
			if _, err := s.r.Peek(1); err != nil {
				return nil, false, s.readError(err)
			}
		}
		chunk, _ := s.r.Peek(s.r.Buffered())
		n := len(chunk)
		for i, b := range chunk {
			switch {
			case escaped:
				escaped = false
			case inString:
				switch b {
				case '\\':
					escaped = true
				case '"':
					inString = false
				}
			case b == '"':
				inString = true
			case b == '{' || b == '[':
				depth++
			case b == '}' || b == ']':
				depth--
			}
			if depth == 0 && !inString {
				n = i + 1
				break
			}
		}
		keep(chunk[:n])
		s.r.Discard(n)
		s.off += int64(n)
		if depth == 0 && !inString {
			return s.buf, tooLong, nil
		}
	}
}
