package http

import (
	"net/url"
	"strconv"
)

// perPage is how many rows a console list shows at once.
const perPage = 50

// paging is one page of a list, and what links to its neighbours.
type paging struct {
	Page, Pages, Total int
	First, Last        int // 1-based rows shown, 0 and 0 when none
	Prev, Next         string
}

// paginate returns the bounds of page (1-based) in a list of total rows,
// with links that keep the query's other parameters.
func paginate(query url.Values, page, total int) (pg paging, from, to int) {
	pg = paging{Page: page, Total: total, Pages: max(1, (total+perPage-1)/perPage)}
	pg.Page = min(page, pg.Pages)
	from, to = (pg.Page-1)*perPage, min(pg.Page*perPage, total)
	if to > from {
		pg.First, pg.Last = from+1, to
	}
	link := func(n int) string {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(n))
		return "?" + q.Encode()
	}
	if pg.Page > 1 {
		pg.Prev = link(pg.Page - 1)
	}
	if pg.Page < pg.Pages {
		pg.Next = link(pg.Page + 1)
	}
	return pg, from, to
}
