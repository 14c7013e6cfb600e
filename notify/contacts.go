package notify

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/match"
)

// AddRecipients adds the other recipients listed in a CSV file (see
// ReadOthers) to the incident's audience. It returns how many were read
// and how many of them are new.
func (c *Campaigns) AddRecipients(ctx context.Context, incidentID int64, actor string, csv io.Reader) (read, added int, err error) {
	others, err := ReadOthers(csv, match.NewNormaliser("FR"))
	if err != nil {
		return 0, 0, err
	}
	added, err = c.deps.Notices.AddRecipients(ctx, incidentID, actor, others)
	return len(others), added, err
}

// Recipients lists the incident's audience; an empty one is an empty list.
func (c *Campaigns) Recipients(ctx context.Context, incidentID int64) ([]*leakdesk.Recipient, error) {
	list, err := c.deps.Notices.Recipients(ctx, incidentID)
	if list == nil && err == nil {
		list = []*leakdesk.Recipient{}
	}
	return list, err
}

// Contact is an attempt to reach a recipient outside the e-mail queue.
type Contact struct {
	Incident  int64
	Recipient string // the recipient's key or e-mail address
	Channel   string
	Outcome   string
	Note      string
	Actor     string
	At        time.Time // zero: now
}

// Logged is a contact attempt recorded, or held for a second approval.
type Logged struct {
	Attempt   *leakdesk.ContactAttempt
	Recipient *leakdesk.Recipient
	// Held is the request for a second approval of a waiver, on an
	// incident that requires one; nothing is recorded until it is approved.
	Held *leakdesk.Approval
}

// LogContact records a call, a letter or a meeting with a recipient, or
// why they will not be reached. A waiver goes through the two-person rule
// when the service has Approvals.
func (c *Campaigns) LogContact(ctx context.Context, contact Contact) (*Logged, error) {
	rcpt, err := c.recipient(ctx, contact.Incident, contact.Recipient)
	if err != nil {
		return nil, err
	}
	out := &Logged{Recipient: rcpt, Attempt: &leakdesk.ContactAttempt{IncidentID: contact.Incident, RecipientID: rcpt.ID, Channel: contact.Channel,
		Outcome: contact.Outcome, Note: contact.Note, Actor: contact.Actor, At: contact.At}}
	if contact.Outcome == "waived" && strings.TrimSpace(contact.Note) != "" && c.deps.Approvals != nil {
		rule := leakdesk.TwoPersonRule{Approvals: c.deps.Approvals, Incidents: c.deps.Incidents, Notices: c.deps.Notices}
		out.Held, err = rule.Hold(ctx, contact.Incident, leakdesk.ActionRecipientWaive, "waive "+rcpt.Key+": "+contact.Note, out.Attempt, contact.Actor)
		if err != nil || out.Held != nil {
			return out, err
		}
	}
	if err := c.deps.Notices.RecordContact(ctx, out.Attempt); err != nil {
		return nil, err
	}
	return out, nil
}

// recipient finds a recipient of the incident's audience by its key or
// e-mail address, in the recipients table. "other:" and an address, the
// key releases before pseudonyms gave, is read as the address.
func (c *Campaigns) recipient(ctx context.Context, incidentID int64, keyOrEmail string) (*leakdesk.Recipient, error) {
	list, err := c.deps.Notices.Recipients(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	address := keyOrEmail
	if addr, ok := strings.CutPrefix(keyOrEmail, leakdesk.OtherKeyPrefix); ok && strings.Contains(addr, "@") {
		address = addr
	}
	i := slices.IndexFunc(list, func(r *leakdesk.Recipient) bool {
		return r.Key == keyOrEmail || (r.Email != "" && strings.EqualFold(r.Email, address))
	})
	if i < 0 {
		return nil, leakdesk.Errorf(leakdesk.ENOTFOUND, "no recipient %q in the audience of %s: see leakdesk notify recipients", keyOrEmail, leakdesk.FormatIncidentID(incidentID))
	}
	return list[i], nil
}
