package http

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/watch"
)

// hashingIntake keeps the hash of what it is given: the parser under test
// is the handler's, and the real intake is tested end to end in
// cmd/leakdesk (TestIntakeAPI).
type hashingIntake struct{ got []byte }

func (h *hashingIntake) Take(_ context.Context, r io.Reader, source, url string, p leakdesk.Principal) (*watch.Received, error) {
	hash := sha256.New()
	if _, err := io.Copy(hash, r); err != nil {
		return nil, err
	}
	h.got = hash.Sum(nil)
	return &watch.Received{File: &leakdesk.TriageFile{ID: 1, SHA256: hex.EncodeToString(h.got), Name: "f", Source: source, URL: url}}, nil
}

func (h *hashingIntake) Find(context.Context, int64) (*leakdesk.TriageFile, error) {
	return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "none")
}

// FuzzIntakeUpload sends the intake any body: it answers 202 with the
// file it was given, whole, or a 400 with a message, and never more than
// its limit is read.
func FuzzIntakeUpload(f *testing.F) {
	valid := func(source, content string) []byte {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.SetBoundary("fuzzboundary")
		mw.WriteField("source", source)
		mw.WriteField("url", "https://paste.example/x")
		fw, _ := mw.CreateFormFile("file", "x.csv")
		fw.Write([]byte(content))
		mw.Close()
		return b.Bytes()
	}
	f.Add(valid("feed", "email\na@example.org\n"))
	f.Add(valid("", "x"))
	f.Add([]byte("--fuzzboundary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc\r\n--fuzzboundary--\r\n"))
	f.Add([]byte("not multipart"))
	intake := &hashingIntake{}
	s, err := newServer(Config{Intake: intake, IntakeMaxBytes: 4096})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		intake.got = nil
		req := httptest.NewRequest(http.MethodPost, "/api/v1/intake", bytes.NewReader(body))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=fuzzboundary")
		req = req.WithContext(withPrincipal(req.Context(), &leakdesk.Principal{Kind: leakdesk.PrincipalLocal, Name: "fuzz"}))
		rec := httptest.NewRecorder()
		s.handleIntake().ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusAccepted:
			if intake.got == nil || len(body) > 4096 {
				t.Fatalf("202 for a body of %d bytes, the file hashed: %v", len(body), intake.got != nil)
			}
		case http.StatusBadRequest:
			if !bytes.Contains(rec.Body.Bytes(), []byte(`"message"`)) {
				t.Fatalf("400 without a message: %s", rec.Body)
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}
