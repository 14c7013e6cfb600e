package match

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

// Request is a matching run: leaks against a registry.
type Request struct {
	Registry        string
	RegistryOptions RegistryOptions
	Leaks           []Source
	// PastExports (files) and History (the registry's change log) are
	// searched for former contacts: leaked people no longer in the
	// registry, data subjects still.
	PastExports []string
	History     string
	// EstimateWeights estimates the linkage weights from the leak by EM
	// instead of using the documented defaults.
	EstimateWeights bool
	Read            dump.Options // how to read the registry and the leaks
	Incident        int64        // the incident the findings are stored in; 0: none
	Actor           string
}

// Matched is what a run found. Findings is the JSON contract of
// "leakdesk match --format json".
type Matched struct {
	Findings *leakdesk.Findings
	Registry *Registry // the registry read, described in tables
	// PastUnread names the past exports not read, in whole or in part:
	// former contacts in them are not found.
	PastUnread []leakdesk.Unread
	estimated  map[string]float64 // the weights estimated from the leak, if they were
}

// Service runs matches and stores their findings.
type Service struct {
	findings leakdesk.FindingsService
	logger   *slog.Logger
}

// NewService returns a service that stores findings in findings, which
// may be nil when no run names an incident.
func NewService(findings leakdesk.FindingsService, logger *slog.Logger) *Service {
	return &Service{findings: findings, logger: logger}
}

// estimateSample is how many leaked records EM learns from: enough for
// every comparison outcome to be seen often, few enough to take seconds.
const estimateSample = 50_000

// Match links every leaked row to the registry and, when the request
// names an incident, stores the findings in it. Findings of a leak of
// which nothing could be read are not findings: they are returned with an
// EUNREAD error, to say what was not read, and not stored.
func (s *Service) Match(ctx context.Context, r Request) (*Matched, error) {
	scanner, out, err := s.setup(ctx, r)
	if err != nil {
		return nil, err
	}
	if out.Findings, err = scanner.Scan(ctx, r.Leaks); err != nil {
		return nil, err
	}
	if err := s.Conclude(ctx, r, out); err != nil {
		if leakdesk.ErrorCode(err) == leakdesk.EUNREAD {
			return out, err
		}
		return nil, err
	}
	return out, nil
}

// ScannerFor loads what r names (the registry, its history, the past
// exports) and returns a scanner of the leaks against them, for runs that
// scan a leak in pieces (ScanPiece) and merge them (Merge). Weights are
// not estimated there: EM learns from the leak's first records, which a
// piece does not hold.
func (s *Service) ScannerFor(ctx context.Context, r Request) (*Scanner, *Matched, error) {
	if r.EstimateWeights {
		return nil, nil, leakdesk.Errorf(leakdesk.EINVALID, "weights cannot be estimated when the leak is matched in pieces; match it in one process")
	}
	return s.setup(ctx, r)
}

// setup loads the registry, its history and the past exports, and
// returns a scanner over them with what the run found so far.
func (s *Service) setup(ctx context.Context, r Request) (*Scanner, *Matched, error) {
	reader, err := dump.NewReader(r.Read)
	if err != nil {
		return nil, nil, err
	}
	n := NewNormaliser(cmp.Or(r.Read.Region, "FR")) // as dump reads them by default
	reg, err := LoadRegistry(ctx, reader, n, r.Registry, r.RegistryOptions)
	if err != nil {
		return nil, nil, err
	}
	s.logger.Info("registry loaded", "file", r.Registry, "contacts", reg.Len())
	// The registry's history gives its contacts the values they held
	// before, so that a leak of an old export links through them.
	var changes []Change
	if r.History != "" {
		if changes, err = ReadHistory(r.History); err != nil {
			return nil, nil, err
		}
		reg.AddHistory(changes)
	}
	matcher := NewMatcher(reg, DefaultWeights())
	out := &Matched{Registry: reg}
	if r.EstimateWeights {
		if matcher, out.estimated, err = s.estimateWeights(ctx, reader, n, reg, r.Leaks); err != nil {
			return nil, nil, err
		}
	}
	scanner := NewScanner(reader, n, matcher, max(r.Read.Workers, 2))
	if len(r.PastExports) > 0 || r.History != "" {
		past, unread, err := LoadPast(ctx, reader, n, r.PastExports, changes)
		if err != nil {
			return nil, nil, err
		}
		scanner.WithPast(past)
		out.PastUnread = unread
	}
	return scanner, out, nil
}

// Conclude completes the findings out holds and, when the request names
// an incident, stores them in it. Findings of a leak of which nothing
// could be read are not findings: they are returned with an EUNREAD
// error, to say what was not read, and not stored.
func (s *Service) Conclude(ctx context.Context, r Request, out *Matched) error {
	out.Findings.Weights, out.Findings.Registry = out.estimated, r.Registry
	if out.Findings.NothingRead() {
		return leakdesk.Errorf(leakdesk.EUNREAD, "nothing could be read from the leak (%d files not read): its content is unknown, not empty", len(out.Findings.Unread))
	}
	if r.Incident != 0 {
		if s.findings == nil {
			return fmt.Errorf("match: storing findings in incident %d without a findings service", r.Incident)
		}
		out.Findings.IncidentID, out.Findings.Actor = r.Incident, r.Actor
		var err error
		if out.Findings, err = s.withDecisions(ctx, r.Incident, out.Findings); err != nil {
			return err
		}
		if err := s.findings.RecordFindings(ctx, out.Findings); err != nil {
			return err
		}
	}
	return nil
}

// withDecisions carries the review decisions of the incident's latest
// findings over to f (see carryDecisions).
func (s *Service) withDecisions(ctx context.Context, incident int64, f *leakdesk.Findings) (*leakdesk.Findings, error) {
	switch prev, err := s.findings.LatestFindings(ctx, incident); {
	case err == nil:
		return carryDecisions(prev, f), nil
	case leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND:
		return nil, err
	}
	return f, nil
}

// estimateWeights estimates the linkage weights from a sample of the leak.
// It keeps the defaults, and says so, when EM does not converge.
func (s *Service) estimateWeights(ctx context.Context, reader *dump.Reader, n *Normaliser, reg *Registry, leaks []Source) (*Matcher, map[string]float64, error) {
	recs, err := SampleRecords(ctx, reader, n, leaks, estimateSample)
	if err != nil {
		return nil, nil, err
	}
	w, est := NewMatcher(reg, DefaultWeights()).EstimateWeights(recs)
	if !est.Converged {
		s.logger.Warn("linkage weights could not be estimated from the leak; the defaults are used", "records", len(recs), "pairs", est.Pairs, "iterations", est.Iterations)
		return NewMatcher(reg, DefaultWeights()), nil, nil
	}
	s.logger.Info("linkage weights estimated", "records", len(recs), "pairs", est.Pairs, "patterns", est.Patterns, "iterations", est.Iterations, "link_share", est.MatchShare)
	return NewMatcher(reg, w), w.Levels(), nil
}
