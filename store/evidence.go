package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// EvidenceService implements leakdesk.EvidenceService over a blob store.
type EvidenceService struct {
	db    *DB
	blobs leakdesk.BlobStore
}

var _ leakdesk.EvidenceService = (*EvidenceService)(nil)

// NewEvidenceService returns the evidence service that records evidence in db
// and keeps its content in blobs.
func NewEvidenceService(db *DB, blobs leakdesk.BlobStore) *EvidenceService {
	return &EvidenceService{db: db, blobs: blobs}
}

// incidentBlobStore is a blob store with a data key per incident (the
// vault), so that one incident's evidence can be crypto-shredded.
type incidentBlobStore interface {
	ForIncident(id int64) leakdesk.BlobStore
	Shred(id int64) (int, error)
}

// blobsFor returns where incident id's evidence lives.
func (s *EvidenceService) blobsFor(id int64) leakdesk.BlobStore {
	if per, ok := s.blobs.(incidentBlobStore); ok {
		return per.ForIncident(id)
	}
	return s.blobs
}

// AddEvidence writes the blob first and the row after it: a crash in between
// leaves a whole, unreferenced blob that the next add of the same content
// reuses, and never a row that points at nothing.
func (s *EvidenceService) AddEvidence(ctx context.Context, e *leakdesk.Evidence, r io.Reader) error {
	if err := e.Validate(); err != nil {
		return err
	}
	// Fail on an unknown or closed incident before reading a large file.
	if err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := s.db.findIncidentByID(ctx, tx, e.IncidentID, false)
		return err
	}); err != nil {
		return err
	}
	blob, err := s.blobsFor(e.IncidentID).Put(ctx, r)
	if err != nil {
		return err
	}
	e.SHA256, e.Size = blob.SHA256, blob.Size
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, e.IncidentID, true)
		if err != nil {
			return err
		}
		existing, err := s.db.findEvidence(ctx, tx, e.IncidentID, "sha256 = ?", e.SHA256)
		if err != nil {
			return err
		}
		if len(existing) > 0 {
			*e = *existing[0]
			return leakdesk.Errorf(leakdesk.ECONFLICT, "incident %s already holds this file as evidence #%d (sha256 %s)", inc.PublicID(), e.ID, e.SHA256)
		}
		return s.db.insertEvidence(ctx, tx, e)
	})
}

// insertEvidence records e, whose content is already stored under its
// SHA256, with the event that says it was added.
func (d *DB) insertEvidence(ctx context.Context, tx *sql.Tx, e *leakdesk.Evidence) error {
	e.AddedAt = d.now()
	if err := tx.QueryRowContext(ctx, d.rebind(`
		INSERT INTO evidence (incident_id, sha256, size, filename, source, note, added_by, added_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`),
		e.IncidentID, e.SHA256, e.Size, e.Filename, e.Source, e.Note, e.AddedBy, d.timeArg(e.AddedAt),
	).Scan(&e.ID); err != nil {
		return fmt.Errorf("insert evidence: %w", err)
	}
	return d.appendEvent(ctx, tx, leakdesk.NewEvent(e.IncidentID, e.AddedBy, leakdesk.EventEvidenceAdded, e.AddedAt, leakdesk.EvidenceAddedPayload{
		EvidenceID: e.ID, SHA256: e.SHA256, Size: e.Size, Filename: e.Filename, Source: e.Source, Note: e.Note,
	}))
}

func (s *EvidenceService) FindEvidence(ctx context.Context, incidentID int64) ([]*leakdesk.Evidence, error) {
	var list []*leakdesk.Evidence
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var err error
		list, err = s.db.findEvidence(ctx, tx, incidentID, "1 = 1")
		return err
	})
	return list, err
}

// OpenEvidence records the read on the timeline before handing out the
// content: an access that fails halfway is still an access.
func (s *EvidenceService) OpenEvidence(ctx context.Context, incidentID int64, ref, actor, purpose string) (*leakdesk.Evidence, io.ReadCloser, error) {
	e, err := s.logRead(ctx, incidentID, ref, actor, purpose)
	if err != nil {
		return nil, nil, err
	}
	rc, err := s.blobsFor(incidentID).Open(ctx, e.SHA256)
	if err != nil {
		return nil, nil, err
	}
	return e, rc, nil
}

