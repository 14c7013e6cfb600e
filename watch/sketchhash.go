package watch

// FNV-1a, 64 bits: sketches are stored, so a value must hash the same in
// every process and every release (TestValueHashesAreStable).
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashValue hashes a normalised value, kind and value (as "e:" and an
// address), with FNV-1a and a final mix. The kind is hashed before the
// value rather than joined to it, which would cost a copy per cell.
func hashValue(kind, s string) uint64 {
	return mix(fnvAdd(fnvAdd(fnvOffset, kind), s))
}

func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

// mix spreads FNV's low-entropy high bits (splitmix64's finaliser).
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ (h >> 31)
}

// hashFour is hashValue of four values of one kind. FNV-1a waits for each
// multiplication before the next byte, so one value leaves the CPU's
// multipliers idle; four hashed side by side, byte by byte, keep them
// busy, which hashes a sketch's e-mails in about half the time.
func hashFour(kind string, values *[4]string) [4]uint64 {
	start := fnvAdd(fnvOffset, kind)
	a, b, c, d := start, start, start, start
	n := min(len(values[0]), len(values[1]), len(values[2]), len(values[3]))
	v0, v1, v2, v3 := values[0][:n], values[1][:n], values[2][:n], values[3][:n]
	for i := range n {
		a = (a ^ uint64(v0[i])) * fnvPrime
		b = (b ^ uint64(v1[i])) * fnvPrime
		c = (c ^ uint64(v2[i])) * fnvPrime
		d = (d ^ uint64(v3[i])) * fnvPrime
	}
	return [4]uint64{
		mix(fnvAdd(a, values[0][n:])), mix(fnvAdd(b, values[1][n:])),
		mix(fnvAdd(c, values[2][n:])), mix(fnvAdd(d, values[3][n:])),
	}
}

// hashBatch gathers values of one kind to be hashed four at a time.
type hashBatch struct {
	kind   string
	values [4]string
	n      int
}

// add adds s to the batch and, once the batch holds four values, returns
// their hashes and empties it.
func (b *hashBatch) add(s string) (hashes [4]uint64, full bool) {
	b.values[b.n] = s
	if b.n++; b.n < len(b.values) {
		return hashes, false
	}
	b.n = 0
	return hashFour(b.kind, &b.values), true
}

// flush returns the hashes of the values left in the batch and empties it.
func (b *hashBatch) flush() []uint64 {
	var hashes []uint64
	for _, s := range b.values[:b.n] {
		hashes = append(hashes, hashValue(b.kind, s))
	}
	b.n = 0
	return hashes
}
