package dump_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/sample"
)

// readResult is what a test needs to know of one table.
type readResult struct {
	table *dump.Table
	rows  []dump.Row
	stats dump.TableStats
}

func newReader(t testing.TB, opts dump.Options) *dump.Reader {
	t.Helper()
	r, err := dump.NewReader(opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// realFile is the path of a file written by a real program (see
// testdata/real/make.sh).
func realFile(name string) string { return filepath.Join("testdata", "real", "files", name) }

// contactColumns are the columns of testdata/real/contacts.csv, which every
// real program's file holds.
var contactColumns = []string{"id", "first_name", "last_name", "email", "phone", "organisation", "city", "country"}

func readAll(t testing.TB, path string, opts dump.Options) ([]readResult, error) {
	t.Helper()
	var out []readResult
	err := newReader(t, opts).Read(context.Background(), path, func(tb *dump.Table) error {
		res := readResult{table: tb}
		err := tb.Rows(context.Background(), func(r dump.Row) error {
			res.rows = append(res.rows, dump.Row{Pos: r.Pos, Cells: slices.Clone(r.Cells), Tokens: slices.Clone(r.Tokens)})
			return nil
		})
		res.stats = tb.Stats()
		out = append(out, res)
		return err
	})
	return out, err
}

func profile(t testing.TB, path string) *dump.FileProfile {
	t.Helper()
	secrets, err := dump.LoadSecrets()
	if err != nil {
		t.Fatal(err)
	}
	fp, err := dump.NewProfiler(newReader(t, dump.Options{}), secrets, true).Profile(context.Background(), path)
	if err != nil {
		t.Fatalf("profile %s: %v", path, err)
	}
	return fp
}

func roles(tp *dump.TableProfile) []dump.Role {
	var out []dump.Role
	for _, c := range tp.Columns {
		out = append(out, c.Role)
	}
	return out
}

// generatorRole maps the sample generator's column keys to the role the
// reader must infer for them.
func generatorRole(col string) (dump.Role, bool) {
	r, ok := map[string]dump.Role{
		"contact_id": dump.RoleID, "org_id": dump.RoleID, "organisation": dump.RoleOrganisation, "first_name": dump.RoleFirstName,
		"last_name": dump.RoleLastName, "full_name": dump.RoleFullName, "job_title": dump.RoleJobTitle, "email": dump.RoleEmail,
		"phone": dump.RolePhone, "mobile": dump.RolePhone, "country": dump.RoleCountry, "city": dump.RoleCity,
	}[col]
	return r, ok
}

func TestGeneratedLeaks(t *testing.T) {
	t.Parallel()
	want := map[string][]dump.Role{
		sample.LeakPaste:  {dump.RoleOrganisation, dump.RoleFullName, dump.RoleEmail, dump.RolePhone, dump.RoleJobTitle},
		sample.LeakCSV:    {dump.RoleOrganisation, dump.RoleLastName, dump.RoleFirstName, dump.RoleEmail, dump.RolePhone, dump.RoleJobTitle},
		sample.LeakNDJSON: {dump.RoleOrganisation, dump.RoleEmail, dump.RoleFullName, dump.RoleJobTitle, dump.RolePhone}, // keys in sorted order
		sample.LeakSQL:    {dump.RoleID, dump.RoleOrganisation, dump.RoleFirstName, dump.RoleLastName, dump.RoleEmail, dump.RolePhone, dump.RoleJobTitle},
	}
	wantFormat := map[string]dump.Format{sample.LeakPaste: dump.FormatDelimited, sample.LeakCSV: dump.FormatDelimited, sample.LeakNDJSON: dump.FormatNDJSON, sample.LeakSQL: dump.FormatSQL}
	for _, seed := range []uint64{11, 12, 13} {
		for _, style := range sample.LeakStyles() {
			t.Run(fmt.Sprintf("%s-%d", style, seed), func(t *testing.T) {
				t.Parallel()
				s, err := sample.Generate(sample.Config{Seed: seed, LeakStyle: style, Organisations: 80})
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				if err := s.Write(dir); err != nil {
					t.Fatal(err)
				}
				fp := profile(t, filepath.Join(dir, s.LeakPath()))
				if len(fp.Tables) != 1 {
					t.Fatalf("%d tables", len(fp.Tables))
				}
				tp := fp.Tables[0]
				truth := s.Truth()
				if tp.Format != wantFormat[style] || tp.Rows != int64(len(truth.RowContacts)) {
					t.Errorf("format %s, %d rows; want %s, %d", tp.Format, tp.Rows, wantFormat[style], len(truth.RowContacts))
				}
				if got := roles(tp); !slices.Equal(got, want[style]) {
					t.Errorf("roles = %v\nwant    %v", got, want[style])
				}
				if style == sample.LeakCSV && (tp.Encoding != "windows-1252" || tp.Delimiter != ";" || !tp.Header) {
					t.Errorf("csv leak read as %s %q header=%v", tp.Encoding, tp.Delimiter, tp.Header)
				}
				if style == sample.LeakPaste && (tp.Delimiter != " | " || tp.Header || tp.SkippedLines < 3) {
					t.Errorf("paste read with delimiter %q, header=%v, %d skipped lines", tp.Delimiter, tp.Header, tp.SkippedLines)
				}
				if truth.LeakMojibake && tp.Quality.RepairedCells == 0 {
					t.Error("the leak is double-encoded but no cell was repaired")
				}
				if tp.Categories[dump.CategoryContact] == 0 || tp.Categories[dump.CategoryIdentity] == 0 {
					t.Errorf("categories = %v", tp.Categories)
				}
			})
		}
	}
}

func TestGeneratedExports(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{21, 22} {
		s, err := sample.Generate(sample.Config{Seed: seed, Organisations: 60})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := s.Write(dir); err != nil {
			t.Fatal(err)
		}
		for _, e := range s.Exports {
			fp := profile(t, filepath.Join(dir, "exports", e.File))
			tp := fp.Tables[0]
			wantEnc, wantDelim := map[string]string{sample.FormatCSV: "utf-8", sample.FormatCSVExcelFR: "windows-1252", sample.FormatXLSX: ""}[e.Format],
				map[string]string{sample.FormatCSV: ",", sample.FormatCSVExcelFR: ";", sample.FormatXLSX: ""}[e.Format]
			if tp.Encoding != wantEnc || tp.Delimiter != wantDelim || !tp.Header || tp.Rows != int64(len(e.Contacts)) {
				t.Errorf("%s: %s %q header=%v %d rows; want %q %q header %d rows", e.File, tp.Encoding, tp.Delimiter, tp.Header, tp.Rows, wantEnc, wantDelim, len(e.Contacts))
			}
			for i, col := range e.Columns {
				want, ok := generatorRole(col)
				if !ok || i >= len(tp.Columns) {
					continue
				}
				if got := tp.Columns[i]; got.Role != want {
					t.Errorf("%s column %d (%s, header %q): role %s (%s), want %s", e.File, i+1, col, got.Header, got.Role, got.Reason, want)
				}
			}
		}
	}
}

func TestEdgeCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		format   dump.Format
		encoding string
		delim    string
		header   bool
		rows     int64
		roles    []dump.Role
	}{
		{"paste_banner.txt", dump.FormatDelimited, "utf-8", " | ", false, 5, []dump.Role{dump.RoleOrganisation, dump.RoleFullName, dump.RoleEmail, dump.RolePhone, dump.RoleJobTitle}},
		{"keyvalue.txt", dump.FormatKeyValue, "utf-8", "", true, 3, []dump.Role{dump.RoleOrganisation, dump.RoleEmail, dump.RoleFullName, dump.RolePhone}},
		{"combolist.txt", dump.FormatCombolist, "utf-8", "", false, 5, []dump.Role{dump.RoleEmail, dump.RolePassword}},
		{"nested.json", dump.FormatJSON, "utf-8", "", true, 3, []dump.Role{dump.RoleEmail, dump.RolePhone, dump.RoleID, dump.RoleFullName, dump.RoleUnknown}},
		{"quoted_multiline.csv", dump.FormatDelimited, "utf-8", ",", true, 3, []dump.Role{dump.RoleID, dump.RoleFullName, dump.RoleEmail, dump.RoleFreeText}},
		{"mixed_utf8_cp1252.csv", dump.FormatDelimited, "windows-1252", ";", true, 2, []dump.Role{dump.RoleOrganisation, dump.RoleLastName, dump.RoleEmail}},
		{"utf16.csv", dump.FormatDelimited, "utf-16le", ",", true, 2, []dump.Role{dump.RoleFullName, dump.RoleEmail, dump.RolePhone}},
		{"unbalanced.csv", dump.FormatDelimited, "utf-8", ",", true, 2, []dump.Role{dump.RoleFullName, dump.RoleEmail}},
		{"config_leak.txt", dump.FormatText, "utf-8", "", false, 10, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			fp := profile(t, filepath.Join("testdata", tc.file))
			tp := fp.Tables[0]
			if tp.Format != tc.format || tp.Encoding != tc.encoding || tp.Delimiter != tc.delim || tp.Header != tc.header || tp.Rows != tc.rows {
				t.Errorf("read as %s %s %q header=%v %d rows; want %s %s %q header=%v %d rows",
					tp.Format, tp.Encoding, tp.Delimiter, tp.Header, tp.Rows, tc.format, tc.encoding, tc.delim, tc.header, tc.rows)
			}
			if got := roles(tp); tc.roles != nil && !slices.Equal(got, tc.roles) {
				t.Errorf("roles = %v, want %v", got, tc.roles)
			}
		})
	}
}

