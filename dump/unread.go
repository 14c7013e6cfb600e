package dump

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/leakdesk/leakdesk"
)

// UnreadError is what Read returns, once everything readable has been read
// and handed over, when some files or members could not be read. Callers
// that can report a partial result take Files from it; the others fail, so
// that no caller mistakes a file it could not read for an empty one.
type UnreadError struct {
	Files []leakdesk.Unread
}

func (e *UnreadError) Error() string {
	parts := make([]string, len(e.Files))
	for i, u := range e.Files {
		parts[i] = u.String()
	}
	return "not read: " + strings.Join(parts, "; ")
}

// Unwrap gives the error the code EUNREAD, so that the edges report it as
// such.
func (e *UnreadError) Unwrap() error {
	return &leakdesk.Error{Code: leakdesk.EUNREAD, Message: e.Error()}
}

// Unreads returns the files err says were not read (an empty list, never
// nil, so that JSON shows []), and err without them: nil when err is nil or
// only an *UnreadError.
func Unreads(err error) ([]leakdesk.Unread, error) {
	var ue *UnreadError
	if errors.As(err, &ue) {
		return ue.Files, nil
	}
	return []leakdesk.Unread{}, err
}

// consumerError marks an error returned by the caller's function, which
// stops reading, from an error met in the file, which only stops that file.
type consumerError struct{ err error }

func (e *consumerError) Error() string { return e.err.Error() }
func (e *consumerError) Unwrap() error { return e.err }

func isConsumerError(err error) bool {
	var ce *consumerError
	return errors.As(err, &ce)
}

// tally remembers, for one top-level file, every table handed out and every
// file that failed before it could yield one.
type tally struct {
	mu         sync.Mutex
	entered    []string        // every file and member walked, in order
	containers map[string]bool // those that are archives, read through their members
	tables     []*Table
	failed     []leakdesk.Unread
}

// enter notes a file or member about to be read.
func (t *tally) enter(file string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.entered = append(t.entered, file)
}

// container notes that file is an archive: its members answer for it.
func (t *tally) container(file string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.containers == nil {
		t.containers = map[string]bool{}
	}
	t.containers[file] = true
}

// track wraps the caller's function: it remembers each table, and marks
// the caller's errors.
func (t *tally) track(fn func(*Table) error) func(*Table) error {
	return func(tb *Table) error {
		t.mu.Lock()
		t.tables = append(t.tables, tb)
		t.mu.Unlock()
		if err := fn(tb); err != nil {
			return &consumerError{err}
		}
		return nil
	}
}

func (t *tally) fail(file string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = append(t.failed, leakdesk.Unread{File: file, Reason: unreadReason(file, err)})
}

// unreadReason is err's message without the file name it usually starts
// with, since the unread list names the file already.
func unreadReason(file string, err error) string {
	msg := leakdesk.ErrorMessage(err)
	for _, prefix := range []string{file + ": ", file + " "} {
		if rest, ok := strings.CutPrefix(msg, prefix); ok {
			return rest
		}
	}
	return msg
}

// result turns what was read into Read's answer: a fatal error as it is,
// the caller's own errors unmarked, else the unread files if there are any.
func (t *tally) result(err error) error {
	if err != nil {
		var ce *consumerError
		if errors.As(err, &ce) {
			return ce.err
		}
		return err
	}
	if unread := t.unread(); len(unread) > 0 {
		return &UnreadError{Files: unread}
	}
	return nil
}

// unread lists, in reading order, the files whose tables hold no record,
// the files that yielded no table at all, the tables whose reading stopped
// early, and the files that failed.
func (t *tally) unread() []leakdesk.Unread {
	t.mu.Lock()
	defer t.mu.Unlock()
	records := map[string]int64{}
	reasons := map[string]string{}
	emptyTables := map[string]bool{}
	failed := map[string]bool{}
	for _, u := range t.failed {
		failed[u.File] = true
	}
	for _, tb := range t.tables {
		records[tb.File] += tb.Stats().Records
		if reasons[tb.File] == "" {
			reasons[tb.File] = tb.unreadReason()
		}
		if tb.emptyIsReal && tb.stoppedReason() == "" {
			emptyTables[tb.File] = true
		}
	}
	// A table that stopped early is named on its own, unless its file gave
	// no record at all and failed in no other way: the file's entry then
	// says why.
	var stopped []leakdesk.Unread
	for _, tb := range t.tables {
		if why, n := tb.stoppedReason(), tb.Stats().Records; why != "" && (records[tb.File] > 0 || failed[tb.File]) {
			stopped = append(stopped, leakdesk.Unread{File: tb.name(), Reason: why, Records: n})
		}
	}
	files := append(slices.Clone(t.entered), tableFiles(t.tables)...)
	for _, u := range t.failed {
		files = append(files, u.File)
	}
	var out []leakdesk.Unread
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f] || failed[f] || records[f] > 0 || emptyTables[f] {
			continue
		}
		seen[f] = true
		switch {
		case t.containers[f] && !hasMember(files, f):
			out = append(out, leakdesk.Unread{File: f, Reason: "empty archive"})
		case t.containers[f]:
		case reasons[f] != "":
			out = append(out, leakdesk.Unread{File: f, Reason: reasons[f]})
		default:
			out = append(out, leakdesk.Unread{File: f, Reason: "nothing in it reads as records"})
		}
	}
	return append(append(out, stopped...), t.failed...)
}

func hasMember(files []string, archive string) bool {
	return slices.ContainsFunc(files, func(f string) bool { return strings.HasPrefix(f, archive+"!/") })
}

func tableFiles(tables []*Table) []string {
	out := make([]string, len(tables))
	for i, tb := range tables {
		out[i] = tb.File
	}
	return out
}

func (t *Table) stoppedReason() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stopped
}

// unreadReason says why a table gave no record.
func (t *Table) unreadReason() string {
	s := t.Stats()
	switch {
	case t.stoppedReason() != "":
		return t.stoppedReason()
	case t.reason != "":
		return t.reason
	case t.HasHeader:
		return fmt.Sprintf("%s with a header line and no record", t.Format)
	case s.SkippedLines > 0:
		return fmt.Sprintf("%s: %d lines, none of them a record", t.Format, s.SkippedLines)
	default:
		return fmt.Sprintf("%s with no record", t.Format)
	}
}

func (t *Table) name() string {
	if t.Sheet != "" {
		return t.File + " [" + t.Sheet + "]"
	}
	return t.File
}
