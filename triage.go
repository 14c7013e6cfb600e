package leakdesk

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Triage states.
const (
	TriageQueued = "queued" // kept as evidence, waiting to be read and matched
	TriageDone   = "done"   // read and matched
	TriageUnread = "unread" // nothing could be read from it
	// TriageFailed: matching it failed (its distributed run could not
	// finish), so what it holds is unknown; Detail says why.
	TriageFailed = "failed"
)

// TriageFile is a file that came in to be triaged: from a drop directory,
// the intake API or the decoy mail server. It is evidence: its content is
// in the vault under SHA256, never altered.
type TriageFile struct {
	ID         int64     `json:"id"`
	SHA256     string    `json:"sha256"`
	Name       string    `json:"name"`
	Size       int64     `json:"size"`
	Source     string    `json:"source"` // "drop:DIR", "intake", "decoy-smtp"…
	URL        string    `json:"url,omitempty"`
	Actor      string    `json:"actor"`
	ReceivedAt time.Time `json:"received_at"`
	// FileTime is when the file could have been known at the earliest (its
	// modification time, or when it was posted): the clock could have
	// started then.
	FileTime time.Time `json:"file_time,omitzero"`

	State    string    `json:"state"`
	DoneAt   time.Time `json:"done_at,omitzero"`
	Rows     int64     `json:"rows"`
	Contacts int       `json:"contacts"` // registry contacts found
	// RecycledOf names the earlier file this one is mostly made of, and
	// RecycledShare the share of this file's values found in it.
	RecycledOf    int64   `json:"recycled_of,omitempty"`
	RecycledShare float64 `json:"recycled_share,omitempty"`
	// AlertedAt is when an alert was raised: the awareness time proposed
	// for an incident, for a person to confirm or correct.
	AlertedAt time.Time `json:"alerted_at,omitzero"`
	// MailSentAt and WebhookSentAt are when each channel took the alert.
	MailSentAt    time.Time `json:"mail_sent_at,omitzero"`
	WebhookSentAt time.Time `json:"webhook_sent_at,omitzero"`
	// MailAttempts and WebhookAttempts count the claims made to send the
	// alert on each channel. More than one, with the alert sent, means a
	// claim before the last ended without a recorded outcome (a failure,
	// or a crash while the alert was on its way): the only way an alert
	// can arrive twice.
	MailAttempts    int    `json:"mail_attempts,omitempty"`
	WebhookAttempts int    `json:"webhook_attempts,omitempty"`
	Detail          string `json:"detail,omitempty"` // what could not be read, or why no alert
	// Retries counts the times a failed file was taken in again and
	// queued anew.
	Retries int    `json:"retries,omitempty"`
	RowSet  []byte `json:"-"` // the sketch of its values, JSON
	// Shredded says when, by whom and why its content was destroyed;
	// nil while it is kept.
	Shredded *KeptFileShred `json:"shredded,omitempty"`
}

// TriageEnqueueFunc enqueues the job that triages a file, in the
// transaction that records it, so that a file is never recorded without
// its job nor triaged twice.
type TriageEnqueueFunc func(ctx context.Context, tx *sql.Tx, fileID int64) error

