// Package notifytest runs a real SMTP server, mailpit, for tests, and reads
// back through its API what really arrived.
package notifytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Mailpit is a mailpit server started for one test, stopped at its end.
type Mailpit struct {
	SMTP string // host:port
	API  string // http://host:port

	bin  string
	args []string
	cmd  *exec.Cmd
	t    testing.TB
}

// Binary finds mailpit: LEAKDESK_MAILPIT, then PATH, then ~/go/bin. It
// skips the test when there is none, and fails it when
// LEAKDESK_REQUIRE_MAILPIT is set, so that CI never passes by skipping.
func Binary(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("LEAKDESK_MAILPIT")}
	if p, err := exec.LookPath("mailpit"); err == nil {
		candidates = append(candidates, p)
	}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, "go", "bin", "mailpit"))
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if info, err := os.Stat(c); err == nil && !info.IsDir() {
			return c
		}
	}
	if os.Getenv("LEAKDESK_REQUIRE_MAILPIT") != "" {
		t.Fatal("LEAKDESK_REQUIRE_MAILPIT is set but mailpit is not found (LEAKDESK_MAILPIT, PATH, ~/go/bin)")
	}
	t.Skip("mailpit is not installed; ./scripts/test installs it")
	return ""
}

// Start starts mailpit on free ports with its messages in a file of the
// test's, so that a restart keeps them. Extra arguments go to mailpit.
func Start(t testing.TB, args ...string) *Mailpit {
	t.Helper()
	m := &Mailpit{bin: Binary(t), t: t}
	m.SMTP, m.API = "127.0.0.1:"+strconv.Itoa(freePort(t)), "http://127.0.0.1:"+strconv.Itoa(freePort(t))
	m.args = append([]string{
		"--smtp", m.SMTP, "--listen", m.API[len("http://"):],
		"--database", filepath.Join(t.TempDir(), "mailpit.db"),
		"--max", "0", "--smtp-disable-rdns", "--disable-version-check", "--quiet",
	}, args...)
	m.start()
	t.Cleanup(m.Kill)
	return m
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (m *Mailpit) start() {
	m.t.Helper()
	m.cmd = exec.Command(m.bin, m.args...)
	m.cmd.Stdout, m.cmd.Stderr = io.Discard, io.Discard
	if err := m.cmd.Start(); err != nil {
		m.t.Fatalf("start mailpit: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", m.SMTP, 200*time.Millisecond)
		if err == nil {
			c.Close()
			if resp, err := http.Get(m.API + "/livez"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					return
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	m.t.Fatalf("mailpit did not start on %s", m.SMTP)
}

// Kill stops mailpit at once, as a crash would: connections drop.
func (m *Mailpit) Kill() {
	if m.cmd != nil && m.cmd.Process != nil {
		m.cmd.Process.Kill()
		m.cmd.Wait()
		m.cmd = nil
	}
}

// Restart starts mailpit again on the same ports and database.
func (m *Mailpit) Restart() {
	m.t.Helper()
	m.Kill()
	m.start()
}

// Message is what mailpit reports of a message it stored.
type Message struct {
	ID        string
	MessageID string // without angle brackets
	Subject   string
	To        []struct{ Name, Address string }
}

// Messages returns every message mailpit holds.
func (m *Mailpit) Messages() []Message {
	m.t.Helper()
	var all []Message
	for start := 0; ; start += 500 {
		var page struct {
			Total    int
			Messages []Message
		}
		m.get(fmt.Sprintf("/api/v1/messages?start=%d&limit=500", start), &page)
		all = append(all, page.Messages...)
		if len(page.Messages) == 0 || len(all) >= page.Total {
			return all
		}
	}
}

// Raw returns a stored message as it arrived.
func (m *Mailpit) Raw(id string) []byte {
	m.t.Helper()
	resp, err := http.Get(m.API + "/api/v1/message/" + id + "/raw")
	if err != nil {
		m.t.Fatalf("mailpit raw %s: %v", id, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		m.t.Fatalf("mailpit raw %s: %d %v", id, resp.StatusCode, err)
	}
	return b
}

// Body is a stored message's text and HTML parts, decoded.
type Body struct {
	Text string
	HTML string
}

// Body returns the decoded parts of a stored message.
func (m *Mailpit) Body(id string) Body {
	m.t.Helper()
	var b Body
	m.get("/api/v1/message/"+id, &b)
	return b
}

func (m *Mailpit) get(path string, v any) {
	m.t.Helper()
	resp, err := http.Get(m.API + path)
	if err != nil {
		m.t.Fatalf("mailpit API %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		m.t.Fatalf("mailpit API %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		m.t.Fatalf("mailpit API %s: %v", path, err)
	}
}
