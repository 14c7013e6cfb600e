package trace

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// Decoy contacts that cannot be told from real ones.
//
// A decoy belongs to a decoy organisation, one per domain the organisation
// owns, so that no domain serves several organisations. Everything else is
// taken from the registry itself, so that the filters a leaker can write
// (by domain, by ID shape, by duplicate phones, by country against phone
// prefix, by e-mail against name) remove about the same share of decoys as
// of real rows:
//   - the decoy organisation copies the organisation-level cells (country,
//     city, offers...) of a real organisation of the country of its phone
//     ranges, and takes that organisation's legal form after a name made
//     from its domain;
//   - each decoy copies the person-level cells of a real contact of that
//     country (job title, which phone cells are filled), takes a first name
//     and a last name from two other real contacts of that country, and an
//     e-mail address of the same shape as the copied contact's;
//   - IDs come from the registry's own sequences, in its format: gaps first
//     (IDs never issued, or freed), then just past the end; a contact ID per
//     decoy, an organisation ID per decoy organisation;
//   - phone numbers come from the ranges of the decoy organisation's
//     country, a mobile range for a mobile cell when one is given; every
//     number is valid, and none repeats another decoy's or a real one.
// The pool depends on the key, the configuration and the registry, so
// exports of one registry share it. Its identifying values are recorded
// with each export, so that a leak is decoded without the registry.

// DecoyConfig says what the organisation owns for decoys.
type DecoyConfig struct {
	Domains     []string // e-mail domains, each a decoy organisation
	PhoneRanges []string // E.164 prefixes, fixed or mobile
	Pool        int      // decoys that exports draw from
}

// Validate reports the first problem with the configuration.
func (d DecoyConfig) Validate() error {
	if len(d.Domains) == 0 || len(d.PhoneRanges) == 0 {
		return leakdesk.Errorf(leakdesk.EINVALID, "decoys need at least one domain and one phone range that the organisation owns")
	}
	for _, dom := range d.Domains {
		if !strings.Contains(dom, ".") || strings.ContainsAny(dom, "@ /") {
			return leakdesk.Errorf(leakdesk.EINVALID, "decoy domain %q is not a domain", dom)
		}
	}
	for _, r := range d.PhoneRanges {
		if !rangeShape.MatchString(r) {
			return leakdesk.Errorf(leakdesk.EINVALID, "decoy phone range %q: want an E.164 prefix of 5 to 10 digits, such as +3342299", r)
		}
		if _, _, err := rangeRegion(r); err != nil {
			return err
		}
	}
	if d.Pool < 1 {
		return leakdesk.Errorf(leakdesk.EINVALID, "the decoy pool must hold at least one decoy")
	}
	return nil
}

// rangeRegion is the country of a phone range and whether its numbers are
// mobile, read from a valid number completed from it.
func rangeRegion(prefix string) (region string, mobile bool, err error) {
	for _, total := range []int{11, 12, 10, 13, 9, 14, 8} {
		n := total - (len(prefix) - 1)
		if n < 1 {
			continue
		}
		for _, fill := range []string{"0", "1", "5"} {
			num, err := phonenumbers.Parse(prefix+strings.Repeat(fill, n), "")
			if err == nil && phonenumbers.IsValidNumber(num) {
				return phonenumbers.GetRegionCodeForNumber(num), phonenumbers.GetNumberType(num) == phonenumbers.MOBILE, nil
			}
		}
	}
	return "", false, leakdesk.Errorf(leakdesk.EINVALID, "decoy phone range %s holds no valid number", prefix)
}

// registryProfile is what decoys borrow from the registry.
type registryProfile struct {
	roles      []dump.Role
	rows       [][]string
	email      int   // column of the e-mail, or -1
	phones     []int // phone columns
	first      int
	last       int
	full       int
	org        int
	orgLevel   []bool           // columns constant within organisations
	ids        []idColumn       // ID columns
	byRegion   map[string][]int // rows by the country of their phone
	orgs       map[string][]int // rows by organisation
	orgRegion  map[string]string
	orgKeys    []string
	usedEmails map[string]bool
	usedPhones map[string]bool
}

