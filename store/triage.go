package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TriageService implements leakdesk.TriageService.
type TriageService struct{ db *DB }

var _ leakdesk.TriageService = (*TriageService)(nil)

// NewTriageService returns the triage service backed by db.
func NewTriageService(db *DB) *TriageService { return &TriageService{db: db} }

const triageColumns = `id, sha256, name, size, source, url, actor, received_at, file_time, state, done_at,
	n_rows, contacts, recycled_of, recycled_share, alerted_at, mail_sent_at, hook_sent_at, detail, row_set, mail_attempts, hook_attempts, retries`

func (s *TriageService) ReceiveTriage(ctx context.Context, f *leakdesk.TriageFile, enqueue leakdesk.TriageEnqueueFunc) (*leakdesk.TriageFile, bool, error) {
	if len(f.SHA256) != 64 || f.Source == "" || f.Actor == "" {
		return nil, false, leakdesk.Errorf(leakdesk.EINVALID, "a triaged file needs its SHA-256, a source and an actor")
	}
	var (
		out     *leakdesk.TriageFile
		created bool
	)
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		known, err := s.findTriage(ctx, tx, `sha256 = ?`, f.SHA256)
		if err == nil {
			out = known
			if known.State == leakdesk.TriageFailed {
				if created, err = s.requeueFailed(ctx, tx, known, enqueue); err != nil {
					return err
				}
			}
			return s.db.withKeptShred(ctx, tx, known.SHA256, func(k *leakdesk.KeptFileShred) { known.Shredded = k })
		}
		if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			return err
		}
		rec := *f
		rec.ReceivedAt, rec.State = s.db.now(), leakdesk.TriageQueued
		// On PostgreSQL the same content can arrive twice at once: both
		// miss the lookup above, and the second insert waits for the
		// first, then does nothing. The file is then known, not an error.
		err = tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO triage_files (sha256, name, size, source, url, actor, received_at, file_time, state)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING RETURNING id`),
			rec.SHA256, rec.Name, rec.Size, rec.Source, rec.URL, rec.Actor, s.db.timeArg(rec.ReceivedAt), s.db.timeArg(rec.FileTime), rec.State).Scan(&rec.ID)
		if errors.Is(err, sql.ErrNoRows) {
			out, err = s.findTriage(ctx, tx, `sha256 = ?`, f.SHA256)
			return err
		}
		if err != nil {
			return fmt.Errorf("insert triaged file: %w", err)
		}
		if err := enqueue(ctx, tx, rec.ID); err != nil {
			return fmt.Errorf("enqueue triage of file %d: %w", rec.ID, err)
		}
		out, created = &rec, true
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// requeueFailed queues f, whose triage failed, again with its job, and
// reports whether it did: of two takes at once, one does.
func (s *TriageService) requeueFailed(ctx context.Context, tx *sql.Tx, f *leakdesk.TriageFile, enqueue leakdesk.TriageEnqueueFunc) (bool, error) {
	res, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE triage_files SET state = ?, done_at = NULL, detail = '', retries = retries + 1
		WHERE id = ? AND state = ?`), leakdesk.TriageQueued, f.ID, leakdesk.TriageFailed)
	if err != nil {
		return false, fmt.Errorf("queue file %d again: %w", f.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if err := enqueue(ctx, tx, f.ID); err != nil {
		return false, fmt.Errorf("enqueue triage of file %d: %w", f.ID, err)
	}
	f.State, f.DoneAt, f.Detail, f.Retries = leakdesk.TriageQueued, time.Time{}, "", f.Retries+1
	return true, nil
}

func (s *TriageService) FindTriage(ctx context.Context, id int64) (*leakdesk.TriageFile, error) {
	var f *leakdesk.TriageFile
	err := s.db.inTx(ctx, func(tx *sql.Tx) (err error) {
		if f, err = s.findTriage(ctx, tx, `id = ?`, id); err != nil {
			return err
		}
		return s.db.withKeptShred(ctx, tx, f.SHA256, func(k *leakdesk.KeptFileShred) { f.Shredded = k })
	})
	return f, err
}

func (s *TriageService) TriagedBefore(ctx context.Context, id int64) ([]*leakdesk.TriageFile, error) {
	var list []*leakdesk.TriageFile
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.db.rebind(`SELECT `+triageColumns+` FROM triage_files
			WHERE id < ? AND state = ? AND row_set <> '' ORDER BY id`), id, leakdesk.TriageDone)
		if err != nil {
			return fmt.Errorf("query triaged files: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			f, err := scanTriage(rows)
			if err != nil {
				return err
			}
			list = append(list, f)
		}
		return rows.Err()
	})
	return list, err
}

