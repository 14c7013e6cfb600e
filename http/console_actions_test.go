package http

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
)

// consoleRegistry and consoleHistory make the leak's third row, a phone
// number alone, a row to review: the number passed from one contact to
// the other.
const (
	consoleRegistry = "contact_id,organisation,first_name,last_name,email,phone\nC-001,Acme SAS,Alice,Martin,alice.martin@acme.fr,+33612345678\nC-002,Acme SAS,Bruno,Petit,bruno.petit@acme.fr,+33698765432\n"
	consoleHistory  = "at,contact_id,field,old,new\n2026-02-01T09:00:00+01:00,C-002,phone,+33612345678,+33698765432\n2026-03-01T09:00:00+01:00,C-001,phone,+33655555555,+33612345678\n"
	consoleLeak     = "first,last,phone\nBruno,Petit,06 12 34 56 78\nAlice,Martin,06 12 34 56 78\n,,06 12 34 56 78\n"
)

// consoleActions is the API fixture with the server's registry, driven
// through the console's forms as a browser without JavaScript sends them.
type consoleActions struct {
	*fixture
	as func(*http.Request)
}

func newConsoleActions(t *testing.T, d *testbackends.Desk) *consoleActions {
	f := newFixture(t, d, generousLimits())
	dir := t.TempDir()
	for name, content := range map[string]string{"registry.csv": consoleRegistry, "history.csv": consoleHistory} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f.cfg.Registry = Registry{Path: filepath.Join(dir, "registry.csv"), History: filepath.Join(dir, "history.csv")}
	var err error
	if f.handler, err = NewServer(f.cfg); err != nil {
		t.Fatal(err)
	}
	lead := bearer(f.token(f.account("lea", leakdesk.Grant{Role: leakdesk.RoleLead}), leakdesk.TokenScope{}))
	return &consoleActions{fixture: f, as: lead}
}

// post sends a form; a success is a redirect to the page to show next.
func (c *consoleActions) post(path string, form url.Values, as ...func(*http.Request)) *httptest.ResponseRecorder {
	c.t.Helper()
	if as == nil {
		as = []func(*http.Request){c.as}
	}
	return c.do(http.MethodPost, path, form.Encode(), append(as, func(r *http.Request) {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	})...)
}

// mustRedirect checks that a form succeeded and went on to want.
func (c *consoleActions) mustRedirect(w *httptest.ResponseRecorder, want string) {
	c.t.Helper()
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != want {
		c.t.Fatalf("status %d, location %q, want 303 to %q: %s", w.Code, w.Header().Get("Location"), want, w.Body)
	}
}

