package http

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
)

// portalPeople are the recipients of the portal tests: two organisations
// of the first incident, and the first organisation's ID again in the
// second incident, with another person.
func portalPeople(t *testing.T, f *fixture) {
	t.Helper()
	notices := store.NewNoticeService(f.db)
	for id, people := range map[int64][]*leakdesk.Recipient{
		1: {
			{Key: "A-1", Kind: leakdesk.RecipientAffected, Name: "Ada Alpha", OrgID: "O-A", Organisation: "Alpha Ltd", Email: "ada@alpha.example", Fields: []string{"email", "phone"}, Language: "en"},
			{Key: "B-1", Kind: leakdesk.RecipientAffected, Name: "Bea Beta", OrgID: "O-B", Organisation: "Beta SA", Email: "bea@beta.example", Fields: []string{"iban"}, Language: "en"},
		},
		2: {{Key: "Z-1", Kind: leakdesk.RecipientAffected, Name: "Zed Second", OrgID: "O-A", Organisation: "Alpha Ltd", Email: "zed@alpha.example", Fields: []string{"passport"}, Language: "en"}},
	} {
		if _, err := notices.AddRecipients(context.Background(), id, "local:setup", people); err != nil {
			t.Fatal(err)
		}
	}
}

// postForm posts a form as a browser does.
func postForm(values url.Values) (string, func(*http.Request)) {
	return values.Encode(), func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }
}

var portalLinkPattern = regexp.MustCompile(`/portal/(ldp_[A-Za-z0-9_-]+)`)

