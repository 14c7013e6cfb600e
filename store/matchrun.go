package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

// MatchRunService implements leakdesk.MatchRunService.
type MatchRunService struct{ db *DB }

var _ leakdesk.MatchRunService = (*MatchRunService)(nil)

// NewMatchRunService returns the match run service backed by db.
func NewMatchRunService(db *DB) *MatchRunService { return &MatchRunService{db: db} }

func (s *MatchRunService) CreateMatchRun(ctx context.Context, run *leakdesk.MatchRun, pieces []leakdesk.MatchPiece, enqueue leakdesk.MatchEnqueueFunc) error {
	if len(pieces) == 0 || run.Actor == "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "a match run needs pieces and an actor")
	}
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		if run.IncidentID != 0 {
			if _, err := s.db.findIncidentByID(ctx, tx, run.IncidentID, true); err != nil {
				return err
			}
		}
		if run.Key != "" {
			found, err := s.findMatchRunByKey(ctx, tx, run.Key)
			if err == nil {
				*run = *found
				return nil
			}
			if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
				return err
			}
		}
		run.CreatedAt, run.Pieces, run.Bytes = s.db.now(), len(pieces), 0
		for _, p := range pieces {
			run.Bytes += p.Bytes
		}
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO match_runs (incident_id, actor, run_key, spec, pieces, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			run.IncidentID, run.Actor, sql.NullString{String: run.Key, Valid: run.Key != ""}, string(run.Spec), run.Pieces, run.Bytes, s.db.timeArg(run.CreatedAt)).Scan(&run.ID); err != nil {
			return fmt.Errorf("insert match run: %w", err)
		}
		for i, p := range pieces {
			job, err := enqueue(ctx, tx, run.ID, i)
			if err != nil {
				return fmt.Errorf("enqueue piece %d of match run %d: %w", i, run.ID, err)
			}
			if _, err := tx.ExecContext(ctx, s.db.rebind(`INSERT INTO match_pieces (run_id, seq, spec, bytes, job_id) VALUES (?, ?, ?, ?, ?)`),
				run.ID, i, string(p.Spec), p.Bytes, jobIDArg(job)); err != nil {
				return fmt.Errorf("insert piece %d of match run: %w", i, err)
			}
		}
		return nil
	})
}

func (s *MatchRunService) FindMatchRun(ctx context.Context, id int64) (*leakdesk.MatchRun, error) {
	var r *leakdesk.MatchRun
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = s.findMatchRun(ctx, tx, "id = ?", id, fmt.Sprint(id))
		return err
	})
	return r, err
}

func (s *MatchRunService) FindMatchRunByKey(ctx context.Context, key string) (*leakdesk.MatchRun, error) {
	var r *leakdesk.MatchRun
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = s.findMatchRunByKey(ctx, tx, key)
		return err
	})
	return r, err
}

func (s *MatchRunService) findMatchRunByKey(ctx context.Context, tx *sql.Tx, key string) (*leakdesk.MatchRun, error) {
	return s.findMatchRun(ctx, tx, "run_key = ?", key, fmt.Sprintf("of key %q", key))
}

// findMatchRun returns the run where holds for arg; name names it in errors.
func (s *MatchRunService) findMatchRun(ctx context.Context, tx *sql.Tx, where string, arg any, name string) (*leakdesk.MatchRun, error) {
	var r leakdesk.MatchRun
	var key sql.NullString
	var spec, findings string
	var failure leakdesk.MatchFailure
	err := tx.QueryRowContext(ctx, s.db.rebind(`
		SELECT id, incident_id, actor, run_key, spec, pieces, pieces_done, bytes, bytes_done, created_at, merged_at, findings,
			failed_at, failed_piece, failure_code, failure
		FROM match_runs WHERE `+where), arg).Scan(&r.ID, &r.IncidentID, &r.Actor, &key, &spec, &r.Pieces, &r.PiecesDone, &r.Bytes, &r.BytesDone,
		scanTime{&r.CreatedAt}, scanTime{&r.MergedAt}, &findings, scanTime{&failure.At}, &failure.Piece, &failure.Code, &failure.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "match run %s not found", name)
	}
	if err != nil {
		return nil, fmt.Errorf("find match run %s: %w", name, err)
	}
	r.Key, r.Spec = key.String, []byte(spec)
	if !failure.At.IsZero() {
		r.Failure = &failure
	}
	if findings != "" {
		r.Findings = new(leakdesk.Findings)
		if err := json.Unmarshal([]byte(findings), r.Findings); err != nil {
			return nil, fmt.Errorf("decode findings of match run %s: %w", name, err)
		}
	}
	return &r, nil
}

