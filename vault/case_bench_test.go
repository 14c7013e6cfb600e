package vault_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/vault"
)

// BenchmarkKeep compares keeping a file for the master key, as the watch
// did, with keeping it under a key of its own, side by side.
func BenchmarkKeep(b *testing.B) {
	for _, size := range []int{4 << 10, 10 << 20} {
		key, err := vault.GenerateKey()
		if err != nil {
			b.Fatal(err)
		}
		v, err := vault.Open(b.TempDir(), key)
		if err != nil {
			b.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			blobs leakdesk.BlobStore
		}{{"master", v}, {"case", v.Cases()}} {
			b.Run(fmt.Sprintf("%s/%dKiB", tc.name, size>>10), func(b *testing.B) {
				content := make([]byte, size)
				b.SetBytes(int64(size))
				for b.Loop() {
					rand.Read(content[:32]) // a new content each time, as new files are
					if _, err := tc.blobs.Put(context.Background(), bytes.NewReader(content)); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
