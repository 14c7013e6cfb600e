package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Tokens sign and check acknowledgement links. A token names the incident,
// the recipient and the notice, and carries an HMAC, so that nobody can
// acknowledge for somebody else or forge a link for another notice.
type Tokens struct{ key []byte }

// NewTokens returns tokens signed with key, which must be at least 32 bytes.
func NewTokens(key []byte) (*Tokens, error) {
	if len(key) < 32 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "acknowledgement key is %d bytes; at least 32 are needed", len(key))
	}
	return &Tokens{key: key}, nil
}

const macSize = 16

// Sign returns the token for recipient's acknowledgement of notice.
func (t *Tokens) Sign(incidentID, recipientID, noticeID int64) string {
	payload := binary.AppendUvarint(nil, uint64(incidentID))
	payload = binary.AppendUvarint(payload, uint64(recipientID))
	payload = binary.AppendUvarint(payload, uint64(noticeID))
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(t.mac(payload))
}

// Ack is what a valid token says.
type Ack struct{ Incident, Recipient, Notice int64 }

// Check verifies token and returns what it names. A token that does not
// verify returns EUNAUTHORIZED.
func (t *Tokens) Check(token string) (Ack, error) {
	bad := leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "this acknowledgement link is not valid")
	p, m, ok := strings.Cut(token, ".")
	if !ok {
		return Ack{}, bad
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(m)
	// The decoder skips newlines and ignores the spare bits of the last
	// character, so several spellings decode alike. Only the one Sign
	// writes is accepted: a token is one string, wherever it is compared.
	if err1 != nil || err2 != nil || enc.EncodeToString(payload) != p || enc.EncodeToString(mac) != m || !hmac.Equal(mac, t.mac(payload)) {
		return Ack{}, bad
	}
	var ids [3]int64
	for i := range ids {
		v, n := binary.Uvarint(payload)
		if n <= 0 || v > 1<<62 {
			return Ack{}, bad
		}
		ids[i], payload = int64(v), payload[n:]
	}
	if len(payload) != 0 {
		return Ack{}, bad
	}
	return Ack{Incident: ids[0], Recipient: ids[1], Notice: ids[2]}, nil
}

func (t *Tokens) mac(payload []byte) []byte {
	h := hmac.New(sha256.New, t.key)
	h.Write([]byte("leakdesk-ack-v1\x00"))
	h.Write(payload)
	return h.Sum(nil)[:macSize]
}
