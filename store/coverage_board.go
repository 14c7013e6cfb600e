package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// The coverage board counts in SQL what Coverage says of each recipient:
// each recipient's row holds its best delivery and contact ranks (see
// refreshRanks), and the database counts the recipients alike (same
// organisation, kind, address or none, ranks and channel), so that a
// board of 50,000 recipients reads a few thousand rows of counts and one
// page of recipients, not 50,000 rows of recipients nor their deliveries.

// CoverageBoard is, like Coverage, a durability barrier. Its counts are
// cached by the incident's event count, an exact key for the same reason
// as Coverage's (see there); when every event since names the one
// recipient it changes, only those recipients' organisations are counted
// again. The page of unreached recipients is read every time.
func (s *NoticeService) CoverageBoard(ctx context.Context, incidentID int64, offset, limit int) (*leakdesk.CoverageBoard, error) {
	var board *leakdesk.CoverageBoard
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, false)
		if err != nil {
			return err
		}
		counts, countedAt := s.cachedBoard(incidentID)
		if counts == nil || countedAt != inc.EventCount {
			if err := s.db.markDurable(ctx, tx); err != nil {
				return err
			}
			if counts, err = s.db.boardCountsSince(ctx, tx, incidentID, counts, countedAt); err != nil {
				return err
			}
			s.keepCovered(incidentID, func(c *cachedCoverage) {
				if inc.EventCount > c.boardAt {
					c.board, c.boardAt = counts, inc.EventCount
				}
			})
		}
		board = counts.board()
		if board.Summary.All.Unreached > offset && limit > 0 {
			board.Unreached, err = s.db.unreachedCoverage(ctx, tx, incidentID, offset, limit)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return board, nil
}

// cachedBoard returns the incident's cached board counts and the event
// count they were read at, or nil.
func (s *NoticeService) cachedBoard(incidentID int64) (*boardCounts, int64) {
	s.covMu.Lock()
	defer s.covMu.Unlock()
	c := s.coverage[incidentID]
	return c.board, c.boardAt
}

// coverageGroup is the recipients that the board counts together.
type coverageGroup struct{ orgID, organisation, kind string }

// boardCounts are an incident's coverage counts by group, and the
// affected contacts outside the audience. Once cached, they never change.
type boardCounts struct {
	groups    map[coverageGroup]leakdesk.CoverageCounts
	notInList int
}

// board sums the counts in all, by kind and by organisation.
func (b *boardCounts) board() *leakdesk.CoverageBoard {
	out := &leakdesk.CoverageBoard{Summary: leakdesk.CoverageSummary{ByKind: map[string]leakdesk.CoverageCounts{}},
		ByOrganisation: map[string]leakdesk.CoverageCounts{}, NotInList: b.notInList}
	for g, c := range b.groups {
		out.Summary.All = out.Summary.All.Plus(c)
		out.Summary.ByKind[g.kind] = out.Summary.ByKind[g.kind].Plus(c)
		out.ByOrganisation[g.organisation] = out.ByOrganisation[g.organisation].Plus(c)
	}
	return out
}

// boardCountsSince brings cached, the counts read at cachedAt events, up
// to date: when every event since names the one recipient it changes
// (see changedRecipients), the groups of those recipients' organisations
// are counted again and the others kept; otherwise everyone is counted.
func (d *DB) boardCountsSince(ctx context.Context, tx *sql.Tx, incidentID int64, cached *boardCounts, cachedAt int64) (*boardCounts, error) {
	if cached != nil {
		keys, narrow, err := d.changedRecipients(ctx, tx, incidentID, cachedAt)
		if err != nil {
			return nil, err
		}
		var orgIDs []string
		if narrow {
			if orgIDs, narrow, err = d.organisationsOf(ctx, tx, incidentID, keys); err != nil {
				return nil, err
			}
		}
		if narrow {
			fresh, err := d.coverageCounts(ctx, tx, incidentID, orgIDs)
			if err != nil {
				return nil, err
			}
			for g, c := range cached.groups {
				if !slices.Contains(orgIDs, g.orgID) {
					fresh[g] = c
				}
			}
			return &boardCounts{groups: fresh, notInList: cached.notInList}, nil
		}
	}
	groups, err := d.coverageCounts(ctx, tx, incidentID, nil)
	if err != nil {
		return nil, err
	}
	notInList, err := d.affectedOutsideAudience(ctx, tx, incidentID)
	if err != nil {
		return nil, err
	}
	return &boardCounts{groups: groups, notInList: notInList}, nil
}

