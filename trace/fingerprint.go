package trace

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// Fingerprinted exports.
//
// Every export leakdesk makes carries a codeword of a Tardos code, written
// into carriers that keep every value correct:
//   - the layout of each phone number: "+33 6 12 34 56 78" or "+33612345678";
//   - the case of each e-mail domain: "acme.fr" or "Acme.fr";
//   - the spelling of each legal form: "SAS" or "S.A.S.";
//   - the spelling of a job title, of two equivalent ones: "RSSI" or
//     "Responsable de la sécurité des systèmes d'information"; these
//     survive a leaker's normalising of case, dots and layouts;
//   - decoy contacts, on domains and phone ranges the organisation owns,
//     each present or absent.
// A position is named by the value it rides on (the number, the domain, the
// organisation, the decoy), so a leak is decoded without the registry and
// whatever rows, columns or order it kept. Each position's bias and each
// export's symbol there come from a keyed PRF: only the key is secret, and
// nothing per position is stored. The local part of an e-mail is never
// changed, and no invisible character is ever written.

// Carrier kinds, the prefix of a position's name.
const (
	CarrierPhone  = "phone"
	CarrierDomain = "domain"
	CarrierLegal  = "legal"
	CarrierDecoy  = "decoy"
)

// Code derives biases and symbols from the fingerprint key.
type Code struct {
	key []byte
	// Cutoff keeps biases in [Cutoff, 1-Cutoff] (Tardos), which bounds every
	// score term: at 0.01 a term is at most sqrt(99) ≈ 9.95.
	Cutoff float64
}

// DefaultCutoff is the bias cutoff of the arcsine distribution.
const DefaultCutoff = 0.01

// NewCode returns the code of key, which must be at least 32 bytes.
func NewCode(key []byte) (*Code, error) {
	if len(key) < 32 {
		return nil, fmt.Errorf("fingerprint key is %d bytes; at least 32 are needed", len(key))
	}
	return &Code{key: key, Cutoff: DefaultCutoff}, nil
}

// uniform returns a keyed pseudo-random number in [0, 1).
func (c *Code) uniform(parts ...string) float64 {
	h := hmac.New(sha256.New, c.key)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return float64(binary.BigEndian.Uint64(h.Sum(nil))>>11) / (1 << 53)
}

// Bias is the probability that an export carries 1 at pos. Two-sided
// positions draw it from the arcsine distribution, p = sin²(r) with r
// uniform between the cutoffs; decoys from its lower half, so that an
// export carries few of them.
func (c *Code) Bias(pos string) float64 {
	lo := math.Asin(math.Sqrt(c.Cutoff))
	hi := math.Pi/2 - lo
	if strings.HasPrefix(pos, CarrierDecoy+":") {
		hi = math.Pi / 4
	}
	r := lo + (hi-lo)*c.uniform("bias", pos)
	return math.Pow(math.Sin(r), 2)
}

// Symbol is what export carries at pos.
func (c *Code) Symbol(export, pos string) bool {
	return c.uniform("symbol", export, pos) < c.Bias(pos)
}

// Decoys say where the decoy contacts of exports recorded by earlier
// releases live: one domain and one phone range, decoy i the same in every
// export. They are still decoded; new exports use DecoyConfig.
type Decoys struct {
	Domain      string // e.g. "contacts-acme.example"
	PhonePrefix string // E.164 prefix, e.g. "+3361990"; digits follow up to 12
	Pool        int    // decoys that exports draw from
}

// DefaultDecoyPool is the number of decoys exports draw from; at the
// biases above an export carries about a quarter of them.
const DefaultDecoyPool = 120

// Decoy is a fake contact: its position, the values that find it in a
// leak, and, for the pools of DecoyPool, its row as the registry lays it out.
type Decoy struct {
	Pos                  string
	First, Last          string
	Email, Phone, Mobile string
	Organisation         string
	Row                  []string
}

var decoyFirst = []string{"Claire", "Julien", "Nadia", "Thomas", "Élise", "Karim", "Sophie", "Marc", "Inès", "Hugo", "Léa", "Olivier", "Camille", "Rachid", "Anne", "Pierre"}
var decoyLast = []string{"Garnier", "Lemoine", "Carpentier", "Benard", "Roussel", "Marchand", "Lacroix", "Fabre", "Girard", "Perrot", "Aubert", "Colin", "Vidal", "Renaud", "Brun", "Morin"}
var decoyOrgs = []string{"Cabinet %s Conseil", "%s Ingénierie SAS", "Groupe %s", "%s & Associés"}

// Decoy returns decoy i of a pool of an earlier release, the same for
// every export.
func (c *Code) Decoy(d Decoys, i int) Decoy {
	pos := fmt.Sprintf("%s:%s:%d", CarrierDecoy, d.Domain, i)
	pick := func(what string, n int) int { return int(c.uniform("decoy", what, pos) * float64(n)) }
	first, last := decoyFirst[pick("first", len(decoyFirst))], decoyLast[pick("last", len(decoyLast))]
	local := strings.ToLower(foldASCII(first) + "." + foldASCII(last))
	return Decoy{
		Pos: pos, First: first, Last: last,
		Email:        fmt.Sprintf("%s%d@%s", local, i, d.Domain),
		Phone:        c.decoyPhone(d.PhonePrefix, i),
		Organisation: fmt.Sprintf(decoyOrgs[pick("org", len(decoyOrgs))], last),
	}
}

