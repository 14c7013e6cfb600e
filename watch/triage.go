package watch

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// TriageConfig says what a file is matched against and when it alerts.
type TriageConfig struct {
	Registry string       // the registry file
	Read     dump.Options // how files are read
	// AlertMin is how many registry contacts a file must hold to raise an
	// alert; below it the file is recorded and nobody is told.
	AlertMin int
	// RecycledMin is the share of a file's e-mails and phones that must be
	// in one earlier file for it to be called recycled (0.8 if zero).
	RecycledMin float64
	Channels    []string // alert channels: ChannelMail, ChannelWebhook

	proposals Proposals // set by NewDesk
}

// TriageWorker reads and matches a file taken in, finds whether it is
// recycled, and raises alerts. The registry is loaded once, when the
// worker is made, so a file costs its own reading only.
type TriageWorker struct {
	river.WorkerDefaults[TriageArgs]

	triage  leakdesk.TriageService
	blobs   leakdesk.BlobStore
	cfg     TriageConfig
	reader  *dump.Reader
	n       *match.Normaliser
	scanner *match.Scanner
	// scans bounds the files read at once to the cores: each scan has
	// all the scanner's workers, and holds their blocks in memory.
	scans chan struct{}
	order *finishOrder
	log   *slog.Logger
	dist  *Distribution // nil: every file is triaged here
}

// orderLimit is how long a file waits for the files queued before it to
// finish, before it is compared with those that are done: longer than
// triage takes on a large file under load.
const orderLimit = 2 * time.Minute

// NewTriageWorker loads the registry and returns the worker.
func NewTriageWorker(ctx context.Context, triage leakdesk.TriageService, blobs leakdesk.BlobStore, cfg TriageConfig, log *slog.Logger) (*TriageWorker, error) {
	reader, err := dump.NewReader(cfg.Read)
	if err != nil {
		return nil, err
	}
	n := match.NewNormaliser(cmp.Or(cfg.Read.Region, "FR"))
	reg, err := match.LoadRegistry(ctx, reader, n, cfg.Registry, match.RegistryOptions{})
	if err != nil {
		return nil, err
	}
	cfg.RecycledMin = cmp.Or(cfg.RecycledMin, 0.8)
	cfg.AlertMin = max(cfg.AlertMin, 1)
	scanner := match.NewScanner(reader, n, match.NewMatcher(reg, match.DefaultWeights()), max(cfg.Read.Workers, 2))
	return &TriageWorker{triage: triage, blobs: blobs, cfg: cfg, reader: reader, n: n, scanner: scanner,
		scans: make(chan struct{}, runtime.GOMAXPROCS(0)), order: newFinishOrder(orderLimit), log: log}, nil
}

// Work triages the file, unless an earlier run of the job already did.
func (w *TriageWorker) Work(ctx context.Context, job *river.Job[TriageArgs]) error {
	f, err := w.triage.FindTriage(ctx, job.Args.File)
	if err != nil {
		return err
	}
	if f.State != leakdesk.TriageQueued {
		return nil
	}
	w.order.queue(f.ID) // queued by another process, or before a restart
	defer w.order.finish(f.ID)
	alert, err := w.Triage(ctx, f)
	if start := (runStartError{}); errors.As(err, &start) && runStartIsFinal(start, job.JobRow) {
		w.failUnstarted(f, start)
		alert, err = false, nil
	}
	if err != nil {
		return err
	}
	var enqueue leakdesk.TriageEnqueueFunc
	if alert {
		client := river.ClientFromContext[*sql.Tx](ctx)
		enqueue = func(ctx context.Context, tx *sql.Tx, id int64) error {
			var jobs []river.InsertManyParams
			for _, c := range w.cfg.Channels {
				jobs = append(jobs, river.InsertManyParams{Args: AlertArgs{File: id, Channel: c}})
			}
			title := fmt.Sprintf("Leak alert: %d registry contacts in %s (from %s)", f.Contacts, f.Name, f.Source)
			jobs = append(jobs, w.cfg.proposals.proposal(alertKey(f), title, f.AlertedAt, f.FileTime, f.Actor)...)
			if len(jobs) == 0 {
				return nil
			}
			if _, err := client.InsertManyTx(ctx, tx, jobs); err != nil {
				return fmt.Errorf("enqueue the alert of file %d: %w", id, err)
			}
			return nil
		}
	}
	done, err := w.triage.CompleteTriage(ctx, f, enqueue)
	if err == nil && done {
		w.log.Info("file triaged", "file", f.ID, "state", f.State, "rows", f.Rows, "contacts", f.Contacts, "recycled_of", f.RecycledOf, "alert", alert)
	}
	return err
}

