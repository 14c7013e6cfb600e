package vault

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"filippo.io/age"

	"github.com/leakdesk/leakdesk"
)

// Case keys. Each file the watch keeps (a file taken in for triage, a decoy
// alarm's message or call record) is encrypted for a data key of its own,
// kept in keys/case-SHA256.age and encrypted for the master key, so that
// destroying that one file crypto-shreds it, as for an incident. A case is
// named by its content's SHA-256 because the watch keeps a content once
// however often it arrives: the triage area and the alarms are keyed by it.
//
// A case is committed in two steps under keys/cases.lock: its wrapped key
// first, then its blob. A crash between them leaves a key of nothing, which
// the next put of the same content replaces; never a blob without its key.

// Cases returns the blob store of the files the watch keeps. Blobs stored
// for the master key before case keys are still read through it.
func (v *Vault) Cases() leakdesk.BlobStore { return caseBlobs{v: v} }

type caseBlobs struct{ v *Vault }

func (v *Vault) casesRoot() string { return filepath.Join(v.dir, "cases", "sha256") }

func (v *Vault) caseKeyPath(sum string) string {
	return filepath.Join(v.dir, "keys", "case-"+sum+".age")
}

func (v *Vault) caseShreddedPath(sum string) string {
	return filepath.Join(v.dir, "keys", "case-"+sum+".shredded")
}

// Put encrypts r for a new key in a staging directory, then commits it as
// the case of its content. Content already kept, or shredded, is not kept
// again: the blob returned names it, for the caller to recognise.
func (c caseBlobs) Put(ctx context.Context, r io.Reader) (leakdesk.Blob, error) {
	v := c.v
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return leakdesk.Blob{}, fmt.Errorf("generate case key: %w", err)
	}
	stage, release, err := v.claimStaging()
	if err != nil {
		return leakdesk.Blob{}, err
	}
	defer release()
	blob, err := v.put(ctx, stage, key.Recipient(), r)
	if err != nil {
		return leakdesk.Blob{}, err
	}
	return blob, v.commitCase(blob.SHA256, key, blobPath(stage, blob.SHA256))
}

// claimStaging makes a directory for one case being written, locked while
// its writer lives, and removes those whose writer died. A staged blob is
// encrypted for a key that was never stored: it can only be thrown away.
func (v *Vault) claimStaging() (string, func(), error) {
	tmp := filepath.Join(v.dir, "tmp")
	stale, err := filepath.Glob(filepath.Join(tmp, "case-*.staging"))
	if err != nil {
		return "", nil, fmt.Errorf("list staged cases: %w", err)
	}
	for _, path := range stale {
		// A directory just made is not locked yet by its writer.
		if info, err := os.Stat(path); err != nil || time.Since(info.ModTime()) < time.Minute {
			continue
		}
		ifAbandoned(path, func() error { return os.RemoveAll(path) })
	}
	dir, err := os.MkdirTemp(tmp, "case-*.staging")
	if err != nil {
		return "", nil, storageError("create case staging", err)
	}
	d, err := os.Open(dir)
	if err == nil {
		err = syscall.Flock(int(d.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("lock case staging: %w", err)
	}
	return dir, func() { os.RemoveAll(dir); d.Close() }, nil
}

// lockCases takes the lock under which cases are committed and shredded,
// across processes (and across goroutines: each takes its own open file).
func (v *Vault) lockCases() (func(), error) {
	f, err := os.OpenFile(filepath.Join(v.dir, "keys", "cases.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, storageError("open case lock", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock cases: %w", err)
	}
	return func() { f.Close() }, nil
}

// commitCase stores key as the key of content sum, then moves the staged
// blob into place, unless the content is kept or was shredded already.
func (v *Vault) commitCase(sum string, key *age.X25519Identity, staged string) error {
	unlock, err := v.lockCases()
	if err != nil {
		return err
	}
	defer unlock()
	final := blobPath(v.casesRoot(), sum)
	if exists(v.caseShreddedPath(sum)) || exists(final) {
		return nil
	}
	wrapped, err := v.wrapKey(key)
	if err != nil {
		return err
	}
	if err := v.writeKeyFile(v.caseKeyPath(sum), wrapped, true); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return storageError("create case directory", err)
	}
	if err := os.Rename(staged, final); err != nil {
		return storageError("commit case blob", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return storageError("sync case directory", err)
	}
	return nil
}

func (c caseBlobs) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	return c.v.openCase(ctx, sum)
}

func (c caseBlobs) Check(ctx context.Context, sum string) (leakdesk.Blob, error) {
	return check(ctx, c, sum)
}

// openCase reads the case of content sum, or the blob stored for the
// master key before case keys.
func (v *Vault) openCase(ctx context.Context, sum string) (io.ReadCloser, error) {
	f, key, err := v.locateCase(sum)
	if err != nil {
		return nil, err
	}
	return v.decrypt(ctx, f, sum, key)
}

// locateCase opens the case of content sum, or the blob stored for the
// master key before case keys, with the key that reads it.
func (v *Vault) locateCase(sum string) (*os.File, age.Identity, error) {
	if !isSHA256(sum) {
		return nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid SHA-256 %q", sum)
	}
	if exists(v.caseShreddedPath(sum)) {
		return nil, nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "file %s that the watch kept was crypto-shredded: its data key is destroyed, so its content can no longer be read (its hash and triage result stay)", sum)
	}
	f, err := v.openBlobFile(v.casesRoot(), sum)
	if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
		return v.locateMaster(sum) // kept before case keys
	}
	if err != nil {
		return nil, nil, err
	}
	key, err := v.unwrapKey(v.caseKeyPath(sum), "file "+sum)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, key, nil
}

