package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/store"
)

// TestListTriagePages: the files taken in come newest first, a page at a
// time, each once across the pages; a state filter counts and lists only
// its files, a shredded file leaves its state's list for "shredded", and
// a proposed incident is named on its file only.
func TestListTriagePages(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		d := newKeptDesk(t, h)
		var files []*leakdesk.TriageFile
		for i := range 7 {
			files = append(files, d.take(t, d.v.Cases(), fmt.Sprintf("email\nperson%d@example.org\n", i)))
		}
		inc := d.propose(t, files[2])
		if _, err := d.kept.ShredKeptFile(ctx, files[5].SHA256, "local:dpo", "retention ended"); err != nil {
			t.Fatal(err)
		}
		var seen []int64
		for offset := 0; ; offset += 3 {
			page, err := d.triage.ListTriage(ctx, leakdesk.TriageFilter{Offset: offset, Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(files) {
				t.Fatalf("total %d, want %d", page.Total, len(files))
			}
			if len(page.Files) == 0 {
				break
			}
			for _, e := range page.Files {
				seen = append(seen, e.ID)
				if want := map[bool]int64{true: inc.ID}[e.ID == files[2].ID]; e.Incident != want {
					t.Errorf("file %d names incident %d, want %d", e.ID, e.Incident, want)
				}
				if (e.Shredded != nil) != (e.ID == files[5].ID) || e.RowSet != nil {
					t.Errorf("file %d: shredded %+v, row set %d bytes", e.ID, e.Shredded, len(e.RowSet))
				}
			}
		}
		var want []int64
		for i := len(files) - 1; i >= 0; i-- {
			want = append(want, files[i].ID)
		}
		if fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("pages list %v, want %v", seen, want)
		}
		for state, n := range map[string]int{leakdesk.TriageDone: 6, leakdesk.TriageShredded: 1, leakdesk.TriageUnread: 0} {
			page, err := d.triage.ListTriage(ctx, leakdesk.TriageFilter{State: state})
			if err != nil || page.Total != n || len(page.Files) != n {
				t.Errorf("state %s: %+v, %v; want %d files", state, page, err, n)
			}
		}
		if _, err := d.triage.ListTriage(ctx, leakdesk.TriageFilter{State: "lost"}); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("an unknown state: %v, want EINVALID", err)
		}
	})
}

// BenchmarkListTriage compares one page of the intake list (50 files,
// first and last page of 5,000, and filtered by state) with what a
// client would otherwise do: look up the same 50 files one by one, as
// GET /api/v1/intake/{file} does.
func BenchmarkListTriage(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, h *harness) {
		ctx := context.Background()
		triage := store.NewTriageService(h.db)
		const n = 5000
		for i := range n {
			f, _, err := triage.ReceiveTriage(ctx, &leakdesk.TriageFile{SHA256: fmt.Sprintf("%064x", i), Size: 1024, Name: "leak.csv", Source: "feed", Actor: "local:watch"},
				func(context.Context, *sql.Tx, int64) error { return nil })
			if err != nil {
				b.Fatal(err)
			}
			if i%3 == 0 {
				f.State, f.Detail = leakdesk.TriageUnread, "no rows"
				if _, err := triage.CompleteTriage(ctx, f, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
		for _, c := range []struct {
			name   string
			filter leakdesk.TriageFilter
		}{
			{"first-page", leakdesk.TriageFilter{Limit: 50}},
			{"last-page", leakdesk.TriageFilter{Offset: n - 50, Limit: 50}},
			{"unread", leakdesk.TriageFilter{State: leakdesk.TriageUnread, Limit: 50}},
		} {
			b.Run(c.name, func(b *testing.B) {
				for range b.N {
					page, err := triage.ListTriage(ctx, c.filter)
					if err != nil || len(page.Files) != 50 {
						b.Fatalf("%d files (%v)", len(page.Files), err)
					}
				}
			})
		}
		b.Run("one-by-one", func(b *testing.B) {
			for range b.N {
				for id := int64(n); id > n-50; id-- {
					if _, err := triage.FindTriage(ctx, id); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	})
}
