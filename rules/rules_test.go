package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

func load(t *testing.T) *rules.Rules {
	t.Helper()
	r, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func deadline(t *testing.T, list []leakdesk.Deadline, obligation string) leakdesk.Deadline {
	t.Helper()
	for _, d := range list {
		if d.Obligation == obligation {
			return d
		}
	}
	t.Fatalf("no deadline %s in %+v", obligation, list)
	return leakdesk.Deadline{}
}

// filings builds one filing per obligation, at the given time.
func filings(t *testing.T, filed map[string]string) []*leakdesk.Filing {
	t.Helper()
	var out []*leakdesk.Filing
	for o, when := range filed {
		out = append(out, &leakdesk.Filing{Obligation: o, FiledAt: at(t, when), Ref: "ref"})
	}
	return out
}

func TestEmbeddedRegimesCiteSources(t *testing.T) {
	t.Parallel()
	r := load(t)
	for _, id := range []string{"gdpr", "nis2"} {
		reg, err := r.Regime(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(reg.Sources) == 0 || reg.Sources[0].URL == "" {
			t.Errorf("%s cites no source", id)
		}
	}
	if _, err := r.Regime("hipaa"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND || !strings.Contains(err.Error(), "gdpr") {
		t.Errorf("unknown regime: %v", err)
	}
}

func TestDeadlines(t *testing.T) {
	t.Parallel()
	r := load(t)
	controller := func(aware string, regimes ...string) *leakdesk.Incident {
		inc := &leakdesk.Incident{Role: leakdesk.RoleController, Regimes: regimes, TimeZone: "Europe/Paris"}
		if aware != "" {
			inc.AwareAt = at(t, aware)
		}
		return inc
	}
	tests := []struct {
		name       string
		inc        *leakdesk.Incident
		filed      map[string]string
		now        string
		obligation string
		wantStatus string
		wantDue    string // RFC 3339, "" for none
	}{
		{
			name: "GDPR 72 hours, Sunday night awareness runs through the week",
			inc:  controller("2026-03-01T21:30:00+01:00", "gdpr"), now: "2026-03-02T08:00:00+01:00",
			obligation: "gdpr.art33.authority", wantStatus: leakdesk.DeadlineDue, wantDue: "2026-03-04T21:30:00+01:00",
		},
		{
			name: "72 hours are elapsed hours across the spring DST change",
			inc:  controller("2026-03-28T12:00:00+01:00", "gdpr"), now: "2026-03-28T13:00:00+01:00",
			obligation: "gdpr.art33.authority", wantStatus: leakdesk.DeadlineDue, wantDue: "2026-03-31T13:00:00+02:00",
		},
		{
			name: "72 hours across the autumn DST change",
			inc:  controller("2026-10-24T12:00:00+02:00", "gdpr"), now: "2026-10-24T13:00:00+02:00",
			obligation: "gdpr.art33.authority", wantStatus: leakdesk.DeadlineDue, wantDue: "2026-10-27T11:00:00+01:00",
		},
		{
			name: "hour deadlines fall on weekends as they come",
			inc:  controller("2026-03-05T10:00:00+01:00", "nis2"), now: "2026-03-05T11:00:00+01:00",
			obligation: "nis2.notification", wantStatus: leakdesk.DeadlineDue, wantDue: "2026-03-08T10:00:00+01:00",
		},
		{
			name: "overdue", inc: controller("2026-03-01T21:30:00+01:00", "nis2"), now: "2026-03-02T21:31:00+01:00",
			obligation: "nis2.early-warning", wantStatus: leakdesk.DeadlineLate, wantDue: "2026-03-02T21:30:00+01:00",
		},
		{
			name: "filed in time", inc: controller("2026-03-01T21:30:00+01:00", "nis2"),
			filed: map[string]string{"nis2.early-warning": "2026-03-02T20:00:00+01:00"}, now: "2026-03-09T00:00:00+01:00",
			obligation: "nis2.early-warning", wantStatus: leakdesk.DeadlineMet, wantDue: "2026-03-02T21:30:00+01:00",
		},
		{
			name: "filed late asks for reasons", inc: controller("2026-03-01T21:30:00+01:00", "gdpr"),
			filed: map[string]string{"gdpr.art33.authority": "2026-03-05T09:00:00+01:00"}, now: "2026-03-09T00:00:00+01:00",
			obligation: "gdpr.art33.authority", wantStatus: leakdesk.DeadlineLate, wantDue: "2026-03-04T21:30:00+01:00",
		},
		{
			name: "final report waits for the notification", inc: controller("2026-03-01T21:30:00+01:00", "nis2"), now: "2026-03-02T00:00:00+01:00",
			obligation: "nis2.final-report", wantStatus: leakdesk.DeadlineNotStarted,
		},
		{
			name: "one month from 31 January clamps to 28 February, a Sunday, so ends Monday 1 March",
			inc:  controller("2027-01-29T10:00:00+01:00", "nis2"), filed: map[string]string{"nis2.notification": "2027-01-31T18:00:00+01:00"},
			now: "2027-02-01T00:00:00+01:00", obligation: "nis2.final-report", wantStatus: leakdesk.DeadlineDue, wantDue: "2027-03-01T23:59:59+01:00",
		},
		{
			name: "a month ending on Saturday moves to Monday",
			inc:  controller("2026-03-30T10:00:00+02:00", "nis2"), filed: map[string]string{"nis2.notification": "2026-04-02T18:00:00+02:00"},
			now: "2026-04-03T00:00:00+02:00", obligation: "nis2.final-report", wantStatus: leakdesk.DeadlineDue, wantDue: "2026-05-04T23:59:59+02:00",
		},
		{
			name: "a processor has no Art. 33(1) clock",
			inc:  &leakdesk.Incident{Role: leakdesk.RoleProcessor, Regimes: []string{"gdpr"}, AwareAt: at(t, "2026-03-01T21:30:00+01:00")},
			now:  "2026-03-02T00:00:00+01:00", obligation: "gdpr.art33.authority", wantStatus: leakdesk.DeadlineNotApplicable,
		},
		{
			name: "a processor notifies the controller without undue delay",
			inc:  &leakdesk.Incident{Role: leakdesk.RoleProcessor, Regimes: []string{"gdpr"}, AwareAt: at(t, "2026-03-01T21:30:00+01:00")},
			now:  "2026-03-02T00:00:00+01:00", obligation: "gdpr.art33.controller", wantStatus: leakdesk.DeadlineDue,
		},
		{
			name: "no awareness time: the clock is not started, never guessed",
			inc:  controller("", "gdpr"), now: "2026-03-02T00:00:00+01:00",
			obligation: "gdpr.art33.authority", wantStatus: leakdesk.DeadlineNotStarted,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, err := r.Deadlines(tc.inc, filings(t, tc.filed), at(t, tc.now))
			if err != nil {
				t.Fatal(err)
			}
			d := deadline(t, list, tc.obligation)
			if d.Status != tc.wantStatus {
				t.Errorf("status = %s (%s), want %s", d.Status, d.Reason, tc.wantStatus)
			}
			switch {
			case tc.wantDue == "" && !d.Due.IsZero():
				t.Errorf("due = %v, want none", d.Due)
			case tc.wantDue != "" && !d.Due.Equal(at(t, tc.wantDue)):
				t.Errorf("due = %v, want %s", d.Due, tc.wantDue)
			}
			if d.Status != leakdesk.DeadlineDue && d.Status != leakdesk.DeadlineMet && d.Reason == "" {
				t.Errorf("status %s has no reason", d.Status)
			}
		})
	}
}

func TestRegimeFileErrorsNameFileAndField(t *testing.T) {
	t.Parallel()
	r := load(t)
	tests := []struct {
		name, body, want string
	}{
		{"not json", `{`, "contract.json"},
		{"unknown field", `{"id":"x","sources":[{"title":"t"}],"obligations":[],"colour":1}`, `unknown field "colour"`},
		{"bad id", `{"id":"Contract 1","sources":[{"title":"t"}]}`, "id"},
		{"no sources", `{"id":"contract"}`, "sources"},
		{"bad period", `{"id":"contract","sources":[{"title":"t"}],"obligations":[{"id":"c.notice","title":"t","article":"s. 4","starts":"awareness","within":"soon"}]}`, "obligations[0].within"},
		{"bad start", `{"id":"contract","sources":[{"title":"t"}],"obligations":[{"id":"c.notice","title":"t","article":"s. 4","starts":"filed:c.other","within":"24h"}]}`, "obligations[0].starts"},
		{"zero hours", `{"id":"contract","sources":[{"title":"t"}],"obligations":[{"id":"c.notice","title":"t","article":"s. 4","starts":"awareness","within":"0h"}]}`, "obligations[0].within"},
		{"roll_weekend on hours (1182/71 Art. 3(4) moves days, not hours)", `{"id":"contract","sources":[{"title":"t"}],"obligations":[{"id":"c.notice","title":"t","article":"s. 4","starts":"awareness","within":"24h","roll_weekend":true}]}`, "obligations[0].roll_weekend"},
		{"roll_holidays without roll_weekend", `{"id":"contract","sources":[{"title":"t"}],"obligations":[{"id":"c.notice","title":"t","article":"s. 4","starts":"awareness","within":"5 days","roll_holidays":true}]}`, "obligations[0].roll_holidays"},
		{"only_if naming a duty, not a record", `{"id":"contract","sources":[{"title":"t"}],"obligations":[{"id":"c.notice","title":"t","article":"s. 4","starts":"awareness","within":"24h","only_if":"c.other"},{"id":"c.other","title":"t","article":"s. 5","starts":"awareness","within":"24h"}]}`, "obligations[0].only_if"},
		{"bad role", `{"id":"contract","sources":[{"title":"t"}],"obligations":[{"id":"c.notice","title":"t","article":"s. 4","roles":["owner"],"starts":"awareness","within":"24h"}]}`, "obligations[0].roles"},
	}
	for _, tc := range tests {
		err := r.Add("contract.json", []byte(tc.body))
		if leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(err.Error(), "contract.json") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want EINVALID naming contract.json and %s", tc.name, err, tc.want)
		}
	}
	// A valid contract regime: customers promised notice within 24 hours,
	// and a report within 5 days.
	err := r.Add("contract.json", []byte(`{"id":"contract","name":"Customer contract","sources":[{"title":"MSA s. 12.3"}],
		"obligations":[{"id":"contract.notice","title":"Notify customers","article":"MSA s. 12.3","to":"customers","starts":"awareness","within":"24h"},
		{"id":"contract.report","title":"Report","article":"MSA s. 12.4","to":"customers","starts":"awareness","within":"5 days"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	list, err := r.Deadlines(&leakdesk.Incident{Role: leakdesk.RoleController, Regimes: []string{"contract"}, AwareAt: at(t, "2026-03-01T21:30:00+01:00")}, nil, at(t, "2026-03-01T22:00:00+01:00"))
	if err != nil || !deadline(t, list, "contract.notice").Due.Equal(at(t, "2026-03-02T21:30:00+01:00")) {
		t.Fatalf("contract regime deadlines: %+v, %v", list, err)
	}
	// 1182/71 Art. 3(2)(b): 5 days from Sunday 21:30 end at the end of Friday.
	if d := deadline(t, list, "contract.report"); !d.Due.Equal(at(t, "2026-03-06T23:59:59Z")) {
		t.Errorf("5 days: due %v, want the end of the fifth day", d.Due)
	}
}

func TestTimeZoneByCountry(t *testing.T) {
	t.Parallel()
	r := load(t)
	for country, want := range map[string]string{"FR": "Europe/Paris", "BE": "Europe/Brussels", "GB": "Europe/London", "ZZ": ""} {
		if got := r.TimeZone(country); got != want {
			t.Errorf("TimeZone(%s) = %q, want %q", country, got, want)
		}
		if want != "" {
			if _, err := time.LoadLocation(want); err != nil {
				t.Errorf("%s: %v", want, err)
			}
		}
	}
}
