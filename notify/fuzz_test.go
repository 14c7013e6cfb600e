package notify_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/notify"
)

// FuzzReadReport feeds arbitrary messages to the delivery-report reader,
// which reads whatever lands in a bounce mailbox or the webhook: it must not
// panic, and every report it returns names the message it is about.
func FuzzReadReport(f *testing.F) {
	for _, name := range []string{"bounce.eml", "delivered.eml", "reply.eml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: message/delivery-status\r\n\r\nAction: failed\r\n--x--"))
	f.Fuzz(func(t *testing.T, msg []byte) {
		reports, err := notify.ReadReport(bytes.NewReader(msg))
		if err != nil {
			if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		for _, r := range reports {
			if r.MessageID == "" {
				t.Fatalf("report %+v names no message", r)
			}
			_ = r.State()
		}
	})
}

// FuzzSplitMbox: the pieces of an mbox, joined back, hold every line of
// every message, and splitting never panics.
func FuzzSplitMbox(f *testing.F) {
	f.Add([]byte("From a@b Fri Nov 27 10:00:00 2026\nSubject: x\n\nbody\n>From quoted\nFrom c@d Fri Nov 27 10:00:00 2026\nSubject: y\n\n"))
	f.Add([]byte("not an mbox"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var total int
		err := notify.SplitMbox(bytes.NewReader(data), func(msg []byte) error {
			total += len(msg)
			return nil
		})
		if err != nil && leakdesk.ErrorCode(err) != leakdesk.EINVALID && !strings.Contains(err.Error(), "read mbox") {
			t.Fatalf("unexpected error %v", err)
		}
		if err == nil && total > 2*len(data)+2 {
			t.Fatalf("split %d bytes into %d", len(data), total)
		}
	})
}

// FuzzReadOthers: a recipients file either is refused as EINVALID or gives
// recipients with valid, normalised addresses and a known language.
func FuzzReadOthers(f *testing.F) {
	f.Add("email,name,language\nrssi@client.example,Jo,fr\n")
	f.Add("email\n\"a@b.example\nc\"\n")
	f.Add("Email;Name\nx@y.example;z\n")
	n := match.NewNormaliser("FR")
	f.Fuzz(func(t *testing.T, data string) {
		rs, err := notify.ReadOthers(strings.NewReader(data), n)
		if err != nil {
			if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		for _, r := range rs {
			if again, ok := n.Email(r.Email); !ok || again != r.Email {
				t.Fatalf("recipient address %q is not normalised", r.Email)
			}
			if r.Language != "fr" && r.Language != "en" {
				t.Fatalf("language %q", r.Language)
			}
		}
	})
}

// FuzzTokens: no string but a signed token is accepted.
func FuzzTokens(f *testing.F) {
	tokens, _ := notify.NewTokens(bytes.Repeat([]byte{9}, 32))
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tokens.Now = func() time.Time { return now } // so that Sign writes again what it wrote
	good := tokens.Sign(1, 2, 3)
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add(good[:2] + "\n" + good[2:]) // decodes like good: only good may pass
	f.Add("AQID.")
	f.Fuzz(func(t *testing.T, token string) {
		ack, err := tokens.Check(token)
		if err != nil {
			if leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED {
				t.Fatalf("error %v is not EUNAUTHORIZED", err)
			}
			return
		}
		if ack.Legacy || tokens.Sign(ack.Incident, ack.Recipient, ack.Notice) != token {
			t.Fatalf("accepted %q, which is not the token of %+v", token, ack)
		}
	})
}

// FuzzParseSMTPURL: a URL is read or refused, and a refusal never shows
// the password.
func FuzzParseSMTPURL(f *testing.F) {
	f.Add("smtp://user:pw@host:587?tls=required&rate=5")
	f.Add("smtps://h")
	f.Add("smtp://u:secretpw@h:x")
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := notify.ParseSMTPURL(raw)
		if err != nil {
			if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			if strings.Contains(raw, ":secretpw@") && strings.Contains(err.Error(), "secretpw") {
				t.Fatalf("error shows the password: %v", err)
			}
			return
		}
		if c.Host == "" || c.Port < 1 || c.Port > 65535 || c.Timeout <= 0 {
			t.Fatalf("accepted %q as %+v", raw, c)
		}
	})
}
