package http

import (
	"maps"
	"net/http"
	"slices"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

type factsPage struct {
	Title     string
	Incident  string
	Facts     []factForm
	Languages []string
	CanEdit   bool
	Form      form
}

// factForm is a fact the reports draw on: what it is for, and its value
// in each language it was recorded in ("" for every language).
type factForm struct {
	Key, Purpose string
	Values       []factLine // Key is the language suffix, "" for all
}

// facts shows every fact the reports draw on, with its values, and a form
// to record one for the roles that edit facts (lead, legal).
func (c *console) facts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.showFacts(w, r, form{}, http.StatusOK)
	})
}

func (c *console) showFacts(w http.ResponseWriter, r *http.Request, f form, status int) {
	p, id, events, err := c.timeline(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	recorded := leakdesk.Facts(events)
	page := factsPage{Incident: leakdesk.FormatIncidentID(id), Languages: notify.Languages, Form: f,
		CanEdit: p.Authorize(id, leakdesk.ActionFactsEdit) == nil}
	page.Title = "Facts of " + page.Incident
	keys := leakdesk.FactKeys()
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		ff := factForm{Key: k, Purpose: keys[k]}
		for _, lang := range append([]string{""}, page.Languages...) {
			key := k
			if lang != "" {
				key += "." + lang
			}
			if v, ok := recorded[key]; ok {
				ff.Values = append(ff.Values, factLine{lang, v})
			}
		}
		page.Facts = append(page.Facts, ff)
	}
	c.render(w, status, "facts.html", page)
}

// recordFact records a fact, in one language or for all, as POST
// /api/v1/.../facts does.
func (c *console) recordFact() http.Handler {
	return c.act(leakdesk.ActionFactsEdit, "fact", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		key, err := formText(r, "key", "The fact", true)
		if err != nil {
			return "", err
		}
		if lang, _ := formText(r, "lang", "", false); lang != "" {
			key += "." + lang
		}
		value, _ := formText(r, "value", "", false)
		if err := leakdesk.CheckFact(key, value, notify.Languages); err != nil {
			return "", err
		}
		ev := leakdesk.NewEvent(id, p.String(), leakdesk.EventFact, c.deps.Now(), leakdesk.FactPayload{Key: key, Value: value})
		if err := c.deps.Incidents.AppendEvent(r.Context(), ev); err != nil {
			return "", err
		}
		return incidentPath(id, "/facts"), nil
	}, c.showFacts)
}
