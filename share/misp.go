package share

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// MISP core format (draft-dulaunoy-misp-core-format) codes used here.
const (
	mispThreatMedium     = "2" // threat_level_id: 1 high, 2 medium, 3 low, 4 undefined
	mispAnalysisOngoing  = "1" // analysis: 0 initial, 1 ongoing, 2 completed
	mispAnalysisComplete = "2"
	// Distribution 0 keeps the event in the receiving organisation: the
	// CERT decides to pass it on.
	mispYourOrganisationOnly = "0"
)

// mispAttribute is an Attribute of the MISP core format.
type mispAttribute struct {
	UUID         string `json:"uuid"`
	Type         string `json:"type"`
	Category     string `json:"category"`
	Value        string `json:"value"`
	ToIDS        bool   `json:"to_ids"`
	Distribution string `json:"distribution"`
	Timestamp    string `json:"timestamp"`
	Comment      string `json:"comment,omitempty"`
}

// mispEvent is an Event of the MISP core format.
type mispEvent struct {
	UUID          string          `json:"uuid"`
	Info          string          `json:"info"`
	Date          string          `json:"date"`
	ThreatLevelID string          `json:"threat_level_id"`
	Analysis      string          `json:"analysis"`
	Distribution  string          `json:"distribution"`
	Published     bool            `json:"published"`
	Timestamp     string          `json:"timestamp"`
	Orgc          map[string]any  `json:"Orgc"`
	Attribute     []mispAttribute `json:"Attribute"`
}

// MISP returns the incident as a MISP event, made at now.
func MISP(inc *Incident, now time.Time) ([]byte, error) {
	ts := strconv.FormatInt(now.Unix(), 10)
	ev := mispEvent{UUID: inc.uuidFor("misp-event"), Info: fmt.Sprintf("leakdesk incident %s: %s", inc.ID, inc.Title),
		Date: inc.published().UTC().Format(time.DateOnly), ThreatLevelID: mispThreatMedium, Analysis: mispAnalysisOngoing,
		Distribution: mispYourOrganisationOnly, Timestamp: ts, Attribute: []mispAttribute{},
		Orgc: map[string]any{"name": inc.Reporter, "uuid": inc.uuidFor("identity")}}
	if inc.Status == "closed" {
		ev.Analysis = mispAnalysisComplete
	}
	add := func(kind, category, value string, toIDS bool, comment string) {
		ev.Attribute = append(ev.Attribute, mispAttribute{UUID: inc.uuidFor("misp", kind, value), Type: kind, Category: category,
			Value: value, ToIDS: toIDS, Distribution: "5", Timestamp: ts, Comment: comment}) // 5: as the event
	}
	add("text", "Other", description(inc), false, "summary")
	for _, f := range inc.Files {
		add("filename|sha256", "Payload delivery", f.Name+"|"+f.SHA256, false, fmt.Sprintf("leaked file, %d bytes", f.Size))
		if f.Source != "" {
			seenAt(add, f.Source, "where the leaked file was found")
		}
	}
	for _, s := range inc.SeenAt {
		seenAt(add, s, "where the leak was seen")
	}
	for _, d := range inc.Decoys {
		comment := "decoy of export " + d.Export + ": no real person uses it; its use means a copy of the list is used"
		switch d.Kind {
		case "email":
			add("email-dst", "Network activity", d.Value, true, comment)
		case "domain":
			add("domain", "Network activity", d.Value, true, comment)
		default:
			add("phone-number", "Other", d.Value, true, comment)
		}
	}
	if inc.Seller != "" {
		add("threat-actor", "Attribution", inc.Seller, false, "offers the leaked data")
	}
	if len(inc.Secrets) > 0 {
		add("comment", "Other", secretsText(inc), false, "secrets and configuration found in the leak, by type; values are not shared")
	}
	out, err := json.MarshalIndent(map[string]mispEvent{"Event": ev}, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode the MISP event: %w", err)
	}
	return append(out, '\n'), nil
}

// seenAt adds a place the leak was seen: a link when it is a URL.
func seenAt(add func(kind, category, value string, toIDS bool, comment string), place, comment string) {
	if isURL(place) {
		add("link", "External analysis", place, false, comment)
		return
	}
	add("text", "External analysis", place, false, comment)
}
