package match

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// PieceSummary gathers, in a piece's own scan, something a caller needs
// of the rows beside the findings (the watch intake's row-set sketch):
// one visitor per scan worker, and what they saw, carried in the piece's
// partial findings so that the caller merges the pieces' summaries after
// the run is merged.
type PieceSummary interface {
	// Visitor is shown the rows that scan worker w reads.
	Visitor(w int) RowVisitor
	// Summary is what every visitor saw, as JSON.
	Summary() (json.RawMessage, error)
}

// SummaryFunc makes the summary of one piece's scan; n is the scanner's
// normaliser, so that a summary normalises values as the scan does.
type SummaryFunc func(n *Normaliser) PieceSummary

// Summarise lets this process's workers make the summary called name,
// for the runs started with it (RunOptions.Summary). Call it before the
// queue starts.
func (d *Distributor) Summarise(name string, f SummaryFunc) {
	if d.summaries == nil {
		d.summaries = map[string]SummaryFunc{}
	}
	d.summaries[name] = f
}

// summaryOf makes the summary that spec's pieces carry; nil if none.
func (d *Distributor) summaryOf(spec runSpec, n *Normaliser) (PieceSummary, error) {
	if spec.Summary == "" {
		return nil, nil
	}
	f := d.summaries[spec.Summary]
	if f == nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "the run's pieces carry a summary (%s) this worker cannot make: start it from a leakdesk build that can", spec.Summary)
	}
	return f(n), nil
}

// visitorOf is the scan's visitor of a summary, nil without one.
func visitorOf(s PieceSummary) func(int) RowVisitor {
	if s == nil {
		return nil
	}
	return s.Visitor
}

// Summaries returns the summary that each piece of a run carries, in
// reading order: ECONFLICT while a piece is not done.
func (d *Distributor) Summaries(ctx context.Context, runID int64) ([]json.RawMessage, error) {
	raw, err := d.runs.MatchPartials(ctx, runID)
	if err != nil {
		return nil, err
	}
	out := make([]json.RawMessage, len(raw))
	for i, b := range raw {
		var p struct {
			Summary json.RawMessage `json:"summary"`
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("decode partial findings of piece %d of match run %d: %w", i, runID, err)
		}
		out[i] = p.Summary
	}
	return out, nil
}
