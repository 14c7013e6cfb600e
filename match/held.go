package match

import (
	"maps"
	"slices"
	"time"
)

// heldValue is an e-mail address or phone number that a contact held
// before their current ones, as the registry's history says: a leak taken
// from an old export carries it.
type heldValue struct {
	email bool   // else a phone number
	value string // normalised
	until time.Time
}

// AddHistory gives the registry's contacts the e-mail addresses and phone
// numbers the history says they held before, so that a row carrying one
// links to them, with the date in the evidence. Changes of contacts no
// longer in the registry are left to the past (see Past).
func (reg *Registry) AddHistory(changes []Change) {
	for _, ch := range changes {
		found, ok := reg.ContactByID(ch.ContactID)
		if !ok || ch.Field == "left" {
			continue
		}
		i, c := found.ordinal, found
		held := heldValue{email: ch.Field == "email", until: ch.At}
		var valid bool
		if held.email {
			held.value, valid = reg.n.Email(ch.Old)
		} else {
			held.value, valid = reg.n.Phone(ch.Old)
		}
		if !valid || slices.Contains(c.Emails, held.value) || slices.Contains(c.Phones, held.value) {
			continue
		}
		c = reg.changing(i)
		if j := slices.IndexFunc(c.held, func(h heldValue) bool { return h.value == held.value }); j >= 0 {
			c.held[j].until = later(c.held[j].until, held.until)
			continue
		}
		c.held = append(c.held, held)
		if held.email {
			reg.keys.add(fingerprint(keyEmail, held.value), i)
			reg.keys.add(fingerprint(keyAlias, EmailAlias(held.value)), i)
		} else {
			reg.keys.add(fingerprint(keyPhone, held.value), i)
		}
	}
}

// changing returns contact i to be given held values. A mapped
// registry's contact is read afresh and kept from then on, so that what
// is given it is never lost with a copy read from the mapping.
func (reg *Registry) changing(i int) *Contact {
	if reg.mapped == nil {
		return reg.contacts[i]
	}
	if c, ok := reg.changed[i]; ok {
		return c
	}
	if reg.changed == nil {
		reg.changed = map[int]*Contact{}
	}
	c := reg.mapped.decode(i)
	reg.changed[i] = c
	return c
}

// said is the evidence of a link through the value: "held until
// 2026-04-02: jeanne@old.example".
func (h heldValue) said() string {
	return "held until " + h.until.Format(time.DateOnly) + ": " + h.value
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// heldEmail returns the address of emails that c held before, as it is
// held, and when c stopped holding it.
func (c *Contact) heldEmail(emails []emailForm) (heldValue, bool) {
	for _, h := range c.held {
		if h.email && slices.ContainsFunc(emails, func(e emailForm) bool { return e.addr == h.value || e.alias == EmailAlias(h.value) }) {
			return h, true
		}
	}
	return heldValue{}, false
}

// heldPhone returns the number of phones that c held before.
func (c *Contact) heldPhone(phones []string) (heldValue, bool) {
	for _, h := range c.held {
		if !h.email && slices.Contains(phones, h.value) {
			return h, true
		}
	}
	return heldValue{}, false
}

// heldPhones are the numbers c held before.
func (c *Contact) heldPhones() []string {
	var out []string
	for _, h := range c.held {
		if !h.email {
			out = append(out, h.value)
		}
	}
	return out
}

// withHeld passes fn the contacts that hold values from before, in order.
// An index file's contacts are read only when its header says some hold
// them.
func (reg *Registry) withHeld(fn func(*Contact)) {
	if reg.mapped == nil || reg.mapped.heldValues > 0 {
		for i := range reg.Len() {
			if c := reg.Contact(i); len(c.held) > 0 {
				fn(c)
			}
		}
		return
	}
	for _, i := range slices.Sorted(maps.Keys(reg.changed)) {
		fn(reg.changed[i])
	}
}
