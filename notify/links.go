package notify

import (
	"net/url"

	"github.com/leakdesk/leakdesk"
)

// CheckLinkBase refuses a base URL for acknowledgement links that would
// carry them in clear over the network: plain http:// to a host other than
// this machine, unless insecure allows it. Anyone on the path could read a
// link and acknowledge in the recipient's name.
func CheckLinkBase(baseURL string, insecure bool) error {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return leakdesk.Errorf(leakdesk.EINVALID, "--base-url %q is not an http:// or https:// URL", baseURL)
	}
	if u.Scheme == "https" || insecure || isLoopback(u.Hostname()) {
		return nil
	}
	return leakdesk.Errorf(leakdesk.EINVALID, "--base-url %s: acknowledgement links on plain http:// to another machine can be read and used on the way; use https://, or --insecure-links to send them anyway", baseURL)
}
