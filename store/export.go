package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// ExportService implements leakdesk.ExportService.
type ExportService struct{ db *DB }

var _ leakdesk.ExportService = (*ExportService)(nil)

// NewExportService returns the export service backed by db.
func NewExportService(db *DB) *ExportService { return &ExportService{db: db} }

func (s *ExportService) RecordExport(ctx context.Context, e *leakdesk.Export) error {
	if !strings.HasPrefix(e.ID, "FX-") || e.Recipient == "" || e.Actor == "" || len(e.SHA256) != 64 {
		return leakdesk.Errorf(leakdesk.EINVALID, "an export needs an FX- ID, a recipient, an actor and the file's SHA-256")
	}
	columns, _ := json.Marshal(e.Columns)
	positions, _ := json.Marshal(e.Positions)
	decoys := ""
	if len(e.DecoyContacts) > 0 || len(e.DecoyDomains) > 0 {
		b, _ := json.Marshal(decoySet{Domains: e.DecoyDomains, PhoneRanges: e.DecoyPhoneRanges, Contacts: e.DecoyContacts})
		decoys = string(b)
	}
	e.CreatedAt = s.db.now()
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT count(*) FROM exports WHERE id = ?`), e.ID).Scan(&n); err != nil {
			return fmt.Errorf("check export: %w", err)
		}
		if n > 0 {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "export %s is already recorded", e.ID)
		}
		_, err := tx.ExecContext(ctx, s.db.rebind(`
			INSERT INTO exports (id, recipient, purpose, filter, columns, format, region, file, sha256, n_rows, decoys, decoy_domain, decoy_phone, decoy_pool, decoy_set, positions, actor, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			e.ID, e.Recipient, e.Purpose, e.Filter, string(columns), e.Format, e.Region, e.File, e.SHA256, e.Rows, e.Decoys,
			e.DecoyDomain, e.DecoyPhone, e.DecoyPool, decoys, string(positions), e.Actor, s.db.timeArg(e.CreatedAt))
		if err != nil {
			return fmt.Errorf("insert export: %w", err)
		}
		return nil
	})
}

func (s *ExportService) Exports(ctx context.Context) ([]*leakdesk.Export, error) {
	var list []*leakdesk.Export
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT id, recipient, purpose, filter, columns, format, region, file, sha256, n_rows, decoys, decoy_domain, decoy_phone, decoy_pool, decoy_set, positions, actor, created_at
			FROM exports ORDER BY created_at, id`)
		if err != nil {
			return fmt.Errorf("query exports: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e leakdesk.Export
			var columns, positions, decoys string
			if err := rows.Scan(&e.ID, &e.Recipient, &e.Purpose, &e.Filter, &columns, &e.Format, &e.Region, &e.File, &e.SHA256, &e.Rows, &e.Decoys,
				&e.DecoyDomain, &e.DecoyPhone, &e.DecoyPool, &decoys, &positions, &e.Actor, scanTime{&e.CreatedAt}); err != nil {
				return fmt.Errorf("scan export: %w", err)
			}
			if err := json.Unmarshal([]byte(columns), &e.Columns); err != nil {
				return fmt.Errorf("export %s columns: %w", e.ID, err)
			}
			if err := json.Unmarshal([]byte(positions), &e.Positions); err != nil {
				return fmt.Errorf("export %s positions: %w", e.ID, err)
			}
			if decoys != "" {
				var set decoySet
				if err := json.Unmarshal([]byte(decoys), &set); err != nil {
					return fmt.Errorf("export %s decoys: %w", e.ID, err)
				}
				e.DecoyDomains, e.DecoyPhoneRanges, e.DecoyContacts = set.Domains, set.PhoneRanges, set.Contacts
			}
			list = append(list, &e)
		}
		return rows.Err()
	})
	return list, err
}

// decoySet is the decoy_set column: what an export's decoys were drawn
// from, and the pool.
type decoySet struct {
	Domains     []string                `json:"domains"`
	PhoneRanges []string                `json:"phone_ranges"`
	Contacts    []leakdesk.DecoyContact `json:"contacts"`
}
