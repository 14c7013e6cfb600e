package leakdesk

import "testing"

func TestPrincipalString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    Principal
		want string
	}{
		{Principal{Kind: PrincipalAccount, Name: "alice", AccountID: 1}, "alice"},
		{Principal{Kind: PrincipalToken, Name: "alice", AccountID: 1, TokenID: 12}, "token:12 (alice)"},
		{LocalPrincipal("bob"), "local:bob"},
		{AckHandlerPrincipal(), AckActor},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%+v: String() = %q, want %q", tt.p, got, tt.want)
		}
		if err := tt.p.Validate(); err != nil {
			t.Errorf("%s: %v", tt.want, err)
		}
	}
}

func TestPrincipalValidate(t *testing.T) {
	t.Parallel()
	for _, p := range []Principal{
		{Kind: PrincipalAccount, Name: "local:bob", AccountID: 1},
		{Kind: PrincipalAccount, Name: "alice"},
		{Kind: PrincipalToken, Name: "alice", AccountID: 1},
		{Kind: PrincipalLocal, Name: ""},
		{Kind: PrincipalLocal, Name: "bob\n"},
		{Kind: PrincipalAckHandler, Grants: []Grant{{Role: RoleLead}}},
		{Kind: "robot", Name: "x"},
	} {
		if err := p.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: got %v, want EINVALID", p, err)
		}
	}
}

// Only the acknowledgement handler may record channel ack; nothing else
// is named AckActor, since account names hold no colon.
func TestCheckContactActor(t *testing.T) {
	t.Parallel()
	if err := CheckContactActor("ack", AckHandlerPrincipal().String()); err != nil {
		t.Errorf("the handler is refused: %v", err)
	}
	for _, actor := range []string{"local:bob", "alice", "token:3 (alice)", "recipient", ""} {
		if err := CheckContactActor("ack", actor); ErrorCode(err) != EFORBIDDEN {
			t.Errorf("ack by %q: got %v, want EFORBIDDEN", actor, err)
		}
	}
	if err := CheckContactActor("phone", "local:bob"); err != nil {
		t.Errorf("a phone call is refused: %v", err)
	}
	if ValidateAccountName(AckActor) == nil {
		t.Errorf("an account can be named %q", AckActor)
	}
}
