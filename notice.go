package leakdesk

import (
	"context"
	"database/sql"
	"time"
)

// Recipient is someone an incident's notices go to: an affected contact,
// found by matching, or another person added by hand (a customer's security
// contact, a DPO, an internal stakeholder).
type Recipient struct {
	ID           int64     `json:"id"`
	IncidentID   int64     `json:"-"`
	Key          string    `json:"key"`  // the contact ID, or a pseudonym (OtherRecipientKey)
	Kind         string    `json:"kind"` // RecipientAffected, RecipientFormer or RecipientOther
	ContactID    string    `json:"contact_id,omitempty"`
	Name         string    `json:"name"`
	Organisation string    `json:"organisation,omitempty"`
	OrgID        string    `json:"org_id,omitempty"`
	Role         string    `json:"role,omitempty"` // for others: dpo, security, internal...
	Email        string    `json:"email,omitempty"`
	Phone        string    `json:"phone,omitempty"`
	Language     string    `json:"language"` // fr or en
	Fields       []string  `json:"fields,omitempty"`
	Rows         []int64   `json:"rows,omitempty"`
	AddedAt      time.Time `json:"added_at,omitzero"`
}

// Recipient kinds.
const (
	RecipientAffected = "affected"
	// RecipientFormer is a former contact found in the leak: no longer in
	// the registry, reached with what a past export or the leak holds.
	RecipientFormer = "former"
	RecipientOther  = "other"
)

// Notice kinds: the first notice, the updates that follow it, and the
// answers to questions asked through the portal, each mailed to the one
// person the asker chose. An answer tells nobody of the leak: coverage
// does not count it.
const (
	NoticeFirst  = "first"
	NoticeUpdate = "update"
	NoticeAnswer = "answer"
)

// Text returns the update's text in lang.
func (n *Notice) Text(lang string) string {
	if t := n.Translations[lang]; t != "" {
		return t
	}
	return n.Message
}

// Notice is one message sent to an incident's audience: the first notice
// or an update. Each recipient gets it at most once, through a Delivery.
type Notice struct {
	ID         int64  `json:"id"`
	IncidentID int64  `json:"-"`
	Campaign   string `json:"campaign"`
	Kind       string `json:"kind"`
	Template   string `json:"template"`
	Message    string `json:"message,omitempty"` // an update's own text
	// Translations hold the update's text in other languages, by language;
	// a recipient whose language has none gets Message.
	Translations map[string]string `json:"translations,omitempty"`
	Actor        string            `json:"actor"`
	CreatedAt    time.Time         `json:"created_at"`
	// Domain is the right side of the Message-IDs made for this notice,
	// normally the sender's domain. It is not stored.
	Domain string `json:"-"`
}

// Delivery states. A delivery is claimed (sending) before its message is
// handed to the mail server, so that a crash leaves a trace of what was in
// flight.
const (
	DeliveryQueued  = "queued"
	DeliverySending = "sending"
	DeliverySent    = "sent"      // accepted by the mail server or written to the outbox
	DeliveryDone    = "delivered" // a delivery report said so
	DeliveryBounced = "bounced"   // a delivery report or the server refused it for good
	DeliveryFailed  = "failed"    // gave up: permanent error or too many attempts
)

