package http

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// formTime reads what a person types in a time field: a time it accepts
// is in UTC and reads back the same; what it refuses names the field.
func FuzzFormTime(f *testing.F) {
	for _, s := range []string{"", "2026-09-22 08:15", "2026-09-22T08:15", "2026-09-22 08:15:30", "2026-09-22T08:15:00+02:00", "yesterday", "2026-13-01 25:61", " 2026-09-22 08:15 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"at": {typed}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		at, err := formTime(r, "at", "Filed at")
		switch {
		case err != nil:
			if !strings.Contains(err.Error(), "Filed at") || !at.IsZero() {
				t.Fatalf("%q: error %v with time %v", typed, err, at)
			}
		case strings.TrimSpace(typed) == "" || strings.ContainsAny(typed, "\r\x00"):
			// Empty means now, to the caller. Form encoding may drop or
			// change what it cannot carry.
		case at.Location() != time.UTC:
			t.Fatalf("%q read as %v, not in UTC", typed, at)
		}
		if err == nil && !at.IsZero() {
			r2 := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"at": {at.Format(time.RFC3339Nano)}}.Encode()))
			r2.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if again, err := formTime(r2, "at", "Filed at"); err != nil || !again.Equal(at) {
				t.Fatalf("%q read as %v, which reads back as %v, %v", typed, at, again, err)
			}
		}
	})
}
