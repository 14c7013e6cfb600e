package leakdesk

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// The affected organisations' portal: each organisation whose people are
// among an incident's recipients gets one private link to a page about
// that organisation only. The link's secret is the only thing the page is
// reached by; the incident and the organisation come from the stored link,
// never from the request, so that nothing a visitor types can point the
// page at another organisation.

// DefaultPortalLifetime is how long a portal link works unless told
// otherwise: the length of a response, with its questions and updates.
const DefaultPortalLifetime = 90 * 24 * time.Hour

// MaxPortalLifetime bounds a portal link's life: an old mailbox must not
// be a store of live links.
const MaxPortalLifetime = 365 * 24 * time.Hour

// MaxQuestionLength bounds a question asked through the portal.
const MaxQuestionLength = 4000

// PortalLink is one organisation's link to its page about an incident.
// Its secret is derived from a key of the incident, the organisation and
// the generation, so that sending a notice can put it in the mail; only
// its hash is stored. Issuing the organisation a new link makes a new
// generation and withdraws the earlier ones.
type PortalLink struct {
	ID           int64     `json:"id"`
	IncidentID   int64     `json:"-"`
	OrgID        string    `json:"org_id"`
	Organisation string    `json:"organisation"`
	Generation   int64     `json:"generation"` // 0: a link drawn at random, before links were derived
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	ExpiresAt    time.Time `json:"expires_at"`
	RevokedAt    time.Time `json:"revoked_at,omitzero"`
}

// Live reports whether the link still opens its page at now.
func (l *PortalLink) Live(now time.Time) bool {
	return l.RevokedAt.IsZero() && now.Before(l.ExpiresAt)
}

// PortalActor names the principal behind what a portal link records: the
// organisation, through that link.
func PortalActor(l *PortalLink) string {
	return "portal:" + l.OrgID + " (link " + strconv.FormatInt(l.ID, 10) + ")"
}

// PortalQuestion is a question an organisation asked through its link. It
// is a task in the console until someone answers it there.
type PortalQuestion struct {
	ID         int64  `json:"id"`
	IncidentID int64  `json:"-"`
	LinkID     int64  `json:"link_id"`
	OrgID      string `json:"org_id"`
	Text       string `json:"text"`
	// ReplyTo is the recipient, one of the organisation's people, who gets
	// the answer by e-mail; 0 when the asker chose nobody.
	ReplyTo    int64     `json:"reply_to,omitempty"`
	AskedAt    time.Time `json:"asked_at"`
	Answer     string    `json:"answer,omitempty"`
	AnsweredBy string    `json:"answered_by,omitempty"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	// AnswerNotice is the notice that e-mails the answer to ReplyTo.
	AnswerNotice int64 `json:"answer_notice,omitempty"`
	// Organisation is the name of the organisation that asked, and
	// ReplyName and ReplyEmail those of the person ReplyTo names, for a
	// page to show as its reader's role allows. They are not encoded: the
	// portal shows no address, and the API names the person by ReplyTo.
	Organisation string `json:"-"`
	ReplyName    string `json:"-"`
	ReplyEmail   string `json:"-"`
}

// QuestionRequest is a question asked through a portal link, and which of
// the organisation's people gets the answer by e-mail: chosen on the page
// (ReplyTo, a recipient's ID) or typed (ReplyAddress). Either must be one
// of the organisation's people in the incident with an address: the
// portal never mails anyone else.
type QuestionRequest struct {
	Text         string
	ReplyTo      int64
	ReplyAddress string
}

// Open reports whether the question waits for an answer.
func (q *PortalQuestion) Open() bool { return q.AnsweredAt.IsZero() }

// CheckQuestion refuses (EINVALID) an empty or overlong question.
func CheckQuestion(text string) error {
	switch n := len(strings.TrimSpace(text)); {
	case n == 0:
		return Errorf(EINVALID, "the question is empty")
	case len(text) > MaxQuestionLength:
		return Errorf(EINVALID, "the question is %d characters long; at most %d are kept", len(text), MaxQuestionLength)
	}
	return nil
}

// PortalPerson is one of the organisation's people in the leak, with the
// fields of their record that leaked.
type PortalPerson struct {
	ID     int64    `json:"id"` // the recipient's, to choose who gets an answer
	Name   string   `json:"name"`
	Role   string   `json:"role,omitempty"`
	Fields []string `json:"fields"`
	// Reachable: the person has an address, so can get an answer by
	// e-mail. The address itself is never shown.
	Reachable bool `json:"reachable"`
}

// PortalNotice is a notice or update sent to some of the organisation's
// people, and how many of them it was sent to.
type PortalNotice struct {
	Kind      string    `json:"kind"`
	Message   string    `json:"message,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Sent      int       `json:"sent"`
}

