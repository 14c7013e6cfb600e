package dump_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/internal/testbackends"
	"github.com/leakdesk/leakdesk/store"
)

// Two pieces of evidence are summed, and each read is logged on the
// timeline with its purpose.
func TestEvidenceProfiler(t *testing.T) {
	testbackends.Each(t, func(t *testing.T, b *testbackends.Desk) {
		ctx := context.Background()
		incidents, evidence := store.NewIncidentService(b.DB, b.Rules), store.NewEvidenceService(b.DB, b.Vault)
		inc := &leakdesk.Incident{Title: "two pastes", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}}
		if err := incidents.CreateIncident(ctx, inc, "alice"); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"paste_banner.txt", "combolist.txt"} {
			f, err := os.Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			err = evidence.AddEvidence(ctx, &leakdesk.Evidence{IncidentID: inc.ID, Filename: name, Source: "forum, " + name, AddedBy: "alice"}, f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
		profiler, err := dump.NewEvidenceProfiler(evidence, func() (string, error) { return t.TempDir(), nil })
		if err != nil {
			t.Fatal(err)
		}
		list, err := evidence.FindEvidence(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		var persons, records int64
		for _, e := range list {
			fp, err := profiler.ProfilePiece(ctx, inc.ID, e, "bob", "count")
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range fp.Tables {
				records += tb.Rows
				for _, c := range tb.Columns {
					if c.Role == dump.RoleEmail {
						persons = max(persons, c.Distinct)
					}
				}
			}
		}
		byHash, err := profiler.Inspect(ctx, inc.ID, list[1].SHA256[:12], "bob", "inspect", dump.Inspection{})
		if err != nil || byHash.File != fmt.Sprintf("evidence #%d combolist.txt", list[1].ID) || byHash.Size != list[1].Size {
			t.Fatalf("inspection by SHA-256 prefix = %+v, %v; want combolist.txt of %d bytes", byHash, err, list[1].Size)
		}
		inClear, err := profiler.Inspect(ctx, inc.ID, strconv.FormatInt(list[1].ID, 10), "bob", "inspect", dump.Inspection{ShowValues: true})
		if err != nil {
			t.Fatal(err)
		}
		if masked, clear := samples(byHash), samples(inClear); masked == clear || !strings.Contains(clear, "@") {
			t.Fatalf("samples masked %q and in clear %q", masked, clear)
		}
		if _, err := profiler.Inspect(ctx, inc.ID, "99", "bob", "inspect", dump.Inspection{}); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("inspection of missing evidence: %v, want ENOTFOUND", err)
		}
		if _, err := profiler.Inspect(ctx, inc.ID, "", "bob", "inspect", dump.Inspection{}); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Fatalf("inspection of one of two pieces unnamed: %v, want EINVALID", err)
		}

		got, err := profiler.ProfileEvidence(ctx, inc.ID, "bob", "assess severity")
		if err != nil {
			t.Fatal(err)
		}
		if got.Records != records || got.Persons != persons || persons == 0 || got.PersonsHow != leakdesk.PersonsByEmail || got.Categories["contact"] == 0 ||
			!slices.Equal(got.Sources, []string{"forum, paste_banner.txt", "forum, combolist.txt"}) {
			t.Fatalf("profile = %+v, want %d records and %d persons from both sources", got, records, persons)
		}
		events, err := incidents.FindEvents(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		reads := 0
		for _, ev := range events {
			if ev.Kind == leakdesk.EventEvidenceRead && ev.Actor == "bob" && strings.Contains(string(ev.Details), "assess severity") {
				reads++
			}
		}
		if reads != 2 {
			t.Fatalf("%d reads logged for the assessment, want one per piece", reads)
		}
	})
}

// samples joins the samples of every column the profile shows.
func samples(fp *dump.FileProfile) string {
	var out []string
	for _, tb := range fp.Tables {
		for _, c := range tb.Columns {
			out = append(out, c.Samples...)
		}
	}
	return strings.Join(out, " ")
}
