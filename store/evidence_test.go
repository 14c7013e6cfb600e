package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

func newVault(t *testing.T) (*vault.Vault, string) {
	t.Helper()
	key, err := vault.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(filepath.Join(t.TempDir(), "evidence"), key)
	if err != nil {
		t.Fatal(err)
	}
	return v, key
}

func blobFiles(t *testing.T, v *vault.Vault) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(v.Dir(), "incidents", "*", "sha256", "*", "*.age"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func incidentBlobPath(v *vault.Vault, incidentID int64, sum string) string {
	return filepath.Join(v.Dir(), "incidents", strconv.FormatInt(incidentID, 10), "sha256", sum[:2], sum+".age")
}

func lastEvent(t *testing.T, svc *store.IncidentService, id int64) *leakdesk.Event {
	t.Helper()
	events, err := svc.FindEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return events[len(events)-1]
}

func TestEvidence(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db)
		incidents := newIncidents(t, h.db)
		v, _ := newVault(t)
		svc := store.NewEvidenceService(h.db, v)
		inc := mustCreate(t, incidents, newIncident("evidence"))
		other := mustCreate(t, incidents, newIncident("another"))

		content := []byte("Org | Name | email | phone\nAcme SAS | Jeanne Test | jeanne@example.test | +33612345678\n")
		sum := sha256.Sum256(content)
		e := &leakdesk.Evidence{IncidentID: inc.ID, Filename: "dump.txt", Source: "forum thread", Note: "first copy", AddedBy: "alice"}
		if err := svc.AddEvidence(ctx, e, bytes.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		if e.ID <= 0 || e.SHA256 != hex.EncodeToString(sum[:]) || e.Size != int64(len(content)) {
			t.Fatalf("added evidence = %+v", e)
		}
		if ev := lastEvent(t, incidents, inc.ID); ev.Kind != leakdesk.EventEvidenceAdded || !strings.Contains(string(ev.Details), e.SHA256) {
			t.Fatalf("no evidence.added event: %+v", ev)
		}

		// The same content again is refused for the same incident, and
		// stored again for another, under that incident's own key.
		again := &leakdesk.Evidence{IncidentID: inc.ID, Filename: "copy.txt", Source: "mirror", AddedBy: "bob"}
		wantCode(t, svc.AddEvidence(ctx, again, bytes.NewReader(content)), leakdesk.ECONFLICT)
		if again.ID != e.ID {
			t.Fatalf("duplicate did not return the existing record: %+v", again)
		}
		shared := &leakdesk.Evidence{IncidentID: other.ID, Filename: "dump.txt", Source: "mirror", AddedBy: "bob"}
		if err := svc.AddEvidence(ctx, shared, bytes.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		if files := blobFiles(t, v); len(files) != 2 {
			t.Fatalf("vault holds %d blobs for one content in two incidents, want one each", len(files))
		}
		// The blob on disk is encrypted, not the plain text.
		raw, err := os.ReadFile(blobFiles(t, v)[0])
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(raw, []byte("jeanne@example.test")) || !bytes.HasPrefix(raw, []byte("age-encryption.org/v1")) {
			t.Fatal("blob is not age-encrypted")
		}

		for _, ref := range []string{"1", "#1", e.SHA256[:10], strings.ToUpper(e.SHA256[:12])} {
			got, rc, err := svc.OpenEvidence(ctx, inc.ID, ref, "carol", "match against registry")
			if err != nil {
				t.Fatalf("open %q: %v", ref, err)
			}
			read, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || !bytes.Equal(read, content) || got.ID != e.ID {
				t.Fatalf("open %q read %q, %v", ref, read, err)
			}
			ev := lastEvent(t, incidents, inc.ID)
			var details map[string]any
			json.Unmarshal(ev.Details, &details)
			if ev.Kind != leakdesk.EventEvidenceRead || ev.Actor != "carol" || details["purpose"] != "match against registry" {
				t.Fatalf("read of %q was not logged: %+v", ref, ev)
			}
		}
		_, _, err = svc.OpenEvidence(ctx, inc.ID, "99", "carol", "x")
		wantCode(t, err, leakdesk.ENOTFOUND)
		_, _, err = svc.OpenEvidence(ctx, inc.ID, "zz", "carol", "x")
		wantCode(t, err, leakdesk.EINVALID)

		checks, err := svc.VerifyEvidence(ctx, inc.ID, "dave")
		if err != nil || len(checks) != 1 || !checks[0].OK {
			t.Fatalf("verify intact evidence: %+v, %v", checks, err)
		}

		// Evidence for an unknown incident is refused before anything is stored.
		wantCode(t, svc.AddEvidence(ctx, &leakdesk.Evidence{IncidentID: 999, Source: "x", AddedBy: "a"}, strings.NewReader("other")), leakdesk.ENOTFOUND)
		wantCode(t, svc.AddEvidence(ctx, &leakdesk.Evidence{IncidentID: inc.ID, AddedBy: "a"}, strings.NewReader("other")), leakdesk.EINVALID)
		if files := blobFiles(t, v); len(files) != 2 {
			t.Fatalf("refused evidence left %d blobs", len(files)-2)
		}

		// Replace the stored blob with a valid encryption, under the same
		// key, of other content: decryption succeeds and only the hash can
		// tell.
		path := incidentBlobPath(v, inc.ID, e.SHA256)
		forgery, err := v.ForIncident(inc.ID).Put(ctx, strings.NewReader("Acme SAS | nobody | nothing leaked\n"))
		if err != nil {
			t.Fatal(err)
		}
		forged, err := os.ReadFile(incidentBlobPath(v, inc.ID, forgery.SHA256))
		if err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, 0o600)
		if err := os.WriteFile(path, forged, 0o400); err != nil {
			t.Fatal(err)
		}
		_, rc, err := svc.OpenEvidence(ctx, inc.ID, "1", "carol", "read after forgery")
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(rc)
		rc.Close()
		wantCode(t, err, leakdesk.EINTEGRITY)
		checks, err = svc.VerifyEvidence(ctx, inc.ID, "dave")
		if err != nil || len(checks) != 1 || checks[0].OK || checks[0].Problem == "" {
			t.Fatalf("verify tampered evidence: %+v, %v", checks, err)
		}
		ev := lastEvent(t, incidents, inc.ID)
		if ev.Kind != leakdesk.EventEvidenceVerified || !strings.Contains(string(ev.Details), e.SHA256) {
			t.Fatalf("failed verification was not logged: %+v", ev)
		}
	})
}

