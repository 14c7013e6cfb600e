package dump_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/leakdesk/leakdesk/dump"
)

// realBytes reads a file written by a real program, under testdata/real.
func realBytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "real", "files", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readBytes reads data as a stream named name.
func readBytes(t testing.TB, name string, data []byte, opts dump.Options) ([]readResult, error) {
	t.Helper()
	var out []readResult
	err := newReader(t, opts).ReadStream(context.Background(), name, bytes.NewReader(data), func(tb *dump.Table) error {
		res := readResult{table: tb}
		err := tb.Rows(context.Background(), func(r dump.Row) error {
			res.rows = append(res.rows, dump.Row{Pos: r.Pos, Cells: slices.Clone(r.Cells)})
			return nil
		})
		res.stats = tb.Stats()
		out = append(out, res)
		return err
	})
	return out, err
}

// cellOf returns the cell of a row under a column, or "" without it.
func cellOf(res readResult, row int, column string) string {
	i := slices.Index(res.table.Columns, column)
	if i < 0 || row >= len(res.rows) || i >= len(res.rows[row].Cells) {
		return ""
	}
	return res.rows[row].Cells[i]
}

// oneTable reads data and requires one table of the given format.
func oneTable(t *testing.T, name string, data []byte, format dump.Format, opts dump.Options) readResult {
	t.Helper()
	res, err := readBytes(t, name, data, opts)
	if _, err := dump.Unreads(err); err != nil { // a damaged file may well be unread: the rows tell
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].table.Format != format {
		t.Fatalf("%s: %d tables, want one of %s: %+v", name, len(res), format, res)
	}
	return res[0]
}

// cellCheck is a value expected in a row under a column.
type cellCheck struct {
	row          int
	column, want string
}

func checkCells(t *testing.T, res readResult, checks []cellCheck) {
	t.Helper()
	for _, c := range checks {
		if got := cellOf(res, c.row, c.column); got != c.want {
			t.Errorf("row %d %q = %q, want %q (columns %q)", c.row, c.column, got, c.want, res.table.Columns)
		}
	}
}

func TestVCardRealFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file    string
		columns []string
		cells   []cellCheck
		line1   int64 // the line where the second card starts
	}{
		{"abook-vcard21.vcf", []string{"full name", "first name", "last name", "email", "email 2", "phone", "phone 2", "address", "city", "country", "note"}, []cellCheck{
			{0, "email", "amelie.vidal@example.net"},
			{0, "email 2", "amelie.vidal@mairiesaint.fr"},
			{0, "phone", "+33 4 69 00 67 92"},
			{3, "full name", "Jürgen Caron"},
			{3, "city", "Nîmes"},
			{19, "last name", "O'Brien"},
		}, 12},
		{"gammu-vcard21.vcf", []string{"full name", "first name", "last name", "organisation", "email", "email 2", "phone", "phone 2", "address", "city", "country", "note", "x-gammu-location"}, []cellCheck{
			{0, "note", "Met at the fair, stand 0;\nfollow up with \"Mairie de Saint-Étienne-du-Bois\" in June"},
			{0, "email", "amelie.vidal@example.net"},
			{0, "email 2", "amelie.vidal@mairiesaint.fr"},
			{0, "phone 2", "+33 6 00 00 00 00"},
			{3, "first name", "Jürgen"},
			{3, "organisation", `Hôpital "Les Tilleuls"`},
			{2, "organisation", "Société Générale d'Équipements, S.A."},
			{23, "last name", "Châtelain"},
		}, 16},
		{"vobject-vcard30.vcf", []string{"organisation", "note", "email 2"}, []cellCheck{
			{0, "note", "Met at the fair, stand 0;\nfollow up with \"Mairie de Saint-Étienne-du-Bois\" in June"},
			{2, "organisation", "Société Générale d'Équipements, S.A."},
			{3, "organisation", `Hôpital "Les Tilleuls"`},
			{9, "organisation", "Data, Care & Co SARL"},
			{0, "email", "amelie.vidal@example.net"},
			{0, "phone 2", "+33 6 00 00 00 00"},
		}, 14},
		{"khard-vcard40.vcf", []string{"organisation", "uid", "phone 2"}, []cellCheck{
			{0, "phone", "+33 4 69 00 67 92"},
			{0, "email", "amelie.vidal@mairiesaint.fr"},
			{0, "email 2", "amelie.vidal@example.net"},
			{0, "address", "1 rue de la Paix"},
			{5, "note", "Met at the fair, stand 5;\nfollow up with \"Ayuntamiento de Málaga\" in June"},
			{22, "first name", "Søren"},
		}, 17},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			res := oneTable(t, tc.file, realBytes(t, tc.file), dump.FormatVCard, dump.Options{})
			if len(res.rows) != 60 || res.stats.Records != 60 || len(res.stats.Warnings) != 0 {
				t.Fatalf("%d rows, %d records, warnings %v", len(res.rows), res.stats.Records, res.stats.Warnings)
			}
			for _, c := range tc.columns {
				if !slices.Contains(res.table.Columns, c) {
					t.Errorf("no column %q in %q", c, res.table.Columns)
				}
			}
			checkCells(t, res, tc.cells)
			if p := res.rows[1].Pos; p.Line != tc.line1 || p.Record != 2 || p.File != tc.file {
				t.Errorf("second card at %+v, want line %d", p, tc.line1)
			}
		})
	}
}

