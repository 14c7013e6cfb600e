package notify

import (
	"encoding/base64"
	"encoding/binary"
)

// SignLegacy writes a token as the first release did: no key ID, no
// expiry.
func SignLegacy(t *Tokens, incidentID, recipientID, noticeID int64) string {
	payload := binary.AppendUvarint(nil, uint64(incidentID))
	payload = binary.AppendUvarint(payload, uint64(recipientID))
	payload = binary.AppendUvarint(payload, uint64(noticeID))
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(macV1(t.keys[t.current], payload))
}
