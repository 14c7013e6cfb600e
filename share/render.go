package share

import (
	"time"

	"github.com/leakdesk/leakdesk"
)

// Render writes inc as a STIX 2.1 bundle (format "stix") or a MISP event
// ("misp"). Returns EINVALID for another format.
func Render(inc *Incident, format string, now time.Time) ([]byte, error) {
	switch format {
	case "stix":
		return STIX(inc, now)
	case "misp":
		return MISP(inc, now)
	}
	return nil, leakdesk.Errorf(leakdesk.EINVALID, "share needs the format stix or misp, not %q", format)
}
