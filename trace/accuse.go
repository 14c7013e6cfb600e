package trace

import (
	"cmp"
	"context"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// AccuseBelow is the largest bound on accusing an innocent recipient at
// which a recipient is accused.
const AccuseBelow = 1e-6

// Observation is what a leak shows of a codeword: the symbol seen at each
// position, positions seen with both symbols dropped.
type Observation struct {
	Symbols map[string]bool `json:"-"`
	Seen    map[string]int  `json:"seen"`   // positions seen, by carrier kind
	Erased  []string        `json:"erased"` // carrier kinds the leaker normalised away
	Decoys  int             `json:"decoys"` // decoys present in the leak
	// Unread names the parts of the leak that could not be read: their
	// carriers are unknown, not absent.
	Unread []leakdesk.Unread `json:"unread"`
}

// minForErasure is how many observations of a carrier kind, all with the
// same symbol, show that the leaker normalised it: honest symbols mix.
const minForErasure = 20

// Observe reads the leak and notes, at every position it shows, which
// symbol it carries. Decoys in the leak are present (true); absent decoys
// say nothing, since the leaker may have dropped rows.
func (m *Marker) Observe(ctx context.Context, r *dump.Reader, leak match.Source, decoys []Decoy) (*Observation, error) {
	decoyAt := decoyIndex(decoys)
	symbols, conflict := map[string]bool{}, map[string]bool{}
	see := func(pos string, sym bool) {
		if prev, ok := symbols[pos]; ok && prev != sym {
			conflict[pos] = true
		}
		symbols[pos] = sym
	}
	cell := func(role dump.Role, raw string) {
		// An export read as leakdesk wrote it still has the quote that
		// kept a formula from running.
		raw = strings.TrimSpace(RestoreCell(raw))
		switch role {
		case dump.RolePhone:
			e164, ok := m.n.Phone(raw)
			if !ok {
				return
			}
			if pos := decoyAt[e164]; pos != "" {
				see(pos, true)
				return
			}
			switch raw {
			case phoneLayout(e164, false):
				see(CarrierPhone+":"+e164, false)
			case e164:
				see(CarrierPhone+":"+e164, true)
			}
		case dump.RoleEmail:
			email, ok := m.n.Email(raw)
			if !ok {
				return
			}
			if pos := decoyAt[email]; pos != "" {
				see(pos, true)
				return
			}
			_, domain, _ := strings.Cut(email, "@")
			at := strings.LastIndexByte(raw, '@')
			if at < 0 {
				return
			}
			written := strings.TrimRight(raw[at+1:], ">;,) ")
			switch written {
			case domainCase(domain, false):
				see(CarrierDomain+":"+domain, false)
			case domainCase(domain, true):
				see(CarrierDomain+":"+domain, true)
			}
		case dump.RoleOrganisation:
			if _, _, dotted, ok := legalForm(raw); ok {
				see(CarrierLegal+":"+m.n.Org(raw), dotted)
			}
		}
	}
	row := func(roles []dump.Role, cells []string) {
		for i, c := range cells {
			if i < len(roles) {
				cell(roles[i], c)
			}
		}
		// A title is read with the row it is on.
		if t := slices.Index(roles, dump.RoleJobTitle); t >= 0 && t < len(cells) {
			if _, second, ok := titleSpelling(cells[t]); ok {
				if key := m.rowKey(roles, cells); key != "" && decoyAt[key] == "" {
					see(CarrierTitle+":"+key, second)
				}
			}
		}
	}
	err := match.ReadSource(ctx, r, leak, func(t *dump.Table) error {
		var sample [][]string
		var roles []dump.Role
		flush := func() {
			for _, cr := range r.InferRoles(t, sample, nil) {
				roles = append(roles, cr.Role)
			}
			for _, cells := range sample {
				row(roles, cells)
			}
		}
		err := t.Rows(ctx, func(r dump.Row) error {
			for _, tok := range r.Tokens {
				switch tok.Kind {
				case dump.TokenEmail:
					cell(dump.RoleEmail, tok.Value)
				case dump.TokenPhone:
					cell(dump.RolePhone, tok.Value)
				}
			}
			if roles == nil {
				sample = append(sample, slices.Clone(r.Cells))
				if len(sample) == 300 {
					flush()
				}
				return nil
			}
			row(roles, r.Cells)
			return nil
		})
		if roles == nil {
			flush()
		}
		return err
	})
	unread, err := dump.Unreads(err)
	if err != nil {
		return nil, err
	}
	if len(unread) > 0 && len(symbols) == 0 {
		return nil, &dump.UnreadError{Files: unread}
	}
	for pos := range conflict {
		delete(symbols, pos) // colluders' copies disagree: the position says nothing
	}
	obs := &Observation{Symbols: symbols, Seen: map[string]int{}, Unread: append([]leakdesk.Unread{}, unread...)}
	ones := map[string]int{}
	for pos, sym := range symbols {
		kind, _, _ := strings.Cut(pos, ":")
		obs.Seen[kind]++
		if sym {
			ones[kind]++
		}
	}
	for _, kind := range []string{CarrierPhone, CarrierDomain, CarrierLegal, CarrierTitle} {
		if n := obs.Seen[kind]; n >= minForErasure && (ones[kind] == 0 || ones[kind] == n) {
			obs.Erased = append(obs.Erased, kind)
			for pos := range symbols {
				if strings.HasPrefix(pos, kind+":") {
					delete(symbols, pos)
				}
			}
		}
	}
	obs.Decoys = obs.Seen[CarrierDecoy]
	return obs, nil
}

// decoyIndex maps each decoy's e-mail address (lower case) and E.164
// numbers to its position.
func decoyIndex(decoys []Decoy) map[string]string {
	at := map[string]string{}
	for _, d := range decoys {
		for _, v := range []string{strings.ToLower(d.Email), d.Phone, d.Mobile} {
			if v != "" {
				at[v] = d.Pos
			}
		}
	}
	return at
}

// LegacyDecoys returns the decoys of a pool of an earlier release.
func (c *Code) LegacyDecoys(d Decoys) []Decoy {
	out := make([]Decoy, d.Pool)
	for i := range d.Pool {
		out[i] = c.Decoy(d, i)
	}
	return out
}

// Recorded returns what decoding needs of recorded exports: each export's
// positions, and every decoy any of them could carry.
func (c *Code) Recorded(exports []*leakdesk.Export) ([]RecordedExport, []Decoy) {
	var recorded []RecordedExport
	var decoys []Decoy
	seen := map[string]bool{}
	legacy := map[Decoys]bool{}
	for _, e := range exports {
		recorded = append(recorded, RecordedExport{ID: e.ID, Recipient: e.Recipient, Positions: e.Positions, Region: cmp.Or(e.Region, LegacyRegion)})
		for _, d := range e.DecoyContacts {
			if !seen[d.Pos] {
				seen[d.Pos] = true
				decoys = append(decoys, Decoy{Pos: d.Pos, Email: d.Email, Phone: d.Phone, Mobile: d.Mobile})
			}
		}
		if d := (Decoys{Domain: e.DecoyDomain, PhonePrefix: e.DecoyPhone, Pool: e.DecoyPool}); d.Domain != "" && len(e.DecoyContacts) == 0 && !legacy[d] {
			legacy[d] = true
			decoys = append(decoys, c.LegacyDecoys(d)...)
		}
	}
	return recorded, decoys
}

// ObserveDecoys makes an observation of decoys found contacted: e-mail
// addresses or phone numbers that only the exports carrying those decoys
// held. It returns the values that are no decoy.
func (m *Marker) ObserveDecoys(values []string, decoys []Decoy) (*Observation, []string) {
	byValue := decoyIndex(decoys)
	obs := &Observation{Symbols: map[string]bool{}, Seen: map[string]int{}}
	var unknown []string
	for _, v := range values {
		key := strings.ToLower(strings.TrimSpace(v))
		if e, ok := m.n.Email(v); ok {
			key = e
		} else if p, ok := m.n.Phone(v); ok {
			key = p
		}
		pos, ok := byValue[key]
		if !ok {
			unknown = append(unknown, v)
			continue
		}
		if !obs.Symbols[pos] {
			obs.Symbols[pos] = true
			obs.Seen[CarrierDecoy]++
		}
	}
	obs.Decoys = obs.Seen[CarrierDecoy]
	return obs, unknown
}

// RecordedExport is an export made by leakdesk, as recorded.
type RecordedExport struct {
	ID        string   `json:"export_id"`
	Recipient string   `json:"recipient"`
	Positions []string `json:"-"`
	Region    string   `json:"-"` // the phone region it was made in
}

// LegacyRegion is the phone region of exports recorded before the region
// was: export read every registry in it.
const LegacyRegion = "FR"

// Regions returns the phone regions the exports were made in, sorted.
func Regions(exports []RecordedExport) []string {
	var out []string
	for _, e := range exports {
		if !slices.Contains(out, e.Region) {
			out = append(out, e.Region)
		}
	}
	slices.Sort(out)
	return out
}

// Suspect is one export scored against a leak.
type Suspect struct {
	Export    string  `json:"export_id"`
	Recipient string  `json:"recipient"`
	Score     float64 `json:"score"`
	// Bound is a proven upper bound on the probability that an innocent
	// recipient scores this high: a Chernoff bound conditional on the leak,
	// over the positions this export received and the leak shows, times the
	// number of recorded exports.
	Bound     float64 `json:"bound"`
	Positions int     `json:"positions"` // positions scored
	Decoys    int     `json:"decoys"`    // of them, decoys the leak holds
}

// Accuse scores every export against the observation: Tardos's symmetric
// score on two-sided positions, his original score on decoys, which count
// only where the leak holds them. Suspects come best first.
func (c *Code) Accuse(obs *Observation, exports []RecordedExport) []Suspect {
	return c.AccuseByRegion(func(string) *Observation { return obs }, exports)
}

// AccuseByRegion scores each export against the observation of the leak
// made in the phone region the export was made in (obs(e.Region)): a
// number written nationally reads as another number, or none, in another
// region. The bound still counts every export.
func (c *Code) AccuseByRegion(obs func(region string) *Observation, exports []RecordedExport) []Suspect {
	out := make([]Suspect, 0, len(exports))
	for _, region := range Regions(exports) {
		group := slices.DeleteFunc(slices.Clone(exports), func(e RecordedExport) bool { return e.Region != region })
		out = append(out, c.accuse(obs(region), group, len(exports))...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out
}

// accuse scores exports, n of them recorded in all.
func (c *Code) accuse(obs *Observation, exports []RecordedExport, n int) []Suspect {
	out := make([]Suspect, 0, len(exports))
	// Exports share positions: each bias is derived once.
	biases := make(map[string]float64, len(obs.Symbols))
	for pos := range obs.Symbols {
		biases[pos] = c.Bias(pos)
	}
	for _, e := range exports {
		s := Suspect{Export: e.ID, Recipient: e.Recipient}
		var terms []term
		for _, pos := range e.Positions {
			y, seen := obs.Symbols[pos]
			if !seen {
				continue
			}
			p := biases[pos]
			up, down := math.Sqrt((1-p)/p), -math.Sqrt(p/(1-p)) // the term when x = 1, and when x = 0
			if strings.HasPrefix(pos, CarrierDecoy+":") {
				s.Decoys++ // decoys are only ever seen present
			} else if !y {
				up, down = -up, math.Sqrt(p/(1-p))
			}
			t := term{p: p, one: up, zero: down}
			if c.Symbol(e.ID, pos) {
				s.Score += up
			} else {
				s.Score += down
			}
			terms = append(terms, t)
		}
		s.Positions = len(terms)
		s.Bound = math.Min(1, float64(n)*chernoff(terms, s.Score))
		out = append(out, s)
	}
	return out
}

// term is one scored position: an innocent carries 1 with probability p,
// and then adds one to the score, else zero.
type term struct{ p, one, zero float64 }

// chernoff bounds P(S >= s) for S the score of an export whose symbols are
// independent of the leak: min over λ > 0 of exp(-λs) Π E[exp(λ term)].
// The exponent is convex in λ, so a golden-section search finds its least.
func chernoff(terms []term, s float64) float64 {
	if s <= 0 || len(terms) == 0 {
		return 1
	}
	f := func(l float64) float64 {
		sum := -l * s
		for _, t := range terms {
			a, b := math.Log(t.p)+l*t.one, math.Log(1-t.p)+l*t.zero
			hi := math.Max(a, b)
			sum += hi + math.Log(math.Exp(a-hi)+math.Exp(b-hi))
		}
		return sum
	}
	lo, hi := 0.0, 1.0
	for f(hi) < f(hi/2) && hi < 1e4 { // widen until the minimum is inside
		hi *= 2
	}
	g := (math.Sqrt(5) - 1) / 2
	a, b := hi-g*(hi-lo), lo+g*(hi-lo)
	fa, fb := f(a), f(b)
	for range 200 {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - g*(hi-lo)
			fa = f(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + g*(hi-lo)
			fb = f(b)
		}
	}
	return math.Min(1, math.Exp(math.Min(f((lo+hi)/2), 0)))
}

// Accused returns the recipients whose bound is at most AccuseBelow.
func Accused(suspects []Suspect) []Suspect {
	var out []Suspect
	for _, s := range suspects {
		if s.Bound <= AccuseBelow {
			out = append(out, s)
		}
	}
	return out
}
