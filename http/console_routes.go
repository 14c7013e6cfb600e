package http

import (
	"net/http"

	"github.com/leakdesk/leakdesk"
)

// consolePage is one route of the console: its Go 1.22 pattern, the action
// a principal needs (checked again by the handler, on the incident of the
// path), and its handler. Action is empty for the static files, which
// anyone may fetch. The route table includes these as they are.
type consolePage struct {
	Pattern string
	Action  leakdesk.Action
	Handler http.Handler
}

// consolePages returns the console's routes. Its views are parsed here,
// so that a broken one fails at start-up, not on a request.
func consolePages(deps ConsoleDeps) ([]consolePage, error) {
	c, err := newConsole(deps)
	if err != nil {
		return nil, err
	}
	pages := []consolePage{
		{"GET /console/{$}", leakdesk.ActionIncidentRead, c.incidents()},
		{"GET /console/incidents/{id}", leakdesk.ActionIncidentRead, c.incident()},
		{"GET /console/incidents/{id}/findings", leakdesk.ActionIncidentRead, c.findings()},
		{"GET /console/incidents/{id}/coverage", leakdesk.ActionCoverageRead, c.coverage()},
		{"POST /console/incidents/{id}/evidence", leakdesk.ActionEvidenceAdd, c.addEvidence()},
		{"POST /console/incidents/{id}/close", leakdesk.ActionIncidentClose, c.closeIncident()},
		{"POST /console/incidents/{id}/confirm", leakdesk.ActionIncidentAware, c.confirmIncident()},
		{"POST /console/incidents/{id}/approvals/{req}/approve", leakdesk.ActionApprovalDecide, c.approveRequest()},
		{"GET /console/incidents/{id}/review", leakdesk.ActionIncidentRead, c.review()},
		{"POST /console/incidents/{id}/review", leakdesk.ActionReviewDecide, c.decide()},
		{"POST /console/incidents/{id}/match", leakdesk.ActionMatchRun, c.runMatch()},
		{"GET /console/incidents/{id}/facts", leakdesk.ActionIncidentRead, c.facts()},
		{"POST /console/incidents/{id}/facts", leakdesk.ActionFactsEdit, c.recordFact()},
		{"GET /console/incidents/{id}/reports", leakdesk.ActionReportRead, c.reports()},
		{"GET /console/incidents/{id}/reports/{kind}", leakdesk.ActionReportRead, c.downloadReport()},
		{"POST /console/incidents/{id}/filings", leakdesk.ActionFilingRecord, c.recordFiling()},
		{"GET /console/incidents/{id}/notifications", leakdesk.ActionCoverageRead, c.notifications()},
		{"GET /console/incidents/{id}/notifications/progress", leakdesk.ActionCoverageRead, c.progress()},
		{"GET /console/incidents/{id}/notifications/preview", leakdesk.ActionNoticePlan, c.preview()},
		{"POST /console/incidents/{id}/notifications/send", leakdesk.ActionNoticeSend, c.sendFirst()},
		{"POST /console/incidents/{id}/contacts", leakdesk.ActionContactLog, c.logContact()},
		{"GET /console/incidents/{id}/source", leakdesk.ActionIncidentRead, c.source()},
		{"GET /console/incidents/{id}/portal", leakdesk.ActionQuestionAnswer, c.portalTasks()},
		{"POST /console/incidents/{id}/portal/links", leakdesk.ActionPortalIssue, c.issuePortalLink()},
		{"POST /console/incidents/{id}/portal/links/{link}/revoke", leakdesk.ActionPortalIssue, c.revokePortalLink()},
		{"POST /console/incidents/{id}/questions/{question}/answer", leakdesk.ActionQuestionAnswer, c.answerQuestion()},
		{"GET /console/intake", leakdesk.ActionWatchIntake, c.intake()},
		{"POST /console/intake/{file}/shred", leakdesk.ActionKeptShred, c.shredIntake()},
		{"GET /console/accounts", leakdesk.ActionAccountsManage, c.accounts()},
		{"POST /console/accounts", leakdesk.ActionAccountsManage, c.addAccount()},
		{"GET /console/accounts/{account}", leakdesk.ActionAccountsManage, c.account()},
		{"POST /console/accounts/{account}/disable", leakdesk.ActionAccountsManage, c.disableAccount()},
		{"POST /console/accounts/{account}/grants", leakdesk.ActionAccountsManage, c.grantRole()},
		{"POST /console/accounts/{account}/revoke", leakdesk.ActionAccountsManage, c.revokeRole()},
		{"POST /console/accounts/{account}/tokens", leakdesk.ActionAccountsManage, c.makeToken()},
		{"POST /console/accounts/{account}/tokens/{token}/revoke", leakdesk.ActionAccountsManage, c.revokeToken()},
		{"GET /static/{name}", "", c.static.handler()},
	}
	for i := range pages {
		pages[i].Handler = withNav(pages[i].Handler)
	}
	return pages, nil
}
