package notify_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
)

// TestCampaignService runs a notice through the service as a front end
// would: plan, preview, send, join, update, coverage, a contact logged by
// phone, and delivery reports read back.
func TestCampaignService(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		mp := notifytest.Start(t)
		svc := d.campaigns()
		d.audience("c", 4)
		audience := notify.AudienceRequest{Incident: d.incident.ID}

		plan, err := svc.Plan(ctx, audience, "first")
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Recipients) != 4 || plan.Ready != (len(plan.Traps) == 0) || plan.Ready != (plan.Err() == nil) {
			t.Fatalf("plan: %d recipients, ready %v, traps %v, %v", len(plan.Recipients), plan.Ready, plan.Traps, plan.Err())
		}
		for _, e := range plan.Recipients {
			if e.Channel != "email" || e.Subject == "" {
				t.Errorf("%s: channel %q, subject %q", e.Recipient.Key, e.Channel, e.Subject)
			}
		}
		if b, _ := json.Marshal(plan); !strings.HasPrefix(string(b), `{"incident":"`+d.incident.PublicID()+`",`) || !strings.Contains(string(b), `"traps":[`) {
			t.Fatalf("plan JSON: %s", b)
		}
		bad, err := svc.Plan(ctx, audience, "no-such-template")
		if err != nil || bad.Ready || leakdesk.ErrorCode(bad.Err()) != leakdesk.EINVALID || !strings.Contains(bad.Problem, "no template") {
			t.Fatalf("plan of an unknown template: %+v, %v", bad, err)
		}

		preview, err := svc.Preview(ctx, notify.PreviewRequest{AudienceRequest: audience, Template: "first", Recipient: "c-0"})
		if err != nil || preview.To != "c-0@customer.example" || preview.Language != "fr" || !strings.Contains(preview.Subject, "Vos données") || preview.Text == "" {
			t.Fatalf("preview: %+v, %v", preview, err)
		}
		if en, err := svc.Preview(ctx, notify.PreviewRequest{AudienceRequest: audience, Template: "first", Recipient: "c-0@customer.example", Language: "en"}); err != nil || en.Language != "en" || en.Subject == preview.Subject {
			t.Fatalf("preview in English: %+v, %v", en, err)
		}
		if _, err := svc.Preview(ctx, notify.PreviewRequest{AudienceRequest: audience, Template: "first", Recipient: "nobody"}); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("preview for nobody: %v", err)
		}

		smtp := "smtp://" + mp.SMTP + "?tls=none&timeout=3s"
		var last [2]int
		send := notify.SendRequest{AudienceRequest: audience, Actor: "alice", SMTP: smtp, Connections: 2,
			Notice:   &leakdesk.Notice{Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first"},
			Progress: func(done, total int) { last = [2]int{done, total} }}
		res, err := svc.Send(ctx, send)
		if err != nil || res.Joined || res.States[leakdesk.DeliverySent] != 4 || res.Campaign != "first" || len(res.Problems) != 0 {
			t.Fatalf("send: %+v, %v", res, err)
		}
		if last != [2]int{4, 4} || len(mp.Messages()) != 4 {
			t.Fatalf("progress ended at %v; mailpit holds %d messages; want 4 of 4 and 4", last, len(mp.Messages()))
		}
		send.Notice = &leakdesk.Notice{Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first"}
		if res, err := svc.Send(ctx, send); err != nil || !res.Joined || len(mp.Messages()) != 4 {
			t.Fatalf("send again: %+v, %v; mailpit holds %d", res, err, len(mp.Messages()))
		}

		// An update without a campaign name is named by its text: the same
		// text joins it, and sends nothing twice.
		var updates []string
		for range 2 {
			send.Notice = &leakdesk.Notice{Template: "update", Message: "The source is found."}
			res, err := svc.Update(ctx, send)
			if err != nil || !strings.HasPrefix(res.Campaign, "update-") || res.Kind != leakdesk.NoticeUpdate {
				t.Fatalf("update: %+v, %v", res, err)
			}
			updates = append(updates, res.Campaign)
		}
		if updates[0] != updates[1] || len(mp.Messages()) != 8 {
			t.Fatalf("updates %q; mailpit holds %d messages, want one update's 4 more", updates, len(mp.Messages()))
		}

		logged, err := svc.LogContact(ctx, notify.Contact{Incident: d.incident.ID, Recipient: "C-1@customer.example", Channel: "phone", Outcome: "reached", Actor: "bob"})
		if err != nil || logged.Recipient.Key != "c-1" || logged.Attempt.RecipientID != logged.Recipient.ID || logged.Held != nil {
			t.Fatalf("log contact: %+v, %v", logged, err)
		}
		if _, err := svc.LogContact(ctx, notify.Contact{Incident: d.incident.ID, Recipient: "nobody", Channel: "phone", Outcome: "reached", Actor: "bob"}); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("log contact with nobody: %v", err)
		}

		// A bounce for c-2's first notice, one for a message never sent, and
		// a file that is no report.
		var messageID string
		for _, m := range mp.Messages() {
			if m.To[0].Address == "c-2@customer.example" && messageID == "" {
				messageID = m.MessageID
			}
		}
		dir := t.TempDir()
		write := func(name, content string) {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		write("bounce.eml", bounce("c-2@customer.example", messageID))
		write("stranger.eml", bounce("c-3@customer.example", "not-ours@elsewhere.example"))
		write("note.txt", "Just a note.\n")
		reports, err := svc.ReadReports(ctx, dir)
		if err != nil || reports.Files != 3 || reports.Reports != 2 || reports.Bounced != 1 || len(reports.Unknown) != 1 || len(reports.Skipped) != 1 {
			t.Fatalf("reports: %+v, %v", reports, err)
		}

		cov, err := svc.Coverage(ctx, d.incident.ID)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]string{}
		for _, e := range cov.Entries {
			states[e.Recipient.Key] = e.State
		}
		want := map[string]string{"c-0": leakdesk.CoverageSent, "c-1": leakdesk.CoverageOther, "c-2": leakdesk.CoverageBounced, "c-3": leakdesk.CoverageSent}
		for key, state := range want {
			if states[key] != state {
				t.Errorf("coverage of %s: %s, want %s", key, states[key], state)
			}
		}
		if cov.Incident != d.incident.PublicID() || cov.Counts[leakdesk.CoverageSent] != 2 || cov.Unreached != 1 {
			t.Errorf("coverage: %s, counts %v, %d unreached", cov.Incident, cov.Counts, cov.Unreached)
		}
	})
}

