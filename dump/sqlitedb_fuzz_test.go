package dump

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/leakdesk/leakdesk"
)

// FuzzReadSQLite reads arbitrary bytes as an SQLite database: it must not
// panic or hang, must fail only with EINVALID, and must number records 1,
// 2, 3... in each table.
func FuzzReadSQLite(f *testing.F) {
	db, err := os.ReadFile(filepath.Join("testdata", "real", "files", "sqlite3.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(db)
	f.Add(db[:4096])
	f.Add(db[:100])
	f.Add([]byte("SQLite format 3\x00"))
	r, err := NewReader(Options{MaxRecordBytes: 4 << 10, MaxExpandedBytes: 1 << 20})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		err := r.readSQLite(ctx, "fuzz", bufio.NewReader(bytes.NewReader(data)), nil, func(tb *Table) error {
			var last int64
			return tb.Rows(ctx, func(row Row) error {
				if row.Pos.Record != last+1 || len(row.Cells) != len(tb.Columns) {
					t.Fatalf("record %d follows %d, %d cells for %d columns", row.Pos.Record, last, len(row.Cells), len(tb.Columns))
				}
				last = row.Pos.Record
				for _, c := range row.Cells {
					if !utf8.ValidString(c) {
						t.Fatalf("cell %q is not valid UTF-8", c)
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