func (s *MatchRunService) FindMatchPiece(ctx context.Context, runID int64, seq int) (*leakdesk.MatchPiece, error) {
	p := leakdesk.MatchPiece{RunID: runID, Seq: seq}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var spec string
		var partial sql.NullString
		err := tx.QueryRowContext(ctx, s.db.rebind(`SELECT spec, bytes, partial, done_at FROM match_pieces WHERE run_id = ? AND seq = ?`), runID, seq).
			Scan(&spec, &p.Bytes, &partial, scanTime{&p.DoneAt})
		if errors.Is(err, sql.ErrNoRows) {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "piece %d of match run %d not found", seq, runID)
		}
		if err != nil {
			return fmt.Errorf("find piece %d of match run %d: %w", seq, runID, err)
		}
		p.Spec = []byte(spec)
		if partial.Valid {
			p.Partial = []byte(partial.String)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

func (s *MatchRunService) CompleteMatchPiece(ctx context.Context, runID int64, seq int, partial []byte, merge leakdesk.MatchEnqueueFunc) (bool, error) {
	var done bool
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE match_pieces SET partial = ?, done_at = ? WHERE run_id = ? AND seq = ? AND partial IS NULL`),
			string(partial), s.db.timeArg(s.db.now()), runID, seq)
		if err != nil {
			return fmt.Errorf("record piece %d of match run %d: %w", seq, runID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // recorded by an earlier run of the job
		}
		done = true
		// The run's row is updated, and so locked, by every piece that
		// completes: the counts each sees include every piece committed
		// before, so exactly one sees the last piece done.
		// A failed run is never merged: it was failed by a piece not done,
		// whose row FailMatchRun locked first.
		var piecesDone, pieces int
		var failedAt time.Time
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			UPDATE match_runs SET pieces_done = pieces_done + 1, bytes_done = bytes_done + (SELECT bytes FROM match_pieces WHERE run_id = ? AND seq = ?)
			WHERE id = ? RETURNING pieces_done, pieces, failed_at`), runID, seq, runID).Scan(&piecesDone, &pieces, scanTime{&failedAt}); err != nil {
			return fmt.Errorf("count pieces of match run %d: %w", runID, err)
		}
		if piecesDone < pieces || !failedAt.IsZero() {
			return nil
		}
		job, err := merge(ctx, tx, runID, leakdesk.MergePiece)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE match_runs SET merge_job_id = ? WHERE id = ?`), jobIDArg(job), runID); err != nil {
			return fmt.Errorf("record the merge job of match run %d: %w", runID, err)
		}
		return nil
	})
	return done, err
}

func (s *MatchRunService) MatchPartials(ctx context.Context, runID int64) ([][]byte, error) {
	var out [][]byte
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.db.rebind(`SELECT seq, partial FROM match_pieces WHERE run_id = ? ORDER BY seq`), runID)
		if err != nil {
			return fmt.Errorf("query pieces of match run %d: %w", runID, err)
		}
		defer rows.Close()
		for rows.Next() {
			var seq int
			var partial sql.NullString
			if err := rows.Scan(&seq, &partial); err != nil {
				return fmt.Errorf("read piece of match run %d: %w", runID, err)
			}
			if !partial.Valid {
				return leakdesk.Errorf(leakdesk.ECONFLICT, "piece %d of match run %d is not done", seq, runID)
			}
			out = append(out, []byte(partial.String))
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(out) == 0 {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "match run %d not found", runID)
		}
		return nil
	})
	return out, err
}

func (s *MatchRunService) CompleteMatchRun(ctx context.Context, runID int64, f *leakdesk.Findings) (bool, error) {
	var done bool
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		incident, actor, failed, err := s.runOwner(ctx, tx, runID)
		if err != nil {
			return err
		}
		if failed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "match run %d failed: it is not merged", runID)
		}
		if incident != 0 {
			f.IncidentID, f.Actor = incident, actor
		}
		doc, err := json.Marshal(f)
		if err != nil {
			return fmt.Errorf("encode findings: %w", err)
		}
		var id int64
		err = tx.QueryRowContext(ctx, s.db.rebind(`UPDATE match_runs SET merged_at = ?, findings = ? WHERE id = ? AND merged_at IS NULL AND failed_at IS NULL
			RETURNING id`), s.db.timeArg(s.db.now()), string(doc), runID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // merged by an earlier run of the job, or failed since read
		}
		if err != nil {
			return fmt.Errorf("record findings of match run %d: %w", runID, err)
		}
		done = true
		if incident != 0 && !f.NothingRead() {
			return s.db.recordFindings(ctx, tx, f)
		}
		return nil
	})
	return done, err
}

func (s *MatchRunService) FailMatchRun(ctx context.Context, runID int64, seq int, code, reason string) (bool, error) {
	var failed bool
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		failed, err = s.failMatchRun(ctx, tx, runID, seq, code, reason)
		return err
	})
	return failed, err
}

// failMatchRun is FailMatchRun in tx.
func (s *MatchRunService) failMatchRun(ctx context.Context, tx *sql.Tx, runID int64, seq int, code, reason string) (bool, error) {
	incident, actor, _, err := s.runOwner(ctx, tx, runID)
	if err != nil {
		return false, err
	}
	if seq != leakdesk.MergePiece {
		// Updating the piece locks its row: a run of its job that
		// completes it at the same moment waits, then sees the run
		// failed and enqueues no merge.
		res, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE match_pieces SET failure = ? WHERE run_id = ? AND seq = ? AND partial IS NULL`), reason, runID, seq)
		if err != nil {
			return false, fmt.Errorf("record the failure of piece %d of match run %d: %w", seq, runID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return false, err // done by another run of its job, or no such piece
		}
	}
	now := s.db.now()
	res, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE match_runs SET failed_at = ?, failed_piece = ?, failure_code = ?, failure = ?
		WHERE id = ? AND failed_at IS NULL AND merged_at IS NULL`), s.db.timeArg(now), seq, code, reason, runID)
	if err != nil {
		return false, fmt.Errorf("record the failure of match run %d: %w", runID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err // failed already, or merged
	}
	if incident == 0 {
		return true, nil
	}
	if _, err := s.db.findIncidentByID(ctx, tx, incident, true); err != nil {
		return false, err
	}
	return true, s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incident, actor, leakdesk.EventMatchRunFailed, now,
		leakdesk.MatchRunFailedPayload{Code: code, Piece: seq, Reason: reason, Run: runID}))
}

// abandonedJobs is the query that finds, by primary keys, the first
// piece not done (or the merge, not done) of a run whose job will never
// run again: discarded, cancelled, or gone (state NULL). A job counts as
// the piece's only with the piece's kind and args, since SQLite may give
// a deleted job's id to a later job. A piece recorded before its job's
// id was kept (migration 0030) is not looked at.
func (s *MatchRunService) abandonedJobs() string {
	arg := func(key string) string { return "json_extract(j.args, '$." + key + "')" }
	if s.db.postgres {
		arg = func(key string) string { return "(j.args->>'" + key + "')::bigint" }
	}
	return `
	SELECT p.seq, p.job_id, j.state, COALESCE(j.attempt, 0) FROM match_pieces p
		LEFT JOIN river_job j ON j.id = p.job_id AND j.kind = 'match.piece' AND ` + arg("run") + ` = p.run_id AND ` + arg("seq") + ` = p.seq
	WHERE p.run_id = ? AND p.partial IS NULL AND p.job_id IS NOT NULL AND (j.id IS NULL OR j.state IN ('discarded', 'cancelled'))
	UNION ALL
	SELECT -1, r.merge_job_id, j.state, COALESCE(j.attempt, 0) FROM match_runs r
		LEFT JOIN river_job j ON j.id = r.merge_job_id AND j.kind = 'match.merge' AND ` + arg("run") + ` = r.id
	WHERE r.id = ? AND r.merged_at IS NULL AND r.merge_job_id IS NOT NULL AND (j.id IS NULL OR j.state IN ('discarded', 'cancelled'))
	ORDER BY 1 LIMIT 1`
}

func (s *MatchRunService) FailAbandonedMatchRun(ctx context.Context, runID int64) (bool, error) {
	var failed bool
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, _, done, err := s.runOwner(ctx, tx, runID)
		if err != nil || done {
			return err
		}
		var seq, attempts int
		var job int64
		var state sql.NullString
		err = tx.QueryRowContext(ctx, s.db.rebind(s.abandonedJobs()), runID, runID).Scan(&seq, &job, &state, &attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("look for the abandoned jobs of match run %d: %w", runID, err)
		}
		failed, err = s.failMatchRun(ctx, tx, runID, seq, leakdesk.EUNREAD, abandonedReason(seq, job, state, attempts))
		return err
	})
	return failed, err
}

// abandonedReason says what became of job, the job of piece seq
// (MergePiece: the merge), in state (invalid: gone), after attempts.
func abandonedReason(seq int, job int64, state sql.NullString, attempts int) string {
	what := fmt.Sprintf("piece %d", seq)
	if seq == leakdesk.MergePiece {
		what = "the merge"
	}
	var fate string
	switch state.String {
	case "discarded":
		fate = fmt.Sprintf("was discarded by River after %d attempts, with no worker recording why (its last attempt cut short, as by a crash, or discarded by an operator)", attempts)
	case "cancelled":
		fate = fmt.Sprintf("was cancelled after %d attempts, with no worker recording why (by an operator)", attempts)
	default:
		fate = "is no longer in River's queue (deleted)"
	}
	return fmt.Sprintf("%s: its job %d %s; it will not be read. Start the run again", what, job, fate)
}

// jobIDArg is a job's id as kept, NULL when the enqueue gave none.
func jobIDArg(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// runOwner returns the incident a run records in (0: none), who started
// it, and whether it failed.
func (s *MatchRunService) runOwner(ctx context.Context, tx *sql.Tx, runID int64) (incident int64, actor string, failed bool, err error) {
	var failedAt time.Time
	err = tx.QueryRowContext(ctx, s.db.rebind(`SELECT incident_id, actor, failed_at FROM match_runs WHERE id = ?`), runID).Scan(&incident, &actor, scanTime{&failedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, leakdesk.Errorf(leakdesk.ENOTFOUND, "match run %d not found", runID)
	}
	if err != nil {
		return 0, "", false, fmt.Errorf("find match run %d: %w", runID, err)
	}
	return incident, actor, !failedAt.IsZero(), nil
}
