package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// The coverage board counts in SQL what Coverage says of each recipient:
// the database reduces every recipient to its best delivery and contact
// ranks, then counts the recipients alike (same organisation, kind,
// address or none, ranks and channel), so that a board of 50,000
// recipients reads a few thousand rows of counts and one page of
// recipients, not 50,000 rows of recipients.

// CoverageBoard is, like Coverage, a durability barrier. Its counts are
// cached by the incident's event count, an exact key for the same reason
// as Coverage's (see there); the page of unreached recipients is read
// every time.
func (s *NoticeService) CoverageBoard(ctx context.Context, incidentID int64, offset, limit int) (*leakdesk.CoverageBoard, error) {
	var board leakdesk.CoverageBoard
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
			if counts, err = s.db.coverageCounts(ctx, tx, incidentID); err != nil {
				return err
			}
			s.keepCovered(incidentID, func(c *cachedCoverage) {
				if inc.EventCount > c.boardAt {
					c.board, c.boardAt = counts, inc.EventCount
				}
			})
		}
		// The cached counts are shared: the caller gets its own maps.
		board = *counts
		board.Summary.ByKind = maps.Clone(counts.Summary.ByKind)
		board.ByOrganisation = maps.Clone(counts.ByOrganisation)
		if board.Summary.All.Unreached > offset && limit > 0 {
			board.Unreached, err = s.db.unreachedCoverage(ctx, tx, incidentID, offset, limit)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &board, nil
}

// cachedBoard returns the incident's cached board counts and the event
// count they were read at, or nil.
func (s *NoticeService) cachedBoard(incidentID int64) (*leakdesk.CoverageBoard, int64) {
	s.covMu.Lock()
	defer s.covMu.Unlock()
	c := s.coverage[incidentID]
	return c.board, c.boardAt
}

// coverageCounts counts the incident's recipients by coverage state, in
// all, by kind and by organisation, with the affected contacts outside the
// audience; it reads no recipient.
func (d *DB) coverageCounts(ctx context.Context, tx *sql.Tx, incidentID int64) (*leakdesk.CoverageBoard, error) {
	ranks := leakdesk.CoverageRanks()
	rows, err := tx.QueryContext(ctx, d.rebind(coverageCountsQuery(ranks)), incidentID, incidentID)
	if err != nil {
		return nil, fmt.Errorf("query coverage counts: %w", err)
	}
	defer rows.Close()
	b := &leakdesk.CoverageBoard{Summary: leakdesk.CoverageSummary{ByKind: map[string]leakdesk.CoverageCounts{}},
		ByOrganisation: map[string]leakdesk.CoverageCounts{}}
	for rows.Next() {
		var organisation, kind string
		var noAddress bool
		var deliveryRank, contactRank sql.NullInt64
		var byPhone sql.NullBool
		var n int
		if err := rows.Scan(&organisation, &kind, &noAddress, &deliveryRank, &contactRank, &byPhone, &n); err != nil {
			return nil, fmt.Errorf("scan coverage counts: %w", err)
		}
		state := leakdesk.BestCoverage(addressOrNone(noAddress), bestState(ranks, deliveryRank, contactRank))
		channel := ""
		if byPhone.Bool {
			channel = "phone"
		}
		b.Summary.All.Count(state, channel, n)
		byKind, byOrganisation := b.Summary.ByKind[kind], b.ByOrganisation[organisation]
		byKind.Count(state, channel, n)
		byOrganisation.Count(state, channel, n)
		b.Summary.ByKind[kind], b.ByOrganisation[organisation] = byKind, byOrganisation
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read coverage counts: %w", err)
	}
	if b.NotInList, err = d.affectedOutsideAudience(ctx, tx, incidentID); err != nil {
		return nil, err
	}
	return b, nil
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
	rows, err := tx.QueryContext(ctx, d.rebind(unreachedQuery(leakdesk.CoverageRanks())), incidentID, incidentID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("query unreached recipients: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var ranks [3]sql.NullInt64 // the grouping's, read by the query alone
		if err := rows.Scan(&id, &ranks[0], &ranks[1], &ranks[2]); err != nil {
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

// bestRanksQuery reduces each recipient of an incident to its best
// delivery rank (delivery_best) and best contact rank (contact_best), and
// the ID of its last contact attempt that reached it (reached), with
// columns, and then ends with tail; grouped by recipient, it walks the
// recipients in order, and reads only the deliveries' index. Two
// parameters: the incident's ID.
func bestRanksQuery(ranks []string, columns, tail string) string {
	return `
		WITH c AS (
			SELECT recipient_id, min(` + contactRankSQL(ranks) + `) AS best,
				max(CASE WHEN outcome = 'reached' THEN id END) AS reached
			FROM contact_attempts WHERE incident_id = ?
			GROUP BY recipient_id
		)
		SELECT ` + columns + `, ` + deliveryBest(ranks) + ` AS delivery_best,
			` + contactBest + ` AS contact_best, max(c.reached) AS reached
		FROM recipients r
		LEFT JOIN deliveries x ON x.recipient_id = r.id
		LEFT JOIN c ON c.recipient_id = r.id
		WHERE r.incident_id = ?
		GROUP BY r.id ` + tail
}

// deliveryBest and contactBest are a recipient's best ranks in
// bestRanksQuery, written out for its tail: PostgreSQL's HAVING cannot
// name an output column.
func deliveryBest(ranks []string) string { return "min(" + deliveryRankSQL(ranks) + ")" }

const contactBest = "max(c.best)"

// coverageCountsQuery counts the recipients of an incident alike for
// coverage: organisation, kind, without an address, best ranks, and
// whether the last contact that reached them was by phone.
func coverageCountsQuery(ranks []string) string {
	return `
		SELECT s.organisation, s.kind, s.no_address, s.delivery_best, s.contact_best, a.channel = 'phone', count(*)
		FROM (` + bestRanksQuery(ranks, `r.organisation, r.kind, r.email = '' AS no_address`, "") + `) s
		LEFT JOIN contact_attempts a ON a.id = s.reached
		GROUP BY s.organisation, s.kind, s.no_address, s.delivery_best, s.contact_best, a.channel = 'phone'`
}

// unreachedQuery lists the IDs of an incident's unreached recipients, in
// order, with a limit and an offset: those whose better rank is absent or
// one that leakdesk.BestCoverage says is unreached. The condition is the
// grouping's own (HAVING), so that the first pages stop early.
func unreachedQuery(ranks []string) string {
	unreached := []string{"-1"}
	for i, state := range ranks {
		e := leakdesk.CoverageEntry{State: leakdesk.BestCoverage(addressOrNone(false), state)}
		if e.Unreached() {
			unreached = append(unreached, strconv.Itoa(i))
		}
	}
	d := deliveryBest(ranks)
	return bestRanksQuery(ranks, `r.id`, `
		HAVING coalesce(CASE WHEN `+contactBest+` IS NULL OR `+d+` <= `+contactBest+` THEN `+d+` ELSE `+contactBest+` END, -1)
			IN (`+strings.Join(unreached, ", ")+`)
		ORDER BY r.id LIMIT ? OFFSET ?`)
}
