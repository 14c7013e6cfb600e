package match

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leakdesk/leakdesk"
)

// Weights are Fellegi–Sunter match weights: log2(m/u) for a field that
// agrees, log2((1-m)/(1-u)) for one that disagrees, where m is the chance
// the field agrees for the same person and u for two different people.
// The defaults are set from what these fields are: an e-mail address or a
// phone number is shared by almost no one else (u near 1e-5), names and
// organisations by a few; contacts change address and number over time,
// so disagreement costs less than agreement earns.
type Weights struct {
	EmailExact, EmailAlias, EmailFuzzy, EmailDisagree, EmailNamesake float64
	PhoneExact, PhoneDisagree                                        float64
	LastExact, LastPartial, LastDisagree                             float64
	FirstExact, FirstPartial, FirstInitial, FirstDisagree            float64
	OrgExact, OrgPartial, OrgDisagree                                float64
	// Person records: date of birth, identity number, postal address.
	BirthExact, BirthPartial, BirthDisagree                float64
	NationalIDExact, NationalIDPartial, NationalIDDisagree float64
	PostcodeExact, PostcodePartial, PostcodeDisagree       float64
	CityExact, CityDisagree                                float64
	AddressExact, AddressPartial, AddressDisagree          float64
	// PriorBits is log2 of the prior odds against a candidate pair being a
	// match; confidence is 1 / (1 + 2^(PriorBits - weight)).
	PriorBits float64
}

// DefaultWeights are documented in the README.
func DefaultWeights() Weights {
	return Weights{
		EmailExact: 18, EmailAlias: 14, EmailFuzzy: 8, EmailDisagree: -3, EmailNamesake: -3,
		PhoneExact: 18, PhoneDisagree: -2,
		LastExact: 7, LastPartial: 3, LastDisagree: -5,
		FirstExact: 5, FirstPartial: 2, FirstInitial: 1.5, FirstDisagree: -4,
		OrgExact: 5, OrgPartial: 2.5, OrgDisagree: -3,
		BirthExact: 12, BirthPartial: 4, BirthDisagree: -6,
		NationalIDExact: 16, NationalIDPartial: 6, NationalIDDisagree: -6,
		PostcodeExact: 4, PostcodePartial: 1.5, PostcodeDisagree: -2,
		CityExact: 3, CityDisagree: -1.5,
		AddressExact: 7, AddressPartial: 3, AddressDisagree: -3,
		PriorBits: 8,
	}
}

