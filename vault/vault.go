// Package vault keeps evidence files encrypted at rest with age, addressed
// by the SHA-256 of their plaintext, and never altered once stored.
//
// Layout under the vault directory:
//
//	recipient.txt            the age public key the vault was created with
//	sha256/ab/abcdef….age    blobs stored before per-incident keys, for the master key
//	keys/incident-N.age      incident N's data key, encrypted for the master key
//	keys/incident-N.shredded incident N's key was destroyed (see incident.go)
//	incidents/N/sha256/…     incident N's blobs, encrypted for its data key
//	keys/case-SHA.age        the data key of a file the watch keeps (see case.go)
//	keys/case-SHA.shredded   that file's key was destroyed
//	cases/sha256/…           the watch's files, each encrypted for its own key
//	tmp/*.partial            blobs being written, locked by their writer
//	spool/                   decrypted copies being read (see spool.go)
package vault

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"filippo.io/age"

	"github.com/leakdesk/leakdesk"
)

// Vault is a leakdesk.BlobStore on the local file system.
type Vault struct {
	dir       string
	identity  *age.X25519Identity // the master key
	recipient *age.X25519Recipient

	keysMu       sync.Mutex // guards incidentKeys
	incidentKeys map[int64]*age.X25519Identity

	// createTemp opens the file a new blob is written to. Tests point it at
	// /dev/full to provoke a real ENOSPC.
	createTemp func(dir string) (*os.File, error)
}

var _ leakdesk.BlobStore = (*Vault)(nil)

// GenerateKey returns a new age secret key in its text form.
func GenerateKey() (string, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", fmt.Errorf("generate key: %w", err)
	}
	return id.String(), nil
}

// Open opens or creates the vault in dir with the given age secret key. A
// key that is not the one the vault was created with is refused here, before
// anything is written with it.
func Open(dir, secretKey string) (*Vault, error) {
	identity, err := age.ParseX25519Identity(strings.TrimSpace(secretKey))
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "evidence key is malformed: want an age secret key (AGE-SECRET-KEY-1…)")
	}
	v := &Vault{dir: dir, identity: identity, recipient: identity.Recipient(), createTemp: createTemp, incidentKeys: map[int64]*age.X25519Identity{}}
	for _, sub := range []string{"sha256", "tmp", "keys", "incidents", "spool"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "evidence vault %s cannot be created: %v", dir, err)
		}
	}
	if err := v.checkRecipient(); err != nil {
		return nil, err
	}
	if err := v.sweepPartials(); err != nil {
		return nil, err
	}
	if err := sweepSpools(filepath.Join(dir, "spool")); err != nil {
		return nil, err
	}
	return v, nil
}

// Dir returns the vault's directory.
func (v *Vault) Dir() string { return v.dir }

func (v *Vault) checkRecipient() error {
	path := filepath.Join(v.dir, "recipient.txt")
	stored, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err := writeFileSync(path, []byte(v.recipient.String()+"\n"), 0o400); err != nil {
			return fmt.Errorf("record vault recipient: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read vault recipient: %w", err)
	}
	if strings.TrimSpace(string(stored)) != v.recipient.String() {
		return leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "wrong evidence key: the vault in %s was created with another key (check LEAKDESK_KEY or key.txt in the data directory)", v.dir)
	}
	return nil
}

// sweepPartials removes blobs left half-written by a writer that died. A
// partial whose lock can be taken has no live writer.
func (v *Vault) sweepPartials() error {
	matches, err := filepath.Glob(filepath.Join(v.dir, "tmp", "*.partial"))
	if err != nil {
		return fmt.Errorf("list partial blobs: %w", err)
	}
	for _, path := range matches {
		ifAbandoned(path, func() error { return os.Remove(path) })
	}
	return nil
}

// ifAbandoned runs remove when no live process holds the lock of the file
// at path: its writer died.
func ifAbandoned(path string, remove func() error) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // already gone
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return nil // alive
	}
	return remove()
}