// CaseHolds reports whether content sum is kept under a case key of its
// own, rather than for the master key or not at all.
func (v *Vault) CaseHolds(sum string) bool {
	return isSHA256(sum) && exists(blobPath(v.casesRoot(), sum)) && !exists(v.caseShreddedPath(sum))
}

// CaseShredded reports whether the key of content sum was destroyed.
func (v *Vault) CaseShredded(sum string) bool {
	return isSHA256(sum) && exists(v.caseShreddedPath(sum))
}

// MasterHolds reports whether content sum is stored for the master key,
// as before per-incident and case keys.
func (v *Vault) MasterHolds(sum string) bool {
	return isSHA256(sum) && exists(blobPath(filepath.Join(v.dir, "sha256"), sum))
}

// IncidentHolds reports whether incident id's evidence sum is encrypted for
// the incident's key, rather than read through the watch's keeping or the
// master key.
func (v *Vault) IncidentHolds(id int64, sum string) bool {
	return isSHA256(sum) && exists(blobPath((&incidentBlobs{v: v, id: id}).root(), sum))
}

// ShredCase destroys the key of content sum and its blob, leaving a marker
// so that a read says why it fails and the content is never kept again. It
// is idempotent, and reports whether a case was held.
func (v *Vault) ShredCase(sum string) (bool, error) {
	if !isSHA256(sum) {
		return false, leakdesk.Errorf(leakdesk.EINVALID, "invalid SHA-256 %q", sum)
	}
	unlock, err := v.lockCases()
	if err != nil {
		return false, err
	}
	defer unlock()
	held := exists(blobPath(v.casesRoot(), sum))
	if err := os.WriteFile(v.caseShreddedPath(sum), []byte("the data key of this file was destroyed\n"), 0o400); err != nil && !errors.Is(err, fs.ErrExist) {
		return false, storageError("mark file shredded", err)
	}
	if err := os.Remove(v.caseKeyPath(sum)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, storageError("destroy file key", err)
	}
	if err := syncDir(filepath.Join(v.dir, "keys")); err != nil {
		return false, storageError("sync keys", err)
	}
	if err := os.Remove(blobPath(v.casesRoot(), sum)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, storageError("remove shredded file", err)
	}
	return held, nil
}

// RemoveMasterBlob removes content sum stored for the master key before
// case and incident keys, once nothing reads it there any more (the caller
// knows). It is idempotent. A copy of that blob made earlier (a backup)
// stays readable with the master key: only a new master key ends that.
func (v *Vault) RemoveMasterBlob(sum string) error {
	if !isSHA256(sum) {
		return leakdesk.Errorf(leakdesk.EINVALID, "invalid SHA-256 %q", sum)
	}
	path := blobPath(filepath.Join(v.dir, "sha256"), sum)
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return storageError("remove master-key blob", err)
	}
	return syncDir(filepath.Dir(path))
}

// wrapKey encrypts key for the master key.
func (v *Vault) wrapKey(key *age.X25519Identity) ([]byte, error) {
	var wrapped bytes.Buffer
	enc, err := age.Encrypt(&wrapped, v.recipient)
	if err != nil {
		return nil, fmt.Errorf("wrap data key: %w", err)
	}
	io.WriteString(enc, key.String()+"\n")
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("wrap data key: %w", err)
	}
	return wrapped.Bytes(), nil
}

// writeKeyFile writes a wrapped key at path through a temporary file:
// replacing what is there if replace is set, or else failing with
// fs.ErrExist if another writer got there first.
func (v *Vault) writeKeyFile(path string, wrapped []byte, replace bool) error {
	tmp, err := v.createTemp(filepath.Join(v.dir, "tmp"))
	if err != nil {
		return storageError("create data key", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(wrapped)
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return storageError("write data key", err)
	}
	if replace {
		err = os.Rename(tmp.Name(), path)
	} else {
		err = os.Link(tmp.Name(), path)
	}
	if errors.Is(err, fs.ErrExist) {
		return err
	}
	if err != nil {
		return storageError("store data key", err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return storageError("sync data keys", err)
	}
	return nil
}

// unwrapKey reads the wrapped key at path, of what, with the master key.
func (v *Vault) unwrapKey(path, what string) (*age.X25519Identity, error) {
	wrapped, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "the data key of %s is missing from %s: restore it from a backup of the vault", what, path)
	}
	if err != nil {
		return nil, fmt.Errorf("read data key: %w", err)
	}
	dec, err := age.Decrypt(bytes.NewReader(wrapped), v.identity)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "the data key of %s cannot be unwrapped with this master key: %v", what, err)
	}
	text, err := io.ReadAll(dec)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINTEGRITY, "the data key of %s is damaged: %v", what, err)
	}
	key, err := age.ParseX25519Identity(strings.TrimSpace(string(text)))
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINTEGRITY, "the data key of %s is damaged: %v", what, err)
	}
	return key, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// HoldsKeyFor reports whether any key the vault still holds (the master
// key, or a data key wrapped for it) decrypts the age file r: whether a
// copy of an encrypted blob, in a backup or on a disk's free blocks, could
// still be read.
func (v *Vault) HoldsKeyFor(r io.Reader) (bool, error) {
	identities := []age.Identity{v.identity}
	wrapped, err := filepath.Glob(filepath.Join(v.dir, "keys", "*.age"))
	if err != nil {
		return false, fmt.Errorf("list data keys: %w", err)
	}
	for _, path := range wrapped {
		key, err := v.unwrapKey(path, filepath.Base(path))
		if err != nil {
			return false, err
		}
		identities = append(identities, key)
	}
	_, err = age.Decrypt(r, identities...)
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return false, nil
	}
	return err == nil, err
}
