package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// The recipients table: an incident's audience, one row per person,
// refreshed by every send.

const recipientColumns = `id, incident_id, recipient_key, kind, contact_id, name, organisation, org_id, role, email, phone, language, fields, leak_rows, added_at`

func (s *NoticeService) AddRecipients(ctx context.Context, incidentID int64, actor string, rs []*leakdesk.Recipient) (int, error) {
	for _, r := range rs {
		switch {
		case r.Kind == leakdesk.RecipientOther && r.Email == "":
			return 0, leakdesk.Errorf(leakdesk.EINVALID, "recipient %q: a recipient outside the registry needs an e-mail address", r.Name)
		case r.Kind == leakdesk.RecipientOther:
		case r.Key == "" || (r.Kind != leakdesk.RecipientAffected && r.Kind != leakdesk.RecipientFormer):
			return 0, leakdesk.Errorf(leakdesk.EINVALID, "recipient %q: a key and a kind (affected, former or other) are required", r.Name)
		}
	}
	added := 0
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, true)
		if err != nil {
			return err
		}
		if inc.Status == leakdesk.StatusClosed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "incident %s is closed", inc.PublicID())
		}
		now := s.db.now()
		// The audience is refreshed at every send: read it once, and write
		// only what is new or changed.
		existing, err := s.db.findRecipients(ctx, tx, `incident_id = ?`, incidentID)
		if err != nil {
			return err
		}
		byKey := make(map[string]*leakdesk.Recipient, len(existing))
		for _, r := range existing {
			byKey[r.Key] = r
		}
		if err := s.db.keyOthers(ctx, tx, incidentID, existing, rs); err != nil {
			return err
		}
		updated := 0
		for _, r := range rs {
			fields, _ := json.Marshal(r.Fields)
			rows, _ := json.Marshal(r.Rows)
			r.IncidentID = incidentID
			old := byKey[r.Key]
			switch {
			case old == nil:
				r.AddedAt = now
				if err := s.db.queryRow(ctx, tx, `
					INSERT INTO recipients (incident_id, recipient_key, kind, contact_id, name, organisation, org_id, role, email, phone, language, fields, leak_rows, added_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
					incidentID, r.Key, r.Kind, r.ContactID, r.Name, r.Organisation, r.OrgID, r.Role, r.Email, r.Phone, r.Language,
					string(fields), string(rows), s.db.timeArg(now)).Scan(&r.ID); err != nil {
					return fmt.Errorf("insert recipient %s: %w", r.Key, err)
				}
				byKey[r.Key] = r
				added++
			case sameRecipient(old, r):
				r.ID, r.AddedAt = old.ID, old.AddedAt
			default:
				// A later matching run or a corrected address refreshes what
				// is known; the deliveries already made keep their address.
				r.ID, r.AddedAt = old.ID, old.AddedAt
				if _, err := s.db.exec(ctx, tx, `
					UPDATE recipients SET name = ?, organisation = ?, org_id = ?, role = ?, email = ?, phone = ?, language = ?, fields = ?, leak_rows = ?
					WHERE id = ?`,
					r.Name, r.Organisation, r.OrgID, r.Role, r.Email, r.Phone, r.Language, string(fields), string(rows), r.ID); err != nil {
					return fmt.Errorf("update recipient %s: %w", r.Key, err)
				}
				updated++
			}
		}
		if added+updated == 0 {
			return nil // nothing new: no event
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventRecipientsAdded, now, leakdesk.RecipientsAddedPayload{
			Added: added, Updated: updated,
		}))
	})
	return added, err
}

// keyOthers gives each recipient of rs outside the registry its key: the
// key it already has in existing, found by address, or a pseudonym under
// the incident's salt. A key given by the caller is not trusted: it may
// hold the address.
func (d *DB) keyOthers(ctx context.Context, tx *sql.Tx, incidentID int64, existing, rs []*leakdesk.Recipient) error {
	byAddress := map[string]string{}
	for _, r := range existing {
		if r.Kind == leakdesk.RecipientOther && r.Email != "" {
			byAddress[leakdesk.NormaliseAddress(r.Email)] = r.Key
		}
	}
	var salt []byte
	for _, r := range rs {
		if r.Kind != leakdesk.RecipientOther {
			continue
		}
		if key, ok := byAddress[leakdesk.NormaliseAddress(r.Email)]; ok {
			r.Key = key
			continue
		}
		if salt == nil {
			var err error
			if salt, err = d.recipientSalt(ctx, tx, incidentID); err != nil {
				return err
			}
		}
		r.Key = leakdesk.OtherRecipientKey(salt, r.Email)
		byAddress[leakdesk.NormaliseAddress(r.Email)] = r.Key
	}
	return nil
}

func sameRecipient(a, b *leakdesk.Recipient) bool {
	return a.Name == b.Name && a.Organisation == b.Organisation && a.OrgID == b.OrgID && a.Role == b.Role && a.Email == b.Email &&
		a.Phone == b.Phone && a.Language == b.Language && slices.Equal(a.Fields, b.Fields) && slices.Equal(a.Rows, b.Rows)
}

func (s *NoticeService) Recipients(ctx context.Context, incidentID int64) ([]*leakdesk.Recipient, error) {
	var list []*leakdesk.Recipient
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var err error
		list, err = s.db.findRecipients(ctx, tx, `incident_id = ?`, incidentID)
		return err
	})
	return list, err
}

func (d *DB) findRecipients(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*leakdesk.Recipient, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT `+recipientColumns+` FROM recipients WHERE `+where+` ORDER BY id`), args...)
	if err != nil {
		return nil, fmt.Errorf("query recipients: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.Recipient
	for rows.Next() {
		r, err := scanRecipient(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, r)
	}
	return list, rows.Err()
}

func scanRecipient(row rowScanner) (*leakdesk.Recipient, error) {
	var r leakdesk.Recipient
	var fields, leakRows string
	if err := row.Scan(&r.ID, &r.IncidentID, &r.Key, &r.Kind, &r.ContactID, &r.Name, &r.Organisation, &r.OrgID, &r.Role,
		&r.Email, &r.Phone, &r.Language, &fields, &leakRows, scanTime{&r.AddedAt}); err != nil {
		return nil, fmt.Errorf("scan recipient: %w", err)
	}
	if err := json.Unmarshal([]byte(fields), &r.Fields); err != nil {
		return nil, fmt.Errorf("recipient %d fields: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(leakRows), &r.Rows); err != nil {
		return nil, fmt.Errorf("recipient %d rows: %w", r.ID, err)
	}
	return &r, nil
}

// scanAfter lets a scanner of trailing columns (scanRecipient) read a row
// whose leading columns go to lead.
func scanAfter(row rowScanner, lead ...any) rowScanner { return prefixScanner{row, lead} }

type prefixScanner struct {
	row  rowScanner
	lead []any
}

func (p prefixScanner) Scan(dest ...any) error { return p.row.Scan(append(p.lead, dest...)...) }
