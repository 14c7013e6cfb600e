package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/store/storetest"
)

// harness is one store under test, with a raw connection to the same
// database that plays the part of someone editing it behind leakdesk's back.
type harness struct {
	db  *store.DB
	raw *sql.DB
}

// exec runs a statement on the raw connection. Tests write their statements
// with literal values, which both dialects accept.
func (h *harness) exec(t *testing.T, query string) int64 {
	t.Helper()
	res, err := h.raw.Exec(query)
	if err != nil {
		t.Fatalf("raw exec %q: %v", query, err)
	}
	n, _ := res.RowsAffected()
	return n
}

// eachStore runs fn against a fresh SQLite file and a fresh PostgreSQL
// schema. This is the conformance suite: every behaviour is asserted on
// both databases by the same code.
func eachStore(t *testing.T, fn func(t *testing.T, h *harness)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, openSQLite(t, store.Options{}))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, openPostgres(t))
	})
}

// eachBenchStore runs a benchmark on a fresh store of each backend, one
// after the other so that they compare in one run.
func eachBenchStore(b *testing.B, fn func(b *testing.B, h *harness)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, openSQLite(b, store.Options{})) })
	b.Run("postgres", func(b *testing.B) { fn(b, openPostgres(b)) })
}

func openSQLite(t testing.TB, opts store.Options) *harness {
	t.Helper()
	path := filepath.Join(t.TempDir(), "leakdesk.db")
	db, err := store.Open(context.Background(), path, opts)
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &harness{db: db, raw: raw}
}

// openPostgres opens the store in a schema of its own, dropped at the end.
func openPostgres(t testing.TB) *harness {
	t.Helper()
	dsn := storetest.PostgresURL(t)
	db, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	raw, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &harness{db: db, raw: raw}
}

// clock is a controllable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func newClock(db *store.DB) *clock {
	c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	db.Now = c.now
	return c
}

// testRules are the embedded regimes, loaded once for every test.
var testRules = sync.OnceValues(func() (*rules.Rules, error) { return rules.Load() })

// newIncidents is the incident service on db, with the embedded regimes'
// clocks.
func newIncidents(t testing.TB, db *store.DB) *store.IncidentService {
	t.Helper()
	r, err := testRules()
	if err != nil {
		t.Fatal(err)
	}
	return store.NewIncidentService(db, r)
}

// waiveAll waives every outstanding obligation of an incident, for tests of
// what else blocks closing.
func waiveAll(t testing.TB, db *store.DB, svc *store.IncidentService, id int64) map[string]string {
	t.Helper()
	r, _ := testRules()
	inc, err := svc.FindIncidentByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	filings, err := svc.FindFilings(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	list, err := r.Deadlines(inc, filings, db.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, d := range leakdesk.Unfinished(list) {
		out[d.Obligation] = "not what this test is about"
	}
	return out
}
