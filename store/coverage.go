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

// Coverage: the store reads an audience's recipients, their deliveries and
// the contact attempts; leakdesk.RankCoverage says where each one stands.

// Coverage is a durability barrier (see durable.go): no coverage, report or
// close is produced from delivery bookkeeping that a power cut could undo.
// A cached coverage needs no new barrier: every delivery outcome appends
// an event, so an unchanged event count means nothing was committed since
// the barrier that preceded the cached read. When events were appended
// since, and each names the one recipient it changes (a delivery's
// outcome, a contact), only those recipients are read again.
func (s *NoticeService) Coverage(ctx context.Context, incidentID int64) ([]*leakdesk.CoverageEntry, error) {
	var out []*leakdesk.CoverageEntry
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, false)
		if err != nil {
			return err
		}
		cached, cachedAt := s.cachedCoverage(incidentID)
		if cached != nil && cachedAt == inc.EventCount {
			out = copyEntries(cached)
			return nil
		}
		if err := s.db.markDurable(ctx, tx); err != nil {
			return err
		}
		entries, err := s.db.coverageSince(ctx, tx, incidentID, cached, cachedAt)
		if err != nil {
			return err
		}
		s.keepCoverage(incidentID, inc.EventCount, entries)
		out = copyEntries(entries)
		return nil
	})
	return out, err
}

// cachedCoverage returns the incident's cached coverage and the event
// count it was read at, or nil. The entries must not change.
func (s *NoticeService) cachedCoverage(incidentID int64) ([]*leakdesk.CoverageEntry, int64) {
	s.covMu.Lock()
	defer s.covMu.Unlock()
	c := s.coverage[incidentID]
	return c.entries, c.entriesAt
}

// keepCoverage caches an incident's coverage read at an event count,
// unless a newer one is cached already.
func (s *NoticeService) keepCoverage(incidentID, events int64, entries []*leakdesk.CoverageEntry) {
	s.keepCovered(incidentID, func(c *cachedCoverage) {
		if events > c.entriesAt {
			c.entries, c.entriesAt = entries, events
		}
	})
}

// keepCovered changes the incident's cache entry.
func (s *NoticeService) keepCovered(incidentID int64, change func(*cachedCoverage)) {
	s.covMu.Lock()
	defer s.covMu.Unlock()
	if s.coverage == nil {
		s.coverage = map[int64]cachedCoverage{}
	}
	c := s.coverage[incidentID]
	change(&c)
	s.coverage[incidentID] = c
}

// copyEntries copies the entries, in one allocation, so that callers may
// change them; their recipients are shared and must not change.
func copyEntries(entries []*leakdesk.CoverageEntry) []*leakdesk.CoverageEntry {
	values := make([]leakdesk.CoverageEntry, len(entries))
	out := make([]*leakdesk.CoverageEntry, len(entries))
	for i, e := range entries {
		values[i] = *e
		out[i] = &values[i]
	}
	return out
}

// coverage says where each recipient of an incident stands. The database
// reduces each recipient's deliveries and contact attempts to one row (the
// best state known, counts, the last error, channel and waiver reason), so
// that a board of 50,000 recipients reads 50,000 rows, not every delivery;
// it ranks by leakdesk.CoverageRanks and agrees with leakdesk.RankCoverage
// (TestCoverageAggregateAgreesWithRanking).
func (d *DB) coverage(ctx context.Context, tx *sql.Tx, incidentID int64) ([]*leakdesk.CoverageEntry, error) {
	return d.coverageOf(ctx, tx, incidentID, nil)
}

// coverageOf is coverage, of the recipients with the given IDs only, or of
// all when ids is nil.
func (d *DB) coverageOf(ctx context.Context, tx *sql.Tx, incidentID int64, ids []int64) ([]*leakdesk.CoverageEntry, error) {
	ranks := leakdesk.CoverageRanks()
	rows, err := tx.QueryContext(ctx, d.rebind(coverageQuery(ranks, ids)), incidentID, incidentID)
	if err != nil {
		return nil, fmt.Errorf("query coverage: %w", err)
	}
	defer rows.Close()
	var out []*leakdesk.CoverageEntry
	for rows.Next() {
		e := &leakdesk.CoverageEntry{}
		var deliveryRank, contactRank sql.NullInt64
		r, err := scanRecipient(scanAfter(rows, &e.Notices, &e.Pending, &e.LastError, &e.Channel, &e.Reason, &deliveryRank, &contactRank))
		if err != nil {
			return nil, err
		}
		e.Recipient = r
		e.State = leakdesk.BestCoverage(r, bestState(ranks, deliveryRank, contactRank))
		if e.State != leakdesk.CoverageOther {
			e.Channel = ""
		}
		e.Next = e.Suggest()
		out = append(out, e)
	}
	return out, rows.Err()
}

