package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

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

// The same content received twice at once is one file: the second
// receipt, whose lookup ran before the first committed, finds the first's
// row instead of failing on the unique hash, and queues no second job.
func TestSameFileReceivedAtOnceIsOneFile(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		svc := store.NewTriageService(h.db)
		file := func() *leakdesk.TriageFile {
			return &leakdesk.TriageFile{SHA256: strings.Repeat("ab", 32), Name: "f.csv", Source: "test", Actor: "local:t"}
		}
		var jobs atomic.Int32
		inserted, release := make(chan struct{}), make(chan struct{})
		type receipt struct {
			f       *leakdesk.TriageFile
			created bool
			err     error
		}
		first := make(chan receipt, 1)
		go func() {
			f, created, err := svc.ReceiveTriage(ctx, file(), func(context.Context, *sql.Tx, int64) error {
				jobs.Add(1)
				close(inserted)
				<-release // holds the transaction open with the row inserted
				return nil
			})
			first <- receipt{f, created, err}
		}()
		<-inserted
		second := make(chan receipt, 1)
		go func() {
			f, created, err := svc.ReceiveTriage(ctx, file(), func(context.Context, *sql.Tx, int64) error { jobs.Add(1); return nil })
			second <- receipt{f, created, err}
		}()
		time.Sleep(300 * time.Millisecond) // the second reaches its insert, or waits for the writer
		close(release)
		a, b := <-first, <-second
		if a.err != nil || b.err != nil {
			t.Fatalf("receipts: %v; %v", a.err, b.err)
		}
		if !a.created || b.created || a.f.ID != b.f.ID || jobs.Load() != 1 {
			t.Errorf("first created=%v id %d, second created=%v id %d, %d jobs; want one file and one job", a.created, a.f.ID, b.created, b.f.ID, jobs.Load())
		}
	})
}