// Delivery is one notice for one recipient: the outbox row.
type Delivery struct {
	ID          int64     `json:"id"`
	NoticeID    int64     `json:"notice_id"`
	RecipientID int64     `json:"recipient_id"`
	MessageID   string    `json:"message_id"` // the idempotency key, kept across retries
	Address     string    `json:"address"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	Uncertain   int       `json:"uncertain"` // times it was in flight when a sender died
	LastError   string    `json:"last_error,omitempty"`
	LeaseUntil  time.Time `json:"-"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ContactAttempt is an attempt to reach a recipient outside the e-mail
// queue: a call, a letter, a meeting, or an acknowledgement of a notice.
type ContactAttempt struct {
	ID          int64     `json:"id"`
	IncidentID  int64     `json:"-"`
	RecipientID int64     `json:"recipient_id"`
	NoticeID    int64     `json:"notice_id,omitempty"` // the notice an acknowledgement confirms
	Channel     string    `json:"channel"`             // phone, letter, email, in-person, ack
	Outcome     string    `json:"outcome"`             // see ContactOutcomes
	Note        string    `json:"note,omitempty"`
	Actor       string    `json:"actor"`
	At          time.Time `json:"at"`
}

// ContactOutcomes lists the outcomes a contact attempt may record, and
// whether each counts as the person being reached. "waived" records why
// someone will not be reached, which must be said before an incident closes.
var ContactOutcomes = map[string]bool{
	"reached": true, "acknowledged": true, "waived": true,
	"no-answer": false, "voicemail": false, "wrong-number": false, "returned": false, "refused": false,
}

// ContactChannels lists the channels of a contact attempt.
var ContactChannels = []string{"phone", "letter", "email", "in-person", "ack"}

// Coverage states of a recipient, from worst to best.
const (
	CoverageNoAddress    = "no-address"   // never sent: no valid e-mail address
	CoverageNotNotified  = "not-notified" // no notice yet
	CoverageQueued       = "queued"       // in the queue
	CoverageFailed       = "failed"       // the last notice could not be delivered
	CoverageBounced      = "bounced"      // a delivery report refused it
	CoverageSent         = "sent"         // accepted by the mail server
	CoverageDelivered    = "delivered"    // a delivery report confirmed it
	CoverageOther        = "reached-other"
	CoverageAcknowledged = "acknowledged"
	CoverageWaived       = "waived" // not to be reached, for a recorded reason
)

// CoverageEntry is where one recipient stands.
type CoverageEntry struct {
	Recipient *Recipient `json:"recipient"`
	State     string     `json:"state"`
	Notices   int        `json:"notices"` // notices sent to them
	Pending   int        `json:"pending"` // notices not yet sent
	LastError string     `json:"last_error,omitempty"`
	Reason    string     `json:"reason,omitempty"`  // for waived
	Channel   string     `json:"channel,omitempty"` // for reached-other: phone, letter, in-person...
	Next      string     `json:"next,omitempty"`    // what to try next
}

// Unreached reports whether nobody has told this recipient of the leak,
// and nobody has said why they will not be told.
func (e *CoverageEntry) Unreached() bool {
	switch e.State {
	case CoverageSent, CoverageDelivered, CoverageOther, CoverageAcknowledged, CoverageWaived:
		return false
	}
	return true
}

// Progress counts a notice's deliveries by state.
type Progress map[string]int

// Done reports whether no delivery is waiting or in flight.
func (p Progress) Done() bool { return p[DeliveryQueued] == 0 && p[DeliverySending] == 0 }

// Claim is a delivery claimed for sending, with what its message is made
// of. A delivery already sent or given up comes back unclaimed: its state
// is not DeliverySending, and there is nothing to do.
type Claim struct {
	Delivery  *Delivery
	Notice    *Notice
	Recipient *Recipient
	// Resent is true when an earlier attempt died in flight: the message may
	// already have arrived, and goes again under the same Message-ID.
	Resent bool
	// Wait, when not zero, says the delivery cannot be sent yet: another
	// sender holds it, or the recipient's earlier notice is still on its
	// way. Come back after Wait.
	Wait time.Duration
}

// Outcome is what became of a claimed delivery: sent, bounced, failed,
// or queued to be retried after a temporary failure.
type Outcome struct {
	Claim  *Claim
	State  string
	Detail string
}

// Notice timeline events.
const (
	EventRecipientsAdded  = "notify.recipients"
	EventNoticeCreated    = "notify.notice"
	EventDeliveryChanged  = "notify.delivery"
	EventContactRecorded  = "notify.contact"
	EventAcknowledged     = "notify.ack"
	EventDeliveryReported = "notify.report"
)

// EnqueueFunc enqueues the jobs that deliver a notice, in the transaction
// that creates its deliveries, so that there is never a delivery without a
// job nor a job without its delivery.
type EnqueueFunc func(ctx context.Context, tx *sql.Tx, noticeID int64, deliveryIDs []int64) error

// NoticeService keeps audiences, notices, their deliveries and contact
// attempts.
type NoticeService interface {
	// AddRecipients adds recipients to the incident's audience, or updates
	// those with the same key. Returns ENOTFOUND or EINVALID.
	AddRecipients(ctx context.Context, incidentID int64, actor string, rs []*Recipient) (added int, err error)
	// Recipients lists the incident's audience.
	Recipients(ctx context.Context, incidentID int64) ([]*Recipient, error)

	// CreateNotice creates n and one delivery for each recipient of the
	// incident with an address, and enqueues them. If the incident already
	// has the campaign, it returns that notice and created false: a campaign
	// started twice joins the first and never sends twice. For an update,
	// it also queues the first notice for recipients who never had one.
	// Returns ENOTFOUND, EINVALID, or ECONFLICT for a closed incident.
	CreateNotice(ctx context.Context, n *Notice, enqueue EnqueueFunc) (notice *Notice, created bool, err error)
	// FindNotice returns the incident's notice for campaign, or ENOTFOUND.
	FindNotice(ctx context.Context, incidentID int64, campaign string) (*Notice, error)
	// Notices lists the incident's notices, oldest first.
	Notices(ctx context.Context, incidentID int64) ([]*Notice, error)
	// Unfinished returns the IDs of the deliveries still queued or in flight
	// of the notice and of the incident's earlier notices (an update queues
	// the first notice for recipients added since), to enqueue them again
	// after a sender died.
	Unfinished(ctx context.Context, noticeID int64) ([]int64, error)
	// Pending counts what Unfinished lists, cheaply enough to poll.
	Pending(ctx context.Context, noticeID int64) (int, error)
	// Resent counts the notice's messages sent again because a sender died
	// while they were in flight: each may have arrived twice, under one
	// Message-ID.
	Resent(ctx context.Context, noticeID int64) (int, error)
	// Progress counts the notice's deliveries by state.
	Progress(ctx context.Context, noticeID int64) (Progress, error)

	// Advance records the outcome of the delivery just tried (done, if not
	// nil) and claims the next one (next, if not 0) until lease runs out,
	// in one transaction.
	// A claim that comes back with Wait, or in a state other than sending,
	// is not to be sent now. Recording an outcome returns ECONFLICT if the delivery's
	// lease ran out and another sender took it; claiming returns ENOTFOUND.
	Advance(ctx context.Context, done *Outcome, next int64, lease time.Duration) (*Claim, error)
	// Release gives back a claimed delivery whose message never left: it is
	// queued again, and the attempt is not counted. Returns ECONFLICT if
	// the lease ran out and another sender took it.
	Release(ctx context.Context, c *Claim) error
	// ReportDelivery records what a delivery report (DSN) said of the
	// message with messageID: delivered or bounced. recipients are the
	// addresses the report names (its Final-Recipient, and its
	// Original-Recipient if any); unless one of them is the delivery's
	// address, the report is about someone else's mail (forged, or
	// misrouted) and is refused with ECONFLICT. Returns ENOTFOUND.
	ReportDelivery(ctx context.Context, messageID string, recipients []string, state, detail string) (*Delivery, error)

	// RecordContact records a contact attempt or an acknowledgement.
	// Returns ENOTFOUND, or EINVALID (also for a time in the future).
	RecordContact(ctx context.Context, a *ContactAttempt) error
	// Coverage says where each recipient of the incident stands.
	Coverage(ctx context.Context, incidentID int64) ([]*CoverageEntry, error)
	// CoverageBoard counts what Coverage says, in all and by organisation,
	// and returns the unreached recipients from the offset-th, at most
	// limit of them, in the order of Coverage. Returns ENOTFOUND.
	CoverageBoard(ctx context.Context, incidentID int64, offset, limit int) (*CoverageBoard, error)
	// AffectedOutsideAudience counts the affected contacts of the latest
	// findings who are not recipients yet, so no notice can reach them.
	AffectedOutsideAudience(ctx context.Context, incidentID int64) (int, error)
}

// Suggest says what a responder should try for a recipient not yet reached.
func (e *CoverageEntry) Suggest() string {
	r := e.Recipient
	switch e.State {
	case CoverageNotNotified:
		return "send the notice: leakdesk notify send"
	case CoverageQueued:
		return "in the queue: leakdesk notify send resumes a stopped campaign"
	case CoverageSent:
		return "" // told; an acknowledgement would confirm it
	case CoverageNoAddress, CoverageBounced, CoverageFailed:
		switch {
		case r.Phone != "":
			return "call " + r.Phone + ", then record it: leakdesk notify log-contact"
		case r.Organisation != "":
			return "write to them at " + r.Organisation + ", or ask its security contact"
		default:
			return "find another address, or record why not: leakdesk notify log-contact --outcome waived"
		}
	}
	return ""
}
