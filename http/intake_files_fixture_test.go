package http

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
)

// intakeArea is the triage area of a desk: files kept in its vault and
// recorded as the watch records them.
type intakeArea struct {
	t         *testing.T
	d         *testbackends.Desk
	triage    *store.TriageService
	kept      *store.KeptFileService
	incidents *store.IncidentService
}

func newIntakeArea(t *testing.T, d *testbackends.Desk) *intakeArea {
	t.Helper()
	kept, err := store.NewKeptFileService(d.DB, d.Vault)
	if err != nil {
		t.Fatal(err)
	}
	return &intakeArea{t: t, d: d, triage: store.NewTriageService(d.DB), kept: kept, incidents: store.NewIncidentService(d.DB, d.Rules)}
}

// configure gives the server the triage area.
func (a *intakeArea) configure(c *Config) { c.IntakeFiles, c.KeptFiles = a.triage, a.kept }

// take keeps content under its own key and records it from source, then
// records its result as set changes it (a nil set leaves it queued).
func (a *intakeArea) take(content, source string, set func(*leakdesk.TriageFile)) *leakdesk.TriageFile {
	a.t.Helper()
	ctx := context.Background()
	blob, err := a.d.Vault.Cases().Put(ctx, strings.NewReader(content))
	if err != nil {
		a.t.Fatal(err)
	}
	f, created, err := a.triage.ReceiveTriage(ctx, &leakdesk.TriageFile{SHA256: blob.SHA256, Size: blob.Size, Name: "leak.csv", Source: source,
		URL: "https://paste.example/" + blob.SHA256[:8], Actor: "local:watch", ReceivedAt: time.Now()},
		func(context.Context, *sql.Tx, int64) error { return nil })
	if err != nil || !created {
		a.t.Fatalf("receive: created %v, %v", created, err)
	}
	if set != nil {
		set(f)
		if _, err := a.triage.CompleteTriage(ctx, f, nil); err != nil {
			a.t.Fatal(err)
		}
	}
	return f
}

// propose opens the incident f's alert proposes, with f as its evidence,
// still read from the triage area.
func (a *intakeArea) propose(f *leakdesk.TriageFile) *leakdesk.Incident {
	a.t.Helper()
	inc := &leakdesk.Incident{Title: "leak alert", AwareAt: time.Now().Add(-time.Hour), Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, Country: "FR", TimeZone: "Europe/Paris"}
	p := leakdesk.IncidentProposal{Key: "alert-" + f.SHA256[:16] + "-" + strconv.FormatInt(f.ID, 10),
		Evidence: &leakdesk.Evidence{SHA256: f.SHA256, Size: f.Size, Filename: f.Name, Source: f.Source}}
	if _, err := a.incidents.ProposeIncident(context.Background(), p, inc, "local:watch"); err != nil {
		a.t.Fatal(err)
	}
	return inc
}

// done marks a file read and matched with contacts registry contacts.
func done(contacts int) func(*leakdesk.TriageFile) {
	return func(f *leakdesk.TriageFile) {
		f.State, f.Rows, f.Contacts, f.DoneAt = leakdesk.TriageDone, 10, contacts, time.Now()
	}
}

// unread marks a file of which nothing could be read, and why.
func unread(why string) func(*leakdesk.TriageFile) {
	return func(f *leakdesk.TriageFile) { f.State, f.Detail, f.DoneAt = leakdesk.TriageUnread, why, time.Now() }
}

// alerted records that channel took the alert about f.
func (a *intakeArea) alerted(f *leakdesk.TriageFile, channel string) {
	a.t.Helper()
	if err := a.triage.AlertSent(context.Background(), f.ID, channel); err != nil {
		a.t.Fatal(err)
	}
}