func createTemp(dir string) (*os.File, error) {
	var b [12]byte
	rand.Read(b[:])
	return os.OpenFile(filepath.Join(dir, hex.EncodeToString(b[:])+".partial"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// blobPath is where content sum lives under root, a sha256 directory.
func blobPath(root, sum string) string {
	return filepath.Join(root, sum[:2], sum+".age")
}

// Put encrypts r into the vault for the master key. Evidence of an incident
// goes through ForIncident instead, for the incident's own key.
func (v *Vault) Put(ctx context.Context, r io.Reader) (leakdesk.Blob, error) {
	return v.put(ctx, filepath.Join(v.dir, "sha256"), v.recipient, r)
}

// put encrypts r for recipient under root. The blob appears under its final
// name only once it is complete and synced, so a crash leaves either
// nothing or a whole blob.
func (v *Vault) put(ctx context.Context, root string, recipient age.Recipient, r io.Reader) (leakdesk.Blob, error) {
	tmp, err := v.createTemp(filepath.Join(v.dir, "tmp"))
	if err != nil {
		return leakdesk.Blob{}, storageError("create blob", err)
	}
	tmpPath := tmp.Name()
	committed := false
	defer func() {
		tmp.Close()
		if !committed {
			os.Remove(tmpPath)
		}
	}()
	// The lock tells sweepPartials in other processes that this file is live.
	if err := syscall.Flock(int(tmp.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return leakdesk.Blob{}, fmt.Errorf("lock partial blob: %w", err)
	}

	enc, err := age.Encrypt(tmp, recipient)
	if err != nil {
		return leakdesk.Blob{}, storageError("start encryption", err)
	}
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(enc, h), &contextReader{ctx: ctx, r: r})
	if err != nil {
		return leakdesk.Blob{}, storageError("store blob", err)
	}
	if err := enc.Close(); err != nil {
		return leakdesk.Blob{}, storageError("finish encryption", err)
	}
	if err := tmp.Sync(); err != nil {
		return leakdesk.Blob{}, storageError("sync blob", err)
	}
	blob := leakdesk.Blob{SHA256: hex.EncodeToString(h.Sum(nil)), Size: size}

	final := blobPath(root, blob.SHA256)
	if _, err := os.Stat(final); err == nil {
		return blob, nil // the same content is already held
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return leakdesk.Blob{}, storageError("create blob directory", err)
	}
	if err := os.Chmod(tmpPath, 0o400); err != nil {
		return leakdesk.Blob{}, storageError("protect blob", err)
	}
	if err := os.Rename(tmpPath, final); err != nil {
		return leakdesk.Blob{}, storageError("commit blob", err)
	}
	committed = true
	if err := syncDir(filepath.Dir(final)); err != nil {
		return leakdesk.Blob{}, storageError("sync blob directory", err)
	}
	return blob, nil
}

// Open returns a reader of the plaintext of a blob stored for the master
// key. The reader re-hashes what it yields and fails at the end if the
// content is not what was stored.
func (v *Vault) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	f, identity, err := v.locateMaster(sum)
	if err != nil {
		return nil, err
	}
	return v.decrypt(ctx, f, sum, identity)
}

// locateMaster opens the blob sum stored for the master key, with the key
// that reads it.
func (v *Vault) locateMaster(sum string) (*os.File, age.Identity, error) {
	if !isSHA256(sum) {
		return nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid SHA-256 %q", sum)
	}
	f, err := v.openBlobFile(filepath.Join(v.dir, "sha256"), sum)
	if err != nil {
		return nil, nil, err
	}
	return f, v.identity, nil
}

func (v *Vault) openBlobFile(root, sum string) (*os.File, error) {
	f, err := os.Open(blobPath(root, sum))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "blob %s is missing from the vault %s", sum, v.dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open blob %s: %w", sum, err)
	}
	return f, nil
}

// decrypt reads f, the encrypted blob sum, with identity.
func (v *Vault) decrypt(ctx context.Context, f *os.File, sum string, identity age.Identity) (io.ReadCloser, error) {
	dec, err := age.Decrypt(f, identity)
	if err != nil {
		f.Close()
		return nil, decryptError(sum, err)
	}
	return &checkedReader{ctx: ctx, r: dec, f: f, h: sha256.New(), want: sum}, nil
}

// Check decrypts and re-hashes a blob.
func (v *Vault) Check(ctx context.Context, sum string) (leakdesk.Blob, error) {
	return check(ctx, v, sum)
}

// check decrypts and re-hashes a blob of blobs.
func check(ctx context.Context, blobs leakdesk.BlobStore, sum string) (leakdesk.Blob, error) {
	rc, err := blobs.Open(ctx, sum)
	if err != nil {
		return leakdesk.Blob{}, err
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if err != nil {
		return leakdesk.Blob{}, err
	}
	return leakdesk.Blob{SHA256: sum, Size: n}, nil
}

// checkedReader yields a blob's plaintext and turns a hash mismatch or a
// decryption failure into EINTEGRITY, so no reader trusts altered evidence.
type checkedReader struct {
	ctx  context.Context
	r    io.Reader
	f    *os.File
	h    hash.Hash
	want string
}

func (c *checkedReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	switch {
	case err == io.EOF:
		if got := hex.EncodeToString(c.h.Sum(nil)); got != c.want {
			return n, leakdesk.Errorf(leakdesk.EINTEGRITY, "blob %s was altered: its content now hashes to %s", c.want, got)
		}
	case err != nil:
		return n, leakdesk.Errorf(leakdesk.EINTEGRITY, "blob %s is damaged: %v", c.want, err)
	}
	return n, err
}

func (c *checkedReader) Close() error { return c.f.Close() }

type contextReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func storageError(what string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "%s: the disk is full; nothing was stored", what)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

func writeFileSync(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
