package http

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"time"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves the console's style sheet and its vendored script
// from the binary (users run leakdesk in closed networks: no CDN). Each
// URL carries the file's content hash, so that browsers may keep it for
// a year and still get a new release's file at once.
type staticFiles struct {
	files  fs.FS
	hashes map[string]string // file name -> first 16 hex digits of its SHA-256
}

func newStaticFiles() (*staticFiles, error) {
	files, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	s := &staticFiles{files: files, hashes: map[string]string{}}
	err = fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		s.hashes[name] = hex.EncodeToString(sum[:8])
		return nil
	})
	return s, err
}

// url is a static file's address with its content hash, for the views.
func (s *staticFiles) url(name string) string {
	return "/static/" + name + "?v=" + s.hashes[name]
}

// handler serves GET /static/{name}.
func (s *staticFiles) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := path.Clean(r.PathValue("name"))
		hash, ok := s.hashes[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := fs.ReadFile(s.files, name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == hash {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache") // an old or missing hash: check each time
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("ETag", `"`+hash+`"`)
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	})
}
