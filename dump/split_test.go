package dump

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// wholeRows reads path whole and returns its rows, cells joined.
func wholeRows(t testing.TB, r *Reader, path string) []string {
	var rows []string
	err := r.Read(context.Background(), path, func(tb *Table) error {
		return tb.Rows(context.Background(), func(row Row) error {
			rows = append(rows, fmt.Sprintf("%d|%s", row.Pos.Record, strings.Join(row.Cells, "\x1f")))
			return nil
		})
	})
	if _, err := Unreads(err); err != nil {
		t.Fatal(err)
	}
	return rows
}

// rangeRows reads path by the ranges between cuts, numbering records as
// the whole file does, and fails when a range gives a table with other
// columns or no preview where the whole file has one.
func rangeRows(t testing.TB, r *Reader, path string, l Layout, cuts []int64) ([]string, error) {
	var rows []string
	var before int64
	for i := 0; i+1 < len(cuts); i++ {
		var last int64
		err := r.ReadRange(context.Background(), path, l, cuts[i], cuts[i+1], func(tb *Table) error {
			if !slices.Equal(tb.Columns, l.Columns) {
				t.Errorf("range %d: columns %q, want %q", i, tb.Columns, l.Columns)
			}
			return tb.Rows(context.Background(), func(row Row) error {
				last = row.Pos.Record
				rows = append(rows, fmt.Sprintf("%d|%s", before+row.Pos.Record, strings.Join(row.Cells, "\x1f")))
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
		before += last
	}
	return rows, nil
}

func writeTemp(t testing.TB, name string, data []byte) string {
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadRangeGivesTheWholeFile(t *testing.T) {
	t.Parallel()
	var csv bytes.Buffer
	csv.WriteString("# export of 2026-01-02\nemail;first_name;last_name;phone\n")
	for i := range 3000 {
		if i%97 == 0 {
			csv.WriteString("\n")
		}
		fmt.Fprintf(&csv, "person%d@example.org;Anne%d;Martin;06 12 34 %02d %02d\r\n", i, i, i%100, i/100)
	}
	var combo bytes.Buffer
	for i := range 3000 {
		fmt.Fprintf(&combo, "user%d@example.net:secret%d\n", i, i)
	}
	r, err := NewReader(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{{"people.csv", csv.Bytes()}, {"combo.txt", combo.Bytes()}} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, tc.name, tc.data)
			l, ok, err := r.SplitLayout(path)
			if err != nil || !ok {
				t.Fatalf("SplitLayout = %v, %v; want a splittable layout", ok, err)
			}
			want := wholeRows(t, r, path)
			size := int64(len(tc.data))
			for _, step := range []int64{size, size / 2, 4097, 1000, 333} {
				cuts := []int64{0}
				for c := max(step, 120); c < size; c += step {
					cuts = append(cuts, c)
				}
				cuts = append(cuts, size)
				got, err := rangeRows(t, r, path, l, cuts)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("step %d: %d rows by ranges, %d whole; first difference at %d", step, len(got), len(want), firstDiff(got, want))
				}
			}
		})
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestSplitLayoutRefusesWhatCannotBeSplit(t *testing.T) {
	t.Parallel()
	r, err := NewReader(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"quoted.csv":  readTestdata(t, "quoted_multiline.csv"),
		"people.json": []byte(`[{"email":"a@example.org"}]`),
		"latin1.csv":  []byte("nom;ville\nAndr\xe9;Orl\xe9ans\nJos\xe9;S\xe8te\n"),
		"gz.csv.gz":   {0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0},
		"empty.txt":   {},
	} {
		if _, ok, err := r.SplitLayout(writeTemp(t, name, data)); ok || err != nil {
			t.Errorf("%s: SplitLayout = %v, %v; want not splittable, no error", name, ok, err)
		}
	}
}

func readTestdata(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadRangeRefusesAChangedFile(t *testing.T) {
	t.Parallel()
	r, err := NewReader(Options{})
	if err != nil {
		t.Fatal(err)
	}
	path := writeTemp(t, "a.csv", []byte("email;name\na@example.org;Anne\nb@example.org;Paul\n"))
	l, _, err := r.SplitLayout(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("email,name,city\na@example.org,Anne,Lyon\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = r.ReadRange(context.Background(), path, l, 0, 100, func(*Table) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "no longer") {
		t.Fatalf("ReadRange of a changed file: %v; want a refusal", err)
	}
	truncated := writeTemp(t, "b.csv", []byte("email;name\na@example.org;Anne\n"))
	err = r.ReadRange(context.Background(), truncated, l, 20, 60, func(*Table) error { return nil })
	if leakdesk.ErrorCode(err) != leakdesk.EINTEGRITY || !strings.Contains(err.Error(), "shorter") {
		t.Fatalf("ReadRange past a truncated file's end: %v; want a refusal, not an empty range", err)
	}
	if err := r.ReadRange(context.Background(), filepath.Join(t.TempDir(), "gone.csv"), l, 0, 1, func(*Table) error { return nil }); err == nil {
		t.Fatal("ReadRange of a missing file: no error")
	}
}

// FuzzReadRange cuts arbitrary text at arbitrary points after its header:
// read by ranges, it must give the rows the whole file gives.
func FuzzReadRange(f *testing.F) {
	f.Add([]byte("email;name\na@example.org;Anne\n\nb@example.org;Paul\nc@example.org;Zoé\n"), uint16(7), uint16(3))
	f.Add([]byte("a@example.net:pw1\nb@example.net:pw2\r\nc@example.net:pw3"), uint16(1), uint16(1))
	f.Add([]byte("Anne Martin anne@example.org 06 12 34 56 78\n---\nPaul paul@example.org\n"), uint16(20), uint16(9))
	r := fuzzReader(f)
	f.Fuzz(func(t *testing.T, data []byte, first, step uint16) {
		path := writeTemp(t, "fuzz.txt", data)
		l, ok, err := r.SplitLayout(path)
		if err != nil || !ok {
			return
		}
		// The header is in the first range: cuts start after its line.
		headerEnd := 0
		for range l.HeaderLine {
			i := bytes.IndexByte(data[headerEnd:], '\n')
			if i < 0 {
				return
			}
			headerEnd += i + 1
		}
		size := int64(len(data))
		cuts := []int64{0}
		for c := int64(headerEnd) + int64(first); c < size; c += int64(step) + 1 {
			cuts = append(cuts, c)
		}
		cuts = append(cuts, size)
		got, err := rangeRows(t, r, path, l, cuts)
		if err != nil {
			t.Fatal(err)
		}
		if want := wholeRows(t, r, path); !slices.Equal(got, want) {
			t.Fatalf("cuts %v: by ranges\n%q\nwhole\n%q", cuts, got, want)
		}
	})
}
