// Package match links the rows of a leak to the organisation's registry of
// contacts, exactly where it can and fuzzily where it must, and explains
// every link.
package match

// JaroWinkler returns the Jaro–Winkler similarity of a and b, compared rune
// by rune (not byte by byte), with the standard prefix scale of 0.1 over at
// most four runes.
func JaroWinkler(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	// Jaro is quadratic; names are short, and a leaked cell of megabytes
	// must not stall matching. Past maxCompared runes, the rest is ignored.
	ra, rb = ra[:min(len(ra), maxCompared)], rb[:min(len(rb), maxCompared)]
	j := jaro(ra, rb)
	prefix := 0
	for prefix < min(4, len(ra), len(rb)) && ra[prefix] == rb[prefix] {
		prefix++
	}
	return j + float64(prefix)*0.1*(1-j)
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
	matchedA := make([]bool, len(a))
	matchedB := make([]bool, len(b))
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