// runStartIsFinal reports whether a file whose run could not start is
// failed rather than tried again: at once when what was kept fails its
// check, which no retry fixes, and on job's last attempt otherwise.
func runStartIsFinal(err runStartError, job *rivertype.JobRow) bool {
	return leakdesk.ErrorCode(err) == leakdesk.EINTEGRITY || job.Attempt >= job.MaxAttempts
}

// failUnstarted completes f as failed, its run never started: what it
// holds is unknown, so it raises no alert; taken in again, it is queued
// again, as a file whose run failed is.
func (w *TriageWorker) failUnstarted(f *leakdesk.TriageFile, err runStartError) {
	f.State = leakdesk.TriageFailed
	f.Detail = fmt.Sprintf("not triaged: its match run could not be started (%s): %s; what it holds is unknown. Fix the cause, then take the file in again",
		leakdesk.ErrorCode(err), err)
	w.log.Warn("file not triaged: its match run could not be started", "file", f.ID, "code", leakdesk.ErrorCode(err))
}

// Triage reads and matches f, filling in its result, and says whether it
// calls for an alert: registry contacts at or above the threshold, in a
// file that is not mostly an earlier one.
func (w *TriageWorker) Triage(ctx context.Context, f *leakdesk.TriageFile) (alert bool, err error) {
	if w.dist.takes(f) {
		return w.triageDistributed(ctx, f)
	}
	src := match.Source{Name: f.Name, Open: func() (io.ReadCloser, error) { return w.blobs.Open(ctx, f.SHA256) }}
	// The sketch is built in the scan's own pass, one per scan worker, so
	// that the file is read and decrypted once.
	var sketches []*sketcher
	visitor := func(int) match.RowVisitor {
		s := newSketcher(w.n)
		sketches = append(sketches, s)
		return s.addRow
	}
	select {
	case w.scans <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	findings, err := w.scanner.ScanVisiting(ctx, []match.Source{src}, visitor)
	<-w.scans
	if err != nil {
		return false, fmt.Errorf("match file %d: %w", f.ID, err)
	}
	return w.conclude(ctx, f, findings, mergeSketches(sketches))
}

// conclude fills in f's result from what reading it found, and says
// whether it calls for an alert.
func (w *TriageWorker) conclude(ctx context.Context, f *leakdesk.TriageFile, findings *leakdesk.Findings, set RowSet) (alert bool, err error) {
	f.Rows, f.Contacts, f.State = findings.Rows, len(findings.Contacts), leakdesk.TriageDone
	if findings.Rows == 0 && len(findings.Unread) > 0 {
		f.State, f.Detail = leakdesk.TriageUnread, "nothing could be read: "+findings.Unread[0].Reason
		return false, nil
	}
	if set.Distinct > 0 {
		if f.RowSet, err = json.Marshal(set); err != nil {
			return false, err
		}
		if err := w.findRecycled(ctx, f, set); err != nil {
			return false, err
		}
	}
	switch {
	case f.RecycledOf != 0:
		f.Detail = fmt.Sprintf("recycled: %.0f %% of its e-mails and phones are in file %d; no new alert", 100*f.RecycledShare, f.RecycledOf)
		return false, nil
	case f.Contacts < w.cfg.AlertMin:
		return false, nil
	}
	return true, nil
}

// findRecycled names the earlier file that holds most of f's values, if
// it holds at least RecycledMin of them, once the earlier files triaged at
// the same time are done.
func (w *TriageWorker) findRecycled(ctx context.Context, f *leakdesk.TriageFile, set RowSet) error {
	if err := w.order.wait(ctx, f.ID); err != nil {
		return err
	}
	earlier, err := w.triage.TriagedBefore(ctx, f.ID)
	if err != nil {
		return err
	}
	for _, e := range earlier {
		var es RowSet
		if err := json.Unmarshal(e.RowSet, &es); err != nil {
			return fmt.Errorf("row set of file %d: %w", e.ID, err)
		}
		if c := Containment(set, es); c >= w.cfg.RecycledMin && c > f.RecycledShare {
			f.RecycledOf, f.RecycledShare = e.ID, c
		}
	}
	return nil
}