// Classes of a link.
const (
	ClassCertain  = "certain"  // confidence >= 0.99
	ClassProbable = "probable" // >= 0.9
	ClassPossible = "possible" // >= 0.5: for review, not counted as affected
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

// Matcher links records to a registry.
type Matcher struct {
	reg    *Registry
	w      Weights
	weight [numLevels]float64 // w, by level
}

// NewMatcher returns a matcher over reg with the given weights.
func NewMatcher(reg *Registry, w Weights) *Matcher {
	m := &Matcher{reg: reg, w: w}
	for l := range numLevels {
		m.weight[l] = *w.at(l)
	}
	return m
}

// candidates gathers the contacts that share a blocking key with rec.
func (m *Matcher) candidates(rec Record) []int {
	return m.otherCandidates(rec, m.contactCandidates(rec, nil))
}

// addUnique appends the ids not in out yet.
func addUnique(out []int, ids []int) []int {
	for _, i := range ids {
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

// contactCandidates adds to out the contacts blocked with rec by e-mail
// address or phone number, or by e-mail domain with a name.
func (m *Matcher) contactCandidates(rec Record, out []int) []int {
	add := func(ids []int) { out = addUnique(out, ids) }
	var key []byte
	for _, e := range rec.emailForms() {
		add(m.reg.byEmail[e.addr])
		add(m.reg.byAlias[e.alias])
		if e.domain == "" {
			continue
		}
		for _, names := range [][]string{rec.Last, rec.First} {
			for _, l := range names {
				key = append(append(append(append(key[:0], "d:"...), e.domain...), ':'), l...)
				add(m.reg.byName[string(key)]) // looked up without a copy
			}
		}
	}
	for _, p := range rec.Phones {
		add(m.reg.byPhone[p])
	}
	return out
}

// otherCandidates adds to out the contacts blocked with rec by name,
// person fields or organisation.
func (m *Matcher) otherCandidates(rec Record, out []int) []int {
	add := func(ids []int) { out = addUnique(out, ids) }
	for _, key := range nameKeys(rec.First, rec.Last) {
		add(m.reg.byName[key])
	}
	for _, key := range otherKeys(rec.Birth, rec.NationalID, rec.Postcode, rec.Org, rec.First, rec.Last) {
		add(m.reg.byName[key])
	}
	return out
}

// Best returns the best link for rec and the runner-up, or nil. Their
// weight, confidence and class are set; their evidence is not, since a row
// of a large leak can have many candidates and most links are never shown.
// Explain gives it.
func (m *Matcher) Best(rec Record) (best, second *Link) { return m.best(rec, nil) }

// best is Best, with the weights of names and other repeated fields taken
// from cache when it holds them.
func (m *Matcher) best(rec Record, cache *linkCache) (best, second *Link) {
	other := cache.entry(m, rec)
	bestAt, secondAt := -1, -1
	var bestWeight, secondWeight float64
	for _, i := range addUnique(m.contactCandidates(rec, nil), other.candidates) {
		c := m.reg.Contacts[i]
		w, ok := other.weights[i]
		if !ok {
			m.otherLevels(rec, c, func(_ string, lv level, _ func() string) { w += m.weight[lv] })
			other.weights[i] = w
		}
		m.contactLevels(rec, c, func(_ string, lv level, _ func() string) { w += m.weight[lv] })
		switch {
		case bestAt < 0 || w > bestWeight:
			bestAt, bestWeight, secondAt, secondWeight = i, w, bestAt, bestWeight
		case secondAt < 0 || w > secondWeight:
			secondAt, secondWeight = i, w
		}
	}
	link := func(at int, w float64) *Link {
		if at < 0 {
			return nil
		}
		l := m.classify(Link{Contact: m.reg.Contacts[at], Weight: w})
		return &l
	}
	return link(bestAt, bestWeight), link(secondAt, secondWeight)
}

// linkCache remembers, on one worker, the candidates and weights that a
// record's names, person fields and organisation give, by their values:
// the rows of a leak repeat them, and only e-mail and phone change.
type linkCache struct {
	entries map[string]*otherLinks
}

type otherLinks struct {
	candidates []int
	weights    map[int]float64 // contact -> weight of the fields other than e-mail and phone
}

func newLinkCache() *linkCache { return &linkCache{entries: map[string]*otherLinks{}} }

// entry returns what rec's other fields give; a nil cache works them out
// afresh.
func (lc *linkCache) entry(m *Matcher, rec Record) *otherLinks {
	fresh := func(string) *otherLinks {
		return &otherLinks{candidates: slices.Clip(m.otherCandidates(rec, nil)), weights: map[int]float64{}}
	}
	if lc == nil {
		return fresh("")
	}
	return remember(lc.entries, otherKey(rec), fresh)
}

// otherKey names the values of a record's fields other than e-mail and
// phone: two records with the same key weigh the same against any contact
// on those fields.
func otherKey(rec Record) string {
	var b strings.Builder
	for _, part := range [][]string{rec.First, rec.Last, rec.Address, {rec.Org, rec.Birth, rec.NationalID, rec.Postcode, rec.City}} {
		for _, s := range part {
			b.WriteString(s)
			b.WriteByte(0)
		}
		b.WriteByte(1)
	}
	return b.String()
}

// Explain returns the link between rec and c with its evidence: which
// fields agreed, how, and with what weight.
func (m *Matcher) Explain(rec Record, c *Contact) Link {
	l := Link{Contact: c}
	m.levels(rec, c, func(field string, lv level, how func() string) {
		w := m.weight[lv]
		l.Weight += w
		l.Evidence = append(l.Evidence, Agreement{Field: field, How: how(), Weight: w})
	})
	return m.classify(l)
}

// classify sets a link's confidence and class from its weight.
func (m *Matcher) classify(l Link) Link {
	l.Confidence = 1 / (1 + math.Exp2(m.w.PriorBits-l.Weight))
	l.Confidence = math.Round(l.Confidence*1000) / 1000
	switch {
	case l.Confidence >= 0.99:
		l.Class = ClassCertain
	case l.Confidence >= 0.9:
		l.Class = ClassProbable
	case l.Confidence >= 0.5:
		l.Class = ClassPossible
	}
	return l
}

// levels compares rec with c field by field, and calls found with the
// outcome of each field both sides hold: the level whose weight it earns,
// and, when asked, how it came out in words.
func (m *Matcher) levels(rec Record, c *Contact, found func(field string, lv level, how func() string)) {
	m.contactLevels(rec, c, found)
	m.otherLevels(rec, c, found)
}

// contactLevels compares e-mail addresses and phone numbers.
func (m *Matcher) contactLevels(rec Record, c *Contact, found func(field string, lv level, how func() string)) {
	said := func(s string) func() string { return func() string { return s } }
	switch email, how := compareEmails(rec.emailForms(), c.emails); how {
	case "exact":
		found("email", emailExact, func() string { return "equal: " + email })
	case "alias":
		found("email", emailAlias, func() string { return "same mailbox: " + email })
	case "fuzzy":
		found("email", emailFuzzy, func() string { return "same domain, local part re-typed: " + email })
	case "namesake":
		found("email", emailNamesake, said("differs only by digits: another mailbox, often a namesake's"))
	case "different":
		found("email", emailDisagree, said("different"))
	}
	switch {
	case len(rec.Phones) == 0 || len(c.Phones) == 0:
	case anyEqual(rec.Phones, c.Phones):
		found("phone", phoneExact, said("equal"))
	default:
		found("phone", phoneDisagree, said("different"))
	}
}

// otherLevels compares what is neither e-mail nor phone: names, person
// fields and organisation. A leak repeats these from row to row, so a
// scan remembers their weight per value (see linkCache).
func (m *Matcher) otherLevels(rec Record, c *Contact, found func(field string, lv level, how func() string)) {
	said := func(s string) func() string { return func() string { return s } }
	if len(rec.Last)+len(rec.First) > 0 && len(c.last)+len(c.first) > 0 {
		// Names may be written surname first: keep the better reading.
		straight := m.nameLevels(rec.First, rec.Last, c)
		if swapped := m.nameLevels(rec.Last, rec.First, c); m.total(swapped) > m.total(straight) {
			straight = swapped
		}
		for _, p := range straight.parts[:straight.n] {
			found(p.field, p.level, p.how)
		}
	}
	m.personLevels(rec, c, found)
	if rec.Org != "" && c.org != "" {
		switch s := orgSimilarity(rec.Org, c.org); {
		case s == 1:
			found("organisation", orgExact, said("equal"))
		case s >= 0.5:
			found("organisation", orgPartial, said("similar"))
		default:
			found("organisation", orgDisagree, said("different"))
		}
	}
}

// personLevels compares what person records carry besides names and
// contact details, where both sides have it.
func (m *Matcher) personLevels(rec Record, c *Contact, found func(field string, lv level, how func() string)) {
	said := func(s string) func() string { return func() string { return s } }
	if rec.Birth != "" && c.birth != "" {
		switch how := birthAgreement(rec.Birth, c.birth); how {
		case "equal":
			found("date_of_birth", birthExact, said(how))
		case "different":
			found("date_of_birth", birthDisagree, said(how))
		default:
			found("date_of_birth", birthPartial, said(how))
		}
	}
	// Codes: equal, one typing error apart, or different. Each field's
	// three levels follow each other.
	for _, code := range []struct {
		field string
		a, b  string
		exact level
	}{{"national_id", rec.NationalID, c.nationalID, nationalIDExact}, {"postcode", rec.Postcode, c.postcode, postcodeExact}} {
		switch {
		case code.a == "" || code.b == "":
		case code.a == code.b:
			found(code.field, code.exact, said("equal"))
		case oneEdit(code.a, code.b):
			found(code.field, code.exact+1, said("one character differs"))
		default:
			found(code.field, code.exact+2, said("different"))
		}
	}
	if rec.City != "" && c.city != "" {
		if rec.City == c.city || JaroWinkler(rec.City, c.city) >= 0.92 {
			found("city", cityExact, said("equal"))
		} else {
			found("city", cityDisagree, said("different"))
		}
	}
	if len(rec.Address) > 0 && len(c.address) > 0 {
		switch s := addressSimilarity(rec.Address, c.address); {
		case s >= 0.99 && len(rec.Address) == len(c.address):
			found("postal_address", addressExact, said("equal"))
		case s >= 0.6:
			found("postal_address", addressPartial, said("similar"))
		default:
			found("postal_address", addressDisagree, said("different"))
		}
	}
}

// nameLevels is what the name parts say, without a heap allocation: it
// is worked out twice for every candidate of every row.
type nameLevels struct {
	parts [2]namePart
	n     int
}

type namePart struct {
	field string
	level level
	how   func() string
}

func (nl *nameLevels) add(p namePart) { nl.parts[nl.n] = p; nl.n++ }

func (m *Matcher) total(nl nameLevels) float64 {
	var t float64
	for _, p := range nl.parts[:nl.n] {
		t += m.weight[p.level]
	}
	return t
}

// nameLevels compares names part by part with Jaro–Winkler.
func (m *Matcher) nameLevels(first, last []string, c *Contact) nameLevels {
	var out nameLevels
	said := func(s string) func() string { return func() string { return s } }
	similar := func(s float64) func() string {
		return func() string { return "similar (Jaro-Winkler " + strconv.FormatFloat(s, 'f', 2, 64) + ")" }
	}
	if len(last) > 0 && len(c.last) > 0 {
		s := JaroWinkler(strings.Join(last, " "), strings.Join(c.last, " "))
		switch {
		case s >= 0.96:
			out.add(namePart{"last_name", lastExact, said("equal")})
		case s >= 0.88:
			out.add(namePart{"last_name", lastPartial, similar(s)})
		default:
			out.add(namePart{"last_name", lastDisagree, said("different")})
		}
	}
	if len(first) > 0 && len(c.first) > 0 {
		a, b := strings.Join(first, " "), strings.Join(c.first, " ")
		switch s := JaroWinkler(a, b); {
		case s >= 0.96:
			out.add(namePart{"first_name", firstExact, said("equal")})
		case utf8.RuneCountInString(a) == 1 && strings.HasPrefix(b, a):
			out.add(namePart{"first_name", firstInitial, said("initial")})
		case s >= 0.88:
			out.add(namePart{"first_name", firstPartial, similar(s)})
		default:
			out.add(namePart{"first_name", firstDisagree, said("different")})
		}
	}
	return out
}

// emailForm is an address with the forms it is compared in, worked out
// once rather than for every pair.
type emailForm struct {
	addr, alias, local, domain string
	bare                       string // the local part without its digits
}

func newEmailForm(e string) emailForm {
	local, domain, _ := strings.Cut(e, "@")
	return emailForm{addr: e, alias: EmailAlias(e), local: local, domain: domain, bare: withoutDigits(local)}
}

func emailForms(emails []string) []emailForm {
	out := make([]emailForm, len(emails))
	for i, e := range emails {
		out[i] = newEmailForm(e)
	}
	return out
}

// compareEmails finds the strongest agreement between two sets of
// addresses: equal, same mailbox by provider aliasing, the same domain with
// a re-typed local part, or different.
func compareEmails(a, b []emailForm) (string, string) {
	if len(a) == 0 || len(b) == 0 {
		return "", ""
	}
	for _, x := range a {
		for _, y := range b {
			if x.addr == y.addr {
				return x.addr, "exact"
			}
		}
	}
	for _, x := range a {
		for _, y := range b {
			if x.alias == y.alias {
				return x.addr, "alias"
			}
		}
	}
	// jean.martin@ and jean.martin2@ are two people: organisations number
	// the addresses of namesakes. That is evidence against the link.
	for _, x := range a {
		for _, y := range b {
			if x.domain == y.domain && x.bare == y.bare {
				return x.addr, "namesake"
			}
		}
	}
	for _, x := range a {
		for _, y := range b {
			if x.domain == y.domain && retyped(x.local, y.local) {
				return x.addr, "fuzzy"
			}
		}
	}
	return "", "different"
}

// retyped reports local parts that one person's address could become by
// re-typing: alike by Jaro–Winkler, and at most two typing errors apart.
// Jaro–Winkler alone rewards a shared start, so that colleagues with the
// same first name (sandra.muller@, sandra.huber@) would pass.
func retyped(a, b string) bool {
	return !apartByLetters(a, b, 2) && JaroWinkler(a, b) >= 0.92 && withinEdits(a, b, 2)
}

// apartByLetters reports, cheaply, ASCII strings more than k edits apart
// because more than k of the letters of one are missing from the other
// (the bag distance, which no edit lowers by more than one). Most pairs of
// colleagues' addresses fail here, before the costlier comparisons. It
// says nothing of other text.
func apartByLetters(a, b string, k int) bool {
	var count [utf8.RuneSelf]int
	for i := 0; i < len(a); i++ {
		if a[i] >= utf8.RuneSelf {
			return false
		}
		count[a[i]]++
	}
	for i := 0; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return false
		}
		count[b[i]]--
	}
	onlyA, onlyB := 0, 0
	for i := 0; i < len(a); i++ {
		if n := count[a[i]]; n > 0 {
			onlyA += n
			count[a[i]] = 0
		}
	}
	for i := 0; i < len(b); i++ {
		if n := count[b[i]]; n < 0 {
			onlyB -= n
			count[b[i]] = 0
		}
	}
	return max(onlyA, onlyB) > k
}

// withinEdits reports whether a and b are at most k edits apart, an edit
// being a character inserted, deleted, replaced, or two neighbours swapped
// (optimal string alignment). Rows beyond k stop the count early.
func withinEdits(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	if len(ra) > maxCompared || len(rb) > maxCompared {
		return false
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)] <= k
}

func withoutDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, s)
}

func anyEqual(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// orgSimilarity is 1 for equal normalised names, else the share of words
// in common (Jaccard).
func orgSimilarity(a, b string) float64 {
	if a == b {
		return 1
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	inter := 0
	for _, w := range wa {
		if slices.Contains(wb, w) {
			inter++
		}
	}
	union := len(wa) + len(wb) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
