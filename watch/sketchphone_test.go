package watch

import (
	"regexp"
	"testing"

	"github.com/leakdesk/leakdesk/match"
)

// The sketch reads numbers without libphonenumber's parser; where the
// normaliser reads a number, the sketch must read the same E.164 form, or
// a sketch stored before would no longer meet its recut.
func TestSketchPhoneReadsAsTheNormaliser(t *testing.T) {
	t.Parallel()
	tests := []struct {
		region string
		cells  []string
	}{
		{"FR", []string{"06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "+33 (0)6 12 34 56 78", "06.12.34.56.78", "+33-6-12-34-56-78",
			"33612345678", "612345678", " 01 23 45 67 89 ", "+44 20 7946 0958", "0044 20 7946 0958", "+44 (0)20 7946 0958", "+1 202-555-0123",
			"+49 30 1234567", "+49 030 1234567", "+39 06 1234 5678", "+39 312 345 6789", "+262 692 12 34 56", "+999 0466060",
			"12345678901234567890", "2024-01-02 10:11:12", "203.0.113.186", "+33 6 12 34 56 78 ext 12"}},
		{"US", []string{"(202) 555-0123", "202-555-0123", "1 202 555 0123", "+1 202 555 0123", "+33 6 12 34 56 78", "2025550123"}},
		{"GB", []string{"020 7946 0958", "+44 20 7946 0958", "07700 900123", "+44 7700 900123"}},
		{"DE", []string{"030 1234567", "+49 30 1234567", "0151 23456789"}},
		{"IT", []string{"06 1234 5678", "+39 06 1234 5678", "312 345 6789"}},
	}
	for _, tt := range tests {
		n, r := match.NewNormaliser(tt.region), newPhoneReader(tt.region)
		for _, cell := range tt.cells {
			want, wantOK := n.Phone(cell)
			if got, ok := r.phone(cell); got != want || ok != wantOK {
				t.Errorf("%s: sketch reads %q as %q, %v; the normaliser as %q, %v", tt.region, cell, got, ok, want, wantOK)
			}
		}
	}
}

var e164Form = regexp.MustCompile(`^\+[0-9]{8,17}$`)

// FuzzSketchPhone: whatever a cell holds, a number read from it is in
// E.164 form, and reads again as itself, so that every layout of one
// number is one value of the sketch.
func FuzzSketchPhone(f *testing.F) {
	for _, s := range []string{"06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033612345678", "+39 06 1234 5678", "+999 0466060", "1 202 555 0123", "2024-01-02T10:11:12Z"} {
		f.Add("FR", s)
	}
	f.Add("US", "(202) 555-0123")
	f.Add("IT", "06 1234 5678")
	f.Fuzz(func(t *testing.T, region, cell string) {
		r := newPhoneReader(region)
		e164, ok := r.phone(cell)
		if !ok {
			return
		}
		if !e164Form.MatchString(e164) {
			t.Fatalf("%s: %q read as %q, not an E.164 form", region, cell, e164)
		}
		if again, ok := r.phone(e164); again != e164 || !ok {
			t.Fatalf("%s: %q read as %q, which reads as %q, %v", region, cell, e164, again, ok)
		}
	})
}
