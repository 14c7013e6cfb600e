package trace_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testenv"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/trace"
)

// registry is a sample registry as the export command reads it.
type registry struct {
	header []string
	roles  []dump.Role
	rows   [][]string
}

func sampleRegistry(t *testing.T, seed uint64) registry {
	t.Helper()
	s, err := sample.Generate(sample.Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.RegistryCSV()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := registry{header: rows[0], rows: rows[1:]}
	for _, cr := range reader.InferRoles(&dump.Table{Columns: r.header}, r.rows[:min(300, len(r.rows))], nil) {
		r.roles = append(r.roles, cr.Role)
	}
	return r
}

// table is an export as a leaker sees it, with which rows are decoys.
type table struct {
	col   map[string]int
	rows  [][]string
	decoy []bool
}

// leakerFilter is a filter a leaker could write to strip decoys: it
// returns the rows it removes.
type leakerFilter struct {
	name   string
	remove func(n *match.Normaliser, t table) []bool
}

var leakerFilters = []leakerFilter{
	{"e-mail domain serving several organisations", func(n *match.Normaliser, t table) []bool {
		orgs := map[string]map[string]bool{}
		for _, r := range t.rows {
			d := domainOf(n, r[t.col["email"]])
			if orgs[d] == nil {
				orgs[d] = map[string]bool{}
			}
			orgs[d][n.Org(r[t.col["organisation"]])] = true
		}
		return each(t, func(r []string) bool { return len(orgs[domainOf(n, r[t.col["email"]])]) > 1 })
	}},
	{"e-mail domain of fewer than 3 rows", func(n *match.Normaliser, t table) []bool {
		size := domainSizes(n, t)
		return each(t, func(r []string) bool { return size[domainOf(n, r[t.col["email"]])] < 3 })
	}},
	{"e-mail domain larger than 9 in 10 domains", func(n *match.Normaliser, t table) []bool {
		size := domainSizes(n, t)
		var sizes []int
		for _, s := range size {
			sizes = append(sizes, s)
		}
		sort.Ints(sizes)
		p90 := sizes[len(sizes)*9/10]
		return each(t, func(r []string) bool { return size[domainOf(n, r[t.col["email"]])] > p90 })
	}},
	{"contact ID not of the usual shape", func(_ *match.Normaliser, t table) []bool { return offShape(t, "contact_id") }},
	{"organisation ID not of the usual shape", func(_ *match.Normaliser, t table) []bool { return offShape(t, "org_id") }},
	{"contact ID in the top 5% of the sequence", func(_ *match.Normaliser, t table) []bool {
		var ids []int
		for _, r := range t.rows {
			ids = append(ids, idNumber(r[t.col["contact_id"]]))
		}
		sort.Ints(ids)
		cut := ids[len(ids)*95/100]
		return each(t, func(r []string) bool { return idNumber(r[t.col["contact_id"]]) > cut })
	}},
	{"phone equal to mobile, or shared with another row", func(n *match.Normaliser, t table) []bool {
		count := map[string]int{}
		for _, r := range t.rows {
			for _, c := range []string{"phone", "mobile"} {
				if e, ok := n.Phone(r[t.col[c]]); ok {
					count[e]++
				}
			}
		}
		return each(t, func(r []string) bool {
			p, _ := n.Phone(r[t.col["phone"]])
			m, _ := n.Phone(r[t.col["mobile"]])
			return p != "" && (p == m || count[p] > 1) || m != "" && count[m] > 1
		})
	}},
	{"country other than the phone's", func(n *match.Normaliser, t table) []bool {
		return each(t, func(r []string) bool {
			for _, c := range []string{"phone", "mobile"} {
				if e, ok := n.Phone(r[t.col[c]]); ok {
					num, _ := phonenumbers.Parse(e, "")
					if phonenumbers.GetRegionCodeForNumber(num) != r[t.col["country"]] {
						return true
					}
				}
			}
			return false
		})
	}},
	{"mobile column holding no mobile number", func(n *match.Normaliser, t table) []bool {
		return each(t, func(r []string) bool {
			e, ok := n.Phone(r[t.col["mobile"]])
			num, _ := phonenumbers.Parse(e, "")
			return ok && phonenumbers.GetNumberType(num) != phonenumbers.MOBILE
		})
	}},
	{"e-mail carrying the ID's number", func(n *match.Normaliser, t table) []bool {
		return each(t, func(r []string) bool {
			e, _ := n.Email(r[t.col["email"]])
			return strings.Contains(e, strconv.Itoa(idNumber(r[t.col["contact_id"]])))
		})
	}},
	{"e-mail naming someone else than the row", func(n *match.Normaliser, t table) []bool {
		return each(t, func(r []string) bool {
			e, _ := n.Email(r[t.col["email"]])
			local, _, _ := strings.Cut(e, "@")
			for _, tok := range match.NameTokens(r[t.col["last_name"]]) {
				if strings.Contains(local, tok) {
					return false
				}
			}
			return true
		})
	}},
}

func each(t table, f func([]string) bool) []bool {
	out := make([]bool, len(t.rows))
	for i, r := range t.rows {
		out[i] = f(r)
	}
	return out
}

func domainOf(n *match.Normaliser, v string) string {
	e, _ := n.Email(v)
	_, d, _ := strings.Cut(e, "@")
	return d
}

func domainSizes(n *match.Normaliser, t table) map[string]int {
	size := map[string]int{}
	for _, r := range t.rows {
		size[domainOf(n, r[t.col["email"]])]++
	}
	return size
}

var digitsRun = regexp.MustCompile(`\d+`)

func idNumber(id string) int {
	n, _ := strconv.Atoi(digitsRun.FindString(id))
	return n
}

// idShapeOf writes an ID with its digits as 9s and its letters as A: the
// shape a leaker would group by.
func idShapeOf(id string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return '9'
		case r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z':
			return 'A'
		}
		return r
	}, id)
}

