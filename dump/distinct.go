package dump

import (
	"math"
	"math/bits"
)

// distinct counts distinct hashes: exactly for the first exactAdds values,
// then with a HyperLogLog sketch (precision 14, about 0.8% error) so that
// memory stays at 16 KiB and each value costs a few nanoseconds, whatever
// the size of the column. Small tables get exact counts.
type distinct struct {
	exact map[uint64]struct{}
	adds  int
	regs  []uint8
}

const (
	exactAdds = 1 << 12
	hllBits   = 14
	hllError  = 1.04 / 128 // standard error of the sketch: 1.04/sqrt(2^14)
)

func newDistinct() *distinct { return &distinct{exact: map[uint64]struct{}{}} }

func (d *distinct) add(h uint64) {
	if d.regs == nil {
		d.exact[h] = struct{}{}
		if d.adds++; d.adds > exactAdds {
			d.toSketch()
		}
		return
	}
	d.addSketch(h)
}

func (d *distinct) addSketch(h uint64) {
	i := h >> (64 - hllBits)
	rho := uint8(bits.LeadingZeros64(h<<hllBits|1<<(hllBits-1)) + 1)
	if rho > d.regs[i] {
		d.regs[i] = rho
	}
}

func (d *distinct) toSketch() {
	d.regs = make([]uint8, 1<<hllBits)
	for h := range d.exact {
		d.addSketch(h)
	}
	d.exact = nil
}

func (d *distinct) merge(o *distinct) {
	if o.regs == nil && d.regs == nil && d.adds+o.adds <= exactAdds {
		for h := range o.exact {
			d.exact[h] = struct{}{}
		}
		d.adds += o.adds
		return
	}
	if o.regs == nil {
		o.toSketch()
	}
	if d.regs == nil {
		d.toSketch()
	}
	for i, r := range o.regs {
		d.regs[i] = max(d.regs[i], r)
	}
}

// count returns the number of distinct hashes and whether it is estimated.
func (d *distinct) count() (int64, bool) {
	if d.regs == nil {
		return int64(len(d.exact)), false
	}
	m := float64(len(d.regs))
	sum, zeros := 0.0, 0
	for _, r := range d.regs {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	estimate := 0.7213 / (1 + 1.079/m) * m * m / sum
	if estimate <= 2.5*m && zeros > 0 {
		estimate = m * math.Log(m/float64(zeros)) // linear counting for small counts
	}
	return int64(estimate + 0.5), true
}
