package dump_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// An archive whose members cannot all be read hands over every record it
// can, then names each member that gave none, with what it seems to be.
func TestUnreadMembersAreNamed(t *testing.T) {
	t.Parallel()
	good := []byte("name;email\nJeanne Martin;jeanne@acme.test\nPaul Durand;paul@acme.test\n")
	cut := compress(t, "gzip", bytes.Repeat(good, 200))
	path := filepath.Join(t.TempDir(), "leak.zip")
	writeZip(t, path, map[string][]byte{
		"a-good.csv":     good,
		"b-empty.csv":    nil,
		"c-header.csv":   []byte("name;email;phone\n"),
		"d-tool.bin":     []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00binary"),
		"e-cut.csv.gz":   cut[:len(cut)/2],
		"f-workbook.xls": append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 600)...),
	}, zip.Deflate)

	res, err := readAll(t, path, dump.Options{})
	unread, rest := dump.Unreads(err)
	if rest != nil {
		t.Fatalf("read: %v", rest)
	}
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD {
		t.Errorf("code %q, want %q", leakdesk.ErrorCode(err), leakdesk.EUNREAD)
	}
	var records int
	for _, r := range res {
		records += len(r.rows)
	}
	// The cut member gives the records before its damage, besides the
	// good member's two.
	if records < 2 {
		t.Errorf("%d records read, want the good member's 2 at least", records)
	}
	want := []struct{ member, reason string }{
		{"b-empty.csv", "empty file"},
		{"c-header.csv", "header line and no record"},
		{"d-tool.bin", "ELF executable"},
		{"f-workbook.xls", "Excel 97-2003"},
		{"e-cut.csv.gz", "truncated"},
	}
	got := map[string]leakdesk.Unread{}
	for _, u := range unread {
		got[filepath.Base(strings.TrimPrefix(u.File, path+"!/"))] = u
	}
	for _, w := range want {
		u, ok := got[w.member]
		if !ok {
			t.Errorf("%s is not reported unread; unread: %v", w.member, unread)
			continue
		}
		if !strings.HasPrefix(u.File, path+"!/") || !strings.Contains(u.Reason, w.reason) {
			t.Errorf("%s: %q, want a reason with %q", w.member, u, w.reason)
		}
	}
	if _, ok := got["a-good.csv"]; ok {
		t.Errorf("the good member is reported unread: %v", unread)
	}
}

// The caller's own error stops the reading at once and comes back as it is,
// not as an unread file.
func TestCallerErrorStopsReading(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "two.zip")
	writeZip(t, path, map[string][]byte{
		"a.csv": []byte("name;email\nJeanne Martin;jeanne@acme.test\n"),
		"b.csv": []byte("name;email\nPaul Durand;paul@acme.test\n"),
	}, zip.Store)
	stop := errors.New("enough")
	r := newReader(t, dump.Options{})
	for _, when := range []string{"table", "row"} {
		tables := 0
		err := r.Read(context.Background(), path, func(tb *dump.Table) error {
			tables++
			if when == "table" {
				return stop
			}
			return tb.Rows(context.Background(), func(dump.Row) error { return stop })
		})
		if err != stop || tables != 1 {
			t.Errorf("stop at %s: err %v after %d tables, want the caller's error after 1", when, err, tables)
		}
	}
}

// A file whose reading stops part way is reported with the records read
// before the damage, which stand.
func TestStoppedFileKeepsItsRecords(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "cut.sql")
	os.WriteFile(path, []byte("INSERT INTO t (name, email) VALUES ('Jeanne Martin','jeanne@acme.test'),\n('Paul Durand','paul@acme.test'),\n('never closed);\n"), 0o644)
	res, err := readAll(t, path, dump.Options{})
	unread, rest := dump.Unreads(err)
	if rest != nil || len(unread) != 1 || unread[0].Records != 2 || len(res) != 1 || len(res[0].rows) != 2 {
		t.Fatalf("got %v and %d tables", err, len(res))
	}
	if s := unread[0].String(); !strings.Contains(s, "2 records read, then") || !strings.Contains(s, "line 3") {
		t.Errorf("message %q", s)
	}
}
