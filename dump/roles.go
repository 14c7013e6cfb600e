package dump

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// Role is what a column holds.
type Role string

const (
	RoleEmail         Role = "email"
	RolePhone         Role = "phone"
	RoleFullName      Role = "full_name"
	RoleFirstName     Role = "first_name"
	RoleLastName      Role = "last_name"
	RoleOrganisation  Role = "organisation"
	RoleJobTitle      Role = "job_title"
	RolePostalAddress Role = "postal_address"
	RolePostcode      Role = "postcode"
	RoleCity          Role = "city"
	RoleCountry       Role = "country"
	RoleDateOfBirth   Role = "date_of_birth"
	RoleDate          Role = "date"
	RoleNationalID    Role = "national_id"
	RoleCompanyID     Role = "company_id"
	RoleIBAN          Role = "iban"
	RolePaymentCard   Role = "payment_card"
	RoleUsername      Role = "username"
	RolePassword      Role = "password"
	RolePasswordHash  Role = "password_hash"
	RoleIPAddress     Role = "ip_address"
	RoleURL           Role = "url"
	RoleFreeText      Role = "free_text"
	RoleID            Role = "id"
	RoleUnknown       Role = "unknown"
)

//go:embed data/*.json data/*.txt
var dataFiles embed.FS

// knowledge is the vocabulary role inference works from, loaded once from
// the embedded data files.
type knowledge struct {
	headers      map[string]Role // normalised header -> role
	headerKeys   []string        // longest first, for containment
	legalForms   map[string]bool
	publicBodies []string
	titleWords   map[string]bool
	streetWords  map[string]bool
	countries    map[string]bool
	countryNames map[string]bool
	special      []string
	firstNames   map[string]bool
	region       string

	passwordHash *regexp.Regexp
	ukPostcode   *regexp.Regexp
	idPattern    *regexp.Regexp
	sqlStart     *regexp.Regexp
	insertValues *regexp.Regexp
	copyFrom     *regexp.Regexp
	createTable  *regexp.Regexp
	keyValueLine *regexp.Regexp
}

func loadKnowledge(region string) (*knowledge, error) {
	k := &knowledge{
		headers: map[string]Role{}, legalForms: map[string]bool{}, titleWords: map[string]bool{}, streetWords: map[string]bool{},
		countries: map[string]bool{}, countryNames: map[string]bool{}, firstNames: map[string]bool{}, region: region,
		passwordHash: regexp.MustCompile(`^(\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}|\$argon2(id|i|d)\$.+|\$[156]\$[^$]{1,16}\$[./A-Za-z0-9]{22,86}|\{(SSHA|SHA|SMD5|SSHA256|SSHA512)\}[A-Za-z0-9+/=]{20,}|[a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{128}|pbkdf2_sha256\$\d+\$.+|sha1\$\w+\$[a-f0-9]{40})$`),
		ukPostcode:   regexp.MustCompile(`^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$`),
		idPattern:    regexp.MustCompile(`^[A-Za-z]{0,6}[-_/#]?\d{1,12}$|^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`),
		sqlStart:     regexp.MustCompile(`(?is)^\s*((--[^\n]*|#[^\n]*|/\*.*?\*/;?|\\[a-z]+\b[^\n]*)\s*)*(INSERT|CREATE|DROP|LOCK|SET|COPY|BEGIN|START|USE|ALTER|PRAGMA)\b`),
		insertValues: regexp.MustCompile(`(?is)\bINSERT\s+(IGNORE\s+)?INTO\s+\S+.*?\bVALUES\b`),
		copyFrom:     regexp.MustCompile(`(?is)\bCOPY\s+\S+.*?\bFROM\s+stdin\b`),
		createTable:  regexp.MustCompile(`(?is)\bCREATE\s+TABLE\b`),
		keyValueLine: regexp.MustCompile(`^\s*([\p{L}][\p{L}\p{N} _./'-]{0,40}?)\s*[:=]\s*(.*)$`),
	}
	var headers map[Role][]string
	if err := readJSON("data/headers.json", &headers); err != nil {
		return nil, err
	}
	for role, keys := range headers {
		for _, key := range keys {
			k.headers[normaliseHeader(key)] = role
		}
	}
	for key := range k.headers {
		k.headerKeys = append(k.headerKeys, key)
	}
	sort.Slice(k.headerKeys, func(i, j int) bool {
		if len(k.headerKeys[i]) != len(k.headerKeys[j]) {
			return len(k.headerKeys[i]) > len(k.headerKeys[j])
		}
		return k.headerKeys[i] < k.headerKeys[j]
	})
	var vocab struct {
		LegalForms   []string `json:"legal_forms"`
		PublicBodies []string `json:"public_bodies"`
		TitleWords   []string `json:"title_words"`
		StreetWords  []string `json:"street_words"`
		Countries    []string `json:"countries"`
		CountryNames []string `json:"country_names"`
		Special      []string `json:"special_categories"`
	}
	if err := readJSON("data/vocab.json", &vocab); err != nil {
		return nil, err
	}
	for _, set := range []struct {
		words []string
		into  map[string]bool
	}{{vocab.LegalForms, k.legalForms}, {vocab.TitleWords, k.titleWords}, {vocab.StreetWords, k.streetWords}, {vocab.Countries, k.countries}, {vocab.CountryNames, k.countryNames}} {
		for _, w := range set.words {
			set.into[w] = true
		}
	}
	k.publicBodies, k.special = vocab.PublicBodies, vocab.Special
	names, err := dataFiles.ReadFile("data/first_names.txt")
	if err != nil {
		return nil, fmt.Errorf("read first names: %w", err)
	}
	for _, line := range strings.Split(string(names), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		for _, n := range strings.Fields(line) {
			k.firstNames[n] = true
		}
	}
	return k, nil
}

