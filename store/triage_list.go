package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

var _ leakdesk.TriageLister = (*TriageService)(nil)

// proposedJoin finds the incident a file's alert proposed, by the alert's
// key (watch's alertKey: alert-, 16 hex digits of the hash, -, the number).
const proposedJoin = `LEFT JOIN proposed_incidents p ON p.alert_key = 'alert-' || substr(sha256, 1, 16) || '-' || CAST(id AS TEXT)`

func (s *TriageService) ListTriage(ctx context.Context, filter leakdesk.TriageFilter) (*leakdesk.TriagePage, error) {
	if !leakdesk.ValidTriageState(filter.State) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "invalid state %q: want queued, done, unread, failed or shredded", filter.State)
	}
	where, args := "1 = 1", []any{}
	switch filter.State {
	case "":
	case leakdesk.TriageShredded:
		where = "sha256 IN (SELECT sha256 FROM kept_file_shreds)"
	default:
		where, args = "state = ? AND sha256 NOT IN (SELECT sha256 FROM kept_file_shreds)", []any{filter.State}
	}
	if filter.Limit <= 0 {
		filter.Limit = 50
	}
	page := &leakdesk.TriagePage{Files: []leakdesk.TriageEntry{}}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT count(*) FROM triage_files WHERE `+where), args...).Scan(&page.Total); err != nil {
			return fmt.Errorf("count triaged files: %w", err)
		}
		rows, err := tx.QueryContext(ctx, s.db.rebind(`SELECT `+triageColumns+`, COALESCE(p.incident_id, 0) FROM triage_files `+proposedJoin+`
			WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`), append(args, filter.Limit, max(filter.Offset, 0))...)
		if err != nil {
			return fmt.Errorf("list triaged files: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e leakdesk.TriageEntry
			f, err := scanTriage(extraColumns{rows, []any{&e.Incident}})
			if err != nil {
				return err
			}
			f.RowSet = nil // the sketch of its values is for recycling, not for a list
			e.TriageFile = f
			page.Files = append(page.Files, e)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("list triaged files: %w", err)
		}
		return s.withShreds(ctx, tx, page.Files)
	})
	return page, err
}

// withShreds sets the shredding record of the files listed whose content
// was destroyed.
func (s *TriageService) withShreds(ctx context.Context, tx *sql.Tx, files []leakdesk.TriageEntry) error {
	if len(files) == 0 {
		return nil
	}
	sums := make([]any, len(files))
	for i, f := range files {
		sums[i] = f.SHA256
	}
	shreds, err := s.db.findKeptShreds(ctx, tx, `SELECT sha256 FROM triage_files WHERE sha256 IN (?`+strings.Repeat(", ?", len(sums)-1)+`)`, sums...)
	for _, f := range files {
		f.Shredded = shreds[f.SHA256]
	}
	return err
}

// extraColumns scans a row's columns after those its caller scans.
type extraColumns struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (e extraColumns) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }
