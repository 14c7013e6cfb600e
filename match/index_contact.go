package match

import (
	"encoding/binary"
	"errors"
	"unsafe"
)

// A contact in an index file is its fields in a fixed order: strings as a
// length (uvarint) and bytes, lists as a count and their items, the held
// values as a kind byte, the value and the date (time.Time's binary form,
// which keeps its zone offset: the evidence prints the date in it).

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendStrings(b []byte, list []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(list)))
	for _, s := range list {
		b = appendString(b, s)
	}
	return b
}

func appendContact(b []byte, c *Contact) []byte {
	for _, s := range []string{c.ID, c.OrgID, c.Org, c.Name, c.Country, c.Language, c.org, c.birth, c.nationalID, c.postcode, c.city} {
		b = appendString(b, s)
	}
	for _, list := range [][]string{c.Emails, c.Phones, c.first, c.last, c.address} {
		b = appendStrings(b, list)
	}
	b = binary.AppendUvarint(b, uint64(len(c.held)))
	for _, h := range c.held {
		kind := byte(0)
		if h.email {
			kind = 1
		}
		b = appendString(append(b, kind), h.value)
		at, _ := h.until.MarshalBinary() // fails only for a zone offset no history holds
		b = appendString(b, string(at))
	}
	return b
}

// decoder reads contacts from an index file's bytes. Its strings are
// read in place, not copied: they live as long as the mapping.
type decoder struct {
	b   []byte
	err error
}

var errShort = errors.New("the record ends early")

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errShort
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || n == 0 {
		return ""
	}
	if n > uint64(len(d.b)) {
		d.err = errShort
		return ""
	}
	s := unsafe.String(&d.b[0], int(n))
	d.b = d.b[n:]
	return s
}

// count reads a list's length, which can be no more than the bytes left:
// a damaged count must not allocate without bound.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errShort
		return 0
	}
	return int(n)
}

func (d *decoder) strings() []string {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.string()
	}
	return out
}

func (d *decoder) contact() *Contact {
	c := &Contact{}
	for _, s := range []*string{&c.ID, &c.OrgID, &c.Org, &c.Name, &c.Country, &c.Language, &c.org, &c.birth, &c.nationalID, &c.postcode, &c.city} {
		*s = d.string()
	}
	for _, list := range []*[]string{&c.Emails, &c.Phones, &c.first, &c.last, &c.address} {
		*list = d.strings()
	}
	if n := d.count(); n > 0 {
		c.held = make([]heldValue, n)
		for i := range c.held {
			if d.err != nil || len(d.b) == 0 {
				d.err = errShort
				return c
			}
			c.held[i].email = d.b[0] == 1
			d.b = d.b[1:]
			c.held[i].value = d.string()
			if err := c.held[i].until.UnmarshalBinary([]byte(d.string())); err != nil && d.err == nil {
				d.err = err
			}
		}
	}
	c.emails = emailForms(c.Emails)
	return c
}
