package notify

import (
	"context"

	"github.com/leakdesk/leakdesk"
)

// AckStore is what acknowledgements need of the incident store.
type AckStore interface {
	// Notices lists the incident's notices, oldest first.
	Notices(ctx context.Context, incidentID int64) ([]*leakdesk.Notice, error)
	// Acknowledge records the recipient's acknowledgement of the notice
	// once, and reports whether this call recorded it.
	Acknowledge(ctx context.Context, incidentID, recipientID, noticeID int64, actor string) (recorded bool, err error)
}

// Acknowledgements checks acknowledgement links and records what they
// confirm.
type Acknowledgements struct {
	tokens *Tokens
	store  AckStore
}

// NewAcknowledgements returns the acknowledgement service.
func NewAcknowledgements(tokens *Tokens, store AckStore) *Acknowledgements {
	return &Acknowledgements{tokens: tokens, store: store}
}

// Check verifies a link's token: EUNAUTHORIZED if it is not valid, a
// *LinkExpiredError if it is too old. A legacy token, which carries no
// expiry, expires with its notice: the tokens' lifetime after the notice
// was created, which is never later than when its messages were signed.
func (a *Acknowledgements) Check(ctx context.Context, token string) (Ack, error) {
	ack, err := a.tokens.Check(token)
	if err != nil || !ack.Legacy {
		return ack, err
	}
	notices, err := a.store.Notices(ctx, ack.Incident)
	if err != nil {
		return Ack{}, err
	}
	for _, n := range notices {
		if n.ID == ack.Notice {
			if expires := n.CreatedAt.Add(a.tokens.Lifetime); !a.tokens.Now().Before(expires) {
				return ack, &LinkExpiredError{Expired: expires}
			}
			return ack, nil
		}
	}
	return Ack{}, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "this acknowledgement link is not valid")
}

// Acknowledge records what a valid link confirms, on the incident's
// timeline under the acknowledgement handler's actor (leakdesk.AckActor).
// The same link used again changes nothing: recorded is then false.
func (a *Acknowledgements) Acknowledge(ctx context.Context, token string) (ack Ack, recorded bool, err error) {
	if ack, err = a.Check(ctx, token); err != nil {
		return ack, false, err
	}
	recorded, err = a.store.Acknowledge(ctx, ack.Incident, ack.Recipient, ack.Notice, leakdesk.AckActor)
	return ack, recorded, err
}
