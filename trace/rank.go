package trace

import (
	"fmt"
	"path/filepath"
	"slices"
)

// decisiveRows is how many more leaked rows one candidate must explain
// alone than another for the values to decide between them. Each such row
// makes it at least probSame/probAbsent (about 18) times likelier, so three
// give a likelihood ratio above 1,000 before the size term.
const decisiveRows = 3

// rank orders the candidates, best first, and numbers them.
//
// Readable candidates come before unreadable ones, and those that can be
// the whole source before those lacking a field the leak mostly carries.
// Within each group, values decide before the score: the size term,
// log C(n, k), holds for a leaker who drew rows at random, and one who kept
// the rows of one kind (one country, public bodies) drew nothing at random,
// so a larger export must not lose on size to one whose values the leak
// does not carry. A candidate is ranked next when no remaining candidate of
// its group explains decisiveRows more leaked rows alone; among those, the
// best score goes first.
func rank(cands []Candidate) {
	// alone[i][j] counts the leaked rows that cands[i] holds with the
	// leak's values and cands[j] does not: it lacks them, or holds others.
	alone := make([][]int, len(cands))
	for i := range cands {
		alone[i] = make([]int, len(cands))
		for j := range cands {
			for row := range cands[i].same {
				if !cands[j].same[row] {
					alone[i][j]++
				}
			}
		}
	}
	// beater returns the candidate of rest, in i's group, that explains
	// the most leaked rows alone against i if that is decisive, or -1.
	beater := func(i int, rest []int) int {
		by := -1
		for _, j := range rest {
			margin := alone[j][i] - alone[i][j]
			if cands[j].group() == cands[i].group() && margin >= decisiveRows && (by < 0 || margin > alone[by][i]-alone[i][by]) {
				by = j
			}
		}
		return by
	}
	rest := make([]int, len(cands))
	for i := range rest {
		rest[i] = i
	}
	var order []int
	explained := map[int]bool{}
	for len(rest) > 0 {
		group := cands[slices.MinFunc(rest, func(i, j int) int { return cands[i].group() - cands[j].group() })].group()
		next, byScore := -1, -1
		for _, i := range rest {
			if cands[i].group() != group {
				continue
			}
			if byScore < 0 || cands[i].Score > cands[byScore].Score {
				byScore = i
			}
			if beater(i, rest) < 0 && (next < 0 || cands[i].Score > cands[next].Score) {
				next = i
			}
		}
		if next < 0 { // the values go round in a circle: the score decides
			next = byScore
		}
		if by := beater(byScore, rest); by >= 0 && next != byScore && !explained[byScore] {
			explained[byScore] = true
			cands[byScore].Evidence = append(cands[byScore].Evidence, fmt.Sprintf(
				"ranked below %s despite a better score: %d leaked rows carry values that it holds and this file does not, %d the other way; the size term in the score assumes rows drawn at random",
				filepath.Base(cands[by].File), alone[by][byScore], alone[byScore][by]))
		}
		order = append(order, next)
		rest = slices.DeleteFunc(rest, func(i int) bool { return i == next })
	}
	ranked := make([]Candidate, len(cands))
	for r, i := range order {
		ranked[r] = cands[i]
		ranked[r].Rank = r + 1
	}
	copy(cands, ranked)
}

// group is a candidate's tier: those that can be the whole source, those
// that cannot, and those that could not be read.
func (c *Candidate) group() int {
	switch {
	case c.Error != "":
		return 2
	case !c.whole():
		return 1
	}
	return 0
}
