package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// IncidentService implements leakdesk.IncidentService.
type IncidentService struct {
	db     *DB
	clocks leakdesk.Clocks
}

var _ leakdesk.IncidentService = (*IncidentService)(nil)

// NewIncidentService returns the incident service backed by db, which
// checks filings and closings against the legal clocks.
func NewIncidentService(db *DB, clocks leakdesk.Clocks) *IncidentService {
	return &IncidentService{db: db, clocks: clocks}
}

// checkAwareness refuses an awareness time in the future.
func (s *IncidentService) checkAwareness(at time.Time) error {
	if now := s.db.now(); at.After(now.Add(time.Minute)) {
		return leakdesk.Errorf(leakdesk.EINVALID, "the awareness time %s is in the future (it is now %s): awareness is when the organisation learnt of the breach",
			at.UTC().Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return nil
}

// checkNew defaults and checks an incident about to be opened.
func (s *IncidentService) checkNew(inc *leakdesk.Incident) error {
	if inc.TimeZone == "" {
		inc.TimeZone = "UTC"
	}
	if err := inc.Validate(); err != nil {
		return err
	}
	return s.checkAwareness(inc.AwareAt)
}

func (s *IncidentService) CreateIncident(ctx context.Context, inc *leakdesk.Incident, actor string) error {
	if err := s.checkNew(inc); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return s.createIncident(ctx, tx, inc, actor, nil) })
}

// createIncident inserts inc and its opening event, whose details, if
// given, are completed with inc's fields.
func (s *IncidentService) createIncident(ctx context.Context, tx *sql.Tx, inc *leakdesk.Incident, actor string, details *leakdesk.IncidentOpenedPayload) error {
	now := s.db.now()
	inc.Status, inc.CreatedAt = leakdesk.StatusOpen, now
	inc.AwareAt = inc.AwareAt.UTC().Truncate(leakdesk.TimePrecision)
	files := ""
	if len(inc.RegimeFiles) > 0 {
		data, err := json.Marshal(inc.RegimeFiles)
		if err != nil {
			return fmt.Errorf("encode regime files: %w", err)
		}
		files = string(data)
	}
	err := tx.QueryRowContext(ctx, s.db.rebind(`
		INSERT INTO incidents (title, status, aware_at, discovered_by, role, regimes, country, time_zone, created_at, regime_files)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`),
		inc.Title, inc.Status, s.db.timeArg(inc.AwareAt), inc.DiscoveredBy, inc.Role,
		strings.Join(inc.Regimes, ","), inc.Country, inc.TimeZone, s.db.timeArg(now), files,
	).Scan(&inc.ID)
	if err != nil {
		return fmt.Errorf("insert incident: %w", err)
	}
	// The opening event occurs at the awareness time, the moment the
	// timeline must prove; without one, when the incident was opened.
	occurred := inc.AwareAt
	if occurred.IsZero() {
		occurred = now
	}
	if details == nil {
		details = &leakdesk.IncidentOpenedPayload{}
	}
	details.AwareAt, details.Title, details.Role, details.Regimes, details.Country = optionalTime(inc.AwareAt), inc.Title, inc.Role, inc.Regimes, inc.Country
	details.DiscoveredBy, details.TimeZone = inc.DiscoveredBy, inc.TimeZone
	if len(inc.RegimeFiles) > 0 {
		details.RegimeFilesSHA256 = regimeDigests(inc.RegimeFiles)
	}
	ev := leakdesk.NewEvent(inc.ID, actor, leakdesk.EventIncidentOpened, occurred, details)
	if err := s.db.appendEvent(ctx, tx, ev); err != nil {
		return err
	}
	inc.EventCount, inc.HeadHash = ev.Seq, ev.Hash
	return nil
}

func (s *IncidentService) FindIncidentByID(ctx context.Context, id int64) (*leakdesk.Incident, error) {
	var inc *leakdesk.Incident
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		inc, err = s.db.findIncidentByID(ctx, tx, id, false)
		return err
	})
	return inc, err
}

func (s *IncidentService) FindIncidents(ctx context.Context, filter leakdesk.IncidentFilter) ([]*leakdesk.Incident, error) {
	var list []*leakdesk.Incident
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		list, err = s.db.findIncidents(ctx, tx, filter, false)
		return err
	})
	return list, err
}

