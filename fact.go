package leakdesk

import (
	"maps"
	"slices"
	"strings"
)

// FactKeys are the facts a responder records for the reports, with what
// each is for.
func FactKeys() map[string]string {
	return map[string]string{
		"controller":        "the organisation responsible, as named in filings",
		"dpo":               "the DPO or other contact point, with e-mail and phone",
		"circumstances":     "what happened and how, in a few sentences",
		"start":             "when the breach began, if known",
		"consequences":      "the likely consequences for the people concerned",
		"measures":          "the measures taken or proposed",
		"cross_border":      "whether people in other countries are concerned",
		"subjects_informed": "whether, when and how the people were told",
		"iocs":              "indicators of compromise",
		"root_cause":        "the type of threat or root cause (the CNIL form's cause)",
		"seller":            "the handle of whoever offers the leak, as shared with CERTs",
		"seen_at":           "where the leak was seen (forum, market, URL), as shared with CERTs",
		// The CNIL form's sections that leakdesk cannot know.
		"siren":                "the organisation's SIREN number",
		"address":              "the organisation's postal address",
		"sector":               "the organisation's sector of activity",
		"headcount":            "the organisation's headcount",
		"legal_representative": "the organisation's legal representative",
		"processors":           "the processors involved, if any",
		"end":                  "when the breach ended, or that it goes on",
		"origin":               "the origin of the incident (internal, external, accidental, malicious)",
		"subject_categories":   "the categories of persons concerned (customers, employees, minors...)",
		"prior_measures":       "the security measures in place before the breach",
		"other_authorities":    "other authorities notified (other DPAs, CSIRT, police, regulator)",
	}
}

// CheckFact refuses (EINVALID) a fact that cannot be recorded: a key that
// is not one of FactKeys, a language suffix (measures.fr) not in
// languages, or an empty value.
func CheckFact(key, value string, languages []string) error {
	name, lang, hasLang := strings.Cut(key, ".")
	if hasLang && !slices.Contains(languages, lang) {
		return Errorf(EINVALID, "fact %q: language %q is not one of %s", key, lang, strings.Join(languages, ", "))
	}
	if _, ok := FactKeys()[name]; !ok {
		return Errorf(EINVALID, "unknown fact %q: want one of %s", key, strings.Join(slices.Sorted(maps.Keys(FactKeys())), ", "))
	}
	if strings.TrimSpace(value) == "" {
		return Errorf(EINVALID, "the value of %s is empty", key)
	}
	return nil
}
