package leakdesk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// FindEvidenceRef returns the piece of the incident's evidence that ref
// names: its number, or a prefix of its SHA-256 of at least 8 characters,
// or, when ref is empty, the only piece there is. Returns EINVALID when the
// incident holds none, or several and ref is empty; ENOTFOUND.
func FindEvidenceRef(ctx context.Context, svc EvidenceService, incidentID int64, ref string) (*Evidence, error) {
	list, err := FindSomeEvidence(ctx, svc, incidentID)
	if err != nil {
		return nil, err
	}
	switch {
	case ref == "" && len(list) == 1:
		return list[0], nil
	case ref == "":
		var names []string
		for _, e := range list {
			names = append(names, fmt.Sprintf("#%d %s", e.ID, e.Filename))
		}
		return nil, Errorf(EINVALID, "incident %s holds %d pieces of evidence (%s): say which with --evidence", FormatIncidentID(incidentID), len(list), strings.Join(names, ", "))
	}
	for _, e := range list {
		if ref == strconv.FormatInt(e.ID, 10) || (len(ref) >= 8 && strings.HasPrefix(e.SHA256, strings.ToLower(ref))) {
			return e, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "evidence %q not found in incident %s", ref, FormatIncidentID(incidentID))
}

// FindSomeEvidence lists the incident's evidence, of which there must be
// some: EINVALID when there is none, since there is nothing to read.
func FindSomeEvidence(ctx context.Context, svc EvidenceService, incidentID int64) ([]*Evidence, error) {
	list, err := svc.FindEvidence(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, Errorf(EINVALID, "incident %s holds no evidence: add the leak with leakdesk evidence add, or name the files", FormatIncidentID(incidentID))
	}
	return list, nil
}

// Label names the piece of evidence in reports about what was read, by
// its number and file name, so that two pieces of the same name differ.
func (e *Evidence) Label() string {
	return fmt.Sprintf("evidence #%d %s", e.ID, e.Filename)
}
