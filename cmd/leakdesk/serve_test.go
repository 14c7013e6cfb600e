package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestServeAPI starts leakdesk serve over TLS, with an account made by
// user add, and calls the API with its token and with a login session.
func TestServeAPI(t *testing.T) {
	backends(t, func(t *testing.T, c *cli) {
		c.ok("incident", "new", "--title", "a leak on a forum")
		if _, errOut, code := c.runIn("a long password here\n", "user", "add", "ana", "--role", "lead", "--password-stdin"); code != 0 {
			t.Fatalf("user add: %d %s", code, errOut)
		}
		var tok struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		c.json(&tok, "user", "token", "ana", "--expires", "1h")

		cert, key, pool := selfSignedCertificate(t)
		jar, err := cookiejar.New(nil)
		if err != nil {
			t.Fatal(err)
		}
		client := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		base := serveWith(t, c, client, "--tls-cert", cert, "--tls-key", key)
		if !strings.HasPrefix(base, "https://") {
			t.Fatalf("serve with --tls-cert prints %s", base)
		}

		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/incidents/INC-0001/notes", strings.NewReader(`{"text": "called the host"}`))
		req.Header.Set("Authorization", "Bearer "+tok.Secret)
		var ev leakdesk.Event
		callJSON(t, client, req, http.StatusOK, &ev)
		if want := "token:" + jsonNumber(tok.ID) + " (ana)"; ev.Actor != want {
			t.Errorf("the note names %q, want %q", ev.Actor, want)
		}

		res, err := client.PostForm(base+"/login", url.Values{"name": {"ana"}, "password": {"a long password here"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		u, _ := url.Parse(base)
		if cookies := jar.Cookies(u); len(cookies) != 1 {
			t.Fatalf("after login the client holds cookies %v", cookies)
		}
		req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/incidents", nil)
		var list []struct{ ID string }
		callJSON(t, client, req, http.StatusOK, &list)
		if len(list) != 1 || list[0].ID != "INC-0001" {
			t.Errorf("incidents through the session: %+v", list)
		}

		var events []leakdesk.Event
		c.json(&events, "incident", "log", "1")
		if last := events[len(events)-1]; last.Kind != leakdesk.EventNote || last.Actor != ev.Actor {
			t.Errorf("incident log ends with %s by %s", last.Kind, last.Actor)
		}
	})
}

// callJSON sends req and decodes the answer, which must have status want.
func callJSON(t *testing.T, client *http.Client, req *http.Request, want int, v any) {
	t.Helper()
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d", req.Method, req.URL.Path, res.StatusCode, want)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
}

func jsonNumber(n int64) string { return strconv.FormatInt(n, 10) }

// selfSignedCertificate writes a certificate for 127.0.0.1 and its key,
// and returns their paths and a pool that trusts it.
func selfSignedCertificate(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "leakdesk test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
