package leakdesk_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestPersonalJSON: a reference and an inline value each read back as
// written, and an inline value is written byte for byte as an older
// release wrote the plain string, so that its event's hash still holds.
func TestPersonalJSON(t *testing.T) {
	t.Parallel()
	salt := bytes.Repeat([]byte{7}, 32)
	ref := leakdesk.PersonalRef(salt, "call me on 0600")
	for _, tc := range []struct {
		p    leakdesk.Personal
		want string
	}{
		{leakdesk.Personal{Value: "left the company"}, `"left the company"`},
		{leakdesk.Personal{}, `""`},
		{leakdesk.Personal{Ref: ref, Value: "call me on 0600"}, `{"personal":"` + ref + `"}`},
	} {
		got, err := json.Marshal(tc.p)
		if err != nil || string(got) != tc.want {
			t.Errorf("marshal %+v = %s, %v; want %s", tc.p, got, err, tc.want)
			continue
		}
		var back leakdesk.Personal
		if err := json.Unmarshal(got, &back); err != nil || back.Ref != tc.p.Ref || (!back.Sealed() && back.Value != tc.p.Value) {
			t.Errorf("read back %s = %+v, %v", got, back, err)
		}
		if back.Sealed() && back.Value != "" {
			t.Errorf("a reference read back carries a value: %+v", back)
		}
	}
	for _, bad := range []string{`{}`, `{"personal":"abc"}`, `{"personal":"` + strings.ToUpper(ref) + `"}`, `{"personal":"` + ref + `","x":"y"}`, `12`, `[]`} {
		var p leakdesk.Personal
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("%s was read as %+v", bad, p)
		}
	}
}

// TestPersonalRefDependsOnTheSalt: without its salt, a reference cannot be
// confirmed by hashing a guessed value.
func TestPersonalRefDependsOnTheSalt(t *testing.T) {
	t.Parallel()
	a := leakdesk.PersonalRef(bytes.Repeat([]byte{1}, 32), "ana@example.org")
	b := leakdesk.PersonalRef(bytes.Repeat([]byte{2}, 32), "ana@example.org")
	c := leakdesk.PersonalRef(bytes.Repeat([]byte{1}, 32), "bob@example.org")
	if a == b || a == c || len(a) != 64 {
		t.Fatalf("references %s %s %s", a, b, c)
	}
}

func TestShowDetails(t *testing.T) {
	t.Parallel()
	held, gone := strings.Repeat("a", 64), strings.Repeat("b", 64)
	values := leakdesk.PersonalValues{held: `said "hi"`}
	got := string(values.ShowDetails([]byte(`{"detail":{"personal":"` + gone + `"},"note":{"personal":"` + held + `"},"x":"{\"personal\":1}"}`)))
	want := `{"detail":"erased","note":"said \"hi\"","x":"{\"personal\":1}"}`
	if got != want {
		t.Fatalf("ShowDetails = %s\nwant          %s", got, want)
	}
}

// contactEvent is a contact event whose note is p.
func contactEvent(seq int64, p leakdesk.Personal) *leakdesk.Event {
	ev := leakdesk.NewEvent(1, "alice", leakdesk.EventContactRecorded, time.Now(), leakdesk.ContactRecordedPayload{Channel: "phone", Note: p, Outcome: "reached", Recipient: "C-1"})
	ev.Seq = seq
	return ev
}

