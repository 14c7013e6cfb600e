// Package verdict says whether a leak is what its seller claims: real,
// current, complete, new, and proof of access to the organisation. Each
// finding carries its evidence, and what cannot be known is said to be
// unknown. It calls the engines (dump, match, trace) and imports no store.
package verdict

import (
	"context"
	"fmt"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// Unknown is the verdict of a finding that the inputs cannot decide.
const Unknown = "unknown"

// Input is what a verdict is drawn from. Only Leak and Registry are
// required; each finding that needs a missing input says so.
type Input struct {
	Leak     match.Source
	Registry *match.Registry
	History  []match.Change // the registry's change log: dates the leak, and finds former contacts
	Exports  []string       // past export files: the best-matching source, and former contacts
	Earlier  []match.Source // earlier leaks, to tell a new leak from a recycled one
	Own      Own
}

// Report is the verdict on a leak.
type Report struct {
	Leak      string       `json:"leak"`
	Rows      int64        `json:"rows"`
	Authentic Authenticity `json:"authentic"`
	Current   Currency     `json:"current"`
	Complete  Completeness `json:"complete"`
	Recycled  Recycling    `json:"recycled"`
	Access    []Claim      `json:"access"`
	// Secrets counts the secrets and configuration found, by type.
	Secrets []leakdesk.SecretCount `json:"secrets"`
	Unread  []leakdesk.Unread      `json:"unread"`
}

// Verifier draws verdicts with the engines it is given.
type Verifier struct {
	reader  *dump.Reader
	n       *match.Normaliser
	secrets *dump.Secrets
	workers int
}

// New returns a verifier reading with r, normalising with n and looking
// for secrets with s.
func New(r *dump.Reader, n *match.Normaliser, s *dump.Secrets, workers int) *Verifier {
	return &Verifier{reader: r, n: n, secrets: s, workers: max(workers, 2)}
}

// Verify reads the leak and draws every finding. It fails with EINVALID
// when nothing of the leak could be read: a verdict on nothing is none.
func (v *Verifier) Verify(ctx context.Context, in Input) (*Report, error) {
	if in.Registry == nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "a verdict needs the registry")
	}
	findings, err := v.scan(ctx, in)
	if err != nil {
		return nil, err
	}
	if findings.Rows == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s: no row could be read, so nothing can be said of it", in.Leak.Name)
	}
	leaked, _, err := match.ReadRecords(ctx, v.reader, v.n, in.Leak)
	if _, err := dump.Unreads(err); err != nil {
		return nil, err // the parts not read are in the findings
	}
	rep := &Report{Leak: in.Leak.Name, Rows: findings.Rows, Unread: findings.Unread}
	rep.Authentic = authenticity(findings, len(in.History) > 0 || len(in.Exports) > 0)
	rep.Current = currency(ctx, v.n, in.Registry, leaked, in.History)
	if rep.Complete, err = v.completeness(ctx, in, findings); err != nil {
		return nil, err
	}
	if rep.Recycled, err = v.recycling(ctx, leaked, in.Earlier); err != nil {
		return nil, err
	}
	if rep.Access, rep.Secrets, err = v.access(ctx, in.Leak, in.Own); err != nil {
		return nil, err
	}
	return rep, nil
}

// scan links the leak to the registry, with the past searched for former
// contacts when there is one, as leakdesk match does.
func (v *Verifier) scan(ctx context.Context, in Input) (*leakdesk.Findings, error) {
	scanner := match.NewScanner(v.reader, v.n, match.NewMatcher(in.Registry, match.DefaultWeights()), v.workers)
	if len(in.Exports) > 0 || len(in.History) > 0 {
		past, _, err := match.LoadPast(ctx, v.reader, v.n, in.Exports, in.History)
		if err != nil {
			return nil, fmt.Errorf("load the past: %w", err)
		}
		scanner.WithPast(past)
	}
	return scanner.Scan(ctx, []match.Source{in.Leak})
}

// share is part/whole, 0 for an empty whole.
func share(part, whole int64) float64 {
	if whole <= 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

func percent(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }
