package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// The console's tasks: the questions the organisations ask through their
// portal links, until someone answers them, and the answers mailed back.

// questionColumns are read with the name of the organisation that asked,
// from its link, and the person named to get the answer: one of that
// organisation's recipients in the incident, never anyone else.
const questionColumns = `q.id, q.incident_id, q.link_id, q.org_id, q.text, q.reply_to, q.asked_at, q.answer, q.answered_by, q.answered_at, q.answer_notice,
	COALESCE(l.organisation, ''), COALESCE(r.name, ''), COALESCE(r.email, '')`

const questionTables = `portal_questions q
	LEFT JOIN portal_links l ON l.id = q.link_id AND l.incident_id = q.incident_id AND l.org_id = q.org_id
	LEFT JOIN recipients r ON r.id = q.reply_to AND r.incident_id = q.incident_id AND r.org_id = q.org_id`

func (s *PortalService) AskQuestion(ctx context.Context, l *leakdesk.PortalLink, req leakdesk.QuestionRequest) (*leakdesk.PortalQuestion, error) {
	text := strings.TrimSpace(req.Text)
	if err := leakdesk.CheckQuestion(text); err != nil {
		return nil, err
	}
	q := &leakdesk.PortalQuestion{IncidentID: l.IncidentID, LinkID: l.ID, OrgID: l.OrgID, Text: text}
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		replyTo, err := s.db.replyRecipient(ctx, tx, l, req)
		if err != nil {
			return err
		}
		var replyKey string
		if replyTo != nil {
			q.ReplyTo, replyKey = replyTo.ID, replyTo.Key
		}
		sealed, err := s.db.sealPersonal(ctx, tx, q.IncidentID, questionSubject(q.OrgID, replyKey), q.Text)
		if err != nil {
			return err
		}
		q.AskedAt = s.db.now()
		if err := tx.QueryRowContext(ctx, s.db.rebind(`
			INSERT INTO portal_questions (incident_id, link_id, org_id, text, text_ref, reply_to, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			q.IncidentID, q.LinkID, q.OrgID, q.Text, sealed.Ref, q.ReplyTo, s.db.timeArg(q.AskedAt)).Scan(&q.ID); err != nil {
			return fmt.Errorf("insert question: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(l.IncidentID, leakdesk.PortalActor(l), leakdesk.EventPortalQuestion, q.AskedAt,
			leakdesk.PortalQuestionPayload{LinkID: l.ID, OrgID: l.OrgID, QuestionID: q.ID, ReplyTo: replyKey, Text: sealed}))
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// replyRecipient is the recipient req names to get the answer, typed or
// chosen, or nil for none. Only the link's organisation's people in its
// incident, with an address, are found: the portal mails nobody else, and
// the refusal does not say whether the address is known elsewhere.
func (d *DB) replyRecipient(ctx context.Context, tx *sql.Tx, l *leakdesk.PortalLink, req leakdesk.QuestionRequest) (*leakdesk.Recipient, error) {
	where := `incident_id = ? AND org_id = ? AND email <> '' AND `
	args := []any{l.IncidentID, l.OrgID}
	switch address := strings.TrimSpace(req.ReplyAddress); {
	case address != "":
		where += `lower(email) = ?`
		args = append(args, strings.ToLower(address))
	case req.ReplyTo != 0:
		where += `id = ?`
		args = append(args, req.ReplyTo)
	default:
		return nil, nil
	}
	list, err := d.findRecipients(ctx, tx, where, args...)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the answer can be e-mailed only to one of %s's people in this incident who has an address here: choose one from the list", l.Organisation)
	}
	return list[0], nil
}

func (s *PortalService) Questions(ctx context.Context, incidentID int64) ([]*leakdesk.PortalQuestion, error) {
	var list []*leakdesk.PortalQuestion
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		list, err = s.db.findQuestions(ctx, tx, `q.incident_id = ?`, incidentID)
		return err
	})
	return list, err
}

func (s *PortalService) AnswerQuestion(ctx context.Context, incidentID, questionID int64, answer, actor string, mail *leakdesk.AnswerMail) (*leakdesk.PortalQuestion, error) {
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the answer is empty")
	}
	var q *leakdesk.PortalQuestion
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, true); err != nil {
			return err
		}
		list, err := s.db.findQuestions(ctx, tx, `q.incident_id = ? AND q.id = ?`, incidentID, questionID)
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
		if q.ReplyTo != 0 && mail != nil {
			if q.AnswerNotice, err = s.db.mailAnswer(ctx, tx, q, mail); err != nil {
				return err
			}
		}
		subject, err := s.db.answerSubject(ctx, tx, q)
		if err != nil {
			return err
		}
		sealed, err := s.db.sealPersonal(ctx, tx, incidentID, subject, q.Answer)
		if err != nil {
			return err
		}
		if _, err := s.db.exec(ctx, tx, `UPDATE portal_questions SET answer = ?, answer_ref = ?, answered_by = ?, answered_at = ?, answer_notice = ? WHERE id = ?`,
			q.Answer, sealed.Ref, q.AnsweredBy, s.db.timeArg(q.AnsweredAt), q.AnswerNotice, q.ID); err != nil {
			return fmt.Errorf("record answer: %w", err)
		}
		return s.db.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventPortalAnswer, q.AnsweredAt,
			leakdesk.PortalAnswerPayload{Answer: sealed, Notice: q.AnswerNotice, OrgID: q.OrgID, QuestionID: q.ID}))
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// questionSubject is whom a question and its answer are about, as
// personal_values records it: the person named to get the answer, else
// the organisation that asked. Erasing a person also finds the questions
// that mention them (eraseQuestions), whatever their subject.
func questionSubject(orgID, replyKey string) string {
	if replyKey != "" {
		return replyKey
	}
	return "portal:" + orgID
}

// answerSubject is the subject of q's answer: its question's.
func (d *DB) answerSubject(ctx context.Context, tx *sql.Tx, q *leakdesk.PortalQuestion) (string, error) {
	if q.ReplyTo == 0 {
		return questionSubject(q.OrgID, ""), nil
	}
	rs, err := d.findRecipients(ctx, tx, `incident_id = ? AND id = ?`, q.IncidentID, q.ReplyTo)
	if err != nil || len(rs) == 0 {
		return questionSubject(q.OrgID, ""), err
	}
	return questionSubject(q.OrgID, rs[0].Key), nil
}

// mailAnswer makes the answer a notice with one delivery, to the person
// the asker chose, and enqueues it: the outbox then sends it once, as it
// sends every notice, and records its delivery on the timeline. Returns
// 0 when that person has no address any more (erased since, say).
func (d *DB) mailAnswer(ctx context.Context, tx *sql.Tx, q *leakdesk.PortalQuestion, mail *leakdesk.AnswerMail) (int64, error) {
	rs, err := d.findRecipients(ctx, tx, `incident_id = ? AND id = ? AND org_id = ? AND email <> ''`, q.IncidentID, q.ReplyTo, q.OrgID)
	if err != nil || len(rs) == 0 {
		return 0, err
	}
	n := &leakdesk.Notice{IncidentID: q.IncidentID, Campaign: "answer-" + strconv.FormatInt(q.ID, 10), Kind: leakdesk.NoticeAnswer,
		Template: leakdesk.NoticeAnswer, Message: q.Answer, Actor: q.AnsweredBy, CreatedAt: q.AnsweredAt}
	if err := tx.QueryRowContext(ctx, d.rebind(`
		INSERT INTO notices (incident_id, campaign, kind, template, message, translations, actor, created_at)
		VALUES (?, ?, ?, ?, ?, '{}', ?, ?) RETURNING id`),
		n.IncidentID, n.Campaign, n.Kind, n.Template, n.Message, n.Actor, d.timeArg(n.CreatedAt)).Scan(&n.ID); err != nil {
		return 0, fmt.Errorf("insert the answer's notice: %w", err)
	}
	ids, err := d.insertDeliveries(ctx, tx, []pendingDelivery{{n.ID, rs[0]}}, mail.Domain, n.CreatedAt)
	if err != nil {
		return 0, err
	}
	if err := mail.Enqueue(ctx, tx, n.ID, ids); err != nil {
		return 0, fmt.Errorf("enqueue the answer: %w", err)
	}
	return n.ID, d.appendEvent(ctx, tx, leakdesk.NewEvent(n.IncidentID, n.Actor, leakdesk.EventNoticeCreated, n.CreatedAt, leakdesk.NoticeCreatedPayload{
		Notice: n.ID, Campaign: n.Campaign, Kind: n.Kind, Template: n.Template, Deliveries: len(ids),
	}))
}

// findQuestions lists questions, open ones first, then by when they were
// asked.
func (d *DB) findQuestions(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*leakdesk.PortalQuestion, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT `+questionColumns+` FROM `+questionTables+` WHERE `+where+
		` ORDER BY CASE WHEN q.answered_at IS NULL THEN 0 ELSE 1 END, q.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("query questions: %w", err)
	}
	defer rows.Close()
	var list []*leakdesk.PortalQuestion
	for rows.Next() {
		var q leakdesk.PortalQuestion
		if err := rows.Scan(&q.ID, &q.IncidentID, &q.LinkID, &q.OrgID, &q.Text, &q.ReplyTo, scanTime{&q.AskedAt}, &q.Answer, &q.AnsweredBy, scanTime{&q.AnsweredAt}, &q.AnswerNotice,
			&q.Organisation, &q.ReplyName, &q.ReplyEmail); err != nil {
			return nil, fmt.Errorf("scan question: %w", err)
		}
		list = append(list, &q)
	}
	return list, rows.Err()
}
