package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// KeptFileService implements leakdesk.KeptFileService over the vault.
type KeptFileService struct {
	db    *DB
	blobs keptVault
}

var _ leakdesk.KeptFileService = (*KeptFileService)(nil)

// keptVault is a blob store with a data key per kept file and per incident
// (the vault).
type keptVault interface {
	leakdesk.BlobStore // the master key's blobs
	incidentBlobStore
	Cases() leakdesk.BlobStore
	CaseHolds(sum string) bool
	CaseShredded(sum string) bool
	MasterHolds(sum string) bool
	IncidentHolds(id int64, sum string) bool
	IncidentShredded(id int64) bool
	ShredCase(sum string) (bool, error)
	RemoveMasterBlob(sum string) error
}

// NewKeptFileService returns the service of the files the watch keeps in
// blobs, which must have per-file keys (the vault).
func NewKeptFileService(db *DB, blobs leakdesk.BlobStore) (*KeptFileService, error) {
	v, ok := blobs.(keptVault)
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "this evidence store has no per-file keys: nothing the watch keeps can be shredded")
	}
	return &KeptFileService{db: db, blobs: v}, nil
}

func (s *KeptFileService) ShredKeptFile(ctx context.Context, ref, actor, reason string) (*leakdesk.KeptFileShred, error) {
	reason = strings.TrimSpace(reason)
	if actor == "" || reason == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "shredding a kept file needs the principal doing it and a reason: why it is shredded, on the record (no personal data)")
	}
	var shred *leakdesk.KeptFileShred
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		sum, err := s.db.resolveKeptFile(ctx, tx, ref)
		if err != nil {
			return err
		}
		if known, err := s.db.findKeptShred(ctx, tx, sum); err == nil {
			shred = known
			return nil
		} else if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			return err
		}
		readers, err := s.readers(ctx, tx, sum)
		if err != nil {
			return err
		}
		if len(readers) > 0 {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "file %s is evidence of %s, which reads it from the watch's keeping: shred that incident once it is closed, or let its proposal move the file under its key", sum[:12], leakdesk.FormatIncidentID(readers[0]))
		}
		shred = &leakdesk.KeptFileShred{SHA256: sum, Actor: actor, Reason: reason}
		return s.destroyKeptCopy(ctx, tx, shred)
	})
	return shred, err
}

// destroyKeptCopy records shred, then destroys the watch's copy of its
// content: its case key, or its blob stored for the master key before case
// keys, which no incident reads any more (the caller checked). The key is
// destroyed inside the transaction: if the commit then fails, the content
// is gone and the record is not, and shredding again records it.
func (s *KeptFileService) destroyKeptCopy(ctx context.Context, tx *sql.Tx, shred *leakdesk.KeptFileShred) error {
	shred.At = s.db.now()
	var incident any
	if shred.Incident != 0 {
		incident = shred.Incident
	}
	if _, err := tx.ExecContext(ctx, s.db.rebind(`INSERT INTO kept_file_shreds (sha256, shredded_at, actor, reason, incident_id)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`), shred.SHA256, s.db.timeArg(shred.At), shred.Actor, shred.Reason, incident); err != nil {
		return fmt.Errorf("record shredded file: %w", err)
	}
	if _, err := s.blobs.ShredCase(shred.SHA256); err != nil {
		return err
	}
	return s.blobs.RemoveMasterBlob(shred.SHA256)
}

// readers lists the incidents whose evidence sum is and that read it from
// the watch's keeping (or the master key): not yet under their own key,
// nor shredded.
func (s *KeptFileService) readers(ctx context.Context, tx *sql.Tx, sum string) ([]int64, error) {
	all, err := s.db.evidenceIncidents(ctx, tx, sum)
	var ids []int64
	for _, id := range all {
		if !s.blobs.IncidentHolds(id, sum) && !s.blobs.IncidentShredded(id) {
			ids = append(ids, id)
		}
	}
	return ids, err
}