// idColumn is an ID column's format and the numbers it uses.
type idColumn struct {
	col            int
	prefix, suffix string
	width          int // zero-padded width, or 0
	used           map[int64]bool
	perOrg         bool // values repeat: an organisation's ID
}

var (
	idShape    = regexp.MustCompile(`^(\D*?)(\d+)(\D*)$`)
	rangeShape = regexp.MustCompile(`^\+[1-9][0-9]{4,9}$`)
)

func (m *Marker) profile(roles []dump.Role, rows [][]string) *registryProfile {
	p := &registryProfile{roles: roles, rows: rows,
		byRegion: map[string][]int{}, orgs: map[string][]int{}, orgRegion: map[string]string{}, usedEmails: map[string]bool{}, usedPhones: map[string]bool{}}
	p.email, p.first, p.last = slices.Index(roles, dump.RoleEmail), slices.Index(roles, dump.RoleFirstName), slices.Index(roles, dump.RoleLastName)
	p.full, p.org = slices.Index(roles, dump.RoleFullName), slices.Index(roles, dump.RoleOrganisation)
	for c, role := range roles {
		if role == dump.RolePhone {
			p.phones = append(p.phones, c)
		}
	}
	for i, row := range rows {
		if e, ok := m.n.Email(cell(row, p.email)); ok {
			p.usedEmails[e] = true
		}
		region := ""
		for _, c := range p.phones {
			if e164, ok := m.n.Phone(cell(row, c)); ok {
				p.usedPhones[e164] = true
				if num, err := phonenumbers.Parse(e164, ""); err == nil && region == "" {
					region = phonenumbers.GetRegionCodeForNumber(num)
				}
			}
		}
		p.byRegion[region] = append(p.byRegion[region], i)
		key := p.orgKey(row)
		if _, ok := p.orgs[key]; !ok {
			p.orgKeys = append(p.orgKeys, key)
			p.orgRegion[key] = region
		}
		p.orgs[key] = append(p.orgs[key], i)
	}
	// A column is the organisation's when nearly every organisation of
	// several rows has one value in it.
	p.orgLevel = make([]bool, len(roles))
	if p.org >= 0 {
		for c := range roles {
			groups, constant := 0, 0
			for _, key := range p.orgKeys {
				members := p.orgs[key]
				if len(members) < 2 {
					continue
				}
				groups++
				if !slices.ContainsFunc(members, func(i int) bool { return cell(rows[i], c) != cell(rows[members[0]], c) }) {
					constant++
				}
			}
			p.orgLevel[c] = groups > 0 && constant*10 >= groups*9
		}
	}
	for c, role := range roles {
		// An organisation's ID is often not recognised as one: any column
		// numbered in sequence is.
		if role == dump.RoleID || role == dump.RoleUnknown {
			if id, ok := profileID(c, rows); ok {
				p.ids = append(p.ids, id)
			}
		}
	}
	return p
}

func (p *registryProfile) orgKey(row []string) string {
	if p.org < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(cell(row, p.org)))
}

func cell(row []string, c int) string {
	if c < 0 || c >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[c])
}

// profileID reads an ID column's format: its most common prefix, suffix
// and width, and the numbers in use.
func profileID(c int, rows [][]string) (idColumn, bool) {
	id := idColumn{col: c, used: map[int64]bool{}}
	shapes := map[[3]string]int{}
	values := map[string]int{}
	for _, row := range rows {
		v := cell(row, c)
		values[v]++
		m := idShape.FindStringSubmatch(v)
		if m == nil {
			continue
		}
		width := ""
		if strings.HasPrefix(m[2], "0") {
			width = strconv.Itoa(len(m[2]))
		}
		shapes[[3]string{m[1], m[3], width}]++
		n, err := strconv.ParseInt(m[2], 10, 64)
		if err != nil {
			continue
		}
		id.used[n] = true
	}
	best, count := [3]string{}, 0
	for s, n := range shapes {
		if n > count || n == count && s[2] > best[2] {
			best, count = s, n
		}
	}
	if count*2 < len(rows) {
		return id, false // not a numbered sequence
	}
	id.prefix, id.suffix = best[0], best[1]
	id.width, _ = strconv.Atoi(best[2])
	id.perOrg = len(values)*10 < len(rows)*9
	return id, true
}

