package proof

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakdesk/leakdesk"
)

// Keys are PEM files openssl reads: PKCS #8 for the private key, PKIX for
// the public one (openssl pkeyutl -verify -pubin -rawin).

// LoadSigningKey reads the Ed25519 private key at path.
func LoadSigningKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "signing key %s cannot be read: %v", path, err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "signing key %s is not a PEM private key", path)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "signing key %s: %v", path, err)
	}
	ed, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.EUNAUTHORIZED, "signing key %s is not an Ed25519 key", path)
	}
	return ed, nil
}

// LoadOrCreateSigningKey reads the key at path, or creates it the first
// time. It refuses to create it inside dataDir unless demo is set: a key
// kept beside the database lets whoever copies the directory sign a
// rewritten timeline.
func LoadOrCreateSigningKey(path, dataDir string, demo bool) (ed25519.PrivateKey, bool, error) {
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		key, err := LoadSigningKey(path)
		return key, false, err
	}
	if !demo && inside(path, dataDir) {
		return nil, false, leakdesk.Errorf(leakdesk.EINVALID, "the signing key %s would sit inside the data directory %s, where anyone who can edit the database can also sign: keep it elsewhere", path, dataDir)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("generate signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, false, fmt.Errorf("encode signing key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		key, err := LoadSigningKey(path) // another process created it first
		return key, false, err
	}
	if err != nil {
		return nil, false, leakdesk.Errorf(leakdesk.EUNAVAILABLE, "signing key %s cannot be created: %v", path, err)
	}
	defer f.Close()
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		return nil, false, fmt.Errorf("write signing key: %w", err)
	}
	if err := f.Sync(); err != nil {
		return nil, false, fmt.Errorf("sync signing key: %w", err)
	}
	return key, true, f.Close()
}

// inside reports whether path is dir or below it.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// PublicKeyPEM encodes pub as a PEM "PUBLIC KEY".
func PublicKeyPEM(pub ed25519.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		panic("proof: encode an Ed25519 public key: " + err.Error()) // cannot fail for a valid key
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePublicKeyPEM reads a PEM "PUBLIC KEY" holding an Ed25519 key.
func ParsePublicKeyPEM(data []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "not a PEM public key")
	}
	key, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "public key: %v", err)
	}
	pub, ok := key.(ed25519.PublicKey)
	if !ok {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "public key is not Ed25519")
	}
	return pub, nil
}
