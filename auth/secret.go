package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// Prefixes of secrets, so that one found in a log or a repository says
// what it is, and secret scanners can look for it.
const (
	TokenPrefix   = "ldt_"
	SessionPrefix = "lds_"
)

// NewSecret returns prefix followed by 32 random bytes in URL-safe base64.
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HasPrefix reports whether secret is of the kind prefix names, to refuse a
// session cookie presented as an API token and the reverse.
func HasPrefix(secret, prefix string) bool { return strings.HasPrefix(secret, prefix) }

// SecretHash is what the store keeps of a token or session secret, and
// looks it up by. The secrets carry 256 random bits, so a fast hash is
// enough: there is nothing to guess, unlike a password. Only someone who
// already holds the secret can find its row.
func SecretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
