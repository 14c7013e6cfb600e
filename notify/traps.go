package notify

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Trap is something that would let notices go out wrong although nothing
// refuses them: a text in the wrong language, the wrong company name, a
// link nobody can open. Fix says how to disarm it.
type Trap struct {
	Trap string `json:"trap"`
	Fix  string `json:"fix"`
}

// Traps lists the traps armed for a notice to audience, with the facts
// recorded on incident id, from the sender and acknowledgement links on
// baseURL. A plan is not ready while any is armed.
//
// A fact with no language tag goes unchanged into the notices of every
// language that has no tagged text of its own: nothing can tell which
// language it was written in, so it is a trap wherever it would be used.
// The company name notices give is the controller fact's; without it,
// it is the display name of --from, often a person or a mailbox rather
// than the organisation the recipients know. Acknowledgement links on a
// loopback or unqualified host cannot be opened by anyone else.
func Traps(id int64, facts map[string]string, audience []*leakdesk.Recipient, from From, baseURL string) []Trap {
	ref := leakdesk.FormatIncidentID(id)
	var traps []Trap
	for _, lang := range audienceLanguages(audience) {
		for _, key := range RequiredFacts {
			if strings.TrimSpace(facts[key+"."+lang]) == "" && strings.TrimSpace(facts[key]) != "" {
				traps = append(traps, Trap{
					Trap: fmt.Sprintf("fact %s has no language tag: its text goes as it is into the %s notices, whatever language it is in", key, lang),
					Fix:  fmt.Sprintf(`leakdesk incident fact %s %s.%s "the text in %s"`, ref, key, lang, lang),
				})
			}
		}
	}
	if CompanyName(facts, "") == "" {
		traps = append(traps, Trap{
			Trap: fmt.Sprintf("no controller fact: notices name the company %q, the display name of --from", from.Name),
			Fix:  fmt.Sprintf(`leakdesk incident fact %s controller "the organisation's name, as recipients know it"`, ref),
		})
	}
	if why := unreachableLink(baseURL); why != "" {
		traps = append(traps, Trap{
			Trap: fmt.Sprintf("acknowledgement links point to %s, %s", baseURL, why),
			Fix:  "set --base-url (or LEAKDESK_BASE_URL) to the public URL where leakdesk serve answers",
		})
	}
	return traps
}

// CompanyName is the organisation notices name: the controller fact in
// lang (when lang is not empty), else the plain one; "" when not recorded.
func CompanyName(facts map[string]string, lang string) string {
	if lang != "" {
		if v := strings.TrimSpace(facts["controller."+lang]); v != "" {
			return v
		}
	}
	if v := strings.TrimSpace(facts["controller"]); v != "" {
		return v
	}
	// A name given in one language only is still the organisation's name.
	for _, l := range Languages {
		if v := strings.TrimSpace(facts["controller."+l]); v != "" {
			return v
		}
	}
	return ""
}

// audienceLanguages lists the languages of the recipients a notice goes to
// by e-mail, in the order of Languages.
func audienceLanguages(audience []*leakdesk.Recipient) []string {
	var langs []string
	for _, lang := range Languages {
		if slices.ContainsFunc(audience, func(r *leakdesk.Recipient) bool { return r.Language == lang && r.Email != "" }) {
			langs = append(langs, lang)
		}
	}
	return langs
}

// unreachableLink says why recipients could not open links on baseURL, or
// "" when they may.
func unreachableLink(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return "which is not a URL"
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() || ip.IsUnspecified() {
			return "a loopback address that only this machine can open"
		}
		return ""
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return "localhost, which only this machine can open"
	}
	if !strings.Contains(host, ".") {
		return "a host name with no domain, which recipients outside cannot resolve"
	}
	return ""
}

// MissingFacts lists, by language of the audience, the facts GDPR Art.
// 34(2) requires that are recorded neither in that language nor plain:
// "fr: measures, dpo". A notice cannot be sent while any is missing.
func MissingFacts(facts map[string]string, audience []*leakdesk.Recipient) []string {
	var problems []string
	for _, lang := range audienceLanguages(audience) {
		if _, missing := FactsFor(facts, lang); len(missing) > 0 {
			problems = append(problems, fmt.Sprintf("%s: %s", lang, strings.Join(missing, ", ")))
		}
	}
	return problems
}
