package proof

import (
	"encoding/hex"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	merkleproof "github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/leakdesk/leakdesk"
)

// LeafData is what the Merkle tree commits to for one event: its chain hash
// as 64 lower-case hexadecimal ASCII characters. The chain hash covers every
// field of the event and the hash before it (leakdesk.Event.ComputeHash),
// so the leaf needs nothing else, and an outsider recomputes the leaf hash
// as SHA-256(0x00 || LeafData) from the events file alone.
func LeafData(ev *leakdesk.Event) []byte { return []byte(ev.Hash) }

var hasher = rfc6962.DefaultHasher

// Tree is the RFC 6962 Merkle tree over an incident's events in order.
type Tree struct {
	leaves [][]byte // leaf hashes
}

// NewTree builds the tree over events, which must be in order.
func NewTree(events []*leakdesk.Event) *Tree {
	t := &Tree{leaves: make([][]byte, len(events))}
	for i, ev := range events {
		t.leaves[i] = hasher.HashLeaf(LeafData(ev))
	}
	return t
}

// Size is the number of leaves.
func (t *Tree) Size() int64 { return int64(len(t.leaves)) }

// Root returns the hex root of the first size leaves.
func (t *Tree) Root(size int64) (string, error) {
	if size < 0 || size > t.Size() {
		return "", fmt.Errorf("tree of %d events has no root at size %d", t.Size(), size)
	}
	if size == 0 {
		return hex.EncodeToString(hasher.EmptyRoot()), nil
	}
	h, err := t.subtreeHash(0, uint64(size))
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h), nil
}

// subtreeHash is the Merkle hash of leaves [begin, end): any prefix of the
// tree (begin 0), or a perfect subtree, which a compact range holds whole.
func (t *Tree) subtreeHash(begin, end uint64) ([]byte, error) {
	factory := compact.RangeFactory{Hash: hasher.HashChildren}
	r := factory.NewEmptyRange(begin)
	for _, leaf := range t.leaves[begin:end] {
		if err := r.Append(leaf, nil); err != nil {
			return nil, fmt.Errorf("merkle range: %w", err)
		}
	}
	if begin == 0 {
		return r.GetRootHash(nil)
	}
	if hashes := r.Hashes(); len(hashes) == 1 {
		return hashes[0], nil
	}
	return nil, fmt.Errorf("leaves %d to %d are not a perfect subtree", begin, end)
}

// InclusionProof proves that leaf index (0-based) is in the tree of size.
func (t *Tree) InclusionProof(index, size int64) ([][]byte, error) {
	return t.proof(size, func() (merkleproof.Nodes, error) { return merkleproof.Inclusion(uint64(index), uint64(size)) })
}

// ConsistencyProof proves that the tree of size1 is a prefix of size2.
func (t *Tree) ConsistencyProof(size1, size2 int64) ([][]byte, error) {
	return t.proof(size2, func() (merkleproof.Nodes, error) { return merkleproof.Consistency(uint64(size1), uint64(size2)) })
}

// proof builds the proof whose nodes plan names, in a tree of size.
func (t *Tree) proof(size int64, plan func() (merkleproof.Nodes, error)) ([][]byte, error) {
	if size > t.Size() {
		return nil, fmt.Errorf("tree of %d events has no size %d", t.Size(), size)
	}
	nodes, err := plan()
	if err != nil {
		return nil, err
	}
	return t.rehash(nodes)
}

// rehash fetches the hash of every node a proof names; each is a perfect
// subtree of the leaves, so its hash is that of its leaf range.
func (t *Tree) rehash(nodes merkleproof.Nodes) ([][]byte, error) {
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		begin, end := id.Coverage()
		h, err := t.subtreeHash(begin, end)
		if err != nil {
			return nil, err
		}
		hashes[i] = h
	}
	return nodes.Rehash(hashes, hasher.HashChildren)
}

// VerifyInclusion checks an inclusion proof of leafData at index against
// the hex root of a tree of size.
func VerifyInclusion(leafData []byte, index, size int64, proof [][]byte, root string) error {
	rootBytes, err := hex.DecodeString(root)
	if err != nil {
		return fmt.Errorf("root is not hexadecimal: %w", err)
	}
	return merkleproof.VerifyInclusion(hasher, uint64(index), uint64(size), hasher.HashLeaf(leafData), proof, rootBytes)
}

// VerifyConsistency checks that root1 (size1) is a prefix of root2 (size2).
func VerifyConsistency(size1, size2 int64, proof [][]byte, root1, root2 string) error {
	r1, err1 := hex.DecodeString(root1)
	r2, err2 := hex.DecodeString(root2)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("roots are not hexadecimal")
	}
	return merkleproof.VerifyConsistency(hasher, uint64(size1), uint64(size2), proof, r1, r2)
}
