package store

import (
	"context"
	"database/sql"

	"github.com/leakdesk/leakdesk"
)

// ShredEvidence crypto-shreds a closed incident's evidence: the vault
// destroys the incident's data key, and the timeline records who did it.
// The evidence rows and their hashes stay, so the record still verifies;
// the content can no longer be read.
//
// The event is written and the key destroyed inside one transaction: if the
// commit then fails, the key is gone and the event is not, and running the
// command again records it (shredding twice is harmless).
func (s *EvidenceService) ShredEvidence(ctx context.Context, incidentID int64, actor string) (*leakdesk.EvidenceShreddedPayload, error) {
	shredder, ok := s.blobs.(incidentBlobStore)
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "this evidence store has no per-incident keys: nothing can be shredded")
	}
	var shredded *leakdesk.EvidenceShreddedPayload
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, true)
		if err != nil {
			return err
		}
		if inc.Status != leakdesk.StatusClosed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "incident %s is %s: its evidence can only be shredded once it is closed", inc.PublicID(), inc.Status)
		}
		list, err := s.db.findEvidence(ctx, tx, incidentID, "1 = 1")
		if err != nil {
			return err
		}
		blobs, err := shredder.Shred(incidentID)
		if err != nil {
			return err
		}
		kept, err := s.shredKeptEvidence(ctx, tx, incidentID, list, actor)
		if err != nil {
			return err
		}
		blobs += kept
		shredded = &leakdesk.EvidenceShreddedPayload{Blobs: blobs, MasterKeyBlobs: max(len(list)-blobs, 0)}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventEvidenceShredded, s.db.now(), *shredded))
	})
	return shredded, err
}

// shredKeptEvidence shreds the watch's copies of the incident's evidence
// that its proposal has not yet moved under the incident's key, so that
// shredding the incident leaves none of its evidence readable there. A
// copy another incident still reads is left to that incident. A watch's
// file kept for the master key before case keys is removed likewise. It returns
// how many it shredded.
func (s *EvidenceService) shredKeptEvidence(ctx context.Context, tx *sql.Tx, incidentID int64, list []*leakdesk.Evidence, actor string) (int, error) {
	kept, err := NewKeptFileService(s.db, s.blobs)
	if err != nil {
		return 0, nil // no per-file keys: nothing kept apart
	}
	n := 0
	for _, e := range list {
		if kept.blobs.IncidentHolds(incidentID, e.SHA256) {
			continue
		}
		if ok, err := s.db.isKeptFile(ctx, tx, e.SHA256); err != nil || !ok {
			if err != nil {
				return 0, err
			}
			continue // evidence stored for the master key by a person
		}
		readers, err := kept.readers(ctx, tx, e.SHA256)
		if err != nil {
			return 0, err
		}
		if len(readers) > 0 {
			continue
		}
		shred := &leakdesk.KeptFileShred{SHA256: e.SHA256, Actor: actor, Reason: "shredded with " + leakdesk.FormatIncidentID(incidentID), Incident: incidentID}
		if err := kept.destroyKeptCopy(ctx, tx, shred); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
