package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"

	"filippo.io/age"

	"github.com/leakdesk/leakdesk"
)

// Ranged reads. A piece of a large blob is read by offset (age's
// DecryptReaderAt), which authenticates each 64 KiB chunk it decrypts,
// and the last one when opened so that a truncated blob is refused; but
// it cannot re-hash the whole plaintext against the blob's name as a
// stream does. So a ranged reader is bound to a full check: the first
// open (no seal) re-hashes the whole content, then names the blob's
// encryption by its seal, the SHA-256 of the blob's first bytes: the age
// header, which holds the wrapped file key and is authenticated by it,
// and the payload's nonce. Together they fix the key every chunk is
// authenticated under. Later opens given that seal refuse a blob whose
// first bytes differ: another file stored under the same name, even one
// encrypted for the same key, is never read. Only someone holding the
// blob's key could make other content under the same seal, and that key
// reads the content anyway.

// nonceSize is the length of age's payload nonce, which follows the
// header.
const nonceSize = 16

// rangedBlob is a blob's plaintext for random access.
type rangedBlob struct {
	ra   io.ReaderAt
	f    *os.File
	size int64
	sum  string
	seal string
}

var _ leakdesk.RangedBlob = (*rangedBlob)(nil)

func (r *rangedBlob) Size() int64  { return r.size }
func (r *rangedBlob) Seal() string { return r.seal }
func (r *rangedBlob) Close() error { return r.f.Close() }

// ReadAt reads the plaintext at off; a chunk that fails to authenticate
// is EINTEGRITY, as in a stream.
func (r *rangedBlob) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.ra.ReadAt(p, off)
	if err != nil && err != io.EOF {
		return n, leakdesk.Errorf(leakdesk.EINTEGRITY, "blob %s is damaged: %v", r.sum, err)
	}
	return n, err
}

// OpenRanged opens a blob stored for the master key for random access.
func (v *Vault) OpenRanged(ctx context.Context, sum, seal string) (leakdesk.RangedBlob, error) {
	f, key, err := v.locateMaster(sum)
	if err != nil {
		return nil, err
	}
	return v.openRanged(ctx, f, sum, seal, key)
}

func (b *incidentBlobs) OpenRanged(ctx context.Context, sum, seal string) (leakdesk.RangedBlob, error) {
	f, key, err := b.locate(sum)
	if err != nil {
		return nil, err
	}
	return b.v.openRanged(ctx, f, sum, seal, key)
}

func (c caseBlobs) OpenRanged(ctx context.Context, sum, seal string) (leakdesk.RangedBlob, error) {
	f, key, err := c.v.locateCase(sum)
	if err != nil {
		return nil, err
	}
	return c.v.openRanged(ctx, f, sum, seal, key)
}

// KeptRanges is Cases, for random access to the files the watch keeps.
func (v *Vault) KeptRanges() leakdesk.RangedBlobStore { return caseBlobs{v: v} }

// openRanged opens f, the encrypted blob sum, for random access with
// identity: after checking it in full when seal is empty, or else after
// checking that its seal is seal. It takes f and closes it on failure.
func (v *Vault) openRanged(ctx context.Context, f *os.File, sum, seal string, identity age.Identity) (leakdesk.RangedBlob, error) {
	r, err := v.rangedOf(ctx, f, sum, seal, identity)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

func (v *Vault) rangedOf(ctx context.Context, f *os.File, sum, seal string, identity age.Identity) (*rangedBlob, error) {
	info, err := f.Stat()
	if err != nil {
		return nil, storageError("stat blob", err)
	}
	got, err := sealOf(f, info.Size(), sum)
	if err != nil {
		return nil, err
	}
	if seal == "" {
		// The check reads the same open file as the ranged reads will:
		// a blob renamed over this one afterwards is not what they read.
		if err := v.checkFile(ctx, f, info.Size(), sum, identity); err != nil {
			return nil, err
		}
	} else if got != seal {
		return nil, leakdesk.Errorf(leakdesk.EINTEGRITY, "blob %s is not the file that was checked when its reading began: its encryption header differs (it was replaced since); not read", sum)
	}
	ra, size, err := age.DecryptReaderAt(f, info.Size(), identity)
	if err != nil {
		return nil, decryptError(sum, err)
	}
	return &rangedBlob{ra: ra, f: f, size: size, sum: sum, seal: got}, nil
}

// checkFile decrypts and re-hashes the whole of f, leaving it open.
func (v *Vault) checkFile(ctx context.Context, f *os.File, size int64, sum string, identity age.Identity) error {
	dec, err := age.Decrypt(io.NewSectionReader(f, 0, size), identity)
	if err != nil {
		return decryptError(sum, err)
	}
	c := &checkedReader{ctx: ctx, r: dec, h: sha256.New(), want: sum}
	_, err = io.Copy(io.Discard, c)
	return err
}

// sealOf is the SHA-256 of the age header and payload nonce of f, the
// blob sum of size bytes.
func sealOf(f *os.File, size int64, sum string) (string, error) {
	header, err := age.ExtractHeader(io.NewSectionReader(f, 0, size))
	if err != nil {
		return "", leakdesk.Errorf(leakdesk.EINTEGRITY, "blob %s is damaged: %v", sum, err)
	}
	prefix := make([]byte, len(header)+nonceSize)
	if _, err := f.ReadAt(prefix, 0); err != nil {
		return "", leakdesk.Errorf(leakdesk.EINTEGRITY, "blob %s is damaged: no payload nonce: %v", sum, err)
	}
	h := sha256.Sum256(prefix)
	return hex.EncodeToString(h[:]), nil
}

// decryptError says why blob sum could not be decrypted.
func decryptError(sum string, err error) error {
	var noMatch *age.NoIdentityMatchError
	if errors.As(err, &noMatch) {
		return leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "wrong evidence key: blob %s was encrypted for another key", sum)
	}
	return leakdesk.Errorf(leakdesk.EINTEGRITY, "blob %s is damaged: %v", sum, err)
}
