package match_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
)

// bigLeaks writes a registry and two leaks large enough to be split: the
// registry-shaped contact CSV and a mixed forum dump.
func bigLeaks(t testing.TB) (registry string, leaks []string) {
	t.Helper()
	s, err := sample.Generate(sample.Config{Seed: 3, Organisations: 30})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	reg, err := s.RegistryCSV()
	if err != nil {
		t.Fatal(err)
	}
	registry = filepath.Join(dir, "registry.csv")
	var contacts, mixed bytes.Buffer
	if err := s.WriteContactsCSV(&contacts, 5000); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteMixedDump(&mixed, 12000, 20, 10); err != nil {
		t.Fatal(err)
	}
	// Strangers met again in every piece: unknown people, counted once.
	var strangers bytes.Buffer
	strangers.WriteString("email;first_name;last_name;phone\n")
	for i := range 8000 {
		fmt.Fprintf(&strangers, "stranger%d@example.invalid;Zoltan%d;Quaxley;+33 7 00 00 %02d %02d\n", i%900, i%900, i%900/100, i%100)
	}
	for name, data := range map[string][]byte{registry: reg, filepath.Join(dir, "contacts.csv"): contacts.Bytes(), filepath.Join(dir, "mixed.txt"): mixed.Bytes(),
		filepath.Join(dir, "strangers.csv"): strangers.Bytes()} {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return registry, []string{filepath.Join(dir, "contacts.csv"), filepath.Join(dir, "mixed.txt"), filepath.Join(dir, "strangers.csv")}
}

// TestPiecesMergeToTheWholeScan: a leak split into byte ranges, each
// scanned on its own and merged in any order of completion, gives the
// findings of one scan of the whole, byte for byte.
func TestPiecesMergeToTheWholeScan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	registry, leaks := bigLeaks(t)
	svc := match.NewService(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	req := match.Request{Registry: registry, Leaks: match.Files(leaks...)}
	whole, err := svc.Match(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(whole.Findings)

	out, pieces := scanInPieces(t, svc, req, leaks)
	if len(pieces) < 4 {
		t.Fatalf("%d pieces; want each leak cut in several", len(pieces))
	}
	if err := svc.Conclude(ctx, req, out); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d pieces; %d rows, %d contacts, %d review, %d unknown people", len(pieces), out.Findings.Rows, len(out.Findings.Contacts), len(out.Findings.Review), out.Findings.People.Unknown)
	got, _ := json.Marshal(out.Findings)
	if whole.Findings.MatchedRows == 0 || len(whole.Findings.Contacts) == 0 {
		t.Fatalf("the whole scan found nobody: the test proves nothing")
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("merged findings differ from the whole scan's:\n%s\nwant\n%s", firstDifference(got, want), "")
	}
}

// scanInPieces cuts leaks into the smallest pieces, scans them last
// first, passes their partials through JSON as workers do, and merges
// them.
func scanInPieces(t *testing.T, svc *match.Service, req match.Request, leaks []string) (*match.Matched, []match.Piece) {
	t.Helper()
	ctx := context.Background()
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pieces, err := match.Split(reader, leaks, 1)
	if err != nil {
		t.Fatal(err)
	}
	scanner, out, err := svc.ScannerFor(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	partials := make([]*match.Partial, len(pieces))
	// Last first: the order pieces finish in must not matter.
	for i := len(pieces) - 1; i >= 0; i-- {
		p, err := scanner.ScanPiece(ctx, pieces[i])
		if err != nil {
			t.Fatal(err)
		}
		// Partials are stored as JSON between workers and the merge.
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		partials[i] = new(match.Partial)
		if err := json.Unmarshal(b, partials[i]); err != nil {
			t.Fatal(err)
		}
	}
	if out.Findings, err = scanner.Merge(partials, leaks); err != nil {
		t.Fatal(err)
	}
	return out, pieces
}

// TestCutFileOfNoRecordIsUnread: a file cut into pieces none of which
// holds a record is reported unread, as one read of the whole file
// reports it, in the same place among the leaks; a file that holds
// records in any piece is not.
func TestCutFileOfNoRecordIsUnread(t *testing.T) {
	t.Parallel()
	registry, leaks := bigLeaks(t)
	dir := t.TempDir()
	blank := strings.Repeat("\n", 3*dump.MinSplit)
	files := map[string]string{
		"header-then-blank.csv":   "email;first_name;last_name\n" + blank,
		"header-then-commas.csv":  "email,name\n" + strings.Repeat(",\n", 2*dump.MinSplit),
		"blank.txt":               blank,
		"records-then-blank.csv":  "email;first_name\nsomeone@example.invalid;Zoltan\n" + blank,
		"blank-then-a-record.csv": "email;first_name\n" + blank + "someone@example.invalid;Zoltan\n",
	}
	var cut []string
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		cut = append(cut, path)
	}
	slices.Sort(cut)
	svc := match.NewService(nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for name, leaks := range map[string][]string{
		"alone":                 {filepath.Join(dir, "header-then-blank.csv")},
		"among files that read": append([]string{leaks[1]}, cut...),
	} {
		t.Run(name, func(t *testing.T) {
			req := match.Request{Registry: registry, Leaks: match.Files(leaks...)}
			whole, wholeErr := svc.Match(context.Background(), req)
			if whole == nil {
				t.Fatal(wholeErr)
			}
			if len(whole.Findings.Unread) == 0 {
				t.Fatalf("one read reports nothing unread: the test proves nothing")
			}
			out, pieces := scanInPieces(t, svc, req, leaks)
			if len(pieces) <= len(leaks) {
				t.Fatalf("%d pieces of %d files: nothing was cut", len(pieces), len(leaks))
			}
			err := svc.Conclude(context.Background(), req, out)
			if leakdesk.ErrorCode(err) != leakdesk.ErrorCode(wholeErr) {
				t.Errorf("merged: %v; one read: %v", err, wholeErr)
			}
			got, _ := json.Marshal(out.Findings)
			want, _ := json.Marshal(whole.Findings)
			if !bytes.Equal(got, want) {
				t.Fatalf("merged findings differ from one read's:\n%s", firstDifference(got, want))
			}
			t.Logf("unread: %v", out.Findings.Unread)
		})
	}
}

func firstDifference(a, b []byte) string {
	i := 0
	for i < min(len(a), len(b)) && a[i] == b[i] {
		i++
	}
	lo := max(i-200, 0)
	return string(a[lo:min(i+200, len(a))]) + "\n--- want ---\n" + string(b[lo:min(i+200, len(b))])
}
