package http

import (
	"net/http"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// route is one entry of the route table: a Go 1.22 pattern ("METHOD
// /path/{id}"), who may call it, what it does in a line (the OpenAPI
// summary of API routes), and the handler. Pages are added the same way.
type route struct {
	pattern string
	access  access
	summary string
	handler http.Handler
}

// access says who may call a route. Exactly one of public, anyone or
// action is set (scoped goes with action); the matrix test refuses a
// route that sets none.
type access struct {
	public bool            // no authentication: health, login, links in notices
	anyone bool            // any authenticated principal
	action leakdesk.Action // authorised on the {id} incident, or on all incidents without one
	scoped bool            // a list: allowed on at least one incident, filtered by leakdesk.Scope
}

func public() access                         { return access{public: true} }
func anyone() access                         { return access{anyone: true} }
func need(a leakdesk.Action) access          { return access{action: a} }
func needSomewhere(a leakdesk.Action) access { return access{action: a, scoped: true} }

// routes lists every route the server answers.
func (s *server) routes() []route {
	const (
		incident = "/api/v1/incidents/{id}"
		account  = "/api/v1/accounts/{account}"
	)
	rts := []route{
		{"GET /healthz", public(), "health check", handleHealthz()},
		{"GET /{$}", public(), "the console's front page", http.RedirectHandler("/console/", http.StatusSeeOther)},
		{"GET /ack/{token}", public(), "acknowledgement page", s.limited(s.ackLinks, handleAckForm(s.cfg, s.tmpl))},
		{"POST /ack/{token}", public(), "record an acknowledgement", s.limited(s.ackLinks, handleAck(s.cfg, s.tmpl))},
		{"GET /portal/{secret}", public(), "an affected organisation's page", s.limited(s.ackLinks, s.handlePortal())},
		{"POST /portal/{secret}/ack", public(), "an organisation confirms it read its page", s.limited(s.ackLinks, s.handlePortalAck())},
		{"POST /portal/{secret}/questions", public(), "an organisation asks a question", s.limited(s.ackLinks, s.handlePortalQuestion())},
		{"POST /api/reports", public(), "delivery-report webhook (its own bearer token)", handleReports(s.cfg)},
		{"POST /api/decoy-calls", public(), "calls to decoy phone numbers, JSON or CSV from a phone system (the webhook's bearer token); each raises an alarm", handleDecoyCalls(s.cfg)},
		{"GET /login", public(), "login form", s.handleLoginForm()},
		{"POST /login", public(), "log in", s.limited(s.logins, s.handleLogin())},
		{"GET /login/oidc", public(), "log in by single sign-on", s.limited(s.logins, s.handleOIDCStart())},
		{"GET /login/oidc/callback", public(), "single sign-on's return", s.limited(s.logins, s.handleOIDCCallback())},
		{"POST /logout", anyone(), "log out", s.handleLogout()},
		{"GET /api/v1/openapi.json", public(), "this API's OpenAPI document", handleOpenAPI()},

		{"GET /api/v1/whoami", anyone(), "the authenticated principal", s.handleWhoami()},
		{"GET /api/v1/incidents", needSomewhere(leakdesk.ActionIncidentRead), "list the incidents the principal may read", s.handleIncidentList()},
		{"POST /api/v1/incidents", need(leakdesk.ActionIncidentCreate), "open an incident", s.handleIncidentCreate()},
		{"GET " + incident, need(leakdesk.ActionIncidentRead), "an incident with its clocks and evidence", s.handleIncidentShow()},
		{"POST " + incident + "/aware", need(leakdesk.ActionIncidentAware), "record or move the awareness time (may need a second approval)", s.handleAware()},
		{"POST " + incident + "/confirm", need(leakdesk.ActionIncidentAware), "confirm an incident that an alert proposed, keeping its awareness time or correcting it (aware_at; a correction may need a second approval)", s.handleConfirm()},
		{"POST " + incident + "/notes", need(leakdesk.ActionIncidentNote), "add a note to the timeline", s.handleNote()},
		{"POST " + incident + "/close", need(leakdesk.ActionIncidentClose), "close the incident (may need a second approval)", s.handleClose()},
		{"POST " + incident + "/reopen", need(leakdesk.ActionIncidentReopen), "reopen the incident", s.handleReopen()},
		{"POST " + incident + "/erase", need(leakdesk.ActionPersonalErase), "erase what the incident holds about one recipient (subject: their key); the timeline still verifies", s.handleErase()},
		{"POST " + incident + "/retain", need(leakdesk.ActionPersonalErase), "erase every personal value of a closed incident whose retention period ended (until)", s.handleRetain()},
		{"POST " + incident + "/portal/links", need(leakdesk.ActionPortalIssue), "make an organisation's portal link (org, days); its address is shown this once", s.handleIssuePortalLink()},
		{"POST " + incident + "/portal/links/{link}/revoke", need(leakdesk.ActionPortalIssue), "withdraw a portal link at once", s.handleRevokePortalLink()},
		{"GET " + incident + "/questions", need(leakdesk.ActionQuestionAnswer), "the questions asked through the portal, open ones first", s.handleQuestions()},
		{"POST " + incident + "/questions/{question}/answer", need(leakdesk.ActionQuestionAnswer), "answer a question; the organisation's page shows it", s.handleAnswer()},
		{"POST " + incident + "/shred", need(leakdesk.ActionIncidentClose), "crypto-shred a closed incident's evidence: destroy its data key, keep its hashes; body {\"confirm\": true}", s.handleShred()},
		{"GET " + incident + "/status", need(leakdesk.ActionIncidentRead), "the incident on one page: clocks, findings, source, assessment, missing facts, coverage, what to do next", s.handleStatus()},
		{"GET " + incident + "/verify", need(leakdesk.ActionIncidentRead), "recompute the timeline's hash chain", s.handleVerify()},
		{"GET " + incident + "/events", need(leakdesk.ActionIncidentRead), "the timeline; its details masked for roles that do not see personal data", s.handleEvents()},
		{"POST /api/v1/bundles/verify", needSomewhere(leakdesk.ActionIncidentRead), "check a bundle (the zip body) as bundle verify does offline, with the key in the bundle", accepts(s.handleBundleVerify(), "application/zip")},
		{"POST " + incident + "/facts", need(leakdesk.ActionFactsEdit), "record a fact", s.handleFact()},
		{"POST " + incident + "/filings", need(leakdesk.ActionFilingRecord), "record a filing with an authority", s.handleFiling()},
		{"POST " + incident + "/bundle", need(leakdesk.ActionBundleMake), "sign the timeline and send the record as a zip bundle, checkable offline", s.handleBundle()},
		{"GET " + incident + "/share", need(leakdesk.ActionShareExport), "the incident for CERTs, personal data masked: ?format=stix (STIX 2.1, default) or misp", s.handleShare()},
		{"POST " + incident + "/checkpoint", need(leakdesk.ActionIncidentRead), "sign the timeline as it stands, timestamp it and hand it to the witness", s.handleCheckpoint()},
		{"GET " + incident + "/events/{seq}/proof", need(leakdesk.ActionIncidentRead), "the inclusion proof of one event in the latest checkpoint", s.handleProve()},
		{"GET " + incident + "/deadlines", need(leakdesk.ActionIncidentRead), "every obligation with its due time and status", s.handleDeadlines()},
		{"POST " + incident + "/assessment", need(leakdesk.ActionAssessConfirm), "assess the severity, and confirm it", s.handleAssess()},
		{"GET " + incident + "/reports/{kind}", need(leakdesk.ActionReportRead), "an authority report: ?format=md|html|json&lang=fr|en", s.handleReport()},
		{"GET " + incident + "/evidence", need(leakdesk.ActionIncidentRead), "the evidence list", s.handleEvidenceList()},
		{"POST " + incident + "/evidence", need(leakdesk.ActionEvidenceAdd), "add evidence: multipart/form-data with source, note, then file", accepts(s.handleEvidenceAdd(), "multipart/form-data")},
		{"POST " + incident + "/evidence/verify", need(leakdesk.ActionEvidenceVerify), "re-hash every piece of evidence; a mismatch is a check with ok false", s.handleEvidenceVerify()},
		{"POST " + incident + "/evidence/{ref}/inspect", need(leakdesk.ActionInspectRun), "profile a piece of evidence: format, columns and roles, data categories, secrets (samples masked); the read is on the timeline", s.handleInspect()},
		{"POST " + incident + "/match", need(leakdesk.ActionMatchRun), "match all the evidence against the server's registry (serve --registry) and store the findings", s.handleMatch()},
		{"POST " + incident + "/verify-leak", need(leakdesk.ActionLeakVerify), "say whether a piece of evidence is real, current, complete and proof of access, against the server's registry; recorded on the timeline", s.handleVerifyLeak()},
		{"POST " + incident + "/trace", need(leakdesk.ActionTraceRun), "find the export a piece of evidence came from: decode the fingerprinted exports, or with rank, rank the server's past exports; recorded on the timeline", s.handleTrace()},
		{"GET " + incident + "/alarms", need(leakdesk.ActionIncidentRead), "the decoy alarms that concern the incident: those it was proposed by, and those naming an export its trace names, newest first", s.handleAlarms()},
		{"POST /api/v1/exports", need(leakdesk.ActionExportMake), "make a fingerprinted export of the server's registry for a recipient, sent as a download", s.handleExport()},
		{"POST " + incident + "/evidence/{ref}/read", need(leakdesk.ActionEvidenceRead), "read evidence content, by number or SHA-256 prefix; the read is on the timeline", s.handleEvidenceRead()},
		{"GET " + incident + "/recipients", need(leakdesk.ActionRecipientsEdit), "the audience", s.handleRecipients()},
		{"POST " + incident + "/recipients", need(leakdesk.ActionRecipientsEdit), "add other recipients from a CSV body", accepts(s.handleRecipientsAdd(), "text/csv")},
		{"POST " + incident + "/notices/plan", need(leakdesk.ActionNoticePlan), "who would get which notice, and what cannot be sent; nothing is stored or sent", s.handlePlan()},
		{"POST " + incident + "/notices/preview", need(leakdesk.ActionNoticePlan), "a notice rendered for one recipient, as it would be sent", s.handlePreview()},
		{"POST " + incident + "/notices", need(leakdesk.ActionNoticeSend), "queue the first notice to the whole audience, or resume the campaign of the same name; 202, sent in the background", s.handleSend()},
		{"POST " + incident + "/notices/updates", need(leakdesk.ActionNoticeUpdate), "queue a follow-up to everyone notified, and the first notice then the update to anyone added since; 202, sent in the background", s.handleUpdate()},
		{"GET " + incident + "/coverage", need(leakdesk.ActionCoverageRead), "who is reached; masked for roles that do not see personal data", s.handleCoverage()},
		{"POST " + incident + "/recipients/{recipient}/unmask", need(leakdesk.ActionPersonalUnmask), "one recipient unmasked, by id, with the reason; the unmasking is on the timeline", s.handleUnmask()},
		{"POST /api/v1/delivery-reports", need(leakdesk.ActionDeliveryReports), "record the delivery reports of the body: one message, or an mbox file of them", accepts(s.handleDeliveryReports(), "message/rfc822", "application/mbox")},
		{"POST " + incident + "/contacts", need(leakdesk.ActionContactLog), "log a call, letter or meeting, or a waiver (may need a second approval)", s.handleLogContact()},
		{"GET " + incident + "/approvals", need(leakdesk.ActionIncidentRead), "requests for a second approval", s.handleApprovals()},
		{"PUT " + incident + "/approvals/required", need(leakdesk.ActionApprovalSet), "turn the two-person rule on or off", s.handleApprovalRequired()},
		{"POST " + incident + "/approvals/{req}/approve", need(leakdesk.ActionApprovalDecide), "approve another principal's request, which is then carried out", s.handleApprove()},
		{"POST /api/v1/intake", need(leakdesk.ActionWatchIntake), "take a file in for triage, as a threat-intelligence feed sends it: multipart/form-data with source, url, then file", s.handleIntake()},
		{"GET /api/v1/intake", need(leakdesk.ActionWatchIntake), "the files taken in, newest first, with their state and the incident each alert proposed; never their content: ?state=queued|done|unread|failed|shredded&page=N (50 a page)", s.handleIntakeList()},
		{"POST /api/v1/intake/{file}/shred", need(leakdesk.ActionKeptShred), "crypto-shred a file taken in that became no incident: destroy its key, keep its hash and result; body {\"reason\": \"...\", \"confirm\": true}; 409 while an incident reads it from the triage area", s.handleIntakeShred()},
		{"GET /api/v1/intake/{file}", need(leakdesk.ActionWatchIntake), "what became of a file taken in: queued, done with its registry contacts or the earlier leak it recycles, unread, or failed (its distributed run could not finish)", s.handleIntakeShow()},

		{"GET /api/v1/accounts", need(leakdesk.ActionAccountsManage), "list accounts with their grants", s.handleAccountList()},
		{"POST /api/v1/accounts", need(leakdesk.ActionAccountsManage), "create an account", s.handleAccountCreate()},
		{"POST " + account + "/disable", need(leakdesk.ActionAccountsManage), "disable an account, its tokens and sessions", s.handleAccountDisable()},
		{"POST " + account + "/grants", need(leakdesk.ActionAccountsManage), "grant a role", s.handleGrant()},
		{"POST " + account + "/revoke", need(leakdesk.ActionAccountsManage), "revoke a role", s.handleRevoke()},
		{"PUT " + account + "/oidc", need(leakdesk.ActionAccountsManage), "link a single sign-on subject to the account", s.handleOIDCLink()},
		{"PUT " + account + "/password", need(leakdesk.ActionAccountsManage), "set the account's password", s.handlePassword()},
		{"GET /api/v1/account-events", need(leakdesk.ActionAccountsManage), "the account audit log", s.handleAccountEvents()},
		{"GET " + account + "/tokens", need(leakdesk.ActionAccountsManage), "an account's API tokens", s.handleTokenList()},
		{"POST " + account + "/tokens", need(leakdesk.ActionAccountsManage), "make an API token; its secret is shown once", s.handleTokenCreate()},
		{"POST " + account + "/tokens/{token}/revoke", need(leakdesk.ActionAccountsManage), "revoke an API token", s.handleTokenRevoke()},
	}
	for _, p := range s.console {
		rts = append(rts, route{p.Pattern, pageAccess(p), "console page", p.Handler})
	}
	return rts
}

// pageAccess is who may open a console page: anyone for its static
// files, a page's action on the incident of its path, the list of
// incidents wherever the principal may read one, and a page of no
// incident (accounts, intake) for its action on all incidents.
func pageAccess(p consolePage) access {
	switch {
	case p.Action == "":
		return public()
	case !strings.Contains(p.Pattern, "{id}") && p.Action == leakdesk.ActionIncidentRead:
		return needSomewhere(p.Action)
	}
	return need(p.Action)
}

func handleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		encode(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}