// take returns k IDs of the sequence that no row uses, each the free
// number nearest to a real one drawn at random, so that decoys spread over
// the sequence as real rows do: gaps (numbers never issued, or freed) while
// the sequence has any, then just past its end.
func (id *idColumn) take(c *Code, k int) []string {
	var used []int64
	for n := range id.used {
		used = append(used, n)
	}
	slices.Sort(used)
	lo, hi := used[0], used[len(used)-1]
	salt := strconv.Itoa(id.col)
	out := make([]string, k)
	for i := range out {
		near := used[int(c.uniform("decoy-id", salt, strconv.Itoa(i))*float64(len(used)))]
		n := hi + 1
		for step := int64(1); near-step >= lo || near+step <= hi; step++ {
			if up := near + step; up <= hi && !id.used[up] {
				n = up
				break
			}
			if down := near - step; down >= lo && !id.used[down] {
				n = down
				break
			}
		}
		for id.used[n] {
			n++
		}
		id.used[n] = true
		out[i] = fmt.Sprintf("%s%0*d%s", id.prefix, id.width, n, id.suffix)
	}
	return out
}

// DecoyPool makes the pool of decoys for a registry, given by its column
// roles and rows (the whole registry, before any filter, so that every
// export of it shares the pool). Each decoy's Row is shaped like the
// registry's rows.
func (m *Marker) DecoyPool(cfg DecoyConfig, roles []dump.Role, rows [][]string) ([]Decoy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "decoys are drawn from the registry's rows, and it holds none")
	}
	p := m.profile(roles, rows)
	type phoneRange struct {
		prefix string
		mobile bool
	}
	ranges := map[string][]phoneRange{}
	var regions []string
	for _, r := range cfg.PhoneRanges {
		region, mobile, _ := rangeRegion(r)
		if _, ok := ranges[region]; !ok {
			regions = append(regions, region)
		}
		ranges[region] = append(ranges[region], phoneRange{r, mobile})
	}
	type decoyOrg struct {
		domain, name, region string
		template             []string
		ids                  map[int]string
	}
	orgs := make([]*decoyOrg, len(cfg.Domains))
	perOrgIDs := map[int][]string{}
	for _, id := range p.ids {
		if id.perOrg {
			perOrgIDs[id.col] = id.take(m.code, len(orgs))
		}
	}
	for k, domain := range cfg.Domains {
		domain = strings.ToLower(strings.TrimSpace(domain))
		o := &decoyOrg{domain: domain, region: regions[k%len(regions)], ids: map[int]string{}}
		tld := strings.ToUpper(domain[strings.LastIndexByte(domain, '.')+1:])
		if tld == "UK" {
			tld = "GB"
		}
		if _, ok := ranges[tld]; ok {
			o.region = tld
		}
		// The organisation-level cells of a real organisation of that
		// country, one with a legal form when there is one.
		var candidates, formal []string
		for _, key := range p.orgKeys {
			if p.orgRegion[key] == o.region || len(p.byRegion[o.region]) == 0 {
				candidates = append(candidates, key)
				if _, _, _, ok := legalForm(cell(rows[p.orgs[key][0]], p.org)); ok {
					formal = append(formal, key)
				}
			}
		}
		if len(formal) > 0 {
			candidates = formal
		}
		if len(candidates) == 0 {
			candidates = p.orgKeys
		}
		o.template = rows[p.orgs[candidates[int(m.code.uniform("decoy-org", domain)*float64(len(candidates)))]][0]]
		o.name = orgName(domain, cell(o.template, p.org))
		for col, ids := range perOrgIDs {
			o.ids[col] = ids[k]
		}
		orgs[k] = o
	}
	perContactIDs := map[int][]string{}
	for i := range p.ids {
		if !p.ids[i].perOrg {
			perContactIDs[p.ids[i].col] = p.ids[i].take(m.code, cfg.Pool)
		}
	}
	pool := make([]Decoy, 0, cfg.Pool)
	for i := range cfg.Pool {
		o := orgs[i%len(orgs)]
		seed := fmt.Sprintf("%s:%d", o.domain, i)
		pick := func(what string, from []int) []string {
			if len(from) == 0 {
				from = p.byRegion[""]
			}
			if len(from) == 0 {
				return rows[int(m.code.uniform("decoy", what, seed)*float64(len(rows)))]
			}
			return rows[from[int(m.code.uniform("decoy", what, seed)*float64(len(from)))]]
		}
		local := p.byRegion[o.region]
		person := pick("person", local)
		d := Decoy{First: cell(pick("first", local), p.first), Last: cell(pick("last", local), p.last), Organisation: o.name}
		if p.first < 0 && p.full >= 0 { // only full names: split two real ones
			f, l := splitName(cell(pick("first", local), p.full)), splitName(cell(pick("last", local), p.full))
			d.First, d.Last = f[0], l[1]
		}
		row := make([]string, len(roles))
		for c := range roles {
			switch {
			case p.orgLevel[c]:
				row[c] = cell(o.template, c)
			default:
				row[c] = cell(person, c)
			}
		}
		for col, id := range o.ids {
			row[col] = id
		}
		for col, ids := range perContactIDs {
			row[col] = ids[i]
		}
		if p.org >= 0 {
			row[p.org] = o.name
		}
		if p.first >= 0 {
			row[p.first] = d.First
		}
		if p.last >= 0 {
			row[p.last] = d.Last
		}
		if p.full >= 0 {
			row[p.full] = d.First + " " + d.Last
		}
		if p.email >= 0 && cell(person, p.email) != "" {
			d.Email = m.decoyEmail(p, person, d, o.domain, seed)
			row[p.email] = d.Email
			p.usedEmails[d.Email] = true
		}
		for n, col := range p.phones {
			written, ok := m.n.Phone(cell(person, col))
			if !ok {
				row[col] = ""
				continue
			}
			wantMobile := false
			if num, err := phonenumbers.Parse(written, ""); err == nil {
				wantMobile = phonenumbers.GetNumberType(num) == phonenumbers.MOBILE
			}
			choice := ranges[o.region]
			if same := slices.DeleteFunc(slices.Clone(choice), func(r phoneRange) bool { return r.mobile != wantMobile }); len(same) > 0 {
				choice = same
			}
			r := choice[int(m.code.uniform("decoy", "range", seed, strconv.Itoa(col))*float64(len(choice)))]
			number := m.code.rangeNumber(r.prefix, seed+":"+strconv.Itoa(col), p.usedPhones)
			p.usedPhones[number] = true
			row[col] = number
			if n == 0 {
				d.Phone = number
			} else if d.Mobile == "" {
				d.Mobile = number
			}
		}
		d.Pos = CarrierDecoy + ":" + strings.ToLower(d.Email)
		if d.Email == "" {
			d.Pos = CarrierDecoy + ":" + d.Phone
		}
		d.Row = row
		pool = append(pool, d)
	}
	return pool, nil
}