// bestState is the state of the better of two ranks that may be absent,
// "" when both are.
func bestState(ranks []string, deliveryRank, contactRank sql.NullInt64) string {
	if rank, ok := bestRank(deliveryRank, contactRank); ok && rank < int64(len(ranks)) {
		return ranks[rank]
	}
	return ""
}

// bestRank is the lower, that is better, of two ranks that may be absent.
func bestRank(a, b sql.NullInt64) (int64, bool) {
	switch {
	case a.Valid && b.Valid:
		return min(a.Int64, b.Int64), true
	case a.Valid:
		return a.Int64, true
	}
	return b.Int64, b.Valid
}

// coverageQuery reads each recipient of an incident (two parameters: the
// incident's ID) with what its deliveries, answers left out, and contact
// attempts say,
// grouped by recipient in the order of recipients, so that neither the
// grouping nor the order needs a sort. The last error, channel and reason
// are looked up through the indexes on recipient_id only for the
// recipients that have one.
func coverageQuery(ranks []string, ids []int64) string {
	only := func(column string) string {
		if ids == nil {
			return ""
		}
		list := make([]string, len(ids))
		for i, id := range ids {
			list[i] = strconv.FormatInt(id, 10)
		}
		return " AND " + column + " IN (" + strings.Join(list, ", ") + ")"
	}
	contactRank, deliveryRank := contactRankSQL(ranks), deliveryRankSQL(ranks)
	counted := func(states ...string) string {
		quoted := make([]string, len(states))
		for i, s := range states {
			quoted[i] = sqlString(s)
		}
		return "sum(CASE WHEN state IN (" + strings.Join(quoted, ", ") + ") THEN 1 ELSE 0 END)"
	}
	return `
		WITH c AS (
			SELECT recipient_id,
				max(CASE WHEN outcome = 'reached' THEN 1 ELSE 0 END) AS reached,
				max(CASE WHEN outcome = 'waived' THEN 1 ELSE 0 END) AS waived,
				min(` + contactRank + `) AS best
			FROM contact_attempts WHERE incident_id = ?` + only("recipient_id") + `
			GROUP BY recipient_id
		)
		SELECT ` + counted(leakdesk.DeliverySent, leakdesk.DeliveryDone) + `,
			` + counted(leakdesk.DeliveryQueued, leakdesk.DeliverySending) + `,
			CASE WHEN max(CASE WHEN x.last_error <> '' THEN 1 ELSE 0 END) = 1 THEN (SELECT e.last_error FROM deliveries e
				WHERE e.recipient_id = r.id AND e.last_error <> '' AND ` + notAnswer("e.notice_id") + ` ORDER BY e.notice_id DESC LIMIT 1) ELSE '' END,
			CASE WHEN max(c.reached) = 1 THEN (SELECT a.channel FROM contact_attempts a
				WHERE a.recipient_id = r.id AND a.incident_id = r.incident_id AND a.outcome = 'reached' ORDER BY a.id DESC LIMIT 1) ELSE '' END,
			CASE WHEN max(c.waived) = 1 THEN (SELECT a.note FROM contact_attempts a
				WHERE a.recipient_id = r.id AND a.incident_id = r.incident_id AND a.outcome = 'waived' ORDER BY a.id DESC LIMIT 1) ELSE '' END,
			min(` + deliveryRank + `), max(c.best),
			r.` + strings.ReplaceAll(recipientColumns, ", ", ", r.") + `
		FROM recipients r
		LEFT JOIN deliveries x ON x.recipient_id = r.id AND ` + notAnswer("x.notice_id") + `
		LEFT JOIN c ON c.recipient_id = r.id
		WHERE r.incident_id = ?` + only("r.id") + `
		GROUP BY r.id ORDER BY r.id`
}

