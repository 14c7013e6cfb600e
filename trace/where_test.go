package trace_test

import (
	"slices"
	"testing"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/trace"
)

func TestWhere(t *testing.T) {
	t.Parallel()
	header := []string{"email", "Country", "organisation"}
	rows := [][]string{
		{"a@acme.fr", "FR", "Acme SAS"},
		{"b@Beta.de", "de", "Beta GmbH"},
		{"c@gamma.fr", " FR ", "Gamma Conseil"},
		{"d@delta.be", "BE", ""},
	}
	for _, tc := range []struct {
		where []string
		keep  []int
	}{
		{[]string{"country=fr"}, []int{0, 2}},
		{[]string{"country!=FR"}, []int{1, 3}},
		{[]string{"email~@ACME"}, []int{0}},
		{[]string{"email!~.fr"}, []int{1, 3}},
		{[]string{"organisation=~(sas|gmbh)$"}, []int{0, 1}},
		{[]string{"organisation!=~conseil"}, []int{0, 1, 3}},
		{[]string{"organisation="}, []int{3}},
		{[]string{" Country = FR", "email~gamma"}, []int{2}},
	} {
		filters, err := trace.ParseWhere(header, tc.where)
		if err != nil {
			t.Fatalf("%q: %v", tc.where, err)
		}
		var got []int
		for i, r := range rows {
			if trace.KeepAll(filters, r) {
				got = append(got, i)
			}
		}
		if !slices.Equal(got, tc.keep) {
			t.Errorf("%q keeps rows %v, want %v", tc.where, got, tc.keep)
		}
	}
	for _, bad := range []string{"country", "nope=FR", "=FR", "organisation=~(", "email?x"} {
		if _, err := trace.ParseWhere(header, []string{bad}); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
			t.Errorf("%q: err = %v, want EINVALID", bad, err)
		}
	}
	filters, _ := trace.ParseWhere(header, []string{"email~.fr", "country=FR", "organisation~conseil"})
	counts := trace.Preview(filters, rows)
	want := []trace.FilterCount{{"email~.fr", 2, 2}, {"country=FR", 2, 2}, {"organisation~conseil", 1, 1}}
	for i := range want {
		if counts[i] != want[i] {
			t.Errorf("preview %d = %+v, want %+v", i, counts[i], want[i])
		}
	}
}
