package match

import (
	"math"
	"sort"
)

// Estimate says how EM estimated the weights.
type Estimate struct {
	Pairs      int     `json:"pairs"`       // candidate pairs compared
	Patterns   int     `json:"patterns"`    // distinct ways those pairs came out
	Iterations int     `json:"iterations"`  // EM steps taken
	Converged  bool    `json:"converged"`   // false: the weights were left as they were
	MatchShare float64 `json:"match_share"` // share of the pairs estimated to be links
}

const (
	emMaxIterations = 1000
	emTolerance     = 1e-7
	// emPseudoCount keeps a level seen only among links, or only among
	// other pairs, from an infinite weight.
	emPseudoCount = 0.5
	// Weights are held to a range that no single field should exceed.
	emMinWeight, emMaxWeight = -12.0, 24.0
)

// EstimateWeights estimates every level's m (its chance among true links)
// and u (among the other pairs) by EM (Jaro, 1989), under the usual
// assumption that fields agree independently given the link status, from
// the candidate pairs that blocking gives for recs. It returns the
// matcher's weights with each level seen replaced by log2(m/u), and how
// the estimate went.
//
// The pairs are the candidates, not all pairs, because only candidates are
// ever weighed: a postcode that blocking made common among candidates says
// less there than among people at large, and EM measures exactly that. EM
// starts from the current weights, so that its two classes keep their
// meaning. When it does not converge, or finds no links, the weights are
// returned unchanged. PriorBits is not estimated: it sets how sure a link
// must be, which is the responder's choice, not the data's.
func (m *Matcher) EstimateWeights(recs []Record) (Weights, Estimate) {
	// Pairs are counted by pattern: the level each field came out at.
	counts := map[string]float64{}
	for _, rec := range recs {
		for _, i := range m.candidates(rec) {
			var pattern []byte
			m.levels(rec, m.reg.Contact(i), func(_ string, lv level, _ func() string) { pattern = append(pattern, byte(lv)) })
			counts[string(pattern)]++
		}
	}
	est := Estimate{Patterns: len(counts)}
	keys := make([]string, 0, len(counts))
	for k, n := range counts {
		keys = append(keys, k)
		est.Pairs += int(n)
	}
	sort.Strings(keys) // sums in a fixed order: the same leak gives the same weights
	if est.Pairs == 0 {
		return m.w, est
	}

	// Start: u from how often each level occurs in its field, m from u and
	// the current weights.
	var seen [numLevels]float64
	var fieldTotal [numFields]float64
	for _, k := range keys {
		for _, lv := range []byte(k) {
			seen[lv] += counts[k]
			fieldTotal[level(lv).field()] += counts[k]
		}
	}
	var mProb, uProb [numLevels]float64
	for l := range numLevels {
		if fieldTotal[l.field()] > 0 {
			uProb[l] = (seen[l] + emPseudoCount) / (fieldTotal[l.field()] + emPseudoCount*float64(levelsOf(l.field())))
			mProb[l] = uProb[l] * math.Exp2(m.weight[l])
		}
	}
	var sum [numFields]float64
	for l := range numLevels {
		sum[l.field()] += mProb[l]
	}
	for l := range numLevels {
		if s := sum[l.field()]; s > 0 {
			mProb[l] /= s
		}
	}
	share := 0.1

	for est.Iterations = 1; est.Iterations <= emMaxIterations; est.Iterations++ {
		// E: the chance that each pattern is a link. M: m and u as the
		// shares of each level among links and among the others.
		var mSum, uSum [numLevels]float64
		var mField, uField [numFields]float64
		var links float64
		for _, k := range keys {
			n := counts[k]
			logRatio := math.Log(share) - math.Log(1-share)
			for _, lv := range []byte(k) {
				logRatio += math.Log(mProb[lv]) - math.Log(uProb[lv])
			}
			g := 1 / (1 + math.Exp(-logRatio))
			links += n * g
			for _, lv := range []byte(k) {
				f := level(lv).field()
				mSum[lv], mField[f] = mSum[lv]+n*g, mField[f]+n*g
				uSum[lv], uField[f] = uSum[lv]+n*(1-g), uField[f]+n*(1-g)
			}
		}
		next := links / float64(est.Pairs)
		change := math.Abs(next - share)
		share = next
		for l := range numLevels {
			f := l.field()
			if fieldTotal[f] == 0 {
				continue
			}
			pseudo := emPseudoCount * float64(levelsOf(f))
			nm, nu := (mSum[l]+emPseudoCount)/(mField[f]+pseudo), (uSum[l]+emPseudoCount)/(uField[f]+pseudo)
			change = max(change, math.Abs(nm-mProb[l]), math.Abs(nu-uProb[l]))
			mProb[l], uProb[l] = nm, nu
		}
		if change < emTolerance {
			est.Converged = true
			break
		}
	}
	est.Iterations = min(est.Iterations, emMaxIterations)
	est.MatchShare = share
	if !est.Converged || share <= 0 || share >= 1 {
		est.Converged = false
		return m.w, est
	}
	w := m.w
	for l := range numLevels {
		if fieldTotal[l.field()] > 0 {
			*w.at(l) = math.Round(min(emMaxWeight, max(emMinWeight, math.Log2(mProb[l]/uProb[l])))*100) / 100
		}
	}
	return w, est
}

// levelsOf counts the levels of field f.
func levelsOf(f int) int {
	n := 0
	for l := range numLevels {
		if l.field() == f {
			n++
		}
	}
	return n
}

// Levels returns w by level name, as findings record the weights used.
func (w Weights) Levels() map[string]float64 {
	out := make(map[string]float64, numLevels)
	for l := range numLevels {
		out[l.String()] = *w.at(l)
	}
	return out
}
