package vault

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Decrypted spools. Reading a zip or a database inside evidence needs random
// access, so the reader copies the plaintext to a file first. Those copies
// stay inside the vault's directory, never in $TMPDIR: each process gets
// spool/P/, with spool/P.lock held while it lives. A directory whose lock
// can be taken belongs to a process that died, and is removed the next
// time a spool is claimed or the vault is opened.

// Spool is one process's directory for decrypted spools.
type Spool struct {
	dir  string
	lock *os.File
}

// ClaimSpool removes the spools of dead processes in the vault directory
// vaultDir and makes one for this process. It needs no key, so that a
// command that never reads evidence creates none.
func ClaimSpool(vaultDir string) (*Spool, error) {
	root := filepath.Join(vaultDir, "spool")
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("create spool directory: %w", err)
	}
	if err := sweepSpools(root); err != nil {
		return nil, err
	}
	var b [8]byte
	rand.Read(b[:])
	dir := filepath.Join(root, hex.EncodeToString(b[:]))
	lock, err := os.OpenFile(dir+".lock", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create spool lock: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("lock spool: %w", err)
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		lock.Close()
		return nil, fmt.Errorf("create spool: %w", err)
	}
	return &Spool{dir: dir, lock: lock}, nil
}

// Dir is where this process's readers spool decrypted evidence.
func (s *Spool) Dir() string { return s.dir }

// Release removes this process's spools.
func (s *Spool) Release() error {
	err := os.RemoveAll(s.dir)
	os.Remove(s.lock.Name())
	s.lock.Close()
	return err
}

// sweepSpools removes the spools under root whose process died.
func sweepSpools(root string) error {
	locks, err := filepath.Glob(filepath.Join(root, "*.lock"))
	if err != nil {
		return fmt.Errorf("list spools: %w", err)
	}
	for _, path := range locks {
		err := ifAbandoned(path, func() error {
			if err := os.RemoveAll(strings.TrimSuffix(path, ".lock")); err != nil {
				return err
			}
			return os.Remove(path)
		})
		if err != nil {
			return fmt.Errorf("remove a dead process's spool: %w", err)
		}
	}
	return nil
}
