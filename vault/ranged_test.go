package vault_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/vault"
)

// rangedContent spans several of age's 64 KiB chunks, with a short last
// one, and differs at every offset that matters.
func rangedContent(seed byte) []byte {
	b := make([]byte, 3*64<<10+1234)
	for i := range b {
		b[i] = byte(i*7) ^ byte(i>>16) ^ seed
	}
	return b
}

// areas are the vault's three kinds of keeping, each with where its blob
// of content sum lies on disk, and the age recipient it is encrypted for.
func rangedAreas(t *testing.T, dir string, v *vault.Vault) []struct {
	name  string
	blobs leakdesk.RangedBlobStore
	path  func(sum string) string
} {
	t.Helper()
	return []struct {
		name  string
		blobs leakdesk.RangedBlobStore
		path  func(sum string) string
	}{
		{"master", v, func(sum string) string { return filepath.Join(dir, "sha256", sum[:2], sum+".age") }},
		{"incident", v.ForIncident(7).(leakdesk.RangedBlobStore), func(sum string) string {
			return filepath.Join(dir, "incidents", "7", "sha256", sum[:2], sum+".age")
		}},
		{"case", v.KeptRanges(), func(sum string) string { return filepath.Join(dir, "cases", "sha256", sum[:2], sum+".age") }},
	}
}

func TestRangedReadsMatchTheContent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v, _ := open(t, dir)
	ctx := context.Background()
	content := rangedContent(1)
	for _, area := range rangedAreas(t, dir, v) {
		t.Run(area.name, func(t *testing.T) {
			blob, checked := putChecked(t, area.blobs, content)
			if len(checked.Seal()) != 64 {
				t.Fatalf("seal %q", checked.Seal())
			}
			r, err := area.blobs.OpenRanged(ctx, blob.SHA256, checked.Seal())
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Size() != int64(len(content)) {
				t.Fatalf("size %d, want %d", r.Size(), len(content))
			}
			// Ranges inside a chunk, across chunk ends, and to the end.
			for _, rg := range [][2]int{{0, 10}, {65530, 65550}, {100, 3 * 64 << 10}, {len(content) - 5, len(content)}} {
				got := make([]byte, rg[1]-rg[0])
				n, err := r.ReadAt(got, int64(rg[0]))
				if err != nil && err != io.EOF {
					t.Fatalf("range %v: %v", rg, err)
				}
				if !bytes.Equal(got[:n], content[rg[0]:rg[1]]) || n != len(got) {
					t.Fatalf("range %v: read %d bytes, not the content", rg, n)
				}
			}
			whole, err := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
			if err != nil || !bytes.Equal(whole, content) {
				t.Fatalf("whole read: %v, equal %v", err, bytes.Equal(whole, content))
			}
		})
	}
}

// A blob replaced after its check by another valid age file for the same
// key is refused by a ranged open with the check's seal, before anything
// is read: even when the replacement holds the same content.
func TestRangedOpenRefusesASwappedBlob(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v, key := open(t, dir)
	ctx := context.Background()
	content := rangedContent(2)
	for _, area := range rangedAreas(t, dir, v) {
		t.Run(area.name, func(t *testing.T) {
			blob, checked := putChecked(t, area.blobs, content)
			path := area.path(blob.SHA256)
			recipient := recipientOf(t, path, dir, key, area.name)
			for _, swap := range []struct {
				name      string
				plaintext []byte
			}{{"other content", rangedContent(3)}, {"same content", content}} {
				replaceBlob(t, path, recipient, swap.plaintext)
				r, err := area.blobs.OpenRanged(ctx, blob.SHA256, checked.Seal())
				if err == nil {
					r.Close()
					t.Fatalf("%s: a swapped blob was opened", swap.name)
				}
				if leakdesk.ErrorCode(err) != leakdesk.EINTEGRITY || !strings.Contains(err.Error(), "replaced") {
					t.Fatalf("%s: error %v, want EINTEGRITY saying it was replaced", swap.name, err)
				}
			}
			// A new check, from scratch, of other content under this name
			// fails on the hash.
			replaceBlob(t, path, recipient, rangedContent(4))
			if r, err := area.blobs.OpenRanged(ctx, blob.SHA256, ""); leakdesk.ErrorCode(err) != leakdesk.EINTEGRITY {
				if r != nil {
					r.Close()
				}
				t.Fatalf("check of altered content: %v, want EINTEGRITY", err)
			}
		})
	}
}

