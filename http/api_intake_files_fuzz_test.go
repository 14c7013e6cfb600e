package http

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/leakdesk/leakdesk"
)

// seenFiles answers FindTriage with the number it was asked for, which
// the fuzz target checks.
type seenFiles struct{ asked int64 }

func (s *seenFiles) ListTriage(context.Context, leakdesk.TriageFilter) (*leakdesk.TriagePage, error) {
	return &leakdesk.TriagePage{}, nil
}

func (s *seenFiles) FindTriage(_ context.Context, id int64) (*leakdesk.TriageFile, error) {
	s.asked = id
	return &leakdesk.TriageFile{ID: id}, nil
}

// FuzzIntakeQuery reads any query of the intake list and any {file} of
// its routes: a query is a valid filter, with an offset that is the start
// of its page, or EINVALID; a file is a positive number looked up as it
// is, or ENOTFOUND without a look-up.
func FuzzIntakeQuery(f *testing.F) {
	for _, seed := range [][2]string{{"state=done&page=2", "7"}, {"state=lost", "-1"}, {"page=0", "1e3"}, {"page=9223372036854775807", "00000012"}, {"state=shredded&state=done", "1/2"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, query, file string) {
		r := httptest.NewRequest("GET", "/api/v1/intake", nil)
		r.URL.RawQuery = query
		filter, page, err := intakeList(r)
		switch {
		case err != nil:
			if leakdesk.ErrorCode(err) != leakdesk.EINVALID {
				t.Fatalf("query %q: %v, want EINVALID", query, err)
			}
		case filter.State != r.URL.Query().Get("state") || !leakdesk.ValidTriageState(filter.State) || page < 1 || filter.Offset != (page-1)*perPage || filter.Offset < 0 || filter.Limit != perPage:
			t.Fatalf("query %q: %+v, page %d", query, filter, page)
		}
		files := &seenFiles{}
		r.SetPathValue("file", file)
		got, err := intakeFile(r, files)
		switch {
		case err != nil:
			if leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND || files.asked != 0 {
				t.Fatalf("file %q: %v after asking for %d, want ENOTFOUND without asking", file, err, files.asked)
			}
		case got.ID <= 0 || files.asked != got.ID:
			t.Fatalf("file %q: looked up %d, got %d", file, files.asked, got.ID)
		}
	})
}
