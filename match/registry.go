package match

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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
}

// Registry is the organisation's own list of contacts, indexed for linkage.
type Registry struct {
	Contacts []*Contact
	// Invalid counts registry values that could not be normalised.
	InvalidEmails, InvalidPhones int

	n *Normaliser
	// keys finds contacts by e-mail address, alias, phone number, and the
	// name keys: domain + surname, phonetic surname + first initial, and
	// the keys of otherKeys.
	keys keyIndex
	// mapped is the index file the tables and the contacts were read
	// from, if any: it stays mapped while the registry is used.
	mapped *indexFile
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
	var table *dump.Table
	var rows [][]string
	err := r.Read(ctx, path, func(t *dump.Table) error {
		if table != nil {
			return nil // the first table is the registry
		}
		table = t
		return t.Rows(ctx, func(row dump.Row) error {
			rows = append(rows, append([]string(nil), row.Cells...))
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if table == nil || len(rows) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "registry %s holds no rows", path)
	}
	cols, err := registryColumns(r, table, rows, opts)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "registry %s: %s", path, leakdesk.ErrorMessage(err))
	}
	reg := &Registry{n: n}
	seen := map[string]int{}
	in := interner{}
	for i, row := range rows {
		cell := func(c int) string {
			if c < 0 || c >= len(row) {
				return ""
			}
			return strings.TrimSpace(row[c])
		}
		c := &Contact{ID: cell(cols.id), Org: cell(cols.org)}
		if c.ID == "" {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "registry %s: record %d has no ID in column %q", path, i+1, table.Columns[cols.id])
		}
		if prev, dup := seen[c.ID]; dup {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "registry %s: ID %q appears in records %d and %d; IDs must be unique (or choose another --id-column)", path, c.ID, prev, i+1)
		}
		seen[c.ID] = i + 1
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
		var invalid int
		c.Emails, invalid = n.Emails(cells(row, cols.emails))
		reg.InvalidEmails += invalid
		c.Phones, invalid = n.Phones(cells(row, cols.phones))
		reg.InvalidPhones += invalid
		c.birth, _ = birthOrWritten(cell(cols.birth))
		c.nationalID, c.postcode, c.city = Identifier(cell(cols.nationalID)), Identifier(cell(cols.postcode)), fold(cell(cols.city))
		c.address = n.AddressTokens(strings.Join(cells(row, cols.address), " "))
		in.compact(c)
		reg.add(c)
	}
	return reg, nil
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
	i := len(reg.Contacts)
	reg.Contacts = append(reg.Contacts, c)
	c.emails = emailForms(c.Emails)
	for _, e := range c.Emails {
		reg.keys.add(fingerprint(keyEmail, e), i)
		reg.keys.add(fingerprint(keyAlias, EmailAlias(e)), i)
		if _, domain, ok := strings.Cut(e, "@"); ok {
			for _, l := range c.last {
				reg.keys.add(fingerprint(keyName, "d:", domain, ":", l), i)
			}
		}
	}
	for _, p := range c.Phones {
		reg.keys.add(fingerprint(keyPhone, p), i)
	}
	for _, key := range append(nameKeys(c.first, c.last), otherKeys(c.birth, c.nationalID, c.postcode, c.org, c.first, c.last)...) {
		reg.keys.add(fingerprint(keyName, key), i)
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

// columns says which column holds what; -1 when none.
type columns struct {
	id, orgID, org, first, last, full int
	country, language                 int
	emails, phones                    []int
	personColumns
}

func registryColumns(r *dump.Reader, t *dump.Table, rows [][]string, opts RegistryOptions) (columns, error) {
	cols := columns{id: -1, orgID: -1, org: -1, first: -1, last: -1, full: -1, country: -1, language: -1, personColumns: noPersonColumns()}
	find := func(name string) (int, error) {
		if n, err := strconv.Atoi(name); err == nil && n >= 1 && n <= len(t.Columns) {
			return n - 1, nil
		}
		for i, h := range t.Columns {
			if strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
				return i, nil
			}
		}
		return -1, leakdesk.Errorf(leakdesk.EINVALID, "no column %q; columns are %s", name, strings.Join(t.Columns, ", "))
	}
	roles := r.InferRoles(t, rows[:min(len(rows), 300)], nil)
	role := make([]dump.Role, len(roles))
	for i, cr := range roles {
		role[i] = cr.Role
	}
	for r, name := range opts.Map {
		i, err := find(name)
		if err != nil {
			return cols, err
		}
		for i >= len(role) {
			role = append(role, dump.RoleUnknown)
		}
		role[i] = r
	}
	var ids []int
	for i, r := range role {
		switch r {
		case dump.RoleID:
			ids = append(ids, i)
		case dump.RoleEmail:
			cols.emails = append(cols.emails, i)
		case dump.RolePhone:
			cols.phones = append(cols.phones, i)
		case dump.RoleFirstName:
			cols.first = i
		case dump.RoleLastName:
			cols.last = i
		case dump.RoleFullName:
			cols.full = i
		case dump.RoleOrganisation:
			cols.org = i
		case dump.RoleCountry:
			cols.country = i
		default:
			cols.take(r, i)
		}
	}
	// No role is inferred for a language column: it is known by its name.
	for i, h := range t.Columns {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "language", "lang", "langue", "locale":
			cols.language = i
		}
	}
	var err error
	if opts.IDColumn != "" {
		if cols.id, err = find(opts.IDColumn); err != nil {
			return cols, err
		}
	}
	if opts.OrgColumn != "" {
		if cols.orgID, err = find(opts.OrgColumn); err != nil {
			return cols, err
		}
	}
	// The contact ID is the first ID column whose values are unique; an ID
	// column named for organisations groups contacts.
	for _, i := range ids {
		h := strings.ToLower(t.Columns[i])
		orgish := strings.Contains(h, "org") || strings.Contains(h, "compan") || strings.Contains(h, "client") || strings.Contains(h, "customer") || strings.Contains(h, "account") || strings.Contains(h, "soci")
		switch {
		case orgish && cols.orgID < 0:
			cols.orgID = i
		case !orgish && cols.id < 0 && unique(rows, i):
			cols.id = i
		}
	}
	// Without a unique one, take the first: its duplicates are then
	// reported as what they are.
	for _, i := range ids {
		if cols.id < 0 && i != cols.orgID {
			cols.id = i
		}
	}
	if cols.id < 0 {
		return cols, leakdesk.Errorf(leakdesk.EINVALID, "no column identifies each contact: name it with --id-column")
	}
	if len(cols.emails) == 0 && len(cols.phones) == 0 && cols.last < 0 && cols.full < 0 && cols.nationalID < 0 {
		return cols, leakdesk.Errorf(leakdesk.EINVALID, "no e-mail, phone or name column was recognised: name them with --map email=COLUMN")
	}
	return cols, nil
}

// cells returns the row's values in the given columns.
func cells(row []string, columns []int) []string {
	out := make([]string, 0, len(columns))
	for _, c := range columns {
		if c < len(row) {
			out = append(out, row[c])
		}
	}
	return out
}

func unique(rows [][]string, c int) bool {
	seen := map[string]bool{}
	for _, r := range rows {
		if c >= len(r) || seen[r[c]] {
			return false
		}
		seen[r[c]] = true
	}
	return true
}

// String describes the registry for logs and tables.
func (reg *Registry) String() string {
	emails, phones := map[string]bool{}, map[string]bool{}
	for _, c := range reg.Contacts {
		for _, e := range c.Emails {
			emails[e] = true
		}
		for _, p := range c.Phones {
			phones[p] = true
		}
		for _, h := range c.held {
			if h.email {
				emails[h.value] = true
			} else {
				phones[h.value] = true
			}
		}
	}
	return fmt.Sprintf("%d contacts, %d e-mail addresses, %d phone numbers", len(reg.Contacts), len(emails), len(phones))
}
