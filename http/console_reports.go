package http

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

type reportsPage struct {
	Title     string
	Incident  string
	Kinds     []string
	Kind      string
	Lang      string
	Languages []string
	Report    *rules.Report
	Deadlines []rules.DeadlineLeft
	Filings   []*leakdesk.Filing
	CanFile   bool
	Form      form
}

// reportLanguages are the languages reports are written in, the first
// the default.
var reportLanguages = []string{"fr", "en"}

// reports shows one authority report as filled now (?kind=, ?lang=), its
// unknowns highlighted, with links to download it, the obligations with
// their filings, and the form that records a filing.
func (c *console) reports() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.showReports(w, r, form{}, http.StatusOK)
	})
}

func (c *console) showReports(w http.ResponseWriter, r *http.Request, f form, status int) {
	p, id, err := authorizedIncident(r, leakdesk.ActionReportRead)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	ctx, now := r.Context(), c.deps.Now()
	page := reportsPage{Incident: leakdesk.FormatIncidentID(id), Kinds: c.deps.Summaries.Rules.ReportKinds(), Languages: reportLanguages,
		Kind: r.URL.Query().Get("kind"), Lang: r.URL.Query().Get("lang"), Form: f, CanFile: p.Authorize(id, leakdesk.ActionFilingRecord) == nil}
	page.Title = "Reports and filings of " + page.Incident
	if !slices.Contains(page.Kinds, page.Kind) {
		page.Kind = page.Kinds[0]
	}
	if !slices.Contains(page.Languages, page.Lang) {
		page.Lang = page.Languages[0]
	}
	if page.Report, err = c.deps.Summaries.Report(ctx, id, page.Kind, page.Lang, now); err != nil {
		c.fail(w, r, err)
		return
	}
	sum, err := c.deps.Summaries.Summary(ctx, id, now)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	page.Deadlines = sum.Deadlines
	if page.Filings, err = c.deps.Incidents.FindFilings(ctx, id); err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, status, "reports.html", page)
}

// downloadReport sends a report as a file: ?format=md (default), html or
// json, in ?lang=.
func (c *console) downloadReport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, id, err := authorizedIncident(r, leakdesk.ActionReportRead)
		if err != nil {
			c.fail(w, r, err)
			return
		}
		q := r.URL.Query()
		lang := q.Get("lang")
		if lang == "" {
			lang = reportLanguages[0]
		}
		rep, err := c.deps.Summaries.Report(r.Context(), id, r.PathValue("kind"), lang, c.deps.Now())
		if err != nil {
			c.fail(w, r, err)
			return
		}
		text, ext, contentType, err := encodeReport(rep, q.Get("format"))
		if err != nil {
			c.fail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+leakdesk.FormatIncidentID(id)+"-"+rep.Kind+"-"+rep.Lang+"."+ext+`"`)
		io.WriteString(w, text)
	})
}

// encodeReport writes a report in format: md (also when empty), html or
// json; with the file extension and content type.
func encodeReport(rep *rules.Report, format string) (text, ext, contentType string, err error) {
	switch format {
	case "json":
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return "", "", "", err
		}
		return string(b) + "\n", "json", "application/json", nil
	case "html":
		text, err := rep.HTML()
		return text, "html", "text/html; charset=utf-8", err
	case "", "md":
		return rep.Markdown(), "md", "text/markdown; charset=utf-8", nil
	}
	return "", "", "", leakdesk.Errorf(leakdesk.EINVALID, "invalid format %q: want md, html or json", format)
}

// recordFiling records a filing with an authority. The clocks refuse a
// late filing without the reasons for the delay, and the form then shows
// what was typed with that error.
func (c *console) recordFiling() http.Handler {
	return c.act(leakdesk.ActionFilingRecord, "filing", func(r *http.Request, p *leakdesk.Principal, id int64) (string, error) {
		obligation, err := formText(r, "obligation", "The obligation", true)
		if err != nil {
			return "", err
		}
		at, err := formTime(r, "at", "Filed at")
		if err != nil {
			return "", err
		}
		if at.IsZero() {
			at = c.deps.Now()
		}
		ref, err := formText(r, "ref", "The authority's reference", true)
		if err != nil {
			return "", err
		}
		reason, _ := formText(r, "delay_reason", "", false)
		f := &leakdesk.Filing{IncidentID: id, Obligation: obligation, FiledAt: at, Ref: ref, DelayReason: reason, Actor: p.String()}
		if err := c.deps.Incidents.RecordFiling(r.Context(), f); err != nil {
			return "", err
		}
		return incidentPath(id, "/reports"), nil
	}, c.showReports)
}
