// Package proof makes an incident's timeline checkable by outsiders: an
// RFC 6962 Merkle tree over its events, checkpoints signed with Ed25519,
// copies of them at witnesses outside the database, RFC 3161 timestamps,
// inclusion and consistency proofs, and the bundle that carries all of it
// to a regulator. It never imports the store; cmd wires it.
//
// The formats are defined in docs/proof.md, which is what an outsider
// needs to recompute everything with standard tools.
package proof
