package trace_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testenv"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/trace"
)

// fixture is one registry of 1,000 contacts, exported with fingerprints to
// 20 recipients.
type fixture struct {
	t        *testing.T
	code     *trace.Code
	marker   *trace.Marker
	reader   *dump.Reader
	header   []string
	exports  map[string][][]string // rows as each recipient got them
	recorded []trace.RecordedExport
	decoys   []trace.Decoy
}

func newFixture(t *testing.T, seed uint64, recipients int) *fixture {
	t.Helper()
	s, err := sample.Generate(sample.Config{Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.WriteContactsCSV(&buf, 1000); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	header, body := rows[0], rows[1:]
	var roles []dump.Role
	for _, cr := range reader.InferRoles(&dump.Table{Columns: header}, body[:300], nil) {
		roles = append(roles, cr.Role)
	}
	key := bytes.Repeat([]byte{byte(seed)}, 32)
	code, err := trace.NewCode(key)
	if err != nil {
		t.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	f := &fixture{t: t, code: code, marker: trace.NewMarker(code, n), reader: reader, header: header, exports: map[string][][]string{}}
	for r := range recipients {
		id := fmt.Sprintf("FX-%04d", r+1)
		k := 0
		// Decoys go among the real rows, not at the end.
		place := func(n int) int { k++; return (k*131 + r*17) % (n + 1) }
		b, err := f.marker.BuildExport(header, roles, body, trace.ExportSpec{ID: id, Decoys: testDecoys, Place: place})
		if err != nil {
			t.Fatal(err)
		}
		f.decoys = b.Pool
		f.exports[id] = b.Rows
		f.recorded = append(f.recorded, trace.RecordedExport{ID: id, Recipient: fmt.Sprintf("recipient-%02d", r+1), Positions: b.Positions})
	}
	return f
}

// testDecoys are four domains and four ranges, fixed and mobile, in two
// countries of the sample.
var testDecoys = trace.DecoyConfig{
	Domains:     []string{"vernier-conseil.fr", "atelier-moreau.fr", "bellanger-industrie.fr", "hartmann-technik.de"},
	PhoneRanges: []string{"+3342299", "+3376490", "+4930901", "+49176901"},
	Pool:        trace.DefaultDecoyPool,
}

// leak is a leaked table: a header and rows.
type leak struct {
	header []string
	rows   [][]string
}

func (f *fixture) copyOf(id string) leak {
	rows := make([][]string, len(f.exports[id]))
	for i, r := range f.exports[id] {
		rows[i] = slices.Clone(r)
	}
	return leak{header: slices.Clone(f.header), rows: rows}
}

// keep keeps a share of the rows, shuffled.
func (l leak) keep(rng *rand.Rand, share float64) leak {
	rng.Shuffle(len(l.rows), func(i, j int) { l.rows[i], l.rows[j] = l.rows[j], l.rows[i] })
	l.rows = l.rows[:max(1, int(share*float64(len(l.rows))))]
	return l
}

// reshape reorders the columns and drops those named.
func (l leak) reshape(rng *rand.Rand, drop ...string) leak {
	var order []int
	for i, h := range l.header {
		if !slices.Contains(drop, h) {
			order = append(order, i)
		}
	}
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	pick := func(r []string) []string {
		out := make([]string, len(order))
		for i, c := range order {
			out[i] = r[c]
		}
		return out
	}
	out := leak{header: pick(l.header)}
	for _, r := range l.rows {
		out.rows = append(out.rows, pick(r))
	}
	return out
}

// viaXLSX writes the leak as an XLSX sheet and reads it back, as a leaker
// converting formats would.
func (l leak) viaXLSX(t *testing.T, reader *dump.Reader) leak {
	t.Helper()
	x := excelize.NewFile()
	for i, r := range append([][]string{l.header}, l.rows...) {
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "leak.xlsx")
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	var out leak
	err := reader.Read(context.Background(), path, func(tb *dump.Table) error {
		out.header = slices.Clone(tb.Columns)
		return tb.Rows(context.Background(), func(row dump.Row) error {
			out.rows = append(out.rows, slices.Clone(row.Cells))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// write saves the leak as CSV, in Windows-1252 when asked.
func (l leak) write(t *testing.T, windows1252 bool) match.Source {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.Write(l.header)
	w.WriteAll(l.rows)
	data := buf.Bytes()
	if windows1252 {
		enc, err := charmap.Windows1252.NewEncoder().Bytes(data)
		if err != nil {
			t.Fatal(err)
		}
		data = enc
	}
	path := filepath.Join(t.TempDir(), "leak.csv")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return match.Files(path)[0]
}

func (f *fixture) accuse(src match.Source) (*trace.Observation, []trace.Suspect) {
	f.t.Helper()
	obs, err := f.marker.Observe(context.Background(), f.reader, src, f.decoys)
	if err != nil {
		f.t.Fatal(err)
	}
	return obs, f.code.Accuse(obs, f.recorded)
}

func accusedRecipients(suspects []trace.Suspect) []string {
	var out []string
	for _, s := range trace.Accused(suspects) {
		out = append(out, s.Recipient)
	}
	sort.Strings(out)
	return out
}

func TestFingerprintNamesTheRecipientOfAPartialReshapedLeak(t *testing.T) {
	testenv.SkipUnderRace(t)
	f := newFixture(t, 11, 20)
	rng := rand.New(rand.NewPCG(1, 2))
	l := f.copyOf("FX-0003").keep(rng, 0.20).reshape(rng, "city", "offers", "public_sector").viaXLSX(t, f.reader)
	obs, suspects := f.accuse(l.write(t, true))
	if got := accusedRecipients(suspects); !slices.Equal(got, []string{"recipient-03"}) {
		t.Fatalf("accused %v, want recipient-03; best %+v; seen %v", got, suspects[:2], obs.Seen)
	}
	t.Logf("20%% of one copy, reshaped, via XLSX, in Windows-1252: %d positions, bound %.2g; next suspect bound %.2g; seen %v",
		suspects[0].Positions, suspects[0].Bound, suspects[1].Bound, obs.Seen)
}

func TestFingerprintSurvivesNormalisationThroughDecoys(t *testing.T) {
	testenv.SkipUnderRace(t)
	f := newFixture(t, 12, 20)
	rng := rand.New(rand.NewPCG(3, 4))
	l := f.copyOf("FX-0007").keep(rng, 0.5)
	n := match.NewNormaliser("FR")
	for _, r := range l.rows {
		for i, h := range l.header {
			switch h {
			case "phone", "mobile":
				if e, ok := n.Phone(r[i]); ok {
					r[i] = e
				}
			case "email":
				r[i] = strings.ToLower(r[i])
			case "first_name", "last_name":
				r[i] = strings.ToUpper(r[i])
			}
		}
	}
	obs, suspects := f.accuse(l.write(t, false))
	if !slices.Contains(obs.Erased, trace.CarrierPhone) || !slices.Contains(obs.Erased, trace.CarrierDomain) {
		t.Errorf("normalised phones and domains should be set aside: erased %v", obs.Erased)
	}
	if got := accusedRecipients(suspects); !slices.Equal(got, []string{"recipient-07"}) {
		t.Fatalf("accused %v, want recipient-07; best %+v; decoys seen %d", got, suspects[:2], obs.Decoys)
	}
	t.Logf("normalised, half the rows: %d decoys seen, bound %.2g", obs.Decoys, suspects[0].Bound)
}

// collude merges two copies row by row: rows in both take either version
// at random; only with both, rows in one copy only are dropped.
func (f *fixture) collude(rng *rand.Rand, a, b string, both bool) leak {
	index := func(rows [][]string) map[string][]string {
		m := map[string][]string{}
		for _, r := range rows {
			m[r[0]+"|"+r[6]] = r // the ID and e-mail name a row, decoys included
		}
		return m
	}
	ra, rb := index(f.exports[a]), index(f.exports[b])
	out := leak{header: slices.Clone(f.header)}
	for k, r := range ra {
		other, shared := rb[k]
		switch {
		case shared && rng.IntN(2) == 0:
			out.rows = append(out.rows, slices.Clone(other))
		case shared || !both:
			out.rows = append(out.rows, slices.Clone(r))
		}
	}
	if !both {
		for k, r := range rb {
			if _, shared := ra[k]; !shared {
				out.rows = append(out.rows, slices.Clone(r))
			}
		}
	}
	return out
}

func TestFingerprintColludersNeverFrameAnInnocent(t *testing.T) {
	testenv.SkipUnderRace(t)
	f := newFixture(t, 13, 20)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, both := range []bool{false, true} {
		l := f.collude(rng, "FX-0002", "FX-0005", both)
		_, suspects := f.accuse(l.write(t, false))
		got := accusedRecipients(suspects)
		if len(got) == 0 {
			t.Errorf("intersection %v: no colluder accused; best %+v", both, suspects[:3])
		}
		for _, r := range got {
			if r != "recipient-02" && r != "recipient-05" {
				t.Fatalf("intersection %v: innocent %s accused", both, r)
			}
		}
		t.Logf("two colluders (only shared rows: %v): accused %v, bounds %.2g and %.2g", both, got, suspects[0].Bound, suspects[1].Bound)
	}
}

// TestFingerprintDetectionCurve runs random leaks of one or two recipients,
// keeping a share of the rows, and counts detections and false accusations.
func TestFingerprintDetectionCurve(t *testing.T) {
	testenv.SkipUnderRace(t)
	if testing.Short() {
		t.Skip("many trials")
	}
	f := newFixture(t, 14, 20)
	rng := rand.New(rand.NewPCG(7, 8))
	innocents, trials := 0, 0
	for _, share := range []float64{0.01, 0.02, 0.05, 0.10, 0.20} {
		detected, bounds := 0, []float64{}
		const runs = 8
		for run := range runs {
			guilty := []string{fmt.Sprintf("FX-%04d", 1+rng.IntN(20))}
			var l leak
			if run%2 == 1 {
				guilty = append(guilty, fmt.Sprintf("FX-%04d", 1+rng.IntN(20)))
				l = f.collude(rng, guilty[0], guilty[1], false).keep(rng, share)
			} else {
				l = f.copyOf(guilty[0]).keep(rng, share)
			}
			_, suspects := f.accuse(l.write(t, false))
			trials++
			hit := false
			for _, s := range trace.Accused(suspects) {
				if slices.Contains(guilty, s.Export) {
					hit = true
				} else {
					innocents++
				}
			}
			if hit {
				detected++
			}
			bounds = append(bounds, suspects[0].Bound)
		}
		slices.Sort(bounds)
		t.Logf("rows kept %4.0f%%: %d of %d leaks named a source; median best bound %.2g", share*100, detected, runs, bounds[len(bounds)/2])
	}
	if innocents != 0 {
		t.Fatalf("%d innocent accusations in %d trials", innocents, trials)
	}
	t.Logf("innocent accusations: 0 in %d trials", trials)
}

// TestMarkKeepsEveryValue: a marked export differs from the registry only
// in phone layout, domain case and legal-form spelling; every value reads
// back the same, and no local part of an address changes.
func TestMarkKeepsEveryValue(t *testing.T) {
	code, _ := trace.NewCode(bytes.Repeat([]byte{3}, 32))
	n := match.NewNormaliser("FR")
	roles := []dump.Role{dump.RoleEmail, dump.RolePhone, dump.RoleOrganisation, dump.RoleLastName}
	rows := [][]string{
		{"Jean.Dupont@Acme.fr", "+33 6 12 34 56 78", "Acme SAS", "Dupont"},
		{"\"Jo\" <jo@acme.fr>", "06 12 34 56 79", "Bêta S.A.R.L.", "Jo"},
		{"marie@beta.example", "+33612345680", "Gamma", "Curie"},
	}
	orig := make([][]string, len(rows))
	for i := range rows {
		orig[i] = slices.Clone(rows[i])
	}
	positions := trace.NewMarker(code, n).Mark("FX-00000001", roles, rows)
	if len(positions) == 0 {
		t.Fatal("no position marked")
	}
	for i := range rows {
		a, b := orig[i], rows[i]
		if ea, _ := n.Email(a[0]); ea != func() string { e, _ := n.Email(b[0]); return e }() {
			t.Errorf("row %d: e-mail %q became %q", i, a[0], b[0])
		}
		if at := strings.LastIndexByte(a[0], '@'); at > 0 && !strings.HasPrefix(b[0], a[0][:at+1]) {
			t.Errorf("row %d: the local part of %q changed: %q", i, a[0], b[0])
		}
		pa, _ := n.Phone(a[1])
		pb, _ := n.Phone(b[1])
		if pa != pb {
			t.Errorf("row %d: phone %q became %q", i, a[1], b[1])
		}
		if n.Org(a[2]) != n.Org(b[2]) || a[3] != b[3] {
			t.Errorf("row %d: %q/%q became %q/%q", i, a[2], a[3], b[2], b[3])
		}
		for _, c := range b {
			if strings.ContainsAny(c, "\u200b\u200c\u200d\u2060\ufeff") {
				t.Errorf("row %d: invisible character in %q", i, c)
			}
		}
	}
	if rows[1][0] != orig[1][0] {
		t.Errorf("a cell with a display name was changed: %q", rows[1][0])
	}
}

// TestLegacyDecoysStayTheSame: the decoys of exports recorded by earlier
// releases (one domain, one range) are regenerated the same, to decode them.
func TestLegacyDecoysStayTheSame(t *testing.T) {
	code, _ := trace.NewCode(bytes.Repeat([]byte{5}, 32))
	n := match.NewNormaliser("FR")
	d := trace.Decoys{Domain: "contacts-acme.example", PhonePrefix: "+3361990", Pool: trace.DefaultDecoyPool}
	seen := map[string]bool{}
	for i := range d.Pool {
		dec := code.Decoy(d, i)
		if p, ok := n.Phone(dec.Phone); !ok || p != dec.Phone || !strings.HasPrefix(p, d.PhonePrefix) {
			t.Fatalf("decoy %d phone %q is not a valid number in the range", i, dec.Phone)
		}
		if e, ok := n.Email(dec.Email); !ok || !strings.HasSuffix(e, "@"+d.Domain) {
			t.Fatalf("decoy %d e-mail %q", i, dec.Email)
		}
		if seen[dec.Email] || seen[dec.Phone] {
			t.Fatalf("decoy %d repeats an address or number", i)
		}
		seen[dec.Email], seen[dec.Phone] = true, true
		if again := code.Decoy(d, i); again.Email != dec.Email || again.Phone != dec.Phone || again.Pos != dec.Pos {
			t.Fatalf("decoy %d is not the same twice", i)
		}
	}
}

// TestRecordedExportsOfBothReleasesDecode: an export recorded with one
// decoy domain and range, and one recorded with its pool, are both
// recognised from their decoys.
func TestRecordedExportsOfBothReleasesDecode(t *testing.T) {
	code, _ := trace.NewCode(bytes.Repeat([]byte{7}, 32))
	old := trace.Decoys{Domain: "contacts-acme.example", PhonePrefix: "+3361990", Pool: 10}
	oldDecoy := code.Decoy(old, 3)
	exports := []*leakdesk.Export{
		{ID: "FX-00000001", Recipient: "old", DecoyDomain: old.Domain, DecoyPhone: old.PhonePrefix, DecoyPool: old.Pool, Positions: []string{oldDecoy.Pos}},
		{ID: "FX-00000002", Recipient: "new", DecoyDomains: []string{"x.fr"}, DecoyPhoneRanges: []string{"+3342299"}, DecoyPool: 1,
			DecoyContacts: []leakdesk.DecoyContact{{Pos: "decoy:a.b@x.fr", Email: "a.b@x.fr", Phone: "+33422990011", Mobile: "+33764900022"}}, Positions: []string{"decoy:a.b@x.fr"}},
	}
	recorded, decoys := code.Recorded(exports)
	if len(recorded) != 2 || len(decoys) != 11 {
		t.Fatalf("recorded %d exports and %d decoys, want 2 and 11", len(recorded), len(decoys))
	}
	marker := trace.NewMarker(code, match.NewNormaliser("FR"))
	obs, unknown := marker.ObserveDecoys([]string{oldDecoy.Email, "+33 7 64 90 00 22"}, decoys)
	if len(unknown) != 0 || obs.Decoys != 2 || !obs.Symbols[oldDecoy.Pos] || !obs.Symbols["decoy:a.b@x.fr"] {
		t.Fatalf("observed %+v, unknown %v", obs, unknown)
	}
}

// normaliseKnowingly is what a leaker who knows the carriers does: drop
// every row whose e-mail domain serves several organisations (where decoys
// used to sit), write phones in E.164, lower-case e-mails and write legal
// forms without dots.
func normaliseKnowingly(l leak) leak {
	n := match.NewNormaliser("FR")
	col := map[string]int{}
	for i, h := range l.header {
		col[h] = i
	}
	domain := func(r []string) string { _, d, _ := strings.Cut(strings.ToLower(r[col["email"]]), "@"); return d }
	orgs := map[string]map[string]bool{}
	for _, r := range l.rows {
		if orgs[domain(r)] == nil {
			orgs[domain(r)] = map[string]bool{}
		}
		orgs[domain(r)][n.Org(r[col["organisation"]])] = true
	}
	out := leak{header: l.header}
	for _, r := range l.rows {
		if len(orgs[domain(r)]) > 1 {
			continue
		}
		for _, c := range []string{"phone", "mobile"} {
			if e, ok := n.Phone(r[col[c]]); ok {
				r[col[c]] = e
			}
		}
		r[col["email"]] = strings.ToLower(r[col["email"]])
		words := strings.Fields(r[col["organisation"]])
		if len(words) > 1 {
			words[len(words)-1] = strings.ReplaceAll(words[len(words)-1], ".", "")
		}
		r[col["organisation"]] = strings.Join(words, " ")
		out.rows = append(out.rows, r)
	}
	return out
}

// TestFingerprintSurvivesAKnowingNormaliser: after a leaker who knows the
// carriers normalises a copy, the decoys (which no filter strips) and the
// spellings of job titles (which no normaliser unifies) still name the
// recipient, with the bound, and no innocent one.
func TestFingerprintSurvivesAKnowingNormaliser(t *testing.T) {
	testenv.SkipUnderRace(t)
	f := newFixture(t, 15, 20)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, tc := range []struct {
		export string
		share  float64
	}{{"FX-0004", 1}, {"FX-0011", 0.5}, {"FX-0017", 0.2}} {
		l := normaliseKnowingly(f.copyOf(tc.export).keep(rng, tc.share))
		obs, suspects := f.accuse(l.write(t, false))
		want := "recipient-" + tc.export[len(tc.export)-2:]
		for _, kind := range []string{trace.CarrierPhone, trace.CarrierDomain, trace.CarrierLegal} {
			if !slices.Contains(obs.Erased, kind) {
				t.Errorf("%s: %s carriers were normalised away but not set aside: %v", tc.export, kind, obs.Erased)
			}
		}
		got := accusedRecipients(suspects)
		if !slices.Equal(got, []string{want}) || suspects[0].Bound > trace.AccuseBelow {
			t.Fatalf("%s, %.0f%% of rows, normalised: accused %v, want %s; best %+v; seen %v", tc.export, 100*tc.share, got, want, suspects[:2], obs.Seen)
		}
		t.Logf("%.0f%% of one copy, normalised by a leaker who knows the carriers (%d rows left): %d title positions, %d decoys, bound %.2g; next suspect bound %.2g",
			100*tc.share, len(l.rows), obs.Seen[trace.CarrierTitle], obs.Decoys, suspects[0].Bound, suspects[1].Bound)
	}
}