// organisationsOf returns the organisation IDs of the recipients with the
// given keys, and false if one of them is not a recipient (yet).
func (d *DB) organisationsOf(ctx context.Context, tx *sql.Tx, incidentID int64, keys []string) ([]string, bool, error) {
	keys = slices.Compact(slices.Sorted(slices.Values(keys)))
	args := []any{incidentID}
	for _, k := range keys {
		args = append(args, k)
	}
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT DISTINCT recipient_key, org_id FROM recipients
		WHERE incident_id = ? AND recipient_key IN (`+placeholders(len(keys))+`)`), args...)
	if err != nil {
		return nil, false, fmt.Errorf("query the changed recipients' organisations: %w", err)
	}
	defer rows.Close()
	found := 0
	var orgIDs []string
	for rows.Next() {
		var key, orgID string
		if err := rows.Scan(&key, &orgID); err != nil {
			return nil, false, fmt.Errorf("scan a changed recipient's organisation: %w", err)
		}
		found++
		if !slices.Contains(orgIDs, orgID) {
			orgIDs = append(orgIDs, orgID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("read the changed recipients' organisations: %w", err)
	}
	return orgIDs, found == len(keys), nil
}

// placeholders is n query parameters, separated by commas.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// coverageCounts counts the incident's recipients by group and coverage
// state, those of the organisations with orgIDs only unless orgIDs is nil;
// it reads no recipient.
func (d *DB) coverageCounts(ctx context.Context, tx *sql.Tx, incidentID int64, orgIDs []string) (map[coverageGroup]leakdesk.CoverageCounts, error) {
	ranks := leakdesk.CoverageRanks()
	args := []any{incidentID}
	for _, id := range orgIDs {
		args = append(args, id)
	}
	rows, err := tx.QueryContext(ctx, d.rebind(coverageCountsQuery(orgIDs != nil, len(orgIDs))), args...)
	if err != nil {
		return nil, fmt.Errorf("query coverage counts: %w", err)
	}
	defer rows.Close()
	groups := map[coverageGroup]leakdesk.CoverageCounts{}
	for rows.Next() {
		var g coverageGroup
		var deliveryRank, contactRank sql.NullInt64
		var channel string
		var n, noAddress int
		if err := rows.Scan(&g.orgID, &g.organisation, &g.kind, &deliveryRank, &contactRank, &channel, &n, &noAddress); err != nil {
			return nil, fmt.Errorf("scan coverage counts: %w", err)
		}
		best := bestState(ranks, deliveryRank, contactRank)
		c := groups[g]
		c.Count(leakdesk.BestCoverage(addressOrNone(true), best), channel, noAddress)
		c.Count(leakdesk.BestCoverage(addressOrNone(false), best), channel, n-noAddress)
		groups[g] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read coverage counts: %w", err)
	}
	return groups, nil
}

// addressOrNone stands for the recipients counted together, for
// leakdesk.BestCoverage, which reads only whether one has an address.
func addressOrNone(none bool) *leakdesk.Recipient {
	if none {
		return &leakdesk.Recipient{}
	}
	return &leakdesk.Recipient{Email: "(an address)"}
}

// unreachedCoverage returns the coverage of the incident's unreached
// recipients from the offset-th, at most limit of them, in the order of
// recipients.
func (d *DB) unreachedCoverage(ctx context.Context, tx *sql.Tx, incidentID int64, offset, limit int) ([]*leakdesk.CoverageEntry, error) {
	least := "min" // SQLite's min of two values
	if d.postgres {
		least = "least"
	}
	rows, err := tx.QueryContext(ctx, d.rebind(unreachedQuery(leakdesk.CoverageRanks(), least)), incidentID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("query unreached recipients: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan unreached recipient: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read unreached recipients: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return d.coverageOf(ctx, tx, incidentID, ids)
}

// coverageCountsQuery counts the recipients of an incident alike for
// coverage: organisation, kind, best delivery and contact ranks, and the
// channel of the last contact that reached them, all on the recipient's
// row (see refreshRanks), and counts those without an address among them.
// It walks the index recipients_coverage in its order. One parameter, the
// incident's ID, and when organisations is true, n organisation IDs after
// it: only their recipients are counted.
func coverageCountsQuery(organisations bool, n int) string {
	filter := ""
	if organisations {
		filter = " AND org_id IN (" + placeholders(n) + ")"
	}
	return `
		SELECT org_id, organisation, kind, delivery_rank, contact_rank, reached_channel,
			count(*), sum(CASE WHEN email = '' THEN 1 ELSE 0 END)
		FROM recipients WHERE incident_id = ?` + filter + `
		GROUP BY org_id, organisation, kind, delivery_rank, contact_rank, reached_channel`
}

// unreachedQuery lists the IDs of an incident's unreached recipients, in
// order, with a limit and an offset: those whose better rank is absent or
// one that leakdesk.BestCoverage says is unreached, by the ranks on their
// rows (see refreshRanks), walked in order so that both databases stop at
// the end of the page. least is the dialect's smaller of two values.
func unreachedQuery(ranks []string, least string) string {
	const none = 99 // ranks are indexes of ranks: smaller
	unreached := []string{strconv.Itoa(none)}
	for i, state := range ranks {
		e := leakdesk.CoverageEntry{State: leakdesk.BestCoverage(addressOrNone(false), state)}
		if e.Unreached() {
			unreached = append(unreached, strconv.Itoa(i))
		}
	}
	return fmt.Sprintf(`
		SELECT id FROM recipients
		WHERE incident_id = ? AND %s(coalesce(delivery_rank, %d), coalesce(contact_rank, %d)) IN (%s)
		ORDER BY id LIMIT ? OFFSET ?`, least, none, none, strings.Join(unreached, ", "))
}
