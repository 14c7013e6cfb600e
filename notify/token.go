package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// DefaultAckLifetime is how long an acknowledgement link works: long
// enough for someone back from months away to confirm they read the
// notice, short enough that an old mailbox is not a store of live links.
const DefaultAckLifetime = 180 * 24 * time.Hour

// Tokens sign and check acknowledgement links. A token names the incident,
// the recipient and the notice, the key that signed it and when it
// expires, and carries an HMAC, so that nobody can acknowledge for
// somebody else or forge a link for another notice.
//
// A token is KEYID.PAYLOAD.MAC. Tokens of the first release, PAYLOAD.MAC,
// carry neither a key ID nor an expiry; they are still accepted, and Ack
// says so (Legacy), so that the caller can bound them by their notice's
// age (see Acknowledgements).
type Tokens struct {
	current string            // key ID that signs
	keys    map[string][]byte // by key ID: the current key and retired ones, which still check
	// Lifetime is how long a token signed now will work.
	Lifetime time.Duration
	Now      func() time.Time
}

// NewTokens returns tokens signed with key, and checked with key or any
// of the retired keys, so that links already sent keep working after a
// key is replaced. Each key must be at least 32 bytes.
func NewTokens(key []byte, retired ...[]byte) (*Tokens, error) {
	t := &Tokens{keys: map[string][]byte{}, Lifetime: DefaultAckLifetime, Now: time.Now}
	for i, k := range append([][]byte{key}, retired...) {
		if len(k) < 32 {
			return nil, leakdesk.Errorf(leakdesk.EINVALID, "acknowledgement key is %d bytes; at least 32 are needed", len(k))
		}
		id := keyID(k)
		if i == 0 {
			t.current = id
		}
		t.keys[id] = k
	}
	return t, nil
}

// keyID names a key without saying anything of it.
func keyID(key []byte) string {
	sum := sha256.Sum256(append([]byte("leakdesk-ack-key-id\x00"), key...))
	return base64.RawURLEncoding.EncodeToString(sum[:6])
}

const macSize = 16

// Sign returns the token for recipient's acknowledgement of notice, valid
// for Lifetime from now.
func (t *Tokens) Sign(incidentID, recipientID, noticeID int64) string {
	expires := t.Now().Add(t.Lifetime).Unix()
	payload := binary.AppendUvarint(nil, uint64(incidentID))
	payload = binary.AppendUvarint(payload, uint64(recipientID))
	payload = binary.AppendUvarint(payload, uint64(noticeID))
	payload = binary.AppendUvarint(payload, uint64(expires))
	enc := base64.RawURLEncoding
	return t.current + "." + enc.EncodeToString(payload) + "." + enc.EncodeToString(macV2(t.keys[t.current], t.current, payload))
}

// Ack is what a valid token says.
type Ack struct {
	Incident, Recipient, Notice int64
	KeyID                       string    // "" for a legacy token
	Expires                     time.Time // zero for a legacy token
	Legacy                      bool      // signed before tokens carried a key ID and an expiry
}

// LinkExpiredError is a genuine link used after its expiry. Its code is
// EUNAUTHORIZED.
type LinkExpiredError struct{ Expired time.Time }

func (e *LinkExpiredError) Error() string {
	return "this acknowledgement link expired on " + e.Expired.UTC().Format("2 January 2006")
}

func (e *LinkExpiredError) Unwrap() error {
	return leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "%s", e.Error())
}

// Check verifies token and returns what it names. A token that does not
// verify returns EUNAUTHORIZED; one past its expiry, a *LinkExpiredError.
func (t *Tokens) Check(token string) (Ack, error) {
	bad := leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "this acknowledgement link is not valid")
	parts := strings.Split(token, ".")
	var ack Ack
	switch len(parts) {
	case 3:
		key, ok := t.keys[parts[0]]
		payload, ok2 := decodeSigned(parts[1], parts[2], func(payload []byte) []byte { return macV2(key, parts[0], payload) })
		if !ok || !ok2 {
			return Ack{}, bad
		}
		ids, ok := uvarints(payload, 4)
		if !ok {
			return Ack{}, bad
		}
		ack = Ack{Incident: ids[0], Recipient: ids[1], Notice: ids[2], KeyID: parts[0], Expires: time.Unix(ids[3], 0).UTC()}
		if !t.Now().Before(ack.Expires) {
			return ack, &LinkExpiredError{Expired: ack.Expires}
		}
		return ack, nil
	case 2:
		for _, key := range t.keys {
			if payload, ok := decodeSigned(parts[0], parts[1], func(payload []byte) []byte { return macV1(key, payload) }); ok {
				if ids, ok := uvarints(payload, 3); ok {
					return Ack{Incident: ids[0], Recipient: ids[1], Notice: ids[2], Legacy: true}, nil
				}
			}
		}
	}
	return Ack{}, bad
}

// decodeSigned decodes a payload and its MAC, and returns the payload if
// the MAC is the one mac computes for it.
func decodeSigned(p, m string, mac func(payload []byte) []byte) ([]byte, bool) {
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p)
	got, err2 := enc.DecodeString(m)
	// The decoder skips newlines and ignores the spare bits of the last
	// character, so several spellings decode alike. Only the one Sign
	// writes is accepted: a token is one string, wherever it is compared.
	if err1 != nil || err2 != nil || enc.EncodeToString(payload) != p || enc.EncodeToString(got) != m || !hmac.Equal(got, mac(payload)) {
		return nil, false
	}
	return payload, true
}

// uvarints reads exactly n numbers from payload.
func uvarints(payload []byte, n int) ([]int64, bool) {
	out := make([]int64, n)
	for i := range out {
		v, size := binary.Uvarint(payload)
		if size <= 0 || v > 1<<62 {
			return nil, false
		}
		out[i], payload = int64(v), payload[size:]
	}
	return out, len(payload) == 0
}

func macV2(key []byte, keyID string, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("leakdesk-ack-v2\x00" + keyID + "\x00"))
	h.Write(payload)
	return h.Sum(nil)[:macSize]
}

func macV1(key []byte, payload []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("leakdesk-ack-v1\x00"))
	h.Write(payload)
	return h.Sum(nil)[:macSize]
}