func (s *TriageService) CompleteTriage(ctx context.Context, f *leakdesk.TriageFile, alert leakdesk.TriageEnqueueFunc) (bool, error) {
	var done bool
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		f.DoneAt = s.db.now()
		if f.AlertedAt.IsZero() && alert != nil {
			f.AlertedAt = f.DoneAt
		}
		var recycledOf any
		if f.RecycledOf != 0 {
			recycledOf = f.RecycledOf
		}
		res, err := tx.ExecContext(ctx, s.db.rebind(`
			UPDATE triage_files SET state = ?, done_at = ?, n_rows = ?, contacts = ?, recycled_of = ?, recycled_share = ?,
				alerted_at = ?, detail = ?, row_set = ?
			WHERE id = ? AND state = ?`),
			f.State, s.db.timeArg(f.DoneAt), f.Rows, f.Contacts, recycledOf, f.RecycledShare,
			s.db.timeArg(f.AlertedAt), f.Detail, string(f.RowSet), f.ID, leakdesk.TriageQueued)
		if err != nil {
			return fmt.Errorf("record triage of file %d: %w", f.ID, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // already recorded by an earlier run of the job
		}
		done = true
		if alert != nil {
			return alert(ctx, tx, f.ID)
		}
		return nil
	})
	return done, err
}

// alertColumn is the prefix of an alert channel's columns.
func alertColumn(channel string) (string, error) {
	prefix := map[string]string{"mail": "mail", "webhook": "hook"}[channel]
	if prefix == "" {
		return "", leakdesk.Errorf(leakdesk.EINVALID, "unknown alert channel %q", channel)
	}
	return prefix, nil
}

func (s *TriageService) ClaimAlert(ctx context.Context, id int64, channel string) (int, error) {
	prefix, err := alertColumn(channel)
	if err != nil {
		return 0, err
	}
	var attempts int
	err = s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.db.rebind(`UPDATE triage_files SET `+prefix+`_attempts = `+prefix+`_attempts + 1, `+prefix+`_claimed_at = ?
			WHERE id = ? RETURNING `+prefix+`_attempts`), s.db.timeArg(s.db.now()), id).Scan(&attempts)
		if errors.Is(err, sql.ErrNoRows) {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "no triaged file %d", id)
		}
		if err != nil {
			return fmt.Errorf("claim alert: %w", err)
		}
		return nil
	})
	return attempts, err
}

func (s *TriageService) AlertSent(ctx context.Context, id int64, channel string) error {
	prefix, err := alertColumn(channel)
	if err != nil {
		return err
	}
	column := prefix + "_sent_at"
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE triage_files SET `+column+` = ? WHERE id = ?`), s.db.timeArg(s.db.now()), id)
		if err != nil {
			return fmt.Errorf("record alert sent: %w", err)
		}
		return nil
	})
}

func (s *TriageService) ClaimAlarm(ctx context.Context, key, channel string) (int, time.Time, error) {
	var (
		attempts int
		sentAt   time.Time
	)
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO alarm_sends (alarm_key, channel, attempts, claimed_at) VALUES (?, ?, 1, ?)
			ON CONFLICT (alarm_key, channel) DO UPDATE SET attempts = alarm_sends.attempts + 1, claimed_at = excluded.claimed_at
			RETURNING attempts, sent_at`), key, channel, s.db.timeArg(s.db.now())).Scan(&attempts, scanTime{&sentAt})
		if err != nil {
			return fmt.Errorf("claim alarm: %w", err)
		}
		return nil
	})
	return attempts, sentAt, err
}

func (s *TriageService) AlarmSent(ctx context.Context, key, channel string) error {
	return s.db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.db.rebind(`UPDATE alarm_sends SET sent_at = ? WHERE alarm_key = ? AND channel = ?`), s.db.timeArg(s.db.now()), key, channel)
		if err != nil {
			return fmt.Errorf("record alarm sent: %w", err)
		}
		return nil
	})
}

func (s *TriageService) findTriage(ctx context.Context, tx *sql.Tx, where string, arg any) (*leakdesk.TriageFile, error) {
	f, err := scanTriage(tx.QueryRowContext(ctx, s.db.rebind(`SELECT `+triageColumns+` FROM triage_files WHERE `+where), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no triaged file %v", arg)
	}
	return f, err
}

func scanTriage(row interface{ Scan(...any) error }) (*leakdesk.TriageFile, error) {
	var (
		f          leakdesk.TriageFile
		recycledOf sql.NullInt64
		rowSet     string
	)
	err := row.Scan(&f.ID, &f.SHA256, &f.Name, &f.Size, &f.Source, &f.URL, &f.Actor, scanTime{&f.ReceivedAt}, scanTime{&f.FileTime},
		&f.State, scanTime{&f.DoneAt}, &f.Rows, &f.Contacts, &recycledOf, &f.RecycledShare, scanTime{&f.AlertedAt}, scanTime{&f.MailSentAt}, scanTime{&f.WebhookSentAt}, &f.Detail, &rowSet, &f.MailAttempts, &f.WebhookAttempts, &f.Retries)
	if err != nil {
		return nil, fmt.Errorf("read triaged file: %w", err)
	}
	f.RecycledOf, f.RowSet = recycledOf.Int64, []byte(rowSet)
	return &f, nil
}
