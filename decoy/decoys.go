package decoy

import (
	"context"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Addresses are the decoy e-mail addresses and phone numbers recorded
// with the exports, for the servers to tell decoys from anything else.
type Addresses struct {
	emails map[string]bool
	phones map[string]bool // digits only
}

// LoadAddresses reads the decoys of every recorded export. With domain,
// only e-mail addresses at that domain are kept: the mail server receives
// for one domain.
func LoadAddresses(ctx context.Context, exports leakdesk.ExportService, domain string) (*Addresses, error) {
	list, err := exports.Exports(ctx)
	if err != nil {
		return nil, err
	}
	a := &Addresses{emails: map[string]bool{}, phones: map[string]bool{}}
	domain = strings.ToLower(strings.TrimSpace(domain))
	for _, e := range list {
		for _, c := range e.DecoyContacts {
			if email := strings.ToLower(c.Email); email != "" && (domain == "" || strings.HasSuffix(email, "@"+domain)) {
				a.emails[email] = true
			}
			for _, p := range []string{c.Phone, c.Mobile} {
				if d := digitsOf(p); d != "" {
					a.phones[d] = true
				}
			}
		}
	}
	return a, nil
}

// Email reports whether addr is a decoy address.
func (a *Addresses) Email(addr string) bool {
	return a.emails[strings.ToLower(strings.TrimSpace(addr))]
}

// Phone returns the decoy number that s is written as, if it is one. A
// phone system may give it in any layout, with or without the country
// code: the longest recorded number whose digits s ends with is taken,
// if at least 8 digits are shared.
func (a *Addresses) Phone(s string) (string, bool) {
	d := digitsOf(s)
	if len(d) < 8 {
		return "", false
	}
	if a.phones[d] {
		return "+" + d, true
	}
	// National layout: "04 22 99 12 34" for +33 4 22 99 12 34.
	national := strings.TrimLeft(d, "0")
	for p := range a.phones {
		if strings.HasSuffix(p, national) && len(national) >= 8 {
			return "+" + p, true
		}
	}
	return "", false
}

// Len is how many decoys are known.
func (a *Addresses) Len() int { return len(a.emails) + len(a.phones) }

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
