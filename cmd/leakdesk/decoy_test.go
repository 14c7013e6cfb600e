package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wneessen/go-mail"
)

// TestDecoyMailRaisesAnAlarmNamingTheExport runs decoy-smtp, then serve
// --decoy-smtp, on the decoy domain of a fingerprinted export and sends
// it mail with go-mail and swaks: mail to the decoy raises one alarm
// naming the export and proposes one incident; mail to any other address
// is refused at RCPT; each stops cleanly on SIGINT.
func TestDecoyMailRaisesAnAlarmNamingTheExport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a real server")
	}
	bin := buildBinary(t)
	backends(t, func(t *testing.T, c *cli) {
		const domain = "vernier-conseil.fr"
		dir := t.TempDir()
		reg, exp := filepath.Join(dir, "registry.csv"), filepath.Join(dir, "team-1.csv")
		c.ok("sample", "--contacts-csv", reg, "--rows", "300", "--seed", "4")
		out := c.ok("export", "--registry", reg, "--recipient", "team-1", "--purpose", "test", "--out", exp,
			"--decoy-domain", domain, "--decoy-phone-range", "+3342299")
		exportID := strings.TrimSuffix(strings.Fields(out)[0], ":")
		decoyAddr := findDecoy(t, exp, "@"+domain)

		var mu sync.Mutex
		var alarms []struct {
			Kind    string
			Decoys  []string
			Exports []struct {
				ID string `json:"export_id"`
			}
		}
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			alarms = append(alarms, struct {
				Kind    string
				Decoys  []string
				Exports []struct {
					ID string `json:"export_id"`
				}
			}{})
			json.NewDecoder(r.Body).Decode(&alarms[len(alarms)-1])
		}))
		defer hook.Close()

		// decoy-smtp alone, and mounted in serve, which also takes calls.
		httpAddr := freeAddr(t)
		commands := []func(addr string) []string{
			func(addr string) []string { return []string{"decoy-smtp", "--addr", addr, "--domain", domain} },
			func(addr string) []string {
				return []string{"serve", "--addr", httpAddr, "--decoy-smtp", addr, "--decoy-domain", domain, "--webhook-token", "phone-system-token"}
			},
		}
		for i, command := range commands {
			func() {
				addr := freeAddr(t)
				cmd, stderr := startSender(t, bin, c.environ(), append(command(addr), "--webhook", hook.URL))
				stop := func() {
					cmd.Process.Signal(syscall.SIGINT)
					if err := cmd.Wait(); err != nil {
						t.Errorf("%s: %v\n%s", command(addr)[0], err, stderr)
					}
				}
				defer stop()
				waitListening(t, addr)

				host, port, _ := net.SplitHostPort(addr)
				send := func(to string) error {
					m := mail.NewMsg()
					m.From("seller@market.example")
					m.To(to)
					m.Subject("your data")
					m.SetBodyString(mail.TypeTextPlain, "we have your list")
					cl, err := mail.NewClient(host, mail.WithPort(atoi(port)), mail.WithTLSPolicy(mail.NoTLS), mail.WithHELO("market.example"))
					if err != nil {
						t.Fatal(err)
					}
					return cl.DialAndSend(m)
				}
				if err := send(decoyAddr); err != nil {
					t.Fatalf("mail to decoy %s refused: %v", decoyAddr, err)
				}
				if err := send("someone@" + domain); err == nil || !strings.Contains(err.Error(), "550") {
					t.Errorf("mail to a non-decoy address: %v, want refused with 550", err)
				}
				if swaks, err := exec.LookPath("swaks"); err == nil {
					out, err := exec.Command(swaks, "--server", addr, "--to", "nobody@"+domain, "--from", "x@market.example", "--quit-after", "RCPT").CombinedOutput()
					if err == nil || !strings.Contains(string(out), "<** 550") {
						t.Errorf("swaks to a non-decoy address was not refused with 550:\n%s", out)
					}
				}
				eventually(func() bool {
					mu.Lock()
					defer mu.Unlock()
					return len(alarms) > 0
				})
				time.Sleep(300 * time.Millisecond) // a second alarm would have come by now
				var proposed []struct{ ID, Title string }
				for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && len(proposed) <= i; time.Sleep(100 * time.Millisecond) {
					c.json(&proposed, "incident", "list", "--status", "proposed")
				}
				if len(proposed) != i+1 || !strings.Contains(proposed[0].Title, decoyAddr) {
					t.Errorf("after %d decoy mails, proposed incidents: %+v; want %d, naming the decoy", i+1, proposed, i+1)
				}
				if len(proposed) > 0 {
					checkAlarmEvidence(t, c, proposed[0].ID)
				}
				mu.Lock()
				defer mu.Unlock()
				defer func() { alarms = nil }()
				if len(alarms) != 1 || alarms[0].Kind != "mail" || len(alarms[0].Exports) == 0 || alarms[0].Exports[0].ID != exportID {
					t.Fatalf("alarms = %+v, want one naming %s", alarms, exportID)
				}
				if command(addr)[0] == "serve" {
					mu.Unlock()
					checkDecoyCall(t, "http://"+httpAddr, findDecoyPhone(t, exp, "+3342299"), exportID)
					mu.Lock()
				}
			}()
		}
	})
}

// checkAlarmEvidence checks that the incident a decoy mail proposed holds
// the message received as its one piece of evidence, read back whole.
func checkAlarmEvidence(t *testing.T, c *cli, incident string) {
	t.Helper()
	var held []struct{ SHA256, Source string }
	c.json(&held, "evidence", "list", incident)
	if len(held) != 1 || held[0].Source != "decoy mail server" {
		t.Fatalf("evidence of %s: %+v, want the decoy mail", incident, held)
	}
	out := filepath.Join(t.TempDir(), "mail.eml")
	c.ok("evidence", "get", incident, held[0].SHA256[:12], "--out", out, "--purpose", "read the seller's mail")
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "we have your list") {
		t.Errorf("the evidence of %s reads %q (%v), want the message received", incident, b, err)
	}
}

// checkDecoyCall posts a phone system's report of a call to a decoy
// number to serve: a wrong token is refused, and the call raises an alarm
// naming the export that carried the number.
func checkDecoyCall(t *testing.T, base, number, exportID string) {
	t.Helper()
	post := func(token string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/decoy-calls", strings.NewReader(`[{"to": "`+number+`", "from": "+15550100"}]`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	if res := post("a guess"); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("a call report with a wrong token: %d, want 401", res.StatusCode)
	}
	res := post("phone-system-token")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), exportID) {
		t.Errorf("a call to decoy %s: %d %s, want an alarm naming %s", number, res.StatusCode, body, exportID)
	}
}

// findDecoyPhone returns the first phone number of an export in the
// decoy range prefix.
func findDecoyPhone(t *testing.T, path, prefix string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[0-9]+`).Find(b); m != nil {
		return string(m)
	}
	t.Fatalf("no decoy number in %s", path)
	return ""
}

// findDecoy returns the first address at suffix in an export.
func findDecoy(t *testing.T, path, suffix string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.Index(strings.ToLower(line), suffix); i > 0 {
			start := strings.LastIndexAny(line[:i], ",\"") + 1
			return line[start : i+len(suffix)]
		}
	}
	t.Fatalf("no decoy in %s", path)
	return ""
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitListening(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("nothing listens on %s", addr)
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

// eventually waits until ok, for 20 seconds at most; the caller then
// checks what it waited for.
func eventually(ok func() bool) {
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !ok(); time.Sleep(100 * time.Millisecond) {
	}
}
