package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Personal values of the timeline (leakdesk.Personal): events commit to a
// salted hash, the values sit in personal_values, and erasing deletes the
// value with its salt. The side tables' copies (a recipient's name and
// addresses, a delivery's address and last error, a contact's note, the
// findings' entry) are overwritten in the same transaction.

// saltSize is the size of each value's HMAC key: as long as the hash, so
// that guessing the salt is no easier than guessing the hash.
const saltSize = 32

// sealPersonal stores value about subject for incidentID and returns the
// reference an event holds instead. An empty value stays inline: there is
// nothing to erase.
func (d *DB) sealPersonal(ctx context.Context, tx *sql.Tx, incidentID int64, subject, value string) (leakdesk.Personal, error) {
	if value == "" {
		return leakdesk.Personal{}, nil
	}
	salt := make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return leakdesk.Personal{}, fmt.Errorf("salt a personal value: %w", err)
	}
	p := leakdesk.Personal{Ref: leakdesk.PersonalRef(salt, value), Value: value}
	if _, err := d.exec(ctx, tx, `
		INSERT INTO personal_values (incident_id, ref, subject, salt, value, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`,
		incidentID, p.Ref, subject, salt, value, d.timeArg(d.now())); err != nil {
		return leakdesk.Personal{}, fmt.Errorf("store a personal value: %w", err)
	}
	return p, nil
}

