package share

import (
	"crypto/sha256"
	"fmt"
	"net/url"
	"time"
)

// isURL reports whether a place where the leak was seen is a URL.
func isURL(place string) bool {
	u, err := url.Parse(place)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// uuidFor is a name-based UUID (version 5 layout, SHA-256 digest) of the
// incident and the parts: sharing the same incident twice gives the same
// identifiers, so that a CERT's platform updates objects rather than
// doubling them.
func (inc *Incident) uuidFor(parts ...string) string {
	h := sha256.New()
	h.Write([]byte(inc.namespace))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// published is when the incident became known: its awareness time, or its
// opening.
func (inc *Incident) published() time.Time {
	if !inc.AwareAt.IsZero() {
		return inc.AwareAt
	}
	return inc.Created
}
