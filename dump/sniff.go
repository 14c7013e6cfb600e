package dump

import (
	"encoding/json"
	"strconv"
	"strings"
)

// sniffed is what the first part of a decoded file says about all of it.
type sniffed struct {
	format     Format
	delim      delimiterGuess
	hasHeader  bool
	headerLine int64 // 1-based; 0 without a header
	columns    []string
	multiline  bool // quoted cells span lines
	preview    [][]string
}

const sniffLines = 500

// sniff decides the format of a decoded text from its beginning. complete
// says whether sample is the whole file.
func (r *Reader) sniff(sample string, complete bool) sniffed {
	lines := strings.Split(sample, "\n")
	if !complete && len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last line may be cut
	}
	if len(lines) > sniffLines {
		lines = lines[:sniffLines]
	}
	for i := range lines {
		lines[i] = trimCR(lines[i])
	}
	var content []string // lines that are not blank, comments or separators
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !isSeparatorLine(t) && !isCommentLine(t) {
			content = append(content, l)
		}
	}
	trimmed := strings.TrimLeft(sample, " \t\r\n\ufeff")
	switch {
	case isMySQLXML(trimmed):
		return sniffed{format: FormatMySQLXML}
	case strings.HasPrefix(trimmed, "["):
		return sniffed{format: FormatJSON}
	case strings.HasPrefix(trimmed, "{") && !mixedLines(content):
		if share(content, func(l string) bool { return json.Valid([]byte(strings.TrimSpace(l))) }) >= 0.8 {
			return sniffed{format: FormatNDJSON, columns: ndjsonKeys(content)}
		}
		return sniffed{format: FormatJSON}
	case isVCard(trimmed):
		return sniffed{format: FormatVCard}
	case isLDIF(content):
		return sniffed{format: FormatLDIF}
	case r.k.isSQL(sample):
		return sniffed{format: FormatSQL}
	case isPsql(lines):
		return sniffed{format: FormatPsql}
	}
	if len(content) == 0 {
		return sniffed{format: FormatText, columns: []string{"text"}}
	}
	if len(content) >= 2 && share(content, isCombo) >= 0.9 {
		return sniffed{format: FormatCombolist, columns: []string{"login", "password"}}
	}
	if kv, keys := r.k.keyValueShare(lines); kv >= 0.6 && keys > 0 {
		return sniffed{format: FormatKeyValue}
	}
	if g, ok := guessDelimiter(content); ok {
		return r.sniffDelimited(lines, g)
	}
	return sniffed{format: FormatText, columns: []string{"text"}}
}

func (r *Reader) sniffDelimited(lines []string, g delimiterGuess) sniffed {
	s := sniffed{format: FormatDelimited, delim: g}
	parse := delimitedParser(g.delim, g.columns, 0)
	var first []string
	var firstLine int64
	var rest [][]string
	for i, l := range lines {
		cells, balanced := splitDelimited(l, g.delim, nil)
		if !balanced && closesLater(lines[i:], g.delim) {
			s.multiline = true
		}
		if parse(0, int64(i+1), l, nil).skip {
			continue
		}
		if first == nil {
			first, firstLine = cells, int64(i+1)
			continue
		}
		rest = append(rest, cells)
	}
	if first != nil && r.k.looksLikeHeader(first, rest[:min(len(rest), 50)]) {
		s.hasHeader, s.headerLine = true, firstLine
		s.columns = make([]string, len(first))
		for i, c := range first {
			s.columns[i], _ = cleanCell(c)
		}
	} else {
		s.columns = numberedColumns(g.columns)
		if first != nil {
			rest = append([][]string{first}, rest...)
		}
	}
	for _, cells := range rest {
		for i, c := range cells {
			cells[i], _ = cleanCell(c)
		}
	}
	s.preview = rest
	return s
}

// closesLater reports whether a quote left open on the first line closes
// within the next few lines: a cell that spans lines, not a stray quote.
func closesLater(lines []string, delim string) bool {
	joined := lines[0]
	for _, l := range lines[1:min(len(lines), 20)] {
		joined += "\n" + l
		if _, balanced := splitDelimited(joined, delim, nil); balanced {
			return true
		}
	}
	return false
}

func numberedColumns(n int) []string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = "column " + strconv.Itoa(i+1)
	}
	return cols
}

func share(lines []string, test func(string) bool) float64 {
	if len(lines) == 0 {
		return 0
	}
	n := 0
	for _, l := range lines {
		if test(l) {
			n++
		}
	}
	return float64(n) / float64(len(lines))
}

// isCombo recognises combolist lines: a login, one separator, a password
// with no spaces.
func isCombo(l string) bool {
	l = strings.TrimSpace(l)
	i := strings.IndexAny(l, ":;|")
	if i <= 0 || i == len(l)-1 || strings.ContainsAny(l, " \t") {
		return false
	}
	login := l[:i]
	if at := strings.IndexByte(login, '@'); at > 0 {
		return isEmail(login)
	}
	// user:pass without an e-mail: a plain login, a colon, and no other
	// separator; "name;email" is a header, not a login.
	return l[i] == ':' && len(login) >= 3 && !strings.ContainsAny(l[i+1:], ":;|") && !strings.ContainsAny(login, ".,")
}

func (k *knowledge) isSQL(sample string) bool {
	head := sample
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	return k.sqlStart.MatchString(head) && (k.insertValues.MatchString(head) || k.copyFrom.MatchString(head) || k.createTable.MatchString(head))
}

// keyValueShare is the share of non-blank lines that read "Key: value", and
// how many keys repeat: records of key-value blocks repeat their keys.
func (k *knowledge) keyValueShare(lines []string) (float64, int) {
	counts := map[string]int{}
	n, kv := 0, 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n++
		if m := k.keyValueLine.FindStringSubmatch(l); m != nil && !strings.Contains(m[1], "@") {
			kv++
			counts[strings.ToLower(strings.TrimSpace(m[1]))]++
		}
	}
	repeated := 0
	for _, c := range counts {
		if c >= 2 {
			repeated++
		}
	}
	if n == 0 || len(counts) > 40 {
		return 0, 0
	}
	return float64(kv) / float64(n), repeated
}

// mixedLines reports lines of which the first is a whole JSON object but
// most are not JSON: a dump of mixed lines that happens to start with one,
// not a JSON document.
func mixedLines(content []string) bool {
	isJSON := func(l string) bool { return json.Valid([]byte(strings.TrimSpace(l))) }
	return len(content) > 1 && isJSON(content[0]) && share(content, isJSON) < 0.5
}
