package http_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	ldhttp "github.com/leakdesk/leakdesk/http"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store"
)

// TestExpiredAcknowledgementLink: a genuine link past its expiry gets a
// page that says so, and records nothing.
func TestExpiredAcknowledgementLink(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "leakdesk.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	regimes, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	incidents, notices := store.NewIncidentService(db, regimes), store.NewNoticeService(db)
	inc := &leakdesk.Incident{Title: "ack", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, Country: "FR", TimeZone: "Europe/Paris"}
	if err := incidents.CreateIncident(ctx, inc, "alice"); err != nil {
		t.Fatal(err)
	}
	r := &leakdesk.Recipient{Key: "c-1", Kind: leakdesk.RecipientAffected, ContactID: "c-1", Name: "Person", Email: "c-1@customer.example", Language: "en"}
	if _, err := notices.AddRecipients(ctx, inc.ID, "alice", []*leakdesk.Recipient{r}); err != nil {
		t.Fatal(err)
	}
	n, _, err := notices.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "alice", Domain: "acme.example"},
		func(context.Context, *sql.Tx, int64, []int64) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := notify.NewTokens(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	tokens.Now = func() time.Time { return time.Now().Add(-tokens.Lifetime - time.Hour) }
	expired := tokens.Sign(inc.ID, r.ID, n.ID)
	tokens.Now = time.Now
	valid := tokens.Sign(inc.ID, r.ID, n.ID)

	handler, err := ldhttp.NewServer(ldhttp.Config{Logger: slog.New(slog.DiscardHandler), Notices: notices, Acks: notify.NewAcknowledgements(tokens, notices)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	events := func() int {
		evs, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	before := events()
	for _, do := range []func(string) (*http.Response, error){
		http.Get,
		func(u string) (*http.Response, error) { return http.PostForm(u, url.Values{}) },
	} {
		resp, err := do(srv.URL + "/ack/" + expired)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusGone || !strings.Contains(string(page), `id="expired"`) || !strings.Contains(string(page), "expired on") {
			t.Fatalf("expired link: %d\n%s", resp.StatusCode, page)
		}
	}
	if got := events(); got != before {
		t.Fatalf("an expired link wrote %d events", got-before)
	}
	resp, err := http.PostForm(srv.URL+"/ack/"+valid, url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || events() != before+1 {
		t.Fatalf("valid link: %d, %d events written", resp.StatusCode, events()-before)
	}
}