// TriageService keeps the triage area's files and results.
type TriageService interface {
	// ReceiveTriage records f unless a file with its SHA256 is already
	// known; it returns the file on record and whether it was new. A
	// known file whose triage failed is queued again, its job enqueued in
	// the same transaction, and counts as new.
	ReceiveTriage(ctx context.Context, f *TriageFile, enqueue TriageEnqueueFunc) (*TriageFile, bool, error)
	// FindTriage returns a file by ID, ENOTFOUND if none.
	FindTriage(ctx context.Context, id int64) (*TriageFile, error)
	// TriagedBefore returns the files triaged before id that yielded
	// values, with their row sets, oldest first.
	TriagedBefore(ctx context.Context, id int64) ([]*TriageFile, error)
	// CompleteTriage records f's result if it was still queued, and then
	// runs alert in the same transaction; it reports whether it did.
	// A job run again after a crash thus never alerts twice.
	CompleteTriage(ctx context.Context, f *TriageFile, alert TriageEnqueueFunc) (bool, error)
	// ClaimAlert records an attempt to send the alert about file id on
	// channel, before it is sent, and returns how many were made.
	ClaimAlert(ctx context.Context, id int64, channel string) (attempts int, err error)
	// ClaimAlarm records an attempt to send the alarm named key on channel,
	// and returns how many were made and when one was sent, zero if none.
	ClaimAlarm(ctx context.Context, key, channel string) (attempts int, sentAt time.Time, err error)
	// AlarmSent records that channel took the alarm named key.
	AlarmSent(ctx context.Context, key, channel string) error
	// AlertSent records that channel ("mail" or "webhook") took the alert
	// about file id, so that a job worked again does not send it again.
	AlertSent(ctx context.Context, id int64, channel string) error
}

// KeptFileShred records that the watch's copy of a file it kept (a file
// taken in for triage, a decoy alarm's message or call record) was
// destroyed: crypto-shredded by a person, shredded with the incident that
// held it as evidence, or moved into an incident's evidence, under that
// incident's key. The file's hash, size and triage result stay.
type KeptFileShred struct {
	SHA256 string    `json:"sha256"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Reason string    `json:"reason"`
	// Incident is the incident whose evidence holds the content now, or
	// held it when it was shredded; zero if none.
	Incident int64 `json:"incident,omitempty"`
}

// KeptFileService keeps the content of the files the watch keeps, each
// under a data key of its own.
type KeptFileService interface {
	// ShredKeptFile crypto-shreds the file ref names: a triage file's
	// number, at least 8 hex digits of its SHA-256, or a decoy alarm's
	// key, on behalf of actor, for reason. Shredding twice returns the
	// first record. EINVALID, ENOTFOUND, and ECONFLICT while an incident
	// that is not shredded still reads it from the watch's keeping.
	ShredKeptFile(ctx context.Context, ref, actor, reason string) (*KeptFileShred, error)
	// TakeIntoIncident re-encrypts sum, a file the watch keeps and
	// evidence of incident id, for the incident's key, with the read on
	// the incident's timeline, then destroys the watch's copy once no
	// other incident reads it. Idempotent. ENOTFOUND.
	TakeIntoIncident(ctx context.Context, incidentID int64, sum, actor string) error
	// MoveKeptFiles moves the files kept for the master key before case
	// keys: into the incidents whose evidence they are, or else under a
	// key of their own. It returns how many it moved. Idempotent.
	MoveKeptFiles(ctx context.Context, actor string) (int, error)
}

// KeptFileRef names a file the watch kept: exactly one field is set.
type KeptFileRef struct {
	File       int64  // a triage file's number
	Alarm      string // a decoy alarm's key
	HashPrefix string // at least 8 lower-case hex digits of its SHA-256
}

// ParseKeptFileRef reads a triage file's number ("7" or "#7"), a decoy
// alarm's key ("decoy-…"), or at least 8 hex digits of a SHA-256.
func ParseKeptFileRef(ref string) (KeptFileRef, error) {
	ref = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(ref), "#"))
	if strings.HasPrefix(ref, "decoy-") && len(ref) > len("decoy-") {
		return KeptFileRef{Alarm: ref}, nil
	}
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil && id > 0 && len(ref) < 8 {
		return KeptFileRef{File: id}, nil
	}
	if len(ref) >= 8 && len(ref) <= 64 && strings.Trim(ref, "0123456789abcdef") == "" {
		return KeptFileRef{HashPrefix: ref}, nil
	}
	return KeptFileRef{}, Errorf(EINVALID, "invalid file reference %q: give a triage file's number, at least 8 hex digits of its SHA-256, or a decoy alarm's key", ref)
}
