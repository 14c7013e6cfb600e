package leakdesk

import (
	"strconv"
	"strings"
	"unicode"
)

// PrincipalKind says how a principal proved who it is.
type PrincipalKind string

// Kinds of principal.
const (
	PrincipalAccount    PrincipalKind = "account" // an account logged in with its password or single sign-on
	PrincipalToken      PrincipalKind = "token"   // an API token, acting for its owner within its scope
	PrincipalLocal      PrincipalKind = "local"   // the command line, run by an operating-system account
	PrincipalAckHandler PrincipalKind = "ack"     // the server's acknowledgement link handler
)

// AckActor is the actor of every acknowledgement a recipient makes through
// the link in a notice. No account, token or local user can be named so:
// account names hold no colon.
const AckActor = "server:ack"

// Principal is who acts. Its String is the Actor of the events it records.
type Principal struct {
	Kind      PrincipalKind `json:"kind"`
	Name      string        `json:"name,omitempty"` // the account's name, or the operating-system user for local
	AccountID int64         `json:"account_id,omitempty"`
	TokenID   int64         `json:"token_id,omitempty"`
	// Grants are what the principal may do: an account's grants, a token's
	// owner's grants narrowed to its scope, or full rights for local.
	Grants []Grant `json:"grants"`
}

// LocalPrincipal is the command line run by the operating-system user
// osUser. It has every right on every incident: whoever can run leakdesk on
// the data directory or the database can already change anything there,
// so roles would only pretend to protect it. It is still authorised
// through Authorize, like any other principal.
func LocalPrincipal(osUser string) Principal {
	return Principal{Kind: PrincipalLocal, Name: osUser, Grants: []Grant{{Role: RoleLead}, {Role: RoleAdmin}}}
}

// AckHandlerPrincipal is the server's acknowledgement handler. It has no
// grant: the only thing it may do is record an acknowledgement.
func AckHandlerPrincipal() Principal { return Principal{Kind: PrincipalAckHandler} }

// String names the principal as events record it: "alice" for an account,
// "token:12 (alice)" for a token and its owner, "local:bob" for the command
// line, and AckActor for the acknowledgement handler.
func (p Principal) String() string {
	switch p.Kind {
	case PrincipalAccount:
		return p.Name
	case PrincipalToken:
		return "token:" + strconv.FormatInt(p.TokenID, 10) + " (" + p.Name + ")"
	case PrincipalLocal:
		return "local:" + p.Name
	case PrincipalAckHandler:
		return AckActor
	}
	return ""
}

// Validate reports a principal that could not have been authenticated.
func (p Principal) Validate() error {
	switch p.Kind {
	case PrincipalAccount, PrincipalToken:
		if err := ValidateAccountName(p.Name); err != nil {
			return err
		}
		if p.AccountID <= 0 || (p.Kind == PrincipalToken && p.TokenID <= 0) {
			return Errorf(EINVALID, "principal %s has no account or token", p.Name)
		}
	case PrincipalLocal:
		if strings.TrimSpace(p.Name) == "" || strings.ContainsFunc(p.Name, unicode.IsControl) {
			return Errorf(EINVALID, "the operating-system user running leakdesk has no usable name (%q)", p.Name)
		}
	case PrincipalAckHandler:
		if len(p.Grants) > 0 {
			return Errorf(EINVALID, "the acknowledgement handler is granted nothing")
		}
	default:
		return Errorf(EINVALID, "unknown kind of principal %q", p.Kind)
	}
	return nil
}

// Authorize is Authorize on the principal's grants.
func (p Principal) Authorize(incidentID int64, action Action) error {
	return Authorize(p.Grants, incidentID, action)
}

// CheckContactActor refuses an acknowledgement (channel "ack") recorded by
// anyone but the acknowledgement handler: only the link in the notice
// proves that the person read it, and the record must show who acted.
func CheckContactActor(channel, actor string) error {
	if channel == "ack" && actor != AckActor {
		return Errorf(EFORBIDDEN, "only the acknowledgement link in a notice records channel ack; %s may record a call, letter, e-mail or meeting with --channel phone, letter, email or in-person", actor)
	}
	return nil
}
