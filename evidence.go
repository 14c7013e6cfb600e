package leakdesk

import (
	"context"
	"io"
	"time"
)

// Evidence is a file held for an incident: a leaked dump, a screenshot of a
// forum post, a seller's message. The bytes live in a BlobStore, addressed
// by their SHA-256, and are never altered.
type Evidence struct {
	ID         int64     `json:"id"`
	IncidentID int64     `json:"-"`
	SHA256     string    `json:"sha256"`
	Size       int64     `json:"size"`
	Filename   string    `json:"filename"` // the name it had when added, for people; never used to find it
	Source     string    `json:"source"`   // where it was found
	Note       string    `json:"note,omitempty"`
	AddedBy    string    `json:"added_by"`
	AddedAt    time.Time `json:"added_at"`
}

// Validate reports the first problem with evidence about to be recorded.
func (e *Evidence) Validate() error {
	switch {
	case e.IncidentID <= 0:
		return Errorf(EINVALID, "evidence has no incident")
	case e.Source == "":
		return Errorf(EINVALID, "evidence source is required: say where the file was found (--source)")
	case e.AddedBy == "":
		return Errorf(EINVALID, "evidence actor is required")
	}
	return nil
}

// Blob describes stored content.
type Blob struct {
	SHA256 string
	Size   int64
}

// BlobStore keeps file contents addressed by their SHA-256. Stored content is
// immutable; storing the same content twice stores it once.
type BlobStore interface {
	// Put stores everything r yields and returns its address. The blob is
	// visible only once it is complete.
	Put(ctx context.Context, r io.Reader) (Blob, error)

	// Open returns the content stored at sha256. Returns ENOTFOUND, or
	// EUNAUTHORIZED if the store's key cannot read it.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)

	// Check re-reads the blob and returns EINTEGRITY if its content no
	// longer hashes to sha256, ENOTFOUND if it is gone.
	Check(ctx context.Context, sha256 string) (Blob, error)
}

// RangedBlob is a blob's content read at any offset, for a reader that
// cuts it into pieces. It cannot re-hash the whole content on each read:
// instead it is bound by its seal to content that was checked in full.
type RangedBlob interface {
	io.ReaderAt
	io.Closer
	Size() int64
	// Seal names the encryption the content was checked under: a ranged
	// open given it refuses any other file stored under the same name.
	Seal() string
}

// RangedBlobStore is a BlobStore that also reads its blobs at any offset.
type RangedBlobStore interface {
	BlobStore

	// OpenRanged opens the blob at sha256 for random access. With an
	// empty seal it first re-hashes the whole content, as Check does, and
	// the blob returned carries the seal to give later opens. With a seal,
	// it returns EINTEGRITY for a blob whose seal differs (replaced since
	// it was checked), and each range read is authenticated under the
	// sealed encryption. Returns ENOTFOUND, EUNAUTHORIZED as Open does.
	OpenRanged(ctx context.Context, sha256, seal string) (RangedBlob, error)
}

// EvidenceCheck is the verification result for one piece of evidence.
type EvidenceCheck struct {
	Evidence *Evidence `json:"evidence"`
	OK       bool      `json:"ok"`
	Problem  string    `json:"problem,omitempty"`
}

// EvidenceService records evidence for incidents. Every read of evidence
// content is logged on the incident's timeline.
type EvidenceService interface {
	// AddEvidence stores the content of r and records e, both or neither.
	// Adding content the incident already holds returns the existing record
	// and ECONFLICT. Returns ENOTFOUND for an unknown incident.
	AddEvidence(ctx context.Context, e *Evidence, r io.Reader) error

	// FindEvidence lists an incident's evidence in the order it was added.
	FindEvidence(ctx context.Context, incidentID int64) ([]*Evidence, error)

	// OpenEvidence returns the content of one piece of evidence, found by its
	// ID or by a unique prefix of its SHA-256 of at least 8 characters, and
	// logs the read as actor with the given purpose. Returns ENOTFOUND.
	OpenEvidence(ctx context.Context, incidentID int64, ref, actor, purpose string) (*Evidence, io.ReadCloser, error)

	// OpenEvidenceRange is OpenEvidence for random access to the
	// content, the read logged alike; seal is as RangedBlobStore.OpenRanged
	// takes it. Returns EINVALID when the store cannot read by range.
	OpenEvidenceRange(ctx context.Context, incidentID int64, ref, actor, purpose, seal string) (*Evidence, RangedBlob, error)

	// VerifyEvidence re-hashes every piece of an incident's evidence and logs
	// the check on the timeline.
	VerifyEvidence(ctx context.Context, incidentID int64, actor string) ([]EvidenceCheck, error)
}