func TestVCardEncodings(t *testing.T) {
	t.Parallel()
	// vCard 2.1 as phones export it: bare parameters, quoted-printable with
	// soft line breaks and a charset, base64, groups, and a photo.
	card := "BEGIN:VCARD\r\nVERSION:2.1\r\n" +
		"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ch=C3=A2telain;Ma=C5=82gorzata;;;\r\n" +
		"FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:J=E9r=F4me Ch=E2telain\r\n" +
		"NOTE;ENCODING=QUOTED-PRINTABLE:Premi=C3=A8re ligne=0D=0A=\r\nseconde ligne, =3D fin\r\n" +
		"TEL;WORK;VOICE:+33 1 02 03 04 05\r\n" +
		"TEL;CELL;PREF:06 07 08 09 10\r\n" +
		"item1.EMAIL;INTERNET:a@example.net\r\n" +
		"item1.X-ABLabel:_$!<Other>!$_\r\n" +
		"EMAIL;TYPE=\"work,pref\":b@example.net\r\n" +
		"TITLE;ENCODING=b:RGlyZWN0cmljZQ==\r\n" +
		"PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD\r\n" +
		" /2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8Q\r\n" +
		"\r\n" +
		"ORG:ACME\\, Inc.;R&D;Lab 2\r\n" +
		"ADR;HOME:;;1 rue A;Lyon;;69001;FR\r\n" +
		"ADR;WORK:;;2 rue B;Paris;;75001;FR\r\n" +
		"END:VCARD\r\n"
	res := oneTable(t, "phone.vcf", []byte(card+card), dump.FormatVCard, dump.Options{})
	if len(res.rows) != 2 {
		t.Fatalf("%d rows, warnings %v", len(res.rows), res.stats.Warnings)
	}
	checkCells(t, res, []cellCheck{
		{0, "last name", "Châtelain"},
		{0, "first name", "Małgorzata"},
		{0, "full name", "Jérôme Châtelain"},
		{0, "note", "Première ligne\r\nseconde ligne, = fin"},
		{0, "phone", "+33 1 02 03 04 05"},
		{0, "phone 2", "06 07 08 09 10"},
		{0, "email", "a@example.net"},
		{0, "email 2", "b@example.net"},
		{0, "title", "Directrice"},
		{0, "organisation", "ACME, Inc."},
		{0, "department", "R&D, Lab 2"},
		{0, "city", "Lyon"},
		{0, "city 2", "Paris"},
		{0, "postcode 2", "75001"},
		{1, "email 2", "b@example.net"},
	})
	for _, c := range res.table.Columns {
		if strings.Contains(c, "photo") {
			t.Errorf("photo read as column %q", c)
		}
	}
	if p := res.rows[1].Pos; p.Line != 20 || p.Record != 2 {
		t.Errorf("second card at %+v", p)
	}
}

func TestVCardDamaged(t *testing.T) {
	t.Parallel()
	real := realBytes(t, "vobject-vcard30.vcf")
	cut := real[:bytes.Index(real, []byte("jurgen.caron"))]
	noEnd := bytes.Replace(real, []byte("END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nADR;TYPE=WORK:;;3 rue"), []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nADR;TYPE=WORK:;;3 rue"), 1)
	garbage := bytes.Replace(real, []byte("FN:Quentin Fabre"), []byte("garbage here\r\nFN:Quentin Fabre"), 1)
	huge := bytes.Replace(real, []byte("FN:Quentin Fabre"), []byte("NOTE:"+strings.Repeat("x", 5000)+"\r\nFN:Quentin Fabre"), 1)
	checkDamaged(t, "cut.vcf", dump.FormatVCard, []damagedCase{
		{"truncated", cut, 4, "no END:VCARD: the file is truncated"},
		{"missing END", noEnd, 60, "no END:VCARD before the next card at line 22"},
		{"garbage line", garbage, 60, "not a vCard property"},
		{"card over the record cap", huge, 59, "longer than 4096 bytes; skipped"},
		{"no cards", []byte("BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n"), 0, ""},
		{"only a begin", []byte("BEGIN:VCARD\n"), 0, "truncated"},
	})
}

// damagedCase is damaged input, the rows still read from it and the
// warning that says where it broke ("" for none).
type damagedCase struct {
	name string
	data []byte
	rows int
	warn string
}

// checkDamaged reads each case, named file, with records capped at 4096
// bytes.
func checkDamaged(t *testing.T, file string, format dump.Format, cases []damagedCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := oneTable(t, file, tc.data, format, dump.Options{MaxRecordBytes: 4096})
			if len(res.rows) != tc.rows {
				t.Errorf("%d rows, want %d; warnings %v", len(res.rows), tc.rows, res.stats.Warnings)
			}
			found := tc.warn == ""
			for _, w := range res.stats.Warnings {
				found = found || strings.Contains(w.Message, tc.warn) && w.Pos.File == file && (w.Pos.Line > 0 || w.Pos.Record > 0)
			}
			if !found {
				t.Errorf("no warning %q in %+v", tc.warn, res.stats.Warnings)
			}
			for i, r := range res.rows {
				if r.Pos.Record != int64(i+1) {
					t.Errorf("row %d numbered %d", i, r.Pos.Record)
				}
			}
		})
	}
}

