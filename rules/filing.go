package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Odd, not impossible: a filing entered long after it was made, or made
// long after awareness, is recorded with a warning.
const (
	lateRecording = 30 * 24 * time.Hour
	longAfter     = 366 * 24 * time.Hour
)

// CheckFiling says whether f can be recorded on inc, which already has
// filings, at now. It refuses (EINVALID) what cannot be: an obligation the
// incident's regimes do not have or that does not apply to it, a filing
// dated in the future or before awareness, a report filed before the one
// its clock runs from (a NIS2 final report before the notification), and a
// first filing after the time limit without the reasons for the delay
// where the regime's law requires them, citing that law. It returns
// warnings for what is odd: a late filing under a law that asks for no
// reasons, a delay reason on a filing in time, and a filing that turns an
// earlier one late.
//
// A back-dated filing that turns an earlier one late (a classification as
// major recorded as earlier than first thought, which moves DORA's initial
// notification) is accepted with a warning, not refused: the timeline must
// hold what happened, and a refusal would push the responder to record a
// convenient time instead. The warning names the filing that became late,
// and is kept on the timeline with the filing.
//
// Only the first filing of an obligation meets or misses its time limit.
// Later ones are further parts or updates: a phased notification (GDPR
// Art. 33(4): "in phases without undue further delay"), an updated DORA
// intermediate report (RTS 2025/301 Art. 5(1)(b)). They need no delay
// reason.
func (r *Rules) CheckFiling(inc *leakdesk.Incident, filings []*leakdesk.Filing, f *leakdesk.Filing, now time.Time) ([]string, error) {
	o, err := r.Obligation(inc, f.Obligation)
	if err != nil {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s", leakdesk.ErrorMessage(err))
	}
	loc := inc.Location()
	show := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }
	refuse := func(format string, args ...any) ([]string, error) {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "%s (%s): %s", f.Obligation, o.Article, fmt.Sprintf(format, args...))
	}
	switch {
	case f.FiledAt.After(now):
		return refuse("the filing is dated %s, in the future (it is now %s): record a filing once it is made", show(f.FiledAt), show(now))
	case !inc.AwareAt.IsZero() && f.FiledAt.Before(inc.AwareAt):
		return refuse("the filing is dated %s, before the organisation became aware (%s); if awareness came earlier, correct it first with leakdesk incident aware", show(f.FiledAt), show(inc.AwareAt))
	}
	filed := filedTimes(filings)
	if after, ok := startsAfter(o.Starts); ok {
		if start := filed[after].first; start.IsZero() || f.FiledAt.Before(start) {
			return refuse("its clock runs from %s, which has no filing before %s: file %s first", after, show(f.FiledAt), after)
		}
	}
	before, err := r.deadlines(inc, filed, now)
	if err != nil {
		return nil, err
	}
	withF := filedTimes(append(append([]*leakdesk.Filing{}, filings...), f))
	after, err := r.deadlines(inc, withF, now)
	if err != nil {
		return nil, err
	}
	var warnings []string
	warn := func(format string, args ...any) { warnings = append(warnings, fmt.Sprintf(format, args...)) }
	var d leakdesk.Deadline
	for _, x := range after {
		if x.Obligation == f.Obligation {
			d = x
		}
	}
	if d.Status == leakdesk.DeadlineNotApplicable {
		return refuse("it does not apply to this incident: %s", d.Reason)
	}
	first := filed[f.Obligation].first.IsZero() || f.FiledAt.Before(filed[f.Obligation].first)
	late := !d.Due.IsZero() && f.FiledAt.After(d.Due)
	reason := strings.TrimSpace(f.DelayReason) != ""
	switch {
	case inc.AwareAt.IsZero():
		warn("the awareness time is not recorded, so whether %s was in time is unknown: record it with leakdesk incident aware", f.Obligation)
	case late && first && !reason && o.DelayReasons != "":
		return refuse("it was due %s: a filing after the time limit must give the reasons for the delay (--delay-reason), as %s requires", show(d.Due), o.DelayReasons)
	case late && first && !reason:
		warn("%s was due %s and is filed late; %s asks for no reasons, but the register should keep them (--delay-reason)", f.Obligation, show(d.Due), o.Article)
	case !late && first && reason:
		warn("a delay reason is given, but %s is filed in time (due %s)", f.Obligation, show(d.Due))
	}
	for _, b := range before {
		for _, a := range after {
			if a.Obligation == b.Obligation && a.Obligation != f.Obligation && b.Status == leakdesk.DeadlineMet && a.Status == leakdesk.DeadlineLate {
				warn("recording this turns %s, filed %s, late: it was due %s; the authority must be told the reasons for the delay", a.Obligation, show(a.FiledAt), show(a.Due))
			}
		}
	}
	if now.Sub(f.FiledAt) > lateRecording {
		warn("the filing is recorded %d days after it was made", int(now.Sub(f.FiledAt).Hours()/24))
	}
	if !inc.AwareAt.IsZero() && f.FiledAt.Sub(inc.AwareAt) > longAfter {
		warn("the filing is dated more than a year after awareness (%s): check both times", show(inc.AwareAt))
	}
	return warnings, nil
}
