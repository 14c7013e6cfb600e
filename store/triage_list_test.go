package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/leakdesk/leakdesk"
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
