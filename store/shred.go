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
		shredded = &leakdesk.EvidenceShreddedPayload{Blobs: blobs, MasterKeyBlobs: max(len(list)-blobs, 0)}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventEvidenceShredded, s.db.now(), *shredded))
	})
	return shredded, err
}
