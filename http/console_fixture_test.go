package http

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
	"github.com/leakdesk/leakdesk/store/storetest"
	"github.com/leakdesk/leakdesk/vault"
)

// consoleDesk is a real SQLite store holding one generated incident, and
// the console over it.
type consoleDesk struct {
	incident *leakdesk.Incident
	now      time.Time
	pages    []consolePage
	// call records a phone call that reached the i-th recipient: a
	// change of coverage, as a campaign in progress makes them.
	call func(i int) error
	// note records a fact: an event that names no recipient, after which
	// the coverage is read again in full, as after serve starts.
	note func(i int) error
}

// deskSize says how large a generated incident is.
type deskSize struct {
	contacts      int // affected contacts, all in the audience
	organisations int
	notices       int // each makes one delivery per recipient with an address
	acknowledged  int // recipients who acknowledged, the first ones
}

// newConsoleDesk generates an incident in a SQLite file under dir, through
// the store's services as leakdesk itself writes one: evidence, facts, a
// confirmed assessment, a filing, findings, an audience, notices, and
// contacts recorded. Every seventh recipient has a phone number and no
// address, so that the board shows next steps.
func newConsoleDesk(tb testing.TB, dir string, size deskSize) *consoleDesk {
	tb.Helper()
	ctx := context.Background()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	r, err := rules.Load()
	must(err)
	dsn := filepath.Join(dir, "leakdesk.db")
	if os.Getenv("LEAKDESK_BENCH_POSTGRES") != "" {
		dsn = storetest.PostgresURL(tb) // bench/console.sh with DB=postgres
	}
	db, err := store.Open(ctx, dsn, store.Options{})
	must(err)
	tb.Cleanup(func() { db.Close() })
	key, err := vault.GenerateKey()
	must(err)
	v, err := vault.Open(filepath.Join(dir, "vault"), key)
	must(err)
	incidents, notices, findings := store.NewIncidentService(db, r), store.NewNoticeService(db), store.NewFindingsService(db)
	evidence := store.NewEvidenceService(db, v)

	now := time.Now().UTC().Truncate(time.Minute)
	inc := &leakdesk.Incident{Title: "Customer list on a forum", Role: leakdesk.RoleController, Regimes: []string{"gdpr", "nis2"}, Country: "FR",
		TimeZone: "Europe/Paris", AwareAt: now.Add(-30 * time.Hour)}
	must(incidents.CreateIncident(ctx, inc, "lea"))
	must(evidence.AddEvidence(ctx, &leakdesk.Evidence{IncidentID: inc.ID, Filename: "dump.csv", Source: "paste site", AddedBy: "lea"},
		strings.NewReader("name,email\nAda,ada@example.test\n")))
	event := func(kind string, v any) {
		must(incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "lea", kind, now.Add(-time.Hour), v)))
	}
	event(leakdesk.EventFact, map[string]string{"key": "controller", "value": "Acme SA, 1 rue de la Paix, Paris"})
	event(leakdesk.EventFact, map[string]string{"key": "measures.en", "value": "The export link was revoked."})
	sev, err := rules.Assess(rules.DefaultSeverityInput(map[string]int64{"contact": int64(size.contacts)}, []string{"criminal forum"}))
	must(err)
	event(leakdesk.EventAssessmentConfirmed, map[string]any{"severity": sev})
	must(incidents.RecordFiling(ctx, &leakdesk.Filing{IncidentID: inc.ID, Obligation: "nis2.early-warning", FiledAt: now.Add(-10 * time.Hour),
		Ref: "CSIRT-2026-118", Actor: "lea"}))

	f := &leakdesk.Findings{IncidentID: inc.ID, Rows: int64(size.contacts), MatchedRows: int64(size.contacts), Actor: "lea",
		People: leakdesk.People{Total: int64(size.contacts), Affected: int64(size.contacts)}}
	var audience []*leakdesk.Recipient
	for i := range size.contacts {
		org := i % size.organisations
		ct := leakdesk.AffectedContact{ID: fmt.Sprintf("C-%06d", i), OrgID: fmt.Sprintf("O-%04d", org), Organisation: fmt.Sprintf("Organisation %04d", org),
			Name: fmt.Sprintf("Person%06d Surname", i), Email: fmt.Sprintf("person%06d@client%04d.example", i, org), Language: "en",
			Class: "certain", Confidence: 0.99, Fields: []string{"name", "email"}, Rows: []int64{int64(i + 1)}}
		if i%7 == 3 {
			ct.Email, ct.Phone = "", fmt.Sprintf("+33 6 12 %02d %02d %02d", i/10000%100, i/100%100, i%100)
		}
		f.Contacts = append(f.Contacts, ct)
		audience = append(audience, &leakdesk.Recipient{Key: ct.ID, Kind: leakdesk.RecipientAffected, ContactID: ct.ID, Name: ct.Name,
			Organisation: ct.Organisation, OrgID: ct.OrgID, Email: ct.Email, Phone: ct.Phone, Language: "en"})
	}
	for org := range size.organisations {
		n := size.contacts/size.organisations + min(1, max(0, size.contacts%size.organisations-org))
		f.Organisations = append(f.Organisations, leakdesk.AffectedOrganisation{ID: fmt.Sprintf("O-%04d", org), Name: fmt.Sprintf("Organisation %04d", org), Contacts: n})
	}
	must(findings.RecordFindings(ctx, f))
	_, err = notices.AddRecipients(ctx, inc.ID, "lea", audience)
	must(err)
	for i := range size.notices {
		n := &leakdesk.Notice{IncidentID: inc.ID, Campaign: fmt.Sprintf("notice-%d", i+1), Kind: leakdesk.NoticeFirst, Template: "first", Actor: "lea"}
		if i > 0 {
			n.Kind, n.Template, n.Message = leakdesk.NoticeUpdate, "update", "What we know now."
		}
		_, _, err := notices.CreateNotice(ctx, n, noQueue)
		must(err)
	}
	recipients, err := notices.Recipients(ctx, inc.ID)
	must(err)
	for i, rc := range recipients[:min(size.acknowledged, len(recipients))] {
		a := &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: rc.ID, Channel: "ack", Outcome: "acknowledged", Actor: leakdesk.AckActor, At: now.Add(-time.Hour)}
		if i%5 == 4 {
			a.Channel, a.Outcome, a.Actor = "phone", "reached", "lea"
		}
		must(notices.RecordContact(ctx, a))
	}

	campaigns := notify.NewCampaigns(notify.Deps{Incidents: incidents, Notices: notices, Findings: findings, Now: func() time.Time { return now }})
	pages, err := consolePages(ConsoleDeps{Incidents: incidents, Personal: incidents, Findings: findings,
		Summaries: &rules.Services{Incidents: incidents, Findings: findings, Notices: notices, Evidence: evidence, Rules: r},
		Campaigns: campaigns, Notices: notices, Evidence: evidence, Alarms: store.NewDecoyAlarmService(db), Now: func() time.Time { return now }})
	must(err)
	call := func(i int) error {
		return notices.RecordContact(ctx, &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: recipients[i%len(recipients)].ID,
			Channel: "phone", Outcome: "reached", Actor: "lea", At: now})
	}
	note := func(i int) error {
		return incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "lea", leakdesk.EventFact, now,
			map[string]string{"key": "note", "value": fmt.Sprintf("note %d", i)}))
	}
	return &consoleDesk{incident: inc, now: now, pages: pages, call: call, note: note}
}

// noQueue leaves the deliveries queued: no sender runs, the console only
// reads where they stand.
func noQueue(context.Context, *sql.Tx, int64, []int64) error { return nil }

// handler serves the console as principal p, standing in for the
// authentication that the route table puts in front of it.
func (d *consoleDesk) handler(p *leakdesk.Principal) http.Handler {
	mux := http.NewServeMux()
	for _, pg := range d.pages {
		mux.Handle(pg.Pattern, pg.Handler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p != nil {
			r = r.WithContext(withPrincipal(r.Context(), p))
		}
		mux.ServeHTTP(w, r)
	})
}

// serve starts a test server of the console as principal p, closed when
// the test ends.
func (d *consoleDesk) serve(tb testing.TB, p *leakdesk.Principal) *httptest.Server {
	srv := httptest.NewServer(d.handler(p))
	tb.Cleanup(srv.Close)
	return srv
}

// account is a console account with one role on every incident.
func account(name string, role leakdesk.Role) *leakdesk.Principal {
	return &leakdesk.Principal{Kind: leakdesk.PrincipalAccount, Name: name, AccountID: 1, Grants: []leakdesk.Grant{{Role: role}}}
}
