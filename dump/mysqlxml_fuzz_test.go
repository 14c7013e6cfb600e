package dump

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/leakdesk/leakdesk"
)

// FuzzReadMySQLXML reads arbitrary bytes as mysqldump or mariadb XML: it
// must not panic, hang or grow beyond the record budget, must fail only
// with EINVALID, and must number records 1, 2, 3... in each table.
func FuzzReadMySQLXML(f *testing.F) {
	for _, name := range []string{"mysqldump-xml.xml", "mariadb-xml.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "real", "files", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`<?xml version="1.0"?><mysqldump><database name="d"><table_data name="t"><row><field name="a">1</field><field name="a" xsi:nil="true"/></row><row><field name="b">&amp;</field></row></table_data></database></mysqldump>`,
		`<?xml version="1.0"?><mysqldump><database><table_structure name="t"><field Field="x"/></table_structure><table_data name="t"></table_data></database></mysqldump>`,
		"<?xml version=\"1.0\"?>\n<resultset statement=\"SELECT 1\"><row><field name=\"1\">\x00\xff<![CDATA[x]]></field></row></resultset>\n<?xml version=\"1.0\"?><resultset/>",
		`<?xml version="1.0"?><resultset><row><field name="a">cut`,
	} {
		f.Add([]byte(s))
	}
	r, err := NewReader(Options{MaxRecordBytes: 4 << 10})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		err := r.readMySQLXML(ctx, "fuzz", EncUTF8, bufio.NewReader(bytes.NewReader(data)), func(tb *Table) error {
			var last int64
			return tb.Rows(ctx, func(row Row) error {
				if row.Pos.Record != last+1 {
					t.Fatalf("record %d follows %d", row.Pos.Record, last)
				}
				last = row.Pos.Record
				if len(row.Cells) > len(tb.Columns) {
					t.Fatalf("%d cells, %d columns", len(row.Cells), len(tb.Columns))
				}
				for _, c := range row.Cells {
					if !utf8.ValidString(c) || len(c) > 4<<10 {
						t.Fatalf("cell %q", c)
					}
				}
				return nil
			})
		})
		if err != nil && leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Fatalf("error %v is not EINVALID", err)
		}
	})
}

// FuzzXMLScanner checks the scanner against encoding/xml on the documents
// encoding/xml accepts: the same elements, attributes and text.
func FuzzXMLScanner(f *testing.F) {
	for _, s := range []string{
		`<?xml version="1.0"?><a x="1" y='&lt;2&gt;'><b/>text &amp; &#233;&#xE9;<![CDATA[<raw>]]><!-- c > d --></a>`,
		`<r s="a > b"><row><field name="n" xsi:nil="true" /></row></r>`,
		"<a>\n<b>x</b>\n</a>\n",
		`<!DOCTYPE a><a><?pi x?></a>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || bytes.ContainsAny(data, "\r") {
			return // encoding/xml refuses bytes we take, and rewrites line ends
		}
		want, ok := stdTokens(data)
		if !ok {
			return
		}
		s := &xmlScanner{r: bufio.NewReaderSize(bytes.NewReader(data), 16), name: "fuzz", budget: 1 << 20}
		var got []string
		var text []byte
		for {
			tok, err := s.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%v; encoding/xml read %q", err, want)
			}
			if tok == xmlText {
				if s.depth > 0 { // text outside the root is not compared
					text = append(text, s.text...)
				}
				continue
			}
			if len(text) > 0 {
				got, text = append(got, "text "+string(text)), nil
			}
			switch tok {
			case xmlStart:
				el := "<" + string(s.tagName)
				for _, a := range s.attrs {
					el += " " + string(a[0]) + "=" + string(a[1])
				}
				got = append(got, el)
			case xmlEnd:
				got = append(got, "</"+string(s.tagName))
			}
		}
		if len(text) > 0 {
			got = append(got, "text "+string(text))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("scanner read %q\nencoding/xml %q", got, want)
		}
	})
}

// stdTokens returns what encoding/xml reads in data, in the form
// FuzzXMLScanner compares, or false if it refuses data.
func stdTokens(data []byte) ([]string, bool) {
	d := xml.NewDecoder(bytes.NewReader(data))
	var out []string
	var text []byte
	name := func(n xml.Name) string {
		if n.Space != "" {
			return n.Space + ":" + n.Local
		}
		return n.Local
	}
	var open []string
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false
		}
		if c, ok := tok.(xml.CharData); ok {
			if len(open) > 0 {
				text = append(text, c...)
			}
			continue
		}
		switch el := tok.(type) {
		case xml.Directive:
			return nil, false // DOCTYPE and the like nest brackets: only skipped here
		case xml.StartElement:
			if len(text) > 0 {
				out, text = append(out, "text "+string(text)), nil
			}
			s := "<" + name(el.Name)
			for _, a := range el.Attr {
				s += " " + name(a.Name) + "=" + a.Value
			}
			out = append(out, s)
			open = append(open, name(el.Name))
		case xml.EndElement:
			if len(text) > 0 {
				out, text = append(out, "text "+string(text)), nil
			}
			if len(open) == 0 || open[len(open)-1] != name(el.Name) {
				return nil, false // RawToken does not check nesting
			}
			out, open = append(out, "</"+name(el.Name)), open[:len(open)-1]
		}
	}
	if len(open) != 0 {
		return nil, false
	}
	if len(text) > 0 {
		out = append(out, "text "+string(text))
	}
	return out, true
}

// TestDeclaredEncoding reads what MySQL and MariaDB dumps say of their text.
func TestDeclaredEncoding(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"-- MySQL dump 10.13\n/*!40101 SET NAMES utf8 */;\n":                 EncUTF8,
		"-- MySQL dump 10.13\n/*!40101 SET NAMES latin1 */;\n":               EncCP1252,
		"-- MySQL dump 10.13\n/*!40101 SET NAMES ":                           "",
		"/*M!999999\\- enable the sandbox mode */ \n-- MariaDB dump 10.19\n": EncUTF8,
		"/*M!999999": "",
		"<?xml version=\"1.0\"?>\n<mysqldump xmlns:xsi=\"x\">":   EncUTF8,
		"<?xml version=\"1.0\" encoding=\"latin1\"?><resultset>": "",
		"<?xml version=\"1.0\"?><resultsets>":                    "",
		"-- PostgreSQL database dump\n":                          "",
	} {
		if got := declaredEncoding([]byte(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
