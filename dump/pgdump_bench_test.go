package dump_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/sample"
)

// benchRecords returns the benchmark's contacts, header first.
func benchRecords(b testing.TB) [][]string {
	b.Helper()
	s, err := sample.Generate(sample.Config{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteContactsCSV(&buf, benchRows()); err != nil {
		b.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	return records
}

// copyText writes the records as pg_dump writes a table's data.
func copyText(records [][]string) []byte {
	var buf bytes.Buffer
	escape := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	for _, r := range records[1:] {
		for i, c := range r {
			if i > 0 {
				buf.WriteByte('\t')
			}
			escape.WriteString(&buf, c)
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("\\.\n\n\n")
	return buf.Bytes()
}

func copyStatement(records [][]string) string {
	return "COPY public.contacts (" + strings.Join(records[0], ", ") + ") FROM stdin;\n"
}

// The compression of customArchive: none and zlib as pg_dump 15 writes
// them (archive version 1.14), zstd and lz4 as pg_dump 16 does (1.15).
const (
	archiveNone = iota
	archiveZlib
	archiveLZ4
	archiveZstd
)

// customArchive writes a pg_dump custom archive of one table, in chunks of
// 4 KB as pg_dump writes them.
func customArchive(records [][]string, compression int) []byte {
	var buf bytes.Buffer
	writeInt := func(n int) {
		sign := byte(0)
		if n < 0 {
			sign, n = 1, -n
		}
		buf.WriteByte(sign)
		binary.Write(&buf, binary.LittleEndian, uint32(n))
	}
	writeStr := func(s string) {
		writeInt(len(s))
		buf.WriteString(s)
	}
	if compression == archiveNone || compression == archiveZlib {
		buf.WriteString("PGDMP\x01\x0e\x00\x04\x08\x01")
		writeInt(-compression) // the zlib level: -1 is the default
	} else {
		buf.WriteString("PGDMP\x01\x0f\x00\x04\x08\x01")
		buf.WriteByte(byte(compression))
	}
	for _, n := range []int{0, 0, 0, 1, 0, 126, 0} {
		writeInt(n)
	}
	for _, s := range []string{"bench", "15.18", "15.18"} {
		writeStr(s)
	}
	writeInt(1) // one entry
	writeInt(1) // its dump id
	writeInt(1) // had a data dumper
	for _, s := range []string{"0", "0", "contacts", "TABLE DATA"} {
		writeStr(s)
	}
	writeInt(3) // section: data
	for _, s := range []string{"", "", copyStatement(records), "public", "", "", "", "false"} {
		writeStr(s)
	}
	writeInt(-1)                 // no dependencies
	buf.Write(make([]byte, 1+8)) // the data's offset, not set
	buf.Bytes()[buf.Len()-9] = 1 // K_OFFSET_POS_NOT_SET
	buf.WriteByte(1)             // a data block
	writeInt(1)                  // of dump id 1
	data := copyText(records)
	switch compression {
	case archiveZlib:
		var z bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&z, zlib.DefaultCompression)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
	case archiveZstd, archiveLZ4: // lz4 is refused before its data is read
		zw, _ := zstd.NewWriter(nil)
		data = zw.EncodeAll(data, nil)
	}
	for len(data) > 0 {
		n := min(len(data), 4096)
		writeInt(n)
		buf.Write(data[:n])
		data = data[n:]
	}
	writeInt(0)
	return buf.Bytes()
}

// psqlAligned writes the records as psql's aligned output.
func psqlAligned(records [][]string) []byte {
	widths := make([]int, len(records[0]))
	for _, r := range records {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var buf bytes.Buffer
	line := func(r []string) {
		for i, c := range r {
			if i > 0 {
				buf.WriteByte('|')
			}
			fmt.Fprintf(&buf, " %s%s", c, strings.Repeat(" ", widths[i]-len([]rune(c))))
			if i < len(r)-1 {
				buf.WriteByte(' ')
			}
		}
		buf.WriteByte('\n')
	}
	line(records[0])
	for i, w := range widths {
		if i > 0 {
			buf.WriteByte('+')
		}
		buf.WriteString(strings.Repeat("-", w+2))
	}
	buf.WriteByte('\n')
	for _, r := range records[1:] {
		line(r)
	}
	fmt.Fprintf(&buf, "(%d rows)\n\n", len(records)-1)
	return buf.Bytes()
}

// psqlExpanded writes the records as psql -x does.
func psqlExpanded(records [][]string) []byte {
	width := 0
	for _, c := range records[0] {
		width = max(width, len(c))
	}
	var buf bytes.Buffer
	for n, r := range records[1:] {
		fmt.Fprintf(&buf, "-[ RECORD %d ]%s+%s\n", n+1, strings.Repeat("-", max(width-12, 0)), strings.Repeat("-", 20))
		for i, c := range r {
			fmt.Fprintf(&buf, "%-*s | %s\n", width, records[0][i], c)
		}
	}
	return buf.Bytes()
}

// benchRead reads the file that write makes of the benchmark's contacts,
// on every iteration. MB/s counts the file's bytes; the file's size over
// that of the same rows as COPY text is reported too, since psql pads its
// cells and compression shrinks them.
func benchRead(b *testing.B, name string, write func([][]string) []byte) {
	records := benchRecords(b)
	path := filepath.Join(b.TempDir(), name)
	if err := os.WriteFile(path, write(records), 0o644); err != nil {
		b.Fatal(err)
	}
	info, _ := os.Stat(path)
	r := newReader(b, dump.Options{})
	b.SetBytes(info.Size())
	ratio := float64(info.Size()) / float64(len(copyText(records)))
	b.ResetTimer()
	for b.Loop() {
		var rows atomic.Int64
		err := r.Read(context.Background(), path, func(t *dump.Table) error {
			return t.ParallelRows(context.Background(), 2, func(int, dump.Row) error { rows.Add(1); return nil })
		})
		if err != nil || rows.Load() != int64(len(records)-1) {
			b.Fatalf("%d rows, %v", rows.Load(), err)
		}
	}
	b.ReportMetric(ratio, "size/copy")
}

// BenchmarkReadSQLCopy is the plain SQL reader on pg_dump's COPY text: the
// reader the archive formats are measured against.
func BenchmarkReadSQLCopy(b *testing.B) {
	benchRead(b, "dump.sql", func(records [][]string) []byte {
		return append([]byte("SET standard_conforming_strings = on;\n"+copyStatement(records)), copyText(records)...)
	})
}

func BenchmarkReadPgDump(b *testing.B) {
	benchRead(b, "dump.dump", func(records [][]string) []byte { return customArchive(records, archiveNone) })
}

func BenchmarkReadPgDumpZlib(b *testing.B) {
	benchRead(b, "dump.dump", func(records [][]string) []byte { return customArchive(records, archiveZlib) })
}

func BenchmarkReadPsqlAligned(b *testing.B) {
	benchRead(b, "psql.txt", psqlAligned)
}

func BenchmarkReadPsqlExpanded(b *testing.B) {
	benchRead(b, "psql.txt", psqlExpanded)
}

// keyValueBlocks writes the records as "Key: value" blocks, the existing
// format nearest to psql's expanded output.
func keyValueBlocks(records [][]string) []byte {
	var buf bytes.Buffer
	for _, r := range records[1:] {
		for i, c := range r {
			fmt.Fprintf(&buf, "%s: %s\n", records[0][i], c)
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func BenchmarkReadKeyValue(b *testing.B) {
	benchRead(b, "blocks.txt", keyValueBlocks)
}
