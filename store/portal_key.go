package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"fmt"
)

// A portal link's secret is derived, so that a notice sent later can carry
// it while the store keeps only its hash: HMAC-SHA256, under a random key
// of the incident, of the incident, the organisation and the link's
// generation. The organisation's ID is length-prefixed, so that no two
// (organisation, generation) pairs give the same input.

// portalSecret is the secret of the link of generation gen of orgID in the
// incident, under key.
func portalSecret(key []byte, incidentID int64, orgID string, gen int64) string {
	msg := []byte("leakdesk portal link\x00")
	msg = binary.AppendUvarint(msg, uint64(incidentID))
	msg = binary.AppendUvarint(msg, uint64(len(orgID)))
	msg = append(msg, orgID...)
	msg = binary.AppendUvarint(msg, uint64(gen))
	mac := hmac.New(sha256.New, key)
	mac.Write(msg)
	return PortalPrefix + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// portalKey returns the incident's key for its portal links, made on first
// use.
func (d *DB) portalKey(ctx context.Context, tx *sql.Tx, incidentID int64) ([]byte, error) {
	var key []byte
	err := tx.QueryRowContext(ctx, d.rebind(`SELECT link_key FROM portal_keys WHERE incident_id = ?`), incidentID).Scan(&key)
	if err == nil {
		return key, nil
	}
	if err != sql.ErrNoRows {
		return nil, fmt.Errorf("read the portal key: %w", err)
	}
	key = make([]byte, saltSize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("make the portal key: %w", err)
	}
	if _, err := d.exec(ctx, tx, `INSERT INTO portal_keys (incident_id, link_key) VALUES (?, ?) ON CONFLICT DO NOTHING`, incidentID, key); err != nil {
		return nil, fmt.Errorf("store the portal key: %w", err)
	}
	// Another transaction may have stored its key first: use the one kept.
	if err := tx.QueryRowContext(ctx, d.rebind(`SELECT link_key FROM portal_keys WHERE incident_id = ?`), incidentID).Scan(&key); err != nil {
		return nil, fmt.Errorf("read the portal key: %w", err)
	}
	return key, nil
}
