package proof

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Witness keeps copies of checkpoints outside the database, where whoever
// can edit the database cannot reach them.
type Witness interface {
	// Publish hands cp to the witness. Publishing the same checkpoint twice
	// is not an error.
	Publish(ctx context.Context, cp *leakdesk.Checkpoint) error
	// Checkpoints returns what the witness holds for an incident, by size.
	Checkpoints(ctx context.Context, incident string) ([]*leakdesk.Checkpoint, error)
	String() string
}

// ParseWitness reads LEAKDESK_WITNESS: "dir:/path" or a plain path for a
// directory, "http://" or "https://" for an endpoint.
func ParseWitness(spec string, client *http.Client) (Witness, error) {
	switch {
	case strings.HasPrefix(spec, "https://"), strings.HasPrefix(spec, "http://"):
		if _, err := url.Parse(spec); err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid witness URL: %v", err)
		}
		return &HTTPWitness{URL: spec, Client: client}, nil
	case strings.TrimSpace(spec) == "":
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "no witness given: want dir:/path or https://…")
	default:
		return &DirWitness{Dir: strings.TrimPrefix(spec, "dir:")}, nil
	}
}

// DirWitness writes each checkpoint once to DIR/INC-0001/<size>.json and
// never overwrites one: it suits a write-once or append-only mount.
type DirWitness struct{ Dir string }

func (w *DirWitness) String() string { return "dir:" + w.Dir }

func (w *DirWitness) Publish(ctx context.Context, cp *leakdesk.Checkpoint) error {
	dir := filepath.Join(w.Dir, cp.Incident)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "witness %s: %v", w, err)
	}
	data, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%020d.json", cp.Size))
	if old, err := os.ReadFile(path); err == nil {
		if bytes.Equal(old, data) {
			return nil
		}
		return leakdesk.Errorf(leakdesk.ECONFLICT, "witness %s already holds a different checkpoint of %s at %d events: the log forked", w, cp.Incident, cp.Size)
	}
	// Written under a temporary name and linked into place, so that a crash
	// never leaves a partial checkpoint under the real name.
	tmp, err := os.CreateTemp(dir, ".checkpoint-*")
	if err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "witness %s: %v", w, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), path)
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "witness %s: %v", w, err)
	}
	return nil
}

func (w *DirWitness) Checkpoints(ctx context.Context, incident string) ([]*leakdesk.Checkpoint, error) {
	entries, err := os.ReadDir(filepath.Join(w.Dir, incident))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "witness %s: %v", w, err)
	}
	var list []*leakdesk.Checkpoint
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(w.Dir, incident, e.Name()))
		if err != nil {
			return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "witness %s: %v", w, err)
		}
		var cp leakdesk.Checkpoint
		if err := json.Unmarshal(data, &cp); err != nil {
			return nil, leakdesk.Errorf(leakdesk.EINTEGRITY, "witness %s: %s is not a checkpoint: %v", w, e.Name(), err)
		}
		list = append(list, &cp)
	}
	return sortBySize(list), nil
}

func sortBySize(list []*leakdesk.Checkpoint) []*leakdesk.Checkpoint {
	slices.SortFunc(list, func(a, b *leakdesk.Checkpoint) int { return cmp.Compare(a.Size, b.Size) })
	return list
}

// HTTPWitness speaks to an endpoint the organisation runs: POST URL with a
// checkpoint as JSON stores it (any 2xx status), and GET URL?incident=ID
// returns the JSON array of the checkpoints it holds for that incident.
type HTTPWitness struct {
	URL    string
	Client *http.Client
}

func (w *HTTPWitness) String() string {
	if u, err := url.Parse(w.URL); err == nil {
		return u.Redacted()
	}
	return "(unparsable witness URL)"
}

func (w *HTTPWitness) Publish(ctx context.Context, cp *leakdesk.Checkpoint) error {
	data, err := json.Marshal(cp)
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(data))
	if err != nil {
		return leakdesk.Errorf(leakdesk.EINVALID, "witness %s: %v", w, err)
	}
	req.Header.Set("Content-Type", "application/json")
	_, err = w.do(req)
	return err
}

func (w *HTTPWitness) Checkpoints(ctx context.Context, incident string) ([]*leakdesk.Checkpoint, error) {
	u, err := url.Parse(w.URL)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "witness %s: %v", w, err)
	}
	q := u.Query()
	q.Set("incident", incident)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "witness %s: %v", w, err)
	}
	body, err := w.do(req)
	if err != nil {
		return nil, err
	}
	var list []*leakdesk.Checkpoint
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINTEGRITY, "witness %s did not answer a list of checkpoints: %v", w, err)
	}
	return sortBySize(list), nil
}

func (w *HTTPWitness) do(req *http.Request) ([]byte, error) {
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "witness %s: %v", w, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "witness %s: %v", w, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "witness %s answered %s", w, resp.Status)
	}
	return body, nil
}
