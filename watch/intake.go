package watch

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Intake takes files into the triage area: each is kept as evidence in
// the vault and recorded with its triage job, once per content.
type Intake struct {
	triage leakdesk.TriageService
	blobs  leakdesk.BlobStore
	queue  *Queue
	log    *slog.Logger
}

// NewIntake returns an intake that keeps files in blobs and records them
// in triage, with their jobs on queue.
func NewIntake(triage leakdesk.TriageService, blobs leakdesk.BlobStore, queue *Queue, log *slog.Logger) *Intake {
	return &Intake{triage: triage, blobs: blobs, queue: queue, log: log}
}

// Received is what became of a file taken in.
type Received struct {
	File *leakdesk.TriageFile `json:"file"`
	Seen bool                 `json:"seen"` // the same content was taken in before: nothing is done again
}

// String says what became of the file, for people.
func (r *Received) String() string {
	f := r.File
	if r.Seen {
		return fmt.Sprintf("%s: seen on %s as file %d (%s)", f.Name, f.ReceivedAt.Format(time.DateTime+" MST"), f.ID, f.State)
	}
	return fmt.Sprintf("%s: taken in as file %d, queued for triage", f.Name, f.ID)
}

// Take takes in a file posted to the intake API, with the source and URL
// a threat-intelligence feed gives it, on behalf of p.
func (in *Intake) Take(ctx context.Context, r io.Reader, source, url string, p leakdesk.Principal) (*Received, error) {
	name := path.Base(url)
	if url == "" || name == "/" || name == "." {
		name = "posted file"
	}
	return in.take(ctx, r, &leakdesk.TriageFile{Name: name, Source: source, URL: url, Actor: p.String()})
}

// take stores r's content as evidence, then records f for triage unless
// the content is known. The vault keeps a content once however often it
// is stored, so a file taken in twice, or again after a crash between the
// two steps, costs one hash and one lookup.
func (in *Intake) take(ctx context.Context, r io.Reader, f *leakdesk.TriageFile) (*Received, error) {
	if f.Source == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "a file taken in needs its source")
	}
	blob, err := in.blobs.Put(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("keep %s as evidence: %w", f.Name, err)
	}
	f.SHA256, f.Size = blob.SHA256, blob.Size
	rec, created, err := in.triage.ReceiveTriage(ctx, f, in.queue.EnqueueTriage)
	if err != nil {
		return nil, err
	}
	in.log.Info("file taken in", "file", rec.ID, "sha256", rec.SHA256, "source", f.Source, "seen", !created)
	return &Received{File: rec, Seen: !created}, nil
}

// Find returns a file taken in, with its triage result.
func (in *Intake) Find(ctx context.Context, id int64) (*leakdesk.TriageFile, error) {
	return in.triage.FindTriage(ctx, id)
}
