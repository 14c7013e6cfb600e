// Package share exports an incident for CERTs, as a STIX 2.1 bundle or a
// MISP event: the leak's file hashes and where it was seen, the decoys as
// indicators, the seller's handle, and the secrets found as types and
// counts. Personal data never leaves: free text is masked, each personal
// value replaced by a keyed hash that only the organisation can check.
package share

import (
	"context"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Incident is what is shared of an incident, personal data masked.
type Incident struct {
	ID        string                 `json:"id"`
	Title     string                 `json:"title"`
	Status    string                 `json:"status"`
	Created   time.Time              `json:"created"`
	AwareAt   time.Time              `json:"aware_at,omitzero"`
	Reporter  string                 `json:"reporter"` // the organisation, from the controller fact
	Files     []File                 `json:"files"`
	SeenAt    []string               `json:"seen_at"`
	Seller    string                 `json:"seller,omitempty"`
	Decoys    []Decoy                `json:"decoys"`
	Secrets   []leakdesk.SecretCount `json:"secrets"`
	Affected  int                    `json:"affected"` // registry contacts in the leak: a count, never who
	Verdicts  []string               `json:"verdicts"` // the latest verdict on the leak, "question: answer"
	namespace string                 // seeds the stable identifiers of the shared objects
}

// File is a leaked file kept as evidence.
type File struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Source string `json:"source"` // where it was found
}

// Decoy is a planted value whose use betrays the list: mail to it, or a
// call, means someone uses a copy.
type Decoy struct {
	Kind   string `json:"kind"` // email, phone, domain
	Value  string `json:"value"`
	Export string `json:"export"`
}

// Services are the stores an incident is gathered from.
type Services struct {
	Incidents leakdesk.IncidentService
	Evidence  leakdesk.EvidenceService
	Exports   leakdesk.ExportService
	Findings  leakdesk.FindingsService
}

// Gather reads an incident from the stores, masking free text with m.
// Returns ENOTFOUND for an unknown incident.
func Gather(ctx context.Context, svc Services, id int64, m *Masker) (*Incident, error) {
	inc, err := svc.Incidents.FindIncidentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	findings, err := svc.Findings.LatestFindings(ctx, id)
	switch {
	case leakdesk.ErrorCode(err) == leakdesk.ENOTFOUND:
		findings = &leakdesk.Findings{}
	case err != nil:
		return nil, err
	}
	// Everyone the findings name is masked wherever free text names them.
	m.Learn(findings)
	events, err := svc.Incidents.FindEvents(ctx, id)
	if err != nil {
		return nil, err
	}
	evidence, err := svc.Evidence.FindEvidence(ctx, id)
	if err != nil {
		return nil, err
	}
	exports, err := svc.Exports.Exports(ctx)
	if err != nil {
		return nil, err
	}
	facts := leakdesk.Facts(events)
	out := &Incident{ID: inc.PublicID(), Title: m.Text(inc.Title), Status: inc.Status, Created: inc.CreatedAt, AwareAt: inc.AwareAt,
		Reporter: m.Text(facts["controller"]), Seller: m.Text(facts["seller"]), Affected: len(findings.Contacts),
		Files: []File{}, SeenAt: []string{}, Decoys: []Decoy{}, Secrets: []leakdesk.SecretCount{}, Verdicts: []string{},
		namespace: fmt.Sprintf("%s/%s", inc.PublicID(), inc.CreatedAt.UTC().Format(time.RFC3339Nano))}
	if out.Reporter == "" {
		out.Reporter = "leakdesk"
	}
	if s := facts["seen_at"]; s != "" {
		out.SeenAt = append(out.SeenAt, m.Text(s))
	}
	for _, e := range evidence {
		out.Files = append(out.Files, File{Name: m.Text(e.Filename), SHA256: e.SHA256, Size: e.Size, Source: m.Text(e.Source)})
	}
	for _, e := range exports {
		out.Decoys = append(out.Decoys, decoysOf(e)...)
	}
	if v := latestVerdict(events); v != nil {
		out.Secrets = v.Secrets
		for _, f := range v.Findings {
			out.Verdicts = append(out.Verdicts, f.Question+": "+f.Verdict)
		}
	}
	return out, nil
}

// decoysOf lists an export's decoys: its decoy contacts, and the domains
// they were drawn from, which no real person uses.
func decoysOf(e *leakdesk.Export) []Decoy {
	var out []Decoy
	for _, d := range e.DecoyDomains {
		out = append(out, Decoy{Kind: "domain", Value: d, Export: e.ID})
	}
	if e.DecoyDomain != "" {
		out = append(out, Decoy{Kind: "domain", Value: e.DecoyDomain, Export: e.ID})
	}
	for _, c := range e.DecoyContacts {
		if c.Email != "" {
			out = append(out, Decoy{Kind: "email", Value: c.Email, Export: e.ID})
		}
		for _, p := range []string{c.Phone, c.Mobile} {
			if p != "" {
				out = append(out, Decoy{Kind: "phone", Value: p, Export: e.ID})
			}
		}
	}
	return out
}

// latestVerdict is the last verdict on the leak recorded on the timeline.
func latestVerdict(events []*leakdesk.Event) *leakdesk.LeakVerifiedPayload {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Kind != leakdesk.EventLeakVerified {
			continue
		}
		if p, err := leakdesk.DecodePayload(events[i]); err == nil {
			return p.(*leakdesk.LeakVerifiedPayload)
		}
	}
	return nil
}
