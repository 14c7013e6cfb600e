package trace

import (
	"regexp"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Filter keeps the rows of an export whose cell in one column passes a
// test. Comparisons ignore case and the spaces around a cell.
//
//	COLUMN=VALUE    the whole cell is VALUE
//	COLUMN!=VALUE   it is not
//	COLUMN~TEXT     the cell contains TEXT
//	COLUMN!~TEXT    it does not
//	COLUMN=~REGEXP  the cell matches the regular expression (RE2 syntax)
//	COLUMN!=~REGEXP it does not
type Filter struct {
	Expr   string // as written
	Column int
	op     string
	value  string
	re     *regexp.Regexp
}

// whereOps are the operators, longest first where one begins another.
var whereOps = []string{"!=~", "=~", "!=", "!~", "=", "~"}

// ParseWhere reads filters against the columns of header.
func ParseWhere(header []string, exprs []string) ([]Filter, error) {
	out := make([]Filter, 0, len(exprs))
	for _, expr := range exprs {
		at := strings.IndexAny(expr, "=!~")
		if at < 1 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "--where %q: want COLUMN=VALUE, COLUMN!=VALUE, COLUMN~TEXT, COLUMN!~TEXT, COLUMN=~REGEXP or COLUMN!=~REGEXP", expr)
		}
		f := Filter{Expr: expr, Column: ColumnIndex(header, expr[:at])}
		for _, op := range whereOps {
			if strings.HasPrefix(expr[at:], op) {
				f.op, f.value = op, strings.TrimSpace(expr[at+len(op):])
				break
			}
		}
		if f.op == "" {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "--where %q: no operator; want =, !=, ~, !~, =~ or !=~", expr)
		}
		if f.Column < 0 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "--where %q: no column %q; the columns are %s", expr, strings.TrimSpace(expr[:at]), strings.Join(header, ", "))
		}
		if strings.HasSuffix(f.op, "=~") {
			re, err := regexp.Compile("(?i)" + f.value)
			if err != nil {
				return nil, leakdesk.Errorf(leakdesk.EINVALID, "--where %q: %v", expr, err)
			}
			f.re = re
		}
		out = append(out, f)
	}
	return out, nil
}

// ColumnIndex finds a column by its header, ignoring case and spaces, or -1.
func ColumnIndex(header []string, name string) int {
	return slices.IndexFunc(header, func(h string) bool { return strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) })
}

// Keep reports whether row passes the filter.
func (f Filter) Keep(row []string) bool {
	v := ""
	if f.Column < len(row) {
		v = strings.TrimSpace(row[f.Column])
	}
	switch f.op {
	case "=":
		return strings.EqualFold(v, f.value)
	case "!=":
		return !strings.EqualFold(v, f.value)
	case "~":
		return strings.Contains(strings.ToLower(v), strings.ToLower(f.value))
	case "!~":
		return !strings.Contains(strings.ToLower(v), strings.ToLower(f.value))
	case "=~":
		return f.re.MatchString(v)
	default: // "!=~"
		return !f.re.MatchString(v)
	}
}

// KeepAll reports whether row passes every filter.
func KeepAll(filters []Filter, row []string) bool {
	for _, f := range filters {
		if !f.Keep(row) {
			return false
		}
	}
	return true
}

// FilterCount is what one filter does to the rows: how many it keeps alone,
// and how many are left after it and the filters before it.
type FilterCount struct {
	Filter string `json:"filter"`
	Keeps  int    `json:"keeps"`
	Left   int    `json:"left"`
}

// Preview counts, for each filter, the rows it keeps out of rows.
func Preview(filters []Filter, rows [][]string) []FilterCount {
	out := make([]FilterCount, len(filters))
	left := slices.Clone(rows)
	for i, f := range filters {
		out[i].Filter = f.Expr
		for _, r := range rows {
			if f.Keep(r) {
				out[i].Keeps++
			}
		}
		left = slices.DeleteFunc(left, func(r []string) bool { return !f.Keep(r) })
		out[i].Left = len(left)
	}
	return out
}
