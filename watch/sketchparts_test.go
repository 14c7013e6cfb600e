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

// Four values hashed side by side hash as each alone, whatever their
// lengths, so that a sketch does not depend on how its values were batched.
func TestHashFourIsHashValue(t *testing.T) {
	t.Parallel()
	values := []string{"", "a", "person1@example.org", "+33600000001", "first.last+tag@sub.example.co.uk", "x@y.fr", "+4930123456789"}
	for i := range values {
		for j := range values {
			four := [4]string{values[i], values[j], values[(i+j)%len(values)], values[(i*j+1)%len(values)]}
			got := hashFour("e:", &four)
			for k, v := range four {
				if want := hashValue("e:", v); got[k] != want {
					t.Errorf("hashFour of %q as value %d = %#x, hashValue = %#x", v, k, got[k], want)
				}
			}
		}
	}
}

// BenchmarkPhoneCells reads the phone cells of a leak as the sketch
// does, beside the normaliser, which parses them with libphonenumber.
func BenchmarkPhoneCells(b *testing.B) {
	n := match.NewNormaliser("FR")
	var cells []string
	for _, r := range leakRows(1, 20000) {
		cells = append(cells, r[2])
	}
	b.Run("normaliser", func(b *testing.B) {
		for b.Loop() {
			for _, c := range cells {
				n.Phone(c)
			}
		}
	})
	b.Run("sketch", func(b *testing.B) {
		r := newPhoneReader("FR")
		for b.Loop() {
			for _, c := range cells {
				r.phone(c)
			}
		}
	})
}
