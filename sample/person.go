package sample

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// PersonLinkage is a record-linkage benchmark of the shape of the standard
// public one (FEBRL 4): two files of person records, with names, an
// address, a date of birth and an identity number, where every record of
// the second is a damaged copy of exactly one record of the first. Copies
// carry the damage data entry does: typing errors, missing values, letters
// misread or written as they sound, given name and surname swapped,
// abbreviated street types, day and month swapped.
type PersonLinkage struct {
	Header     []string
	Originals  [][]string
	Duplicates [][]string
	// Truth maps each duplicate's rec_id to its original's.
	Truth map[string]string
}

// personHeader names the columns as the public benchmark does.
func personHeader() []string {
	return []string{"rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"}
}

const (
	pGiven = iota + 1
	pSurname
	pNumber
	pAddress1
	pAddress2
	pSuburb
	pPostcode
	pState
	pBirth
	pSSN
)

// GeneratePersonLinkage makes n originals and one damaged copy of each,
// deterministically from seed. Names are drawn from every country the
// sample knows, so that namesakes are as common as in a real population of
// that size, and only the other fields tell them apart.
func GeneratePersonLinkage(seed uint64, n int) (*PersonLinkage, error) {
	if n < 1 {
		return nil, fmt.Errorf("person linkage: want at least one record, got %d", n)
	}
	d, err := loadData()
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 2011))
	var firsts, lasts, cities []string
	for _, code := range d.codes {
		c := d.Countries[code]
		firsts, lasts, cities = append(firsts, c.FirstNames...), append(lasts, c.LastNames...), append(cities, c.Cities...)
	}
	streetTypes := []string{"rue", "avenue", "boulevard", "chemin", "place", "allee", "impasse", "street", "road", "lane"}
	buildings := []string{"residence les tilleuls", "batiment b", "appartement 12", "le clos fleuri", "escalier c", "villa marguerite"}
	states := []string{"idf", "ara", "paca", "occ", "naq", "hdf", "bre", "nor"}
	postcodes := map[string]string{}
	ssns := map[string]bool{}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }

	p := &PersonLinkage{Header: personHeader(), Truth: map[string]string{}}
	for i := range n {
		city := strings.ToLower(fold(pick(cities)))
		if postcodes[city] == "" {
			postcodes[city] = fmt.Sprintf("%05d", 1000+rng.IntN(98000))
		}
		ssn := ""
		for ssn == "" || ssns[ssn] {
			ssn = strconv.Itoa(1000000 + rng.IntN(9000000))
		}
		ssns[ssn] = true
		rec := []string{
			fmt.Sprintf("rec-%d-org", i),
			strings.ToLower(fold(pick(firsts))),
			strings.ToLower(fold(pick(lasts))),
			strconv.Itoa(1 + rng.IntN(150)),
			pick(streetTypes) + " " + strings.ToLower(fold(pick(lasts))),
			"",
			city,
			postcodes[city],
			pick(states),
			fmt.Sprintf("%04d%02d%02d", 1920+rng.IntN(86), 1+rng.IntN(12), 1+rng.IntN(28)),
			ssn,
		}
		if rng.Float64() < 0.3 {
			rec[pAddress2] = pick(buildings)
		}
		// Some fields are missing at the source too.
		for _, f := range []int{pNumber, pAddress1, pSuburb, pPostcode, pBirth, pSSN} {
			if rng.Float64() < 0.02 {
				rec[f] = ""
			}
		}
		p.Originals = append(p.Originals, rec)
		dup := slices.Clone(rec)
		dup[0] = fmt.Sprintf("rec-%d-dup-0", i)
		damagePerson(rng, dup)
		p.Duplicates = append(p.Duplicates, dup)
		p.Truth[dup[0]] = rec[0]
	}
	rng.Shuffle(len(p.Originals), func(i, j int) { p.Originals[i], p.Originals[j] = p.Originals[j], p.Originals[i] })
	rng.Shuffle(len(p.Duplicates), func(i, j int) { p.Duplicates[i], p.Duplicates[j] = p.Duplicates[j], p.Duplicates[i] })
	return p, nil
}

