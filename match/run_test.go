package match_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/store"
)

// desk is the match service over a real store and evidence vault, with
// one incident.
type desk struct {
	*testdesk.Desk
	svc      *match.Service
	findings leakdesk.FindingsService
}

func newDesk(t *testing.T) *desk {
	t.Helper()
	d := &desk{Desk: testdesk.New(t)}
	d.findings = store.NewFindingsService(d.DB)
	d.svc = match.NewService(d.findings, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return d
}

// addEvidence stores the file at path as evidence of the desk's incident.
func (d *desk) addEvidence(t *testing.T, path string) *leakdesk.Evidence {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := &leakdesk.Evidence{IncidentID: d.Incident, Filename: filepath.Base(path), Source: "forum", AddedBy: "alice"}
	if err := d.Evidence.AddEvidence(context.Background(), e, f); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestMatchStoresTheFindingsOfTheEvidence: the incident's evidence, read
// through the vault, is matched with the past searched, and the findings
// are stored; a past export that cannot be read is named.
func TestMatchStoresTheFindingsOfTheEvidence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	dir := t.TempDir()
	s, err := sample.Generate(sample.Config{Seed: 42, LeakStyle: sample.LeakNDJSON, Organisations: 40})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	_, err = match.EvidenceSources(ctx, d.Evidence, d.Incident, "bob", "match")
	if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(leakdesk.ErrorMessage(err), "no evidence") {
		t.Fatalf("an incident without evidence: %v", err)
	}
	d.addEvidence(t, filepath.Join(dir, s.LeakPath()))
	leaks, err := match.EvidenceSources(ctx, d.Evidence, d.Incident, "bob", "match")
	if err != nil {
		t.Fatal(err)
	}
	broken := writeFile(t, dir, "broken.xlsx", "PK\x03\x04 not really a workbook")
	m, err := d.svc.Match(ctx, match.Request{Registry: filepath.Join(dir, "registry", "contacts.csv"), Leaks: leaks,
		PastExports: []string{filepath.Join(dir, "exports", "export_log.csv"), broken}, History: filepath.Join(dir, "registry", "history.csv"),
		Read: dump.Options{Region: "FR"}, Incident: d.Incident, Actor: "bob"})
	if err != nil {
		t.Fatal(err)
	}
	f := m.Findings
	if len(f.Contacts) == 0 || len(f.Leaks) != 1 || !strings.HasPrefix(f.Leaks[0], "evidence #1") || len(f.People.Searched) == 0 || m.Registry.Len() == 0 {
		t.Fatalf("findings: %d contacts, leaks %q, searched %q", len(f.Contacts), f.Leaks, f.People.Searched)
	}
	if len(m.PastUnread) != 1 || m.PastUnread[0].File != broken {
		t.Errorf("past exports not read: %+v, want %s", m.PastUnread, broken)
	}
	stored, err := d.findings.LatestFindings(ctx, d.Incident)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Actor != "bob" || len(stored.Contacts) != len(f.Contacts) || stored.Registry != f.Registry {
		t.Fatalf("stored findings: actor %q, %d contacts, registry %q", stored.Actor, len(stored.Contacts), stored.Registry)
	}
	events := d.Events(t)
	if k := events[len(events)-2].Kind + "," + events[len(events)-1].Kind; k != "evidence.read,findings.recorded" {
		t.Fatalf("timeline ends %s", k)
	}
}

// TestMatchOfNothingReadStoresNothing: findings of a leak of which nothing
// could be read say what was not read, and are not stored.
func TestMatchOfNothingReadStoresNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	dir := t.TempDir()
	registry := writeFile(t, dir, "registry.csv", "id,first_name,last_name,email\nC-1,Jeanne,Martin,jeanne@acme.test\n")
	m, err := d.svc.Match(ctx, match.Request{Registry: registry, Leaks: match.Files(writeFile(t, dir, "empty.txt", "")), Read: dump.Options{Region: "FR"},
		Incident: d.Incident, Actor: "bob"})
	if leakdesk.ErrorCode(err) != leakdesk.EUNREAD || m == nil || len(m.Findings.Unread) != 1 || m.Findings.Unread[0].Reason != "empty file" {
		t.Fatalf("empty leak: %v, %+v", err, m)
	}
	if _, err := d.findings.LatestFindings(ctx, d.Incident); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		t.Fatalf("findings of nothing were stored: %v", err)
	}
	// Read, and without an incident, the findings need no store.
	leak := writeFile(t, dir, "leak.txt", "Jeanne Martin | jeanne@acme.test\n")
	m, err = match.NewService(nil, slog.New(slog.NewTextHandler(io.Discard, nil))).Match(ctx, match.Request{Registry: registry, Leaks: match.Files(leak)})
	if err != nil || len(m.Findings.Contacts) != 1 || m.Findings.Contacts[0].ID != "C-1" {
		t.Fatalf("stateless match: %v, %+v", err, m)
	}
}

// TestEvidenceSource: one piece of evidence is found by number or by a
// SHA-256 prefix, or alone; each read is logged with the actor.
func TestEvidenceSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d := newDesk(t)
	dir := t.TempDir()
	first := d.addEvidence(t, writeFile(t, dir, "a.txt", "first\n"))
	src, err := match.EvidenceSource(ctx, d.Evidence, d.Incident, "", "bob", "inspect")
	if err != nil {
		t.Fatal(err)
	}
	rc, err := src.Open()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(rc)
	rc.Close()
	if string(body) != "first\n" || src.Name != "evidence #1 a.txt" {
		t.Fatalf("the only evidence: %q read from %q", body, src.Name)
	}
	events := d.Events(t)
	if last := events[len(events)-1]; last.Kind != leakdesk.EventEvidenceRead || last.Actor != "bob" || !strings.Contains(string(last.Details), "inspect") {
		t.Fatalf("the read is logged as %s by %s: %s", last.Kind, last.Actor, last.Details)
	}
	d.addEvidence(t, writeFile(t, dir, "b.txt", "second\n"))
	_, err = match.EvidenceSource(ctx, d.Evidence, d.Incident, "", "bob", "inspect")
	if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(leakdesk.ErrorMessage(err), "--evidence") {
		t.Fatalf("two pieces, none named: %v", err)
	}
	if src, err := match.EvidenceSource(ctx, d.Evidence, d.Incident, first.SHA256[:8], "bob", "inspect"); err != nil || src.Name != "evidence #1 a.txt" {
		t.Fatalf("by SHA-256 prefix: %q, %v", src.Name, err)
	}
	if src, err := match.EvidenceSource(ctx, d.Evidence, d.Incident, "2", "bob", "inspect"); err != nil || src.Name != "evidence #2 b.txt" {
		t.Fatalf("by number: %q, %v", src.Name, err)
	}
	_, err = match.EvidenceSource(ctx, d.Evidence, d.Incident, "7", "bob", "inspect")
	if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
		t.Fatalf("unknown evidence: %v", err)
	}
}
