package proof

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"

	"github.com/leakdesk/leakdesk"
)

// TSA asks an RFC 3161 timestamp authority to vouch for the time of a
// checkpoint. github.com/digitorus/timestamp encodes the request and
// parses the token, the same code sigstore's timestamp-authority uses.
type TSA struct {
	URL    string
	Client *http.Client
}

// Stamp returns a timestamp token over the SHA-256 of msg.
func (t *TSA) Stamp(ctx context.Context, msg []byte) ([]byte, error) {
	query, err := timestamp.CreateRequest(bytes.NewReader(msg), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true})
	if err != nil {
		return nil, fmt.Errorf("timestamp request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(query))
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "timestamp authority URL: %v", err)
	}
	req.Header.Set("Content-Type", "application/timestamp-query")
	client := t.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "timestamp authority: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "timestamp authority answered %s %v", resp.Status, err)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "timestamp authority sent an unusable response: %v", err)
	}
	if _, err := CheckToken(ts.RawToken, msg, nil); err != nil {
		return nil, err
	}
	return ts.RawToken, nil
}

// CheckToken verifies that token is a validly signed RFC 3161 token over
// the SHA-256 of msg and returns the time it vouches for. With trusted
// set, the token must be signed by that certificate or by one it issued;
// without it, any signer passes, which proves nothing against someone who
// can run their own authority.
func CheckToken(token, msg []byte, trusted *x509.Certificate) (time.Time, error) {
	ts, err := timestamp.Parse(token)
	if err != nil {
		return time.Time{}, leakdesk.Errorf(leakdesk.EINTEGRITY, "the timestamp token is not validly signed: %v", err)
	}
	sum := sha256.Sum256(msg)
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, sum[:]) {
		return time.Time{}, leakdesk.Errorf(leakdesk.EINTEGRITY, "the timestamp token is for another message")
	}
	// Parse checked the signature with the certificate the token carries;
	// whether that signer deserves trust is the question asked here.
	p7, err := pkcs7.Parse(token)
	signer := (*x509.Certificate)(nil)
	if err == nil {
		signer = p7.GetOnlySigner()
	}
	if signer == nil {
		return time.Time{}, leakdesk.Errorf(leakdesk.EINTEGRITY, "the timestamp token carries no signer certificate to check its signature")
	}
	if trusted != nil && !signer.Equal(trusted) && signer.CheckSignatureFrom(trusted) != nil {
		return time.Time{}, leakdesk.Errorf(leakdesk.EINTEGRITY, "the timestamp token is signed by %q, not by the trusted authority %q",
			signer.Subject.String(), trusted.Subject.String())
	}
	return ts.Time, nil
}
