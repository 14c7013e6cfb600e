package sample

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// PhoneRowsTruth says which registry contacts a phone-rows dump holds.
type PhoneRowsTruth struct {
	// ByPhone are contacts present only as First;Last;;PHONE;City.
	ByPhone []string `json:"by_phone"`
	// Shared are contacts whose phone number is on a row that names
	// someone else, with another address: the row is not theirs.
	Shared []string `json:"shared"`
}

// WritePhoneRowsDump writes a mixed dump of strangers, as WriteMixedDump
// does, in which byPhone registry contacts appear only as a person row
// with their name, city and phone number (written nationally, with 00 and
// the country code, or with +), and shared rows carry a contact's phone
// number under another name and address.
func (s *Scenario) WritePhoneRowsDump(w io.Writer, lines, byPhone, shared int) (PhoneRowsTruth, error) {
	rng := rand.New(rand.NewPCG(s.Config.Seed, 78))
	bw := bufio.NewWriterSize(w, 1<<20)
	var truth PhoneRowsTruth
	contacts := s.shuffledRegistry(rng)
	layouts := []string{PhoneNational, Phone00, PhoneE164}
	var planted []string
	for _, p := range contacts {
		phone := p.Value(fieldMobile, s.Config.Incident)
		if phone == "" {
			phone = p.Value(fieldPhone, s.Config.Incident)
		}
		if phone == "" {
			continue
		}
		o := s.world.org(p.OrgID)
		written := formatPhone(phone, s.world.data.Countries[o.Country], layouts[rng.IntN(len(layouts))])
		switch {
		case len(truth.ByPhone) < byPhone:
			planted = append(planted, fmt.Sprintf("%s;%s;;%s;%s", p.FirstName, p.LastName, written, o.City))
			truth.ByPhone = append(truth.ByPhone, p.ID)
		case len(truth.Shared) < shared:
			// Another name of the country, and another address.
			c := s.world.data.Countries[o.Country]
			first, last := otherName(rng, c.FirstNames, p), otherName(rng, c.LastNames, p)
			planted = append(planted, fmt.Sprintf("%s;%s;%s%d@mail%d.example;%s;%s",
				first, last, randomWord(rng), rng.IntN(100000), rng.IntN(500), written, o.City))
			truth.Shared = append(truth.Shared, p.ID)
		}
	}
	if len(truth.ByPhone) < byPhone || len(truth.Shared) < shared {
		return truth, fmt.Errorf("the registry has %d contacts: too few to plant %d by phone and %d shared", len(contacts), byPhone, shared)
	}
	writeMix(bw, rng, lines, planted)
	return truth, bw.Flush()
}

// otherName picks one of names that is neither p's first nor last name.
func otherName(rng *rand.Rand, names []string, p *Contact) string {
	for {
		if n := names[rng.IntN(len(names))]; n != p.FirstName && n != p.LastName {
			return n
		}
	}
}
