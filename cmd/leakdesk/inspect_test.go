package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	out := c.ok("inspect", filepath.Join("..", "..", "dump", "testdata", "paste_banner.txt"), filepath.Join("..", "..", "dump", "testdata", "config_leak.txt"))
	for _, want := range []string{`delimiter " | "`, "email", "j***@a***.test", "connection-string", "Data categories: contact 10"} {
		if !strings.Contains(out, want) {
			t.Errorf("inspect output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "jeanne.martin@acme.test") {
		t.Error("inspect shows values in clear without --show-values")
	}

	var report struct {
		Files []struct {
			File   string
			Tables []struct {
				Format    string
				Delimiter string
				Rows      int64
				Columns   []struct {
					Role       string
					Confidence float64
					Samples    []string
				}
			}
			Categories map[string]int64
		}
	}
	c.json(&report, "inspect", "--show-values", filepath.Join("..", "..", "dump", "testdata", "paste_banner.txt"))
	tb := report.Files[0].Tables[0]
	if tb.Format != "delimited" || tb.Rows != 5 || tb.Columns[2].Role != "email" || tb.Columns[2].Samples[0] != "jeanne.martin@acme.test" || report.Files[0].Categories["contact"] != 10 {
		t.Errorf("json report = %+v", report)
	}
}

func TestInspectStdin(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	in := strings.NewReader("email:password\njeanne@acme.test:Summer2024!\npaul@acme.test:azerty123\n")
	err := run(t.Context(), []string{"inspect", "--format", "json", "-"}, func(string) string { return "" }, in, &stdout, &stderr)
	var report struct {
		Files []struct {
			File   string
			Tables []struct{ Format string }
		}
	}
	if err != nil || json.Unmarshal(stdout.Bytes(), &report) != nil || report.Files[0].File != "stdin" || report.Files[0].Tables[0].Format != "combolist" {
		t.Fatalf("inspect -: %v %s %s", err, stdout.String(), stderr.String())
	}
}

func TestInspectBadInput(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("zeros.csv")
	w.Write(bytes.Repeat([]byte("0;0\n"), 4<<20))
	zw.Close()
	bomb := filepath.Join(dir, "bomb.zip")
	os.WriteFile(bomb, buf.Bytes(), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"inspect"}, exitInvalid, "at least one file"},
		{[]string{"inspect", filepath.Join(dir, "missing.csv")}, exitNotFound, "does not exist"},
		{[]string{"inspect", "--max-ratio", "100", bomb}, exitInvalid, "zip bomb"},
	} {
		_, errOut, code := c.run(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("leakdesk %s: exit %d, %s", strings.Join(tc.args, " "), code, errOut)
		}
	}
	// Raising the cap reads the same file.
	var report map[string]any
	c.json(&report, "inspect", "--max-ratio", "100000", bomb)
	if _, err := json.Marshal(report); err != nil || len(report["files"].([]any)) != 1 {
		t.Errorf("raised cap: %v", report)
	}
}

// No command answers with an empty result for a leak it could not read:
// each names the files it could not read, and when nothing was read at
// all, exits with exitUnread.
func TestUnreadLeakIsNeverEmpty(t *testing.T) {
	t.Parallel()
	c := newCLI(t, "sqlite")
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	registry := write("registry.csv", []byte("id,first_name,last_name,email\nC-1,Jeanne,Martin,jeanne@acme.test\nC-2,Paul,Durand,paul@acme.test\n"))
	binary := []byte("\x7fELF\x02\x01\x01\x00" + strings.Repeat("\x00", 600))
	unreadable := write("tool.bin", binary)
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	for name, data := range map[string][]byte{"contacts.csv": []byte("email\njeanne@acme.test\n"), "tool.bin": binary} {
		w, _ := zw.Create(name)
		w.Write(data)
	}
	zw.Close()
	partial := write("partial.zip", zipped.Bytes())

	for _, tc := range []struct {
		command []string
	}{
		{[]string{"inspect"}},
		{[]string{"match", "--registry", registry}},
		{[]string{"trace", "--candidates", registry, "--leak"}},
	} {
		name := tc.command[0]
		_, errOut, code := c.run(append(slices.Clone(tc.command), unreadable)...)
		if code != exitUnread || !strings.Contains(errOut, "tool.bin: binary file that seems to be an ELF executable") {
			t.Errorf("%s of an unreadable file: exit %d, %s", name, code, errOut)
		}
		out, errOut, code := c.run(append(slices.Clone(tc.command), partial, "--format", "json")...)
		if code != 0 || !strings.Contains(errOut, "not read: "+partial+"!/tool.bin") || !strings.Contains(out, `"unread"`) || !strings.Contains(out, "partial.zip!/tool.bin") {
			t.Errorf("%s of a partly readable file: exit %d, %s\n%s", name, code, errOut, out)
		}
	}
}
