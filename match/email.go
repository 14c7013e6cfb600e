package match

import (
	"strings"
	"unicode/utf8"
)

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
