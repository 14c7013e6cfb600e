package rules_test

import (
	"strings"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

// filed is one filing of a case: an obligation and its time.
type filed struct{ obligation, at string }

func filingList(t *testing.T, list []filed) []*leakdesk.Filing {
	t.Helper()
	var out []*leakdesk.Filing
	for _, f := range list {
		out = append(out, &leakdesk.Filing{Obligation: f.obligation, FiledAt: at(t, f.at), Ref: "ref", DelayReason: "given"})
	}
	return out
}

// TestRegulatoryClocks is the table of regulatory cases for the clocks:
// each case cites its article, and gives the filings made, the obligation
// and the due time or status expected.
func TestRegulatoryClocks(t *testing.T) {
	t.Parallel()
	r := load(t)
	tests := []struct {
		article    string
		regime     string
		country    string
		aware      string
		filings    []filed
		obligation string
		wantStatus string
		wantDue    string
	}{
		{"1182/71 Art. 3(4): a month ending on a public holiday (Ascension, FR) ends with the next working day",
			"nis2", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}},
			"nis2.final-report", leakdesk.DeadlineDue, "2026-05-15T23:59:59+02:00"},
		{"1182/71 Art. 3(4): without a country no holiday is known, only weekends",
			"nis2", "", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}},
			"nis2.final-report", leakdesk.DeadlineDue, "2026-05-14T23:59:59+02:00"},
		{"1182/71 Art. 3(4): a Belgian holiday (21 July, Tuesday) moves the NIS2 final report under BE",
			"nis2", "BE", "2026-06-20T10:00:00+02:00", []filed{{"nis2.notification", "2026-06-21T10:00:00+02:00"}},
			"nis2.final-report", leakdesk.DeadlineDue, "2026-07-22T23:59:59+02:00"},
		{"GDPR Art. 33(1): hours run through public holidays (Easter Monday, FR)",
			"gdpr", "FR", "2026-04-03T09:00:00+02:00", nil,
			"gdpr.art33.authority", leakdesk.DeadlineDue, "2026-04-06T09:00:00+02:00"},
		{"RTS 2025/301 Art. 5(1)(c): the final report runs from the latest updated intermediate report",
			"dora", "FR", "2026-03-02T06:00:00+01:00", []filed{{"dora.classification", "2026-03-02T08:00:00+01:00"}, {"dora.initial", "2026-03-02T10:00:00+01:00"},
				{"dora.intermediate", "2026-03-04T10:00:00+01:00"}, {"dora.intermediate", "2026-03-10T10:00:00+01:00"}},
			"dora.final", leakdesk.DeadlineDue, "2026-04-10T23:59:59+02:00"},
		{"RTS 2025/301 Art. 5(4): an intermediate report due on a Sunday is due by 12:00 of Monday",
			"dora", "FR", "2026-03-05T10:00:00+01:00", []filed{{"dora.classification", "2026-03-05T12:00:00+01:00"}, {"dora.initial", "2026-03-05T15:00:00+01:00"}},
			"dora.intermediate", leakdesk.DeadlineDue, "2026-03-09T12:00:00+01:00"},
		{"RTS 2025/301 Art. 5(5): not for the entities it names: the Sunday stays",
			"dora-art5-5", "FR", "2026-03-05T10:00:00+01:00", []filed{{"dora-art5-5.classification", "2026-03-05T12:00:00+01:00"}, {"dora-art5-5.initial", "2026-03-05T15:00:00+01:00"}},
			"dora-art5-5.intermediate", leakdesk.DeadlineDue, "2026-03-08T15:00:00+01:00"},
		{"RTS 2025/301 Art. 5(4): a bank holiday (Easter Monday, DE) moves it to 12:00 of Tuesday",
			"dora", "DE", "2026-04-02T10:00:00+02:00", []filed{{"dora.classification", "2026-04-02T12:00:00+02:00"}, {"dora.initial", "2026-04-03T09:00:00+02:00"}},
			"dora.intermediate", leakdesk.DeadlineDue, "2026-04-07T12:00:00+02:00"},
		{"RTS 2025/301 Art. 5(4): an initial notification due on a Saturday, by 12:00 of Monday",
			"dora", "FR", "2026-03-06T10:00:00+01:00", nil,
			"dora.initial", leakdesk.DeadlineDue, "2026-03-09T12:00:00+01:00"},
		{"RTS 2025/301 Art. 5(2): classified 30 hours after awareness, notified within 4 hours of it",
			"dora", "FR", "2026-03-02T06:00:00+01:00", []filed{{"dora.classification", "2026-03-03T12:00:00+01:00"}},
			"dora.initial", leakdesk.DeadlineDue, "2026-03-03T16:00:00+01:00"},
		{"RTS 2025/301 Art. 5(1)(a): classified 23 hours after awareness, the 24-hour cap holds",
			"dora", "FR", "2026-03-02T06:00:00+01:00", []filed{{"dora.classification", "2026-03-03T05:00:00+01:00"}},
			"dora.initial", leakdesk.DeadlineDue, "2026-03-03T06:00:00+01:00"},
		{"NIS2 Art. 23(4)(d): the final report waits for the notification",
			"nis2", "FR", "2026-03-02T06:00:00+01:00", nil,
			"nis2.final-report", leakdesk.DeadlineNotStarted, ""},
		{"NIS2 Art. 23(4)(c): no intermediate report is owed without a request",
			"nis2", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}},
			"nis2.intermediate-report", leakdesk.DeadlineNotApplicable, ""},
		{"NIS2 Art. 23(4)(c): once the CSIRT asks, the intermediate report is due (the directive sets no time)",
			"nis2", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}, {"nis2.intermediate-request", "2026-04-20T10:00:00+02:00"}},
			"nis2.intermediate-report", leakdesk.DeadlineDue, ""},
		{"NIS2 Art. 23(4)(e): an incident still ongoing files no final report at one month",
			"nis2", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}, {"nis2.ongoing", "2026-05-10T10:00:00+02:00"}},
			"nis2.final-report", leakdesk.DeadlineNotApplicable, ""},
		{"NIS2 Art. 23(4)(e): ... but a progress report, due when the final report would have been (Ascension, FR)",
			"nis2", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}, {"nis2.ongoing", "2026-05-10T10:00:00+02:00"}},
			"nis2.progress-report", leakdesk.DeadlineDue, "2026-05-15T23:59:59+02:00"},
		{"NIS2 Art. 23(4)(e): the final report of an ongoing incident waits for the end of its handling",
			"nis2", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}, {"nis2.ongoing", "2026-05-10T10:00:00+02:00"}},
			"nis2.final-report-handled", leakdesk.DeadlineNotStarted, ""},
		{"NIS2 Art. 23(4)(e): the final report is due one month after the handling ends",
			"nis2", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}, {"nis2.ongoing", "2026-05-10T10:00:00+02:00"}, {"nis2.handled", "2026-06-10T12:00:00+02:00"}},
			"nis2.final-report-handled", leakdesk.DeadlineDue, "2026-07-10T23:59:59+02:00"},
		{"NIS2 Art. 23(4)(e): no progress report for an incident that is not ongoing",
			"nis2", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2.notification", "2026-04-14T10:00:00+02:00"}},
			"nis2.progress-report", leakdesk.DeadlineNotApplicable, ""},
		{"NIS2 Art. 23(4), second subparagraph: a trust service provider notifies within 24 hours",
			"nis2-tsp", "FR", "2026-04-13T10:00:00+02:00", nil,
			"nis2-tsp.notification", leakdesk.DeadlineDue, "2026-04-14T10:00:00+02:00"},
		{"NIS2 Art. 23(4)(d) for a trust service provider: the final report runs from its 24-hour notification",
			"nis2-tsp", "FR", "2026-04-13T10:00:00+02:00", []filed{{"nis2-tsp.notification", "2026-04-14T10:00:00+02:00"}},
			"nis2-tsp.final-report", leakdesk.DeadlineDue, "2026-05-15T23:59:59+02:00"},
		{"GDPR Art. 33(4): a phased notification meets the deadline with its first part",
			"gdpr", "FR", "2026-03-02T06:00:00+01:00", []filed{{"gdpr.art33.authority", "2026-03-04T06:00:00+01:00"}, {"gdpr.art33.authority", "2026-03-12T06:00:00+01:00"}},
			"gdpr.art33.authority", leakdesk.DeadlineMet, "2026-03-05T06:00:00+01:00"},
	}
	for _, tc := range tests {
		t.Run(tc.article, func(t *testing.T) {
			inc := &leakdesk.Incident{Role: leakdesk.RoleController, Regimes: []string{tc.regime}, Country: tc.country, TimeZone: "Europe/Paris", AwareAt: at(t, tc.aware)}
			list, err := r.Deadlines(inc, filingList(t, tc.filings), at(t, tc.aware))
			if err != nil {
				t.Fatal(err)
			}
			d := deadline(t, list, tc.obligation)
			if d.Status != tc.wantStatus || (tc.wantDue == "" && !d.Due.IsZero()) || (tc.wantDue != "" && !d.Due.Equal(at(t, tc.wantDue))) {
				t.Errorf("%s: %s due %v (%s), want %s due %s", tc.obligation, d.Status, d.Due, d.Reason, tc.wantStatus, tc.wantDue)
			}
		})
	}
}

