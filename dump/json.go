package dump

import (
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
func (r *Reader) readJSON(ctx context.Context, name, enc string, in io.Reader, fn func(*Table) error) error {
	dec := json.NewDecoder(in)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return r.jsonError(name, dec, err)
	}
	switch tok {
	case json.Delim('['):
		return r.jsonArray(ctx, name, enc, "", dec, fn)
	case json.Delim('{'):
		return r.jsonObject(ctx, name, enc, "", dec, 1, fn)
	default:
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: JSON holds a single value, not records", name)
	}
}

func (r *Reader) jsonError(name string, dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: JSON ends early at byte %d: the file is truncated", name, dec.InputOffset())
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return leakdesk.Errorf(leakdesk.EINVALID, "%s: invalid JSON at byte %d: %v", name, syn.Offset, err)
	}
	return leakdesk.Errorf(leakdesk.EINVALID, "%s: invalid JSON at byte %d: %v", name, dec.InputOffset(), err)
}

// jsonObject walks an object whose '{' was read, looking for arrays.
func (r *Reader) jsonObject(ctx context.Context, name, enc, path string, dec *json.Decoder, depth int, fn func(*Table) error) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return r.jsonError(name, dec, err)
		}
		key := fmt.Sprint(tok)
		if path != "" {
			key = path + "." + key
		}
		if !dec.More() {
			return r.jsonError(name, dec, io.ErrUnexpectedEOF)
		}
		tok, err = dec.Token()
		if err != nil {
			return r.jsonError(name, dec, err)
		}
		switch tok {
		case json.Delim('['):
			if err := r.jsonArray(ctx, name, enc, key, dec, fn); err != nil {
				return err
			}
		case json.Delim('{'):
			if depth >= r.opts.MaxJSONDepth {
				return leakdesk.Errorf(leakdesk.EINVALID, "%s: JSON nests deeper than %d levels at %q", name, r.opts.MaxJSONDepth, key)
			}
			if err := r.jsonObject(ctx, name, enc, key, dec, depth+1, fn); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return r.jsonError(name, dec, err)
	}
	return nil
}

// jsonArray makes a table of an array whose '[' was read.
func (r *Reader) jsonArray(ctx context.Context, name, enc, path string, dec *json.Decoder, fn func(*Table) error) error {
	t := &Table{File: name, Sheet: path, Format: FormatJSON, Encoding: enc, HasHeader: true}
	cols := newRecordColumns(t, nil)
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		var record int64
		var cells []string
		for dec.More() {
			if record%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			var v any
			if err := dec.Decode(&v); err != nil {
				if strings.Contains(err.Error(), "exceeded max depth") {
					return leakdesk.Errorf(leakdesk.EINVALID, "%s: record %d nests too deeply to read", name, record+1)
				}
				return r.jsonError(name, dec, err)
			}
			record++
			flat := map[string]string{}
			if obj, ok := v.(map[string]any); ok {
				flatten("", obj, 0, r.opts.MaxJSONDepth, flat)
			} else {
				flatten("value", v, 0, r.opts.MaxJSONDepth, flat)
			}
			pos := Position{File: name, Sheet: path, Record: record}
			cells = cols.cells(pos, flat, cells)
			t.cleanRecord(cells, false)
			if err := fn(0, Row{Pos: pos, Cells: cells}); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil { // the closing ']'
			return r.jsonError(name, dec, err)
		}
		return nil
	}
	return r.emit(ctx, t, fn)
}
