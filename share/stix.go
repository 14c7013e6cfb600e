package share

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// stixTime is the timestamp format STIX requires: UTC, milliseconds.
func stixTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// object is a STIX object: its common properties, and those of its type.
type object map[string]any

// STIX returns the incident as a STIX 2.1 bundle, made at now.
func STIX(inc *Incident, now time.Time) ([]byte, error) {
	created := stixTime(now)
	identity := "identity--" + inc.uuidFor("identity")
	sdo := func(kind string, parts ...string) object {
		return object{"type": kind, "spec_version": "2.1", "id": kind + "--" + inc.uuidFor(append([]string{kind}, parts...)...),
			"created": created, "modified": created, "created_by_ref": identity}
	}
	var objects []object
	add := func(o object) string {
		objects = append(objects, o)
		return o["id"].(string)
	}
	var refs []string
	// Where the leak was seen goes in the report's external references:
	// the OASIS bundle schema does not list note or incident objects.
	var seen []map[string]string
	for _, f := range inc.Files {
		file := object{"type": "file", "spec_version": "2.1", "id": "file--" + inc.uuidFor("file", f.SHA256),
			"hashes": map[string]string{"SHA-256": f.SHA256}, "size": f.Size, "name": f.Name}
		refs = append(refs, add(file))
		if f.Source != "" {
			seen = append(seen, externalReference(f.Source, "where the leaked file "+f.Name+" was found"))
		}
	}
	for _, place := range inc.SeenAt {
		seen = append(seen, externalReference(place, "where the leak was seen"))
	}
	for _, d := range inc.Decoys {
		ind := sdo("indicator", d.Kind, d.Value)
		ind["name"] = fmt.Sprintf("decoy %s of export %s", d.Kind, d.Export)
		ind["description"] = "A decoy planted in an export of the registry: no real person uses it. Mail or calls to it mean a copy of the list is being used."
		ind["indicator_types"] = []string{"compromised"}
		ind["pattern"] = decoyPattern(d)
		ind["pattern_type"] = "stix"
		ind["valid_from"] = created
		refs = append(refs, add(ind))
	}
	if inc.Seller != "" {
		actor := sdo("threat-actor", inc.Seller)
		actor["name"] = inc.Seller
		actor["description"] = "offers the leaked data"
		actor["threat_actor_types"] = []string{"criminal"}
		refs = append(refs, add(actor))
	}
	if len(refs) == 0 {
		refs = append(refs, identity) // a report must refer to something
	}
	report := sdo("report")
	report["name"] = inc.ID + ": " + inc.Title
	report["description"] = description(inc)
	if len(seen) > 0 {
		report["external_references"] = seen
	}
	report["report_types"] = []string{"threat-report"}
	report["published"] = stixTime(inc.published())
	report["object_refs"] = refs
	add(report)

	org := object{"type": "identity", "spec_version": "2.1", "id": identity, "created": created, "modified": created,
		"name": inc.Reporter, "identity_class": "organization"}
	bundle := map[string]any{"type": "bundle", "id": "bundle--" + inc.uuidFor("bundle", created), "objects": append([]object{org}, objects...)}
	out, err := json.MarshalIndent(bundle, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode the STIX bundle: %w", err)
	}
	return append(out, '\n'), nil
}

// externalReference names a place the leak was seen: a URL, or words.
func externalReference(place, what string) map[string]string {
	ref := map[string]string{"source_name": "seen at", "description": what + ": " + place}
	if isURL(place) {
		ref["url"] = place
	}
	return ref
}

// decoyPattern is the STIX pattern that a decoy's use matches. STIX has no
// phone number object: a custom one carries it.
func decoyPattern(d Decoy) string {
	quoted := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(d.Value)
	switch d.Kind {
	case "email":
		return fmt.Sprintf("[email-addr:value = '%s']", quoted)
	case "domain":
		return fmt.Sprintf("[email-addr:value LIKE '%%@%s']", quoted)
	default:
		return fmt.Sprintf("[x-leakdesk-phone:value = '%s']", quoted)
	}
}

// description sums the incident up for people: counts and verdicts, no
// personal data.
func description(inc *Incident) string {
	parts := []string{fmt.Sprintf("A leak of personal data handled with leakdesk (incident %s, %s). %d contacts of the organisation's registry are in it; who they are is not shared.", inc.ID, inc.Status, inc.Affected)}
	if len(inc.Secrets) > 0 {
		parts = append(parts, "Secrets and configuration found in the leak, by type (values are not shared): "+strings.ReplaceAll(secretsText(inc), "\n", "; ")+".")
	}
	if len(inc.Verdicts) > 0 {
		parts = append(parts, "Verdict on the leak: "+strings.Join(inc.Verdicts, "; ")+".")
	}
	return strings.Join(parts, " ")
}

func secretsText(inc *Incident) string {
	var lines []string
	for _, s := range inc.Secrets {
		lines = append(lines, fmt.Sprintf("%d × %s (%s, %s)", s.Count, s.Description, s.Category, s.Rule))
	}
	return strings.Join(lines, "\n")
}