// TestPortalIsolation: a link issued in the console opens its
// organisation's page and nothing else; tampered secrets and addresses
// open nothing and name nobody; a question asked there is a task in the
// console, answered there and shown on that page alone; the console's
// portal actions follow the roles.
func TestPortalIsolation(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) {
		// Guessing is bounded by the links' rate limit; this test is no guesser.
		limits := DefaultLimits()
		limits.AckLinks.Burst = 1000
		f := newFixture(t, d, limits)
		portalPeople(t, f)
		comms := bearer(f.token(f.account("carl", leakdesk.Grant{Role: leakdesk.RoleCommunications}), leakdesk.TokenScope{}))
		viewer := bearer(f.token(f.account("vic", leakdesk.Grant{Role: leakdesk.RoleViewer}), leakdesk.TokenScope{}))
		onSecond := bearer(f.token(f.account("sam", leakdesk.Grant{Role: leakdesk.RoleCommunications, IncidentID: 2}), leakdesk.TokenScope{}))
		first := "/console/incidents/" + leakdesk.FormatIncidentID(1)

		issue := func(org string) string {
			t.Helper()
			body, asForm := postForm(url.Values{"org": {org}, "days": {"30"}})
			w := f.do("POST", first+"/portal/links", body, comms, asForm)
			m := portalLinkPattern.FindStringSubmatch(w.Body.String())
			if w.Code != http.StatusOK || m == nil {
				t.Fatalf("issue a link for %s: %d %s", org, w.Code, w.Body)
			}
			return m[1]
		}
		secretA, secretB := issue("O-A"), issue("O-B")
		body, asForm := postForm(url.Values{"org": {"O-A"}})
		if w := f.do("POST", first+"/portal/links", body, viewer, asForm); w.Code != http.StatusForbidden {
			t.Errorf("a viewer made a link: %d", w.Code)
		}
		if w := f.do("POST", first+"/portal/links", body, onSecond, asForm); w.Code != http.StatusForbidden {
			t.Errorf("a role on the second incident made a link on the first: %d", w.Code)
		}

		others := []string{"Bea Beta", "Beta SA", "O-B", "iban", "Zed Second", "passport"}
		page := f.do("GET", "/portal/"+secretA, "")
		if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "Ada Alpha") || !strings.Contains(page.Body.String(), "email, phone") {
			t.Fatalf("A's page: %d %s", page.Code, page.Body)
		}
		for _, other := range others {
			if strings.Contains(page.Body.String(), other) {
				t.Errorf("A's page shows %q", other)
			}
		}
		if cc := page.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("A's page may be cached: %q", cc)
		}

		// Tampered secrets and addresses: nothing opens, and the refusal
		// names nobody.
		flip := func(s string, i int) string {
			b := []byte(s)
			b[i] = map[bool]byte{true: 'A', false: 'B'}[b[i] != 'A']
			return string(b)
		}
		for _, path := range []string{
			"/portal/" + flip(secretA, len(secretA)-1),
			"/portal/" + flip(secretA, 5),
			"/portal/" + secretA[:len(secretA)-1],
			"/portal/" + secretA + "A",
			"/portal/" + secretB[:20] + secretA[20:],
			"/portal/" + strings.Replace(secretA, "ldp_", "ldt_", 1),
			"/portal/ldp_",
			"/portal/" + url.PathEscape(secretA+"\x00"),
			"/portal/1",
			"/portal/O-B",
		} {
			w := f.do("GET", path, "")
			if w.Code == http.StatusOK {
				t.Errorf("GET %s: opened a page", path)
			}
			for _, name := range append(others, "Ada Alpha", "Alpha Ltd") {
				if strings.Contains(w.Body.String(), name) {
					t.Errorf("GET %s (%d) shows %q", path, w.Code, name)
				}
			}
		}
		// Parameters naming the other organisation change nothing.
		for _, path := range []string{"/portal/" + secretA + "?org=O-B", "/portal/" + secretA + "?incident=2&org_id=O-B"} {
			w := f.do("GET", path, "")
			for _, other := range others {
				if strings.Contains(w.Body.String(), other) {
					t.Errorf("GET %s shows %q", path, other)
				}
			}
		}

		// A asks; the question is A's alone, and a task in the console.
		body, asForm = postForm(url.Values{"question": {"Was our VPN configuration in the leak?"}, "org": {"O-B"}})
		if w := f.do("POST", "/portal/"+secretA+"/questions", body, asForm); w.Code != http.StatusSeeOther {
			t.Fatalf("ask: %d %s", w.Code, w.Body)
		}
		body, asForm = postForm(url.Values{"question": {"  "}})
		if w := f.do("POST", "/portal/"+secretA+"/questions", body, asForm); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "empty") {
			t.Errorf("an empty question: %d", w.Code)
		}
		body, asForm = postForm(url.Values{"question": {"Beta's own question"}})
		if w := f.do("POST", "/portal/"+flip(secretA, 9)+"/questions", body, asForm); w.Code != http.StatusUnauthorized {
			t.Errorf("a question through a tampered link: %d", w.Code)
		}
		if w := f.do("GET", "/portal/"+secretB, ""); strings.Contains(w.Body.String(), "VPN") {
			t.Errorf("B's page shows A's question")
		}
		tasks := f.do("GET", first+"/portal", "", comms)
		if tasks.Code != http.StatusOK || !strings.Contains(tasks.Body.String(), "VPN configuration") || !strings.Contains(tasks.Body.String(), "O-A") {
			t.Fatalf("the console's tasks: %d %s", tasks.Code, tasks.Body)
		}
		questions, err := f.cfg.Portal.Questions(context.Background(), 1)
		if err != nil || len(questions) != 1 || questions[0].OrgID != "O-A" {
			t.Fatalf("questions: %+v, %v", questions, err)
		}
		answerPath := first + "/questions/" + itoa(questions[0].ID) + "/answer"
		body, asForm = postForm(url.Values{"answer": {"No: only names and e-mail addresses."}})
		if w := f.do("POST", "/console/incidents/"+leakdesk.FormatIncidentID(2)+"/questions/"+itoa(questions[0].ID)+"/answer", body, onSecond, asForm); w.Code != http.StatusNotFound {
			t.Errorf("an answer through the second incident: %d", w.Code)
		}
		if w := f.do("POST", answerPath, body, viewer, asForm); w.Code != http.StatusForbidden {
			t.Errorf("a viewer answered: %d", w.Code)
		}
		if w := f.do("POST", answerPath, body, comms, asForm); w.Code != http.StatusSeeOther {
			t.Fatalf("answer: %d %s", w.Code, w.Body)
		}
		if w := f.do("GET", "/portal/"+secretA, ""); !strings.Contains(w.Body.String(), "only names and e-mail addresses") {
			t.Errorf("A's page does not show the answer")
		}
		if w := f.do("GET", "/portal/"+secretB, ""); strings.Contains(w.Body.String(), "only names") {
			t.Errorf("B's page shows A's answer")
		}

		// Acknowledged once; a withdrawn link opens nothing.
		for range 2 {
			if w := f.do("POST", "/portal/"+secretA+"/ack", ""); w.Code != http.StatusSeeOther {
				t.Fatalf("acknowledge: %d", w.Code)
			}
		}
		if w := f.do("GET", "/portal/"+secretA, ""); !strings.Contains(w.Body.String(), "Confirmed on") {
			t.Errorf("A's page does not show its confirmation")
		}
		links, err := f.cfg.Portal.PortalLinks(context.Background(), 1)
		if err != nil || len(links) != 2 {
			t.Fatalf("links: %+v, %v", links, err)
		}
		for _, l := range links {
			if l.OrgID == "O-B" {
				if w := f.do("POST", first+"/portal/links/"+itoa(l.ID)+"/revoke", "", comms); w.Code != http.StatusSeeOther {
					t.Fatalf("revoke: %d %s", w.Code, w.Body)
				}
			}
		}
		if w := f.do("GET", "/portal/"+secretB, ""); w.Code != http.StatusUnauthorized || strings.Contains(w.Body.String(), "Beta") {
			t.Errorf("a withdrawn link: %d", w.Code)
		}
		if w := f.do("GET", "/portal/"+secretA, ""); w.Code != http.StatusOK {
			t.Errorf("A's link after B's was withdrawn: %d", w.Code)
		}
		events, err := f.incidents.FindEvents(context.Background(), 1)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, ev := range events {
			kinds[ev.Kind]++
		}
		if kinds[leakdesk.EventPortalQuestion] != 1 || kinds[leakdesk.EventPortalAnswer] != 1 || kinds[leakdesk.EventPortalAcknowledged] != 1 || kinds[leakdesk.EventPortalLinkRevoked] != 1 {
			t.Errorf("the timeline's portal events: %v", kinds)
		}
		if strings.Contains(f.logs.String(), secretA) || strings.Contains(f.logs.String(), "VPN") {
			t.Errorf("the log holds a secret or a question: %s", f.logs)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
