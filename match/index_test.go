package match

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/sample"
)

// indexCase is a registry, the leaks matched against it, and the
// registry's history, if any.
type indexCase struct {
	name, registry, history string
	leaks                   []string
}

// indexCases lays out the samples the index must give today's findings
// on: the hidden-case-shaped scenarios (with their history), a mixed dump
// with contacts planted by e-mail and by phone, phone-only rows, and the
// person-linkage benchmark.
func indexCases(t *testing.T) []indexCase {
	t.Helper()
	var out []indexCase
	for _, seed := range []uint64{1, 2, 3, 4} {
		s, err := sample.Generate(sample.Config{Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := s.Write(dir); err != nil {
			t.Fatal(err)
		}
		registry := filepath.Join(dir, "registry", "contacts.csv")
		leak := filepath.Join(dir, s.LeakPath())
		out = append(out,
			indexCase{name: "scenario " + s.Leak.File, registry: registry, leaks: []string{leak}},
			indexCase{name: "scenario with history " + s.Leak.File, registry: registry, history: filepath.Join(dir, "registry", "history.csv"), leaks: []string{leak}})
	}
	s, err := sample.Generate(sample.Config{Seed: 3, Organisations: 260})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	registry, err := s.RegistryCSV()
	if err != nil {
		t.Fatal(err)
	}
	mixed, phoneRows := filepath.Join(dir, "mixed.txt"), filepath.Join(dir, "phonerows.txt")
	write := func(path string, fill func(f *os.File) error) {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := fill(f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "registry.csv"), func(f *os.File) error { _, err := f.Write(registry); return err })
	write(mixed, func(f *os.File) error { _, err := s.WriteMixedDump(f, 50_000, 200, 100); return err })
	write(phoneRows, func(f *os.File) error { _, err := s.WritePhoneRowsDump(f, 20_000, 200, 50); return err })
	out = append(out, indexCase{name: "mixed dump and phone rows", registry: filepath.Join(dir, "registry.csv"), leaks: []string{mixed, phoneRows}})
	p, err := sample.GeneratePersonLinkage(7, 5000)
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	if err := p.Write(dir); err != nil {
		t.Fatal(err)
	}
	return append(out, indexCase{name: "person linkage", registry: filepath.Join(dir, "a.csv"), leaks: []string{filepath.Join(dir, "b.csv")}})
}

// mapIndex is the registry index as it was before the compact one: the
// keys as text, in maps. It is kept here only as the reference that the
// compact index must agree with.
type mapIndex struct {
	byEmail, byAlias, byPhone, byName map[string][]int
	forms                             map[string]string
}

func newMapIndex(reg *Registry) *mapIndex {
	x := &mapIndex{byEmail: map[string][]int{}, byAlias: map[string][]int{}, byPhone: map[string][]int{}, byName: map[string][]int{}, forms: map[string]string{}}
	for i := range reg.Len() {
		c := reg.Contact(i)
		for _, e := range c.Emails {
			x.byEmail[e] = append(x.byEmail[e], i)
			x.byAlias[EmailAlias(e)] = append(x.byAlias[EmailAlias(e)], i)
			if _, domain, ok := strings.Cut(e, "@"); ok {
				for _, l := range c.last {
					x.byName["d:"+domain+":"+l] = append(x.byName["d:"+domain+":"+l], i)
				}
			}
		}
		for _, p := range c.Phones {
			x.byPhone[p] = append(x.byPhone[p], i)
			for _, form := range libphonenumberForms(p) {
				if _, ok := x.forms[form]; !ok {
					x.forms[form] = p
				}
			}
		}
		for _, key := range append(nameKeys(c.first, c.last), otherKeys(c.birth, c.nationalID, c.postcode, c.org, c.first, c.last)...) {
			x.byName[key] = append(x.byName[key], i)
		}
	}
	return x
}

// libphonenumberForms are a number's layouts as libphonenumber cuts it.
func libphonenumberForms(e164 string) []string {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return nil
	}
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	cc := itoa(int64(num.GetCountryCode()))
	return []string{nsn, "0" + nsn, cc + nsn, "00" + cc + nsn, cc + "0" + nsn, "00" + cc + "0" + nsn}
}

func (x *mapIndex) candidates(rec Record) []int {
	var out []int
	for _, e := range rec.emailForms() {
		out = addUnique(out, x.byEmail[e.addr])
		out = addUnique(out, x.byAlias[e.alias])
		if e.domain != "" {
			for _, l := range slices.Concat(rec.Last, rec.First) {
				out = addUnique(out, x.byName["d:"+e.domain+":"+l])
			}
		}
	}
	for _, p := range rec.Phones {
		out = addUnique(out, x.byPhone[p])
	}
	for _, key := range append(nameKeys(rec.First, rec.Last), otherKeys(rec.Birth, rec.NationalID, rec.Postcode, rec.Org, rec.First, rec.Last)...) {
		out = addUnique(out, x.byName[key])
	}
	return out
}

// TestCompactIndexAgreesWithMaps gives every record of every sample leak
// the same candidates, in the same order, from the compact index as from
// the maps it replaces, and reads every registry number's layouts, and
// every leaked number, as the maps did.
func TestCompactIndexAgreesWithMaps(t *testing.T) {
	ctx, reader, n := context.Background(), newTestReader(t), NewNormaliser("FR")
	for _, c := range indexCases(t) {
		if c.history != "" {
			continue // held values are covered by TestIndexFileGivesTheSameFindings
		}
		reg, err := LoadRegistry(ctx, reader, n, c.registry, RegistryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ref, m, s := newMapIndex(reg), NewMatcher(reg, DefaultWeights()), NewScanner(reader, n, nil, 1)
		s.forms = phoneForms{reg.phoneLayouts()}
		s.addForms(reg, false)
		for form, want := range ref.forms {
			if got, ok := s.forms.find(form); !ok || got != want {
				t.Fatalf("%s: layout %s reads as %q, %v; the maps read %q", c.name, form, got, ok, want)
			}
		}
		var compared, found int
		for _, leak := range c.leaks {
			recs, _, err := ReadRecords(ctx, reader, n, Files(leak)[0])
			if err != nil {
				t.Fatal(err)
			}
			for _, rec := range recs {
				want, got := ref.candidates(rec), m.candidates(rec)
				if !slices.Equal(got, want) {
					t.Fatalf("%s row %d: candidates %v, the maps give %v", c.name, rec.Row, got, want)
				}
				for _, raw := range rec.RawPhones {
					d := digitsOf(raw)
					wantPhone, wantOK := ref.forms[d]
					if gotPhone, gotOK := s.forms.find(d); gotOK != wantOK || gotPhone != wantPhone {
						t.Fatalf("%s row %d: %q reads as %q, %v; the maps read %q, %v", c.name, rec.Row, raw, gotPhone, gotOK, wantPhone, wantOK)
					}
				}
				compared++
				found += len(got)
			}
		}
		if compared == 0 || found == 0 {
			t.Fatalf("%s: %d records compared, %d candidates: the case tests nothing", c.name, compared, found)
		}
	}
}

func newTestReader(t *testing.T) *dump.Reader {
	t.Helper()
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return reader
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// TestIndexFileGivesTheSameFindings writes each sample registry as an index
// file, maps it, and checks that the findings are byte for byte those of
// the registry loaded from its CSV.
func TestIndexFileGivesTheSameFindings(t *testing.T) {
	ctx, reader, n := context.Background(), newTestReader(t), NewNormaliser("FR")
	for _, c := range indexCases(t) {
		var changes []Change
		if c.history != "" {
			var err error
			if changes, err = ReadHistory(c.history); err != nil {
				t.Fatal(err)
			}
		}
		loaded, err := LoadRegistry(ctx, reader, n, c.registry, RegistryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "registry.idx")
		writeIndexFile(t, loaded, path)
		opened, err := OpenIndex(path, n)
		if err != nil {
			t.Fatal(err)
		}
		var out [2][]byte
		for i, reg := range []*Registry{loaded, opened} {
			reg.AddHistory(changes)
			s := NewScanner(reader, n, NewMatcher(reg, DefaultWeights()), 2)
			if len(changes) > 0 {
				past, _, err := LoadPast(ctx, reader, n, nil, changes)
				if err != nil {
					t.Fatal(err)
				}
				s.WithPast(past)
			}
			res, err := s.Scan(ctx, Files(c.leaks...))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Contacts) == 0 {
				t.Fatalf("%s: no contact found: the case tests nothing", c.name)
			}
			if out[i], err = json.Marshal(res); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(out[0], out[1]) {
			t.Errorf("%s: findings differ\nfrom CSV:   %.2000s\nfrom index: %.2000s", c.name, out[0], out[1])
		}
		if loaded.String() != opened.String() {
			t.Errorf("%s: %s from CSV, %s from the index", c.name, loaded, opened)
		}
	}
}

func writeIndexFile(t testing.TB, reg *Registry, path string) {
	t.Helper()
	var b bytes.Buffer
	if err := reg.WriteIndex(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedIndexFile checks that a truncated, altered or foreign file is
// refused with a clear error, never read as a smaller registry.
func TestDamagedIndexFile(t *testing.T) {
	n := NewNormaliser("FR")
	reg := RegistryOf(n, []Record{{Row: 1, Emails: []string{"anne@example.org"}, Phones: []string{"+33612345678"}, First: []string{"anne"}, Last: []string{"martin"}}})
	var b bytes.Buffer
	if err := reg.WriteIndex(&b); err != nil {
		t.Fatal(err)
	}
	good := b.Bytes()
	if _, err := readIndex(good, n); err != nil {
		t.Fatalf("the file as written: %v", err)
	}
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 1
	cases := map[string]struct {
		b    []byte
		n    *Normaliser
		want string
	}{
		"empty":         {nil, n, "not a registry index"},
		"truncated":     {good[:len(good)-9], n, "truncated"},
		"one byte more": {append(slices.Clone(good), 0), n, "truncated or damaged"},
		"altered":       {flipped, n, "checksum"},
		"a CSV":         {[]byte(strings.Repeat("id,email\n1,a@b.fr\n", 20)), n, "not a registry index"},
		"other region":  {good, NewNormaliser("DE"), "region"},
	}
	for name, c := range cases {
		got, err := readIndex(c.b, c.n)
		if err == nil || got != nil {
			t.Errorf("%s: read as %v, want an error", name, got)
			continue
		}
		if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v (%s), want EINVALID saying %q", name, err, leakdesk.ErrorCode(err), c.want)
		}
	}
	path := filepath.Join(t.TempDir(), "cut.idx")
	if err := os.WriteFile(path, good[:len(good)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenIndex(path, n); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("OpenIndex of a cut file: %v, want an error naming the file", err)
	}
}

// TestViewUnaligned reads a section that is not aligned, which is copied
// rather than used in place, as the aligned one is.
func TestViewUnaligned(t *testing.T) {
	b := make([]byte, 17)
	for i := range b {
		b[i] = byte(i + 1)
	}
	want := []uint64{0x0908070605040302, 0x11100f0e0d0c0b0a}
	if got := view[uint64](b[1:]); !slices.Equal(got, want) {
		t.Fatalf("unaligned: %x, want %x", got, want)
	}
	if got := view[uint32](b[1:9]); !slices.Equal(got, []uint32{0x05040302, 0x09080706}) {
		t.Fatalf("unaligned uint32: %x", got)
	}
	if got := view[uint32](b[:3]); got != nil {
		t.Fatalf("3 bytes as uint32: %x, want nil", got)
	}
}
