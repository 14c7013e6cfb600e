package match

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// EvidenceSources returns every piece of an incident's evidence as a leak
// to read through the vault. Each read is logged as actor with purpose.
// An incident without evidence is EINVALID: there is nothing to read.
func EvidenceSources(ctx context.Context, svc leakdesk.EvidenceService, incidentID int64, actor, purpose string) ([]Source, error) {
	list, err := findEvidence(ctx, svc, incidentID)
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
	list, err := findEvidence(ctx, svc, incidentID)
	if err != nil {
		return Source{}, err
	}
	switch {
	case ref == "" && len(list) == 1:
		ref = strconv.FormatInt(list[0].ID, 10)
	case ref == "":
		var names []string
		for _, e := range list {
			names = append(names, fmt.Sprintf("#%d %s", e.ID, e.Filename))
		}
		return Source{}, leakdesk.Errorf(leakdesk.EINVALID, "incident %s holds %d pieces of evidence (%s): say which with --evidence", leakdesk.FormatIncidentID(incidentID), len(list), strings.Join(names, ", "))
	}
	for _, e := range list {
		if ref == strconv.FormatInt(e.ID, 10) || (len(ref) >= 8 && strings.HasPrefix(e.SHA256, strings.ToLower(ref))) {
			return evidenceSource(ctx, svc, incidentID, e, ref, actor, purpose), nil
		}
	}
	return Source{}, leakdesk.Errorf(leakdesk.ENOTFOUND, "evidence %q not found in incident %s", ref, leakdesk.FormatIncidentID(incidentID))
}

// findEvidence lists the incident's evidence, of which there must be some.
func findEvidence(ctx context.Context, svc leakdesk.EvidenceService, incidentID int64) ([]*leakdesk.Evidence, error) {
	list, err := svc.FindEvidence(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "incident %s holds no evidence: add the leak with leakdesk evidence add, or name the files", leakdesk.FormatIncidentID(incidentID))
	}
	return list, nil
}

// evidenceSource is e, read through the vault when the source is opened.
func evidenceSource(ctx context.Context, svc leakdesk.EvidenceService, incidentID int64, e *leakdesk.Evidence, ref, actor, purpose string) Source {
	return Source{Name: fmt.Sprintf("evidence #%d %s", e.ID, e.Filename), Open: func() (io.ReadCloser, error) {
		_, rc, err := svc.OpenEvidence(ctx, incidentID, ref, actor, purpose)
		return rc, err
	}}
}