// TestCheckPersonal: each reference is held intact, erased on record,
// altered, or missing; inline values are counted as not erasable.
func TestCheckPersonal(t *testing.T) {
	t.Parallel()
	salt := bytes.Repeat([]byte{9}, 32)
	seal := func(v string) leakdesk.Personal { return leakdesk.Personal{Ref: leakdesk.PersonalRef(salt, v)} }
	held, erased, altered, missing := seal("held"), seal("erased one"), seal("altered"), seal("missing")
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	erasure := leakdesk.NewEvent(1, "local:dpo", leakdesk.EventPersonalErased, at, leakdesk.PersonalErasedPayload{Reason: leakdesk.ErasedForSubject, Refs: []string{erased.Ref}})
	erasure.Seq = 6
	events := []*leakdesk.Event{contactEvent(1, held), contactEvent(2, erased), contactEvent(3, altered), contactEvent(4, missing),
		contactEvent(5, leakdesk.Personal{Value: "inline"}), erasure}
	stored := map[string]leakdesk.StoredPersonal{held.Ref: {Salt: salt, Value: "held"}, altered.Ref: {Salt: salt, Value: "changed"}}
	r, err := leakdesk.CheckPersonal(events, stored)
	if err != nil {
		t.Fatal(err)
	}
	if r.Held != 1 || r.Erased != 1 || r.NotErasable != 1 || len(r.Altered) != 1 || r.Altered[0] != altered.Ref ||
		len(r.Missing) != 1 || r.Missing[0] != missing.Ref || r.OK() {
		t.Fatalf("report %+v", r)
	}
	if len(r.Erasures) != 1 || r.Erasures[0].Actor != "local:dpo" || !r.Erasures[0].At.Equal(at) || r.Erasures[0].Values != 1 {
		t.Fatalf("erasures %+v", r.Erasures)
	}
	if !strings.Contains(r.Problem(), "no longer match") {
		t.Fatalf("problem %q", r.Problem())
	}
	delete(stored, altered.Ref)
	r, _ = leakdesk.CheckPersonal(events[:2], map[string]leakdesk.StoredPersonal{held.Ref: {Salt: salt, Value: "held"}})
	if r.OK() || r.Held != 1 || len(r.Missing) != 1 {
		t.Fatalf("a value deleted without an erasure event: %+v", r)
	}
	s, err := leakdesk.SummarisePersonal(events)
	if err != nil {
		t.Fatal(err)
	}
	if s.Withheld != 3 || s.Erased != 1 || s.NotErasable != 1 || s.Held != 0 || !s.OK() || len(s.Erasures) != 1 || s.Erasures[0].Actor != "local:dpo" {
		t.Fatalf("summary without values: %+v", s)
	}
}

// FuzzPersonal: any JSON either reads as a value or a reference, or is
// refused; what is read writes back to JSON that reads the same.
func FuzzPersonal(f *testing.F) {
	for _, s := range []string{`"x"`, `""`, `{"personal":"` + strings.Repeat("0", 64) + `"}`, `{}`, `null`, `"\u00e9"`, `{"personal":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p leakdesk.Personal
		if err := json.Unmarshal(data, &p); err != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("%q read as %+v does not write: %v", data, p, err)
		}
		var back leakdesk.Personal
		if err := json.Unmarshal(out, &back); err != nil || back != p {
			t.Fatalf("%q -> %+v -> %s -> %+v, %v", data, p, out, back, err)
		}
	})
}

// TestOtherRecipientKey: the key of a recipient outside the registry
// hides the address, is the same for the same address however written,
// and differs between salts.
func TestOtherRecipientKey(t *testing.T) {
	t.Parallel()
	salt, other := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	key := leakdesk.OtherRecipientKey(salt, "jo@client.example")
	if !strings.HasPrefix(key, leakdesk.OtherKeyPrefix) || len(key) != len(leakdesk.OtherKeyPrefix)+16 || strings.Contains(key, "jo") {
		t.Fatalf("key %q", key)
	}
	if again := leakdesk.OtherRecipientKey(salt, " Jo@Client.EXAMPLE "); again != key {
		t.Fatalf("the same address written otherwise: %q, want %q", again, key)
	}
	if leakdesk.OtherRecipientKey(other, "jo@client.example") == key {
		t.Fatal("two salts give the same key")
	}
	if got := leakdesk.MaskRecipientKey(key); got != key {
		t.Fatalf("MaskRecipientKey(%q) = %q: a pseudonym has nothing to mask", key, got)
	}
	if got := leakdesk.MaskRecipientKey("other:jo@client.example"); strings.Contains(got, "jo@client") {
		t.Fatalf("an old key's address is not masked: %q", got)
	}
}
