package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// recordedIncident makes an incident whose side tables hold one of each
// row decisions read, all written by leakdesk: a bounce, a delivery
// reported delivered, a call that found nobody, and a filing.
func recordedIncident(t *testing.T, incidents *store.IncidentService, notices *store.NoticeService) *leakdesk.Incident {
	t.Helper()
	ctx := context.Background()
	inc := mustCreate(t, incidents, newIncident("side tables"))
	if _, err := notices.AddRecipients(ctx, inc.ID, "alice", recipients()); err != nil {
		t.Fatal(err)
	}
	var q enqueued
	if _, _, err := notices.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first", Actor: "alice"}, q.fn); err != nil {
		t.Fatal(err)
	}
	for _, id := range q.ids {
		c := advance(t, notices, nil, id)
		switch c.Recipient.Key {
		case "C-1":
			advance(t, notices, &leakdesk.Outcome{Claim: c, State: leakdesk.DeliveryBounced, Detail: "550 5.1.1 user unknown"}, 0)
		case "C-3":
			advance(t, notices, sent(c), 0)
			if _, err := notices.ReportDelivery(ctx, c.Delivery.MessageID, []string{c.Delivery.Address}, leakdesk.DeliveryDone, "delivered 2.0.0"); err != nil {
				t.Fatal(err)
			}
		default:
			advance(t, notices, sent(c), 0)
		}
	}
	audience, err := notices.Recipients(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := notices.RecordContact(ctx, &leakdesk.ContactAttempt{RecipientID: audience[1].ID, Channel: "phone", Outcome: "no-answer", Actor: "alice"}); err != nil {
		t.Fatal(err)
	}
	filing := &leakdesk.Filing{IncidentID: inc.ID, Obligation: "nis2.early-warning", FiledAt: inc.AwareAt.Add(20 * time.Hour), Ref: "CSIRT-1", Actor: "bob"}
	if err := incidents.RecordFiling(ctx, filing); err != nil {
		t.Fatal(err)
	}
	return inc
}

// TestSideTableEditsAreCaught: each edit of a table that decisions read,
// made behind leakdesk's back, is named by verify, and the close gate
// refuses while the tables and the timeline disagree.
func TestSideTableEditsAreCaught(t *testing.T) {
	attacks := []struct {
		name, query  string // the query takes the incident's ID
		table, field string // of the first disagreement
	}{
		{"mark someone reached", `UPDATE contact_attempts SET outcome = 'reached' WHERE incident_id = %d`, "contact_attempts", "outcome"},
		{"move awareness", `UPDATE incidents SET aware_at = created_at WHERE id = %d`, "incidents", "aware_at"},
		{"delete a filing", `DELETE FROM filings WHERE incident_id = %d`, "filings", "row"},
		{"flip a bounce to delivered", `UPDATE deliveries SET state = 'delivered'
			WHERE state = 'bounced' AND recipient_id IN (SELECT id FROM recipients WHERE incident_id = %d)`, "deliveries", "state"},
		{"close directly", `UPDATE incidents SET status = 'closed', closed_at = created_at WHERE id = %d`, "incidents", "status"},
	}
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		newClock(h.db).advance(10 * 24 * time.Hour) // the filing is in the past
		incidents, notices := newIncidents(t, h.db), store.NewNoticeService(h.db)
		for _, attack := range attacks {
			t.Run(attack.name, func(t *testing.T) {
				inc := recordedIncident(t, incidents, notices)
				mustVerify(t, incidents, inc.ID)
				// Before the edit, the gate refuses for want of coverage only.
				wantCode(t, incidents.CloseIncident(ctx, inc.ID, "alice", "done", time.Time{}, nil), leakdesk.ECONFLICT)

				if n := h.exec(t, fmt.Sprintf(attack.query, inc.ID)); n != 1 {
					t.Fatalf("the edit changed %d rows, want 1", n)
				}
				report, err := incidents.VerifyTimeline(ctx, inc.ID)
				if err != nil {
					t.Fatal(err)
				}
				if report.OK || report.FirstBadSeq != 0 || len(report.Disagreements) == 0 {
					t.Fatalf("the edit went unnoticed: %+v", report)
				}
				if first := report.Disagreements[0]; first.Table != attack.table || first.Field != attack.field {
					t.Errorf("first disagreement %v, want %s.%s", first, attack.table, attack.field)
				}
				err = incidents.CloseIncident(ctx, inc.ID, "alice", "done", time.Time{}, nil)
				wantCode(t, err, leakdesk.EINTEGRITY)
				if !strings.Contains(err.Error(), attack.table) {
					t.Errorf("the close gate does not name the table: %v", err)
				}
			})
		}
	})
}