// damagePerson applies one to five modifications, each to a different
// field, as the public benchmark's generator does.
func damagePerson(rng *rand.Rand, rec []string) {
	// How likely each field is to be the one damaged; they add up to 1.
	weights := [...]struct {
		field int
		share float64
	}{{pGiven, 0.2}, {pSurname, 0.2}, {pNumber, 0.05}, {pAddress1, 0.15}, {pAddress2, 0.05}, {pSuburb, 0.1}, {pPostcode, 0.1}, {pState, 0.05}, {pBirth, 0.05}, {pSSN, 0.05}}
	count := 1 + rng.IntN(3)
	if rng.Float64() < 0.3 {
		count += 1 + rng.IntN(2)
	}
	done := map[int]bool{}
	for len(done) < count {
		x, f := rng.Float64(), weights[0].field
		for _, w := range weights {
			if x -= w.share; x < 0 {
				f = w.field
				break
			}
		}
		if done[f] {
			continue
		}
		done[f] = true
		v := rec[f]
		switch y := rng.Float64(); {
		case v == "":
		case y < 0.15:
			rec[f] = "" // missing
		case y < 0.2 && (f == pGiven || f == pSurname):
			rec[pGiven], rec[pSurname] = rec[pSurname], rec[pGiven]
			done[pGiven], done[pSurname] = true, true
		case y < 0.3 && f == pBirth && len(v) == 8:
			rec[f] = v[:4] + v[6:8] + v[4:6] // day and month swapped
		case y < 0.3 && f == pAddress1:
			rec[f] = abbreviateStreet(v)
		case y < 0.4:
			rec[f] = soundsLike(v)
		default:
			rec[f] = typePerson(rng, v)
		}
	}
}

// typePerson makes one typing error: a character inserted, deleted,
// replaced by a neighbour on the keyboard, or swapped with the next.
func typePerson(rng *rand.Rand, s string) string {
	rs := []rune(s)
	i := rng.IntN(len(rs))
	near := func(r rune) rune {
		rows := []string{"qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890"}
		for _, row := range rows {
			if k := strings.IndexRune(row, r); k >= 0 {
				if k+1 < len(row) && (k == 0 || rng.IntN(2) == 0) {
					return rune(row[k+1])
				}
				return rune(row[k-1])
			}
		}
		return r
	}
	switch rng.IntN(4) {
	case 0:
		return string(append(rs[:i:i], append([]rune{near(rs[i])}, rs[i:]...)...))
	case 1:
		if len(rs) > 1 {
			return string(append(rs[:i:i], rs[i+1:]...))
		}
	case 2:
		rs[i] = near(rs[i])
		return string(rs)
	}
	if i+1 < len(rs) {
		rs[i], rs[i+1] = rs[i+1], rs[i]
	}
	return string(rs)
}

// soundsLike writes a value as it sounds or as a scanner misreads it.
func soundsLike(s string) string {
	for _, pair := range [][2]string{{"ph", "f"}, {"th", "t"}, {"y", "i"}, {"c", "k"}, {"ll", "l"}, {"ss", "s"}, {"au", "o"}, {"0", "o"}, {"1", "l"}, {"5", "s"}, {"8", "b"}} {
		if strings.Contains(s, pair[0]) {
			return strings.Replace(s, pair[0], pair[1], 1)
		}
	}
	return s
}

func abbreviateStreet(s string) string {
	for _, pair := range [][2]string{{"avenue ", "av "}, {"boulevard ", "bd "}, {"rue ", "r "}, {"chemin ", "ch "}, {"street ", "st "}, {"road ", "rd "}, {"allee ", "all "}, {"place ", "pl "}} {
		if strings.HasPrefix(s, pair[0]) {
			return pair[1] + s[len(pair[0]):]
		}
	}
	return s
}

// Write puts the benchmark in dir: a.csv (the originals, the registry),
// b.csv (the copies, the leak) and truth.json (copy rec_id to original).
func (p *PersonLinkage) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, rows := range map[string][][]string{"a.csv": p.Originals, "b.csv": p.Duplicates} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		w := csv.NewWriter(f)
		w.Write(p.Header)
		w.WriteAll(rows)
		if err := w.Error(); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", name, err)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(p.Truth, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "truth.json"), b, 0o644)
}
