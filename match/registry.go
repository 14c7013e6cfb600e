package match

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// Contact is one person of the organisation's registry.
type Contact struct {
	ID     string   `json:"id"`
	OrgID  string   `json:"org_id"`
	Org    string   `json:"organisation"`
	Name   string   `json:"name"`
	Emails []string `json:"emails"` // normalised
	Phones []string `json:"phones"` // E.164
	// Country and Language, when the registry has them, choose the
	// language of what the contact is sent.
	Country  string `json:"country,omitempty"`
	Language string `json:"language,omitempty"`

	first, last []string // name tokens
	org         string   // normalised organisation name
	emails      []emailForm
	held        []heldValue // former e-mail addresses and phone numbers, from the history

	// Person records, normalised as in Record.
	birth, nationalID, postcode, city string
	address                           []string

	// ordinal is the contact's place in its registry: the handle findings
	// are gathered under, which stays the same however often a contact is
	// read from an index file.
	ordinal int
}

// Registry is the organisation's own list of contacts, indexed for linkage.
// Its contacts are numbered from 0 (Len, Contact).
type Registry struct {
	// Invalid counts registry values that could not be normalised.
	InvalidEmails, InvalidPhones int

	n *Normaliser
	// contacts are those of a registry read from its file. A registry
	// mapped from an index file holds none: it reads a contact from the
	// mapping when asked for it (mapped).
	contacts []*Contact
	// keys finds contacts by e-mail address, alias, phone number, and the
	// name keys: domain + surname, phonetic surname + first initial, and
	// the keys of otherKeys.
	keys keyIndex
	// mapped is the index file the tables and the contacts were read
	// from, if any: it stays mapped while the registry is used.
	mapped *indexFile
	// changed holds the contacts of a mapped registry that AddHistory gave
	// held values: they are kept, not read from the mapping again.
	changed map[int]*Contact
	// phones reads the current phone numbers in their usual layouts.
	phones     *phoneLayouts
	phonesOnce sync.Once
	// byID finds a contact's ordinal by its ID, made when first asked.
	byID     map[string]int
	byIDOnce sync.Once
}

// Len is the number of contacts.
func (reg *Registry) Len() int {
	if reg.mapped != nil {
		return reg.mapped.count
	}
	return len(reg.contacts)
}

// Contact returns contact i, 0 <= i < Len(). It must not be changed.
func (reg *Registry) Contact(i int) *Contact {
	if reg.mapped == nil {
		return reg.contacts[i]
	}
	if c, ok := reg.changed[i]; ok {
		return c
	}
	return reg.mapped.contact(i)
}

// ContactByID returns the contact whose ID is id.
func (reg *Registry) ContactByID(id string) (*Contact, bool) {
	reg.byIDOnce.Do(func() {
		reg.byID = make(map[string]int, reg.Len())
		for i := range reg.Len() {
			reg.byID[reg.Contact(i).ID] = i
		}
	})
	i, ok := reg.byID[id]
	if !ok {
		return nil, false
	}
	return reg.Contact(i), true
}

// phoneLayouts reads the registry's current phone numbers in every usual
// layout. An index file holds it; otherwise it is made when first asked.
func (reg *Registry) phoneLayouts() *phoneLayouts {
	reg.phonesOnce.Do(func() {
		if reg.phones != nil {
			return
		}
		reg.phones = newPhoneLayouts()
		for _, c := range reg.contacts {
			for _, p := range c.Phones {
				reg.phones.add(p)
			}
		}
		reg.phones.build()
	})
	return reg.phones
}

// RegistryOptions say which columns hold what, where inference is not
// enough. Columns are named by header or by 1-based number.
type RegistryOptions struct {
	IDColumn  string
	OrgColumn string
	Map       map[dump.Role]string
}

