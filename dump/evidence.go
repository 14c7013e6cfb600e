package dump

import (
	"context"
	"strconv"

	"github.com/leakdesk/leakdesk"
)

// EvidenceProfiler profiles an incident's evidence, read through the
// evidence service so that every read is logged on the timeline. It
// implements leakdesk.EvidenceProfiler, which the assessment takes, so that
// package rules never reads a file itself.
type EvidenceProfiler struct {
	evidence leakdesk.EvidenceService
	secrets  *Secrets
	spoolDir func() (string, error)
}

// NewEvidenceProfiler returns a profiler of the evidence svc holds. Samples
// are masked. Decrypted evidence that needs random access is spooled to the
// directory spoolDir returns, asked only when a piece is read, so that
// nothing is made for a command that reads none.
func NewEvidenceProfiler(svc leakdesk.EvidenceService, spoolDir func() (string, error)) (*EvidenceProfiler, error) {
	secrets, err := LoadSecrets()
	if err != nil {
		return nil, err
	}
	return &EvidenceProfiler{evidence: svc, secrets: secrets, spoolDir: spoolDir}, nil
}

// Inspection says how a person reads a piece of evidence: with which
// limits, and whether samples show in clear. The zero value reads with the
// default limits and masks samples.
type Inspection struct {
	Read       Options // its SpoolDir is the profiler's
	ShowValues bool
}

// Inspect profiles the piece of the incident's evidence that ref names
// (its number or a SHA-256 prefix; the only one when empty) as how says,
// the read logged as actor with purpose, as "leakdesk inspect --incident"
// and the API show it. Returns EINVALID, ENOTFOUND.
func (p *EvidenceProfiler) Inspect(ctx context.Context, incidentID int64, ref, actor, purpose string, how Inspection) (*FileProfile, error) {
	e, err := leakdesk.FindEvidenceRef(ctx, p.evidence, incidentID, ref)
	if err != nil {
		return nil, err
	}
	return p.profile(ctx, incidentID, e, e.Label(), actor, purpose, how)
}

// ProfilePiece profiles one piece of the incident's evidence, named by
// its file name, the read logged as actor with purpose.
func (p *EvidenceProfiler) ProfilePiece(ctx context.Context, incidentID int64, e *leakdesk.Evidence, actor, purpose string) (*FileProfile, error) {
	return p.profile(ctx, incidentID, e, e.Filename, actor, purpose, Inspection{})
}

func (p *EvidenceProfiler) profile(ctx context.Context, incidentID int64, e *leakdesk.Evidence, name, actor, purpose string, how Inspection) (*FileProfile, error) {
	// Decrypted evidence spools in the vault, never beside plain files.
	spoolDir, err := p.spoolDir()
	if err != nil {
		return nil, err
	}
	how.Read.SpoolDir = spoolDir
	reader, err := NewReader(how.Read)
	if err != nil {
		return nil, err
	}
	_, rc, err := p.evidence.OpenEvidence(ctx, incidentID, strconv.FormatInt(e.ID, 10), actor, purpose)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return NewProfiler(reader, p.secrets, how.ShowValues).ProfileStream(ctx, name, rc, e.Size)
}

// ProfileEvidence profiles every piece of the incident's evidence and sums
// what they hold. Persons are counted by distinct e-mail address, the
// most any one column holds: matching, where it ran, counts better.
func (p *EvidenceProfiler) ProfileEvidence(ctx context.Context, incidentID int64, actor, purpose string) (*leakdesk.EvidenceProfile, error) {
	list, err := p.evidence.FindEvidence(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	out := &leakdesk.EvidenceProfile{Categories: map[string]int64{}, PersonsHow: leakdesk.PersonsByEmail}
	for _, e := range list {
		out.Sources = append(out.Sources, e.Source)
		fp, err := p.ProfilePiece(ctx, incidentID, e, actor, purpose)
		if err != nil {
			return nil, err
		}
		for c, n := range fp.Categories {
			out.Categories[c] += n
		}
		for _, t := range fp.Tables {
			out.Records += t.Rows
			out.Special = append(out.Special, t.SpecialHints...)
			for _, c := range t.Columns {
				if c.Role == RoleEmail {
					out.Persons = max(out.Persons, c.Distinct)
				}
			}
		}
	}
	return out, nil
}
