package sample

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Field names of a contact's versioned values.
const (
	fieldEmail  = "email"
	fieldPhone  = "phone"
	fieldMobile = "mobile"
	fieldTitle  = "job_title"
)

// Organisation is a customer of the fictional provider.
type Organisation struct {
	ID           string
	Name         string
	Country      string
	City         string
	Domain       string
	PublicSector bool
	Offers       []string
	Joined       time.Time
	Left         time.Time // zero while still a customer
}

// Contact is a person at a customer organisation. Values that change over
// time are kept as versions so that any date's view can be rebuilt.
type Contact struct {
	ID        string
	OrgID     string
	FirstName string
	LastName  string
	Joined    time.Time
	Left      time.Time
	versions  map[string][]version
}

type version struct {
	from  time.Time
	value string
}

// Value returns the value of field as it was at t.
func (c *Contact) Value(field string, t time.Time) string {
	v := ""
	for _, ver := range c.versions[field] {
		if ver.from.After(t) {
			break
		}
		v = ver.value
	}
	return v
}

func (c *Contact) set(field, value string, at time.Time) {
	if c.versions == nil {
		c.versions = map[string][]version{}
	}
	c.versions[field] = append(c.versions[field], version{from: at, value: value})
}

func activeAt(joined, left, t time.Time) bool {
	return !joined.After(t) && (left.IsZero() || left.After(t))
}

// Change is one dated change of the registry, the history a tracer can use
// to date a leak.
type Change struct {
	At        time.Time
	ContactID string
	OrgID     string
	Field     string
	Old       string
	New       string
}

// world is the simulated CRM.
type world struct {
	rng      *rand.Rand
	data     *data
	orgs     []*Organisation
	contacts []*Contact
	history  []Change
	nextOrg  int
	phones   map[string]bool // every number ever issued, so no two people share one
	domains  map[string]bool
	emails   map[string]bool
}

func (w *world) org(id string) *Organisation {
	for _, o := range w.orgs {
		if o.ID == id {
			return o
		}
	}
	panic("sample: unknown organisation " + id)
}

func (w *world) pick(list []string) string { return list[w.rng.IntN(len(list))] }

func (w *world) chance(p float64) bool { return w.rng.Float64() < p }

func (w *world) newOrganisation(at time.Time) *Organisation {
	w.nextOrg++
	code := w.data.pickCountry(w.rng)
	c := w.data.Countries[code]
	o := &Organisation{ID: fmt.Sprintf("ORG-%04d", w.nextOrg), Country: code, City: w.pick(c.Cities), Joined: at}
	o.PublicSector = len(c.PublicBodies) > 0 && w.chance(0.3)
	for attempt := 0; ; attempt++ {
		base := strings.NewReplacer("{city}", o.City, "{region}", w.pick(c.Regions)).Replace(w.pick(c.PublicBodies))
		o.Name = base
		if !o.PublicSector {
			base = w.pick(w.data.Words.OrgStems) + " " + w.pick(w.data.Words.OrgSectors)
			o.Name = base + " " + w.pick(c.LegalForms)
		}
		o.Domain = domainFor(base, o.PublicSector, c, attempt)
		if !w.domains[o.Domain] {
			break
		}
	}
	w.domains[o.Domain] = true
	o.Offers = []string{w.data.Words.Offers[w.rng.IntN(3)]}
	for _, offer := range w.data.Words.Offers {
		if !slices.Contains(o.Offers, offer) && w.chance(0.25) {
			o.Offers = append(o.Offers, offer)
		}
	}
	// Most customers of a managed-security provider buy the Micro-SOC.
	if !slices.Contains(o.Offers, "Micro-SOC") && w.chance(0.55) {
		o.Offers = append([]string{"Micro-SOC"}, o.Offers...)
	}
	w.orgs = append(w.orgs, o)
	n := 1 + w.rng.IntN(9)
	for range n {
		w.newContact(o, at)
	}
	return o
}

// domainFor derives a domain from an organisation's name without its legal
// form: "Mairie de Brest" gives mairie-de-brest.fr.
func domainFor(base string, public bool, c *country, attempt int) string {
	words := strings.Fields(slug(base))
	if len(words) > 3 {
		words = words[len(words)-3:]
	}
	d := strings.Join(words, "-")
	if attempt > 0 {
		d += fmt.Sprint(attempt + 1)
	}
	tld := c.TLD
	if public && c.PublicTLD != "" {
		tld = c.PublicTLD
	}
	return d + "." + tld
}

