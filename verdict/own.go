package verdict

import (
	"net/netip"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Own is what the organisation declares as its own: credentials on its
// domains, and its internal hosts and address ranges, found in a leak
// support a seller's claim of access.
type Own struct {
	Domains      []string       `json:"domains"`       // e-mail domains, lower case
	Networks     []netip.Prefix `json:"networks"`      // internal address ranges
	HostSuffixes []string       `json:"host_suffixes"` // internal host names end so: ".corp.example"
}

// ParseOwn reads the comma-separated lists of the command line. A network
// that is not CIDR, or a domain or suffix with spaces, is refused.
func ParseOwn(domains, networks, hosts string) (Own, error) {
	var own Own
	for _, d := range splitList(domains) {
		d = strings.TrimPrefix(strings.ToLower(d), "@")
		if !plainName(d) {
			return Own{}, leakdesk.Errorf(leakdesk.EINVALID, "own domain %q is not a domain name", d)
		}
		own.Domains = append(own.Domains, d)
	}
	for _, n := range splitList(networks) {
		p, err := netip.ParsePrefix(n)
		if err != nil {
			return Own{}, leakdesk.Errorf(leakdesk.EINVALID, "own network %q: want CIDR, e.g. 10.0.0.0/8", n)
		}
		own.Networks = append(own.Networks, p.Masked())
	}
	for _, h := range splitList(hosts) {
		h = strings.ToLower(h)
		if !plainName(strings.TrimPrefix(h, ".")) {
			return Own{}, leakdesk.Errorf(leakdesk.EINVALID, "own host suffix %q is not a host name", h)
		}
		// A suffix matches whole labels only: "corp.example" must not
		// match "notcorp.example".
		own.HostSuffixes = append(own.HostSuffixes, "."+strings.TrimPrefix(h, "."))
	}
	return own, nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// plainName reports whether s looks like a DNS name: letters, digits,
// hyphens and dots, no empty label.
func plainName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// OwnDomain reports whether an e-mail address is on one of the domains.
func (o Own) OwnDomain(email string) bool {
	_, domain, ok := strings.Cut(strings.ToLower(email), "@")
	if !ok {
		return false
	}
	for _, d := range o.Domains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// OwnHost reports whether a host name ends in one of the suffixes.
func (o Own) OwnHost(host string) bool {
	host = "." + strings.ToLower(host)
	for _, s := range o.HostSuffixes {
		if strings.HasSuffix(host, s) {
			return true
		}
	}
	return false
}

// OwnAddress reports whether an IP address is in one of the networks.
func (o Own) OwnAddress(a netip.Addr) bool {
	for _, p := range o.Networks {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}
