package match

import (
	"github.com/leakdesk/leakdesk"
)

// Record is what one leaked row says about a person, normalised.
type Record struct {
	Row         int64
	Emails      []string
	Phones      []string
	RawPhones   []string // as written, for the layout they show
	First, Last []string
	Org         string
	// emails are Emails in the forms they are compared in; see emailForms.
	emails []emailForm
	// Person records.
	Birth      string   // YYYYMMDD, or as written (Identifier) when unreadable
	NationalID string   // see Identifier
	Postcode   string   // see Identifier
	City       string   // folded
	Address    []string // see AddressTokens
	// Shown is the row's name, organisation and country as written, for
	// people to read; ReadRecords sets it, a scan does not.
	Shown Shown
}

// Shown is what a row says of a person, as written.
type Shown struct {
	Name, Organisation, Country string
}

// emailForms returns the record's addresses as they are compared: worked
// out when the record was read, or now for a record made by hand.
func (rec Record) emailForms() []emailForm {
	if len(rec.emails) == len(rec.Emails) {
		return rec.emails
	}
	return emailForms(rec.Emails)
}

// Agreement is one piece of evidence for or against a link.
type Agreement = leakdesk.Agreement

// Link is a candidate contact for a record, with its evidence.
type Link struct {
	Contact    *Contact
	Weight     float64
	Confidence float64
	Class      string
	Evidence   []Agreement
}