// decoyPhone completes prefix into a number valid for its country, so that
// a decoy's number looks like any other. The digits step through the range
// from a keyed start by a prime, so no two decoys share a number.
func (c *Code) decoyPhone(prefix string, i int) string {
	have := len(prefix) - 1
	for _, total := range []int{11, 12, 10, 13, 9, 14, 8, 15} {
		n := total - have
		if n < 1 || n > 15 {
			continue
		}
		span := int64(math.Pow10(n))
		suffix := (int64(c.uniform("decoy", "phone", prefix)*float64(span)) + int64(i)*7919) % span
		number := prefix + fmt.Sprintf("%0*d", n, suffix)
		if num, err := phonenumbers.Parse(number, ""); err == nil && phonenumbers.IsValidNumber(num) {
			return number
		}
	}
	return prefix + fmt.Sprintf("%04d", i)
}

// foldASCII drops accents for an address's local part.
func foldASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'É':
			r = 'E'
		case 'î', 'ï':
			r = 'i'
		}
		if r < utf8.RuneSelf {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// legalForms pairs the compact and dotted spellings of legal forms.
var legalForms = [][2]string{
	{"SASU", "S.A.S.U."}, {"SAS", "S.A.S."}, {"SARL", "S.A.R.L."}, {"EURL", "E.U.R.L."}, {"SA", "S.A."},
	{"SNC", "S.N.C."}, {"SCI", "S.C.I."}, {"BV", "B.V."}, {"NV", "N.V."}, {"SpA", "S.p.A."}, {"Srl", "S.r.l."},
	{"Ltd", "Ltd."}, {"Inc", "Inc."}, {"GmbH", "G.m.b.H."}, {"AG", "A.G."},
}

// legalForm finds the legal form that ends an organisation's name, and
// which spelling it has.
func legalForm(org string) (stem string, form int, dotted bool, ok bool) {
	trimmed := strings.TrimRight(org, " ")
	for i, f := range legalForms {
		for v, spelling := range f {
			if strings.HasSuffix(trimmed, " "+spelling) {
				return strings.TrimSuffix(trimmed, spelling), i, v == 1, true
			}
		}
	}
	return "", 0, false, false
}

// Marker writes and reads the carriers of one export.
type Marker struct {
	code *Code
	n    *match.Normaliser
}

// NewMarker returns a marker for code, reading phones in n's region.
func NewMarker(code *Code, n *match.Normaliser) *Marker { return &Marker{code: code, n: n} }

// Mark rewrites rows (cells by column role) to carry export's codeword, and
// returns the positions the export holds. Values stay correct; a value
// that cannot carry is left exactly as it was.
func (m *Marker) Mark(export string, roles []dump.Role, rows [][]string) []string {
	seen := map[string]bool{}
	var positions []string
	add := func(pos string) bool {
		if !seen[pos] {
			seen[pos] = true
			positions = append(positions, pos)
		}
		return m.code.Symbol(export, pos)
	}
	for _, row := range rows {
		key := m.rowKey(roles, row)
		for i, role := range roles {
			if i >= len(row) || strings.TrimSpace(row[i]) == "" {
				continue
			}
			switch role {
			case dump.RoleJobTitle:
				// A row's title is named by the row: the same title on two
				// rows is two positions.
				if pair, _, ok := titleSpelling(row[i]); ok && key != "" {
					row[i] = titleSpellings[pair][boolInt(add(CarrierTitle+":"+key))]
				}
			case dump.RolePhone:
				if e164, ok := m.n.Phone(row[i]); ok {
					row[i] = phoneLayout(e164, add(CarrierPhone+":"+e164))
				}
			case dump.RoleEmail:
				// Only the domain changes, and only its case: the local part is
				// kept byte for byte, and a cell holding more than a bare
				// address is left alone.
				email, ok := m.n.Email(row[i])
				at := strings.LastIndexByte(row[i], '@')
				if !ok || at < 1 {
					continue
				}
				_, domain, _ := strings.Cut(email, "@")
				if strings.EqualFold(row[i][at+1:], domain) {
					row[i] = row[i][:at+1] + domainCase(domain, add(CarrierDomain+":"+domain))
				}
			case dump.RoleOrganisation:
				if stem, form, _, ok := legalForm(row[i]); ok {
					row[i] = stem + legalForms[form][boolInt(add(CarrierLegal+":"+m.n.Org(row[i])))]
				}
			}
		}
	}
	return positions
}

// DecoyRows returns the rows of the decoys of pool that export carries,
// and every decoy position it received.
func (m *Marker) DecoyRows(export string, pool []Decoy) (rows [][]string, positions []string) {
	for _, d := range pool {
		positions = append(positions, d.Pos)
		if m.code.Symbol(export, d.Pos) {
			rows = append(rows, slices.Clone(d.Row))
		}
	}
	return rows, positions
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// phoneLayout writes an E.164 number spaced (false) or compact (true).
func phoneLayout(e164 string, compact bool) string {
	if compact {
		return e164
	}
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
}

// domainCase writes a lower-case domain as is (false) or with its first
// letter capitalised (true); mail systems ignore the case of domains.
func domainCase(domain string, capital bool) string {
	if !capital || domain == "" {
		return domain
	}
	r, size := utf8.DecodeRuneInString(domain)
	return string(unicode.ToUpper(r)) + domain[size:]
}