// TestCheckFiling is the table of regulatory cases for filings: what is
// refused, with the article the refusal cites, and what is warned about.
func TestCheckFiling(t *testing.T) {
	t.Parallel()
	r := load(t)
	aware := "2026-03-02T06:00:00+01:00"
	now := "2026-03-20T12:00:00+01:00"
	tests := []struct {
		article  string
		regimes  []string
		role     string
		filings  []filed
		filing   filed
		reason   string
		wantErr  string // "" for accepted
		wantWarn string // "" for no warning
		notIn    string // what the message must not say
	}{
		{"a filing dated in the future is refused", []string{"gdpr"}, "", nil,
			filed{"gdpr.art33.authority", "2026-03-20T13:00:00+01:00"}, "", "in the future", "", ""},
		{"a filing dated before awareness is refused", []string{"gdpr"}, "", nil,
			filed{"gdpr.art33.authority", "2026-03-01T13:00:00+01:00"}, "", "before the organisation became aware", "", ""},
		{"GDPR Art. 33(1): a late notification needs the reasons for the delay", []string{"gdpr"}, "", nil,
			filed{"gdpr.art33.authority", "2026-03-13T10:00:00+01:00"}, "", "as GDPR Art. 33(1) requires", "", ""},
		{"GDPR Art. 33(4): a later part after 72 hours needs no delay reason", []string{"gdpr"}, "",
			[]filed{{"gdpr.art33.authority", "2026-03-03T10:00:00+01:00"}},
			filed{"gdpr.art33.authority", "2026-03-13T10:00:00+01:00"}, "", "", "", ""},
		{"RTS 2025/301 Art. 5(3): a late DORA report cites the RTS, not GDPR", []string{"dora"}, "",
			[]filed{{"dora.classification", "2026-03-02T07:00:00+01:00"}, {"dora.initial", "2026-03-02T09:00:00+01:00"}},
			filed{"dora.intermediate", "2026-03-10T10:00:00+01:00"}, "", "RTS 2025/301 Art. 5(3)", "", "GDPR"},
		{"RTS 2025/301 Art. 5(1)(b): an updated intermediate report is accepted after 72 hours", []string{"dora"}, "",
			[]filed{{"dora.classification", "2026-03-02T07:00:00+01:00"}, {"dora.initial", "2026-03-02T09:00:00+01:00"}, {"dora.intermediate", "2026-03-04T09:00:00+01:00"}},
			filed{"dora.intermediate", "2026-03-10T10:00:00+01:00"}, "", "", "", ""},
		{"NIS2 Art. 23(4)(b): late, asks for no reasons, so a warning citing NIS2", []string{"nis2"}, "", nil,
			filed{"nis2.notification", "2026-03-10T10:00:00+01:00"}, "", "", "NIS2 Art. 23(4)(b) asks for no reasons", "GDPR"},
		{"NIS2 Art. 23(4)(d): a final report is not accepted before the notification", []string{"nis2"}, "", nil,
			filed{"nis2.final-report", "2026-03-10T10:00:00+01:00"}, "", "file nis2.notification first", "", ""},
		{"NIS2 Art. 23(4)(d): nor dated before it", []string{"nis2"}, "", []filed{{"nis2.notification", "2026-03-04T10:00:00+01:00"}},
			filed{"nis2.final-report", "2026-03-03T10:00:00+01:00"}, "", "file nis2.notification first", "", ""},
		{"RTS 2025/301 Art. 5(1)(a): a back-dated classification that makes the initial notification late is warned about", []string{"dora"}, "",
			[]filed{{"dora.initial", "2026-03-02T11:00:00+01:00"}},
			filed{"dora.classification", "2026-03-02T06:30:00+01:00"}, "", "", "turns dora.initial", ""},
		{"GDPR Art. 33(1) does not apply to a processor", []string{"gdpr"}, leakdesk.RoleProcessor, nil,
			filed{"gdpr.art33.authority", "2026-03-03T10:00:00+01:00"}, "", "does not apply", "", ""},
		{"an obligation of another regime is refused", []string{"gdpr"}, "", nil,
			filed{"dora.initial", "2026-03-03T10:00:00+01:00"}, "", "no obligation", "", ""},
		{"a delay reason on a filing in time is warned about", []string{"gdpr"}, "", nil,
			filed{"gdpr.art33.authority", "2026-03-03T10:00:00+01:00"}, "the file was late", "", "filed in time", ""},
		{"GDPR Art. 33(1): a notification in time has no warning", []string{"gdpr"}, "", nil,
			filed{"gdpr.art33.authority", "2026-03-03T10:00:00+01:00"}, "", "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.article, func(t *testing.T) {
			role := tc.role
			if role == "" {
				role = leakdesk.RoleController
			}
			inc := &leakdesk.Incident{Role: role, Regimes: tc.regimes, Country: "FR", TimeZone: "Europe/Paris", AwareAt: at(t, aware)}
			f := &leakdesk.Filing{Obligation: tc.filing.obligation, FiledAt: at(t, tc.filing.at), Ref: "ref", DelayReason: tc.reason}
			warnings, err := r.CheckFiling(inc, filingList(t, tc.filings), f, at(t, now))
			msg := strings.Join(warnings, "\n")
			if err != nil {
				msg = err.Error()
			}
			switch {
			case tc.wantErr != "" && (leakdesk.ErrorCode(err) != leakdesk.EINVALID || !strings.Contains(msg, tc.wantErr)):
				t.Errorf("error %v, want EINVALID saying %q", err, tc.wantErr)
			case tc.wantErr == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.wantWarn != "" && !strings.Contains(msg, tc.wantWarn):
				t.Errorf("warnings %q, want %q", warnings, tc.wantWarn)
			case tc.wantErr == "" && tc.wantWarn == "" && len(warnings) > 0:
				t.Errorf("unexpected warnings %q", warnings)
			case tc.notIn != "" && strings.Contains(msg, tc.notIn):
				t.Errorf("%q cites %q", msg, tc.notIn)
			}
		})
	}
	// Recorded 40 days after it was made: accepted, with a warning.
	inc := &leakdesk.Incident{Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, TimeZone: "Europe/Paris", AwareAt: at(t, aware)}
	w, err := r.CheckFiling(inc, nil, &leakdesk.Filing{Obligation: "gdpr.art33-5.register", FiledAt: at(t, "2026-03-03T10:00:00+01:00")}, at(t, "2026-04-12T11:00:00+02:00"))
	if err != nil || len(w) != 1 || !strings.Contains(w[0], "recorded 40 days after") {
		t.Errorf("late recording: %q, %v", w, err)
	}
}

