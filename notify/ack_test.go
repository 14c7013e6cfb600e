package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// noticeTo creates a notice to the desk's audience, with its deliveries
// left unqueued, and returns it with its recipients.
func (d *desk) noticeTo(n *leakdesk.Notice) (*leakdesk.Notice, []*leakdesk.Recipient) {
	d.t.Helper()
	ctx := context.Background()
	n.IncidentID, n.Actor, n.Domain = d.incident.ID, "alice", "acme.example"
	n, _, err := d.notices.CreateNotice(ctx, n, func(context.Context, *sql.Tx, int64, []int64) error { return nil })
	if err != nil {
		d.t.Fatal(err)
	}
	rs, err := d.notices.Recipients(ctx, d.incident.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return n, rs
}

// firstNotice is a first notice to an audience of n, and the service that
// checks and records its acknowledgements.
func (d *desk) firstNotice(n int) (*notify.Acknowledgements, *leakdesk.Notice, []*leakdesk.Recipient) {
	d.t.Helper()
	d.audience("c", n)
	notice, rs := d.noticeTo(&leakdesk.Notice{Campaign: "first", Kind: leakdesk.NoticeFirst, Template: "first"})
	return notify.NewAcknowledgements(d.tokens, d.notices), notice, rs
}

func (d *desk) eventCount() int {
	d.t.Helper()
	events, err := d.incidents.FindEvents(context.Background(), d.incident.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return len(events)
}

func TestAcknowledgingTwiceChangesNothing(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		acks, n, rs := d.firstNotice(2)
		token := d.tokens.Sign(d.incident.ID, rs[0].ID, n.ID)

		ack, recorded, err := acks.Acknowledge(ctx, token)
		if err != nil || !recorded || ack.Recipient != rs[0].ID || ack.Notice != n.ID {
			t.Fatalf("first acknowledgement: %+v, recorded %v, %v", ack, recorded, err)
		}
		events := d.eventCount()
		for range 2 {
			if _, recorded, err := acks.Acknowledge(ctx, token); err != nil || recorded {
				t.Fatalf("repeated acknowledgement: recorded %v, %v; want nothing recorded and no error", recorded, err)
			}
		}
		if got := d.eventCount(); got != events {
			t.Fatalf("the timeline grew from %d to %d events on a repeated acknowledgement", events, got)
		}
		cov, err := d.notices.Coverage(ctx, d.incident.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range cov {
			want := leakdesk.CoverageNotNotified
			if e.Recipient.ID == rs[0].ID {
				want = leakdesk.CoverageAcknowledged
			}
			if e.State != want && !(want == leakdesk.CoverageNotNotified && e.State == leakdesk.CoverageQueued) {
				t.Errorf("%s: %s, want %s", e.Recipient.Key, e.State, want)
			}
		}
		// The same link followed several times at once is recorded once.
		other := d.tokens.Sign(d.incident.ID, rs[1].ID, n.ID)
		results := make(chan bool, 4)
		for range cap(results) {
			go func() {
				_, recorded, err := acks.Acknowledge(ctx, other)
				if err != nil {
					t.Error(err)
				}
				results <- recorded
			}()
		}
		recordings := 0
		for range cap(results) {
			if <-results {
				recordings++
			}
		}
		if recordings != 1 {
			t.Fatalf("a link followed 4 times at once was recorded %d times", recordings)
		}
		// Another notice's link is another acknowledgement.
		update, _ := d.noticeTo(&leakdesk.Notice{Campaign: "u1", Kind: leakdesk.NoticeUpdate, Template: "update", Message: "More."})
		if _, recorded, err := acks.Acknowledge(ctx, d.tokens.Sign(d.incident.ID, rs[0].ID, update.ID)); err != nil || !recorded {
			t.Fatalf("acknowledgement of another notice: recorded %v, %v", recorded, err)
		}
	})
}

func TestAcknowledgementLinksExpire(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		acks, n, rs := d.firstNotice(1)
		token := d.tokens.Sign(d.incident.ID, rs[0].ID, n.ID)
		legacy := notify.SignLegacy(d.tokens, d.incident.ID, rs[0].ID, n.ID)
		if ack, err := acks.Check(ctx, legacy); err != nil || !ack.Legacy {
			t.Fatalf("legacy link of a recent notice: %+v, %v", ack, err)
		}
		// A legacy link naming a notice the incident does not have is not valid.
		if _, err := acks.Check(ctx, notify.SignLegacy(d.tokens, d.incident.ID, rs[0].ID, n.ID+100)); leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
			t.Fatalf("legacy link of no notice: %v", err)
		}

		// A lifetime later, both are refused as expired, and nothing is recorded.
		d.tokens.Now = func() time.Time { return n.CreatedAt.Add(d.tokens.Lifetime + time.Hour) }
		events := d.eventCount()
		for name, tok := range map[string]string{"link": token, "legacy link": legacy} {
			var expired *notify.LinkExpiredError
			if _, recorded, err := acks.Acknowledge(ctx, tok); !errors.As(err, &expired) || recorded {
				t.Errorf("%s a lifetime later: recorded %v, %v; want refused as expired", name, recorded, err)
			}
		}
		if got := d.eventCount(); got != events {
			t.Fatalf("expired links wrote %d events", got-events)
		}
	})
}
