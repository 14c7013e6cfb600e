package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// The console's tasks: the questions the organisations ask through their
// portal links, until someone answers them.

const questionColumns = `id, incident_id, link_id, org_id, text, asked_at, answer, answered_by, answered_at`

func (s *PortalService) AskQuestion(ctx context.Context, l *leakdesk.PortalLink, text string) (*leakdesk.PortalQuestion, error) {
	text = strings.TrimSpace(text)
	if err := leakdesk.CheckQuestion(text); err != nil {
		return nil, err
	}
	q := &leakdesk.PortalQuestion{IncidentID: l.IncidentID, LinkID: l.ID, OrgID: l.OrgID, Text: text}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		q.AskedAt = s.db.now()
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO portal_questions (incident_id, link_id, org_id, text, asked_at) VALUES (?, ?, ?, ?, ?) RETURNING id`),
			q.IncidentID, q.LinkID, q.OrgID, q.Text, s.db.timeArg(q.AskedAt)).Scan(&q.ID); err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(l.IncidentID, leakdesk.PortalActor(l), leakdesk.EventPortalQuestion, q.AskedAt,
			leakdesk.PortalQuestionPayload{LinkID: l.ID, OrgID: l.OrgID, QuestionID: q.ID, Text: q.Text}))
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

func (s *PortalService) Questions(ctx context.Context, incidentID int64) ([]*leakdesk.PortalQuestion, error) {
	var list []*leakdesk.PortalQuestion
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		list, err = s.db.findQuestions(ctx, tx, `incident_id = ?`, incidentID)
		return err
	})
	return list, err
}

func (s *PortalService) AnswerQuestion(ctx context.Context, incidentID, questionID int64, answer, actor string) (*leakdesk.PortalQuestion, error) {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the answer is empty")
	}
	var q *leakdesk.PortalQuestion
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, true); err != nil {
			return err
		}
		list, err := s.db.findQuestions(ctx, tx, `incident_id = ? AND id = ?`, incidentID, questionID)
		switch {
		case err != nil:
			return err
		case len(list) == 0:
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "question %d of %s not found", questionID, leakdesk.FormatIncidentID(incidentID))
		case !list[0].Open():
			return leakdesk.Errorf(leakdesk.ECONFLICT, "question %d was answered by %s", questionID, list[0].AnsweredBy)
		}
		q = list[0]
		q.Answer, q.AnsweredBy, q.AnsweredAt = answer, actor, s.db.now()
		if _, err := s.db.exec(ctx, tx, `UPDATE portal_questions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ?`,
			q.Answer, q.AnsweredBy, s.db.timeArg(q.AnsweredAt), q.ID); err != nil {
			return fmt.Errorf("record answer: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventPortalAnswer, q.AnsweredAt,
			leakdesk.PortalAnswerPayload{Answer: q.Answer, OrgID: q.OrgID, QuestionID: q.ID}))
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// findQuestions lists questions, open ones first, then by when they were
// asked.
func (d *DB) findQuestions(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*leakdesk.PortalQuestion, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT `+questionColumns+` FROM portal_questions WHERE `+where+
		` ORDER BY CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("query questions: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.PortalQuestion
	for rows.Next() {
		var q leakdesk.PortalQuestion
		if err := rows.Scan(&q.ID, &q.IncidentID, &q.LinkID, &q.OrgID, &q.Text, scanTime{&q.AskedAt}, &q.Answer, &q.AnsweredBy, scanTime{&q.AnsweredAt}); err != nil {
			return nil, fmt.Errorf("scan question: %w", err)
		}
		list = append(list, &q)
	}
	return list, rows.Err()
}
