package leakdesk

import "time"

// Record is what an incident's timeline alone says its side tables
// (incidents, filings, recipients, deliveries, contact_attempts) must
// hold. Coverage, the close gate and the clocks read those tables; the
// timeline is hash-chained and they are not, so each is checked against
// this before a decision is trusted.
type Record struct {
	Status   string    // StatusProposed, StatusOpen or StatusClosed
	AwareAt  time.Time // zero while unknown
	ClosedAt time.Time // zero while open
	// Waived are the obligations the latest closing waived, and why. They
	// live only on the timeline.
	Waived map[string]string
	// Filings are by filing ID, with what the filings table must hold.
	Filings map[int64]*Filing
	// Recipients counts the recipients the timeline says were added.
	Recipients int
	// Deliveries are by delivery ID, each with its latest recorded state.
	Deliveries map[int64]*RecordedDelivery
	// Contacts are the contact attempts and acknowledgements, in the order
	// they were recorded.
	Contacts []*RecordedContact
	// Findings is the ID of the latest findings, 0 before any, and
	// AffectedContacts how many affected contacts they hold: the close gate
	// counts those outside the audience.
	Findings         int64
	AffectedContacts int

	proposed bool // opened by an alert and not confirmed yet
}

// RecordedDelivery is the latest event of one delivery.
type RecordedDelivery struct {
	ID           int64
	Notice       int64
	RecipientKey string
	MessageID    string
	State        string
	Seq          int64 // the event that says so
}

// RecordedContact is one contact attempt as its event recorded it.
type RecordedContact struct {
	RecipientKey string
	Channel      string
	Outcome      string
	Note         Personal
	Actor        string
	At           time.Time
	Seq          int64
}

// RecordOf derives an incident's Record from its events, in order. It
// returns EINTEGRITY when an event the record depends on does not decode:
// an unreadable event cannot vouch for a table.
func RecordOf(events []*Event) (*Record, error) {
	rec := &Record{Filings: map[int64]*Filing{}, Deliveries: map[int64]*RecordedDelivery{}}
	for _, ev := range events {
		if !shapesRecord(ev.Kind) {
			continue
		}
		p, err := DecodePayload(ev)
		if err != nil {
			return nil, Errorf(EINTEGRITY, "event %d (%s) cannot be read back: %v", ev.Seq, ev.Kind, err)
		}
		rec.apply(ev, p)
	}
	return rec, nil
}

// shapesRecord says whether events of kind change a side table.
func shapesRecord(kind string) bool {
	switch kind {
	case EventIncidentOpened, EventIncidentConfirmed, EventIncidentClosed, EventIncidentReopened, EventAwarenessSet, EventObligationFiled,
		EventFindingsRecorded, EventRecipientsAdded, EventDeliveryChanged, EventContactRecorded, EventAcknowledged:
		return true
	}
	return false
}

// apply changes the record as the store changed its tables when it wrote
// ev, whose decoded payload is p.
func (rec *Record) apply(ev *Event, p any) {
	switch p := p.(type) {
	case *IncidentOpenedPayload:
		rec.proposed = p.Proposed
		rec.Status = rec.openStatus()
		if p.AwareAt != nil {
			rec.AwareAt = *p.AwareAt
		}
	case *IncidentConfirmedPayload:
		rec.proposed, rec.AwareAt = false, p.AwareAt
		if rec.Status != StatusClosed {
			rec.Status = StatusOpen
		}
	case *AwarenessSetPayload:
		rec.AwareAt = p.AwareAt
	case *IncidentClosedPayload:
		rec.Status, rec.ClosedAt, rec.Waived = StatusClosed, ev.OccurredAt, p.Waived
	case *IncidentReopenedPayload:
		rec.Status, rec.ClosedAt, rec.Waived = rec.openStatus(), time.Time{}, nil
	case *ObligationFiledPayload:
		rec.Filings[p.FilingID] = &Filing{ID: p.FilingID, IncidentID: ev.IncidentID, Obligation: p.Obligation, FiledAt: ev.OccurredAt,
			Ref: p.Ref, DelayReason: p.DelayReason, Actor: ev.Actor, Warnings: p.Warnings}
	case *FindingsRecordedPayload:
		rec.Findings, rec.AffectedContacts = p.FindingsID, p.Contacts
	case *RecipientsAddedPayload:
		rec.Recipients += p.Added
	case *DeliveryChangedPayload:
		rec.Deliveries[p.Delivery] = &RecordedDelivery{ID: p.Delivery, Notice: p.Notice, RecipientKey: p.Recipient,
			MessageID: p.MessageID, State: p.State, Seq: ev.Seq}
	case *ContactRecordedPayload:
		rec.Contacts = append(rec.Contacts, &RecordedContact{RecipientKey: p.Recipient, Channel: p.Channel, Outcome: p.Outcome,
			Note: p.Note, Actor: ev.Actor, At: ev.OccurredAt, Seq: ev.Seq})
	}
}

// openStatus is the status of an incident that is not closed: proposed
// until a person confirms it.
func (rec *Record) openStatus() string {
	if rec.proposed {
		return StatusProposed
	}
	return StatusOpen
}
