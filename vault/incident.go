package vault

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"filippo.io/age"

	"github.com/leakdesk/leakdesk"
)

// Per-incident data keys. Each incident's evidence is encrypted for its own
// age key, kept in keys/incident-N.age and encrypted for the master key.
// Destroying that one file crypto-shreds the incident: its blobs stay, and
// their hashes stay in the timeline, but nobody can read them again.
//
// The wrapped keys are files in the vault rather than rows in the database
// because the vault must stay readable on its own (a vault and its master
// key are a complete backup of the evidence), and because a deleted row
// lives on in the database's free pages, its write-ahead log, its replicas
// and its archives, where a shredded key must not.

// ForIncident returns the blob store of incident id's evidence. Blobs stored
// before per-incident keys, for the master key, are still read through it.
func (v *Vault) ForIncident(id int64) leakdesk.BlobStore {
	return &incidentBlobs{v: v, id: id}
}

type incidentBlobs struct {
	v  *Vault
	id int64
}

func (b *incidentBlobs) root() string {
	return filepath.Join(b.v.dir, "incidents", strconv.FormatInt(b.id, 10), "sha256")
}

func (b *incidentBlobs) Put(ctx context.Context, r io.Reader) (leakdesk.Blob, error) {
	key, err := b.v.incidentKey(b.id, true)
	if err != nil {
		return leakdesk.Blob{}, err
	}
	return b.v.put(ctx, b.root(), key.Recipient(), r)
}

func (b *incidentBlobs) Open(ctx context.Context, sum string) (io.ReadCloser, error) {
	f, key, err := b.locate(sum)
	if err != nil {
		return nil, err
	}
	return b.v.decrypt(ctx, f, sum, key)
}

// locate opens the blob of incident evidence sum, with the key that reads
// it.
func (b *incidentBlobs) locate(sum string) (*os.File, age.Identity, error) {
	if !isSHA256(sum) {
		return nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid SHA-256 %q", sum)
	}
	f, err := b.v.openBlobFile(b.root(), sum)
	if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
		// Not yet moved from the watch's keeping, or stored for the
		// master key before per-incident keys.
		return b.v.locateCase(sum)
	}
	if err != nil {
		return nil, nil, err
	}
	key, err := b.v.incidentKey(b.id, false)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, key, nil
}

func (b *incidentBlobs) Check(ctx context.Context, sum string) (leakdesk.Blob, error) {
	return check(ctx, b, sum)
}

func (v *Vault) keyPath(id int64) string {
	return filepath.Join(v.dir, "keys", "incident-"+strconv.FormatInt(id, 10)+".age")
}

func (v *Vault) shreddedPath(id int64) string {
	return filepath.Join(v.dir, "keys", "incident-"+strconv.FormatInt(id, 10)+".shredded")
}

// incidentKey returns incident id's data key, creating it if create is set
// and the incident has none yet.
func (v *Vault) incidentKey(id int64, create bool) (*age.X25519Identity, error) {
	v.keysMu.Lock()
	defer v.keysMu.Unlock()
	// Checked before the cache: another process may have shredded the
	// incident since this one read its key.
	if _, err := os.Stat(v.shreddedPath(id)); err == nil {
		delete(v.incidentKeys, id)
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "the evidence of incident %s was crypto-shredded: its data key is destroyed, so its content can no longer be read (its hashes still verify against the timeline)", leakdesk.FormatIncidentID(id))
	}
	if key, ok := v.incidentKeys[id]; ok {
		return key, nil
	}
	key, err := v.loadIncidentKey(id, create)
	if err != nil {
		return nil, err
	}
	v.incidentKeys[id] = key
	return key, nil
}

// loadIncidentKey reads, or creates, incident id's key. keysMu is held.
func (v *Vault) loadIncidentKey(id int64, create bool) (*age.X25519Identity, error) {
	if create && !exists(v.keyPath(id)) {
		return v.createIncidentKey(id)
	}
	return v.unwrapKey(v.keyPath(id), "incident "+leakdesk.FormatIncidentID(id))
}

// createIncidentKey makes incident id's data key and stores it wrapped. Two
// processes racing both write under temporary names; the first link wins and
// the other reads the winner's key. keysMu is held.
func (v *Vault) createIncidentKey(id int64) (*age.X25519Identity, error) {
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fmt.Errorf("generate incident key: %w", err)
	}
	wrapped, err := v.wrapKey(key)
	if err != nil {
		return nil, err
	}
	if err := v.writeKeyFile(v.keyPath(id), wrapped, false); errors.Is(err, fs.ErrExist) {
		return v.loadIncidentKey(id, false) // another process made it first
	} else if err != nil {
		return nil, err
	}
	return key, nil
}

// IncidentShredded reports whether incident id's data key was destroyed.
func (v *Vault) IncidentShredded(id int64) bool { return exists(v.shreddedPath(id)) }

// Shred destroys incident id's data key. It leaves a marker so that a read
// says the content was shredded rather than lost, and is idempotent. It
// returns how many of the incident's blobs it made unreadable.
//
// Evidence stored before per-incident keys is encrypted for the master key
// and may be shared with other incidents: Shred cannot erase it. Evidence
// still in the watch's keeping is shredded by the caller (ShredCase).
func (v *Vault) Shred(id int64) (int, error) {
	v.keysMu.Lock()
	defer v.keysMu.Unlock()
	if err := os.WriteFile(v.shreddedPath(id), []byte("the data key of this incident was destroyed\n"), 0o400); err != nil && !errors.Is(err, fs.ErrExist) {
		return 0, storageError("mark incident shredded", err)
	}
	delete(v.incidentKeys, id)
	if err := os.Remove(v.keyPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, storageError("destroy incident key", err)
	}
	if err := syncDir(filepath.Join(v.dir, "keys")); err != nil {
		return 0, storageError("sync incident keys", err)
	}
	blobs, err := filepath.Glob(filepath.Join(v.dir, "incidents", strconv.FormatInt(id, 10), "sha256", "*", "*.age"))
	if err != nil {
		return 0, fmt.Errorf("count shredded blobs: %w", err)
	}
	return len(blobs), nil
}
