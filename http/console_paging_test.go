package http

import (
	"net/url"
	"testing"
)

func TestConsolePaginate(t *testing.T) {
	t.Parallel()
	query := url.Values{"q": {"acme & co"}}
	tests := []struct {
		page, total int
		from, to    int
		want        paging
	}{
		{1, 0, 0, 0, paging{Page: 1, Pages: 1}},
		{1, 120, 0, 50, paging{Page: 1, Pages: 3, Total: 120, First: 1, Last: 50, Next: "?page=2&q=acme+%26+co"}},
		{2, 120, 50, 100, paging{Page: 2, Pages: 3, Total: 120, First: 51, Last: 100, Prev: "?page=1&q=acme+%26+co", Next: "?page=3&q=acme+%26+co"}},
		{9, 120, 100, 120, paging{Page: 3, Pages: 3, Total: 120, First: 101, Last: 120, Prev: "?page=2&q=acme+%26+co"}}, // past the end: the last page
	}
	for _, tt := range tests {
		got, from, to := paginate(query, tt.page, tt.total)
		if got != tt.want || from != tt.from || to != tt.to {
			t.Errorf("paginate(page %d of %d rows) = %+v [%d:%d], want %+v [%d:%d]", tt.page, tt.total, got, from, to, tt.want, tt.from, tt.to)
		}
	}
	if query.Get("page") != "" {
		t.Errorf("paginate changed the request's query: %v", query)
	}
}
