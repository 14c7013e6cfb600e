package trace

import (
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// ExportSpec says what a fingerprinted export holds.
type ExportSpec struct {
	ID      string   // the export's ID, which seeds its codeword
	Where   []Filter // rows kept, real and decoy alike
	Columns []string // columns kept, by header; none: all
	Decoys  DecoyConfig
	// Place returns where a decoy goes among n rows, in [0, n]; by default
	// anywhere, at random.
	Place func(n int) int
}

// Built is an export ready to write.
type Built struct {
	Header    []string
	Rows      [][]string // real and decoy rows, marked
	Real      int        // real rows among them
	Decoys    int        // decoy rows among them
	Positions []string   // every position of the code the export received
	Pool      []Decoy    // the decoys it could carry: those that pass its filter
}

// BuildExport makes the export spec asks for from a registry's header,
// column roles and rows, which it does not change. The decoy pool is drawn
// from the whole registry, so that every export of it shares the pool, and
// a decoy is eligible only where it passes the export's filter, as a real
// row would.
func (m *Marker) BuildExport(header []string, roles []dump.Role, rows [][]string, spec ExportSpec) (*Built, error) {
	var pool []Decoy
	if len(spec.Decoys.Domains) > 0 {
		var err error
		if pool, err = m.DecoyPool(spec.Decoys, roles, rows); err != nil {
			return nil, err
		}
	}
	var out [][]string
	for _, r := range rows {
		if KeepAll(spec.Where, r) {
			out = append(out, slices.Clone(r))
		}
	}
	if len(out) == 0 {
		var exprs []string
		for _, f := range spec.Where {
			exprs = append(exprs, f.Expr)
		}
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "no row of the registry passes --where %s", strings.Join(exprs, " "))
	}
	b := &Built{Real: len(out)}
	for _, d := range pool {
		if KeepAll(spec.Where, d.Row) {
			b.Pool = append(b.Pool, d)
		}
	}
	decoyRows, decoyPositions := m.DecoyRows(spec.ID, b.Pool)
	b.Decoys = len(decoyRows)
	place := spec.Place
	if place == nil {
		place = func(n int) int { return rand.IntN(n + 1) }
	}
	for _, row := range decoyRows {
		out = slices.Insert(out, place(len(out)), row)
	}
	header, out, roles, err := pickColumns(header, out, roles, spec.Columns)
	if err != nil {
		return nil, err
	}
	b.Header, b.Rows = header, out
	b.Positions = append(m.Mark(spec.ID, roles, out), decoyPositions...)
	return b, nil
}

// pickColumns keeps the columns named, in that order.
func pickColumns(header []string, rows [][]string, roles []dump.Role, columns []string) ([]string, [][]string, []dump.Role, error) {
	if len(columns) == 0 {
		return header, rows, roles, nil
	}
	var idx []int
	for _, c := range columns {
		i := ColumnIndex(header, c)
		if i < 0 {
			return nil, nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "--columns: no column %q in %s", c, strings.Join(header, ", "))
		}
		idx = append(idx, i)
	}
	pick := func(r []string) []string {
		out := make([]string, len(idx))
		for j, i := range idx {
			if i < len(r) {
				out[j] = r[i]
			}
		}
		return out
	}
	newRoles := make([]dump.Role, len(idx))
	for j, i := range idx {
		if i < len(roles) {
			newRoles[j] = roles[i]
		}
	}
	for k, r := range rows {
		rows[k] = pick(r)
	}
	return pick(header), rows, newRoles, nil
}