func TestEdgeCaseValues(t *testing.T) {
	t.Parallel()
	res, err := readAll(t, filepath.Join("testdata", "mixed_utf8_cp1252.csv"), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := res[0].rows; got[0].Cells[1] != "Ménard" || got[1].Cells[0] != "Boréal SARL" || got[1].Cells[1] != "Lévesque" {
		t.Errorf("mixed encodings read as %v", got)
	}
	res, err = readAll(t, filepath.Join("testdata", "quoted_multiline.csv"), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := res[0].rows[0]
	if first.Cells[1] != "Martin, Jeanne" || first.Cells[3] != "Called on Monday.\nShe asked for \"a callback\" later." || first.Pos.Line != 2 || res[0].rows[2].Pos.Line != 5 {
		t.Errorf("multi-line cells read as %+v", res[0].rows)
	}
	res, err = readAll(t, filepath.Join("testdata", "pgdump.sql"), dump.Options{})
	if err != nil || len(res) != 2 {
		t.Fatalf("pgdump: %d tables, %v", len(res), err)
	}
	if res[0].table.Sheet != "public.contacts" || !slices.Equal(res[0].table.Columns, []string{"id", "full_name", "email", "phone"}) ||
		len(res[0].rows) != 3 || res[0].rows[1].Cells[3] != "" || res[0].rows[2].Cells[1] != "Yann Le\tGall" {
		t.Errorf("COPY block read as %v %+v", res[0].table.Columns, res[0].rows)
	}
	if res[1].table.Sheet != "users" || len(res[1].rows) != 3 || res[1].rows[2].Cells[1] != "o'brien" || res[1].rows[2].Pos.Record != 3 {
		t.Errorf("INSERTs read as %+v", res[1].rows)
	}
	res, err = readAll(t, filepath.Join("testdata", "paste_banner.txt"), dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0].rows[0]; r.Pos.Line != 6 || r.Pos.Record != 1 || r.Cells[1] != "Jeanne Martin" {
		t.Errorf("first paste row = %+v", r)
	}
	fp := profile(t, filepath.Join("testdata", "config_leak.txt"))
	counts := fp.Tables[0].SecretCounts
	for _, rule := range []string{"connection-string", "aws-access-key-id", "suricata-snort-rule", "yara-rule", "iptables-rule"} {
		if counts[rule] == 0 {
			t.Errorf("config leak: %s not found (%v)", rule, counts)
		}
	}
}

func TestTokensInFreeText(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "forum.txt")
	text := "Got this from an insider, enjoy.\nContact Jeanne Martin <jeanne.martin@acme.test> or call +33 6 12 34 56 78 today\n" +
		"random words without anything\nPaul Durand: p.durand@acme.test, 06.98.76.54.32 (mobile)\n"
	os.WriteFile(path, []byte(text), 0o644)
	res, err := readAll(t, path, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res[0].rows {
		for _, tok := range r.Tokens {
			got = append(got, string(tok.Kind)+"="+tok.Value)
		}
	}
	want := []string{"name=Jeanne Martin", "email=jeanne.martin@acme.test", "phone=+33 6 12 34 56 78", "name=Paul Durand", "email=p.durand@acme.test", "phone=06.98.76.54.32"}
	if res[0].table.Format != dump.FormatText || !slices.Equal(got, want) {
		t.Errorf("format %s, tokens %q\nwant %q", res[0].table.Format, got, want)
	}
}

// TestNamesInCellsOfMixedLines reads a dump of mixed lines that starts
// with a JSON one: it is text, and the person rows in it give their name
// from their cells, before an address or a phone number alike.
func TestNamesInCellsOfMixedLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "mixed.txt")
	text := `{"user":"kqzv","email":"kqzv@mail1.example"}` + "\n" +
		"wxyz12@mail2.example:secret\n" +
		"Jeanne;de La Fontaine;;06 12 34 56 78;Lyon\n" +
		"abcd;efgh;abcd9@mail3.example;+999 1234567;ijkl\n" +
		"Dupont;Jeanne;;+33 6 12 34 56 79;Lyon\n" +
		"Paul;Durand;pd@mail4.example;0033 6 98 76 54 32;Nantes\n" +
		"mnop34@mail5.example:other\n"
	os.WriteFile(path, []byte(text), 0o644)
	res, err := readAll(t, path, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].table.Format != dump.FormatText {
		t.Fatalf("read %d tables, want one of text", len(res))
	}
	var got []string
	for _, r := range res[0].rows {
		for _, tok := range r.Tokens {
			if tok.Kind == dump.TokenName {
				got = append(got, tok.Value)
			}
		}
	}
	want := []string{"Jeanne;de La Fontaine", "Jeanne;Dupont", "Paul;Durand"}
	if !slices.Equal(got, want) {
		t.Errorf("names %q, want %q", got, want)
	}
}

