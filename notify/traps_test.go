package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

func TestTraps(t *testing.T) {
	t.Parallel()
	fr := &leakdesk.Recipient{Key: "C-1", Email: "a@example.org", Language: "fr"}
	en := &leakdesk.Recipient{Key: "C-2", Email: "b@example.org", Language: "en"}
	enNoAddress := &leakdesk.Recipient{Key: "C-3", Phone: "+33100000000", Language: "en"}
	tagged := func(langs ...string) map[string]string {
		facts := map[string]string{"controller": "Acme SA"}
		for _, key := range notify.RequiredFacts {
			for _, l := range langs {
				facts[key+"."+l] = key + " in " + l
			}
		}
		return facts
	}
	from := notify.From{Name: "Jane from IT", Address: "jane@acme.example"}
	const public = "https://leakdesk.acme.example"
	for _, tc := range []struct {
		name     string
		facts    map[string]string
		audience []*leakdesk.Recipient
		baseURL  string
		want     []string // a word of each trap, in order
		fixes    []string // a word of each fix, in order
	}{
		{"every fact tagged, named, public", tagged("fr", "en"), []*leakdesk.Recipient{fr, en}, public, nil, nil},
		{"a language without address uses nothing", tagged("fr"), []*leakdesk.Recipient{fr, enNoAddress}, public, nil, nil},
		{"plain dpo goes into French notices", func() map[string]string {
			f := tagged("fr")
			delete(f, "dpo.fr")
			f["dpo"] = "Our DPO, in English"
			return f
		}(), []*leakdesk.Recipient{fr}, public, []string{"fact dpo has no language tag", "fr notices"}, []string{"dpo.fr"}},
		{"plain facts in two languages", map[string]string{"controller": "Acme SA", "circumstances": "x", "consequences": "x", "measures": "x", "dpo": "x", "dpo.en": "x"},
			[]*leakdesk.Recipient{fr, en}, public,
			[]string{"circumstances", "consequences", "measures", "dpo has", "circumstances", "consequences", "measures"},
			[]string{"circumstances.fr", "consequences.fr", "measures.fr", "dpo.fr", "circumstances.en", "consequences.en", "measures.en"}},
		{"company from --from", func() map[string]string { f := tagged("fr"); delete(f, "controller"); return f }(),
			[]*leakdesk.Recipient{fr}, public, []string{`"Jane from IT"`}, []string{"controller"}},
		{"controller in one language is a name", func() map[string]string {
			f := tagged("fr")
			delete(f, "controller")
			f["controller.fr"] = "Acme SA"
			return f
		}(), []*leakdesk.Recipient{fr}, public, nil, nil},
		{"localhost", tagged("fr"), []*leakdesk.Recipient{fr}, "http://localhost:8080", []string{"localhost"}, []string{"--base-url"}},
		{"loopback address", tagged("fr"), []*leakdesk.Recipient{fr}, "http://127.0.0.1:8080/", []string{"loopback"}, []string{"--base-url"}},
		{"IPv6 loopback", tagged("fr"), []*leakdesk.Recipient{fr}, "http://[::1]:8080", []string{"loopback"}, []string{"--base-url"}},
		{"no domain", tagged("fr"), []*leakdesk.Recipient{fr}, "http://leakdesk:8080", []string{"no domain"}, []string{"--base-url"}},
		{"not a URL", tagged("fr"), []*leakdesk.Recipient{fr}, "leakdesk.acme.example", []string{"not a URL"}, []string{"--base-url"}},
		{"public address", tagged("fr"), []*leakdesk.Recipient{fr}, "https://192.0.2.10", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			traps := notify.Traps(7, tc.facts, tc.audience, from, tc.baseURL)
			if len(traps) != len(tc.fixes) {
				t.Fatalf("%d traps, want %d: %+v", len(traps), len(tc.fixes), traps)
			}
			for i, trap := range traps {
				if !strings.Contains(trap.Trap, tc.want[min(i, len(tc.want)-1)]) || !strings.Contains(trap.Fix, tc.fixes[i]) {
					t.Errorf("trap %d = %+v, want %q and fix %q", i, trap, tc.want[min(i, len(tc.want)-1)], tc.fixes[i])
				}
				if strings.Contains(trap.Fix, "leakdesk incident fact") && !strings.Contains(trap.Fix, "INC-0007") {
					t.Errorf("fix %q does not name the incident", trap.Fix)
				}
			}
		})
	}
}

func TestMissingFacts(t *testing.T) {
	t.Parallel()
	fr := &leakdesk.Recipient{Email: "a@example.org", Language: "fr"}
	en := &leakdesk.Recipient{Email: "b@example.org", Language: "en"}
	facts := map[string]string{"circumstances.fr": "x", "consequences": "x", "measures.en": "x", "dpo": "x"}
	got := notify.MissingFacts(facts, []*leakdesk.Recipient{fr, en})
	if len(got) != 2 || got[0] != "fr: measures" || got[1] != "en: circumstances" {
		t.Fatalf("missing = %q", got)
	}
	if got := notify.MissingFacts(facts, []*leakdesk.Recipient{{Language: "en", Phone: "+33100000000"}}); len(got) != 0 {
		t.Fatalf("a recipient without address needs no facts: %q", got)
	}
}

// The company notices name is the controller fact's once it is recorded,
// not the display name of the sender's mailbox.
func TestNoticesNameTheController(t *testing.T) {
	eachDesk(t, func(t *testing.T, d *desk) {
		ctx := context.Background()
		tmpl, err := notify.LoadTemplates("")
		if err != nil {
			t.Fatal(err)
		}
		r := &leakdesk.Recipient{Key: "C-1", Name: "Zoé", Email: "zoe@customer.example", Language: "fr"}
		subject := func() string {
			c := &notify.Composer{Templates: tmpl, From: notify.From{Name: "Jane from IT", Address: "jane@acme.example"}, Incidents: d.incidents, Notices: d.notices}
			data, _, err := c.Data(ctx, &leakdesk.Notice{IncidentID: d.incident.ID, Template: "first", Kind: leakdesk.NoticeFirst}, r)
			if err != nil {
				t.Fatal(err)
			}
			msg, err := tmpl.Render("first", r.Language, data)
			if err != nil {
				t.Fatal(err)
			}
			return msg.Subject
		}
		if s := subject(); !strings.Contains(s, "[Jane from IT]") {
			t.Fatalf("without a controller fact, subject %q", s)
		}
		for _, kv := range [][2]string{{"controller", "Acme Ltd"}, {"controller.fr", "Acme France SAS"}} {
			if err := d.incidents.AppendEvent(ctx, leakdesk.NewEvent(d.incident.ID, "alice", leakdesk.EventFact, time.Now(), map[string]string{"key": kv[0], "value": kv[1]})); err != nil {
				t.Fatal(err)
			}
		}
		if s := subject(); !strings.Contains(s, "[Acme France SAS]") || strings.Contains(s, "Jane") {
			t.Fatalf("with a controller fact, subject %q", s)
		}
	})
}
