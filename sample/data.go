package sample

import (
	"embed"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

//go:embed data/*.json
var dataFiles embed.FS

type country struct {
	Dial           string   `json:"dial"`
	Trunk          string   `json:"trunk"`
	TLD            string   `json:"tld"`
	PublicTLD      string   `json:"public_tld"`
	Lang           string   `json:"lang"`
	Weight         int      `json:"weight"`
	Landline       []string `json:"landline"`
	LandlineLength int      `json:"landline_length"` // digits of the national significant number
	Mobile         []string `json:"mobile"`
	MobileLength   int      `json:"mobile_length"`
	Group          string   `json:"group"`
	FirstNames     []string `json:"first_names"`
	LastNames      []string `json:"last_names"`
	Cities         []string `json:"cities"`
	LegalForms     []string `json:"legal_forms"`
	PublicBodies   []string `json:"public_bodies"`
	Regions        []string `json:"regions"`
	Titles         []string `json:"titles"`
	RoleMailboxes  []string `json:"role_mailboxes"`
}

type words struct {
	OrgStems   []string `json:"org_stems"`
	OrgSectors []string `json:"org_sectors"`
	Offers     []string `json:"offers"`
}

type data struct {
	Countries map[string]*country
	codes     []string // sorted, so that picking is deterministic
	Words     words
}

func loadData() (*data, error) {
	d := &data{}
	for name, dst := range map[string]any{"data/countries.json": &d.Countries, "data/words.json": &d.Words} {
		b, err := dataFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if err := json.Unmarshal(b, dst); err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
	}
	for code := range d.Countries {
		d.codes = append(d.codes, code)
	}
	slices.Sort(d.codes)
	return d, nil
}

func (d *data) pickCountry(rng *rand.Rand) string {
	total := 0
	for _, code := range d.codes {
		total += d.Countries[code].Weight
	}
	n := rng.IntN(total)
	for _, code := range d.codes {
		if n -= d.Countries[code].Weight; n < 0 {
			return code
		}
	}
	return d.codes[0]
}

// fold removes accents: "Ménard" becomes "Menard".
func fold(s string) string {
	out, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), s)
	if err != nil {
		return s
	}
	return strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "Œ", "OE").Replace(out)
}

// slug turns a name into lower-case ASCII words for e-mail addresses and
// domains: "Mairie de Saint-Étienne" becomes "mairie de saint etienne".
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(fold(s)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '\'':
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}
