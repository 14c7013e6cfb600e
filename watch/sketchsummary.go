package watch

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/leakdesk/leakdesk/match"
)

// RowSetSummary names the summary that carries the row-set sketch of
// each piece of a file triaged in pieces: every leakdesk worker makes it
// (match.Distributor.Summarise with NewSketchSummary).
const RowSetSummary = "watch.rowset"

// sketchState is what a piece's sketchers saw, as its partial findings
// carry it: the smallest hashes, and every hash while they are few
// enough to count. Merged in any order, the states of a file's pieces
// give the sketch of one scan of the whole file, since a sketcher's
// merge is a union.
type sketchState struct {
	Kept  []uint64 `json:"kept"`
	Exact []uint64 `json:"exact,omitempty"`
	// Counted says that Exact holds every hash seen; false once there
	// were too many to count.
	Counted bool `json:"counted"`
}

// sketchSummary sketches a piece's rows in its scan, one sketcher per
// scan worker.
type sketchSummary struct {
	n        *match.Normaliser
	sketches []*sketcher
}

// NewSketchSummary is the match.SummaryFunc of RowSetSummary.
func NewSketchSummary(n *match.Normaliser) match.PieceSummary {
	return &sketchSummary{n: n}
}

// Visitor is called once per scan worker before the scan reads.
func (s *sketchSummary) Visitor(int) match.RowVisitor {
	sk := newSketcher(s.n)
	s.sketches = append(s.sketches, sk)
	return sk.addRow
}

func (s *sketchSummary) Summary() (json.RawMessage, error) {
	all := newSketcher(s.n)
	for _, sk := range s.sketches {
		all.merge(sk)
	}
	st := sketchState{Kept: slices.Sorted(maps.Keys(all.kept)), Counted: all.exact != nil}
	if all.exact != nil {
		st.Exact = slices.Sorted(maps.Keys(all.exact))
	}
	return json.Marshal(st)
}

// mergeSketchStates is the RowSet of a file from the summaries of its
// pieces. A piece without a summary (read by a worker that does not
// sketch) makes the sketch unknown, which is an error, not an empty set.
func mergeSketchStates(n *match.Normaliser, summaries []json.RawMessage) (RowSet, error) {
	all := newSketcher(n)
	for i, raw := range summaries {
		if len(raw) == 0 {
			return RowSet{}, fmt.Errorf("piece %d carries no row-set sketch", i)
		}
		var st sketchState
		if err := json.Unmarshal(raw, &st); err != nil {
			return RowSet{}, fmt.Errorf("row-set sketch of piece %d: %w", i, err)
		}
		all.merge(st.sketcher(n))
	}
	return all.rowSet(), nil
}

// sketcher is a sketcher that saw what st holds.
func (st sketchState) sketcher(n *match.Normaliser) *sketcher {
	s := newSketcher(n)
	for _, h := range st.Kept {
		s.keep(h)
	}
	s.exact = nil
	if st.Counted {
		s.exact = make(map[uint64]bool, len(st.Exact))
		for _, h := range st.Exact {
			s.exact[h] = true
		}
	}
	return s
}