// bounce is a delivery report saying that the message messageID to rcpt
// failed for good.
func bounce(rcpt, messageID string) string {
	return "From: MAILER-DAEMON@mx.example\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; " + rcpt + "\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n" +
		"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + messageID + ">\r\n\r\n--b--\r\n"
}

// TestSendRefusesLinksInClear: acknowledgement links on plain http:// to
// another machine stop a campaign before anything is written, unless the
// request allows them.
func TestSendRefusesLinksInClear(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		deps := d.deps()
		deps.BaseURL = "http://desk.acme.example"
		svc := notify.NewCampaigns(deps)
		audience := notify.AudienceRequest{Incident: d.incident.ID}
		if _, err := svc.Plan(ctx, audience, "first"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("plan with nobody to tell: %v", err)
		}
		d.audience("c", 2)
		send := notify.SendRequest{AudienceRequest: audience, Actor: "alice", Outbox: t.TempDir(), Connections: 1,
			Notice: &leakdesk.Notice{Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first"}}
		if _, err := svc.Send(ctx, send); leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), "--insecure-links") {
			t.Fatalf("send with links in clear: %v", err)
		}
		if notices, err := d.notices.Notices(ctx, d.incident.ID); err != nil || len(notices) != 0 {
			t.Fatalf("a refused send left %d notices (%v)", len(notices), err)
		}
		send.InsecureLinks = true
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		res, err := svc.Send(ctx, send)
		if err != nil || res.States[leakdesk.DeliverySent] != 2 || !strings.HasPrefix(res.Via, "outbox ") {
			t.Fatalf("send with --insecure-links: %+v, %v", res, err)
		}
		files, _ := filepath.Glob(filepath.Join(send.Outbox, "*.eml"))
		if len(files) != 2 {
			t.Fatalf("outbox holds %d messages, want 2", len(files))
		}
	})
}

func TestCheckLinkBase(t *testing.T) {
	for _, tt := range []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"https://desk.acme.example", false, true},
		{"http://localhost:8080", false, true},
		{"http://127.0.0.1:8080", false, true},
		{"http://[::1]:8080", false, true},
		{"http://desk.acme.example", false, false},
		{"http://10.0.0.5:8080", false, false},
		{"http://desk.acme.example", true, true},
		{"ftp://desk.acme.example", true, false},
		{"desk.acme.example", true, false},
	} {
		err := notify.CheckLinkBase(tt.url, tt.insecure)
		if (err == nil) != tt.ok || (err != nil && leakdesk.ErrorCode(err) != leakdesk.EINVALID) {
			t.Errorf("CheckLinkBase(%q, %v) = %v, want ok %v", tt.url, tt.insecure, err, tt.ok)
		}
	}
}
