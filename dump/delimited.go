package dump

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitDelimited splits one line at delim, honouring double quotes, and
// trims spaces around cells. It reports false when a quote opened on this
// line is not closed on it.
func splitDelimited(line, delim string, out []string) ([]string, bool) {
	if strings.IndexByte(line, '"') < 0 {
		return splitLiteral(line, delim, out), true
	}
	for {
		trimmed := strings.TrimLeft(line, " \t")
		if !strings.HasPrefix(trimmed, `"`) {
			i := strings.Index(line, delim)
			if i < 0 {
				return append(out, trimCell(line)), true
			}
			out = append(out, trimCell(line[:i]))
			line = line[i+len(delim):]
			continue
		}
		cell, rest, ok := readQuoted(trimmed[1:])
		if !ok {
			// A quote that never closes is a stray: split the rest literally
			// rather than swallow it into one cell.
			return splitLiteral(strings.TrimPrefix(trimmed, `"`), delim, out), false
		}
		out = append(out, cell)
		i := strings.Index(rest, delim)
		if i < 0 {
			return out, true
		}
		line = rest[i+len(delim):]
	}
}

// splitLiteral splits at every delim, with no quoting.
func splitLiteral(line, delim string, out []string) []string {
	for {
		i := strings.Index(line, delim)
		if i < 0 {
			return append(out, trimCell(line))
		}
		out = append(out, trimCell(line[:i]))
		line = line[i+len(delim):]
	}
}

// trimCell trims ASCII spaces around a cell; the common cell has none, and
// the test is two byte comparisons.
func trimCell(s string) string {
	if len(s) > 0 && (s[0] <= ' ' || s[len(s)-1] <= ' ') {
		return strings.TrimSpace(s)
	}
	return s
}

// readQuoted reads a quoted cell whose opening quote is already consumed.
func readQuoted(s string) (cell, rest string, ok bool) {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return "", "", false
		}
		if i+1 < len(s) && s[i+1] == '"' {
			b.WriteString(s[:i+1])
			s = s[i+2:]
			continue
		}
		if b.Len() == 0 {
			return s[:i], s[i+1:], true
		}
		b.WriteString(s[:i])
		return b.String(), s[i+1:], true
	}
}

// countFields counts cells the way splitDelimited splits them, without
// keeping them.
func countFields(line, delim string) int {
	if strings.IndexByte(line, '"') < 0 {
		return strings.Count(line, delim) + 1
	}
	var scratch [64]string
	cells, _ := splitDelimited(line, delim, scratch[:0])
	return len(cells)
}

// isSeparatorLine reports lines made only of punctuation and spaces, such
// as "=====" or "-----+-----", which frame pastes.
func isSeparatorLine(s string) bool {
	seen := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case unicode.IsPunct(r) || unicode.IsSymbol(r):
			seen = true
		default:
			return false
		}
	}
	return seen
}

// isCommentLine reports lines that dumps and pastes use for comments.
func isCommentLine(s string) bool {
	s = trimCell(s)
	return strings.HasPrefix(s, "#") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "--") || strings.HasPrefix(s, ";;")
}

// delimitedParser returns the line parser for a delimited table. headerLine
// is the line holding the header, or 0.
func delimitedParser(delim string, columns int, headerLine int64) lineParser {
	return func(_ int, lineNo int64, line string, scratch []string) lineRow {
		if lineNo == headerLine || trimCell(line) == "" || isSeparatorLine(line) {
			return lineRow{skip: true}
		}
		cells, balanced := splitDelimited(line, delim, scratch)
		if len(cells) == 1 && columns > 1 {
			return lineRow{cells: cells, skip: true} // banner or footer text
		}
		if len(cells) != columns {
			if isCommentLine(line) {
				return lineRow{cells: cells, skip: true}
			}
			return lineRow{cells: cells, irregular: "expected " + strconv.Itoa(columns) + " cells, found " + strconv.Itoa(len(cells))}
		}
		if !balanced {
			return lineRow{cells: cells, irregular: "a quote opens and never closes; read as text"}
		}
		return lineRow{cells: cells}
	}
}

// delimiterGuess is the delimiter that splits a sample most consistently.
type delimiterGuess struct {
	delim       string
	display     string // as reported: " | " for space-padded pipes
	columns     int
	consistency float64 // share of lines with that many cells
}

func guessDelimiter(lines []string) (delimiterGuess, bool) {
	var best delimiterGuess
	for _, delim := range []string{"\t", ";", "|", ",", "||", "::"} {
		counts := map[int]int{}
		total := 0
		for _, l := range lines {
			if trimCell(l) == "" || isSeparatorLine(l) {
				continue
			}
			total++
			counts[countFields(l, delim)]++
		}
		mode, modeCount := 0, 0
		for n, c := range counts {
			if n >= 2 && (c > modeCount || c == modeCount && n > mode) {
				mode, modeCount = n, c
			}
		}
		if mode < 2 || total == 0 {
			continue
		}
		g := delimiterGuess{delim: delim, display: delim, columns: mode, consistency: float64(modeCount) / float64(total)}
		if g.consistency > best.consistency+0.02 || (g.consistency > best.consistency-0.02 && g.columns > best.columns && best.delim != "") {
			best = g
		}
	}
	// Two cells per line is a weak sign (any comma in prose makes two), so
	// it needs more consistent lines than a wider table.
	if need := map[bool]float64{true: 0.8, false: 0.6}[best.columns == 2]; best.delim == "" || best.consistency < need {
		return best, false
	}
	// "||" splits like "|" with empty cells between; prefer the double form
	// only when every pipe is doubled.
	if best.delim == "|" && spacedEverywhere(lines, "|") {
		best.display = " | "
	}
	return best, true
}

// spacedEverywhere reports whether delim always has spaces on both sides.
func spacedEverywhere(lines []string, delim string) bool {
	n, spaced := 0, 0
	for _, l := range lines {
		for i := strings.Index(l, delim); i >= 0; {
			n++
			if i > 0 && l[i-1] == ' ' && i+len(delim) < len(l) && l[i+len(delim)] == ' ' {
				spaced++
			}
			next := strings.Index(l[i+len(delim):], delim)
			if next < 0 {
				break
			}
			i += len(delim) + next
		}
	}
	return n > 0 && spaced*10 >= n*9
}

// looksLikeValue reports cells that a header would not hold.
func looksLikeValue(s string) bool {
	if strings.ContainsRune(s, '@') || strings.Contains(s, "://") {
		return true
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 4
}

// looksLikeHeader decides whether the first record names the columns.
func (k *knowledge) looksLikeHeader(first []string, rest [][]string) bool {
	known, text := 0, 0
	for _, c := range first {
		if looksLikeValue(c) {
			return false
		}
		if k.headerRole(c) != "" {
			known++
		}
		if c != "" && utf8.RuneCountInString(c) <= 40 {
			text++
		}
	}
	if known > 0 && known*3 >= len(first) {
		return true
	}
	// Values below but words on top: a header in a language we do not know.
	valueBelow := 0
	for i, c := range first {
		if c == "" || looksLikeValue(c) {
			continue
		}
		for _, r := range rest {
			if i < len(r) && looksLikeValue(r[i]) {
				valueBelow++
				break
			}
		}
	}
	return text == len(first) && valueBelow > 0 && known > 0 || text == len(first) && valueBelow*2 >= len(first)
}
