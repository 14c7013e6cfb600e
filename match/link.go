package match

// Matcher links records to a registry.
type Matcher struct {
	reg    *Registry
	w      Weights
	weight [numLevels]float64 // w, by level
	// keys looks the registry's keys up through a filter.
	keys filteredIndex
}

// NewMatcher returns a matcher over reg with the given weights.
func NewMatcher(reg *Registry, w Weights) *Matcher {
	m := &Matcher{reg: reg, w: w}
	m.keys.table(&reg.keys) // built now, not by the first row of a scan
	for l := range numLevels {
		m.weight[l] = *w.at(l)
	}
	return m
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
		c := m.reg.Contact(i)
		ow, ok := other.weights[i]
		if !ok {
			m.otherLevels(rec, c, func(_ string, lv level, _ func() string) { ow.weight += m.weight[lv]; ow.names.note(lv) })
			other.weights[i] = ow
		}
		w, o := ow.weight, ow.names
		m.contactLevels(rec, c, func(_ string, lv level, _ func() string) { w += m.weight[lv]; o.note(lv) })
		w = m.capped(o, w)
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
		l := m.classify(Link{Contact: m.reg.Contact(at), Weight: w})
		return &l
	}
	return link(bestAt, bestWeight), link(secondAt, secondWeight)
}

// Explain returns the link between rec and c with its evidence: which
// fields agreed, how, and with what weight.
func (m *Matcher) Explain(rec Record, c *Contact) Link {
	l := Link{Contact: c}
	var o outcome
	m.levels(rec, c, func(field string, lv level, how func() string) {
		w := m.weight[lv]
		l.Weight += w
		l.Evidence = append(l.Evidence, Agreement{Field: field, How: how(), Weight: w})
		o.note(lv)
	})
	if w := m.capped(o, l.Weight); w < l.Weight {
		l.Evidence = append(l.Evidence, Agreement{Field: "phone", How: "shared with someone of another name: for review only", Weight: w - l.Weight})
		l.Weight = w
	}
	return m.classify(l)
}