// LoadRegistry reads a registry file (CSV, XLSX, JSON... anything dump
// reads) and indexes it. An index file written by IndexRegistry is
// recognised and mapped, not read again.
func LoadRegistry(ctx context.Context, r *dump.Reader, n *Normaliser, path string, opts RegistryOptions) (*Registry, error) {
	if isIndexFile(path) {
		if opts.IDColumn != "" || opts.OrgColumn != "" || len(opts.Map) > 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s is a registry index: its columns were chosen when it was built; give --id-column, --org-column and --map to \"leakdesk registry index\"", path)
		}
		return OpenIndex(path, n)
	}
	reg := &Registry{n: n}
	in := interner{}
	invalidEmails, invalidPhones, err := readRegistry(ctx, r, n, path, opts, func(c *Contact) error {
		in.compact(c)
		reg.add(c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	reg.InvalidEmails, reg.InvalidPhones = invalidEmails, invalidPhones
	return reg, nil
}

// contactOf reads a registry row as a contact, and counts the e-mail
// addresses and phone numbers it could not read.
func contactOf(n *Normaliser, row []string, cols columns) (c *Contact, invalidEmails, invalidPhones int) {
	cell := func(c int) string {
		if c < 0 || c >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[c])
	}
	c = &Contact{ID: cell(cols.id), Org: cell(cols.org)}
	c.OrgID = cell(cols.orgID)
	c.Country, c.Language = strings.ToUpper(cell(cols.country)), strings.ToLower(cell(cols.language))
	c.org = n.Org(c.Org)
	if c.OrgID == "" {
		c.OrgID = c.Org // group by name where there is no org column
	}
	first, last, full := cell(cols.first), cell(cols.last), cell(cols.full)
	c.first, c.last = NameTokens(first), NameTokens(last)
	if full != "" && (len(c.first) == 0 || len(c.last) == 0) {
		c.first, c.last = splitFullName(NameTokens(full))
	}
	c.Name = strings.TrimSpace(strings.Join([]string{first, last}, " "))
	if c.Name == "" {
		c.Name = full
	}
	c.Emails, invalidEmails = n.Emails(cells(row, cols.emails))
	c.Phones, invalidPhones = n.Phones(cells(row, cols.phones))
	c.birth, _ = birthOrWritten(cell(cols.birth))
	c.nationalID, c.postcode, c.city = Identifier(cell(cols.nationalID)), Identifier(cell(cols.postcode)), fold(cell(cols.city))
	c.address = n.AddressTokens(strings.Join(cells(row, cols.address), " "))
	return c, invalidEmails, invalidPhones
}

// splitFullName reads "first ... last": the last word is the surname,
// unless the name is written surname first with a comma (already folded
// away), which the comparison tolerates by trying both orders.
func splitFullName(tokens []string) (first, last []string) {
	if len(tokens) < 2 {
		return nil, tokens
	}
	n := len(tokens)
	// Capacity cut, so that appending to one part never writes over the
	// other: the tokens may be shared by every row with the same name.
	return tokens[: n-1 : n-1], tokens[n-1 : n : n]
}

func (reg *Registry) add(c *Contact) {
	c.ordinal = len(reg.contacts)
	reg.contacts = append(reg.contacts, c)
	c.emails = emailForms(c.Emails)
	contactKeys(c, func(fp uint64) { reg.keys.add(fp, c.ordinal) })
}

// contactKeys passes the fingerprints of the keys c is blocked on to add.
func contactKeys(c *Contact, add func(fp uint64)) {
	for _, e := range c.Emails {
		add(fingerprint(keyEmail, e))
		add(fingerprint(keyAlias, EmailAlias(e)))
		if _, domain, ok := strings.Cut(e, "@"); ok {
			for _, l := range c.last {
				add(fingerprint(keyName, "d:", domain, ":", l))
			}
		}
	}
	for _, p := range c.Phones {
		add(fingerprint(keyPhone, p))
	}
	for _, key := range append(nameKeys(c.first, c.last), otherKeys(c.birth, c.nationalID, c.postcode, c.org, c.first, c.last)...) {
		add(fingerprint(keyName, key))
	}
}

// lookup returns the contacts that hold the key whose fingerprint is fp.
func (reg *Registry) lookup(fp uint64) []uint32 {
	return reg.keys.table().lookup(fp)
}

// birthOrWritten is a date of birth as Birth reads it, or, when it cannot
// be read, as written (Identifier): a typing error made it unreadable, and
// it is still compared. readable says which.
func birthOrWritten(s string) (birth string, readable bool) {
	if b, ok := Birth(s); ok {
		return b, true
	}
	return Identifier(s), false
}

// otherKeys block on the date of birth, the identity number, and the
// postcode or the organisation with either initial: one of them finds a
// record whose names were re-typed beyond their sound, and the others one
// whose codes were damaged. The organisation is its whole normalised name:
// single words ("ville") would gather hundreds of contacts.
func otherKeys(birth, nationalID, postcode, org string, first, last []string) []string {
	var keys []string
	if birth != "" {
		keys = append(keys, "b:"+birth)
	}
	if nationalID != "" {
		keys = append(keys, "i:"+nationalID)
	}
	for _, place := range []string{"z:" + postcode, "o:" + org} {
		if len(place) == 2 {
			continue // no postcode, or no organisation
		}
		for _, name := range [][]string{first, last} {
			if len(name) > 0 && name[0] != "" {
				keys = append(keys, place+":"+name[0][:1])
			}
		}
	}
	return keys
}

// nameKeys block on the sound of the surname with the first initial, in
// both orders, so that re-typed and swapped names meet.
func nameKeys(first, last []string) []string {
	var keys []string
	for _, pair := range [][2][]string{{first, last}, {last, first}} {
		if len(pair[0]) == 0 || len(pair[1]) == 0 {
			continue
		}
		keys = append(keys, "p:"+Soundex(strings.Join(pair[1], ""))+":"+pair[0][0][:1])
	}
	return keys
}

// String describes the registry for logs and tables.
func (reg *Registry) String() string {
	emails, phones := 0, 0
	if reg.mapped != nil && len(reg.changed) == 0 {
		emails, phones = reg.mapped.emails, reg.mapped.phones
	} else {
		var vc valueCount
		for i := range reg.Len() {
			vc.add(reg.Contact(i))
		}
		emails, phones = vc.counts()
	}
	return fmt.Sprintf("%d contacts, %d e-mail addresses, %d phone numbers", reg.Len(), emails, phones)
}

// valueCount counts the distinct e-mail addresses and phone numbers,
// current or held, of contacts, by their fingerprints: a registry of
// millions is counted in a few bytes a value.
type valueCount struct{ emails, phones []uint64 }

func (vc *valueCount) add(c *Contact) {
	for _, e := range c.Emails {
		vc.emails = append(vc.emails, fingerprint(keyEmail, e))
	}
	for _, p := range c.Phones {
		vc.phones = append(vc.phones, fingerprint(keyPhone, p))
	}
	for _, h := range c.held {
		if h.email {
			vc.emails = append(vc.emails, fingerprint(keyEmail, h.value))
		} else {
			vc.phones = append(vc.phones, fingerprint(keyPhone, h.value))
		}
	}
}

func (vc *valueCount) counts() (emails, phones int) {
	distinct := func(fps []uint64) int {
		slices.Sort(fps)
		return len(slices.Compact(fps))
	}
	return distinct(vc.emails), distinct(vc.phones)
}
