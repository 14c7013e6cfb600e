package dump

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addRealSeeds adds the files that real programs wrote, among them those
// named by the patterns, as seeds.
func addRealSeeds(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, err := filepath.Glob(filepath.Join("testdata", "real", "files", p))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

func fuzzReader(f *testing.F) *Reader {
	r, err := NewReader(Options{MaxRecordBytes: 64 << 10, MaxRatio: 100, MaxExpandedBytes: 32 << 20, MaxDepth: 2, Workers: 2, Password: "infected"})
	if err != nil {
		f.Fatal(err)
	}
	return r
}

// FuzzPgDump reads arbitrary bytes as a pg_dump archive: it must not
// panic, hang or allocate more than the input warrants.
func FuzzPgDump(f *testing.F) {
	addRealSeeds(f, "pg_dump-Fc*.dump", "pg_dump-Fd/toc.dat")
	f.Add([]byte("PGDMP"))
	f.Add([]byte("PGDMP\x01\x0e\x00\x04\x08\x01\x00\xff\xff\xff\x7f"))
	f.Add([]byte("PGDMP\x01\x10\x00\x08\x08\x01\x03"))
	r := fuzzReader(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte(pgDumpMagic)) {
			data = append([]byte(pgDumpMagic), data...)
		}
		r.ReadStream(context.Background(), "fuzz", bytes.NewReader(data), checkRows(t))
	})
}

// FuzzPsql reads arbitrary text that looks like psql's output.
func FuzzPsql(f *testing.F) {
	addRealSeeds(f, "psql-aligned.txt", "psql-wrapped.txt", "psql-expanded.txt")
	f.Add([]byte(" a | b \n---+---\n x+| y\n z | \n(1 row)\n"))
	f.Add([]byte("-[ RECORD 1 ]\na | 1\nb | x+\n  | y\n-[ RECORD 2 ]\na | 2\n"))
	f.Add([]byte(" a | 日本 \n---+----\n 1 | 語. \n   |.本\n"))
	r := fuzzReader(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sample := string(data[:min(len(data), sniffWindow)])
		lines := strings.Split(sample, "\n")
		for i := range lines {
			lines[i] = trimCR(lines[i])
		}
		if !isPsql(lines) {
			return
		}
		r.readPsql(context.Background(), "fuzz", EncUTF8, bufio.NewReader(bytes.NewReader(data)), sample, checkRows(t))
	})
}

// FuzzSQL reads arbitrary text as an SQL dump, seeded with pg_dump's
// plain dumps and PostgreSQL's string syntax.
func FuzzSQL(f *testing.F) {
	addRealSeeds(f, "pg_dump-*.sql")
	f.Add([]byte("SET standard_conforming_strings = off;\nINSERT INTO t VALUES (E'\\x41\\u00e9\\101', 'a\\\\b', NULL::text, '{1}'::int[]);\n"))
	f.Add([]byte("CREATE FUNCTION f() AS $a$ x $b$ $a$;\nDO $$ $ $$;\nINSERT INTO \"a\"\"b\".t VALUES ($1);\n"))
	r := fuzzReader(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r.readSQL(context.Background(), "fuzz", EncUTF8, bufio.NewReader(bytes.NewReader(data)), checkRows(t))
	})
}
