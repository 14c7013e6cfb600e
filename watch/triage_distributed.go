package watch

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
)

// Distribution hands the intake's large files to the workers of
// distributed matching (leakdesk worker), as match --distribute does: a
// file is cut into pieces, each piece's partial findings carry its
// row-set sketch (RowSetSummary), and the triage is completed from the
// merged findings and the merged sketch, once the run is merged.
type Distribution struct {
	Distributor *match.Distributor
	Runs        leakdesk.MatchRunService
	// Enqueue enqueues a piece's job (match.Queue.EnqueuePiece) in the
	// transaction that records the run.
	Enqueue leakdesk.MatchEnqueueFunc
	// MinSize is the size from which a file is triaged in pieces;
	// smaller files are triaged in this process.
	MinSize   int64
	PieceSize int64
	// Dir is where a file is written, decrypted, for the workers to read
	// its pieces: the same path on every worker's machine. It is removed
	// once the run is merged.
	Dir string
	// Poll is how often the triage job looks whether its run is merged (a
	// second if zero).
	Poll time.Duration
}

// takes reports whether f is triaged in pieces.
func (d *Distribution) takes(f *leakdesk.TriageFile) bool {
	return d != nil && f.Size >= d.MinSize
}

// triageDistributed triages f in pieces: it starts the run once (keyed
// by the file, so that the job worked again after a crash finds it),
// snoozes until the run is merged, then judges f from the merged
// findings and sketch as Triage does from one scan.
func (w *TriageWorker) triageDistributed(ctx context.Context, f *leakdesk.TriageFile) (alert bool, err error) {
	d := w.dist
	key := fmt.Sprintf("triage-%d", f.ID)
	run, err := d.Runs.FindMatchRunByKey(ctx, key)
	if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
		run, err = w.startRun(ctx, f, key)
	}
	if err != nil {
		return false, err
	}
	if run.MergedAt.IsZero() {
		return false, river.JobSnooze(cmp.Or(d.Poll, time.Second))
	}
	if err := os.Remove(d.spoolPath(f)); err != nil && !os.IsNotExist(err) {
		w.log.Warn("spooled file not removed", "file", f.ID, "error", err)
	}
	if run.Findings == nil {
		return false, fmt.Errorf("match run %d of file %d is merged without findings", run.ID, f.ID)
	}
	summaries, err := d.Distributor.Summaries(ctx, run.ID)
	if err != nil {
		return false, err
	}
	set, err := mergeSketchStates(w.n, summaries)
	if err != nil {
		return false, fmt.Errorf("file %d, match run %d: %w", f.ID, run.ID, err)
	}
	w.log.Info("file matched in pieces", "file", f.ID, "run", run.ID, "pieces", run.Pieces)
	return w.conclude(ctx, f, run.Findings, set)
}

// startRun writes f, decrypted, where the workers read it, and starts
// its run, cut into pieces.
func (w *TriageWorker) startRun(ctx context.Context, f *leakdesk.TriageFile, key string) (*leakdesk.MatchRun, error) {
	d := w.dist
	path, err := w.spool(ctx, f)
	if err != nil {
		return nil, err
	}
	registry, err := filepath.Abs(w.cfg.Registry)
	if err != nil {
		return nil, err
	}
	r := match.Request{Registry: registry, Leaks: match.Files(path), Read: w.cfg.Read, Actor: f.Actor}
	run, err := d.Distributor.StartWith(ctx, r, match.RunOptions{PieceSize: d.PieceSize, Key: key, Summary: RowSetSummary}, d.Enqueue)
	if err != nil {
		return nil, fmt.Errorf("match file %d in pieces: %w", f.ID, err)
	}
	return run, nil
}

// spoolPath is where f is written for the workers: named by its content.
func (d *Distribution) spoolPath(f *leakdesk.TriageFile) string {
	return filepath.Join(d.Dir, f.SHA256)
}

// spool writes f's content from the vault to its spool path, unless an
// earlier run of the job did: the file appears there only once whole.
func (w *TriageWorker) spool(ctx context.Context, f *leakdesk.TriageFile) (string, error) {
	path := w.dist.spoolPath(f)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(w.dist.Dir, 0o700); err != nil {
		return "", fmt.Errorf("directory of files matched in pieces: %w", err)
	}
	// A copy cut short by a crash is removed: a job still writing one
	// would then fail to rename it, and find the whole file when worked
	// again.
	stale, _ := filepath.Glob(filepath.Join(w.dist.Dir, f.SHA256+".*.part"))
	for _, p := range stale {
		os.Remove(p)
	}
	tmp, err := os.CreateTemp(w.dist.Dir, f.SHA256+".*.part")
	if err != nil {
		return "", fmt.Errorf("spool file %d: %w", f.ID, err)
	}
	defer os.Remove(tmp.Name()) // once renamed, nothing is left to remove
	err = copyBlob(ctx, w.blobs, f.SHA256, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return "", fmt.Errorf("spool file %d: %w", f.ID, err)
	}
	return path, nil
}

// copyBlob copies the content at sha256 to dst and syncs it.
func copyBlob(ctx context.Context, blobs leakdesk.BlobStore, sha256 string, dst *os.File) error {
	rc, err := blobs.Open(ctx, sha256)
	if err != nil {
		return err
	}
	defer rc.Close()
	if _, err := io.Copy(dst, rc); err != nil {
		return err
	}
	return dst.Sync()
}