// PortalFact is a fact of the incident marked public.
type PortalFact struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// PortalView is everything an organisation's page shows, and nothing of
// any other organisation.
type PortalView struct {
	Incident       string            `json:"incident"` // its public ID
	OrgID          string            `json:"org_id"`
	Organisation   string            `json:"organisation"`
	People         []PortalPerson    `json:"people"`
	Facts          []PortalFact      `json:"facts"`
	Notices        []PortalNotice    `json:"notices"`
	Questions      []*PortalQuestion `json:"questions"`
	AcknowledgedAt time.Time         `json:"acknowledged_at,omitzero"`
	ExpiresAt      time.Time         `json:"expires_at"`
}

// AnswerMail is how an answer is mailed: its delivery's job is enqueued
// in the transaction that records the answer, and Domain is the right
// side of its Message-ID, as a Notice's.
type AnswerMail struct {
	Domain  string
	Enqueue EnqueueFunc
}

// PortalService keeps the portal's links and questions.
type PortalService interface {
	// IssuePortalLink makes a link of a new generation for an organisation
	// of the incident's recipients, valid for lifetime, withdraws its
	// earlier links, and returns it with its secret. EINVALID for a
	// lifetime out of bounds; ENOTFOUND for an organisation none of the
	// recipients belongs to.
	IssuePortalLink(ctx context.Context, incidentID int64, orgID string, lifetime time.Duration, actor string) (*PortalLink, string, error)
	// EnsurePortalLinks issues a link, valid for lifetime, to every
	// organisation of the incident's recipients that has no live derived
	// link, and returns how many it issued.
	EnsurePortalLinks(ctx context.Context, incidentID int64, lifetime time.Duration, actor string) (issued int, err error)
	// LivePortalLink returns the organisation's live derived link with
	// its secret, recomputed: what a notice to its people carries.
	// ENOTFOUND when it has none.
	LivePortalLink(ctx context.Context, incidentID int64, orgID string) (*PortalLink, string, error)
	// RevokePortalLink stops a link of the incident at once. ENOTFOUND.
	RevokePortalLink(ctx context.Context, incidentID, linkID int64, actor string) error
	// PortalLinks lists the incident's links, newest first.
	PortalLinks(ctx context.Context, incidentID int64) ([]*PortalLink, error)
	// OpenPortal returns the link a secret opens. EUNAUTHORIZED for a
	// secret that opens none, and for a revoked or expired link: the
	// caller cannot tell which, nor guess another organisation's.
	OpenPortal(ctx context.Context, secret string) (*PortalLink, error)
	// PortalPage returns what the link's page shows.
	PortalPage(ctx context.Context, link *PortalLink) (*PortalView, error)
	// AcknowledgePortal records, once, that the organisation read its
	// page; recorded is false when it was already.
	AcknowledgePortal(ctx context.Context, link *PortalLink) (recorded bool, err error)
	// AskQuestion records a question asked through the link, as a task of
	// the incident and an event on its timeline. EINVALID, also for a
	// reply address that is not one of the organisation's people's.
	AskQuestion(ctx context.Context, link *PortalLink, q QuestionRequest) (*PortalQuestion, error)
	// Questions lists the incident's questions, open ones first.
	Questions(ctx context.Context, incidentID int64) ([]*PortalQuestion, error)
	// AnswerQuestion records the answer, on the timeline too. With
	// mail, an answer to a question that names whom to reply to is also
	// a notice of kind NoticeAnswer with one delivery, to that person,
	// enqueued in the same transaction; without, it is not mailed.
	// ENOTFOUND; ECONFLICT for a question already answered; EINVALID for
	// an empty answer.
	AnswerQuestion(ctx context.Context, incidentID, questionID int64, answer, actor string, mail *AnswerMail) (*PortalQuestion, error)
}
