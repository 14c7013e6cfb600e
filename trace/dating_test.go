package trace_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
	"github.com/leakdesk/leakdesk/trace"
)

// TestDating: the export the leak came from was made within the window
// that the registry history gives.
func TestDating(t *testing.T) {
	t.Parallel()
	for _, seed := range []uint64{71, 72, 73, 74} {
		for _, style := range []string{sample.LeakPaste, sample.LeakSQL} {
			t.Run(fmt.Sprintf("%s-%d", style, seed), func(t *testing.T) {
				t.Parallel()
				s, err := sample.Generate(sample.Config{Seed: seed, LeakStyle: style})
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				if err := s.Write(dir); err != nil {
					t.Fatal(err)
				}
				ctx := context.Background()
				reader, _ := dump.NewReader(dump.Options{})
				n := match.NewNormaliser("FR")
				reg, err := match.LoadRegistry(ctx, reader, n, filepath.Join(dir, "registry", "contacts.csv"), match.RegistryOptions{})
				if err != nil {
					t.Fatal(err)
				}
				history, err := trace.ReadHistory(filepath.Join(dir, "registry", "history.csv"))
				if err != nil {
					t.Fatal(err)
				}
				leaked, _, err := match.ReadRecords(ctx, reader, n, match.Files(filepath.Join(dir, s.LeakPath()))[0])
				if err != nil {
					t.Fatal(err)
				}
				d := trace.Date(ctx, n, reg, leaked, history)
				at := s.Source.At
				t.Logf("%s; source exported %s", d.Note, at.Format("2006-01-02"))
				if d.Informative == 0 || !d.From.IsZero() && at.Before(d.From) || !d.To.IsZero() && !at.Before(d.To) {
					t.Errorf("window %v to %v does not hold the export date %v", d.From, d.To, at)
				}
				if d.From.IsZero() && d.To.IsZero() {
					t.Error("no bound at all")
				}
			})
		}
	}
}
