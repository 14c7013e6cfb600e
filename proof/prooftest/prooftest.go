// Package prooftest runs what proof talks to, locally, for tests: an RFC
// 3161 timestamp authority with a certificate made for the test, and an
// HTTP witness that keeps what it receives.
package prooftest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/timestamp"

	"github.com/leakdesk/leakdesk"
)

// TSA is a local timestamp authority.
type TSA struct {
	URL      string
	Cert     *x509.Certificate
	CertFile string // the certificate as PEM, for LEAKDESK_TSA_CERT and openssl
	// Delay holds each answer back, so that a test can kill a client while
	// it waits. Set it before the first request.
	Delay time.Duration
	key   crypto.Signer
}

// NewTSA starts a timestamp authority named cn, stopped when the test ends.
func NewTSA(t testing.TB, cn string) *TSA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	tsa := &TSA{Cert: cert, key: key, CertFile: filepath.Join(t.TempDir(), "tsa.pem")}
	if err := os.WriteFile(tsa.CertFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(tsa.serve))
	t.Cleanup(srv.Close)
	tsa.URL = srv.URL
	return tsa
}

func (tsa *TSA) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(tsa.Delay)
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	resp, err := tsa.Respond(req.HashedMessage)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	w.Write(resp)
}

// Respond signs a response over a SHA-256 digest, as the server does.
func (tsa *TSA) Respond(digest []byte) ([]byte, error) {
	ts := &timestamp.Timestamp{
		HashAlgorithm: crypto.SHA256, HashedMessage: digest, Time: time.Now().UTC(),
		Policy: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 2, 3}, AddTSACertificate: true, Accuracy: time.Second,
	}
	return ts.CreateResponse(tsa.Cert, tsa.key)
}

// Token returns a bare token over digest.
func (tsa *TSA) Token(t testing.TB, digest []byte) []byte {
	t.Helper()
	resp, err := tsa.Respond(digest)
	if err != nil {
		t.Fatal(err)
	}
	ts, err := timestamp.ParseResponse(resp)
	if err != nil {
		t.Fatal(err)
	}
	return ts.RawToken
}

// Witness is an HTTP witness that keeps every checkpoint it receives.
type Witness struct {
	URL string
	mu  sync.Mutex
	got map[string][]*leakdesk.Checkpoint
}

// NewWitness starts a witness, stopped when the test ends.
func NewWitness(t testing.TB) *Witness {
	w := &Witness{got: map[string][]*leakdesk.Checkpoint{}}
	srv := httptest.NewServer(http.HandlerFunc(w.serve))
	t.Cleanup(srv.Close)
	w.URL = srv.URL + "/checkpoints"
	return w
}

func (w *Witness) serve(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch r.Method {
	case http.MethodPost:
		var cp leakdesk.Checkpoint
		if err := json.NewDecoder(r.Body).Decode(&cp); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		w.got[cp.Incident] = append(w.got[cp.Incident], &cp)
		rw.WriteHeader(http.StatusCreated)
	case http.MethodGet:
		list := w.got[r.URL.Query().Get("incident")]
		if list == nil {
			list = []*leakdesk.Checkpoint{}
		}
		json.NewEncoder(rw).Encode(list)
	default:
		http.Error(rw, "POST or GET", http.StatusMethodNotAllowed)
	}
}

// Received returns the checkpoints received for an incident.
func (w *Witness) Received(incident string) []*leakdesk.Checkpoint {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]*leakdesk.Checkpoint(nil), w.got[incident]...)
}