// OpenEvidenceRange records the read as OpenEvidence does, then opens the
// content for random access: one event per piece that reads it.
func (s *EvidenceService) OpenEvidenceRange(ctx context.Context, incidentID int64, ref, actor, purpose, seal string) (*leakdesk.Evidence, leakdesk.RangedBlob, error) {
	ranged, ok := s.blobsFor(incidentID).(leakdesk.RangedBlobStore)
	if !ok {
		return nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "this evidence store cannot read evidence by range")
	}
	e, err := s.logRead(ctx, incidentID, ref, actor, purpose)
	if err != nil {
		return nil, nil, err
	}
	r, err := ranged.OpenRanged(ctx, e.SHA256, seal)
	if err != nil {
		return nil, nil, err
	}
	return e, r, nil
}

// logRead finds the evidence ref names and records its read on the
// timeline.
func (s *EvidenceService) logRead(ctx context.Context, incidentID int64, ref, actor, purpose string) (*leakdesk.Evidence, error) {
	var e *leakdesk.Evidence
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, true); err != nil {
			return err
		}
		var err error
		if e, err = s.db.findEvidenceByRef(ctx, tx, incidentID, ref); err != nil {
			return err
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventEvidenceRead, s.db.now(), leakdesk.EvidenceReadPayload{
			EvidenceID: e.ID, SHA256: e.SHA256, Purpose: purpose,
		}))
	})
	return e, err
}

func (s *EvidenceService) VerifyEvidence(ctx context.Context, incidentID int64, actor string) ([]leakdesk.EvidenceCheck, error) {
	list, err := s.FindEvidence(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	blobs := s.blobsFor(incidentID)
	checks := make([]leakdesk.EvidenceCheck, 0, len(list))
	var failed []leakdesk.EvidenceFailure
	for _, e := range list {
		check := leakdesk.EvidenceCheck{Evidence: e, OK: true}
		blob, err := blobs.Check(ctx, e.SHA256)
		switch {
		case err != nil && leakdesk.ErrorCode(err) == leakdesk.EINTERNAL:
			return nil, err
		case err != nil:
			check.OK, check.Problem = false, leakdesk.ErrorMessage(err)
		case blob.Size != e.Size:
			check.OK, check.Problem = false, fmt.Sprintf("size is %d bytes, recorded %d", blob.Size, e.Size)
		}
		if !check.OK {
			failed = append(failed, leakdesk.EvidenceFailure{EvidenceID: e.ID, SHA256: e.SHA256, Problem: check.Problem})
		}
		checks = append(checks, check)
	}
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventEvidenceVerified, s.db.now(), leakdesk.EvidenceVerifiedPayload{
			Checked: len(checks), Failed: failed,
		}))
	})
	return checks, err
}

// findEvidenceByRef finds evidence by its number or by a unique prefix of its
// SHA-256.
func (d *DB) findEvidenceByRef(ctx context.Context, tx *sql.Tx, incidentID int64, ref string) (*leakdesk.Evidence, error) {
	ref = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(ref), "#"))
	var list []*leakdesk.Evidence
	var err error
	if id, convErr := strconv.ParseInt(ref, 10, 64); convErr == nil && len(ref) < 8 {
		list, err = d.findEvidence(ctx, tx, incidentID, "id = ?", id)
	} else if len(ref) >= 8 && len(ref) <= 64 && strings.Trim(ref, "0123456789abcdef") == "" {
		list, err = d.findEvidence(ctx, tx, incidentID, "sha256 LIKE ?", ref+"%")
	} else {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid evidence reference %q: give its number or at least 8 hex digits of its SHA-256", ref)
	}
	switch {
	case err != nil:
		return nil, err
	case len(list) == 0:
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "evidence %q not found in incident %s", ref, leakdesk.FormatIncidentID(incidentID))
	case len(list) > 1:
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "evidence reference %q matches %d files: give more digits", ref, len(list))
	}
	return list[0], nil
}

func (d *DB) findEvidence(ctx context.Context, tx *sql.Tx, incidentID int64, cond string, args ...any) ([]*leakdesk.Evidence, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT id, incident_id, sha256, size, filename, source, note, added_by, added_at
		FROM evidence WHERE incident_id = ? AND `+cond+` ORDER BY id`), append([]any{incidentID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("query evidence: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.Evidence
	for rows.Next() {
		var e leakdesk.Evidence
		if err := rows.Scan(&e.ID, &e.IncidentID, &e.SHA256, &e.Size, &e.Filename, &e.Source, &e.Note, &e.AddedBy, scanTime{&e.AddedAt}); err != nil {
			return nil, fmt.Errorf("scan evidence: %w", err)
		}
		list = append(list, &e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	return list, nil
}
