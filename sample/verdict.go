package sample

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"maps"
	"math/rand/v2"
	"time"
)

// The leaks below are the cases a verdict on a seller's claims must tell
// apart: data taken on some date, people who never existed, and an old
// leak re-cut and sold again.

// leakColumns are the columns of the generated verdict leaks.
var leakColumns = []string{colOrganisation, colFirstName, colLastName, colTitle, colEmail, colMobile}

// SnapshotLeak renders, as UTF-8 CSV, a share of the registry as it was at
// at: a leak of data taken on that date. rng picks the contacts kept.
func (s *Scenario) SnapshotLeak(at time.Time, share float64, seed uint64) ([]byte, error) {
	rng := rand.New(rand.NewPCG(seed, 4))
	var rows [][]string
	for _, p := range s.world.snapshot(at) {
		if rng.Float64() < share {
			rows = append(rows, leakRow(s.world, p, at))
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("snapshot leak: no contact kept at %s", at.Format(time.DateOnly))
	}
	return renderCSV(leakColumns, rows, ',', false, nil)
}

// FabricatedLeak renders, as UTF-8 CSV, n people who never were contacts
// of the registry: their organisations, e-mail addresses and phone numbers
// were never issued to anyone in it.
func (s *Scenario) FabricatedLeak(n int, seed uint64) ([]byte, error) {
	if n < 1 {
		return nil, fmt.Errorf("fabricated leak: want at least one person, got %d", n)
	}
	w := &world{rng: rand.New(rand.NewPCG(seed, 3)), data: s.world.data,
		phones: maps.Clone(s.world.phones), domains: maps.Clone(s.world.domains), emails: maps.Clone(s.world.emails), nextOrg: 8000}
	at := s.Config.Incident
	for len(w.contacts) < n {
		w.newOrganisation(at)
	}
	rows := make([][]string, 0, n)
	for _, p := range w.contacts[:n] {
		rows = append(rows, leakRow(w, p, at))
	}
	return renderCSV(leakColumns, rows, ',', false, nil)
}

func leakRow(w *world, p *Contact, at time.Time) []string {
	values := w.row(p, at, PhoneIntl)
	row := make([]string, len(leakColumns))
	for i, col := range leakColumns {
		row[i] = values[col]
	}
	return row
}

// Recut re-cuts a CSV leak the way a reseller passes an old leak off as
// new: rows shuffled, columns reordered, and the share drop of rows left
// out.
func Recut(leak []byte, drop float64, seed uint64) ([]byte, error) {
	records, err := csv.NewReader(bytes.NewReader(leak)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("recut: read the leak: %w", err)
	}
	if len(records) < 2 {
		return nil, fmt.Errorf("recut: the leak has no rows")
	}
	rng := rand.New(rand.NewPCG(seed, 5))
	header, rows := records[0], records[1:]
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	rows = rows[:len(rows)-int(drop*float64(len(rows)))]
	order := rng.Perm(len(header))
	permute := func(r []string) []string {
		out := make([]string, len(order))
		for i, j := range order {
			out[i] = r[j]
		}
		return out
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = permute(r)
	}
	return renderCSV(permute(header), out, ',', false, nil)
}
