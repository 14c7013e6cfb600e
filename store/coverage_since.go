package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/leakdesk/leakdesk"
)

// maxPatchedRecipients bounds the recipients a cached coverage is brought
// up to date for, one by one; past it, reading everyone again is cheaper.
const maxPatchedRecipients = 500

// coverageSince brings cached, the coverage read at cachedAt events, up to
// date: when every event since names the one recipient it changes, only
// those recipients are read again and the others' entries are kept;
// otherwise (new recipients, a new notice, any other kind of event, or
// nothing cached) everyone is read again. Cached entries are not changed.
func (d *DB) coverageSince(ctx context.Context, tx *sql.Tx, incidentID int64, cached []*leakdesk.CoverageEntry, cachedAt int64) ([]*leakdesk.CoverageEntry, error) {
	if cached == nil {
		return d.coverage(ctx, tx, incidentID)
	}
	keys, narrow, err := d.changedRecipients(ctx, tx, incidentID, cachedAt)
	if err != nil {
		return nil, err
	}
	index := make(map[string]int, len(keys))
	ids := make([]int64, 0, len(keys))
	for _, key := range keys {
		if !narrow {
			break
		}
		i := slices.IndexFunc(cached, func(e *leakdesk.CoverageEntry) bool { return e.Recipient.Key == key })
		if i < 0 {
			narrow = false // a recipient added since: read everyone
			break
		}
		if _, seen := index[key]; !seen {
			index[key] = i
			ids = append(ids, cached[i].Recipient.ID)
		}
	}
	if !narrow {
		return d.coverage(ctx, tx, incidentID)
	}
	fresh, err := d.coverageOf(ctx, tx, incidentID, ids)
	if err != nil {
		return nil, err
	}
	if len(fresh) != len(ids) {
		return d.coverage(ctx, tx, incidentID)
	}
	out := slices.Clone(cached)
	for _, e := range fresh {
		out[index[e.Recipient.Key]] = e
	}
	return out, nil
}

// changedRecipients returns the keys of the recipients that the events
// after seq changed, and narrow true when each of those events changes
// the coverage of the one recipient it names and nobody else's.
func (d *DB) changedRecipients(ctx context.Context, tx *sql.Tx, incidentID, seq int64) (keys []string, narrow bool, err error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT kind, details FROM events WHERE incident_id = ? AND seq > ? ORDER BY seq LIMIT ?`),
		incidentID, seq, maxPatchedRecipients+1)
	if err != nil {
		return nil, false, fmt.Errorf("query events since the cached coverage: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, details string
		if err := rows.Scan(&kind, &details); err != nil {
			return nil, false, fmt.Errorf("scan event: %w", err)
		}
		switch kind {
		case leakdesk.EventDeliveryChanged, leakdesk.EventContactRecorded, leakdesk.EventAcknowledged:
		default:
			return nil, false, nil
		}
		// Both payloads name the recipient by key in "recipient".
		var named struct {
			Recipient string `json:"recipient"`
		}
		if json.Unmarshal([]byte(details), &named) != nil || named.Recipient == "" {
			return nil, false, nil
		}
		keys = append(keys, named.Recipient)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read events since the cached coverage: %w", err)
	}
	return keys, len(keys) > 0 && len(keys) <= maxPatchedRecipients, nil
}
