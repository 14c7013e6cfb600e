package watch

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/leakdesk/leakdesk"
)

// TakenDir is the subdirectory of a drop directory that files are moved
// to once they are kept as evidence and queued.
const TakenDir = ".taken"

// DropDirs watches drop directories and takes in each file once it is
// complete: when its size and modification time have not changed for the
// settle time. A file renamed into the directory is seen the same way,
// so writers may write elsewhere and rename, or write in place; names
// starting with "." or ending in ".part", ".partial" or ".tmp" are left
// alone until renamed.
//
// A taken file is moved to TakenDir. A crash between its intake and the
// move leaves it in place: the next start takes it in again, and the
// intake, which knows its content, does nothing new.
type DropDirs struct {
	intake *Intake
	dirs   []string
	settle time.Duration
	actor  leakdesk.Principal
	log    *slog.Logger
	// Taken, if set, is called after each file is taken in, on Run's
	// goroutine.
	Taken func(path string, r *Received)
}

// NewDropDirs returns a watcher of dirs.
func NewDropDirs(intake *Intake, dirs []string, settle time.Duration, actor leakdesk.Principal, log *slog.Logger) *DropDirs {
	return &DropDirs{intake: intake, dirs: dirs, settle: settle, actor: actor, log: log}
}

type pendingFile struct {
	size  int64
	mtime time.Time
	since time.Time // since when size and mtime are unchanged
}

// takeResult is what became of a file taken in on its own goroutine.
type takeResult struct {
	path string
	rec  *Received
	err  error
}

// Run watches until ctx is cancelled. Files already in the directories
// are taken in first, so that none dropped while leakdesk was down is
// missed. Settled files are taken in at once, one per core: keeping a
// file as evidence hashes, encrypts and syncs it, and a drop of many
// files would otherwise wait on each in turn.
func (d *DropDirs) Run(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch drop directories: %w", err)
	}
	defer w.Close()
	pending := map[string]*pendingFile{}
	for _, dir := range d.dirs {
		if err := os.MkdirAll(filepath.Join(dir, TakenDir), 0o700); err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "drop directory %s cannot be used: %v", dir, err)
		}
		if err := w.Add(dir); err != nil {
			return leakdesk.Errorf(leakdesk.EINVALID, "drop directory %s cannot be watched: %v", dir, err)
		}
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("scan drop directory %s: %w", dir, err)
		}
		for _, e := range entries {
			pending[filepath.Join(dir, e.Name())] = nil
		}
	}
	tick := time.NewTicker(max(d.settle/4, 10*time.Millisecond))
	defer tick.Stop()
	taking := map[string]bool{} // files being taken in
	results := make(chan takeResult)
	// Files being taken in finish before Run returns, so that none is left
	// half taken by this run.
	defer func() {
		for range taking {
			<-results
		}
	}()
	slots := runtime.GOMAXPROCS(0)
	for {
		select {
		case <-ctx.Done():
			return nil
		case r := <-results:
			delete(taking, r.path)
			if r.err != nil {
				return r.err
			}
			if d.Taken != nil {
				d.Taken(r.path, r.rec)
			}
		case err := <-w.Errors:
			// An overflow loses events: scan again rather than miss a file.
			d.log.Warn("drop directory events lost; rescanning", "error", err)
			for _, dir := range d.dirs {
				entries, _ := os.ReadDir(dir)
				for _, e := range entries {
					pending[filepath.Join(dir, e.Name())] = nil
				}
			}
		case ev := <-w.Events:
			if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) {
				pending[ev.Name] = nil
			}
		case now := <-tick.C:
			for path, p := range pending {
				if taking[path] || len(taking) == slots {
					continue
				}
				info, settled, done := d.check(path, p, pending, now)
				switch {
				case settled:
					taking[path] = true
					go func() {
						rec, err := d.take(ctx, path, info)
						results <- takeResult{path, rec, err}
					}()
					delete(pending, path)
				case done:
					delete(pending, path)
				}
			}
		}
	}
}

// check says whether the file has settled and is to be taken in, or is
// done with: gone, or not a file to take.
func (d *DropDirs) check(path string, p *pendingFile, pending map[string]*pendingFile, now time.Time) (info os.FileInfo, settled, done bool) {
	name := filepath.Base(path)
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".part") || strings.HasSuffix(name, ".partial") || strings.HasSuffix(name, ".tmp") {
		return nil, false, true
	}
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return nil, false, true
	}
	if p == nil || p.size != info.Size() || !p.mtime.Equal(info.ModTime()) {
		pending[path] = &pendingFile{size: info.Size(), mtime: info.ModTime(), since: now}
		return nil, false, false
	}
	return info, now.Sub(p.since) >= d.settle, false
}

func (d *DropDirs) take(ctx context.Context, path string, info os.FileInfo) (*Received, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open dropped file: %w", err)
	}
	defer f.Close()
	dir := filepath.Dir(path)
	rec, err := d.intake.take(ctx, f, &leakdesk.TriageFile{Name: info.Name(), Source: "drop:" + dir, FileTime: info.ModTime().UTC(), Actor: d.actor.String()})
	if err != nil {
		return nil, err
	}
	taken := filepath.Join(dir, TakenDir, rec.File.SHA256[:16]+"-"+info.Name())
	if err := os.Rename(path, taken); err != nil {
		return nil, fmt.Errorf("move taken file out of the drop directory: %w", err)
	}
	return rec, nil
}
