package leakdesk

import "slices"

// Action is something a principal asks to do. Every command of the CLI and
// every route of the API names one, and Authorize decides it from Policy.
type Action string

// Actions, by the part of the response they belong to.
const (
	ActionIncidentCreate  Action = "incident.create"
	ActionIncidentRead    Action = "incident.read" // the incident, its clocks, timeline, status and evidence list
	ActionIncidentNote    Action = "incident.note"
	ActionIncidentAware   Action = "incident.aware" // move the awareness time; may need a second approval
	ActionIncidentClose   Action = "incident.close" // close; may need a second approval
	ActionIncidentReopen  Action = "incident.reopen"
	ActionApprovalSet     Action = "approval.configure" // turn the two-person rule on or off
	ActionApprovalDecide  Action = "approval.decide"    // approve another principal's request
	ActionEvidenceAdd     Action = "evidence.add"
	ActionEvidenceRead    Action = "evidence.read" // read evidence content: each read is an event
	ActionEvidenceVerify  Action = "evidence.verify"
	ActionInspectRun      Action = "inspect.run"
	ActionMatchRun        Action = "match.run"
	ActionReviewDecide    Action = "review.decide"
	ActionTraceRun        Action = "trace.run"
	ActionLeakVerify      Action = "leak.verify"  // a verdict on a leak and the seller's claims
	ActionShareExport     Action = "share.export" // a STIX or MISP export for CERTs, personal data masked
	ActionExportMake      Action = "export.make"
	ActionFactsEdit       Action = "facts.edit"
	ActionAssessConfirm   Action = "assessment.confirm"
	ActionFilingRecord    Action = "filing.record"
	ActionReportRead      Action = "report.read"
	ActionBundleMake      Action = "bundle.make" // the proof bundle for a regulator, insurer or court
	ActionNoticePlan      Action = "notice.plan" // plan and preview a notice
	ActionNoticeSend      Action = "notice.send"
	ActionNoticeUpdate    Action = "notice.update"
	ActionRecipientsEdit  Action = "recipients.edit"
	ActionDeliveryReports Action = "delivery.reports" // read bounce and delivery reports into the outbox
	ActionContactLog      Action = "contact.log"
	ActionRecipientWaive  Action = "recipient.waive" // record why someone will not be reached; may need a second approval
	ActionCoverageRead    Action = "coverage.read"
	ActionPersonalUnmask  Action = "personal.unmask" // show one person's record unmasked: an event
	ActionPersonalErase   Action = "personal.erase"  // erase a person's values, or all once retention ends: an event
	ActionSampleMake      Action = "sample.make"
	ActionAccountsManage  Action = "accounts.manage"
	ActionServerRun       Action = "server.run"
	ActionPortalIssue     Action = "portal.issue"    // make or revoke an affected organisation's portal link
	ActionQuestionAnswer  Action = "question.answer" // read and answer the questions asked through the portal
	ActionWatchIntake     Action = "watch.intake"    // take a leaked file in for triage, and see what became of it
	ActionKeptShred       Action = "watch.shred"     // crypto-shred a file the watch kept that became no incident
)

// Rule says which roles may take an action.
type Rule struct {
	Action      Action `json:"action"`
	Description string `json:"description"`
	Roles       []Role `json:"roles"`
}