func (s *IncidentService) CloseIncident(ctx context.Context, id int64, actor, reason string, at time.Time, waived map[string]string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := s.db.recordBlock(ctx, tx, inc); err != nil {
			return err
		}
		if inc.Status == leakdesk.StatusClosed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "incident %s is already closed", inc.PublicID())
		}
		if err := s.db.unreachedBlock(ctx, tx, inc); err != nil {
			return err
		}
		if err := s.obligationsBlock(ctx, tx, inc, waived); err != nil {
			return err
		}
		if at.IsZero() {
			at = s.db.now()
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE incidents SET status = ?, closed_at = ? WHERE id = ?`),
			leakdesk.StatusClosed, s.db.timeArg(at), id); err != nil {
			return fmt.Errorf("close incident: %w", err)
		}
		details := leakdesk.IncidentClosedPayload{Reason: reason, Waived: waived}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(id, actor, leakdesk.EventIncidentClosed, at, details))
	})
}

// obligationsBlock explains why an incident cannot close while legal
// obligations are outstanding, or returns nil when each one is filed, does
// not apply, or is waived with a reason.
func (s *IncidentService) obligationsBlock(ctx context.Context, tx *sql.Tx, inc *leakdesk.Incident, waived map[string]string) error {
	filings, err := s.db.findFilings(ctx, tx, inc.ID)
	if err != nil {
		return err
	}
	deadlines, err := s.clocks.Deadlines(inc, filings, s.db.now())
	if err != nil {
		return err
	}
	unfinished := leakdesk.Unfinished(deadlines)
	outstanding := map[string]bool{}
	var blocking []string
	for _, d := range unfinished {
		outstanding[d.Obligation] = true
		if strings.TrimSpace(waived[d.Obligation]) == "" {
			line := d.Obligation + " (" + d.Article + ", " + d.Status
			if !d.Due.IsZero() {
				line += ", due " + d.Due.In(inc.Location()).Format(time.RFC3339)
			}
			blocking = append(blocking, line+")")
		}
	}
	for o := range waived {
		if !outstanding[o] {
			return leakdesk.Errorf(leakdesk.EINVALID, "%s cannot be waived: it is not an outstanding obligation of %s", o, inc.PublicID())
		}
	}
	if len(blocking) == 0 {
		return nil
	}
	return leakdesk.Errorf(leakdesk.ECONFLICT, "%s cannot be closed: %d legal obligation(s) are outstanding: %s. File each one (leakdesk filed), or record why it is not needed with --waive OBLIGATION=\"reason\"",
		inc.PublicID(), len(blocking), strings.Join(blocking, "; "))
}

func (s *IncidentService) ReopenIncident(ctx context.Context, id int64, actor, reason string, at time.Time) error {
	if strings.TrimSpace(reason) == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "a reason is required to reopen an incident")
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if inc.Status != leakdesk.StatusClosed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "incident %s is open", inc.PublicID())
		}
		if at.IsZero() {
			at = s.db.now()
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE incidents SET status = ?, closed_at = NULL WHERE id = ?`), leakdesk.StatusOpen, id); err != nil {
			return fmt.Errorf("reopen incident: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(id, actor, leakdesk.EventIncidentReopened, at, leakdesk.IncidentReopenedPayload{
			Reason: reason, ClosedAt: inc.ClosedAt,
		}))
	})
}

