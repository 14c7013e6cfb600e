package dump

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// FormatLDIF is a directory export in LDIF (RFC 2849): a record per entry.
const FormatLDIF Format = "ldif"

// isLDIF reports whether the first lines that are not comments open an
// LDIF file: "version: 1" or a "dn:" line.
func isLDIF(content []string) bool {
	if len(content) > 0 && hasPrefixFold(content[0], "version:") && strings.TrimSpace(content[0][len("version:"):]) == "1" {
		content = content[1:]
		if len(content) == 0 {
			return true // an export that holds no entry
		}
	}
	return len(content) > 0 && hasPrefixFold(content[0], "dn:")
}

// ldifTable reads LDIF entries. Attributes become columns under the name
// the file first spells them with, so that role inference sees "givenName"
// and "telephoneNumber"; further values are "mail 2", "mail 3"...
// Change records are read for the values they add or replace; deletions
// and renames are skipped. "attr:< URL" values are never followed: a leak
// must not make leakdesk open files or addresses.
func (r *Reader) ldifTable(name, enc string, in io.Reader) *Table {
	t := &Table{File: name, Format: FormatLDIF, Encoding: enc, HasHeader: true}
	t.each = func(ctx context.Context, _ int, fn func(int, Row) error) error {
		lines := newFoldedLines(in, r.opts.MaxRecordBytes, false)
		rows := newFieldRows(t)
		fields, seen := map[string]string{}, map[string]int{}
		spelling := map[string]string{} // lower case -> the first spelling met
		var start int64                 // the line of the open entry's first line, 0 between entries
		var size int
		var hasDN, skip, modify bool
		var op string // of a modify record: add, replace or delete
		flush := func() error {
			pos := Position{File: name, Line: start}
			defer func() {
				clear(fields)
				clear(seen)
				start, size, hasDN, skip, modify, op = 0, 0, false, false, false, ""
			}()
			switch {
			case start == 0:
			case size > r.opts.MaxRecordBytes:
				t.warn(pos, "entry is longer than %d bytes; skipped", r.opts.MaxRecordBytes)
				t.addStats(TableStats{SkippedLines: 1})
			case !hasDN:
				if !searchResult(fields) {
					t.warn(pos, "entry has no dn: line; skipped")
				}
				t.addStats(TableStats{SkippedLines: 1})
			case skip || len(fields) == 0:
				t.addStats(TableStats{SkippedLines: 1})
			default:
				return rows.emit(pos, fields, fn)
			}
			return nil
		}
		versionSeen := false
		for lines.scan(ctx) {
			l, lineNo := lines.buf, lines.start
			switch {
			case len(bytes.TrimSpace(l)) == 0:
				if err := flush(); err != nil {
					return err
				}
				continue
			case l[0] == '#':
				continue
			case start == 0 && !versionSeen && hasPrefixFold(string(l), "version:"):
				versionSeen = true
				continue
			case start == 0 && string(l) == "-":
				continue
			}
			if start == 0 {
				start = lineNo
			}
			if size += len(l); lines.cut || size > r.opts.MaxRecordBytes {
				size = r.opts.MaxRecordBytes + 1
				continue
			}
			if string(l) == "-" { // ends one modification of a modify record
				op = ""
				continue
			}
			attr, value, ok, err := parseLDIFLine(l)
			if !ok {
				t.warn(Position{File: name, Line: lineNo}, "not an LDIF attribute: %.40q", l)
				continue
			} else if err != nil {
				t.warn(Position{File: name, Line: lineNo}, "%s: %v; kept as written", attr, err)
			}
			lower := strings.ToLower(attr)
			switch {
			case lower == "dn":
				hasDN = true
			case lower == "changetype":
				modify = strings.EqualFold(value, "modify")
				skip = !modify && !strings.EqualFold(value, "add")
				continue
			case modify && op == "":
				op = lower // add, replace, delete or increment, naming the attribute
				continue
			case op == "delete":
				continue
			case lower == "control" || skipLDIFAttribute(lower):
				continue
			}
			if value == ldifURL {
				t.warn(Position{File: name, Line: lineNo}, "%s refers to a URL, which is not followed", attr)
				continue
			}
			column, known := spelling[lower]
			if !known && len(spelling) < maxRecordColumns {
				column, spelling[lower] = attr, attr
			} else if !known {
				column = lower
			}
			fields[numbered(seen, column)] = value
		}
		if err := lines.failed(); err != nil {
			return r.readError(name, err)
		}
		return flush()
	}
	return t
}

// ldifURL stands for the value of an "attr:< URL" line.
const ldifURL = "\x00url"

// parseLDIFLine reads "attr: value", "attr:: base64" or "attr:< URL".
// Options such as ";lang-fr" or ";binary" are dropped from the name.
// ok is false for a line that is no attribute. Invalid base64 is returned
// as written, with the error.
func parseLDIFLine(l []byte) (attr, value string, ok bool, err error) {
	colon := bytes.IndexByte(l, ':')
	if colon <= 0 {
		return "", "", false, nil
	}
	name := l[:colon]
	if i := bytes.IndexByte(name, ';'); i > 0 {
		name = name[:i]
	}
	if bytes.ContainsAny(name, " \t") {
		return "", "", false, nil
	}
	rest := l[colon+1:]
	switch {
	case len(rest) > 0 && rest[0] == ':':
		b64 := bytes.TrimSpace(rest[1:])
		decoded := make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
		n, err := base64.StdEncoding.Decode(decoded, b64)
		if err != nil {
			return string(name), string(b64), true, fmt.Errorf("invalid base64 (%v)", err)
		}
		if decoded = decoded[:n]; !isText(decoded) {
			return string(name), hex.EncodeToString(decoded), true, nil // binary: GUIDs, SIDs, keys
		}
		return string(name), strings.TrimSpace(string(decoded)), true, nil
	case len(rest) > 0 && rest[0] == '<':
		return string(name), ldifURL, true, nil
	}
	return string(name), strings.TrimSpace(string(rest)), true, nil
}

// skipLDIFAttribute reports attributes that hold pictures, certificates
// and keys, not contact data.
func skipLDIFAttribute(lower string) bool {
	switch lower {
	case "jpegphoto", "photo", "thumbnailphoto", "audio", "usercertificate", "cacertificate", "usersmimecertificate", "userpkcs12", "crosscertificatepair", "certificaterevocationlist", "authorityrevocationlist":
		return true
	}
	return false
}

// searchResult reports the summary ldapsearch writes after the entries
// ("search: 2", "result: 0 Success"), which is no entry.
func searchResult(fields map[string]string) bool {
	for k := range fields {
		switch strings.ToLower(k) {
		case "search", "result", "text", "matcheddn", "ref":
		default:
			return false
		}
	}
	return len(fields) > 0
}

// isText reports UTF-8 without control characters other than line breaks
// and tabs.
func isText(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return false
		}
	}
	return utf8.Valid(b)
}