func writeZip(t *testing.T, path string, files map[string][]byte, method uint16) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range slices.Sorted(mapsKeys(files)) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[name])
	}
	zw.Close()
	os.WriteFile(path, buf.Bytes(), 0o644)
}

func mapsKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestArchives(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	paste, _ := os.ReadFile(filepath.Join("testdata", "paste_banner.txt"))
	combo, _ := os.ReadFile(filepath.Join("testdata", "combolist.txt"))
	inner := filepath.Join(dir, "inner.zip")
	writeZip(t, inner, map[string][]byte{"combo.txt": combo}, zip.Deflate)
	innerBytes, _ := os.ReadFile(inner)

	var tgz bytes.Buffer
	gz := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(gz)
	nested, _ := os.ReadFile(filepath.Join("testdata", "nested.json"))
	tw.WriteHeader(&tar.Header{Name: "dir/nested.json", Mode: 0o644, Size: int64(len(nested)), Typeflag: tar.TypeReg})
	tw.Write(nested)
	tw.Close()
	gz.Close()

	outer := filepath.Join(dir, "leak.zip")
	writeZip(t, outer, map[string][]byte{"a/paste.txt": paste, "b/inner.zip": innerBytes, "c/more.tar.gz": tgz.Bytes()}, zip.Deflate)
	res, err := readAll(t, outer, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range res {
		names = append(names, fmt.Sprintf("%s[%s]:%d", r.table.File, r.table.Sheet, len(r.rows)))
	}
	want := []string{outer + "!/a/paste.txt[]:5", outer + "!/b/inner.zip!/combo.txt[]:5", outer + "!/c/more.tar.gz!/dir/nested.json[data.customers]:3"}
	if !slices.Equal(names, want) {
		t.Errorf("tables = %q\nwant %q", names, want)
	}
}

func TestBombsAreStopped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Text, not zeros: zeros are binary and never inflated past the sniff,
	// and the ratio is measured on the bytes really inflated.
	zeros := bytes.Repeat([]byte("0;0\n"), 16<<20)
	bomb := filepath.Join(dir, "bomb.zip")
	writeZip(t, bomb, map[string][]byte{"zeros.csv": zeros}, zip.Deflate)
	_, err := readAll(t, bomb, dump.Options{MaxRatio: 100})
	if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), "zip bomb") || !strings.Contains(err.Error(), "zeros.csv") {
		t.Errorf("zip bomb: %v", err)
	}
	// Text, not zeros: zeros are binary and never read past the sniff.
	var gzBuf bytes.Buffer
	gz := gzip.NewWriter(&gzBuf)
	gz.Write(bytes.Repeat([]byte("0;0\n"), 2<<20))
	gz.Close()
	gzPath := filepath.Join(dir, "bomb.csv.gz")
	os.WriteFile(gzPath, gzBuf.Bytes(), 0o644)
	_, err = readAll(t, gzPath, dump.Options{MaxRatio: 100})
	if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), "zip bomb") {
		t.Errorf("gzip bomb: %v", err)
	}
	// The caps can be raised for a real, very compressible dump.
	if _, err := readAll(t, gzPath, dump.Options{MaxRatio: 1 << 20}); err != nil {
		t.Errorf("raised cap: %v", err)
	}
	_, err = readAll(t, gzPath, dump.Options{MaxRatio: 1 << 20, MaxExpandedBytes: 1 << 20})
	if !strings.Contains(fmt.Sprint(err), "beyond") {
		t.Errorf("total cap: %v", err)
	}
}

func TestDamagedFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := sample.Generate(sample.Config{Seed: 5, Organisations: 30})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	var xlsx string
	for _, e := range s.Exports {
		if e.Format == sample.FormatXLSX {
			xlsx = filepath.Join(dir, "exports", e.File)
		}
	}
	paste, _ := os.ReadFile(filepath.Join("testdata", "paste_banner.txt"))
	zipPath := filepath.Join(dir, "x.zip")
	writeZip(t, zipPath, map[string][]byte{"p.txt": paste}, zip.Store)
	gzPath := filepath.Join(dir, "x.txt.gz")
	var gzBuf bytes.Buffer
	gz := gzip.NewWriter(&gzBuf)
	gz.Write(bytes.Repeat(paste, 100))
	gz.Close()
	os.WriteFile(gzPath, gzBuf.Bytes(), 0o644)

	for _, tc := range []struct {
		name, path string
		want       string
	}{
		{"truncated zip", zipPath, "damaged or truncated zip"},
		{"truncated xlsx", xlsx, "truncated"},
		{"truncated gzip", gzPath, "truncated"},
	} {
		if tc.path == "" {
			continue
		}
		data, _ := os.ReadFile(tc.path)
		cut := filepath.Join(dir, "cut-"+filepath.Base(tc.path))
		os.WriteFile(cut, data[:len(data)*2/3], 0o644)
		_, err := readAll(t, cut, dump.Options{})
		unread, rest := dump.Unreads(err)
		if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || rest != nil || len(unread) != 1 || !strings.Contains(unread[0].Reason, tc.want) || !strings.Contains(unread[0].File, "cut-") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestBadInputIsReportedNotFatal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	// Empty and binary files give a table with a warning, and are reported
	// unread with what they seem to be.
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"empty.csv": {nil, "empty file"},
		"blank.txt": {[]byte("\n\n  \n"), "empty file"},
		"tool.bin":  {[]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00binary"), "ELF executable"},
	} {
		res, err := readAll(t, write(name, tc.data), dump.Options{})
		unread, rest := dump.Unreads(err)
		if rest != nil || len(unread) != 1 || !strings.Contains(unread[0].Reason, tc.want) || len(res) != 1 || len(res[0].rows) != 0 || len(res[0].stats.Warnings) == 0 {
			t.Errorf("%s: %v, %+v", name, err, res)
		}
	}
	// An unterminated SQL string stops the table at its line; the rows
	// before it stand, and the file is reported as read in part.
	res, err := readAll(t, write("bad.sql", []byte("INSERT INTO t VALUES (1,'ok'),\n(2,'never closed);\n")), dump.Options{})
	unread, _ := dump.Unreads(err)
	if len(unread) != 1 || unread[0].Records != 1 || !strings.Contains(unread[0].Reason, "line 2") || !strings.Contains(unread[0].Reason, "unterminated") || len(res) != 1 || len(res[0].rows) != 1 {
		t.Errorf("unterminated SQL string: %v", err)
	}
	// Deeply nested JSON is refused cleanly, as a document and as a record.
	deep := strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000)
	_, err = readAll(t, write("deep.json", []byte(deep)), dump.Options{})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "deeper") {
		t.Errorf("deep JSON object: %v", err)
	}
	_, err = readAll(t, write("deep-array.json", []byte("["+strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)+"]")), dump.Options{})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD {
		t.Errorf("deep JSON record: %v", err)
	}
	// Truncated JSON says so.
	_, err = readAll(t, write("cut.json", []byte(`[{"email":"a@b.fr"},{"email":"c@`)), dump.Options{})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || !strings.Contains(err.Error(), "cut.json") || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated JSON: %v", err)
	}
	_, err = readAll(t, filepath.Join(dir, "missing.csv"), dump.Options{})
	if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
}

