package match

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
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
		loaded, opened := loadAndMap(t, reader, n, c.registry)
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

// loadAndMap loads a registry from its CSV, and maps the index file
// written from it.
func loadAndMap(t *testing.T, reader *dump.Reader, n *Normaliser, registry string) (loaded, opened *Registry) {
	t.Helper()
	loaded, err := LoadRegistry(context.Background(), reader, n, registry, RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "registry.idx")
	writeIndexFile(t, loaded, path)
	if opened, err = OpenIndex(path, n); err != nil {
		t.Fatal(err)
	}
	return loaded, opened
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
	// resealed changes a uint64 (or uint32) of a section's and makes the
	// checksum right, as a file damaged before it was sealed would be.
	resealed := func(sec, at int, v uint64, size int) []byte {
		b := slices.Clone(good)
		off := int(binary.LittleEndian.Uint64(b[88+16*sec:])) + at
		if size == 8 {
			binary.LittleEndian.PutUint64(b[off:], v)
		} else {
			binary.LittleEndian.PutUint32(b[off:], uint32(v))
		}
		binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
		return b
	}
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
		"a contact cut": {resealed(secContactAt, 8, 3, 8), n, "offsets"},
		"a number cut":  {resealed(secPhoneEnds, 4, 99, 4), n, "phone numbers are misshapen"},
		"old version":   {resealed(0, 8-indexHeader, 1, 4), n, "build it again"},
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

// TestIndexRegistryWritesWhatWriteIndexWrites checks that the index built
// as the registry is read, without holding it, is byte for byte the one
// written from the registry loaded whole, and that it counts what
// Registry.String counts.
func TestIndexRegistryWritesWhatWriteIndexWrites(t *testing.T) {
	ctx, reader, n := context.Background(), newTestReader(t), NewNormaliser("FR")
	for _, c := range indexCases(t) {
		if c.history != "" {
			continue // an index holds no history: it is given at matching
		}
		loaded, err := LoadRegistry(ctx, reader, n, c.registry, RegistryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var whole bytes.Buffer
		if err := loaded.WriteIndex(&whole); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "registry.idx")
		x, err := IndexRegistry(ctx, reader, n, c.registry, RegistryOptions{}, path)
		if err != nil {
			t.Fatal(err)
		}
		streamed, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(streamed, whole.Bytes()) {
			t.Errorf("%s: the index built streaming (%d bytes) differs from the one written whole (%d bytes)", c.name, len(streamed), whole.Len())
		}
		if x.String() != loaded.String() || x.Bytes != int64(len(streamed)) {
			t.Errorf("%s: indexed %s (%d bytes), the registry is %s (%d bytes)", c.name, x, x.Bytes, loaded, len(streamed))
		}
		leftovers, _ := filepath.Glob(path + ".*")
		if len(leftovers) > 0 {
			t.Errorf("%s: the build left %v", c.name, leftovers)
		}
	}
}

// TestMappedContactsReadOnDemand reads every contact of a mapped index,
// through a cache far smaller than the registry, in two orders, and checks
// that each is the contact loaded from the CSV, with its ordinal, and that
// contacts are found by ID.
func TestMappedContactsReadOnDemand(t *testing.T) {
	reader, n := newTestReader(t), NewNormaliser("FR")
	cases := indexCases(t)
	loaded, opened := loadAndMap(t, reader, n, cases[len(cases)-1].registry) // person linkage: 5,000 contacts
	opened.mapped.cache = newContactCache(7)
	if opened.Len() != loaded.Len() || opened.Len() < 100 {
		t.Fatalf("%d contacts mapped, %d loaded", opened.Len(), loaded.Len())
	}
	for _, order := range []func(i int) int{func(i int) int { return i }, func(i int) int { return (i * 7919) % loaded.Len() }} {
		for i := range loaded.Len() {
			j := order(i)
			got, want := opened.Contact(j), loaded.Contact(j)
			if got.ordinal != j || !bytes.Equal(appendContact(nil, got), appendContact(nil, want)) {
				t.Fatalf("contact %d reads as %+v, want %+v", j, got, want)
			}
			if byID, ok := opened.ContactByID(want.ID); !ok || byID.ordinal != j {
				t.Fatalf("contact %q found as %v, %v", want.ID, byID, ok)
			}
		}
	}
	if _, ok := opened.ContactByID("no such contact"); ok {
		t.Fatal("an unknown ID was found")
	}
}

// TestRegistryColumnsFromEveryRow checks that the contact ID column is
// chosen for its values being unique in every row, not only in the first
// rows the roles are read from, now that the registry is read twice
// rather than held.
func TestRegistryColumnsFromEveryRow(t *testing.T) {
	ctx, reader, n := context.Background(), newTestReader(t), NewNormaliser("FR")
	var b strings.Builder
	b.WriteString("legacy id,contact id,first name,last name,email\n")
	for i := 1; i <= 2*chooserSample; i++ {
		legacy := i
		if i == chooserSample+50 {
			legacy = 10 // repeats beyond the rows roles are read from
		}
		fmt.Fprintf(&b, "L-%05d,C-%05d,Anne%d,Martin%d,anne.martin%d@example.org\n", legacy, i, i, i, i)
	}
	dir := t.TempDir()
	both := filepath.Join(dir, "both.csv")
	if err := os.WriteFile(both, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	reg, err := LoadRegistry(ctx, reader, n, both, RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := reg.Contact(0).ID; got != "C-00001" || reg.Len() != 2*chooserSample {
		t.Fatalf("contact 0 is %q of %d: the legacy column, unique only in the first rows, was taken", got, reg.Len())
	}
	_, err = LoadRegistry(ctx, reader, n, both, RegistryOptions{IDColumn: "legacy id"})
	if err == nil || !strings.Contains(err.Error(), "appears in records 10 and 350") {
		t.Fatalf("legacy IDs, repeated at record 350: %v", err)
	}
	_, err = IndexRegistry(ctx, reader, n, both, RegistryOptions{IDColumn: "legacy id"}, filepath.Join(dir, "legacy.idx"))
	if err == nil || !strings.Contains(err.Error(), "appears in records 10 and 350") {
		t.Fatalf("index of legacy IDs: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "legacy.idx*")); len(left) > 0 {
		t.Fatalf("a refused registry left %v", left)
	}
}
