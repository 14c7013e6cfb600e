package http

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/internal/browsertest"
	"github.com/leakdesk/leakdesk/internal/testbackends"
)

// TestPortalBrowser: in a real Chromium, organisation A's link, read from
// the notice mailpit received, shows A and never B, before and after its
// address is tampered with; its form asks a question, chooses who of A's
// people gets the answer, and the page then shows it; the page passes the
// accessibility checks. On both stores.
func TestPortalBrowser(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, d *testbackends.Desk) { portalBrowser(t, d) })
}

func portalBrowser(t *testing.T, d *testbackends.Desk) {
	// A's link is the one its people were mailed with the first notice.
	p := newPortalMailDesk(t, d)
	secretA, secretB := p.sendFirstNotice(t)
	f := p.fixture
	srv := httptest.NewServer(f.handler)
	t.Cleanup(srv.Close)
	browser := browsertest.Start(t)
	ofB := []string{"Bea Beta", "Beta SA", "iban", "Zed Second", "passport"}

	t.Run("own page", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(srv.URL + "/portal/" + secretA)
		b.ShowsText("Alpha Ltd", "Ada Alpha", "email, phone", "Ask the response team a question")
		b.HidesText(ofB...)
		b.CheckAccessibility()
	})
	for _, tampered := range []string{
		"/portal/" + secretA[:len(secretA)-2] + "xy",
		"/portal/" + secretB[:len(secretB)-6] + secretA[len(secretA)-6:],
		"/portal/" + secretA + "?org=O-B&incident=2",
		"/portal/" + secretA + "/../" + url.PathEscape(secretB[:10]),
		"/portal/O-B",
	} {
		t.Run("tampered "+strings.ReplaceAll(tampered, "/", "_"), func(t *testing.T) {
			b := browser.For(t)
			b.Visit(srv.URL + tampered)
			b.HidesText(ofB...)
			if strings.Contains(tampered, "?") {
				b.ShowsText("Ada Alpha") // the parameters are ignored
				return
			}
			b.HidesText("Ada Alpha", "Alpha Ltd")
		})
	}
	t.Run("asks a question", func(t *testing.T) {
		b := browser.For(t)
		b.Visit(srv.URL + "/portal/" + secretA)
		b.HidesText("ada@alpha.example")
		// Ada is offered as who gets the answer; B's person is not.
		if got := browsertest.Eval[string](b, `Array.from(document.querySelectorAll("#reply_to option")).map(o => o.textContent).join("|")`); !strings.Contains(got, "Ada Alpha") || strings.Contains(got, "Bea") {
			t.Errorf("the people offered to get the answer: %s", got)
		}
		browsertest.Eval[bool](b, `const s = document.getElementById("reply_to"); s.selectedIndex = Array.from(s.options).findIndex(o => o.textContent === "Ada Alpha");
			document.getElementById("question").value = "Was our VPN configuration in the leak?"; document.getElementById("ask").click(); true`)
		// The form posts and the page reloads: read the body only once
		// there is one again.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if strings.Contains(browsertest.Eval[string](b, `(document.body && document.body.innerText) || ""`), "Your question is recorded") {
				break
			}
		}
		b.ShowsText("Your question is recorded", "Was our VPN configuration in the leak?", "Not answered yet.")
		b.HidesText(ofB...)
		b.ShowsText("The answer will also be e-mailed to Ada Alpha.")
		b.Visit(srv.URL + "/portal/" + secretB)
		b.HidesText("VPN configuration", "Ada Alpha")
	})
}
