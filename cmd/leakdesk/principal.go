package main

import (
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/leakdesk/leakdesk"
)

// currentOSUser names the operating-system account running leakdesk. A
// container may run it under a user ID with no name: the ID then names it.
func currentOSUser() (string, error) {
	u, err := user.Current()
	if err == nil && u.Username != "" {
		return u.Username, nil
	}
	if uid := os.Getuid(); uid >= 0 {
		return "uid-" + strconv.Itoa(uid), nil
	}
	return "", err
}

// identify makes the principal of the command line: local: and the
// operating-system user. Nobody can act under another name: --actor and
// LEAKDESK_ACTOR, which once could, are refused with the reason.
func (a *app) identify() error {
	if a.actorFlag != "" || a.getenv("LEAKDESK_ACTOR") != "" {
		return leakdesk.Errorf(leakdesk.EINVALID, "--actor and LEAKDESK_ACTOR are no longer accepted: the timeline records who really acts, here the operating-system user running leakdesk (local:NAME); to act as someone else, log in as them (see docs/accounts.md)")
	}
	name, err := a.osUser()
	if err != nil {
		return leakdesk.Errorf(leakdesk.EUNAVAILABLE, "cannot tell which operating-system user runs leakdesk, whom the timeline must name: %v", err)
	}
	p := leakdesk.LocalPrincipal(name)
	if err := p.Validate(); err != nil {
		return err
	}
	a.principal, a.actor = p, p.String()
	return nil
}

// authorizeCommand checks the command's action against the principal's
// grants. The local principal holds every right, so this never refuses
// today; it runs so that the command line takes the same path as the API,
// and so that a command without an action fails its test.
func (a *app) authorizeCommand(cmd *cobra.Command) error {
	name := commandName(cmd)
	// Help and shell completion touch no data.
	if !cmd.Runnable() || cmd.HasSubCommands() || cmd.Name() == "help" || strings.HasPrefix(name, "completion") || strings.HasPrefix(name, "__complete") {
		return nil
	}
	action, ok := commandActions()[name]
	if !ok {
		return leakdesk.Errorf(leakdesk.EINTERNAL, "%s names no action to authorise: add it to commandActions", cmd.CommandPath())
	}
	return a.principal.Authorize(leakdesk.AllIncidents, action)
}

// commandName is the command's path without the program's name: "incident close".
func commandName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return ""
	}
	if parent := commandName(cmd.Parent()); parent != "" {
		return parent + " " + cmd.Name()
	}
	return cmd.Name()
}

// commandActions maps every command to the action it takes, so that the
// command line and the API are authorised by the same policy.
func commandActions() map[string]leakdesk.Action {
	return map[string]leakdesk.Action{
		"incident new":        leakdesk.ActionIncidentCreate,
		"incident list":       leakdesk.ActionIncidentRead,
		"incident show":       leakdesk.ActionIncidentRead,
		"incident status":     leakdesk.ActionIncidentRead,
		"incident log":        leakdesk.ActionIncidentRead,
		"incident verify":     leakdesk.ActionIncidentRead,
		"incident prove":      leakdesk.ActionIncidentRead,
		"incident checkpoint": leakdesk.ActionIncidentRead,
		"incident bundle":     leakdesk.ActionBundleMake,
		"bundle verify":       leakdesk.ActionIncidentRead,
		"incident aware":      leakdesk.ActionIncidentAware,
		"incident confirm":    leakdesk.ActionIncidentAware, // sets the awareness time of a proposed incident
		"incident note":       leakdesk.ActionIncidentNote,
		"incident fact":       leakdesk.ActionFactsEdit,
		"incident close":      leakdesk.ActionIncidentClose,
		"incident shred":      leakdesk.ActionIncidentClose, // destroys content for good: only who may close
		"incident reopen":     leakdesk.ActionIncidentReopen,
		"incident erase":      leakdesk.ActionPersonalErase,
		"incident retain":     leakdesk.ActionPersonalErase,
		"evidence add":        leakdesk.ActionEvidenceAdd,
		"evidence list":       leakdesk.ActionIncidentRead,
		"evidence get":        leakdesk.ActionEvidenceRead,
		"evidence verify":     leakdesk.ActionEvidenceVerify,
		"inspect":             leakdesk.ActionInspectRun,
		"match":               leakdesk.ActionMatchRun,
		"registry index":      leakdesk.ActionMatchRun,
		"trace":               leakdesk.ActionTraceRun,
		"export":              leakdesk.ActionExportMake,
		"deadlines":           leakdesk.ActionIncidentRead,
		"filed":               leakdesk.ActionFilingRecord,
		"assess":              leakdesk.ActionAssessConfirm,
		"report":              leakdesk.ActionReportRead,
		"notify plan":         leakdesk.ActionNoticePlan,
		"notify preview":      leakdesk.ActionNoticePlan,
		"notify send":         leakdesk.ActionNoticeSend,
		"notify update":       leakdesk.ActionNoticeUpdate,
		"notify recipients":   leakdesk.ActionRecipientsEdit,
		"notify coverage":     leakdesk.ActionCoverageRead,
		"notify log-contact":  leakdesk.ActionContactLog,
		"notify reports":      leakdesk.ActionDeliveryReports,
		"serve":               leakdesk.ActionServerRun,
		"sample":              leakdesk.ActionSampleMake,
		"demo":                leakdesk.ActionIncidentCreate,
		"user add":            leakdesk.ActionAccountsManage,
		"user list":           leakdesk.ActionAccountsManage,
		"user disable":        leakdesk.ActionAccountsManage,
		"user password":       leakdesk.ActionAccountsManage,
		"user grant":          leakdesk.ActionAccountsManage,
		"user revoke":         leakdesk.ActionAccountsManage,
		"user token":          leakdesk.ActionAccountsManage,
		"user tokens":         leakdesk.ActionAccountsManage,
		"user revoke-token":   leakdesk.ActionAccountsManage,
		"user log":            leakdesk.ActionAccountsManage,
		"portal link":         leakdesk.ActionPortalIssue,
		"portal revoke":       leakdesk.ActionPortalIssue,
		"portal questions":    leakdesk.ActionQuestionAnswer,
		"portal answer":       leakdesk.ActionQuestionAnswer,
		"approvals require":   leakdesk.ActionApprovalSet,
		"approvals list":      leakdesk.ActionIncidentRead,
		"approve":             leakdesk.ActionApprovalDecide,
		"verify-leak":         leakdesk.ActionLeakVerify,
		"share":               leakdesk.ActionShareExport,
		"watch":               leakdesk.ActionWatchIntake, // takes files in for triage, then matches them
		"decoy-smtp":          leakdesk.ActionEvidenceAdd, // keeps mail to decoys as evidence
		"triage shred":        leakdesk.ActionKeptShred,
		"triage move":         leakdesk.ActionEvidenceAdd, // keeps the watch's files as evidence, under new keys
		"worker":              leakdesk.ActionMatchRun,    // matches pieces of distributed runs and stores their findings
	}
}
