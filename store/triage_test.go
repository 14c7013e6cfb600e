package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// receiveFile records a triaged file with content number n.
func receiveFile(t testing.TB, svc *store.TriageService, n int) *leakdesk.TriageFile {
	t.Helper()
	f, _, err := svc.ReceiveTriage(context.Background(), &leakdesk.TriageFile{SHA256: fmt.Sprintf("%064x", n), Name: "f.csv", Source: "test", Actor: "local:t"},
		func(context.Context, *sql.Tx, int64) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestAlertClaimsAreCountedPerChannel(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		svc := store.NewTriageService(h.db)
		f := receiveFile(t, svc, 1)
		for want := 1; want <= 2; want++ {
			if n, err := svc.ClaimAlert(ctx, f.ID, "mail"); err != nil || n != want {
				t.Fatalf("claim %d of the mail alert: %d, %v", want, n, err)
			}
		}
		if err := svc.AlertSent(ctx, f.ID, "mail"); err != nil {
			t.Fatal(err)
		}
		got, err := svc.FindTriage(ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.MailAttempts != 2 || got.WebhookAttempts != 0 || got.MailSentAt.IsZero() || !got.WebhookSentAt.IsZero() {
			t.Errorf("after two mail claims and one send: %+v", got)
		}
		for want := 1; want <= 2; want++ {
			if n, sent, err := svc.ClaimAlarm(ctx, "decoy-1", "webhook"); err != nil || n != want || !sent.IsZero() {
				t.Fatalf("claim %d of an alarm: %d, sent %v, %v", want, n, sent, err)
			}
		}
		if err := svc.AlarmSent(ctx, "decoy-1", "webhook"); err != nil {
			t.Fatal(err)
		}
		if n, sent, err := svc.ClaimAlarm(ctx, "decoy-1", "webhook"); err != nil || n != 3 || sent.IsZero() {
			t.Errorf("claim of an alarm sent: %d, sent %v, %v; want its send time", n, sent, err)
		}
		if n, _, err := svc.ClaimAlarm(ctx, "decoy-1", "mail"); err != nil || n != 1 {
			t.Errorf("first claim of the alarm on another channel: %d, %v", n, err)
		}
		if _, err := svc.ClaimAlert(ctx, f.ID, "pigeon"); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("claim on an unknown channel: %v", err)
		}
		if _, err := svc.ClaimAlert(ctx, f.ID+100, "mail"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND || !strings.Contains(err.Error(), "no triaged file") {
			t.Errorf("claim for an unknown file: %v", err)
		}
	})
}

// BenchmarkAlertSent measures the window in which a crash sends an alert
// twice: from the channel's reply to the commit of its record.
func BenchmarkAlertSent(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, h *harness) {
		svc := store.NewTriageService(h.db)
		f := receiveFile(b, svc, 1)
		ctx := context.Background()
		b.ResetTimer()
		for range b.N {
			if err := svc.AlertSent(ctx, f.ID, "mail"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