func splitName(full string) [2]string {
	f, l, ok := strings.Cut(full, " ")
	if !ok {
		return [2]string{full, full}
	}
	return [2]string{f, l}
}

// orgName names a decoy organisation after its domain, with the legal form
// the template organisation is written with: "vernier-conseil.fr" and
// "Orion Distribution EURL" give "Vernier Conseil EURL".
func orgName(domain, template string) string {
	label := domain[:strings.IndexByte(domain, '.')]
	var words []string
	for _, w := range strings.FieldsFunc(label, func(r rune) bool { return r == '-' || r == '_' }) {
		words = append(words, strings.ToUpper(w[:1])+w[1:])
	}
	name := strings.Join(words, " ")
	if stem, _, _, ok := legalForm(template); ok {
		name += " " + strings.TrimSpace(strings.TrimPrefix(strings.TrimRight(template, " "), stem))
	}
	return name
}

// emailShapes are the ways of making an address's local part from a first
// name f and a last name l, most specific first.
var emailShapes = []struct {
	name string
	make func(f, l string) string
}{
	{"f.l", func(f, l string) string { return f + "." + l }},
	{"l.f", func(f, l string) string { return l + "." + f }},
	{"f_l", func(f, l string) string { return f + "_" + l }},
	{"f-l", func(f, l string) string { return f + "-" + l }},
	{"i.l", func(f, l string) string { return f[:1] + "." + l }},
	{"fl", func(f, l string) string { return f + l }},
	{"il", func(f, l string) string { return f[:1] + l }},
	{"l", func(f, l string) string { return l }},
	{"f", func(f, l string) string { return f }},
}

