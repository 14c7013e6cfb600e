// Package match links the rows of a leak to the organisation's registry of
// contacts, exactly where it can and fuzzily where it must, and explains
// every link.
package match

// JaroWinkler returns the Jaro–Winkler similarity of a and b, compared rune
// by rune (not byte by byte), with the standard prefix scale of 0.1 over at
// most four runes.
func JaroWinkler(a, b string) float64 {
	if a == b {
		return 1 // the common case when linking: spare the quadratic pass
	}
	// Names are short: their runes and match flags live on the stack.
	var bufA, bufB [48]rune
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	j := jaro(ra, rb)
	prefix := 0
	for prefix < min(4, len(ra), len(rb)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return j + float64(prefix)*0.1*(1-j)
}

// appendRunes appends the runes of s, at most maxCompared of them: Jaro is
// quadratic, and a leaked cell of megabytes must not stall matching.
func appendRunes(dst []rune, s string) []rune {
	for _, r := range s {
		if len(dst) == maxCompared {
			break
		}
		dst = append(dst, r)
	}
	return dst
}

// maxCompared bounds the runes Jaro-Winkler compares.
const maxCompared = 256

func jaro(a, b []rune) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	window := max(len(a), len(b))/2 - 1
	window = max(window, 0)
	var flagsA, flagsB [48]bool
	matchedA, matchedB := flagsA[:0], flagsB[:0]
	if len(a) > len(flagsA) || len(b) > len(flagsB) {
		matchedA, matchedB = make([]bool, 0, len(a)), make([]bool, 0, len(b))
	}
	matchedA, matchedB = matchedA[:len(a)], matchedB[:len(b)]
	matches := 0
	for i := range a {
		lo, hi := max(0, i-window), min(len(b), i+window+1)
		for j := lo; j < hi; j++ {
			if !matchedB[j] && a[i] == b[j] {
				matchedA[i], matchedB[j] = true, true
				matches++
				break
			}
		}
	}
	if matches == 0 {
		return 0
	}
	transpositions, k := 0, 0
	for i := range a {
		if !matchedA[i] {
			continue
		}
		for !matchedB[k] {
			k++
		}
		if a[i] != b[k] {
			transpositions++
		}
		k++
	}
	m := float64(matches)
	return (m/float64(len(a)) + m/float64(len(b)) + (m-float64(transpositions)/2)/m) / 3
}
