package leakdesk

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// AssessmentConfirmed is the payload of an "assessment.confirmed" event:
// the severity a responder confirmed, and what the evidence held when they
// did. Its JSON is what timelines already hold: change it only by adding.
type AssessmentConfirmed struct {
	Severity Severity        `json:"severity"`
	Findings EvidenceProfile `json:"findings"`
}

// LatestAssessment returns the latest confirmed assessment of a timeline,
// with its event, or ENOTFOUND when none was confirmed.
func LatestAssessment(events []*Event) (*Event, *AssessmentConfirmed, error) {
	for _, ev := range slices.Backward(events) {
		if ev.Kind != EventAssessmentConfirmed {
			continue
		}
		var as AssessmentConfirmed
		if err := json.Unmarshal(ev.Details, &as); err != nil {
			return nil, nil, fmt.Errorf("read assessment of event %d: %w", ev.Seq, err)
		}
		return ev, &as, nil
	}
	return nil, nil, Errorf(ENOTFOUND, "no assessment was confirmed")
}

// PersonsByEmail is how persons are counted without matching.
const PersonsByEmail = "distinct e-mail addresses in the evidence"

// EvidenceProfile sums what an incident's evidence holds, as profiled when
// each piece was read.
type EvidenceProfile struct {
	Categories map[string]int64 `json:"categories"`
	Special    []string         `json:"special_category_hints"`
	Persons    int64            `json:"persons"`
	PersonsHow string           `json:"persons_how"`
	Records    int64            `json:"records"`
	Sources    []string         `json:"sources,omitempty"` // where each piece of evidence was found
	// People breaks Persons down when matching counted them.
	People *People `json:"people,omitempty"`
}

// EvidenceProfiler profiles all of an incident's evidence. Package dump
// implements it; the assessment takes it so that it never reads files.
type EvidenceProfiler interface {
	// ProfileEvidence reads every piece of the incident's evidence, each
	// read logged as actor with purpose, and sums what they hold.
	ProfileEvidence(ctx context.Context, incidentID int64, actor, purpose string) (*EvidenceProfile, error)
}

// SeverityInput holds the factors of the ENISA (2013) methodology for the
// severity of a personal data breach. Each carries the reason it has its
// value, whether derived from the findings or set by the responder.
type SeverityInput struct {
	DPC       Factor `json:"dpc"`                // data processing context: 1 simple, 2 behavioural, 3 financial, 4 sensitive
	EI        Factor `json:"ei"`                 // ease of identification: 0.25, 0.5, 0.75 or 1
	CBConf    Factor `json:"cb_confidentiality"` // 0, 0.25 (known recipients) or 0.5 (unknown recipients)
	CBInteg   Factor `json:"cb_integrity"`       // 0, 0.25 (altered, recoverable) or 0.5 (not recoverable)
	CBAvail   Factor `json:"cb_availability"`    // 0, 0.25 (temporary) or 0.5 (permanent)
	Malicious Factor `json:"cb_malicious"`       // 0 or 0.5
}

// Factor is one input with where its value comes from. An Unknown factor
// has no value yet: its Reason says which question answers it, and no
// proposal is made until it is answered.
type Factor struct {
	Value   float64 `json:"value"`
	Reason  string  `json:"reason"`
	Set     bool    `json:"set_by_responder"`
	Unknown bool    `json:"unknown,omitempty"`
	// ReasonKey names a default reason of package rules, with its
	// arguments, so that a report in another language says it in that
	// language. Empty for a responder's own reason, which is shown as given.
	ReasonKey  string   `json:"reason_key,omitempty"`
	ReasonArgs []string `json:"reason_args,omitempty"`
}

// Severity is an assessment and what it proposes.
type Severity struct {
	Input     SeverityInput `json:"input"`
	Score     float64       `json:"score"` // SE = DPC x EI + CB; 0 when undetermined
	Band      string        `json:"band"`
	Authority Proposal      `json:"authority"`
	Subjects  Proposal      `json:"data_subjects"`
	Reasoning []string      `json:"reasoning"`
	// Missing lists the questions to answer before anything is proposed.
	Missing []string `json:"missing,omitempty"`
}

// Proposal is a proposed decision, for the responder to confirm.
type Proposal struct {
	// Code is authority.notify, authority.none, authority.undetermined,
	// subjects.notify, subjects.none or subjects.undetermined.
	Code    string `json:"code"`
	Notify  bool   `json:"notify"`
	Article string `json:"article"`
	Why     string `json:"why"`
}

// Decision is the proposal in a word: notify, no-notification or
// undetermined.
func (p Proposal) Decision() string {
	switch {
	case p.Notify:
		return "notify"
	case strings.HasSuffix(p.Code, ".undetermined"):
		return "undetermined"
	}
	return "no-notification"
}