// evidenceIncidents lists the incidents whose evidence sum is.
func (d *DB) evidenceIncidents(ctx context.Context, tx *sql.Tx, sum string) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT DISTINCT incident_id FROM evidence WHERE sha256 = ? ORDER BY incident_id`), sum)
	if err != nil {
		return nil, fmt.Errorf("find the incidents holding a kept file: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("read the incidents holding a kept file: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (s *KeptFileService) TakeIntoIncident(ctx context.Context, incidentID int64, sum, actor string) error {
	if !s.blobs.IncidentHolds(incidentID, sum) && !s.blobs.IncidentShredded(incidentID) {
		if err := s.copyIntoIncident(ctx, incidentID, sum, actor); err != nil {
			return err
		}
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findKeptShred(ctx, tx, sum); err == nil {
			return nil
		} else if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			return err
		}
		readers, err := s.readers(ctx, tx, sum)
		if err != nil || len(readers) > 0 {
			return err // the last incident moved destroys the copy
		}
		reason := "moved into the evidence of " + leakdesk.FormatIncidentID(incidentID) + ", under its data key"
		if s.blobs.IncidentShredded(incidentID) {
			reason = "shredded with " + leakdesk.FormatIncidentID(incidentID)
		}
		return s.destroyKeptCopy(ctx, tx, &leakdesk.KeptFileShred{SHA256: sum, Actor: actor, Reason: reason, Incident: incidentID})
	})
}

// copyIntoIncident re-encrypts the kept file sum for incident id's key,
// with the read on its timeline first: an access that fails halfway is
// still an access.
func (s *KeptFileService) copyIntoIncident(ctx context.Context, incidentID int64, sum, actor string) error {
	if !s.blobs.CaseHolds(sum) && !s.blobs.MasterHolds(sum) {
		return leakdesk.Errorf(leakdesk.ECONFLICT, "file %s is no longer kept by the watch (shredded, or moved into another incident's evidence): %s cannot take it in", sum[:12], leakdesk.FormatIncidentID(incidentID))
	}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		list, err := s.db.findEvidence(ctx, tx, incidentID, "sha256 = ?", sum)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "file %s is not evidence of %s", sum[:12], leakdesk.FormatIncidentID(incidentID))
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventEvidenceRead, s.db.now(), leakdesk.EvidenceReadPayload{
			EvidenceID: list[0].ID, SHA256: sum, Purpose: "re-encrypt the watch's file for the incident's data key; the watch's copy is then destroyed",
		}))
	})
	if err != nil {
		return err
	}
	rc, err := s.blobs.Cases().Open(ctx, sum)
	if err != nil {
		return err
	}
	defer rc.Close()
	blob, err := s.blobs.ForIncident(incidentID).Put(ctx, rc)
	if err != nil {
		return fmt.Errorf("move file %s into %s: %w", sum[:12], leakdesk.FormatIncidentID(incidentID), err)
	}
	if blob.SHA256 != sum {
		return leakdesk.Errorf(leakdesk.EINTEGRITY, "file %s read back as %s while moving it into %s", sum, blob.SHA256, leakdesk.FormatIncidentID(incidentID))
	}
	return nil
}

func (s *KeptFileService) MoveKeptFiles(ctx context.Context, actor string) (int, error) {
	var sums []string
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT sha256 FROM triage_files WHERE sha256 NOT IN (SELECT sha256 FROM kept_file_shreds)
			UNION SELECT evidence FROM decoy_alarms WHERE evidence NOT IN (SELECT sha256 FROM kept_file_shreds) ORDER BY 1`)
		if err != nil {
			return fmt.Errorf("list kept files: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var sum string
			if err := rows.Scan(&sum); err != nil {
				return fmt.Errorf("read kept files: %w", err)
			}
			sums = append(sums, sum)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, sum := range sums {
		if err := ctx.Err(); err != nil {
			return moved, err
		}
		did, err := s.moveKeptFile(ctx, sum, actor)
		if err != nil {
			return moved, err
		}
		if did {
			moved++
		}
	}
	return moved, nil
}

// moveKeptFile moves sum, kept for the master key, into the incidents
// whose evidence it is (TakeIntoIncident, which also finishes a move or a
// shred with the incident cut short), or else under a key of its own. Each
// step leaves the content readable and can be run again: the master-key
// blob is removed only once its new home is written.
func (s *KeptFileService) moveKeptFile(ctx context.Context, sum, actor string) (bool, error) {
	var incidents []int64
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		incidents, err = s.db.evidenceIncidents(ctx, tx, sum)
		return err
	})
	if err != nil {
		return false, err
	}
	for _, id := range incidents {
		err := s.TakeIntoIncident(ctx, id, sum, actor)
		if leakdesk.ErrorCode(err) == leakdesk.ECONFLICT {
			return false, nil // not kept at all: nothing to move
		}
		if err != nil {
			return false, err
		}
	}
	if len(incidents) > 0 {
		return true, nil
	}
	if s.blobs.CaseShredded(sum) {
		return false, nil // a shred by a person cut short: running it again records it
	}
	if !s.blobs.MasterHolds(sum) {
		return false, nil // under its own key already, or not kept at all
	}
	if !s.blobs.CaseHolds(sum) {
		rc, err := s.blobs.Open(ctx, sum)
		if err != nil {
			return false, err
		}
		_, err = s.blobs.Cases().Put(ctx, rc)
		rc.Close()
		if err != nil {
			return false, fmt.Errorf("move file %s under its own key: %w", sum[:12], err)
		}
		if !s.blobs.CaseHolds(sum) {
			return false, leakdesk.Errorf(leakdesk.EINTEGRITY, "file %s was not kept under its own key: the master-key copy stays", sum[:12])
		}
	}
	return true, s.blobs.RemoveMasterBlob(sum)
}