// fuzzReader reads arbitrary bytes as a file of one format and checks what
// every reader promises: no panic, records numbered 1, 2, 3..., cells of
// valid UTF-8, no more cells than columns, columns within their cap.
func fuzzReader(f *testing.F, format dump.Format, seeds [][]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	r, err := dump.NewReader(dump.Options{MaxRecordBytes: 64 << 10, MaxRatio: 100, MaxExpandedBytes: 32 << 20, MaxDepth: 2, Workers: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r.ReadStream(context.Background(), "fuzz", bytes.NewReader(data), func(tb *dump.Table) error {
			var last int64
			err := tb.Rows(context.Background(), func(row dump.Row) error {
				if row.Pos.Record != last+1 || row.Pos.File != "fuzz" {
					t.Fatalf("record %+v follows %d", row.Pos, last)
				}
				last = row.Pos.Record
				if tb.Format == format && len(row.Cells) > len(tb.Columns) {
					t.Fatalf("%d cells for %d columns", len(row.Cells), len(tb.Columns))
				}
				for _, c := range row.Cells {
					if !utf8.ValidString(c) {
						t.Fatalf("cell %q is not valid UTF-8", c)
					}
				}
				return nil
			})
			if len(tb.Columns) > 1024 {
				t.Fatalf("%d columns", len(tb.Columns))
			}
			return err
		})
	})
}

func FuzzVCard(f *testing.F) {
	seeds := [][]byte{
		[]byte("BEGIN:VCARD\nN:a;b\nEMAIL:x@y.fr\nEMAIL:z@y.fr\nEND:VCARD\n"),
		[]byte("BEGIN:VCARD\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\n=C3=A9=\n"),
		[]byte("BEGIN:VCARD\r\nFN;ENCODING=b;CHARSET=x-unknown:////\r\n \tfolded\r\nORG:\\;\\\r\n"),
		[]byte("BEGIN:VCARD\nBEGIN:VCARD\nEND:VCARD\nEND:VCARD\n:\n;\n.:x\n\"a:b\":c\n"),
	}
	for _, name := range []string{"abook-vcard21.vcf", "gammu-vcard21.vcf", "vobject-vcard30.vcf", "khard-vcard40.vcf"} {
		seeds = append(seeds, realBytes(f, name))
	}
	fuzzReader(f, dump.FormatVCard, seeds)
}

// benchReadRepeated measures reading data, repeated to about 16 MB, from a file.
func benchReadRepeated(b *testing.B, name string, data []byte, format dump.Format) {
	path := filepath.Join(b.TempDir(), name)
	big := bytes.Repeat(data, max(1, (16<<20)/len(data)))
	if err := os.WriteFile(path, big, 0o644); err != nil {
		b.Fatal(err)
	}
	r := newReader(b, dump.Options{})
	b.SetBytes(int64(len(big)))
	b.ResetTimer()
	for b.Loop() {
		err := r.Read(context.Background(), path, func(t *dump.Table) error {
			if t.Format != format {
				b.Fatalf("read as %s, not %s", t.Format, format)
			}
			return t.Rows(context.Background(), func(dump.Row) error { return nil })
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// vcardAsKeyValue writes the cards as "Key: value" blocks, the nearest
// format the key-value reader reads, to compare their costs.
func vcardAsKeyValue(vcf []byte) []byte {
	var out bytes.Buffer
	for _, l := range strings.Split(strings.ReplaceAll(string(vcf), "\r\n ", ""), "\r\n") {
		name, value, ok := strings.Cut(l, ":")
		name, _, _ = strings.Cut(name, ";")
		switch {
		case name == "BEGIN" || name == "VERSION":
		case name == "END" || !ok:
			out.WriteString("\n")
		default:
			out.WriteString(strings.ToLower(name) + ": " + value + "\n")
		}
	}
	return out.Bytes()
}

// BenchmarkReadVCard and BenchmarkReadKeyValueContacts read the same
// cards: a new reader may cost no more per megabyte than the key-value one.
func BenchmarkReadVCard(b *testing.B) {
	benchReadRepeated(b, "contacts.vcf", realBytes(b, "vobject-vcard30.vcf"), dump.FormatVCard)
}

func BenchmarkReadKeyValueContacts(b *testing.B) {
	benchReadRepeated(b, "contacts.txt", vcardAsKeyValue(realBytes(b, "vobject-vcard30.vcf")), dump.FormatKeyValue)
}
