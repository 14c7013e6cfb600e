package match

import (
	"context"
	"io"
	"strconv"

	"github.com/leakdesk/leakdesk"
)

// EvidenceSources returns every piece of an incident's evidence as a leak
// to read through the vault. Each read is logged as actor with purpose.
// An incident without evidence is EINVALID: there is nothing to read.
func EvidenceSources(ctx context.Context, svc leakdesk.EvidenceService, incidentID int64, actor, purpose string) ([]Source, error) {
	list, err := leakdesk.FindSomeEvidence(ctx, svc, incidentID)
	if err != nil {
		return nil, err
	}
	var out []Source
	for _, e := range list {
		out = append(out, evidenceSource(ctx, svc, incidentID, e, strconv.FormatInt(e.ID, 10), actor, purpose))
	}
	return out, nil
}

// EvidenceSource returns one piece of an incident's evidence as a leak to
// read through the vault: the one ref names (its number or a SHA-256
// prefix), or the only one there is. The read is logged as actor with
// purpose.
func EvidenceSource(ctx context.Context, svc leakdesk.EvidenceService, incidentID int64, ref, actor, purpose string) (Source, error) {
	e, err := leakdesk.FindEvidenceRef(ctx, svc, incidentID, ref)
	if err != nil {
		return Source{}, err
	}
	return evidenceSource(ctx, svc, incidentID, e, strconv.FormatInt(e.ID, 10), actor, purpose), nil
}

// evidenceSource is e, read through the vault when the source is opened.
func evidenceSource(ctx context.Context, svc leakdesk.EvidenceService, incidentID int64, e *leakdesk.Evidence, ref, actor, purpose string) Source {
	return Source{Name: e.Label(), Open: func() (io.ReadCloser, error) {
		_, rc, err := svc.OpenEvidence(ctx, incidentID, ref, actor, purpose)
		return rc, err
	}}
}
