package watch

import (
	"testing"

	"github.com/leakdesk/leakdesk/match"
)

// Sketches are stored: a value must hash as it did when earlier files
// were sketched, or no file would be found recycled from them.
func TestValueHashesAreStable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, value string
		want        uint64
	}{
		{"e:", "person1@example.org", 0xf8f3fe7dbfe1882b},
		{"p:", "+33600000001", 0xf538f4f14575654},
	}
	for _, tt := range tests {
		if got := hashValue(tt.kind, tt.value); got != tt.want {
			t.Errorf("hashValue(%q, %q) = %#x, want %#x as stored sketches hold", tt.kind, tt.value, got, tt.want)
		}
	}
}

func TestPhoneCacheReadsAsTheNormaliser(t *testing.T) {
	t.Parallel()
	n := match.NewNormaliser("FR")
	cells := []string{"06 12 34 56 78", "+33 6 12 34 56 78", "0033612345678", "+999 0466060", "12345678901234567890", " 01 23 45 67 89 ", "2024-01-02 10:11:12"}
	c := phoneCache{}
	for pass := range 2 { // a miss, then a hit
		for _, cell := range cells {
			want, wantOK := n.Phone(cell)
			if got, ok := c.phone(n, cell); got != want || ok != wantOK {
				t.Errorf("pass %d: cached phone(%q) = %q, %v; the normaliser says %q, %v", pass, cell, got, ok, want, wantOK)
			}
		}
	}
}

// BenchmarkPhoneCells reads the phone cells of a leak that names each
// person twice (an order table beside a customer table), parsed each
// time, beside through the cache.
func BenchmarkPhoneCells(b *testing.B) {
	n := match.NewNormaliser("FR")
	var cells []string
	for _, r := range leakRows(1, 20000) {
		cells = append(cells, r[2], r[2])
	}
	b.Run("normaliser", func(b *testing.B) {
		for b.Loop() {
			for _, c := range cells {
				n.Phone(c)
			}
		}
	})
	b.Run("cache", func(b *testing.B) {
		for b.Loop() {
			c := phoneCache{}
			for _, cell := range cells {
				c.phone(n, cell)
			}
		}
	})
}
