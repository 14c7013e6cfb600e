package dump_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
)

func compress(t testing.TB, kind string, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	var w io.WriteCloser
	var err error
	switch kind {
	case "gzip":
		w = gzip.NewWriter(&b)
	case "xz":
		w, err = xz.NewWriter(&b)
	case "zstd":
		w, err = zstd.NewWriter(&b)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Every stream format is held to the same ratio cap as zip, on the bytes
// really inflated.
func TestCompressedBombsAreStopped(t *testing.T) {
	t.Parallel()
	text := bytes.Repeat([]byte("0;0\n"), 1<<19)
	for _, kind := range []string{"xz", "zstd"} {
		path := filepath.Join(t.TempDir(), "bomb.csv."+kind)
		os.WriteFile(path, compress(t, kind, text), 0o644)
		_, err := readAll(t, path, dump.Options{MaxRatio: 100})
		if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), "zip bomb") {
			t.Errorf("%s bomb: %v", kind, err)
		}
		if _, err := readAll(t, path, dump.Options{MaxRatio: 1 << 20}); err != nil {
			t.Errorf("%s with a raised cap: %v", kind, err)
		}
	}
}

// Password-protected archives are reported as such, with how to open them,
// and never as empty.
func TestPasswordProtectedArchives(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"7z-password.7z", "7z-password-headers.7z", "7z-zipcrypto.zip", "7z-aes256.zip"} {
		for _, tc := range []struct {
			password string
			records  int
			reason   string
		}{
			{"", 0, "give its password with --password"},
			{"wrong", 0, "the password given does not open it"},
			{"infected", 60, ""},
		} {
			res, err := readAll(t, realFile(name), dump.Options{Password: tc.password})
			unread, rest := dump.Unreads(err)
			if rest != nil {
				t.Fatalf("%s: %v", name, rest)
			}
			records := 0
			for _, r := range res {
				records += len(r.rows)
			}
			if records != tc.records || (tc.reason == "") != (len(unread) == 0) || (tc.reason != "" && !strings.Contains(unread[0].Reason, tc.reason)) {
				t.Errorf("%s with password %q: %d records, unread %v", name, tc.password, records, unread)
			}
		}
	}
}

// A truncated or damaged archive of any kind is reported unread or read in
// part, never taken for an empty one, and never panics.
func TestDamagedArchives(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"xz.csv.xz", "bzip2.csv.bz2", "zstd.csv.zst", "7z.7z", "7z-nested.7z", "7z-aes256.zip", "7z-zipcrypto.zip"} {
		data, err := os.ReadFile(realFile(name))
		if err != nil {
			t.Fatal(err)
		}
		cut := filepath.Join(dir, "cut-"+name)
		os.WriteFile(cut, data[:len(data)*2/3], 0o644)
		flipped := filepath.Join(dir, "flipped-"+name)
		damaged := bytes.Clone(data)
		for i := len(damaged) / 3; i < len(damaged)/3+16; i++ {
			damaged[i] ^= 0x5a
		}
		os.WriteFile(flipped, damaged, 0o644)
		for _, path := range []string{cut, flipped} {
			res, err := readAll(t, path, dump.Options{Password: "infected"})
			unread, rest := dump.Unreads(err)
			records := 0
			for _, r := range res {
				records += len(r.rows)
			}
			if rest != nil || len(unread) == 0 || records >= 60 {
				t.Errorf("%s: %d records, %v", filepath.Base(path), records, err)
			}
		}
	}
}

// BenchmarkReadCompressed reads the same CSV plain and compressed by each
// stream format: the cost beyond plain is the decompressor's.
func BenchmarkReadCompressed(b *testing.B) {
	plain, err := os.ReadFile(benchCSV(b, benchRows()/4))
	if err != nil {
		b.Fatal(err)
	}
	r := newReader(b, dump.Options{})
	for _, kind := range []string{"plain", "gzip", "xz", "zstd"} {
		data := plain
		if kind != "plain" {
			data = compress(b, kind, plain)
		}
		path := filepath.Join(b.TempDir(), "contacts.csv."+kind)
		os.WriteFile(path, data, 0o644)
		b.Run(kind, func(b *testing.B) {
			b.SetBytes(int64(len(plain)))
			for b.Loop() {
				err := r.Read(context.Background(), path, func(t *dump.Table) error {
					return t.ParallelRows(context.Background(), 2, func(int, dump.Row) error { return nil })
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
