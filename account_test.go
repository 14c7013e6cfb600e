package leakdesk

import (
	"reflect"
	"strings"
	"testing"
)

func TestAccountValidate(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"alice", "a", "j.dupont", "ops-2_b"} {
		if err := (&Account{Name: name}).Validate(); err != nil {
			t.Errorf("%q refused: %v", name, err)
		}
	}
	for _, name := range []string{"", "Alice", "1alice", "local:bob", "a b", "token:1", strings.Repeat("a", 65), "élodie"} {
		if err := (&Account{Name: name}).Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%q: got %v, want EINVALID", name, err)
		}
	}
	if err := (&Account{Name: "alice", DisplayName: "Alice\x00"}).Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("a control character in the display name: got %v", err)
	}
	if ValidatePassword("short") == nil || ValidatePassword("correct horse battery") != nil {
		t.Error("ValidatePassword does not hold the minimum length")
	}
}

func TestGrantValidate(t *testing.T) {
	t.Parallel()
	if err := (Grant{Role: RoleAdmin, IncidentID: 3}).Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("admin on one incident: got %v", err)
	}
	if err := (Grant{Role: "owner"}).Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("unknown role: got %v", err)
	}
	if err := (Grant{Role: RoleViewer, IncidentID: 3}).Validate(); err != nil {
		t.Error(err)
	}
}

func TestTokenScopeGrants(t *testing.T) {
	t.Parallel()
	owner := []Grant{{Role: RoleLead, IncidentID: 2}, {Role: RoleViewer}, {Role: RoleAdmin}}
	tests := []struct {
		name  string
		scope TokenScope
		want  []Grant
	}{
		{"whole", TokenScope{}, owner},
		{"one role", TokenScope{Roles: []Role{RoleViewer}}, []Grant{{Role: RoleViewer}}},
		{"one incident", TokenScope{IncidentID: 2}, []Grant{{Role: RoleLead, IncidentID: 2}, {Role: RoleViewer, IncidentID: 2}}},
		{"an incident the lead grant misses", TokenScope{IncidentID: 5}, []Grant{{Role: RoleViewer, IncidentID: 5}}},
		{"a role the owner lacks", TokenScope{Roles: []Role{RoleLegal}}, nil},
	}
	for _, tt := range tests {
		if got := tt.scope.Grants(owner); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestApprovalCheckApprover(t *testing.T) {
	t.Parallel()
	a := &Approval{ID: 1, Status: ApprovalPending, RequestedBy: "local:alice"}
	if err := a.CheckApprover("local:alice"); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("self-approval: got %v, want EFORBIDDEN", err)
	}
	if err := a.CheckApprover("local:bob"); err != nil {
		t.Errorf("another principal is refused: %v", err)
	}
	a.Status = ApprovalApproved
	if err := a.CheckApprover("local:bob"); ErrorCode(err) != ECONFLICT {
		t.Errorf("approving twice: got %v, want ECONFLICT", err)
	}
}
