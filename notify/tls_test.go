package notify_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
	"github.com/leakdesk/leakdesk/notify/notifytest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths: the certificate is its own authority.
func selfSigned(t *testing.T) (cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return cert, key
}

// TestSMTPWithSTARTTLSAndLogin sends through a server that requires
// STARTTLS and a login, as a real relay does, and checks the failures a
// responder must be told about before a campaign starts.
func TestSMTPWithSTARTTLSAndLogin(t *testing.T) {
	cert, key := selfSigned(t)
	sum := sha1.Sum([]byte("s3cret-pw"))
	passwords := filepath.Join(t.TempDir(), "passwords")
	os.WriteFile(passwords, []byte("mailer:{SHA}"+base64.StdEncoding.EncodeToString(sum[:])+"\n"), 0o600)
	mp := notifytest.Start(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, "--smtp-require-starttls", "--smtp-auth-file", passwords)
	ctx := context.Background()
	dialer := func(url string) *notify.SMTPDialer {
		t.Helper()
		c, err := notify.ParseSMTPURL(url)
		if err != nil {
			t.Fatal(err)
		}
		return notify.NewSMTPDialer(c)
	}
	good := dialer("smtp://mailer:s3cret-pw@" + mp.SMTP + "?tls=required&timeout=3s&ca=" + cert)
	if err := good.Check(ctx); err != nil {
		t.Fatalf("STARTTLS and login: %v", err)
	}
	s, err := good.Dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	msg := &notify.Message{ID: "<tls-test@acme.example>", Key: "INC-0001/n1/x", From: notify.From{Name: "Acme", Address: "dpo@acme.example"},
		To: "someone@customer.example", Lang: "en", Incident: "INC-0001", Notice: 1, Date: time.Now(),
		Rendered: &notify.Rendered{Subject: "Test", Text: "Hello", HTML: "<p>Hello</p>"}}
	if err := s.Send(ctx, msg, nil); err != nil {
		t.Fatalf("send over TLS: %v", err)
	}
	if got := mp.Messages(); len(got) != 1 || got[0].MessageID != "tls-test@acme.example" {
		t.Fatalf("mailpit holds %+v", got)
	}

	err = dialer("smtp://mailer:wrong-pw@" + mp.SMTP + "?tls=required&timeout=3s&ca=" + cert).Check(ctx)
	if leakdesk.ErrorCode(err) != leakdesk.EUNAUTHORIZED || strings.Contains(err.Error(), "wrong-pw") {
		t.Fatalf("wrong password: %v, want EUNAUTHORIZED without the password", err)
	}
	// Without the authority, the server's certificate is not trusted.
	if err := dialer("smtp://mailer:s3cret-pw@" + mp.SMTP + "?tls=required&timeout=3s").Check(ctx); leakdesk.ErrorCode(err) != leakdesk.EUNAVAILABLE {
		t.Fatalf("untrusted certificate: %v, want EUNAVAILABLE", err)
	}
	if err := dialer("smtp://mailer:s3cret-pw@" + mp.SMTP + "?tls=none&timeout=3s").Check(ctx); err == nil {
		t.Fatalf("a server that requires STARTTLS accepted a plain session")
	}
}
