// Package testdesk gives the tests of the service layer real parts: a
// SQLite store in a temporary directory, an evidence vault, and an open
// incident.
package testdesk

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/vault"
)

// Desk is a store with one open incident, closed when the test ends.
type Desk struct {
	DB        *store.DB
	Incidents leakdesk.IncidentService
	Evidence  leakdesk.EvidenceService
	Incident  int64 // the open incident's ID
}

// New opens a desk in a temporary directory of t.
func New(t testing.TB) *Desk {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, filepath.Join(dir, "leakdesk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	key, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(filepath.Join(dir, "evidence"), key)
	if err != nil {
		t.Fatal(err)
	}
	d := &Desk{DB: db, Incidents: store.NewIncidentService(db, r), Evidence: store.NewEvidenceService(db, v)}
	inc := &leakdesk.Incident{Title: "leak", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
	if err := d.Incidents.CreateIncident(ctx, inc, "alice"); err != nil {
		t.Fatal(err)
	}
	d.Incident = inc.ID
	return d
}

// Events returns the incident's timeline.
func (d *Desk) Events(t testing.TB) []*leakdesk.Event {
	t.Helper()
	events, err := d.Incidents.FindEvents(context.Background(), d.Incident)
	if err != nil {
		t.Fatal(err)
	}
	return events
}
