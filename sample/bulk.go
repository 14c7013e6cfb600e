package sample

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
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
