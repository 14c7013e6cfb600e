package match_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/sample"
)

type quality struct{ tp, fp, fn int }

func (q quality) precision() float64 { return float64(q.tp) / float64(max(q.tp+q.fp, 1)) }
func (q quality) recall() float64    { return float64(q.tp) / float64(max(q.tp+q.fn, 1)) }

func score(got, want []string) quality {
	var q quality
	for _, g := range got {
		if slices.Contains(want, g) {
			q.tp++
		} else {
			q.fp++
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			q.fn++
		}
	}
	return q
}

func runMatch(t *testing.T, s *sample.Scenario) (*leakdesk.Findings, sample.Truth) {
	t.Helper()
	dir := t.TempDir()
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	reader, err := dump.NewReader(dump.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n := match.NewNormaliser("FR")
	reg, err := match.LoadRegistry(context.Background(), reader, n, filepath.Join(dir, "registry", "contacts.csv"), match.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := match.NewScanner(reader, n, match.NewMatcher(reg, match.DefaultWeights()), 2).Scan(context.Background(), match.Files(filepath.Join(dir, s.LeakPath())))
	if err != nil {
		t.Fatal(err)
	}
	return res, s.Truth()
}

// TestQualityOnGeneratedLeaks measures precision and recall of affected
// contacts, and exact affected organisations, on leaks with every kind of
// damage the generator applies.
func TestQualityOnGeneratedLeaks(t *testing.T) {
	t.Parallel()
	var all quality
	defer func() {
		t.Logf("all cases: precision %.4f, recall %.4f", all.precision(), all.recall())
	}()
	for _, seed := range []uint64{31, 32, 33} {
		for _, style := range sample.LeakStyles() {
			t.Run(fmt.Sprintf("%s-%d", style, seed), func(t *testing.T) {
				s, err := sample.Generate(sample.Config{Seed: seed, LeakStyle: style})
				if err != nil {
					t.Fatal(err)
				}
				res, truth := runMatch(t, s)
				var ids, orgs []string
				for _, c := range res.Contacts {
					ids = append(ids, c.ID)
				}
				for _, o := range res.Organisations {
					orgs = append(orgs, o.ID)
				}
				q := score(ids, truth.AffectedContacts)
				oq := score(orgs, truth.AffectedOrgs)
				all.tp, all.fp, all.fn = all.tp+q.tp, all.fp+q.fp, all.fn+q.fn
				t.Logf("contacts: precision %.4f recall %.4f (tp %d fp %d fn %d); organisations fp %d fn %d; review %d; rows %d matched %d",
					q.precision(), q.recall(), q.tp, q.fp, q.fn, oq.fp, oq.fn, len(res.Review), res.Rows, res.MatchedRows)
				// The target: precision and recall of affected
				// contacts both at least 0.99.
				if q.precision() < 0.99 || q.recall() < 0.99 {
					t.Errorf("precision %.4f, recall %.4f: below 0.99", q.precision(), q.recall())
				}
				if res.Rows != int64(len(truth.RowContacts)) {
					t.Errorf("rows = %d, truth has %d records", res.Rows, len(truth.RowContacts))
				}
				// Every link is explained, and its evidence adds up to a
				// weight that earns its confidence.
				for _, c := range res.Contacts {
					var weight float64
					for _, e := range c.Evidence {
						if e.Field == "" || e.How == "" {
							t.Fatalf("%s: evidence without field or how: %+v", c.ID, c.Evidence)
						}
						weight += e.Weight
					}
					if len(c.Evidence) == 0 || weight < match.DefaultWeights().PriorBits {
						t.Fatalf("%s (%s, %.3f): evidence %+v weighs %.1f", c.ID, c.Class, c.Confidence, c.Evidence, weight)
					}
				}
			})
		}
	}
}