// storedPersonal returns the incident's stored values with their salts, by
// reference.
func (d *DB) storedPersonal(ctx context.Context, tx *sql.Tx, incidentID int64) (map[string]leakdesk.StoredPersonal, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT ref, salt, value FROM personal_values WHERE incident_id = ?`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query personal values: %w", err)
	}
	defer rows.Close()
	stored := map[string]leakdesk.StoredPersonal{}
	for rows.Next() {
		var ref string
		var s leakdesk.StoredPersonal
		if err := rows.Scan(&ref, &s.Salt, &s.Value); err != nil {
			return nil, fmt.Errorf("scan personal value: %w", err)
		}
		stored[ref] = s
	}
	return stored, rows.Err()
}

// personalValues is storedPersonal without the salts, for readers.
func (d *DB) personalValues(ctx context.Context, tx *sql.Tx, incidentID int64) (leakdesk.PersonalValues, error) {
	stored, err := d.storedPersonal(ctx, tx, incidentID)
	if err != nil {
		return nil, err
	}
	values := make(leakdesk.PersonalValues, len(stored))
	for ref, s := range stored {
		values[ref] = s.Value
	}
	return values, nil
}

// checkPersonal adds to report, for a chain found intact, what verify
// found of the personal values: a value deleted or changed outside
// leakdesk makes the record doubtful.
func (d *DB) checkPersonal(ctx context.Context, tx *sql.Tx, incidentID int64, events []*leakdesk.Event, report *leakdesk.ChainReport) error {
	stored, err := d.storedPersonal(ctx, tx, incidentID)
	if err != nil {
		return err
	}
	personal, err := leakdesk.CheckPersonal(events, stored)
	if leakdesk.ErrorCode(err) == leakdesk.EINTEGRITY {
		report.OK, report.Problem = false, leakdesk.ErrorMessage(err)
		return nil
	}
	if err != nil {
		return err
	}
	report.Personal = personal
	if !personal.OK() && report.OK {
		report.OK, report.Problem = false, personal.Problem()
	}
	return nil
}

// PersonalValues returns the incident's stored values, by reference.
func (s *IncidentService) PersonalValues(ctx context.Context, incidentID int64) (leakdesk.PersonalValues, error) {
	var values leakdesk.PersonalValues
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, false); err != nil {
			return err
		}
		var err error
		values, err = s.db.personalValues(ctx, tx, incidentID)
		return err
	})
	return values, err
}

// ErasePersonal erases what the incident holds about the recipient whose
// key is subject. The key itself stays: it is the registry's pseudonym,
// which deliveries and contacts on the timeline are checked by.
func (s *IncidentService) ErasePersonal(ctx context.Context, incidentID int64, subject, actor string) (*leakdesk.ErasureOutcome, error) {
	var erased *leakdesk.ErasureOutcome
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.db.findIncidentByID(ctx, tx, incidentID, true); err != nil {
			return err
		}
		list, err := s.db.findRecipients(ctx, tx, `incident_id = ? AND recipient_key = ?`, incidentID, subject)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return leakdesk.Errorf(leakdesk.ENOTFOUND, "incident %s has no recipient %q", leakdesk.FormatIncidentID(incidentID), subject)
		}
		erased = &leakdesk.ErasureOutcome{PersonalErasedPayload: leakdesk.PersonalErasedPayload{Reason: leakdesk.ErasedForSubject}}
		return s.db.erase(ctx, tx, incidentID, list, `AND subject = ?`, []any{subject}, erased, actor)
	})
	if err != nil {
		return nil, err
	}
	return erased, s.db.flushErased(ctx)
}

// ExpirePersonal erases every personal value of a closed incident whose
// retention period ended at until.
func (s *IncidentService) ExpirePersonal(ctx context.Context, incidentID int64, until time.Time, actor string) (*leakdesk.ErasureOutcome, error) {
	if until.After(s.db.now()) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the retention period ends on %s, still to come: run this then (leakdesk has no scheduler)", until.Format(time.DateOnly))
	}
	var erased *leakdesk.ErasureOutcome
	err := s.db.inTx(ctx, func(tx *sql.Tx) error {
		inc, err := s.db.findIncidentByID(ctx, tx, incidentID, true)
		if err != nil {
			return err
		}
		if inc.Status != leakdesk.StatusClosed {
			return leakdesk.Errorf(leakdesk.ECONFLICT, "incident %s is %s: its personal data is still needed until it is closed", inc.PublicID(), inc.Status)
		}
		list, err := s.db.findRecipients(ctx, tx, `incident_id = ?`, incidentID)
		if err != nil {
			return err
		}
		u := until.UTC().Truncate(leakdesk.TimePrecision)
		erased = &leakdesk.ErasureOutcome{PersonalErasedPayload: leakdesk.PersonalErasedPayload{Reason: leakdesk.ErasedForRetention, Until: &u}}
		return s.db.erase(ctx, tx, incidentID, list, ``, nil, erased, actor)
	})
	if err != nil {
		return nil, err
	}
	return erased, s.db.flushErased(ctx)
}

// erase deletes the incident's values that match where (ANDed, with args),
// overwrites the side-table copies held about recipients, records the
// erasure, with the references, in erased and on the timeline, and names
// in erased the events that still mention an erased value.
func (d *DB) erase(ctx context.Context, tx *sql.Tx, incidentID int64, recipients []*leakdesk.Recipient, where string, args []any, erased *leakdesk.ErasureOutcome, actor string) error {
	rows, err := tx.QueryContext(ctx, d.rebind(`DELETE FROM personal_values WHERE incident_id = ? `+where+` RETURNING ref, subject, value`), append([]any{incidentID}, args...)...)
	if err != nil {
		return fmt.Errorf("erase personal values: %w", err)
	}
	erased.Refs = []string{}
	bySubject := map[string][]string{}
	for rows.Next() {
		var ref, subject, value string
		if err := rows.Scan(&ref, &subject, &value); err != nil {
			rows.Close()
			return fmt.Errorf("scan erased value: %w", err)
		}
		erased.Refs = append(erased.Refs, ref)
		bySubject[subject] = append(bySubject[subject], value)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("erase personal values: %w", err)
	}
	// Without the salt, a guessed address no longer confirms the
	// pseudonym an erased recipient outside the registry leaves behind.
	if _, err := d.exec(ctx, tx, `DELETE FROM recipient_salts WHERE incident_id = ?`, incidentID); err != nil {
		return fmt.Errorf("erase the recipients' salt: %w", err)
	}
	var values []string
	for _, r := range recipients {
		values = append(values, r.Name, r.Organisation, r.Email, r.Phone)
		values = append(values, bySubject[r.Key]...)
		if err := d.eraseRecipient(ctx, tx, r, bySubject[r.Key]); err != nil {
			return err
		}
	}
	if err := d.eraseFromFindings(ctx, tx, incidentID, recipients); err != nil {
		return err
	}
	if err := d.eraseQuestions(ctx, tx, incidentID, recipients, erased); err != nil {
		return err
	}
	events, err := d.findEvents(ctx, tx, incidentID)
	if err != nil {
		return err
	}
	erased.Remaining = leakdesk.EventsMentioning(events, values)
	return d.appendEvent(ctx, tx, leakdesk.NewEvent(incidentID, actor, leakdesk.EventPersonalErased, d.now(), erased.PersonalErasedPayload))
}

// eraseRecipient overwrites the side-table copies of what is known about
// r, whose erased values are values. Its key, kind and language stay:
// coverage and the record are checked by them, and they say nothing of
// the person without the registry. A contact's note is overwritten only
// where it was one of the erased values: a note an older release wrote
// inline stays on the timeline, and the table must still agree with it.
func (d *DB) eraseRecipient(ctx context.Context, tx *sql.Tx, r *leakdesk.Recipient, values []string) error {
	if _, err := d.exec(ctx, tx, `UPDATE recipients SET name = ?, organisation = '', email = '', phone = '' WHERE id = ?`, leakdesk.ErasedValue, r.ID); err != nil {
		return fmt.Errorf("erase recipient %d: %w", r.ID, err)
	}
	if _, err := d.exec(ctx, tx, `UPDATE deliveries SET address = '', last_error = '' WHERE recipient_id = ?`, r.ID); err != nil {
		return fmt.Errorf("erase deliveries of recipient %d: %w", r.ID, err)
	}
	for _, v := range values {
		if _, err := d.exec(ctx, tx, `UPDATE contact_attempts SET note = ? WHERE recipient_id = ? AND note = ?`, leakdesk.ErasedValue, r.ID, v); err != nil {
			return fmt.Errorf("erase contact notes of recipient %d: %w", r.ID, err)
		}
	}
	return nil
}

// eraseQuestions erases the portal questions, with their answers, that
// may be about the recipients: those whose values were just erased, those
// that name one of them to get the answer, and those whose question or
// answer mentions their name, address or phone (whoever asked). Their
// values go from personal_values, and the copies in portal_questions and
// in the notice that mailed the answer are overwritten. A question asked
// before its text was held by reference (no text_ref) stays, like an
// inline note: its event holds the text, and the table must agree.
func (d *DB) eraseQuestions(ctx context.Context, tx *sql.Tx, incidentID int64, recipients []*leakdesk.Recipient, erased *leakdesk.ErasureOutcome) error {
	gone := map[string]bool{}
	for _, ref := range erased.Refs {
		gone[ref] = true
	}
	replyTo := map[int64]bool{}
	var named []string
	for _, r := range recipients {
		replyTo[r.ID] = true
		named = append(named, r.Name, r.Email, r.Phone)
	}
	type question struct {
		id, replyTo, notice           int64
		text, answer, textRef, ansRef string
	}
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT id, reply_to, answer_notice, text, answer, text_ref, answer_ref
		FROM portal_questions WHERE incident_id = ? AND text_ref <> ''`), incidentID)
	if err != nil {
		return fmt.Errorf("query questions to erase: %w", err)
	}
	var about []question
	for rows.Next() {
		var q question
		if err := rows.Scan(&q.id, &q.replyTo, &q.notice, &q.text, &q.answer, &q.textRef, &q.ansRef); err != nil {
			rows.Close()
			return fmt.Errorf("scan question to erase: %w", err)
		}
		if gone[q.textRef] || gone[q.ansRef] || replyTo[q.replyTo] || leakdesk.TextMentions(q.text+"\n"+q.answer, named) {
			about = append(about, q)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query questions to erase: %w", err)
	}
	for _, q := range about {
		for _, ref := range []string{q.textRef, q.ansRef} {
			if ref == "" || gone[ref] {
				continue
			}
			res, err := d.exec(ctx, tx, `DELETE FROM personal_values WHERE incident_id = ? AND ref = ?`, incidentID, ref)
			if err != nil {
				return fmt.Errorf("erase question %d: %w", q.id, err)
			}
			// An earlier erasure may have taken it: this one names only
			// what it deleted.
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("erase question %d: %w", q.id, err)
			} else if n > 0 {
				erased.Refs, gone[ref] = append(erased.Refs, ref), true
			}
		}
		if _, err := d.exec(ctx, tx, `UPDATE portal_questions SET text = ?, answer = CASE WHEN answer_ref = '' THEN answer ELSE ? END WHERE id = ?`,
			leakdesk.ErasedValue, leakdesk.ErasedValue, q.id); err != nil {
			return fmt.Errorf("erase question %d: %w", q.id, err)
		}
		if q.notice != 0 {
			if _, err := d.exec(ctx, tx, `UPDATE notices SET message = ? WHERE id = ? AND incident_id = ?`, leakdesk.ErasedValue, q.notice, incidentID); err != nil {
				return fmt.Errorf("erase the answer to question %d: %w", q.id, err)
			}
		}
	}
	return nil
}

