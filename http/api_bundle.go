package http

import (
	"io"
	"net/http"
	"os"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/proof"
)

// maxBundleUpload bounds an uploaded bundle; one with its evidence may be
// large, and is spooled to disk, not held in memory.
const maxBundleUpload = 1 << 30

// handleBundleVerify checks the bundle of the body (a zip), as "bundle
// verify" does offline, and answers its report. Like the command without
// --public-key, it takes the key in the bundle: the report's key_id says
// which key that is, to compare with the one the organisation publishes.
func (s *server) handleBundleVerify() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rep, err := s.verifyBundle(w, r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		encode(w, http.StatusOK, rep)
	})
}

func (s *server) verifyBundle(w http.ResponseWriter, r *http.Request) (*proof.BundleReport, error) {
	dir, err := s.cfg.SpoolDir()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "bundle-*.zip")
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "no room to receive the bundle: %v", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	size, err := io.Copy(f, http.MaxBytesReader(w, r.Body, maxBundleUpload))
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the bundle cannot be received: %v", err)
	}
	return proof.VerifyBundleAt(r.Context(), f, size, "the body", proof.BundleCheck{})
}
