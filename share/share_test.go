package share

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/share/sharetest"
)

// sharedIncident is an incident with one of everything a bundle carries.
func sharedIncident() *Incident {
	return &Incident{ID: "INC-0007", Title: "Customer list offered on a forum", Status: "open",
		Created: time.Date(2026, 9, 21, 19, 30, 0, 0, time.UTC), AwareAt: time.Date(2026, 9, 21, 20, 0, 0, 0, time.UTC),
		Reporter: "Provider SAS", Seller: "d4rkv3ndor", Affected: 412,
		Files:    []File{{Name: "clients.csv", SHA256: strings.Repeat("ab", 32), Size: 1234, Source: "https://forum.example/t/991"}},
		SeenAt:   []string{"https://market.example/listing/17", "a Telegram channel"},
		Decoys:   []Decoy{{Kind: "email", Value: "l.marchal@decoy-mail.example", Export: "FX-0a1b2c3d"}, {Kind: "phone", Value: "+33655501234", Export: "FX-0a1b2c3d"}, {Kind: "domain", Value: "decoy-mail.example", Export: "FX-0a1b2c3d"}},
		Secrets:  []leakdesk.SecretCount{{Rule: "aws-access-key-id", Category: "secret", Description: "AWS access key ID", Count: 3}},
		Verdicts: []string{"authentic: authentic"}, namespace: "INC-0007/test"}
}

func TestSTIXValidates(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 9, 22, 8, 0, 0, 0, time.UTC)
	data, err := STIX(sharedIncident(), now)
	if err != nil {
		t.Fatal(err)
	}
	sharetest.ValidateSTIX(t, data)
	for _, want := range []string{`"threat-actor"`, "d4rkv3ndor", strings.Repeat("ab", 32), "[email-addr:value = 'l.marchal@decoy-mail.example']", "3 × AWS access key ID", "https://market.example/listing/17", "Telegram"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the bundle lacks %s", want)
		}
	}
	again, _ := STIX(sharedIncident(), now)
	if !bytes.Equal(data, again) {
		t.Error("sharing the same incident twice gives other identifiers")
	}
}

func TestSTIXValidatorRejects(t *testing.T) {
	t.Parallel()
	// The validator must be able to fail: an indicator without its pattern.
	data, _ := STIX(sharedIncident(), time.Now())
	broken := bytes.Replace(data, []byte(`"pattern_type"`), []byte(`"pattern_kind"`), 1)
	ft := &fakeT{TB: t}
	sharetest.ValidateSTIX(ft, broken)
	if !ft.failed {
		t.Error("an indicator without pattern_type validates")
	}
}

// fakeT records failures instead of failing the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}

func TestMISPEvent(t *testing.T) {
	t.Parallel()
	data, err := MISP(sharedIncident(), time.Date(2026, 9, 22, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	ev := sharetest.ValidateMISP(t, data)
	types := map[string]bool{}
	for _, a := range ev.Event.Attribute {
		types[*a.Type] = true
		if *a.Type == "email-dst" && !*a.ToIDS {
			t.Error("a decoy address is not marked for detection")
		}
	}
	for _, want := range []string{"filename|sha256", "email-dst", "phone-number", "domain", "threat-actor", "link", "comment"} {
		if !types[want] {
			t.Errorf("no %s attribute", want)
		}
	}
	if *ev.Event.Date != "2026-09-21" {
		t.Errorf("date %s, want the awareness day", *ev.Event.Date)
	}
}

func TestMaskerHidesPeople(t *testing.T) {
	t.Parallel()
	m := NewMasker([]byte("organisation key"))
	m.Learn(&leakdesk.Findings{Contacts: []leakdesk.AffectedContact{{Name: "Odile Vasseur-Brunet", Email: "o.vasseur@firm.example", Phone: "+33612345678"}}})
	text := "Sample row posted: ODILE Vasseur-Brunet, o.vasseur@firm.example, 06 12 34 56 78; also x.y@other.example"
	masked := m.Text(text)
	for _, v := range []string{"odile", "vasseur", "firm.example", "12 34", "x.y@other"} {
		if strings.Contains(strings.ToLower(masked), v) {
			t.Errorf("%q left in %q", v, masked)
		}
	}
	if !strings.Contains(masked, m.Hash("o.vasseur@firm.example")) {
		t.Errorf("the organisation cannot check the address's hash in %q", masked)
	}
	if NewMasker([]byte("another key")).Hash("o.vasseur@firm.example") == m.Hash("o.vasseur@firm.example") {
		t.Error("the hash does not depend on the key")
	}
}

// FuzzMaskerText: a known person's name or address never survives
// masking, whatever text surrounds it.
func FuzzMaskerText(f *testing.F) {
	f.Add("Sample: ", "Odile Vasseur", "o.vasseur@firm.example", " posted")
	f.Add("İ", "ÉMILE Ǆ", "x@y.example", "ß")
	f.Fuzz(func(t *testing.T, before, name, email, after string) {
		if !utf8.ValidString(before) || !utf8.ValidString(name) || !utf8.ValidString(email) || !utf8.ValidString(after) {
			return // names and addresses are text
		}
		m := NewMasker([]byte("k"))
		m.Learn(&leakdesk.Findings{Contacts: []leakdesk.AffectedContact{{Name: name, Email: email}}})
		for _, v := range []string{name, email} {
			v = strings.TrimSpace(v)
			if v == "" || strings.Contains(v, "[") || strings.Contains(v, "]") {
				continue
			}
			masked := m.Text(before + v + after)
			// A value made of a hash's own characters may be seen in a hash.
			if strings.Contains(masked, v) && strings.Trim(v, "hmac-sha256:0123456789abcdef") != "" {
				t.Errorf("%q survives in %q", v, masked)
			}
		}
	})
}

func TestRenderChoosesTheFormat(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 9, 22, 8, 0, 0, 0, time.UTC)
	for format, render := range map[string]func(*Incident, time.Time) ([]byte, error){"stix": STIX, "misp": MISP} {
		got, err := Render(sharedIncident(), format, now)
		want, _ := render(sharedIncident(), now)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("Render %s: %v, or not what %s writes", format, err, format)
		}
	}
	if _, err := Render(sharedIncident(), "csv", now); leakdesk.ErrorCode(err) != leakdesk.EINVALID {
		t.Errorf("Render csv: %v, want EINVALID", err)
	}
}
