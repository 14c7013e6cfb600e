// Package storetest gives tests their own databases: a PostgreSQL schema
// per test on the server named by LEAKDESK_TEST_POSTGRES, dropped when the
// test ends.
package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// PostgresURL returns the URL of a fresh, empty schema. It skips the test
// when no server is configured, and fails it when LEAKDESK_REQUIRE_POSTGRES
// is set, so that CI never passes by skipping.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("LEAKDESK_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("LEAKDESK_REQUIRE_POSTGRES") != "" {
			t.Fatal("LEAKDESK_REQUIRE_POSTGRES is set but LEAKDESK_TEST_POSTGRES is empty")
		}
		t.Skip("LEAKDESK_TEST_POSTGRES is not set; ./scripts/test sets it")
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// Backends are the stores every conformance test runs on.
var Backends = []string{"sqlite", "postgres"}

// DSN returns where a test's own store of backend lives: a SQLite file in
// a temporary directory, or a fresh PostgreSQL schema (see PostgresURL).
func DSN(t testing.TB, backend string) string {
	t.Helper()
	if backend == "postgres" {
		return PostgresURL(t)
	}
	return filepath.Join(t.TempDir(), "leakdesk.db")
}
