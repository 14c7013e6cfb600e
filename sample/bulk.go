package sample

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
)

// WriteContactsCSV writes a large registry-shaped CSV for benchmarks: rows
// are the scenario's contacts, varied so that every row is distinct (new
// IDs, numbered e-mail addresses, fresh phone numbers), as a CRM of that
// size would hold.
func (s *Scenario) WriteContactsCSV(w io.Writer, rows int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	cw := csv.NewWriter(bw)
	cw.Write([]string{colContactID, colOrgID, colOrganisation, colFirstName, colLastName, colTitle, colEmail, colPhone, colMobile, colCountry, colCity, colOffers, colPublic})
	rng := rand.New(rand.NewPCG(s.Config.Seed, 99))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	for i := range rows {
		p := s.Registry[i%len(s.Registry)]
		v := s.world.row(p, s.Config.Incident, PhoneE164)
		round := i / len(s.Registry)
		email := v[colEmail]
		if round > 0 {
			local, domain, _ := strings.Cut(email, "@")
			email = fmt.Sprintf("%s.%d@%s", local, round, domain)
		}
		phone, mobile := v[colPhone], v[colMobile]
		if phone != "" {
			phone = phone[:len(phone)-6] + digits(6)
		}
		if mobile != "" {
			mobile = mobile[:len(mobile)-6] + digits(6)
		}
		cw.Write([]string{fmt.Sprintf("C-%07d", i+1), v[colOrgID], v[colOrganisation], v[colFirstName], v[colLastName], v[colTitle],
			email, phone, mobile, v[colCountry], v[colCity], v[colOffers], v[colPublic]})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write contacts: %w", err)
	}
	return bw.Flush()
}

// MixedDumpTruth says which registry contacts a mixed dump holds, and how.
type MixedDumpTruth struct {
	ByEmail []string `json:"by_email"` // contacts present by an e-mail address, in some letter case
	ByPhone []string `json:"by_phone"` // contacts present only by a phone number, in some layout
}

// WriteMixedDump writes a large unstructured dump of the kind sold on
// forums: mostly email:password lines, some semicolon-separated person rows
// and some JSON lines, of strangers, with a few of the registry's contacts
// hidden in it, by e-mail or only by phone.
func (s *Scenario) WriteMixedDump(w io.Writer, lines, byEmail, byPhone int) (MixedDumpTruth, error) {
	rng := rand.New(rand.NewPCG(s.Config.Seed, 77))
	bw := bufio.NewWriterSize(w, 1<<20)
	var truth MixedDumpTruth
	contacts := s.shuffledRegistry(rng)
	var planted []string
	for _, p := range contacts {
		e := p.Value(fieldEmail, s.Config.Incident)
		switch {
		case len(truth.ByEmail) < byEmail && e != "":
			truth.ByEmail = append(truth.ByEmail, p.ID)
			switch rng.IntN(3) {
			case 0:
				e = strings.ToUpper(e)
			case 1:
				e = strings.ToUpper(e[:1]) + e[1:]
			}
			planted = append(planted, e+":"+randomWord(rng))
		case len(truth.ByPhone) < byPhone:
			phone := p.Value(fieldMobile, s.Config.Incident)
			if phone == "" {
				phone = p.Value(fieldPhone, s.Config.Incident)
			}
			if phone == "" {
				continue
			}
			c := s.world.data.Countries[s.world.org(p.OrgID).Country]
			layout := phoneLayouts()[rng.IntN(len(phoneLayouts()))]
			planted = append(planted, fmt.Sprintf("%s;%s;%s;%s", randomWord(rng), randomWord(rng), formatPhone(phone, c, layout), randomWord(rng)))
			truth.ByPhone = append(truth.ByPhone, p.ID)
		}
	}
	if len(truth.ByEmail) < byEmail || len(truth.ByPhone) < byPhone {
		return truth, fmt.Errorf("the registry has %d contacts: too few to plant %d by e-mail and %d by phone", len(contacts), byEmail, byPhone)
	}
	writeMix(bw, rng, lines, planted)
	return truth, bw.Flush()
}

// shuffledRegistry returns the registry's contacts in a random order.
func (s *Scenario) shuffledRegistry(rng *rand.Rand) []*Contact {
	contacts := slices.Clone(s.Registry)
	rng.Shuffle(len(contacts), func(i, j int) { contacts[i], contacts[j] = contacts[j], contacts[i] })
	return contacts
}

// writeMix writes lines lines of strangers, with the planted lines at
// random places, each at a place of its own.
func writeMix(w io.Writer, rng *rand.Rand, lines int, planted []string) {
	positions := map[int]string{}
	for _, line := range planted {
		for {
			if i := rng.IntN(lines); positions[i] == "" {
				positions[i] = line
				break
			}
		}
	}
	for i := range lines {
		if line, ok := positions[i]; ok {
			fmt.Fprintln(w, line)
			continue
		}
		writeStranger(w, rng)
	}
}

// writeStranger writes a line of the mix about no one of the registry:
// 70% email:password, 25% semicolon-separated person rows, 5% JSON, with
// addresses on domains the registry never uses and phone numbers out of
// every plausible range.
func writeStranger(w io.Writer, rng *rand.Rand) {
	user := fmt.Sprintf("%s%d", randomWord(rng), rng.IntN(100000))
	switch r := rng.IntN(100); {
	case r < 70:
		fmt.Fprintf(w, "%s@mail%d.example:%s\n", user, rng.IntN(500), randomWord(rng))
	case r < 95:
		fmt.Fprintf(w, "%s;%s;%s@mail%d.example;+999 %07d;%s\n", randomWord(rng), randomWord(rng), user, rng.IntN(500), rng.IntN(10000000), randomWord(rng))
	default:
		fmt.Fprintf(w, `{"user":"%s","email":"%s@mail%d.example","ip":"203.0.113.%d"}`+"\n", user, user, rng.IntN(500), rng.IntN(255))
	}
}

func randomWord(rng *rand.Rand) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 5+rng.IntN(6))
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}