func offShape(t table, column string) []bool {
	count := map[string]int{}
	for _, r := range t.rows {
		count[idShapeOf(r[t.col[column]])]++
	}
	usual, best := "", 0
	for s, n := range count {
		if n > best {
			usual, best = s, n
		}
	}
	return each(t, func(r []string) bool { return idShapeOf(r[t.col[column]]) != usual })
}

// TestDecoysCannotBeFilteredOut makes exports of several sample registries
// and runs the filters a leaker would write to strip decoys. Each filter
// must remove about the same share of decoys as of real rows: the shares
// may differ by three standard errors of the decoys' share, plus 5 points.
func TestDecoysCannotBeFilteredOut(t *testing.T) {
	testenv.SkipUnderRace(t)
	n := match.NewNormaliser("FR")
	removed := make([][2]int, len(leakerFilters)) // decoys, real rows
	var decoys, reals int
	for _, seed := range []uint64{1, 2, 3} {
		reg := sampleRegistry(t, seed)
		code, _ := trace.NewCode(bytes.Repeat([]byte{byte(seed + 40)}, 32))
		marker := trace.NewMarker(code, n)
		realIDs := map[string]bool{}
		for _, r := range reg.rows {
			realIDs[r[0]] = true
		}
		for e := range 4 {
			b, err := marker.BuildExport(reg.header, reg.roles, reg.rows, trace.ExportSpec{ID: fmt.Sprintf("FX-%d-%d", seed, e), Decoys: testDecoys})
			if err != nil {
				t.Fatal(err)
			}
			tb := table{col: map[string]int{}, rows: b.Rows}
			for i, h := range b.Header {
				tb.col[h] = i
			}
			byEmail := map[string]bool{}
			for _, d := range b.Pool {
				byEmail[d.Email] = true
			}
			for _, r := range b.Rows {
				e, _ := n.Email(r[tb.col["email"]])
				isDecoy := byEmail[e]
				tb.decoy = append(tb.decoy, isDecoy)
				if isDecoy && realIDs[r[tb.col["contact_id"]]] {
					t.Fatalf("decoy %v has the ID of a real contact", r)
				}
			}
			for k, f := range leakerFilters {
				for i, gone := range f.remove(n, tb) {
					if gone && tb.decoy[i] {
						removed[k][0]++
					} else if gone {
						removed[k][1]++
					}
				}
			}
			decoys += b.Decoys
			reals += b.Real
		}
	}
	if decoys < 100 {
		t.Fatalf("only %d decoys in the exports", decoys)
	}
	for k, f := range leakerFilters {
		d, r := float64(removed[k][0])/float64(decoys), float64(removed[k][1])/float64(reals)
		tolerance := 3*math.Sqrt(max(r*(1-r), 0.01)/float64(decoys)) + 0.05
		t.Logf("%-50s removes %5.1f%% of %d decoys, %5.1f%% of %d real rows", f.name, 100*d, decoys, 100*r, reals)
		if math.Abs(d-r) > tolerance {
			t.Errorf("%s tells decoys apart: it removes %.1f%% of decoys and %.1f%% of real rows", f.name, 100*d, 100*r)
		}
	}
}

