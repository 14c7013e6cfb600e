package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// demo --serve runs the demo, then keeps the console up: it prints the
// address and how to log in, and a demo account logs in with what it
// printed and reads the demo's incident and its review queue.
func TestDemoServe(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--seed", "3", "--serve", "--addr", "127.0.0.1:0"}, func(k string) string { return c.env[k] }, strings.NewReader(""), &stdout, &stderr)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo --serve stopped with %v", err)
		}
	})
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(3 * time.Minute); base == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("demo --serve ended before serving: %v\n%s", err, stderr.String())
		default:
		}
		if m := listening.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("demo --serve did not print where it listens:\n%s\n%s", stdout.String(), stderr.String())
	}
	out := stdout.String()
	password := regexp.MustCompile(`all with the password (\S+)`).FindStringSubmatch(out)
	if password == nil || !strings.Contains(out, "log in as demo-lead") {
		t.Fatalf("demo --serve does not say how to log in:\n%s", out)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Jar: jar}
	res, err := client.PostForm(base+"/login", url.Values{"name": {"demo-lead"}, "password": {password[1]}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for path, want := range map[string]string{"/console/": "INC-0001", "/console/incidents/INC-0001/review": "Run the match on all evidence",
		"/console/incidents/INC-0001/notifications": "first-notice"} {
		res, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Fatalf("%s as demo-lead: %d, without %q:\n%s", path, res.StatusCode, want, body)
		}
	}
}