// mustShow checks a page's status and that it holds every text.
func (c *consoleActions) mustShow(w *httptest.ResponseRecorder, status int, texts ...string) {
	c.t.Helper()
	if w.Code != status {
		c.t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	for _, s := range texts {
		if !strings.Contains(w.Body.String(), s) {
			c.t.Fatalf("the page does not show %q: %s", s, w.Body)
		}
	}
}

func (c *consoleActions) get(path string) *httptest.ResponseRecorder {
	c.t.Helper()
	return c.do(http.MethodGet, path, "", c.as)
}

// upload sends the evidence form: source, note, then the file.
func (c *consoleActions) upload(source, filename, content string) *httptest.ResponseRecorder {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("source", source)
	mw.WriteField("note", "")
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write([]byte(content))
	mw.Close()
	return c.do(http.MethodPost, "/console/incidents/INC-0001/evidence", body.String(), c.as, func(r *http.Request) {
		r.Header.Set("Content-Type", mw.FormDataContentType())
	})
}

// The review queue: the leak added from the incident page, matched, a
// row decided beside its candidates' records; the findings change, the
// decision names who took it, and matching again keeps it.
func TestConsoleReview(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		c := newConsoleActions(t, d)
		ctx := t.Context()
		const inc = "/console/incidents/INC-0001"
		c.mustShow(c.upload("", "leak.csv", consoleLeak), http.StatusBadRequest, "Not added", "source")
		c.mustShow(c.upload("forum", "", ""), http.StatusBadRequest, "Not added", "choose a file")
		c.mustRedirect(c.upload("forum", "leak.csv", consoleLeak), inc+"#evidence")
		c.mustShow(c.get(inc), http.StatusOK, "leak.csv", "forum")

		c.mustShow(c.get(inc+"/review"), http.StatusOK, "Matching has not run")
		c.mustRedirect(c.post(inc+"/match", nil), inc+"/review")
		found, err := c.cfg.Findings.LatestFindings(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		item, err := found.ReviewOf(3)
		if err != nil || item.Leaked == nil || len(item.Candidates) == 0 || item.Candidates[0].Contact == nil {
			t.Fatalf("row 3 to review: %+v, %v", item, err)
		}
		chosen := item.Candidates[0]
		c.mustShow(c.get(inc+"/review"), http.StatusOK, "Row 3", "The leaked row", "Candidate "+chosen.ID, chosen.Contact.Name, chosen.Contact.Email,
			"Evidence for (+) and against (−) the link", "It is "+chosen.Contact.Name+" ("+chosen.ID+")", "None of them")
		viewer := bearer(c.token(c.account("vic", leakdesk.Grant{Role: leakdesk.RoleViewer}), leakdesk.TokenScope{}))
		masked := c.do(http.MethodGet, inc+"/review", "", viewer)
		if masked.Code != http.StatusOK || strings.Contains(masked.Body.String(), chosen.Contact.Email) || strings.Contains(masked.Body.String(), "Decide row") {
			t.Fatalf("a viewer's review page shows the address or the decision form: %d %s", masked.Code, masked.Body)
		}
		seen := strconv.FormatInt(found.ID, 10)
		if w := c.post(inc+"/review", url.Values{"row": {"3"}, "choice": {chosen.ID}}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "which findings") {
			t.Fatalf("a decision that does not say which findings it was read from: %d %s", w.Code, w.Body)
		}
		// Another decision was stored since this page was read (here, the
		// same findings recorded again): the form shows the conflict, and
		// nothing is decided.
		if err := c.cfg.Findings.RecordFindings(ctx, found); err != nil {
			t.Fatal(err)
		}
		c.mustShow(c.post(inc+"/review", url.Values{"row": {"3"}, "choice": {chosen.ID}, "findings": {seen}}), http.StatusConflict,
			"Row 3 was not decided", "changed since you read them")
		if found, err = c.cfg.Findings.LatestFindings(ctx, 1); err != nil || len(found.Decisions) != 0 {
			t.Fatalf("a refused decision was recorded: %+v, %v", found, err)
		}
		seen = strconv.FormatInt(found.ID, 10)
		if w := c.post(inc+"/review", url.Values{"row": {"3"}, "choice": {"C-999"}, "findings": {seen}}); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "Row 3 was not decided") {
			t.Fatalf("a choice that is no candidate: %d %s", w.Code, w.Body)
		}
		if w := c.post(inc+"/review", url.Values{"row": {"3"}, "choice": {chosen.ID}, "findings": {seen}}, viewer); w.Code != http.StatusForbidden {
			t.Fatalf("a viewer decides: %d", w.Code)
		}

		c.mustRedirect(c.post(inc+"/review", url.Values{"row": {"3"}, "choice": {chosen.ID}, "reason": {"the number was theirs then"}, "findings": {seen}}), inc+"/review")
		after, err := c.cfg.Findings.LatestFindings(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(after.Contacts, func(ct leakdesk.AffectedContact) bool { return ct.ID == chosen.ID })
		if len(after.Review) != len(found.Review)-1 || i < 0 || !slices.Contains(after.Contacts[i].Rows, 3) || after.MatchedRows != found.MatchedRows+1 ||
			len(after.Decisions) != 1 || !strings.HasPrefix(after.Decisions[0].Actor, "token:") || after.Decisions[0].Reason != "the number was theirs then" {
			t.Fatalf("after the decision: review %+v, contacts %+v, decisions %+v", after.Review, after.Contacts, after.Decisions)
		}
		events, err := c.incidents.FindEvents(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if last := events[len(events)-1]; last.Kind != leakdesk.EventFindingsRecorded || last.Actor != after.Decisions[0].Actor {
			t.Fatalf("the last event is %s by %s, want the findings by who decided", last.Kind, last.Actor)
		}
		c.mustShow(c.get(inc+"/review"), http.StatusOK, "Latest decisions", "linked to "+chosen.ID, "the number was theirs then")
		if w := c.post(inc+"/review", url.Values{"row": {"3"}, "choice": {"none"}, "findings": {strconv.FormatInt(after.ID, 10)}}); w.Code != http.StatusNotFound {
			t.Fatalf("deciding a decided row again: %d", w.Code)
		}

		c.mustRedirect(c.post(inc+"/match", nil), inc+"/review")
		again, err := c.cfg.Findings.LatestFindings(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := again.ReviewOf(3); err == nil || len(again.Decisions) != 1 || again.ID == after.ID {
			t.Fatalf("matching again undid the decision: review %+v, decisions %+v", again.Review, again.Decisions)
		}
	})
}

// Facts, filings, reports, contacts and closing through their forms: a
// refused form is shown again with its error and what was typed, and
// nothing is recorded.
func TestConsoleForms(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		c := newConsoleActions(t, d)
		ctx := t.Context()
		const inc = "/console/incidents/INC-0001"
		if err := c.incidents.SetAwareness(ctx, 1, "local:setup", time.Now().Add(-100*time.Hour), "the host's e-mail"); err != nil {
			t.Fatal(err)
		}
		before, _ := c.recordSize()
		c.mustShow(c.post(inc+"/facts", url.Values{"key": {"nonsense"}, "value": {"kept as typed"}}), http.StatusBadRequest, "Not recorded", "unknown fact", "kept as typed")
		c.mustShow(c.post(inc+"/facts", url.Values{"key": {"controller"}, "lang": {"de"}, "value": {"Acme"}}), http.StatusBadRequest, "Not recorded", "language")
		if after, _ := c.recordSize(); after != before {
			t.Fatalf("refused facts changed the timeline: %d events, then %d", before, after)
		}
		c.mustRedirect(c.post(inc+"/facts", url.Values{"key": {"measures"}, "lang": {"en"}, "value": {"The export link was revoked."}}), inc+"/facts")
		c.mustShow(c.get(inc+"/facts"), http.StatusOK, "measures", "The export link was revoked.")
		legal := bearer(c.token(c.account("leo", leakdesk.Grant{Role: leakdesk.RoleLegal}), leakdesk.TokenScope{}))
		c.mustRedirect(c.post(inc+"/facts", url.Values{"key": {"controller"}, "value": {"Acme SAS"}}, legal), inc+"/facts")
		analyst := bearer(c.token(c.account("ana", leakdesk.Grant{Role: leakdesk.RoleAnalyst}), leakdesk.TokenScope{}))
		if w := c.post(inc+"/facts", url.Values{"key": {"controller"}, "value": {"Other"}}, analyst); w.Code != http.StatusForbidden {
			t.Fatalf("an analyst records a fact: %d", w.Code)
		}

		sum, err := c.cfg.Rules.Summary(ctx, 1, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(sum.Deadlines, func(d rules.DeadlineLeft) bool { return d.Status == leakdesk.DeadlineLate })
		if i < 0 {
			t.Fatalf("no obligation is overdue 100 hours after awareness: %+v", sum.Deadlines)
		}
		late := sum.Deadlines[i].Obligation
		c.mustShow(c.post(inc+"/filings", url.Values{"obligation": {late}, "ref": {"CNIL-REF-1"}}), http.StatusBadRequest, "Not recorded", "reasons for the delay", "CNIL-REF-1")
		c.mustShow(c.post(inc+"/filings", url.Values{"obligation": {late}, "ref": {"CNIL-REF-1"}, "at": {"yesterday"}}), http.StatusBadRequest, "not a date and time")
		if filings, _ := c.incidents.FindFilings(ctx, 1); len(filings) != 0 {
			t.Fatalf("a refused filing was recorded: %+v", filings)
		}
		c.mustRedirect(c.post(inc+"/filings", url.Values{"obligation": {late}, "ref": {"CNIL-REF-1"}, "delay_reason": {"the scope was unknown"}}), inc+"/reports")
		if filings, _ := c.incidents.FindFilings(ctx, 1); len(filings) != 1 || filings[0].DelayReason != "the scope was unknown" || !strings.HasPrefix(filings[0].Actor, "token:") {
			t.Fatalf("filings %+v", filings)
		}

		page := c.get(inc + "/reports?kind=cnil&lang=en")
		c.mustShow(page, http.StatusOK, "answers are still unknown", `class="unknown"`, "CNIL-REF-1", "the scope was unknown", "Acme SAS")
		w := c.get(inc + "/reports/cnil?format=json&lang=en")
		var rep rules.Report
		if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil || w.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("json report: %v, %q", err, w.Header().Get("Content-Type"))
		}
		unknown := 0
		for _, s := range rep.Sections {
			for _, f := range s.Fields {
				if !f.Known {
					unknown++
				}
			}
		}
		if unknown == 0 || unknown != rep.Unknown || strings.Count(page.Body.String(), `<dd class="unknown">`) != unknown {
			t.Fatalf("%d unknown answers, the report says %d, the page highlights %d", unknown, rep.Unknown, strings.Count(page.Body.String(), `<dd class="unknown">`))
		}
		for format, want := range map[string]string{"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"} {
			w := c.get(inc + "/reports/cnil?lang=en&format=" + format)
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != want || !strings.Contains(w.Header().Get("Content-Disposition"), "INC-0001-cnil-en."+format) || !strings.Contains(w.Body.String(), "Acme SAS") {
				t.Fatalf("%s: %d %q %q", format, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"))
			}
		}
		if w := c.get(inc + "/reports/cnil?format=pdf"); w.Code != http.StatusBadRequest {
			t.Fatalf("a pdf: %d", w.Code)
		}

		if _, err := c.cfg.Notices.AddRecipients(ctx, 1, "local:setup", []*leakdesk.Recipient{{Key: "C-001", Kind: leakdesk.RecipientAffected, ContactID: "C-001",
			Name: "Alice Martin", Phone: "+33612345678", Language: "en"}}); err != nil {
			t.Fatal(err)
		}
		c.mustShow(c.post(inc+"/contacts", url.Values{"recipient": {"C-404"}, "channel": {"phone"}, "outcome": {"reached"}, "note": {"kept note"}}), http.StatusNotFound,
			"Not recorded", "no recipient", "kept note")
		c.mustRedirect(c.post(inc+"/contacts", url.Values{"recipient": {"C-001"}, "channel": {"phone"}, "outcome": {"reached"}, "note": {"called at the office"}}), inc+"/coverage")
		cov, err := c.cfg.Campaigns.Coverage(ctx, 1)
		if err != nil || cov.Counts[leakdesk.CoverageOther] != 1 {
			t.Fatalf("coverage after the call: %+v, %v", cov, err)
		}
		c.mustShow(c.get(inc+"/notifications"), http.StatusOK, "No notice has been sent yet", "Record a call or a letter", "composes no notices")
		if w := c.get(inc + "/notifications/progress"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="progress"`) || strings.Contains(w.Body.String(), "<html") {
			t.Fatalf("the progress part: %d %s", w.Code, w.Body)
		}

		c.mustShow(c.post(inc+"/close", url.Values{"reason": {""}}), http.StatusBadRequest, "Not closed", "reason")
		c.mustShow(c.post(inc+"/close", url.Values{"reason": {"all done"}}), http.StatusConflict, "Not closed", "all done")
		if inc, _ := c.incidents.FindIncidentByID(ctx, 1); inc.Status != leakdesk.StatusOpen {
			t.Fatalf("refused, yet the incident is %s", inc.Status)
		}

		// On an incident that requires a second approval, a waiver waits.
		if w := c.do(http.MethodPut, "/api/v1/incidents/1/approvals/required", `{"approval_required": true}`, c.as); w.Code != http.StatusOK {
			t.Fatalf("require approval: %d %s", w.Code, w.Body)
		}
		c.mustRedirect(c.post(inc+"/contacts", url.Values{"recipient": {"C-001"}, "channel": {"letter"}, "outcome": {"waived"}, "note": {"asked not to be contacted"}}),
			inc+"/notifications?held=waiver")
		c.mustShow(c.get(inc+"/notifications?held=waiver"), http.StatusOK, "waits for a second approval")
		if cov, _ := c.cfg.Campaigns.Coverage(ctx, 1); cov.Counts[leakdesk.CoverageWaived] != 0 {
			t.Fatalf("a held waiver was recorded: %+v", cov.Counts)
		}
	})
}

// The source page shows what trace, trace decode and verify-leak
// recorded: the ranking with its evidence sentences and dating window,
// each fingerprint verdict with its bound, the decoys a leak held as
// alarms, and the verdict on the leak with its unknowns.
func TestConsoleSource(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		c := newConsoleActions(t, d)
		const inc = "/console/incidents/INC-0001"
		c.mustShow(c.get(inc+"/source"), http.StatusOK, "No trace has been recorded", "No fingerprinted export", "No decoy",
			"is unknown: run <code>leakdesk verify-leak", "This server keeps no decoy alarms")
		at := time.Date(2026, 9, 3, 14, 0, 0, 0, time.UTC)
		for _, e := range []struct {
			kind    string
			payload any
		}{
			{leakdesk.EventTraceRanked, leakdesk.TraceRanked{Leak: "leak.csv", Verdict: "source", Note: "export-07.csv holds 97% of the leaked rows", Candidates: 4,
				Dating: &leakdesk.LeakDating{From: at.Add(-48 * time.Hour), To: at, Support: 41, Informative: 42, Note: "41 of 42 changed rows agree"},
				Top: []leakdesk.RankedCandidate{{Rank: 1, File: "export-07.csv", Score: 0.968, Containment: 0.97, Coverage: 0.4,
					Evidence: []string{"97 of 100 leaked rows are in this file (97%)", "3 leaked rows carry values that differ (leaked row 12, for one)"},
					Export:   &leakdesk.ExportLogEntry{ID: "EXP-7", At: at, User: "j.doe", Report: "all contacts", File: "export-07.csv"}},
					{Rank: 2, File: "broken.xlsx", Error: "not a zip file"}}}},
			{leakdesk.EventFingerprintTraced, leakdesk.FingerprintTraced{Leak: "leak.csv", Verdict: "accused", Note: "one recipient's code",
				Accused:  []leakdesk.AccusedRecipient{{Export: "FX-3", Recipient: "partner@reseller.example", Score: 12.5, Bound: 1e-9, Positions: 64, Decoys: 2}},
				Suspects: []leakdesk.AccusedRecipient{{Export: "FX-5", Recipient: "other@reseller.example", Score: 1.5, Bound: 0.31, Positions: 60, Decoys: 1}}}},
			{leakdesk.EventLeakVerified, leakdesk.LeakVerifiedPayload{Leak: "old.csv", Rows: 10, Findings: []leakdesk.VerdictFinding{{Question: "authentic", Verdict: "fabricated"}}}},
			{leakdesk.EventLeakVerified, leakdesk.LeakVerifiedPayload{Leak: "leak.csv", Rows: 100, Findings: []leakdesk.VerdictFinding{
				{Question: "authentic", Verdict: "authentic", Evidence: []string{"97 of 100 rows holding a person link to a registry contact (97.0%)"}},
				{Question: "new or recycled", Verdict: "unknown", Evidence: []string{"no earlier leak given (--earlier): whether it is new is unknown"}}},
				Secrets: []leakdesk.SecretCount{{Rule: "aws-key", Category: "secret", Description: "AWS access key", Count: 2}}}},
		} {
			if err := c.incidents.AppendEvent(t.Context(), leakdesk.NewEvent(1, "local:setup", e.kind, at, e.payload)); err != nil {
				t.Fatal(err)
			}
		}
		w := c.get(inc + "/source")
		c.mustShow(w, http.StatusOK, "Verdict: <strong>source</strong>", "export-07.csv holds 97% of the leaked rows",
			"from 2026-09-01 14:00 UTC", "to 2026-09-03 14:00 UTC", "41 of 42", "97.0%", "EXP-7", "j.doe", "The best 2 of 4 candidate files",
			"<li>97 of 100 leaked rows are in this file (97%)</li>", "leaked row 12, for one", "Not read: not a zip file",
			"FX-3", "partner@reseller.example", "1e-09", "holds 2 decoys of export FX-3",
			"FX-5", "0.31", "holds 1 decoys of export FX-5, given to other@reseller.example (not accused: bound 0.31)",
			"Latest verdict on leak.csv, 100 rows", "97 of 100 rows holding a person link", `<td class="unknown">unknown</td>`,
			"whether it is new is unknown", "AWS access key", "never the values")
		if strings.Contains(w.Body.String(), "old.csv") {
			t.Error("an earlier verdict on the leak is shown as well as the latest")
		}

		// Decoy alarms on record: the one naming an export the verdict
		// names is listed, with its evidence hash; the other is not.
		alarms := store.NewDecoyAlarmService(c.db)
		c.reconfigure(func(cfg *Config) { cfg.Alarms = alarms })
		for _, a := range []*leakdesk.DecoyAlarm{
			{Key: "decoy-5", Kind: leakdesk.AlarmByCall, Decoys: []string{"+33422990005"}, Evidence: strings.Repeat("5", 64), At: at.Add(time.Hour), Actor: "local:desk",
				Exports: []leakdesk.AlarmExport{{ID: "FX-5", Recipient: "other@reseller.example", Score: 3}}},
			{Key: "decoy-9", Kind: leakdesk.AlarmByMail, Decoys: []string{"x@decoy.example"}, Evidence: strings.Repeat("9", 64), At: at.Add(time.Hour), Actor: "local:desk",
				Exports: []leakdesk.AlarmExport{{ID: "FX-99", Recipient: "nobody@elsewhere.example", Score: 3}}},
		} {
			if _, err := alarms.RecordDecoyAlarm(t.Context(), a, func(context.Context, *sql.Tx) error { return nil }); err != nil {
				t.Fatal(err)
			}
		}
		w = c.get(inc + "/source")
		c.mustShow(w, http.StatusOK, "Decoys contacted", strings.Repeat("5", 64), "FX-5 (given to other@reseller.example, score 3.00)", "33422990005", "none proposed")
		if strings.Contains(w.Body.String(), strings.Repeat("9", 64)) {
			t.Error("an alarm naming no export of this incident's trace is listed")
		}
	})
}
