package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// The data directory holds the database and the evidence: only its owner
// may enter it. Looser modes, left by an older release or a hand-made
// directory, are tightened and reported.

// tightenDataDir makes the data directory 0700.
func (a *app) tightenDataDir() {
	a.tighten(a.dataDir, 0o700)
}

// tightenDatabaseFiles makes the SQLite database and its WAL files 0600.
func (a *app) tightenDatabaseFiles(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		a.tighten(p, 0o600)
	}
}

// tighten removes the group's and others' rights on path, with a warning.
func (a *app) tighten(path string, want fs.FileMode) {
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm()&0o077 == 0 {
		return // absent, or private already
	}
	if err := os.Chmod(path, want); err != nil {
		fmt.Fprintf(a.stderr, "leakdesk: warning: %s is open to other users (mode %04o) and cannot be made private: %v\n", path, info.Mode().Perm(), err)
		return
	}
	fmt.Fprintf(a.stderr, "leakdesk: warning: %s was open to other users (mode %04o); it is now %04o\n", path, info.Mode().Perm(), want)
}

// createPrivate creates an empty file at path with mode 0600 unless one is
// there. SQLite gives its WAL files the database file's mode, so they are
// private too.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "database %s cannot be created: %v", path, err)
	}
	return f.Close()
}

// isInside reports whether path lies within dir, symbolic links resolved as
// far as they exist.
func isInside(dir, path string) bool {
	rel, err := filepath.Rel(resolved(dir), resolved(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func resolved(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	if real, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(real, filepath.Base(abs))
	}
	return abs
}
