package leakdesk

import "context"

// AccountOpening is an account to open: the account, a password (none:
// it logs in by single sign-on once linked) and a first grant (none: it
// can do nothing yet).
type AccountOpening struct {
	Account  *Account
	Password string
	Grant    *Grant
}

// OpenAccount creates the account, sets its password and grants its first
// role, under actor. Everything that can be refused is checked first (the
// password, the grant, the grant's incident), so that a refusal leaves no
// account behind. incidents may be nil when the grant, if any, is on all
// incidents.
func OpenAccount(ctx context.Context, accounts AccountService, incidents IncidentService, o AccountOpening, actor string) error {
	if o.Password != "" {
		if err := ValidatePassword(o.Password); err != nil {
			return err
		}
	}
	if o.Grant != nil {
		if err := o.Grant.Validate(); err != nil {
			return err
		}
		if o.Grant.IncidentID != AllIncidents {
			if _, err := incidents.FindIncidentByID(ctx, o.Grant.IncidentID); err != nil {
				return err
			}
		}
	}
	if err := accounts.CreateAccount(ctx, o.Account, actor); err != nil {
		return err
	}
	if o.Password != "" {
		if err := accounts.SetPassword(ctx, o.Account.ID, o.Password, actor); err != nil {
			return err
		}
	}
	if o.Grant == nil {
		return nil
	}
	g := *o.Grant
	g.AccountID = o.Account.ID
	return accounts.GrantRole(ctx, g, actor)
}
