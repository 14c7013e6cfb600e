package http

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/status"
	"github.com/leakdesk/leakdesk/verdict"
)

// upload adds a file as evidence of incident 1 through the API.
func (f *fixture) upload(name, content string, prepare func(*http.Request)) *leakdesk.Evidence {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("source", "a forum post")
	fw, _ := mw.CreateFormFile("file", name)
	io.WriteString(fw, content)
	mw.Close()
	w := f.do(http.MethodPost, "/api/v1/incidents/1/evidence", body.String(), prepare, func(r *http.Request) { r.Header.Set("Content-Type", mw.FormDataContentType()) })
	if w.Code != http.StatusOK {
		f.t.Fatalf("upload %s: %d %s", name, w.Code, w.Body)
	}
	return decodeBody[*leakdesk.Evidence](f.t, w.Body.String())
}

// TestStatusAndEvidenceVerifyThroughTheAPI: the status page counts the
// evidence, and a verification checks each piece and is on the timeline.
func TestStatusAndEvidenceVerifyThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		ana := f.caller("ana", leakdesk.RoleAnalyst)
		f.upload("leak.csv", "email\njean.dupont@exemple.fr\n", ana)

		w := f.do(http.MethodGet, "/api/v1/incidents/1/status", "", ana)
		if st := decodeBody[status.Status](t, w.Body.String()); w.Code != http.StatusOK || st.Incident != "INC-0001" || st.Evidence != 1 || len(st.Clocks) == 0 {
			t.Fatalf("status: %d %s", w.Code, w.Body)
		}
		before, _ := f.recordSize()
		w = f.do(http.MethodPost, "/api/v1/incidents/1/evidence/verify", "", ana)
		if checks := decodeBody[[]leakdesk.EvidenceCheck](t, w.Body.String()); w.Code != http.StatusOK || len(checks) != 1 || !checks[0].OK || checks[0].Evidence.Filename != "leak.csv" {
			t.Fatalf("verify: %d %s", w.Code, w.Body)
		}
		if after, _ := f.recordSize(); after != before+1 {
			t.Errorf("the verification added %d events, want 1", after-before)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/2/evidence/verify", "", ana); w.Code != http.StatusOK || w.Body.String() != "[]\n" {
			t.Errorf("verify with no evidence: %d %q", w.Code, w.Body)
		}
	})
}

// withRegistry serves the registry of contacts written to a file.
func (f *fixture) withRegistry(csv string) {
	f.t.Helper()
	dir := f.t.TempDir()
	path := filepath.Join(dir, "registry.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		f.t.Fatal(err)
	}
	f.reconfigure(func(cfg *Config) {
		cfg.Registry = Registry{Path: path, Read: dump.Options{SpoolDir: filepath.Join(dir, "spool")}}
	})
}

// reconfigure serves with the configuration that change makes.
func (f *fixture) reconfigure(change func(*Config)) {
	f.t.Helper()
	change(&f.cfg)
	var err error
	if f.handler, err = NewServer(f.cfg); err != nil {
		f.t.Fatal(err)
	}
}

// caller is the bearer token of a new account with role on every incident.
func (f *fixture) caller(name string, role leakdesk.Role) func(*http.Request) {
	f.t.Helper()
	return bearer(f.token(f.account(name, leakdesk.Grant{Role: role}), leakdesk.TokenScope{}))
}

// unavailable checks that a route the server is not configured for
// answers 503.
func (f *fixture) unavailable(method, path string, prepare func(*http.Request)) {
	f.t.Helper()
	if w := f.do(method, path, "", prepare); w.Code != http.StatusServiceUnavailable {
		f.t.Errorf("%s %s unconfigured: %d %s, want 503", method, path, w.Code, w.Body)
	}
}

// TestInspectAndMatchThroughTheAPI: a piece of evidence is profiled with
// masked samples, and matching the evidence against the server's registry
// stores the findings in the incident.
func TestInspectAndMatchThroughTheAPI(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		f := newFixture(t, d, generousLimits())
		ana := f.caller("ana", leakdesk.RoleAnalyst)
		f.unavailable(http.MethodPost, "/api/v1/incidents/1/match", ana)
		f.withRegistry("id,first_name,last_name,email,organisation\nc-1,Jean,Dupont,jean.dupont@exemple.fr,Exemple SA\nc-2,Marie,Curie,marie.curie@exemple.fr,Exemple SA\n")
		e := f.upload("leak.csv", "email,name\njean.dupont@exemple.fr,Jean Dupont\n", ana)

		w := f.do(http.MethodPost, "/api/v1/incidents/1/evidence/"+e.SHA256[:12]+"/inspect", "", ana)
		profiles := decodeBody[map[string][]dump.FileProfile](t, w.Body.String())
		if files := profiles["files"]; w.Code != http.StatusOK || len(files) != 1 || len(files[0].Tables) != 1 || files[0].Tables[0].Rows != 1 {
			t.Fatalf("inspect: %d %s", w.Code, w.Body)
		}
		if strings.Contains(w.Body.String(), "jean.dupont@exemple.fr") {
			t.Errorf("inspect shows an unmasked address: %s", w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/evidence/9/inspect", "", ana); w.Code != http.StatusNotFound {
			t.Errorf("inspect of missing evidence: %d, want 404", w.Code)
		}

		w = f.do(http.MethodPost, "/api/v1/incidents/1/match", "{}", ana)
		found := decodeBody[leakdesk.Findings](t, w.Body.String())
		if w.Code != http.StatusOK || len(found.Contacts) != 1 || found.Contacts[0].ID != "c-1" {
			t.Fatalf("match: %d %s", w.Code, w.Body)
		}
		stored, err := f.cfg.Findings.LatestFindings(t.Context(), 1)
		if err != nil || len(stored.Contacts) != 1 || !strings.HasSuffix(stored.Actor, "(ana)") {
			t.Fatalf("stored findings: %+v, %v", stored, err)
		}

		w = f.do(http.MethodPost, "/api/v1/incidents/1/verify-leak", `{"own_domains": "exemple.fr"}`, ana)
		if rep := decodeBody[verdict.Report](t, w.Body.String()); w.Code != http.StatusOK || rep.Rows != 1 || rep.Authentic.Verdict != "authentic" || !strings.HasSuffix(rep.Leak, "leak.csv") {
			t.Fatalf("verify-leak: %d %s", w.Code, w.Body)
		}
		events, err := f.incidents.FindEvents(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if last := events[len(events)-1]; last.Kind != leakdesk.EventLeakVerified || !strings.HasSuffix(last.Actor, "(ana)") {
			t.Errorf("the verdict is recorded as %s by %s", last.Kind, last.Actor)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/1/verify-leak", `{"own_networks": "not a range"}`, ana); w.Code != http.StatusBadRequest {
			t.Errorf("verify-leak with a bad range: %d %s, want 400", w.Code, w.Body)
		}
		if w := f.do(http.MethodPost, "/api/v1/incidents/2/match", "{}", ana); w.Code != http.StatusBadRequest {
			t.Errorf("match of an incident without evidence: %d %s, want 400", w.Code, w.Body)
		}
	})
}
