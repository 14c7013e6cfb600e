package notify_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
)

func testMessage(n int) *notify.Message {
	return &notify.Message{ID: fmt.Sprintf("<m%d@acme.example>", n), Key: fmt.Sprintf("INC-0001/n1/r%d", n),
		From: notify.From{Name: "Acme", Address: "dpo@acme.example"}, To: fmt.Sprintf("r%d@customer.example", n),
		Lang: "en", Incident: "INC-0001", Notice: 1, Date: time.Now(),
		Rendered: &notify.Rendered{Subject: "Test", Text: "Hello", HTML: "<p>Hello</p>"}}
}

// TestSendersAbandonAMessageWhoseBookkeepingFailed: a message is written
// out in full before ready is asked, and if ready fails, the mail system
// does not keep it; the sender goes on with the next message.
func TestSendersAbandonAMessageWhoseBookkeepingFailed(t *testing.T) {
	ctx := context.Background()
	mp := notifytest.Start(t)
	cfg, err := notify.ParseSMTPURL("smtp://" + mp.SMTP + "?tls=none&timeout=3s")
	if err != nil {
		t.Fatal(err)
	}
	outbox := t.TempDir()
	for _, c := range []struct {
		name   string
		dialer notify.Dialer
		kept   func() int
	}{
		{"smtp", notify.NewSMTPDialer(cfg), func() int { return len(mp.Messages()) }},
		{"outbox", &notify.OutboxDialer{Dir: outbox}, func() int {
			files, _ := filepath.Glob(filepath.Join(outbox, "*.eml"))
			return len(files)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := c.dialer.Dial(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			failed := errors.New("the store is gone")
			asked := 0
			err = s.Send(ctx, testMessage(1), func() error {
				asked++
				return failed
			})
			if !errors.Is(err, failed) || asked != 1 {
				t.Fatalf("send = %v after %d calls of ready, want the ready error after one", err, asked)
			}
			if err := s.Send(ctx, testMessage(2), func() error { asked++; return nil }); err != nil || asked != 2 {
				t.Fatalf("send after an abandoned message = %v, ready asked %d times", err, asked)
			}
			if err := s.Send(ctx, testMessage(3), nil); err != nil {
				t.Fatal(err)
			}
			// mailpit stores a message a moment after it accepts it.
			for deadline := time.Now().Add(3 * time.Second); c.kept() < 2 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			}
			if n := c.kept(); n != 2 {
				t.Fatalf("the mail system kept %d messages, want 2: the abandoned one must be dropped", n)
			}
			if c.name == "outbox" {
				if rest, _ := filepath.Glob(filepath.Join(outbox, ".partial-*")); len(rest) != 0 {
					t.Fatalf("partial files left behind: %v", rest)
				}
			}
		})
	}
}

// TestAnyDisplayNameComposes sends to mailpit under names that a registry
// may hold and that once kept their owner from being e-mailed at all, and
// reads back the To header that arrived.
func TestAnyDisplayNameComposes(t *testing.T) {
	ctx := context.Background()
	mp := notifytest.Start(t)
	cfg, err := notify.ParseSMTPURL("smtp://" + mp.SMTP + "?timeout=3s")
	if err != nil {
		t.Fatal(err)
	}
	s, err := notify.NewSMTPDialer(cfg).Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	names := []struct{ given, want string }{
		{`Jean "Jojo Martin`, `Jean "Jojo Martin`},                         // an unmatched quote
		{`O\'Brien \ Sam`, `O\'Brien \ Sam`},                               // backslashes
		{`Martin, Zoé`, `Martin, Zoé`},                                     // a comma and non-ASCII
		{`"Dupont" <admin@evil.example>`, `"Dupont" <admin@evil.example>`}, // looks like an address
		{"Ana\x00 Bel\x07la\r\nBcc: x@evil.example", "Ana Bella Bcc: x@evil.example"},
		{"Łukasz\u0085 Żółć\x7f", "Łukasz Żółć"},
		{"Bad\xffUTF-8", "BadUTF-8"},
		{"", ""},
	}
	for i, n := range names {
		m := testMessage(100 + i)
		m.ToName = n.given
		if err := s.Send(ctx, m, nil); err != nil {
			t.Fatalf("send to %q: %v", n.given, err)
		}
	}
	var got []notifytest.Message
	for deadline := time.Now().Add(3 * time.Second); len(got) < len(names) && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		got = mp.Messages()
	}
	byID := map[string]notifytest.Message{}
	for _, m := range got {
		byID[m.MessageID] = m
	}
	for i, n := range names {
		m, ok := byID[fmt.Sprintf("m%d@acme.example", 100+i)]
		if !ok {
			t.Errorf("%q: nothing arrived", n.given)
			continue
		}
		if len(m.To) != 1 || m.To[0].Name != n.want || m.To[0].Address != fmt.Sprintf("r%d@customer.example", 100+i) {
			t.Errorf("%q arrived as To %+v, want one %q <r%d@customer.example>", n.given, m.To, n.want, 100+i)
		}
	}
}
