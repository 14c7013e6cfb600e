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
// It keeps the hash of every perfect subtree, so that a root at any size
// or a proof costs O(log n) once the tree is built: verify checks every
// checkpoint an incident ever had.
type Tree struct {
	size  uint64
	nodes map[compact.NodeID][]byte
}

var factory = compact.RangeFactory{Hash: hasher.HashChildren}

// NewTree builds the tree over events, which must be in order.
func NewTree(events []*leakdesk.Event) *Tree {
	t := &Tree{size: uint64(len(events)), nodes: make(map[compact.NodeID][]byte, 2*len(events))}
	r := factory.NewEmptyRange(0)
	keep := func(id compact.NodeID, hash []byte) { t.nodes[id] = hash }
	for _, ev := range events {
		if err := r.Append(hasher.HashLeaf(LeafData(ev)), keep); err != nil {
			panic("proof: append to a compact range from 0: " + err.Error()) // cannot fail
		}
	}
	return t
}

// Size is the number of leaves.
func (t *Tree) Size() int64 { return int64(t.size) }

// Root returns the hex root of the first size leaves.
func (t *Tree) Root(size int64) (string, error) {
	if size < 0 || size > t.Size() {
		return "", fmt.Errorf("tree of %d events has no root at size %d", t.Size(), size)
	}
	if size == 0 {
		return hex.EncodeToString(hasher.EmptyRoot()), nil
	}
	ids := compact.RangeNodes(0, uint64(size), nil)
	hashes := make([][]byte, len(ids))
	for i, id := range ids {
		hashes[i] = t.nodes[id]
	}
	r, err := factory.NewRange(0, uint64(size), hashes)
	if err != nil {
		return "", fmt.Errorf("merkle range: %w", err)
	}
	h, err := r.GetRootHash(nil)
	if err != nil {
		return "", fmt.Errorf("merkle root: %w", err)
	}
	return hex.EncodeToString(h), nil
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
	if size < 0 || size > t.Size() {
		return nil, fmt.Errorf("tree of %d events has no size %d", t.Size(), size)
	}
	nodes, err := plan()
	if err != nil {
		return nil, err
	}
	return t.rehash(nodes)
}

// rehash fetches the hash of every node a proof names: each is a perfect
// subtree, kept when the tree was built.
func (t *Tree) rehash(nodes merkleproof.Nodes) ([][]byte, error) {
	hashes := make([][]byte, len(nodes.IDs))
	for i, id := range nodes.IDs {
		h, ok := t.nodes[id]
		if !ok {
			return nil, fmt.Errorf("merkle node %+v is not in the tree", id)
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
