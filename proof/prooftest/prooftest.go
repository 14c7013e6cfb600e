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

// timeStampingOnly is the DER of an extended key usage that lists only
// id-kp-timeStamping.
var timeStampingOnly = []byte{0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x08}

// TSA is a local timestamp authority: a root certificate, which tokens
// chain to, and the signing certificate it issued.
type TSA struct {
	URL      string
	Cert     *x509.Certificate // the root, to trust
	CertFile string            // the root as PEM, for LEAKDESK_TSA_CERT and openssl
	// Delay holds each answer back, so that a test can kill a client while
	// it waits. Set it before the first request.
	Delay     time.Duration
	signer    *x509.Certificate
	signerKey crypto.Signer
}

// NewTSA starts a timestamp authority named cn, stopped when the test ends.
func NewTSA(t testing.TB, cn string) *TSA {
	t.Helper()
	root, rootKey := newCertificate(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: cn + " root"}, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}, nil, nil)
	// RFC 3161 wants the signer's extended key usage to be time-stamping
	// alone, and critical, which openssl ts -verify insists on; Go writes
	// ExtKeyUsage non-critical, so it is written by hand.
	signer, signerKey := newCertificate(t, &x509.Certificate{
		Subject: pkix.Name{CommonName: cn}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: timeStampingOnly}},
	}, root, rootKey)
	tsa := &TSA{Cert: root, signer: signer, signerKey: signerKey, CertFile: filepath.Join(t.TempDir(), "tsa.pem")}
	if err := os.WriteFile(tsa.CertFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(tsa.serve))
	t.Cleanup(srv.Close)
	tsa.URL = srv.URL
	return tsa
}

// newCertificate makes a certificate from tmpl, issued by parent, or
// self-signed when parent is nil.
func newCertificate(t testing.TB, tmpl, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, crypto.Signer) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = serial, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert, key
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
	return ts.CreateResponse(tsa.signer, tsa.signerKey)
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