func TestLockedSQLiteIsReportedAsUnavailable(t *testing.T) {
	t.Parallel()
	h := openSQLite(t, store.Options{BusyTimeout: 150 * time.Millisecond})
	ctx := context.Background()
	conn, err := h.raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	err = newIncidents(t, h.db).CreateIncident(ctx, newIncident("blocked"), "alice")
	wantCode(t, err, leakdesk.EUNAVAILABLE)
	if !strings.Contains(leakdesk.ErrorMessage(err), "locked") {
		t.Fatalf("message does not say the database is locked: %v", err)
	}
	conn.ExecContext(ctx, "ROLLBACK")
	if err := newIncidents(t, h.db).CreateIncident(ctx, newIncident("after"), "alice"); err != nil {
		t.Fatalf("store unusable after the lock was released: %v", err)
	}
}

func TestUnreachablePostgresIsReportedWithoutSecrets(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), "postgres://leak:s3cret-pw@127.0.0.1:1/leakdesk?connect_timeout=2", store.Options{})
	wantCode(t, err, leakdesk.EUNAVAILABLE)
	if msg := leakdesk.ErrorMessage(err); strings.Contains(msg, "s3cret-pw") || !strings.Contains(msg, "127.0.0.1") {
		t.Fatalf("message = %q: it must name the server and hide the password", msg)
	}
}

func TestMigrationsApplyOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "leakdesk.db")
	for range 2 {
		db, err := store.Open(context.Background(), path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}
	if _, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "missing-dir", "x", "leakdesk.db"), store.Options{}); leakdesk.ErrorCode(err) != leakdesk.EUNAVAILABLE {
		t.Fatalf("a database in a missing directory: %v, want EUNAVAILABLE", err)
	}
}
