package leakdesk

import "time"

// Event kinds of the portal.
const (
	EventPortalLinkIssued   = "portal.link"
	EventPortalLinkRevoked  = "portal.revoke"
	EventPortalAcknowledged = "portal.ack"
	EventPortalQuestion     = "portal.question"
	EventPortalAnswer       = "portal.answer"
)

// The payloads' fields are in the alphabetical order of their JSON names,
// as every payload's are (see payload.go).

// PortalLinkPayload is the detail of EventPortalLinkIssued and
// EventPortalLinkRevoked. The secret is never recorded.
type PortalLinkPayload struct {
	ExpiresAt time.Time `json:"expires_at"`
	LinkID    int64     `json:"link_id"`
	OrgID     string    `json:"org_id"`
}

// PortalAcknowledgedPayload is the detail of EventPortalAcknowledged.
type PortalAcknowledgedPayload struct {
	LinkID int64  `json:"link_id"`
	OrgID  string `json:"org_id"`
}

// PortalQuestionPayload is the detail of EventPortalQuestion. ReplyTo is
// the key of the recipient who gets the answer by e-mail, never their
// address. Text is held by reference: a question may say anything about
// the organisation's people. A timeline written before holds it inline.
type PortalQuestionPayload struct {
	LinkID     int64    `json:"link_id"`
	OrgID      string   `json:"org_id"`
	QuestionID int64    `json:"question_id"`
	ReplyTo    string   `json:"reply_to,omitempty"`
	Text       Personal `json:"text"`
}

// PortalAnswerPayload is the detail of EventPortalAnswer. Notice is the
// notice that mails the answer, when the asker named whom to send it to.
// Answer is held by reference, as the question's text is.
type PortalAnswerPayload struct {
	Answer     Personal `json:"answer"`
	Notice     int64    `json:"notice,omitempty"`
	OrgID      string   `json:"org_id"`
	QuestionID int64    `json:"question_id"`
}