func TestUnfinished(t *testing.T) {
	t.Parallel()
	r := load(t)
	inc := &leakdesk.Incident{Role: leakdesk.RoleController, Regimes: []string{"gdpr", "nis2"}, TimeZone: "Europe/Paris", AwareAt: at(t, "2026-03-02T06:00:00+01:00")}
	list, err := r.Deadlines(inc, filingList(t, []filed{{"gdpr.art33.authority", "2026-03-06T06:00:00+01:00"}, {"nis2.early-warning", "2026-03-02T08:00:00+01:00"}}), at(t, "2026-03-20T10:00:00+01:00"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range leakdesk.Unfinished(list) {
		got = append(got, d.Obligation)
	}
	// Filed late is finished; overdue and never filed, due, or not started is not.
	want := "gdpr.art34.subjects,gdpr.art33-5.register,nis2.notification,nis2.final-report,nis2.recipients"
	if strings.Join(got, ",") != want {
		t.Errorf("unfinished = %s, want %s", strings.Join(got, ","), want)
	}
}

func TestHolidays(t *testing.T) {
	t.Parallel()
	r := load(t)
	for year, want := range map[int]string{2000: "2000-04-23", 2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25"} {
		if got := rules.Easter(year).Format("2006-01-02"); got != want {
			t.Errorf("Easter %d = %s, want %s", year, got, want)
		}
	}
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		country, date string
		want          bool
	}{
		{"FR", "2026-05-14", true},  // Ascension, Easter + 39
		{"FR", "2026-05-25", true},  // Whit Monday, Easter + 50
		{"FR", "2026-04-03", false}, // Good Friday is not a French holiday
		{"DE", "2026-04-03", true},  // but a German one
		{"ES", "2026-04-03", true},
		{"ES", "2026-04-06", false}, // Easter Monday is regional in Spain
		{"IT", "2026-10-04", true},  // restored from 2026
		{"IT", "2025-10-04", false},
		{"LU", "2026-05-09", true},
		{"BE", "2026-07-21", true},
		{"NL", "2025-04-26", true}, // King's Day on a Sunday moves to the Saturday before
		{"NL", "2025-04-27", false},
		{"IE", "2026-02-02", true},  // St Brigid's Day, first Monday of February
		{"IE", "2026-10-26", true},  // last Monday of October
		{"GB", "2027-12-27", true},  // Christmas on a Saturday: Monday
		{"GB", "2027-12-28", true},  // Boxing Day on a Sunday: Tuesday
		{"GB", "2026-05-25", true},  // last Monday of May
		{"GB", "2026-08-31", true},  // last Monday of August
		{"IE", "2030-02-01", true},  // St Brigid's Day: 1 February when it is a Friday
		{"IE", "2030-02-04", false}, // ... and not the first Monday then
		{"GB", "2020-05-08", true},  // early May bank holiday moved to VE Day
		{"GB", "2020-05-04", false},
		{"GB", "2022-06-02", true}, // spring bank holiday moved for the Platinum Jubilee
		{"GB", "2022-06-03", true}, // Platinum Jubilee, by proclamation
		{"GB", "2022-05-30", false},
		{"GB", "2022-09-19", true}, // state funeral
		{"GB", "2023-05-08", true}, // coronation
		{"GB", "2023-05-01", true}, // and the early May bank holiday that year
		{"PL", "2026-05-14", false},
	} {
		if _, got := r.Holiday(tc.country, day(tc.date)); got != tc.want {
			t.Errorf("Holiday(%s, %s) = %v, want %v", tc.country, tc.date, got, tc.want)
		}
	}
}