// A blob cut short is refused at its opening: age authenticates its last
// chunk there, so a truncation is never read as a shorter content.
func TestRangedOpenRefusesATruncatedBlob(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v, _ := open(t, dir)
	ctx := context.Background()
	blob, checked := putChecked(t, v, rangedContent(5))
	path := filepath.Join(dir, "sha256", blob.SHA256[:2], blob.SHA256+".age")
	os.Chmod(path, 0o600)
	// Cut exactly at a chunk's end (64 KiB and its 16-byte tag after the
	// header), where only the last-chunk flag tells it.
	info, _ := os.Stat(path)
	if err := os.Truncate(path, info.Size()-1234-16); err != nil {
		t.Fatal(err)
	}
	if r, err := v.OpenRanged(ctx, blob.SHA256, checked.Seal()); leakdesk.ErrorCode(err) != leakdesk.EINTEGRITY {
		if r != nil {
			r.Close()
		}
		t.Fatalf("truncated blob: %v, want EINTEGRITY", err)
	}
}

// putChecked stores content in blobs and checks it in full, as a run's
// start does.
func putChecked(t testing.TB, blobs leakdesk.RangedBlobStore, content []byte) (leakdesk.Blob, leakdesk.RangedBlob) {
	t.Helper()
	ctx := context.Background()
	blob, err := blobs.Put(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	checked, err := blobs.OpenRanged(ctx, blob.SHA256, "")
	if err != nil {
		t.Fatal(err)
	}
	checked.Close()
	return blob, checked
}

// recipientOf is the age recipient the blob at path was encrypted for:
// the master key's, or the data key wrapped for it in keys/.
func recipientOf(t *testing.T, path, dir, masterKey, area string) age.Recipient {
	t.Helper()
	master, err := age.ParseX25519Identity(masterKey)
	if err != nil {
		t.Fatal(err)
	}
	if area == "master" {
		return master.Recipient()
	}
	wrapped := files(t, filepath.Join(dir, "keys", area+"-*.age"))
	if len(wrapped) != 1 {
		t.Fatalf("%s keys: %v", area, wrapped)
	}
	f, err := os.Open(wrapped[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec, err := age.Decrypt(f, master)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(dec)
	id, err := age.ParseX25519Identity(strings.TrimSpace(string(text)))
	if err != nil {
		t.Fatal(err)
	}
	return id.Recipient()
}

// replaceBlob renames a new age file of plaintext, for recipient, over the
// blob at path, as someone with write access to the vault could.
func replaceBlob(t *testing.T, path string, recipient age.Recipient, plaintext []byte) {
	t.Helper()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, recipient)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plaintext)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	tmp := path + ".swap"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o400); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRangedRead compares reading a blob's plaintext by ranges, as
// a piece's reader does, with reading it as one stream, side by side.
func BenchmarkRangedRead(b *testing.B) {
	v, _ := open(b, b.TempDir())
	ctx := context.Background()
	content := bytes.Repeat(rangedContent(6), 160) // about 30 MiB
	blob, checked := putChecked(b, v, content)
	buf := make([]byte, 256<<10) // the buffer dump reads a range through
	// io.Discard would read through its own 8 KiB buffer instead.
	discard := struct{ io.Writer }{io.Discard}
	b.Run("stream", func(b *testing.B) {
		b.SetBytes(int64(len(content)))
		defer reportCPU(b)()
		for b.Loop() {
			rc, err := v.Open(ctx, blob.SHA256)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.CopyBuffer(discard, rc, buf); err != nil {
				b.Fatal(err)
			}
			rc.Close()
		}
	})
	b.Run("ranged", func(b *testing.B) {
		b.SetBytes(int64(len(content)))
		defer reportCPU(b)()
		for b.Loop() {
			r, err := v.OpenRanged(ctx, blob.SHA256, checked.Seal())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.CopyBuffer(discard, io.NewSectionReader(r, 0, r.Size()), buf); err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	})
	b.Run("check", func(b *testing.B) { // the run's start: a full check and the seal
		b.SetBytes(int64(len(content)))
		defer reportCPU(b)()
		for b.Loop() {
			r, err := v.OpenRanged(ctx, blob.SHA256, "")
			if err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
	})
}

// reportCPU reports the process's CPU time (user+sys) per operation from
// now to the call of the function it returns: on a shared machine, wall
// time says little.
func reportCPU(b *testing.B) func() {
	before := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-before).Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
