package dump_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// hostileFile writes a file made of head, n bytes of fill, and tail, without
// holding the fill in memory.
func hostileFile(t *testing.T, name, head string, fill byte, n int, tail string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	w.WriteString(head)
	chunk := []byte(strings.Repeat(string(fill), 64<<10))
	for left := n; left > 0; left -= len(chunk) {
		w.Write(chunk[:min(left, len(chunk))])
	}
	w.WriteString(tail)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// allocated returns the bytes allocated while fn ran. Tests that call it are
// not parallel, so that the count is theirs.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// checkAllocated fails a test whose read of a hostile part of hostileBytes
// allocated a quarter of that or more: the part was held.
func checkAllocated(t *testing.T, what string, alloc uint64) {
	t.Helper()
	t.Logf("%s: %d bytes allocated for a %d-byte hostile part", what, alloc, hostileBytes)
	if alloc > hostileBytes/4 {
		t.Errorf("%s: reading a %d-byte hostile part allocated %d bytes", what, hostileBytes, alloc)
	}
}

// hostileBytes is the size of the hostile part of the files below, and
// hostileCap the --max-record they are read with: far larger, so that
// holding the hostile part would show in the memory allocated.
const (
	hostileBytes = 48 << 20
	hostileCap   = 256 << 10
)

func warned(stats dump.TableStats, line int64, text string) bool {
	for _, w := range stats.Warnings {
		if (line == 0 || w.Pos.Line == line) && strings.Contains(w.Message, text) {
			return true
		}
	}
	return false
}

func TestKeyValueGoesOnPastLongLine(t *testing.T) {
	head := "Name: Jeanne Martin\nEmail: jeanne@example.org\n\nName: Luc Petit\nEmail: luc@example.org\n\nNote: "
	tail := "\n\nName: Paul Durand\nEmail: paul@example.org\n"
	path := hostileFile(t, "blocks.txt", head, 'x', hostileBytes, tail)
	var res []readResult
	var err error
	alloc := allocated(func() { res, err = readAll(t, path, dump.Options{MaxRecordBytes: hostileCap}) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].table.Format != dump.FormatKeyValue {
		t.Fatalf("tables: %+v", res)
	}
	got := res[0]
	if len(got.rows) != 3 || got.rows[2].Cells[1] != "Paul Durand" || got.rows[2].Pos.Line != 9 {
		t.Errorf("rows after the long line: %+v", got.rows)
	}
	if !warned(got.stats, 7, "longer than") {
		t.Errorf("no warning at line 7: %+v", got.stats.Warnings)
	}
	checkAllocated(t, "long line", alloc)
}

// TestColumnCap reads records whose keys are all new: the table stops at
// 4,096 columns and counts the values it drops.
func TestColumnCap(t *testing.T) {
	t.Parallel()
	const records, keys = 50, 100 // 5,000 keys in all
	var ndjson, array, blocks strings.Builder
	array.WriteString("[")
	// Key-value blocks are recognised by keys that repeat: the sniffed
	// sample holds ordinary blocks only.
	const ordinary = 8000
	for i := range ordinary {
		fmt.Fprintf(&blocks, "Name: P %d\nEmail: o%d@example.org\n\n", i, i)
	}
	for i := range records {
		var fields []string
		for k := range keys {
			fields = append(fields, fmt.Sprintf(`"k%d_%d": "v"`, i, k))
			fmt.Fprintf(&blocks, "Key%d_%d: v\n", i, k)
		}
		if i > 0 {
			array.WriteString(",")
		}
		fmt.Fprintf(&ndjson, "{\"email\": \"p%d@example.org\", %s}\n", i, strings.Join(fields, ", "))
		fmt.Fprintf(&array, "{\"email\": \"p%d@example.org\", %s}", i, strings.Join(fields, ", "))
		fmt.Fprintf(&blocks, "Email: p%d@example.org\n\n", i)
	}
	array.WriteString("]")
	dir := t.TempDir()
	for name, content := range map[string]string{"wide.ndjson": ndjson.String(), "wide.json": array.String(), "wide.txt": blocks.String()} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o644)
		res, err := readAll(t, path, dump.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := res[0]
		if len(got.table.Columns) != 4096 {
			t.Errorf("%s: %d columns", name, len(got.table.Columns))
		}
		// The e-mail column (and the name, in blocks) is shared; the other
		// keys hold one value each.
		want, shared := records, 1
		if name == "wide.txt" {
			want, shared = records+ordinary, 2
		}
		if len(got.rows) != want || got.stats.DroppedValues != int64(records*keys-(4096-shared)) {
			t.Errorf("%s: %d rows, %d values dropped", name, len(got.rows), got.stats.DroppedValues)
		}
		email := -1
		for i, c := range got.table.Columns {
			if strings.EqualFold(c, "email") {
				email = i
			}
		}
		if last := got.rows[want-1]; email < 0 || last.Cells[email] != fmt.Sprintf("p%d@example.org", records-1) {
			t.Errorf("%s: the known column is no longer read: %v", name, last.Cells[max(email, 0)])
		}
		if !warned(got.stats, 0, "more than 4096 different keys") {
			t.Errorf("%s: no warning: %+v", name, got.stats.Warnings)
		}
	}
}

// TestZipRatioOnInflatedBytes reads a member that declares a compressed
// size padded with bytes its deflate stream never reads, as the members of
// an overlapping zip bomb do: by the declared sizes it expands 30 times,
// by the bytes really read about a thousand.
func TestZipRatioOnInflatedBytes(t *testing.T) {
	t.Parallel()
	const lines = 4 << 20
	text := bytes.Repeat([]byte("0;0\n"), lines)
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestCompression)
	fw.Write(text)
	fw.Close()
	padding := make([]byte, 512<<10)
	rand.NewChaCha8([32]byte{1}).Read(padding)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "zeros.csv", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(text),
		CompressedSize64: uint64(deflated.Len() + len(padding)), UncompressedSize64: uint64(len(text))})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(deflated.Bytes())
	w.Write(padding)
	zw.Close()
	path := filepath.Join(t.TempDir(), "padded.zip")
	os.WriteFile(path, buf.Bytes(), 0o644)
	_, err = readAll(t, path, dump.Options{MaxRatio: 100})
	if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), "zip bomb") || !strings.Contains(err.Error(), "padded.zip!/zeros.csv") {
		t.Errorf("padded member: %v", err)
	}
	// Raised, the cap lets the same member be read whole.
	var records int64
	err = newReader(t, dump.Options{MaxRatio: 1 << 20}).Read(context.Background(), path, func(tb *dump.Table) error {
		err := tb.Rows(context.Background(), func(dump.Row) error { return nil })
		records += tb.Stats().Records
		return err
	})
	if err != nil || records != lines {
		t.Errorf("raised cap: %d records, %v", records, err)
	}
}