// eraseFromFindings overwrites, in every findings document of the
// incident, the entries of the recipients: contacts by their registry ID,
// former and unknown people by their e-mail address.
func (d *DB) eraseFromFindings(ctx context.Context, tx *sql.Tx, incidentID int64, recipients []*leakdesk.Recipient) error {
	ids, emails := map[string]bool{}, map[string]bool{}
	for _, r := range recipients {
		if r.ContactID != "" {
			ids[r.ContactID] = true
		}
		if r.Email != "" {
			emails[r.Email] = true
		}
	}
	docs, err := d.findingsDocuments(ctx, tx, incidentID)
	if err != nil {
		return err
	}
	for id, doc := range docs {
		var f leakdesk.Findings
		if err := json.Unmarshal([]byte(doc), &f); err != nil {
			return fmt.Errorf("read findings %d: %w", id, err)
		}
		if !eraseFindings(&f, ids, emails) {
			continue
		}
		out, err := json.Marshal(&f)
		if err != nil {
			return fmt.Errorf("write findings %d: %w", id, err)
		}
		if _, err := d.exec(ctx, tx, `UPDATE findings SET document = ?, revision = revision + 1 WHERE id = ?`, string(out), id); err != nil {
			return fmt.Errorf("erase from findings %d: %w", id, err)
		}
	}
	return nil
}