// Policy is the table of every action and the roles allowed to take it.
// It is data, so that docs/accounts.md and the API's route matrix are
// checked against it by tests rather than kept in step by hand.
func Policy() []Rule {
	const (
		lead, analyst, legal, comms, viewer, admin, intake = RoleLead, RoleAnalyst, RoleLegal, RoleCommunications, RoleViewer, RoleAdmin, RoleIntake
	)
	return []Rule{
		{ActionIncidentCreate, "open an incident (needs the role on all incidents)", []Role{lead}},
		{ActionIncidentRead, "read an incident, its clocks, timeline, status and evidence list", []Role{lead, analyst, legal, comms, viewer}},
		{ActionIncidentNote, "add a note to the timeline", []Role{lead, analyst, legal, comms}},
		{ActionIncidentAware, "record or move the awareness time", []Role{lead}},
		{ActionIncidentClose, "close an incident", []Role{lead}},
		{ActionIncidentReopen, "reopen an incident", []Role{lead}},
		{ActionApprovalSet, "turn the two-person rule on or off", []Role{lead}},
		{ActionApprovalDecide, "approve another principal's request", []Role{lead, legal}},
		{ActionEvidenceAdd, "add evidence", []Role{lead, analyst}},
		{ActionEvidenceRead, "read evidence content", []Role{lead, analyst}},
		{ActionEvidenceVerify, "verify the evidence vault", []Role{lead, analyst}},
		{ActionInspectRun, "inspect a leaked file", []Role{lead, analyst}},
		{ActionMatchRun, "match a leak against the registry", []Role{lead, analyst}},
		{ActionReviewDecide, "decide a match or trace review", []Role{lead, analyst}},
		{ActionTraceRun, "trace the source of a leak", []Role{lead, analyst}},
		{ActionLeakVerify, "draw a verdict on a leak and the seller's claims", []Role{lead, analyst}},
		{ActionShareExport, "export an incident for CERTs (STIX, MISP)", []Role{lead}},
		{ActionExportMake, "make a fingerprinted export", []Role{lead, analyst}},
		{ActionFactsEdit, "record a fact", []Role{lead, legal}},
		{ActionAssessConfirm, "confirm the severity assessment", []Role{lead, legal}},
		{ActionFilingRecord, "record a filing with an authority", []Role{lead, legal}},
		{ActionReportRead, "write an authority report", []Role{lead, legal, viewer}},
		{ActionBundleMake, "write the incident's proof bundle", []Role{lead, legal}},
		{ActionNoticePlan, "plan and preview notices", []Role{lead, comms}},
		{ActionNoticeSend, "send a notice", []Role{lead, comms}},
		{ActionNoticeUpdate, "send an update", []Role{lead, comms}},
		{ActionRecipientsEdit, "list and add recipients", []Role{lead, comms}},
		{ActionDeliveryReports, "read delivery reports", []Role{lead, comms}},
		{ActionContactLog, "log a call, letter or meeting", []Role{lead, comms}},
		{ActionRecipientWaive, "record why a recipient will not be reached", []Role{lead, comms}},
		{ActionCoverageRead, "read who is reached", []Role{lead, comms, legal, viewer}},
		{ActionPersonalUnmask, "unmask one person's record", []Role{lead, analyst, legal, comms}},
		{ActionPersonalErase, "erase a person's data, or all of it once retention ends", []Role{lead, legal}},
		{ActionSampleMake, "make a synthetic sample incident", []Role{lead, analyst}},
		{ActionAccountsManage, "manage accounts, roles and tokens", []Role{admin}},
		{ActionServerRun, "run the server", []Role{admin}},
		{ActionPortalIssue, "make or revoke an organisation's portal link", []Role{lead, comms}},
		{ActionQuestionAnswer, "answer the organisations' questions", []Role{lead, comms, legal}},
		{ActionWatchIntake, "take a leaked file in for triage, and see what became of it (needs the role on all incidents)", []Role{lead, analyst, intake}},
		{ActionKeptShred, "crypto-shred a file the watch kept that became no incident (needs the role on all incidents)", []Role{lead, legal}},
	}
}

// RuleFor returns the rule of an action; ok is false for an unknown one.
func RuleFor(action Action) (rule Rule, ok bool) {
	i := slices.IndexFunc(Policy(), func(r Rule) bool { return r.Action == action })
	if i < 0 {
		return Rule{}, false
	}
	return Policy()[i], true
}

// Authorize returns nil if one of grants allows action on the incident,
// and EFORBIDDEN otherwise. incidentID is AllIncidents for an action on no
// single incident (opening one, managing accounts, listing every
// incident), which only a grant on all incidents allows. An action missing
// from Policy is refused: a new action without a rule is a bug, never a
// right.
func Authorize(grants []Grant, incidentID int64, action Action) error {
	rule, ok := RuleFor(action)
	if !ok {
		return Errorf(EFORBIDDEN, "forbidden: %s is not an action leakdesk knows", action)
	}
	for _, g := range grants {
		if g.Covers(incidentID) && slices.Contains(rule.Roles, g.Role) {
			return nil
		}
	}
	where := "all incidents"
	if incidentID != AllIncidents {
		where = FormatIncidentID(incidentID)
	}
	return Errorf(EFORBIDDEN, "forbidden: %s on %s needs the role %s there", action, where, joinOr(rule.Roles))
}

func joinOr(roles []Role) string {
	s := ""
	for i, r := range roles {
		switch {
		case i == 0:
		case i == len(roles)-1:
			s += " or "
		default:
			s += ", "
		}
		s += string(r)
	}
	return s
}

// Scope says where grants allow action: on every incident (All), or only on
// the incidents listed. A front end lists incidents with it, instead of
// authorising each one.
func Scope(grants []Grant, action Action) (all bool, incidentIDs []int64) {
	rule, ok := RuleFor(action)
	if !ok {
		return false, nil
	}
	for _, g := range grants {
		if !slices.Contains(rule.Roles, g.Role) {
			continue
		}
		if g.IncidentID == AllIncidents {
			return true, nil
		}
		if !slices.Contains(incidentIDs, g.IncidentID) {
			incidentIDs = append(incidentIDs, g.IncidentID)
		}
	}
	return false, incidentIDs
}