// TestSpoolDir reads a zip inside a gzip stream, which must be copied to
// disk to be read: the copy goes to the spool directory, has no name while
// it is read, and what a crashed run left there is removed at the start.
func TestSpoolDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	spool := filepath.Join(dir, "data", "spool")
	os.MkdirAll(spool, 0o755)
	stale := filepath.Join(spool, "leakdesk-spool-123")
	os.WriteFile(stale, []byte("left by a crash"), 0o600)
	other := filepath.Join(spool, "notes.txt")
	os.WriteFile(other, []byte("not ours"), 0o600)

	var zipBuf bytes.Buffer
	zw := zip.NewWriter(&zipBuf)
	w, _ := zw.Create("people.csv")
	w.Write([]byte("email;name\njeanne@example.org;Jeanne Martin\npaul@example.org;Paul Durand\n"))
	zw.Close()
	var gzBuf bytes.Buffer
	gz := gzip.NewWriter(&gzBuf)
	gz.Name = "people.zip"
	gz.Write(zipBuf.Bytes())
	gz.Close()
	path := filepath.Join(dir, "people.zip.gz")
	os.WriteFile(path, gzBuf.Bytes(), 0o644)

	r := newReader(t, dump.Options{SpoolDir: spool})
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a crashed run's spool file is still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a file that is not a spool file was removed: %v", err)
	}
	if info, err := os.Stat(spool); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("spool directory: %v %v", info.Mode(), err)
	}
	var rows int
	var spooledHere bool
	err := r.Read(context.Background(), path, func(tb *dump.Table) error {
		// The copy being read is open, in the spool directory, without a name.
		fds, _ := os.ReadDir("/proc/self/fd")
		for _, fd := range fds {
			target, _ := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
			if strings.HasPrefix(target, filepath.Join(spool, "leakdesk-spool-")) && strings.HasSuffix(target, "(deleted)") {
				spooledHere = true
			}
		}
		return tb.Rows(context.Background(), func(dump.Row) error { rows++; return nil })
	})
	if err != nil || rows != 2 {
		t.Fatalf("read: %d rows, %v", rows, err)
	}
	if _, err := os.Stat("/proc/self/fd"); err == nil && !spooledHere {
		t.Error("the nested zip was not spooled in the spool directory")
	}
	entries, _ := os.ReadDir(spool)
	if len(entries) != 1 || entries[0].Name() != "notes.txt" {
		t.Errorf("spool directory after reading: %v", entries)
	}
}