// resolveKeptFile returns the SHA-256 of the kept file ref names: a triage
// file's number, a decoy alarm's key, or a unique prefix of a hash.
func (d *DB) resolveKeptFile(ctx context.Context, tx *sql.Tx, ref string) (string, error) {
	r, err := leakdesk.ParseKeptFileRef(ref)
	if err != nil {
		return "", err
	}
	var (
		query string
		args  []any
	)
	switch {
	case r.Alarm != "":
		a, err := d.findDecoyAlarm(ctx, tx, r.Alarm)
		if err != nil {
			return "", err
		}
		return a.Evidence, nil
	case r.File != 0:
		query, args = `SELECT sha256 FROM triage_files WHERE id = ?`, []any{r.File}
	default:
		query, args = `SELECT sha256 FROM triage_files WHERE sha256 LIKE ? UNION SELECT evidence FROM decoy_alarms WHERE evidence LIKE ?`, []any{r.HashPrefix + "%", r.HashPrefix + "%"}
	}
	rows, err := tx.QueryContext(ctx, d.rebind(query), args...)
	if err != nil {
		return "", fmt.Errorf("find kept file: %w", err)
	}
	defer rows.Close()
	var sums []string
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return "", fmt.Errorf("read kept file: %w", err)
		}
		sums = append(sums, sum)
	}
	switch {
	case rows.Err() != nil:
		return "", fmt.Errorf("read kept files: %w", rows.Err())
	case len(sums) == 0:
		return "", leakdesk.Errorf(leakdesk.ENOTFOUND, "no file the watch kept is %q", ref)
	case len(sums) > 1:
		return "", leakdesk.Errorf(leakdesk.EINVALID, "file reference %q matches %d files: give more digits", ref, len(sums))
	}
	return sums[0], nil
}

// findKeptShred returns the record of sum's shredding, ENOTFOUND if its
// content is kept.
func (d *DB) findKeptShred(ctx context.Context, tx *sql.Tx, sum string) (*leakdesk.KeptFileShred, error) {
	shreds, err := d.findKeptShreds(ctx, tx, `SELECT CAST(? AS TEXT)`, sum)
	if err != nil {
		return nil, err
	}
	if s := shreds[sum]; s != nil {
		return s, nil
	}
	return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "file %s is kept", sum)
}

// findKeptShreds returns the records of the shredded files among those
// the query selects, by SHA-256.
func (d *DB) findKeptShreds(ctx context.Context, tx *sql.Tx, query string, args ...any) (map[string]*leakdesk.KeptFileShred, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT sha256, shredded_at, actor, reason, incident_id FROM kept_file_shreds WHERE sha256 IN (`+query+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("find shredded files: %w", err)
	}
	defer rows.Close()
	shreds := map[string]*leakdesk.KeptFileShred{}
	for rows.Next() {
		var (
			s        leakdesk.KeptFileShred
			incident sql.NullInt64
		)
		if err := rows.Scan(&s.SHA256, scanTime{&s.At}, &s.Actor, &s.Reason, &incident); err != nil {
			return nil, fmt.Errorf("read shredded file: %w", err)
		}
		s.Incident = incident.Int64
		shreds[s.SHA256] = &s
	}
	return shreds, rows.Err()
}

// withKeptShred sets f.Shredded from the record, if its content was
// destroyed.
func (d *DB) withKeptShred(ctx context.Context, tx *sql.Tx, sum string, set func(*leakdesk.KeptFileShred)) error {
	s, err := d.findKeptShred(ctx, tx, sum)
	if leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND {
		return nil
	}
	if err == nil {
		set(s)
	}
	return err
}

// isKeptFile reports whether the watch took sum in or heard it as an alarm.
func (d *DB) isKeptFile(ctx context.Context, tx *sql.Tx, sum string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, d.rebind(`SELECT (SELECT count(*) FROM triage_files WHERE sha256 = ?) + (SELECT count(*) FROM decoy_alarms WHERE evidence = ?)`), sum, sum).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("find kept file: %w", err)
	}
	return n > 0, nil
}