func readJSON(name string, v any) error {
	b, err := dataFiles.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", name, err)
	}
	return nil
}

func fold(s string) string { return Fold(s) }

// words splits folded text into letters-and-digits words.
func words(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}

func normaliseHeader(s string) string {
	// camelCase and snake_case become words: firstName, first_name -> first name.
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		if unicode.IsUpper(r) && prevLower {
			b.WriteByte(' ')
		}
		prevLower = unicode.IsLower(r)
		b.WriteRune(r)
	}
	return strings.Join(words(b.String()), " ")
}

// headerRole returns the role a column header names, or "".
func (k *knowledge) headerRole(h string) Role {
	n := normaliseHeader(h)
	if n == "" {
		return ""
	}
	if r, ok := k.headers[n]; ok {
		return r
	}
	ws := strings.Fields(n)
	if ws[len(ws)-1] == "id" || ws[0] == "id" {
		return RoleID
	}
	padded := " " + n + " "
	for _, key := range k.headerKeys {
		if len(key) >= 3 && strings.Contains(padded, " "+key+" ") {
			return k.headers[key]
		}
	}
	return ""
}

// specialCategoryHint names the special category a header suggests (health,
// religion, ...), or "".
func (k *knowledge) specialCategoryHint(h string) string {
	padded := " " + normaliseHeader(h) + " "
	for _, w := range k.special {
		if strings.Contains(padded, " "+w+" ") {
			return w
		}
	}
	return ""
}

// valueTests are the recognisers that a value alone can satisfy.
func (k *knowledge) valueTests() []struct {
	role Role
	test func(string) bool
} {
	return []struct {
		role Role
		test func(string) bool
	}{
		{RoleEmail, isEmail},
		{RoleIBAN, validIBAN},
		{RolePaymentCard, validCard},
		{RoleNationalID, validNIR},
		{RoleCompanyID, func(s string) bool { return validSIRET(s) || validSIREN(s) }},
		{RolePasswordHash, func(s string) bool { return k.passwordHash.MatchString(s) }},
		{RoleIPAddress, func(s string) bool { _, err := netip.ParseAddr(s); return err == nil }},
		{RoleURL, isURL},
		{RolePhone, k.isPhone},
		{RoleDate, isDate},
	}
}

func isEmail(s string) bool {
	// Loops over bytes rather than cutsets: this runs on every '@' of a
	// dump, and a cutset is compiled anew on each call. Every character
	// tested is ASCII, which no byte of another character can be taken for.
	for len(s) > 0 && isEmailWrapping(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isEmailWrapping(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	s = strings.TrimPrefix(s, "mailto:")
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', ',', ';':
			return false
		}
	}
	domain := s[at+1:]
	dot := strings.LastIndexByte(domain, '.')
	if dot < 1 || len(domain)-dot-1 < 2 {
		return false
	}
	for _, r := range domain[dot+1:] {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// isEmailWrapping reports the characters trimmed around an address.
func isEmailWrapping(c byte) bool {
	return c == '<' || c == '>' || c == '"' || c == '\'' || c == ' '
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return (strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "www.")) && !strings.ContainsAny(s, " \t")
}

// phoneShape is a cheap test before libphonenumber: phone characters only
// and 8 to 15 digits.
func phoneShape(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '.', r == '-', r == '(', r == ')', r == '/':
		default:
			return false
		}
	}
	return digits >= 8 && digits <= 15
}

