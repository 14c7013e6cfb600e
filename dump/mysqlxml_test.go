package dump_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
)

// TestExtendedInsertLines checks that each tuple of a multi-row INSERT is
// placed at its own line, as mariadb-dump writes them.
func TestExtendedInsertLines(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "dump.sql")
	sql := "-- MariaDB dump 10.19\n\nINSERT INTO `t` VALUES\n(1,'a'),\n(2,'b'),\n\n(3,'c');\nINSERT INTO `t` VALUES (4,'d'),(5,'e');\n"
	if err := os.WriteFile(path, []byte(sql), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := readAll(t, path, dump.Options{})
	if err != nil || len(res) != 1 {
		t.Fatal(err, len(res))
	}
	var lines []int64
	for _, row := range res[0].rows {
		lines = append(lines, row.Pos.Line)
	}
	if want := []int64{4, 5, 7, 8, 8}; !slices.Equal(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
}
