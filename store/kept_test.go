package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/vault"
)

// keptDesk is a store with a vault, the triage area and the kept files.
type keptDesk struct {
	h         *harness
	dir       string
	key       string
	v         *vault.Vault
	triage    *store.TriageService
	kept      *store.KeptFileService
	incidents *store.IncidentService
	evidence  *store.EvidenceService
}

func newKeptDesk(t *testing.T, h *harness) *keptDesk {
	t.Helper()
	d := &keptDesk{h: h, dir: t.TempDir()}
	var err error
	if d.key, err = vault.GenerateKey(); err != nil {
		t.Fatal(err)
	}
	if d.v, err = vault.Open(d.dir, d.key); err != nil {
		t.Fatal(err)
	}
	if d.kept, err = store.NewKeptFileService(h.db, d.v); err != nil {
		t.Fatal(err)
	}
	d.triage, d.incidents, d.evidence = store.NewTriageService(h.db), newIncidents(t, h.db), store.NewEvidenceService(h.db, d.v)
	return d
}

func noEnqueue(context.Context, *sql.Tx, int64) error { return nil }

// take keeps content in blobs and records it in the triage area, done with
// rows and contacts, as the watch would.
func (d *keptDesk) take(t *testing.T, blobs leakdesk.BlobStore, content string) *leakdesk.TriageFile {
	t.Helper()
	ctx := context.Background()
	blob, err := blobs.Put(ctx, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	f, created, err := d.triage.ReceiveTriage(ctx, &leakdesk.TriageFile{SHA256: blob.SHA256, Size: blob.Size, Name: "leak.csv", Source: "feed", Actor: "local:watch"}, noEnqueue)
	if err != nil || !created {
		t.Fatalf("receive: created %v, %v", created, err)
	}
	f.State, f.Rows, f.Contacts = leakdesk.TriageDone, int64(strings.Count(content, "\n")), 3
	if _, err := d.triage.CompleteTriage(ctx, f, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// propose opens the proposed incident of f, with f as its evidence.
func (d *keptDesk) propose(t *testing.T, f *leakdesk.TriageFile) *leakdesk.Incident {
	t.Helper()
	inc := &leakdesk.Incident{Title: "leak alert", AwareAt: time.Now().Add(-time.Hour), Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
	p := leakdesk.IncidentProposal{Key: "alert-" + f.SHA256[:16] + "-" + strconv.FormatInt(f.ID, 10),
		Evidence: &leakdesk.Evidence{SHA256: f.SHA256, Size: f.Size, Filename: f.Name, Source: f.Source}}
	if _, err := d.incidents.ProposeIncident(context.Background(), p, inc, "local:watch"); err != nil {
		t.Fatal(err)
	}
	return inc
}

// ciphertext returns the encrypted file of sum under the vault's root,
// as a backup would hold it.
func (d *keptDesk) ciphertext(t *testing.T, root, sum string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(d.dir, root, sum[:2], sum+".age"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// unreadable fails the test unless no key the vault holds opens ciphertext.
func (d *keptDesk) unreadable(t *testing.T, what string, ciphertext []byte) {
	t.Helper()
	if ok, err := d.v.HoldsKeyFor(bytes.NewReader(ciphertext)); err != nil || ok {
		t.Errorf("%s: a key the vault holds still decrypts it (%v)", what, err)
	}
}

// closeAndShred closes incident id as a false alarm and shreds its one
// piece of evidence, which must be made unreadable, none left readable.
func (d *keptDesk) closeAndShred(t *testing.T, id int64) {
	t.Helper()
	ctx := context.Background()
	if err := d.incidents.CloseIncident(ctx, id, "local:lead", "false alarm", time.Time{}, waiveAll(t, d.h.db, d.incidents, id)); err != nil {
		t.Fatal(err)
	}
	shredded, err := d.evidence.ShredEvidence(ctx, id, "local:lead")
	if err != nil || shredded.Blobs != 1 || shredded.MasterKeyBlobs != 0 {
		t.Fatalf("shred: %+v, %v", shredded, err)
	}
}

func readBlob(blobs leakdesk.BlobStore, sum string) (string, error) {
	rc, err := blobs.Open(context.Background(), sum)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}

func wantShredded(t *testing.T, what string, err error) {
	t.Helper()
	if leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED || !strings.Contains(err.Error(), "crypto-shredded") {
		t.Errorf("%s: %v, want EUNAUTHORIZED saying crypto-shredded", what, err)
	}
}

func countKind(t *testing.T, svc *store.IncidentService, id int64, kind string) int {
	t.Helper()
	events, err := svc.FindEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range events {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// TestProposedFileMovesUnderItsIncidentsKey: the file a proposal rests on
// is re-encrypted once for the incident's key, its hash unchanged and the
// read on the timeline; the triage area's copy is destroyed and says where
// it went; shredding the incident then leaves it readable nowhere.
func TestProposedFileMovesUnderItsIncidentsKey(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		d := newKeptDesk(t, h)
		content := "email,phone\nperson1@example.org,+33600000001\n"
		f := d.take(t, d.v.Cases(), content)
		kept := d.ciphertext(t, "cases/sha256", f.SHA256)
		inc := d.propose(t, f)
		for range 2 { // a job worked again after a crash
			if err := d.kept.TakeIntoIncident(ctx, inc.ID, f.SHA256, "local:watch"); err != nil {
				t.Fatal(err)
			}
		}
		if !d.v.IncidentHolds(inc.ID, f.SHA256) || d.v.CaseHolds(f.SHA256) {
			t.Fatal("the file was not moved under the incident's key")
		}
		if n := countKind(t, d.incidents, inc.ID, leakdesk.EventEvidenceRead); n != 1 {
			t.Errorf("%d reads on the timeline, want the move's one", n)
		}
		got, err := d.triage.FindTriage(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s := got.Shredded; s == nil || s.Incident != inc.ID || !strings.Contains(s.Reason, "moved into the evidence of "+inc.PublicID()) || s.Actor != "local:watch" || got.Rows != f.Rows {
			t.Errorf("triage file after the move: %+v, shredded %+v", got, got.Shredded)
		}
		if _, err := readBlob(d.v.Cases(), f.SHA256); err == nil {
			t.Error("the triage area's copy still reads")
		}
		d.unreadable(t, "the triage area's copy", kept)
		e, rc, err := d.evidence.OpenEvidence(ctx, inc.ID, f.SHA256[:12], "local:analyst", "check")
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(b) != content || e.SHA256 != f.SHA256 {
			t.Errorf("evidence after the move: %q, %v", b, err)
		}

		moved := d.ciphertext(t, filepath.Join("incidents", strconv.FormatInt(inc.ID, 10), "sha256"), f.SHA256)
		d.closeAndShred(t, inc.ID)
		_, _, err = d.evidence.OpenEvidence(ctx, inc.ID, f.SHA256[:12], "local:analyst", "check")
		wantShredded(t, "evidence after the incident's shred", err)
		d.unreadable(t, "the incident's copy", moved)
		mustVerify(t, d.incidents, inc.ID)
	})
}

// TestShreddingAnIncidentShredsWhatItsProposalHasNotMoved: a file still in
// the watch's keeping (the move never ran) is shredded with the incident.
func TestShreddingAnIncidentShredsWhatItsProposalHasNotMoved(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		d := newKeptDesk(t, h)
		f := d.take(t, d.v.Cases(), "email\nperson2@example.org\n")
		kept := d.ciphertext(t, "cases/sha256", f.SHA256)
		inc := d.propose(t, f)
		d.closeAndShred(t, inc.ID)
		_, _, err := d.evidence.OpenEvidence(ctx, inc.ID, f.SHA256[:12], "local:analyst", "check")
		wantShredded(t, "evidence", err)
		d.unreadable(t, "the watch's copy", kept)
		if got, err := d.triage.FindTriage(ctx, f.ID); err != nil || got.Shredded == nil || got.Shredded.Actor != "local:lead" || !strings.Contains(got.Shredded.Reason, "shredded with "+inc.PublicID()) {
			t.Errorf("triage file: %+v, %v", got, err)
		}
		// The job worked after the shred moves nothing.
		if err := d.kept.TakeIntoIncident(ctx, inc.ID, f.SHA256, "local:watch"); err != nil {
			t.Fatal(err)
		}
		if d.v.IncidentHolds(inc.ID, f.SHA256) {
			t.Error("a shredded incident took the file in")
		}
		mustVerify(t, d.incidents, inc.ID)
	})
}

// TestTriageShred: a file that became no incident, and an alarm's message,
// are shredded by a person with a reason; the result stays, a re-post is
// recognised and not kept again, and the content reads nowhere.
func TestTriageShred(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		d := newKeptDesk(t, h)
		f := d.take(t, d.v.Cases(), "email\nperson3@example.org\nperson4@example.org\n")
		kept := d.ciphertext(t, "cases/sha256", f.SHA256)
		for _, tc := range []struct {
			ref, actor, reason, code string
		}{
			{strconv.FormatInt(f.ID, 10), "local:dpo", " ", leakdesk.EINVALID},
			{"999", "local:dpo", "retention", leakdesk.ENOTFOUND},
			{"not-a-ref", "local:dpo", "retention", leakdesk.EINVALID},
		} {
			if _, err := d.kept.ShredKeptFile(ctx, tc.ref, tc.actor, tc.reason); leakdesk.ErrorCode(err) != tc.code {
				t.Errorf("shred %q: %v, want %s", tc.ref, err, tc.code)
			}
		}
		if !d.v.CaseHolds(f.SHA256) {
			t.Fatal("a refused shred destroyed the file")
		}
		shred, err := d.kept.ShredKeptFile(ctx, strconv.FormatInt(f.ID, 10), "local:dpo", "no registry contact: retention ends")
		if err != nil {
			t.Fatal(err)
		}
		again, err := d.kept.ShredKeptFile(ctx, f.SHA256[:10], "local:other", "again")
		if err != nil || again.Actor != "local:dpo" || !again.At.Equal(shred.At) {
			t.Errorf("shredding twice: %+v, %v; want the first record", again, err)
		}
		_, err = readBlob(d.v.Cases(), f.SHA256)
		wantShredded(t, "the triage file", err)
		d.unreadable(t, "the triage file", kept)
		if _, err := d.v.Cases().Put(ctx, strings.NewReader("email\nperson3@example.org\nperson4@example.org\n")); err != nil {
			t.Fatal(err)
		}
		known, created, err := d.triage.ReceiveTriage(ctx, &leakdesk.TriageFile{SHA256: f.SHA256, Size: f.Size, Name: "again.csv", Source: "feed", Actor: "local:watch"}, noEnqueue)
		if err != nil || created || known.ID != f.ID || known.Rows != f.Rows || known.Contacts != 3 || known.Shredded == nil || known.Shredded.Reason != shred.Reason {
			t.Errorf("the file posted again: %+v (created %v, %v)", known, created, err)
		}
		if d.v.CaseHolds(f.SHA256) {
			t.Error("the shredded file was kept again when posted again")
		}
		// An incident proposed on it after the shred cannot take it in,
		// and logs no read of what it could not read.
		late := d.propose(t, f)
		if err := d.kept.TakeIntoIncident(ctx, late.ID, f.SHA256, "local:watch"); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Errorf("moving a shredded file: %v, want ECONFLICT", err)
		}
		if n := countKind(t, d.incidents, late.ID, leakdesk.EventEvidenceRead); n != 0 {
			t.Errorf("%d reads logged of a file that could not be read", n)
		}

		// An alarm's message: shredded by the alarm's key.
		msg, err := d.v.Cases().Put(ctx, strings.NewReader("Subject: we have your list\r\n\r\nx\r\n"))
		if err != nil {
			t.Fatal(err)
		}
		alarms := store.NewDecoyAlarmService(h.db)
		a := &leakdesk.DecoyAlarm{Key: "decoy-" + msg.SHA256[:16], Kind: leakdesk.AlarmByMail, Decoys: []string{"j.doe@decoy.example"},
			Evidence: msg.SHA256, EvidenceSize: msg.Size, At: time.Now(), Actor: "local:watch", Exports: []leakdesk.AlarmExport{{ID: "FX-1", Recipient: "team", Score: 3}}}
		if _, err := alarms.RecordDecoyAlarm(ctx, a, func(context.Context, *sql.Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := d.kept.ShredKeptFile(ctx, a.Key, "local:dpo", "decoy test message"); err != nil {
			t.Fatal(err)
		}
		list, err := alarms.FindDecoyAlarms(ctx, leakdesk.DecoyAlarmFilter{Exports: []string{"FX-1"}})
		if err != nil || len(list) != 1 || list[0].Shredded == nil || list[0].Shredded.Actor != "local:dpo" {
			t.Fatalf("alarm after the shred: %+v, %v", list, err)
		}
		_, err = readBlob(d.v.Cases(), msg.SHA256)
		wantShredded(t, "the alarm's message", err)
	})
}

// TestTriageShredRefusesWhatAnIncidentReads: a file an incident reads from
// the watch's keeping is refused until the incident holds it.
func TestTriageShredRefusesWhatAnIncidentReads(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		d := newKeptDesk(t, h)
		f := d.take(t, d.v.Cases(), "email\nperson5@example.org\n")
		inc := d.propose(t, f)
		if _, err := d.kept.ShredKeptFile(ctx, f.SHA256, "local:dpo", "retention"); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Fatalf("shredding a file an incident reads: %v, want ECONFLICT", err)
		}
		if got, err := readBlob(d.v.ForIncident(inc.ID), f.SHA256); err != nil || got != "email\nperson5@example.org\n" {
			t.Errorf("the incident's evidence after the refusal: %q, %v", got, err)
		}
	})
}

// TestMoveKeptFiles: files kept for the master key before case keys still
// read; move puts each under its own key, or into the incident it
// proposed, removes the master-key copy, and does nothing the second time;
// a master-key file is also shredded directly.
func TestMoveKeptFiles(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		d := newKeptDesk(t, h)
		alone := d.take(t, d.v, "email\nperson6@example.org\n")
		proposed := d.take(t, d.v, "email\nperson7@example.org\n")
		shredded := d.take(t, d.v, "email\nperson8@example.org\n")
		master := d.ciphertext(t, "sha256", shredded.SHA256)
		inc := d.propose(t, proposed)
		for _, f := range []*leakdesk.TriageFile{alone, proposed} {
			if _, err := readBlob(d.v.Cases(), f.SHA256); err != nil {
				t.Fatalf("a master-key file does not read: %v", err)
			}
		}
		if _, err := d.kept.ShredKeptFile(ctx, shredded.SHA256, "local:dpo", "retention"); err != nil {
			t.Fatal(err)
		}
		// Removed, as nothing can destroy the master key's reach: a backup
		// of the blob stays readable with it.
		if got := files(t, filepath.Join(d.dir, "sha256", "*", shredded.SHA256+".age")); len(got) != 0 || len(master) == 0 {
			t.Errorf("a master-key file shredded is still in the vault: %v", got)
		}
		_, err := readBlob(d.v.Cases(), shredded.SHA256)
		wantShredded(t, "a master-key file shredded", err)
		n, err := d.kept.MoveKeptFiles(ctx, "local:admin")
		if err != nil || n != 2 {
			t.Fatalf("moved %d, %v; want 2", n, err)
		}
		if n, err := d.kept.MoveKeptFiles(ctx, "local:admin"); err != nil || n != 0 {
			t.Errorf("moved %d the second time, %v", n, err)
		}
		if got := files(t, filepath.Join(d.dir, "sha256", "*", "*.age")); len(got) != 0 {
			t.Errorf("master-key copies left: %v", got)
		}
		if !d.v.CaseHolds(alone.SHA256) || !d.v.IncidentHolds(inc.ID, proposed.SHA256) {
			t.Error("the files are not under their new keys")
		}
		if got, err := readBlob(d.v.Cases(), alone.SHA256); err != nil || got != "email\nperson6@example.org\n" {
			t.Errorf("the file alone after the move: %q, %v", got, err)
		}
		if got, err := readBlob(d.v.ForIncident(inc.ID), proposed.SHA256); err != nil || got != "email\nperson7@example.org\n" {
			t.Errorf("the proposed file after the move: %q, %v", got, err)
		}
		if n := countKind(t, d.incidents, inc.ID, leakdesk.EventEvidenceRead); n != 1 {
			t.Errorf("%d reads on the proposed incident's timeline, want the move's one", n)
		}
		mustVerify(t, d.incidents, inc.ID)
	})
}

func files(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