func (k *knowledge) isPhone(s string) bool {
	if !phoneShape(s) {
		return false
	}
	n, err := phonenumbers.Parse(s, k.region)
	if err != nil {
		return false
	}
	// A number written with its country code and of that country's length
	// is a phone number, even in a range libphonenumber does not know:
	// registries hold such numbers, and a leak copies them.
	return phonenumbers.IsValidNumber(n) || strings.HasPrefix(s, "+") && phonenumbers.IsPossibleNumber(n)
}

func isDate(s string) bool {
	if len(s) < 6 || len(s) > 35 {
		return false
	}
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		// 19850314, as registers and older systems write dates. A number
		// of eight digits is taken for one only within two centuries.
		t, err := time.Parse("20060102", s)
		return err == nil && t.Year() >= 1850 && t.Year() <= 2100
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "01/02/2006", "02.01.2006", "02-01-2006", "2006/01/02",
		time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "02/01/2006 15:04", "02/01/2006 15:04:05", "2 January 2006", "January 2, 2006", "02/01/06"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

// ColumnRole is the inferred role of one column.
type ColumnRole struct {
	Role       Role    `json:"role"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
}

// inferRole decides a column's role from its sample values first and its
// header second.
func (k *knowledge) inferRole(header string, values []string, neighbours []Role) ColumnRole {
	headerRole := k.headerRole(header)
	var filled []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			filled = append(filled, v)
		}
	}
	if len(filled) == 0 {
		if headerRole != "" {
			return ColumnRole{headerRole, 0.3, "header only; the column is empty"}
		}
		return ColumnRole{RoleUnknown, 0, "empty column"}
	}
	share := func(test func(string) bool) float64 {
		n := 0
		for _, v := range filled {
			if test(v) {
				n++
			}
		}
		return float64(n) / float64(len(filled))
	}

	// Values that pass a validator are the strongest evidence there is.
	// libphonenumber is slow, so phones are judged on fewer values.
	best, bestShare := Role(""), 0.0
	for _, vt := range k.valueTests() {
		test := share
		if vt.role == RolePhone && len(filled) > 100 {
			few := filled[:100]
			test = func(f func(string) bool) float64 {
				n := 0
				for _, v := range few {
					if f(v) {
						n++
					}
				}
				return float64(n) / float64(len(few))
			}
		}
		if s := test(vt.test); s > bestShare+0.05 {
			best, bestShare = vt.role, s
		}
	}
	if best == RoleDate && (headerRole == RoleDateOfBirth || headerRole == "" && k.birthDates(filled)) {
		best = RoleDateOfBirth
	}
	if best == RoleCompanyID && headerRole == RoleID {
		best = RoleID // sequential numbers can pass Luhn by chance
	}
	if bestShare >= 0.6 {
		return withHeader(ColumnRole{best, bestShare, fmt.Sprintf("%.0f%% of values are valid %s", bestShare*100, best)}, headerRole)
	}

	// Then what the header says, where the values do not contradict it.
	if headerRole != "" {
		plausible := k.plausible(headerRole, filled, share)
		if plausible >= 0.5 {
			return ColumnRole{headerRole, round2(0.6 + 0.35*plausible), fmt.Sprintf("header %q; %.0f%% of values fit", header, plausible*100)}
		}
	}

	// Then weaker evidence from the values.
	for _, weak := range []struct {
		role Role
		min  float64
	}{{RoleOrganisation, 0.4}, {RoleJobTitle, 0.4}, {RoleFullName, 0.6}, {RoleFirstName, 0.5}, {RoleCountry, 0.8}, {RolePostalAddress, 0.5}, {RoleFreeText, 0.6}, {RoleID, 0.9}} {
		if s := k.plausible(weak.role, filled, share); s >= weak.min {
			return ColumnRole{weak.role, round2(0.4 + 0.4*s), fmt.Sprintf("%.0f%% of values look like %s", s*100, weak.role)}
		}
	}
	// A column of single words beside a first-name column holds surnames.
	for _, n := range neighbours {
		if n == RoleFirstName && share(isSingleName) >= 0.8 {
			return ColumnRole{RoleLastName, 0.6, "single names beside a first-name column"}
		}
	}
	if headerRole != "" {
		return ColumnRole{headerRole, 0.4, fmt.Sprintf("header %q; values do not confirm it", header)}
	}
	return ColumnRole{RoleUnknown, 0, "no recogniser matched"}
}

func withHeader(c ColumnRole, headerRole Role) ColumnRole {
	if headerRole == c.Role {
		c.Confidence = min(1, c.Confidence+0.1)
		c.Reason += ", and the header agrees"
	}
	c.Confidence = round2(c.Confidence)
	return c
}

func round2(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

// plausible is the share of values consistent with role.
func (k *knowledge) plausible(role Role, values []string, share func(func(string) bool) float64) float64 {
	switch role {
	case RoleOrganisation:
		return share(k.isOrganisation)
	case RoleJobTitle:
		return share(k.isJobTitle)
	case RoleFullName:
		return share(k.isFullName)
	case RoleFirstName:
		return share(func(s string) bool { return k.firstNames[fold(strings.Fields(s + " x")[0])] && isSingleName(s) })
	case RoleLastName, RoleCity:
		return share(isNameLike)
	case RoleCountry:
		return share(func(s string) bool {
			return k.countries[strings.ToUpper(s)] || k.countryNames[strings.Join(words(s), " ")]
		})
	case RolePostalAddress:
		return share(k.isAddress)
	case RolePostcode:
		return share(func(s string) bool {
			d, ok := digitsOnly(s)
			return ok && len(d) >= 4 && len(d) <= 5 || k.ukPostcode.MatchString(strings.ToUpper(s))
		})
	case RoleFreeText:
		return share(func(s string) bool { return len(s) > 50 && strings.Count(s, " ") >= 6 })
	case RoleID:
		if !allDistinct(values) {
			return 0
		}
		return share(k.idPattern.MatchString)
	case RoleUsername:
		return share(func(s string) bool { return !strings.ContainsAny(s, " \t@") && len(s) >= 2 && len(s) <= 64 })
	case RolePassword:
		return share(func(s string) bool { return !strings.ContainsAny(s, " \t") && len(s) >= 1 && len(s) <= 128 })
	case RolePhone:
		return share(phoneShape)
	case RoleEmail:
		return share(isEmail)
	case RoleDate, RoleDateOfBirth:
		return share(isDate)
	case RoleURL:
		return share(isURL)
	default:
		return share(func(s string) bool { return true })
	}
}

func allDistinct(values []string) bool {
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func (k *knowledge) isOrganisation(s string) bool {
	ws := words(s)
	if len(ws) < 2 {
		return false
	}
	if k.legalForms[ws[len(ws)-1]] || k.legalForms[ws[0]] {
		return true
	}
	joined := strings.Join(ws, " ")
	for _, p := range k.publicBodies {
		if strings.HasPrefix(joined, p+" ") || strings.Contains(joined, " "+p+" ") {
			return true
		}
	}
	return false
}

func (k *knowledge) isJobTitle(s string) bool {
	for _, w := range words(s) {
		if k.titleWords[w] {
			return true
		}
	}
	return false
}

func (k *knowledge) isFullName(s string) bool {
	// "Martin, Jeanne" is written surname first.
	fields := strings.Fields(strings.Replace(s, ",", " ", 1))
	if len(fields) < 2 || len(fields) > 4 {
		return false
	}
	for _, f := range fields {
		if !isNameLike(f) {
			return false
		}
	}
	first, last := fold(fields[0]), fold(fields[len(fields)-1])
	return k.firstNames[first] || k.firstNames[last]
}

func (k *knowledge) isAddress(s string) bool {
	hasDigit := strings.IndexFunc(s, unicode.IsDigit) >= 0
	if !hasDigit {
		return false
	}
	for _, w := range words(s) {
		if k.streetWords[w] {
			return true
		}
	}
	return false
}

// birthDates reports dates that all fall in the span of living adults.
func (k *knowledge) birthDates(values []string) bool {
	years := 0
	for _, v := range values {
		for _, layout := range []string{"2006-01-02", "02/01/2006", "02.01.2006", "01/02/2006"} {
			if t, err := time.Parse(layout, v); err == nil {
				if t.Year() < 1910 || t.Year() > time.Now().Year()-14 {
					return false
				}
				years++
				break
			}
		}
	}
	return years*10 >= len(values)*9 && len(values) >= 5
}

// isNameLike reports words made of letters, hyphens, apostrophes and spaces
// that start with a capital.
func isNameLike(s string) bool {
	if s == "" || len(s) > 60 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 0 && !unicode.IsUpper(r):
			return false
		case unicode.IsLetter(r), r == '-', r == '\'', r == ' ', r == '’', r == '.':
		default:
			return false
		}
	}
	return true
}

func isSingleName(s string) bool { return isNameLike(s) && strings.Count(s, " ") <= 1 }