func (w *world) newContact(o *Organisation, at time.Time) *Contact {
	c := w.data.Countries[o.Country]
	p := &Contact{
		ID:        fmt.Sprintf("C-%05d", len(w.contacts)+1),
		OrgID:     o.ID,
		FirstName: w.pick(c.FirstNames),
		LastName:  w.pick(c.LastNames),
		Joined:    at,
	}
	p.set(fieldEmail, w.newEmail(p, o, c), at)
	p.set(fieldTitle, w.pick(c.Titles), at)
	if w.chance(0.7) {
		p.set(fieldPhone, w.newPhone(c, false), at)
	}
	if w.chance(0.8) || p.Value(fieldPhone, at) == "" {
		p.set(fieldMobile, w.newPhone(c, true), at)
	}
	w.contacts = append(w.contacts, p)
	return p
}

func (w *world) newEmail(p *Contact, o *Organisation, c *country) string {
	first, last := strings.ReplaceAll(slug(p.FirstName), " ", "-"), strings.ReplaceAll(slug(p.LastName), " ", "")
	for attempt := 0; ; attempt++ {
		var local string
		switch r := w.rng.IntN(20); {
		case r < 9:
			local = first + "." + last
		case r < 12:
			local = first[:1] + "." + last
		case r < 14:
			local = last + "." + first
		case r < 16:
			local = first[:1] + last
		case r < 18:
			local = fmt.Sprintf("%s.%s%d", first, last, 10+w.rng.IntN(90))
		default:
			local = w.pick(c.RoleMailboxes)
		}
		if attempt > 2 {
			local = fmt.Sprintf("%s.%s%d", first, last, attempt)
		}
		email := local + "@" + o.Domain
		if !w.emails[email] {
			w.emails[email] = true
			return email
		}
	}
}

// newPhone returns an unused number in E.164 form.
func (w *world) newPhone(c *country, mobile bool) string {
	prefixes, length := c.Landline, c.LandlineLength
	if mobile {
		prefixes, length = c.Mobile, c.MobileLength
	}
	for {
		var b strings.Builder
		prefix := w.pick(prefixes)
		b.WriteString("+" + c.Dial + prefix)
		b.WriteByte(byte('1' + w.rng.IntN(9))) // no subscriber number starts with 0
		for range length - len(prefix) - 1 {
			b.WriteByte(byte('0' + w.rng.IntN(10)))
		}
		if n := b.String(); !w.phones[n] {
			w.phones[n] = true
			return n
		}
	}
}

// simulate moves the registry week by week from start to end.
func (w *world) simulate(start, end time.Time) {
	for t := start.AddDate(0, 0, 7); t.Before(end); t = t.AddDate(0, 0, 7) {
		at := t.Add(time.Duration(w.rng.IntN(5*24)) * time.Hour)
		for _, p := range w.contacts {
			if !activeAt(p.Joined, p.Left, at) || !activeAt(w.org(p.OrgID).Joined, w.org(p.OrgID).Left, at) {
				continue
			}
			c := w.data.Countries[w.org(p.OrgID).Country]
			switch r := w.rng.Float64(); {
			case r < 0.006:
				w.change(p, fieldPhone, w.newPhone(c, false), at)
			case r < 0.012:
				w.change(p, fieldMobile, w.newPhone(c, true), at)
			case r < 0.016:
				w.change(p, fieldEmail, w.newEmail(p, w.org(p.OrgID), c), at)
			case r < 0.020:
				w.change(p, fieldTitle, w.pick(c.Titles), at)
			case r < 0.024:
				p.Left = at
				w.history = append(w.history, Change{At: at, ContactID: p.ID, OrgID: p.OrgID, Field: "left"})
			}
		}
		for _, o := range w.orgs {
			if !activeAt(o.Joined, o.Left, at) {
				continue
			}
			if w.chance(0.03) {
				p := w.newContact(o, at)
				w.history = append(w.history, Change{At: at, ContactID: p.ID, OrgID: o.ID, Field: "joined"})
			}
		}
		if w.chance(0.5) {
			o := w.newOrganisation(at)
			w.history = append(w.history, Change{At: at, OrgID: o.ID, Field: "customer_joined"})
		}
		if w.chance(0.3) {
			o := w.orgs[w.rng.IntN(len(w.orgs))]
			if o.Left.IsZero() && o.Joined.Before(at) {
				o.Left = at
				w.history = append(w.history, Change{At: at, OrgID: o.ID, Field: "customer_left"})
			}
		}
	}
}

func (w *world) change(p *Contact, field, value string, at time.Time) {
	w.history = append(w.history, Change{At: at, ContactID: p.ID, OrgID: p.OrgID, Field: field, Old: p.Value(field, at), New: value})
	p.set(field, value, at)
}

// snapshot lists the contacts in the registry at t, in ID order.
func (w *world) snapshot(t time.Time) []*Contact {
	var out []*Contact
	for _, p := range w.contacts {
		o := w.org(p.OrgID)
		if activeAt(p.Joined, p.Left, t) && activeAt(o.Joined, o.Left, t) {
			out = append(out, p)
		}
	}
	return out
}
