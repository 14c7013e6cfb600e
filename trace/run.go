package trace

import (
	"cmp"
	"context"
	"path/filepath"
	"slices"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// RankRequest is a leak to rank candidate files against.
type RankRequest struct {
	Leak       match.Source
	Candidates []string // files, or directories walked for files
	Log        string   // the export audit log, which names who made each file; "": none
	// Registry and History, both or neither, date the leak: when its data
	// was taken, from the registry's history of changes.
	Registry string
	History  string
	Read     dump.Options // how to read the leak and the candidates
	Incident int64        // the incident the ranking is recorded on; 0: none
	Actor    string
}

// Rank ranks the candidate files by how well each explains the leak, dates
// the leak when asked, and records the ranking on the incident when one is
// named. The result's Unread names the parts of the leak not read.
func (s *Service) Rank(ctx context.Context, r RankRequest) (*Result, error) {
	if (r.Registry == "") != (r.History == "") {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "dating needs both --registry and --history")
	}
	files, err := CandidateFiles(r.Candidates)
	if err != nil {
		return nil, err
	}
	var log map[string]*LogEntry
	if r.Log != "" {
		if log, err = ReadLog(r.Log); err != nil {
			return nil, err
		}
		// The log often sits among the exports it lists: it is no candidate.
		abs, _ := filepath.Abs(r.Log)
		files = slices.DeleteFunc(files, func(f string) bool { p, _ := filepath.Abs(f); return p == abs })
	}
	reader, err := dump.NewReader(r.Read)
	if err != nil {
		return nil, err
	}
	n := match.NewNormaliser(cmp.Or(r.Read.Region, "FR")) // as dump reads them by default
	res, err := New(reader, n).Trace(ctx, r.Leak, files, log)
	if err != nil {
		return nil, err
	}
	if r.Registry != "" {
		if res.Dating, err = dateLeak(ctx, reader, n, r); err != nil {
			return nil, err
		}
	}
	if r.Incident != 0 {
		if err := s.record(ctx, r.Incident, r.Actor, leakdesk.EventTraceRanked, res.payload()); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// dateLeak estimates when the leaked data was taken from the registry's
// history. Parts of the leak not read are in the ranking's Unread already.
func dateLeak(ctx context.Context, reader *dump.Reader, n *match.Normaliser, r RankRequest) (*Dating, error) {
	reg, err := match.LoadRegistry(ctx, reader, n, r.Registry, match.RegistryOptions{})
	if err != nil {
		return nil, err
	}
	changes, err := ReadHistory(r.History)
	if err != nil {
		return nil, err
	}
	leaked, _, err := match.ReadRecords(ctx, reader, n, r.Leak)
	if _, err := dump.Unreads(err); err != nil {
		return nil, err
	}
	d := Date(ctx, n, reg, leaked, changes)
	return &d, nil
}

// payload is the ranking as its timeline event keeps it: the best three
// candidates with their evidence, and the dating. Evidence holds no
// leaked value (Candidate.Example is left out), so the timeline holds no
// personal data from the ranking.
func (res *Result) payload() leakdesk.TraceRanked {
	p := leakdesk.TraceRanked{Leak: res.Leak, Verdict: res.Verdict, Note: res.Note, Dating: res.Dating,
		Candidates: len(res.Candidates), Union: res.Union}
	for _, c := range res.Candidates[:min(3, len(res.Candidates))] {
		rc := leakdesk.RankedCandidate{File: c.File, Rank: c.Rank, Score: c.Score, Containment: c.Containment, Coverage: c.Coverage,
			Error: c.Error, Evidence: c.Evidence}
		if c.Export != nil {
			e := leakdesk.ExportLogEntry(*c.Export)
			rc.Export = &e
		}
		p.Top = append(p.Top, rc)
	}
	return p
}