func (d *DB) findingsDocuments(ctx context.Context, tx *sql.Tx, incidentID int64) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, d.rebind(`SELECT id, document FROM findings WHERE incident_id = ?`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("query findings: %w", err)
	}
	defer rows.Close()
	docs := map[int64]string{}
	for rows.Next() {
		var id int64
		var doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return nil, fmt.Errorf("scan findings: %w", err)
		}
		docs[id] = doc
	}
	return docs, rows.Err()
}

// eraseFindings overwrites the named people in f, as contacts, former or
// unknown people and rows to review, and says whether any was.
func eraseFindings(f *leakdesk.Findings, ids, emails map[string]bool) bool {
	named := func(id, email string) bool { return (id != "" && ids[id]) || (email != "" && emails[email]) }
	changed := false
	for i := range f.Contacts {
		if c := &f.Contacts[i]; named(c.ID, c.Email) {
			eraseContact(c)
			changed = true
		}
	}
	for _, people := range [][]leakdesk.LeakedPerson{f.Former, f.Unknown} {
		for i := range people {
			if p := &people[i]; named(p.ContactID, p.Email) {
				eraseLeakedPerson(p)
				changed = true
			}
		}
	}
	for i := range f.Review {
		item := &f.Review[i]
		// The row may be any of its candidates: when one is the subject,
		// what the row says about them goes too.
		mayBeSubject := item.Leaked != nil && named(item.Leaked.ContactID, item.Leaked.Email)
		for j := range item.Candidates {
			c := &item.Candidates[j]
			if !ids[c.ID] && (c.Contact == nil || !named(c.Contact.ID, c.Contact.Email)) {
				continue
			}
			mayBeSubject = true
			if c.Contact != nil {
				eraseContact(c.Contact)
			}
		}
		if !mayBeSubject {
			continue
		}
		if item.Leaked != nil {
			eraseLeakedPerson(item.Leaked)
		}
		if item.Past != "" {
			item.Past = leakdesk.ErasedValue // it names the values that tie the row to someone
		}
		changed = true
	}
	return changed
}