// localName folds a name for an address's local part, its words joined
// by joiner: "Anne-Sophie" gives "annesophie" or "anne-sophie".
func localName(s, joiner string) string {
	return strings.Join(match.NameTokens(s), joiner)
}

// decoyEmail gives a decoy an address of the shape the copied contact's
// has: the same pattern of names, as many trailing digits, or the same
// role mailbox when the address names nobody.
func (m *Marker) decoyEmail(p *registryProfile, person []string, d Decoy, domain, seed string) string {
	email, _ := m.n.Email(cell(person, p.email))
	local, _, _ := strings.Cut(email, "@")
	stem := strings.TrimRightFunc(local, unicode.IsDigit)
	digits := len(local) - len(stem)
	first, last := cell(person, p.first), cell(person, p.last)
	if p.first < 0 && p.full >= 0 {
		n := splitName(cell(person, p.full))
		first, last = n[0], n[1]
	}
	shape, joinFirst, joinLast := -1, "", ""
	role := true // an address that names nobody: "secretariat", "it"
	for _, join := range [][2]string{{"", ""}, {"-", ""}, {"", "-"}, {"-", "-"}, {".", ""}, {"", "."}} {
		pf, pl := localName(first, join[0]), localName(last, join[1])
		if pf == "" || pl == "" {
			continue
		}
		for _, tok := range append(match.NameTokens(first), match.NameTokens(last)...) {
			if len(tok) >= 3 && strings.Contains(stem, tok) {
				role = false
			}
		}
		for k, s := range emailShapes {
			if shape < 0 && s.make(pf, pl) == stem {
				shape, joinFirst, joinLast = k, join[0], join[1]
			}
		}
	}
	f, l := localName(d.First, joinFirst), localName(d.Last, joinLast)
	if f == "" || l == "" {
		f, l = "contact", "contact"
	}
	for attempt := 0; ; attempt++ {
		var out string
		switch {
		case shape < 0 && role && attempt == 0:
			out = stem
		case shape < 0:
			out = emailShapes[0].make(f, l)
		default:
			out = emailShapes[shape].make(f, l)
		}
		if n := max(digits, min(attempt, 1)*2); n > 0 {
			v := int(m.code.uniform("decoy", "digits", seed, strconv.Itoa(attempt)) * 1e9)
			out += fmt.Sprintf("%0*d", n, v%pow10(n))
		}
		addr := out + "@" + domain
		if !p.usedEmails[addr] {
			return addr
		}
	}
}

func pow10(n int) int {
	v := 1
	for range n {
		v *= 10
	}
	return v
}

// rangeNumber completes prefix into a valid number, at a keyed place in
// the range, that is not in used.
func (c *Code) rangeNumber(prefix, seed string, used map[string]bool) string {
	for attempt := 0; attempt < 1000; attempt++ {
		for _, total := range []int{11, 12, 10, 13, 9, 14, 8} {
			n := total - (len(prefix) - 1)
			if n < 1 {
				continue
			}
			suffix := int64(c.uniform("decoy", "phone", prefix, seed, strconv.Itoa(attempt)) * float64(pow10(min(n, 15))))
			number := prefix + fmt.Sprintf("%0*d", n, suffix)
			if num, err := phonenumbers.Parse(number, ""); err == nil && phonenumbers.IsValidNumber(num) {
				if !used[number] {
					return number
				}
				break
			}
		}
	}
	return prefix // the range is full: a number already used
}