// notAnswer leaves out the deliveries of answers mailed through the
// portal: an answer tells nobody of the leak, so coverage never counts it.
func notAnswer(noticeID string) string {
	return noticeID + " NOT IN (SELECT id FROM notices WHERE kind = " + sqlString(leakdesk.NoticeAnswer) + ")"
}

// contactRankSQL ranks a contact attempt's outcome among ranks, NULL for
// an outcome that reaches nobody.
func contactRankSQL(ranks []string) string {
	rank := "CASE outcome"
	for _, outcome := range []string{"acknowledged", "reached", "waived"} {
		rank += fmt.Sprintf(" WHEN %s THEN %d", sqlString(outcome), slices.Index(ranks, leakdesk.ContactCoverage(outcome)))
	}
	return rank + " END"
}

// deliveryRankSQL ranks a delivery's state among ranks. The states a
// delivery is most often in come first, since the database tries them in
// turn for every delivery.
func deliveryRankSQL(ranks []string) string {
	states := []string{leakdesk.DeliverySent, leakdesk.DeliveryDone, leakdesk.DeliveryQueued, leakdesk.DeliverySending, leakdesk.DeliveryBounced, leakdesk.DeliveryFailed}
	for _, state := range ranks {
		if !slices.Contains(states, state) {
			states = append(states, state)
		}
	}
	rank := "CASE state"
	for _, state := range states {
		if i := slices.Index(ranks, state); i >= 0 {
			rank += fmt.Sprintf(" WHEN %s THEN %d", sqlString(state), i)
		}
	}
	return rank + " END"
}

// sqlString quotes a constant of the code as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (s *NoticeService) AffectedOutsideAudience(ctx context.Context, incidentID int64) (int, error) {
	var n int
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		// Findings and recipients change only with an event, as coverage
		// does: the count is cached by the incident's event count too.
		var events int64
		switch err := s.db.queryRow(ctx, tx, `SELECT event_count FROM incidents WHERE id = ?`, incidentID).Scan(&events); {
		case err == sql.ErrNoRows:
			var err error
			n, err = s.db.affectedOutsideAudience(ctx, tx, incidentID)
			return err
		case err != nil:
			return fmt.Errorf("read event count: %w", err)
		}
		s.covMu.Lock()
		c := s.coverage[incidentID]
		s.covMu.Unlock()
		if c.outsideAt == events {
			n = c.outside
			return nil
		}
		var err error
		if n, err = s.db.affectedOutsideAudience(ctx, tx, incidentID); err != nil {
			return err
		}
		s.keepCovered(incidentID, func(c *cachedCoverage) {
			if events > c.outsideAt {
				c.outside, c.outsideAt = n, events
			}
		})
		return nil
	})
	return n, err
}

// affectedOutsideAudience counts the affected contacts of the latest
// findings that no notice can reach yet, because they are not recipients.
// NOT IN, not a correlated NOT EXISTS: recipients has no index on
// contact_id, and the databases run an uncorrelated subquery once, as a
// hashed set, where NOT EXISTS scanned the audience for every contact
// (minutes for 50,000 contacts). contact_id is NOT NULL, so NOT IN means
// the same.
func (d *DB) affectedOutsideAudience(ctx context.Context, tx *sql.Tx, incidentID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, d.rebind(`
		SELECT count(*) FROM affected_contacts a
		WHERE a.findings_id = (SELECT max(id) FROM findings WHERE incident_id = ?)
		AND a.contact_id NOT IN (SELECT r.contact_id FROM recipients r WHERE r.incident_id = ?)`),
		incidentID, incidentID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count affected contacts outside the audience: %w", err)
	}
	return n, nil
}

// unreachedBlock explains why an incident cannot close yet, or returns nil
// when everyone is reached or waived with a reason.
func (d *DB) unreachedBlock(ctx context.Context, tx *sql.Tx, inc *leakdesk.Incident) error {
	entries, err := d.coverage(ctx, tx, inc.ID)
	if err != nil {
		return err
	}
	outside, err := d.affectedOutsideAudience(ctx, tx, inc.ID)
	if err != nil {
		return err
	}
	return leakdesk.CheckEveryoneReached(inc, entries, outside)
}