func TestLongLineIsSkipped(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString("name;email\nJeanne Martin;jeanne@acme.test\n")
	b.WriteString(strings.Repeat("x", 5<<20) + "\n")
	b.WriteString("Paul Durand;paul@acme.test\n")
	path := filepath.Join(t.TempDir(), "long.csv")
	os.WriteFile(path, b.Bytes(), 0o644)
	res, err := readAll(t, path, dump.Options{MaxRecordBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	rows := res[0].rows
	if len(rows) != 2 || rows[1].Pos.Line != 4 || rows[1].Pos.Record != 2 || rows[1].Cells[0] != "Paul Durand" {
		t.Fatalf("rows = %+v", rows)
	}
	if w := res[0].stats.Warnings; len(w) != 1 || w[0].Pos.Line != 3 || !strings.Contains(w[0].Message, "longer than") {
		t.Fatalf("warnings = %+v", w)
	}
}

// endlessLine yields n bytes of one line, then a newline and a record,
// without holding them in memory.
type endlessLine struct{ left int64 }

func (e *endlessLine) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > e.left {
		n = e.left
	}
	for i := range p[:n] {
		p[i] = 'a'
	}
	e.left -= n
	return int(n), nil
}

func TestTwoGigabyteLine(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 2 GB")
	}
	t.Parallel()
	in := io.MultiReader(strings.NewReader("name;email\n"), &endlessLine{left: 2 << 30}, strings.NewReader("\nJeanne Martin;jeanne@acme.test\n"))
	var rows []dump.Row
	var stats dump.TableStats
	start := time.Now()
	err := newReader(t, dump.Options{}).ReadStream(context.Background(), "stdin", in, func(tb *dump.Table) error {
		err := tb.Rows(context.Background(), func(r dump.Row) error {
			rows = append(rows, dump.Row{Pos: r.Pos, Cells: slices.Clone(r.Cells)})
			return nil
		})
		stats = tb.Stats()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Pos.Line != 3 || len(stats.Warnings) != 1 {
		t.Fatalf("rows %+v, warnings %+v", rows, stats.Warnings)
	}
	t.Logf("2 GB line skipped in %v", time.Since(start))
}

// bigCSV writes a delimited file spanning several blocks.
func bigCSV(t testing.TB, rows int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# export\nid;name;email;phone\n")
	for i := range rows {
		if i%5000 == 4999 {
			b.WriteString("\n# a comment in the middle\n")
		}
		fmt.Fprintf(&b, "%d;Person %d Dupré;person.%d@example.test;+3361%07d\n", i+1, i, i, i)
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	return path
}

// Parallel reading hands out the same rows, with the same positions, as
// reading in order.
func TestParallelRowsMatchSequential(t *testing.T) {
	t.Parallel()
	path := bigCSV(t, 150_000) // about 9 MB: three blocks
	seq, err := readAll(t, path, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for i, r := range seq[0].rows {
		if r.Pos.Record != int64(i+1) {
			t.Fatalf("sequential record %d numbered %d", i+1, r.Pos.Record)
		}
		want[fmt.Sprint(r.Pos.Line, r.Pos.Record, r.Cells)] = true
	}
	var mu sync.Mutex
	got := map[string]bool{}
	err = newReader(t, dump.Options{}).Read(context.Background(), path, func(tb *dump.Table) error {
		return tb.ParallelRows(context.Background(), 4, func(_ int, r dump.Row) error {
			mu.Lock()
			defer mu.Unlock()
			got[fmt.Sprint(r.Pos.Line, r.Pos.Record, r.Cells)] = true
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 150_000 || len(want) != 150_000 {
		t.Fatalf("%d parallel rows, %d sequential", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Fatalf("parallel reading lacks %s", k)
		}
	}
}

func TestCancellation(t *testing.T) {
	t.Parallel()
	path := bigCSV(t, 150_000)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := newReader(t, dump.Options{}).Read(ctx, path, func(tb *dump.Table) error {
		return tb.ParallelRows(ctx, 2, func(int, dump.Row) error {
			if n++; n == 10 {
				cancel()
			}
			return nil
		})
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled read: %v", err)
	}
}

// A column of repeated values is scanned for secrets once per clean value,
// yet a secret is counted, and its first row reported, wherever it repeats,
// across blocks and workers.
func TestRepeatedSecretsAreAllCounted(t *testing.T) {
	t.Parallel()
	const rows = 60000 // several blocks
	key := "AKIAIOSFODNN7EXAMPLE"
	var b strings.Builder
	b.WriteString("status,note\n")
	want := 0
	firstRecord := int64(0)
	for i := 1; i <= rows; i++ {
		note := [...]string{"renewal due", "call back", "no answer"}[i%3]
		if i%5000 == 1234 {
			note = "aws_access_key_id = " + key
			want++
			if firstRecord == 0 {
				firstRecord = int64(i)
			}
		}
		fmt.Fprintf(&b, "%s,%s\n", [...]string{"open", "closed"}[i%2], note)
	}
	path := filepath.Join(t.TempDir(), "crm.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	tp := profile(t, path).Tables[0]
	if got := tp.SecretCounts["aws-access-key-id"]; got != int64(want) {
		t.Fatalf("%d AWS keys counted, want %d (%v)", got, want, tp.SecretCounts)
	}
	if len(tp.Secrets) == 0 || tp.Secrets[0].Pos.Record != firstRecord {
		t.Fatalf("first finding %+v, want record %d", tp.Secrets, firstRecord)
	}
}