func (s *IncidentService) SetAwareness(ctx context.Context, id int64, actor string, at time.Time, reason string) error {
	if at.IsZero() {
		return leakdesk.Errorf(leakdesk.EINVALID, "awareness time is required")
	}
	if err := s.checkAwareness(at); err != nil {
		return err
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, id, true)
		if err != nil {
			return err
		}
		at = at.UTC().Truncate(leakdesk.TimePrecision)
		filings, err := s.db.findFilings(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, f := range filings {
			if f.FiledAt.Before(at) {
				return leakdesk.Errorf(leakdesk.EINVALID, "awareness at %s would come after %s, filed %s: a filing cannot precede awareness",
					at.In(inc.Location()).Format(time.RFC3339), f.Obligation, f.FiledAt.In(inc.Location()).Format(time.RFC3339))
			}
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE incidents SET aware_at = ? WHERE id = ?`), s.db.timeArg(at), id); err != nil {
			return fmt.Errorf("set awareness time: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(id, actor, leakdesk.EventAwarenessSet, at, leakdesk.AwarenessSetPayload{
			AwareAt: at, Previous: optionalTime(inc.AwareAt), Reason: reason,
		}))
	})
}

func (s *IncidentService) AppendEvent(ctx context.Context, ev *leakdesk.Event) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error { return s.db.appendEvent(ctx, tx, ev) })
}

func (s *IncidentService) FindEvents(ctx context.Context, incidentID int64) ([]*leakdesk.Event, error) {
	var events []*leakdesk.Event
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var err error
		events, err = s.db.findEvents(ctx, tx, incidentID)
		return err
	})
	return events, err
}

func (s *IncidentService) VerifyTimeline(ctx context.Context, incidentID int64) (*leakdesk.ChainReport, error) {
	var report *leakdesk.ChainReport
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, false)
		if err != nil {
			return err
		}
		events, err := s.db.findEvents(ctx, tx, incidentID)
		if err != nil {
			return err
		}
		if report = leakdesk.VerifyChain(inc, events); !report.OK {
			return nil
		}
		// Values first: a changed value also shows as a changed note.
		if err := s.db.checkPersonal(ctx, tx, inc.ID, events, report); err != nil {
			return err
		}
		return s.db.checkRecord(ctx, tx, inc, events, report)
	})
	return report, err
}

// incidentStatus is an incident's status: an open incident that an alert
// proposed is "proposed" until a person confirms it.
const incidentStatus = `CASE WHEN status = 'open' AND EXISTS (SELECT 1 FROM proposed_incidents p WHERE p.incident_id = incidents.id AND p.confirmed_at IS NULL)
	THEN 'proposed' ELSE status END`

const incidentColumns = `id, title, ` + incidentStatus + `, aware_at, discovered_by, role, regimes, country, time_zone, created_at, closed_at, event_count, head_hash, regime_files`

// findIncidentByID returns ENOTFOUND if there is no such incident. With
// forUpdate it locks the row until the transaction ends, which serialises
// writers of the same timeline on PostgreSQL; SQLite's IMMEDIATE
// transactions already serialise every writer.
func (d *DB) findIncidentByID(ctx context.Context, tx *sql.Tx, id int64, forUpdate bool) (*leakdesk.Incident, error) {
	list, err := d.findIncidents(ctx, tx, leakdesk.IncidentFilter{ID: &id}, forUpdate)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "incident %s not found", leakdesk.FormatIncidentID(id))
	}
	return list[0], nil
}

func (d *DB) findIncidents(ctx context.Context, tx *sql.Tx, filter leakdesk.IncidentFilter, forUpdate bool) ([]*leakdesk.Incident, error) {
	where, args := []string{"1 = 1"}, []any{}
	if filter.ID != nil {
		where, args = append(where, "id = ?"), append(args, *filter.ID)
	}
	if filter.Status != "" {
		where, args = append(where, incidentStatus+" = ?"), append(args, filter.Status)
	}
	query := `SELECT ` + incidentColumns + ` FROM incidents WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id DESC`
	if forUpdate && d.postgres {
		query += ` FOR UPDATE`
	}
	rows, err := tx.QueryContext(ctx, d.rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("query incidents: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.Incident
	for rows.Next() {
		var inc leakdesk.Incident
		var regimes, files string
		if err := rows.Scan(&inc.ID, &inc.Title, &inc.Status, scanTime{&inc.AwareAt}, &inc.DiscoveredBy, &inc.Role,
			&regimes, &inc.Country, &inc.TimeZone, scanTime{&inc.CreatedAt}, scanTime{&inc.ClosedAt},
			&inc.EventCount, &inc.HeadHash, &files); err != nil {
			return nil, fmt.Errorf("scan incident: %w", err)
		}
		if files != "" {
			if err := json.Unmarshal([]byte(files), &inc.RegimeFiles); err != nil {
				return nil, fmt.Errorf("incident %s: read its regime files: %w", inc.PublicID(), err)
			}
		}
		if regimes != "" {
			inc.Regimes = strings.Split(regimes, ",")
		}
		list = append(list, &inc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read incidents: %w", err)
	}
	return list, nil
}

// appendEvent links ev to the end of its incident's timeline and moves the
// head recorded on the incident, in the caller's transaction.
func (d *DB) appendEvent(ctx context.Context, tx *sql.Tx, ev *leakdesk.Event) error {
	if len(ev.Details) == 0 {
		ev.Details = []byte("{}")
	}
	if err := ev.Validate(); err != nil {
		return err
	}
	// Only the head is read, locked on PostgreSQL: a campaign appends an
	// event per message.
	lock := ""
	if d.postgres {
		lock = " FOR UPDATE"
	}
	var count int64
	var head string
	err := d.queryRow(ctx, tx, `SELECT event_count, head_hash FROM incidents WHERE id = ?`+lock, ev.IncidentID).Scan(&count, &head)
	if err == sql.ErrNoRows {
		return leakdesk.Errorf(leakdesk.ENOTFOUND, "incident %s not found", leakdesk.FormatIncidentID(ev.IncidentID))
	}
	if err != nil {
		return fmt.Errorf("read timeline head: %w", err)
	}
	ev.Seq, ev.PrevHash = count+1, head
	ev.RecordedAt = d.now()
	ev.OccurredAt = ev.OccurredAt.UTC().Truncate(leakdesk.TimePrecision)
	ev.Hash = ev.ComputeHash()
	args := []any{ev.IncidentID, ev.Seq, ev.Actor, ev.Kind, string(ev.Details),
		d.timeArg(ev.OccurredAt), d.timeArg(ev.RecordedAt), ev.PrevHash, ev.Hash,
		ev.Seq, ev.Hash, ev.IncidentID, count}
	var res sql.Result
	if d.postgres {
		// One round trip for both, while the head's row lock is held: a
		// campaign's senders queue on that lock, once per message.
		res, err = d.exec(ctx, tx, `
			WITH appended AS (
				INSERT INTO events (incident_id, seq, actor, kind, details, occurred_at, recorded_at, prev_hash, hash)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?))
			UPDATE incidents SET event_count = ?, head_hash = ? WHERE id = ? AND event_count = ?`, args...)
		if err != nil {
			return fmt.Errorf("append event: %w", err)
		}
	} else {
		if _, err := d.exec(ctx, tx, `
			INSERT INTO events (incident_id, seq, actor, kind, details, occurred_at, recorded_at, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, args[:9]...); err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
		if res, err = d.exec(ctx, tx, `UPDATE incidents SET event_count = ?, head_hash = ? WHERE id = ? AND event_count = ?`, args[9:]...); err != nil {
			return fmt.Errorf("move timeline head: %w", err)
		}
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.New("timeline head moved during append: another writer bypassed the row lock")
	}
	return nil
}

func (d *DB) findEvents(ctx context.Context, tx *sql.Tx, incidentID int64) ([]*leakdesk.Event, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`
		SELECT incident_id, seq, actor, kind, details, occurred_at, recorded_at, prev_hash, hash
		FROM events WHERE incident_id = ? ORDER BY seq`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query events: %w", err)
	}
	defer rows.Close()
	var events []*leakdesk.Event
	for rows.Next() {
		var ev leakdesk.Event
		var details string
		if err := rows.Scan(&ev.IncidentID, &ev.Seq, &ev.Actor, &ev.Kind, &details,
			scanTime{&ev.OccurredAt}, scanTime{&ev.RecordedAt}, &ev.PrevHash, &ev.Hash); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		ev.Details = []byte(details)
		events = append(events, &ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return events, nil
}

// regimeDigests names the stored regime files on the opening event by
// their SHA-256, so that the timeline proves which rules the clocks ran on
// without copying them.
func regimeDigests(files map[string]json.RawMessage) map[string]string {
	out := make(map[string]string, len(files))
	for id, f := range files {
		sum := sha256.Sum256(f)
		out[id] = hex.EncodeToString(sum[:])
	}
	return out
}

// optionalTime keeps an unknown time out of event details as null rather
// than as year 1.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