// TestDecoysAgreeWithThemselves checks each decoy of a pool: valid and
// distinct numbers of its country's ranges, a mobile number in the mobile
// cell, no address or number of a real contact, and IDs of the registry's
// format that no real row holds.
func TestDecoysAgreeWithThemselves(t *testing.T) {
	reg := sampleRegistry(t, 5)
	code, _ := trace.NewCode(bytes.Repeat([]byte{9}, 32))
	n := match.NewNormaliser("FR")
	pool, err := trace.NewMarker(code, n).DecoyPool(testDecoys, reg.roles, reg.rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(pool) != testDecoys.Pool {
		t.Fatalf("pool of %d decoys, want %d", len(pool), testDecoys.Pool)
	}
	real := map[string]bool{}
	for _, r := range reg.rows {
		for _, v := range r {
			real[strings.ToLower(v)] = true
		}
	}
	seen := map[string]bool{}
	orgOf := map[string]string{}
	for _, d := range pool {
		row := d.Row
		if real[row[0]] || !regexp.MustCompile(`^C-\d{5}$`).MatchString(row[0]) || !regexp.MustCompile(`^ORG-\d{4}$`).MatchString(row[1]) {
			t.Errorf("decoy IDs %s, %s: want free IDs of the registry's format", row[0], row[1])
		}
		if o, ok := orgOf[row[1]]; ok && o != row[2] || real[strings.ToLower(row[1])] {
			t.Errorf("decoy organisation ID %s is another organisation's", row[1])
		}
		orgOf[row[1]] = row[2]
		for _, v := range []string{d.Email, d.Phone, d.Mobile} {
			if v != "" && (seen[v] || real[strings.ToLower(v)]) {
				t.Errorf("decoy value %s repeats another decoy's or a real one", v)
			}
			seen[v] = true
		}
		for _, c := range []int{7, 8} {
			if row[c] == "" {
				continue
			}
			e, ok := n.Phone(row[c])
			num, _ := phonenumbers.Parse(e, "")
			if !ok || phonenumbers.GetRegionCodeForNumber(num) != row[9] || !slices.ContainsFunc(testDecoys.PhoneRanges, func(p string) bool { return strings.HasPrefix(e, p) }) {
				t.Errorf("decoy %s: number %s is not of the ranges of %s", d.Email, row[c], row[9])
			}
			if c == 8 && phonenumbers.GetNumberType(num) != phonenumbers.MOBILE {
				t.Errorf("decoy %s: mobile %s is not a mobile number", d.Email, row[c])
			}
		}
		if d.Phone != "" && d.Phone == d.Mobile {
			t.Errorf("decoy %s: phone and mobile are the same", d.Email)
		}
	}
}
