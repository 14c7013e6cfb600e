package rules

import "strings"

// Facts names the incident facts the report is filled from ("dpo",
// "measures"), in the order the form asks for them: what a responder must
// record with "leakdesk incident fact" for the report to be complete.
func (k *ReportKind) Facts() []string {
	var keys []string
	seen := map[string]bool{}
	for _, s := range k.Sections {
		for _, f := range s.Fields {
			if key, ok := strings.CutPrefix(f.Source, "fact."); ok && !seen[key] {
				seen[key] = true
				keys = append(keys, key)
			}
		}
	}
	return keys
}