// TestJSONLongRecord reads JSON whose second record, and a value beside
// the records, are far longer than --max-record: both are skipped without
// being held, and the records after them are read.
func TestJSONLongRecord(t *testing.T) {
	for _, c := range []struct{ name, head, tail string }{
		{"array.json", `[{"email": "jeanne@example.org", "name": "Jeanne Martin"}, {"email": "luc@example.org", "note": "`,
			`"}, {"email": "paul@example.org", "name": "Paul Durand"}]`},
		{"object.json", `{"export": {"blob": "`,
			`", "people": [{"email": "jeanne@example.org"}, {"email": "luc@example.org"}, {"email": "paul@example.org"}]}}`},
		{"lines.ndjson", "{\"email\": \"jeanne@example.org\", \"name\": \"Jeanne Martin\"}\n{\"email\": \"luc@example.org\", \"note\": \"",
			"\"}\n{\"email\": \"paul@example.org\", \"name\": \"Paul Durand\"}\n"},
	} {
		path := hostileFile(t, c.name, c.head, 'x', hostileBytes, c.tail)
		var res []readResult
		var err error
		alloc := allocated(func() { res, err = readAll(t, path, dump.Options{MaxRecordBytes: hostileCap}) })
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(res) != 1 {
			t.Fatalf("%s: %d tables", c.name, len(res))
		}
		got := res[0]
		want := 2
		if c.name == "object.json" {
			want = 3 // the long value was beside the records, not one of them
		} else if !warned(got.stats, 0, "longer than 262144 bytes; skipped") {
			t.Errorf("%s: no warning: %+v", c.name, got.stats.Warnings)
		}
		if len(got.rows) != want || got.rows[want-1].Cells[0] != "paul@example.org" {
			t.Errorf("%s: rows %+v", c.name, got.rows)
		}
		checkAllocated(t, c.name, alloc)
	}
}

// TestCSVUnclosedQuote reads delimited text with quoted cells that span
// lines, then a quote that never closes: the cut cell costs its own line,
// and the rows after it are read and counted as recovered, up to where the
// stray quote would have ended the runaway cell.
func TestCSVUnclosedQuote(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("email,name,note\n")
	for i := range 20 {
		fmt.Fprintf(&b, "m%d@example.org,M %d,\"two\nlines\"\n", i, i)
	}
	broken := 20*2 + 2
	fmt.Fprintf(&b, "broken@example.org,Broken,\"never closed\n")
	const swallowed, after = 3000, 10
	for i := range swallowed {
		fmt.Fprintf(&b, "p%d@example.org,P %d,plain\n", i, i)
	}
	// A stray quote that, read as encoding/csv would, ends the runaway cell.
	b.WriteString("closing@example.org,Closing,x\",y\n")
	for i := range after {
		fmt.Fprintf(&b, "q%d@example.org,Q %d,plain\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "broken.csv")
	os.WriteFile(path, []byte(b.String()), 0o644)
	res, err := readAll(t, path, dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := res[0]
	if want := 20 + 1 + swallowed + 1 + after; len(got.rows) != want {
		t.Fatalf("%d rows, want %d", len(got.rows), want)
	}
	if r := got.rows[20]; r.Cells[0] != "broken@example.org" || r.Pos.Line != int64(broken) {
		t.Errorf("cut row: %+v", r)
	}
	if r := got.rows[21]; r.Cells[0] != "p0@example.org" || r.Pos.Line != int64(broken+1) || r.Pos.Record != 22 {
		t.Errorf("first recovered row: %+v", r)
	}
	if last := got.rows[len(got.rows)-1]; last.Cells[0] != fmt.Sprintf("q%d@example.org", after-1) {
		t.Errorf("last row: %+v", last)
	}
	if got.stats.RecoveredRows != swallowed+1 {
		t.Errorf("%d rows recovered, want %d", got.stats.RecoveredRows, swallowed+1)
	}
	if !warned(got.stats, int64(broken), "not closed within 1000 lines") || !warned(got.stats, int64(broken), "3001 rows read after unclosed quotes") {
		t.Errorf("warnings: %+v", got.stats.Warnings)
	}
}

// TestCSVUnclosedQuoteMemory opens a quote and never closes it, before a
// line far longer than --max-record and rows: the cell costs no more than
// the cap, and the rows are read.
func TestCSVUnclosedQuoteMemory(t *testing.T) {
	var head strings.Builder
	head.WriteString("email,name,note\n")
	for i := range 20 {
		fmt.Fprintf(&head, "m%d@example.org,M %d,\"two\nlines\"\n", i, i)
	}
	// Enough rows for the sniffed sample to end before the hostile part.
	const plain = 8000
	for i := range plain {
		fmt.Fprintf(&head, "p%d@example.org,P %d,plain\n", i, i)
	}
	head.WriteString("broken@example.org,Broken,\"never closed\n")
	path := hostileFile(t, "broken.csv", head.String(), 'x', hostileBytes, "\nlast@example.org,Last,plain\n")
	var res []readResult
	var err error
	alloc := allocated(func() { res, err = readAll(t, path, dump.Options{MaxRecordBytes: hostileCap}) })
	if err != nil {
		t.Fatal(err)
	}
	got := res[0]
	if last := got.rows[len(got.rows)-1]; last.Cells[0] != "last@example.org" || got.stats.RecoveredRows != 1 {
		t.Errorf("last row %+v, %d recovered", last, got.stats.RecoveredRows)
	}
	if !warned(got.stats, 1+20*2+plain+2, "longer than") {
		t.Errorf("warnings: %+v", got.stats.Warnings)
	}
	checkAllocated(t, "unclosed quote", alloc)
}
