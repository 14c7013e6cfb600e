package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/leakdesk/leakdesk"
)

// writeJSON writes v as indented JSON. JSON schemas are documented in the
// README and kept stable.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table writes aligned columns for people to read.
type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer, header ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, "\t", " ")
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.tw.Flush() }

// showTime formats t for people, in the incident's time zone.
func showTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

func showBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// reportUnread tells the user, on stderr, of every file or member that
// could not be read. When nothing at all was read it returns EUNREAD, so
// that an empty result never reads as "nobody is affected".
func (a *app) reportUnread(unread []leakdesk.Unread, records int64) error {
	for _, u := range unread {
		fmt.Fprintf(a.stderr, "leakdesk: not read: %s\n", u)
	}
	if records == 0 && len(unread) > 0 {
		return leakdesk.Errorf(leakdesk.EUNREAD, "nothing could be read from the leak (%d %s not read, listed above): its content is unknown, not empty", len(unread), plural(len(unread), "file", "files"))
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// showList joins items for a sentence, or says none.
func showList(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, ", ")
}

// showInts writes numbers as a sentence lists them: "3, 7, 12".
func showInts[T int | int64](ns []T) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
