package leakdesk

import (
	"strings"
	"testing"
)

func TestParseKeptFileRef(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want KeptFileRef
		ok   bool
	}{
		{"7", KeptFileRef{File: 7}, true},
		{" #12 ", KeptFileRef{File: 12}, true},
		{"decoy-3F2A00aa11bb22cc", KeptFileRef{Alarm: "decoy-3f2a00aa11bb22cc"}, true},
		{"ABCDEF0123", KeptFileRef{HashPrefix: "abcdef0123"}, true},
		{"12345678", KeptFileRef{HashPrefix: "12345678"}, true}, // eight digits are a hash prefix
		{"0", KeptFileRef{}, false},
		{"-3", KeptFileRef{}, false},
		{"decoy-", KeptFileRef{}, false},
		{"abc", KeptFileRef{}, false},
		{"abcdefgh", KeptFileRef{}, false},
		{strings.Repeat("a", 65), KeptFileRef{}, false},
		{"", KeptFileRef{}, false},
	} {
		got, err := ParseKeptFileRef(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseKeptFileRef(%q) = %+v, %v; want %+v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Errorf("ParseKeptFileRef(%q): %v, want EINVALID", tc.in, err)
		}
	}
}

// FuzzParseKeptFileRef: any input gives one field set, or EINVALID.
func FuzzParseKeptFileRef(f *testing.F) {
	for _, s := range []string{"7", "#12", "decoy-3f2a", "abcdef0123", strings.Repeat("f", 64), "", "-1", "decoy-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseKeptFileRef(in)
		if err != nil {
			if ErrorCode(err) != EINVALID || r != (KeptFileRef{}) {
				t.Fatalf("%q: %+v, %v", in, r, err)
			}
			return
		}
		set := 0
		if r.File > 0 {
			set++
		}
		if r.Alarm != "" {
			set++
		}
		if r.HashPrefix != "" {
			set++
			if len(r.HashPrefix) < 8 || len(r.HashPrefix) > 64 || strings.Trim(r.HashPrefix, "0123456789abcdef") != "" {
				t.Fatalf("%q: hash prefix %q", in, r.HashPrefix)
			}
		}
		if set != 1 {
			t.Fatalf("%q: %+v sets %d fields", in, r, set)
		}
	})
}