// eraseContact keeps who a contact is in the registry (its ID) and how
// they were found, not what they are called or how to reach them.
func eraseContact(c *leakdesk.AffectedContact) {
	c.Name, c.Email, c.Phone = leakdesk.ErasedValue, "", ""
	for j := range c.Evidence {
		// "equal: the value" keeps how, not what.
		c.Evidence[j].How, _, _ = strings.Cut(c.Evidence[j].How, ":")
	}
}

func eraseLeakedPerson(p *leakdesk.LeakedPerson) {
	p.Name, p.Organisation, p.Email, p.Phone, p.Ties = leakdesk.ErasedValue, "", "", "", nil
}

// flushErased makes SQLite rebuild the database file and empty its
// write-ahead log, so that the erased bytes leave both files now. Zeroing
// only what the erasure itself frees (secure_delete) would not be enough: earlier
// updates of the same rows, such as a delivery's changes of state, left
// older copies in the pages' free space. PostgreSQL keeps dead rows until
// a vacuum reuses their space: docs/erasure.md says so.
func (d *DB) flushErased(ctx context.Context) error {
	if d.postgres {
		return nil
	}
	d.writer.Lock()
	defer d.writer.Unlock()
	if _, err := d.db.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("rebuild the database after an erasure: %w", err)
	}
	var busy, frames, copied int
	if err := d.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &copied); err != nil {
		return fmt.Errorf("checkpoint the erasure: %w", err)
	}
	if busy != 0 {
		return leakdesk.Errorf(leakdesk.ECONFLICT, "the erasure is recorded, but another reader kept the old pages in the write-ahead log: erase again when the database is idle (erasing twice is harmless)")
	}
	return nil
}

// recipientSalt returns the incident's salt for the keys of recipients
// outside the registry, made on first use. Erasure deletes it: the keys
// already given stay in the recipients table, and later ones get a new
// salt.
func (d *DB) recipientSalt(ctx context.Context, tx *sql.Tx, incidentID int64) ([]byte, error) {
	var salt []byte
	err := tx.QueryRowContext(ctx, d.rebind(`SELECT salt FROM recipient_salts WHERE incident_id = ?`), incidentID).Scan(&salt)
	if err == nil {
		return salt, nil
	}
	if err != sql.ErrNoRows {
		return nil, fmt.Errorf("read the recipients' salt: %w", err)
	}
	salt = make([]byte, saltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("make the recipients' salt: %w", err)
	}
	if _, err := d.exec(ctx, tx, `INSERT INTO recipient_salts (incident_id, salt) VALUES (?, ?)`, incidentID, salt); err != nil {
		return nil, fmt.Errorf("store the recipients' salt: %w", err)
	}
	return salt, nil
}
