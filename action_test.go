package leakdesk

import (
	"slices"
	"testing"
)

func TestAuthorize(t *testing.T) {
	t.Parallel()
	on := func(r Role, id int64) []Grant { return []Grant{{Role: r, IncidentID: id}} }
	tests := []struct {
		name     string
		grants   []Grant
		incident int64
		action   Action
		allowed  bool
	}{
		{"lead closes its incident", on(RoleLead, 3), 3, ActionIncidentClose, true},
		{"lead of another incident", on(RoleLead, 4), 3, ActionIncidentClose, false},
		{"lead on all incidents", on(RoleLead, AllIncidents), 3, ActionIncidentClose, true},
		{"lead of one incident cannot open incidents", on(RoleLead, 3), AllIncidents, ActionIncidentCreate, false},
		{"lead on all opens incidents", on(RoleLead, AllIncidents), AllIncidents, ActionIncidentCreate, true},
		{"lead does not manage accounts", on(RoleLead, AllIncidents), AllIncidents, ActionAccountsManage, false},
		{"analyst adds evidence", on(RoleAnalyst, 3), 3, ActionEvidenceAdd, true},
		{"analyst reads evidence", on(RoleAnalyst, 3), 3, ActionEvidenceRead, true},
		{"analyst runs match", on(RoleAnalyst, 3), 3, ActionMatchRun, true},
		{"analyst decides reviews", on(RoleAnalyst, 3), 3, ActionReviewDecide, true},
		{"analyst does not file", on(RoleAnalyst, 3), 3, ActionFilingRecord, false},
		{"analyst does not send", on(RoleAnalyst, 3), 3, ActionNoticeSend, false},
		{"legal records facts", on(RoleLegal, 3), 3, ActionFactsEdit, true},
		{"legal confirms the assessment", on(RoleLegal, 3), 3, ActionAssessConfirm, true},
		{"legal files", on(RoleLegal, 3), 3, ActionFilingRecord, true},
		{"legal reads reports", on(RoleLegal, 3), 3, ActionReportRead, true},
		{"legal does not read evidence", on(RoleLegal, 3), 3, ActionEvidenceRead, false},
		{"communications sends", on(RoleCommunications, 3), 3, ActionNoticeSend, true},
		{"communications logs contacts", on(RoleCommunications, 3), 3, ActionContactLog, true},
		{"communications waives", on(RoleCommunications, 3), 3, ActionRecipientWaive, true},
		{"communications reads coverage", on(RoleCommunications, 3), 3, ActionCoverageRead, true},
		{"communications does not close", on(RoleCommunications, 3), 3, ActionIncidentClose, false},
		{"viewer reads", on(RoleViewer, 3), 3, ActionIncidentRead, true},
		{"viewer does not note", on(RoleViewer, 3), 3, ActionIncidentNote, false},
		{"viewer does not read evidence", on(RoleViewer, 3), 3, ActionEvidenceRead, false},
		{"viewer does not unmask", on(RoleViewer, 3), 3, ActionPersonalUnmask, false},
		{"admin manages accounts", on(RoleAdmin, AllIncidents), AllIncidents, ActionAccountsManage, true},
		{"admin does not read incidents", on(RoleAdmin, AllIncidents), 3, ActionIncidentRead, false},
		{"no grant", nil, 3, ActionIncidentRead, false},
		{"unknown action", on(RoleLead, AllIncidents), 3, Action("incident.delete"), false},
		{"local reads", LocalPrincipal("bob").Grants, 9, ActionEvidenceRead, true},
		{"local manages accounts", LocalPrincipal("bob").Grants, AllIncidents, ActionAccountsManage, true},
		{"ack handler nothing", AckHandlerPrincipal().Grants, 3, ActionIncidentRead, false},
	}
	for _, tt := range tests {
		err := Authorize(tt.grants, tt.incident, tt.action)
		if tt.allowed && err != nil {
			t.Errorf("%s: refused: %v", tt.name, err)
		}
		if !tt.allowed && ErrorCode(err) != EFORBIDDEN {
			t.Errorf("%s: got %v, want EFORBIDDEN", tt.name, err)
		}
	}
}

// The lead holds every incident right, admin none, and each action names
// at least one role: a rule with no role would be a dead action.
func TestPolicyShape(t *testing.T) {
	t.Parallel()
	seen := map[Action]bool{}
	for _, r := range Policy() {
		if seen[r.Action] {
			t.Errorf("%s is in the policy twice", r.Action)
		}
		seen[r.Action] = true
		if len(r.Roles) == 0 || r.Description == "" {
			t.Errorf("%s has no role or no description", r.Action)
		}
		isAccounts := r.Action == ActionAccountsManage || r.Action == ActionServerRun
		if slices.Contains(r.Roles, RoleLead) == isAccounts {
			t.Errorf("%s: lead must hold every incident action and no account action", r.Action)
		}
		if slices.Contains(r.Roles, RoleAdmin) != isAccounts {
			t.Errorf("%s: admin must hold the account actions only", r.Action)
		}
		for _, role := range r.Roles {
			if _, err := ParseRole(string(role)); err != nil {
				t.Errorf("%s: %v", r.Action, err)
			}
		}
	}
}

func TestSeesPersonalData(t *testing.T) {
	t.Parallel()
	grants := []Grant{{Role: RoleViewer, IncidentID: 1}, {Role: RoleAnalyst, IncidentID: 2}}
	if SeesPersonalData(grants, 1) {
		t.Error("a viewer sees personal data unmasked")
	}
	if !SeesPersonalData(grants, 2) {
		t.Error("an analyst of the incident sees personal data masked")
	}
	if SeesPersonalData([]Grant{{Role: RoleLegal, IncidentID: 2}}, 2) {
		t.Error("legal sees contact details unmasked")
	}
}

func TestScope(t *testing.T) {
	t.Parallel()
	grants := []Grant{{Role: RoleViewer, IncidentID: 2}, {Role: RoleAnalyst, IncidentID: 5}, {Role: RoleViewer, IncidentID: 5}, {Role: RoleAdmin}}
	if all, ids := Scope(grants, ActionIncidentRead); all || !slices.Equal(ids, []int64{2, 5}) {
		t.Errorf("read: %v %v, want incidents 2 and 5", all, ids)
	}
	if all, ids := Scope(grants, ActionEvidenceRead); all || !slices.Equal(ids, []int64{5}) {
		t.Errorf("evidence: %v %v, want incident 5", all, ids)
	}
	if all, _ := Scope(grants, ActionAccountsManage); !all {
		t.Error("admin does not manage accounts everywhere")
	}
	if all, ids := Scope(grants, ActionIncidentClose); all || ids != nil {
		t.Errorf("close: %v %v, want nothing", all, ids)
	}
}
