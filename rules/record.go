package rules

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/leakdesk/leakdesk"
)

// RecordState is what a report says of the record it is drawn from: a
// report read from side tables that disagree with the timeline, or from a
// timeline whose chain is broken, must say so where the reader sees it.
type RecordState struct {
	Chain  *leakdesk.ChainReport // the hash chain, and the side tables against it
	Signed *leakdesk.SignedState // nil when no signing key is configured
}

// recordCheckAge is how long a report may reuse the check of a record
// whose timeline has not grown since: checking reads every event and every
// delivery, a second or more for a large campaign, and the reports page
// is read again and again.
const recordCheckAge = time.Minute

// recordChecks keeps the latest check of each incident's record.
type recordChecks struct {
	mu     sync.Mutex
	latest map[int64]recordCheck
}

type recordCheck struct {
	events int64 // the timeline's length when checked
	at     time.Time
	state  *RecordState
}

// recordState checks incident inc's record as a report is assembled, or
// reuses a check made less than recordCheckAge ago at the same length: a
// side table edited behind leakdesk's back is then named within that time.
func (s *Services) recordState(ctx context.Context, inc *leakdesk.Incident, now time.Time) (*RecordState, error) {
	s.checks.mu.Lock()
	c, ok := s.checks.latest[inc.ID]
	s.checks.mu.Unlock()
	if ok && c.events == inc.EventCount && now.Sub(c.at) >= 0 && now.Sub(c.at) < recordCheckAge {
		return c.state, nil
	}
	st, err := s.checkRecord(ctx, inc.ID)
	if err != nil {
		return nil, err
	}
	s.checks.mu.Lock()
	defer s.checks.mu.Unlock()
	if s.checks.latest == nil {
		s.checks.latest = map[int64]recordCheck{}
	}
	s.checks.latest[inc.ID] = recordCheck{events: inc.EventCount, at: now, state: st}
	return st, nil
}

// checkRecord checks incident id's chain, side tables and signatures.
func (s *Services) checkRecord(ctx context.Context, id int64) (*RecordState, error) {
	chain, err := s.Incidents.VerifyTimeline(ctx, id)
	if err != nil {
		return nil, err
	}
	st := &RecordState{Chain: chain}
	if s.Signatures != nil {
		if st.Signed, err = s.Signatures.CheckSignatures(ctx, id); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// recordFacts says, in lang, whether the record holds and what vouches for
// its times: "record.integrity" and "record.timestamp". Nothing is said of
// a record that was not checked.
func recordFacts(lang string, in ReportInput, out map[string]string) {
	st := in.Record
	if st == nil || st.Chain == nil {
		return
	}
	id := in.Incident.PublicID()
	var integrity string
	switch {
	case !st.Chain.OK:
		integrity = fmt.Sprintf(tr(lang, "record.doubt"), st.Chain.Problem, id)
	case st.Signed == nil:
		integrity = fmt.Sprintf(tr(lang, "record.chain"), st.Chain.Events) + tr(lang, "record.unsigned")
	case st.Signed.Problem != "":
		integrity = fmt.Sprintf(tr(lang, "record.doubt"), st.Signed.Problem, id)
	default:
		integrity = fmt.Sprintf(tr(lang, "record.chain"), st.Chain.Events) + fmt.Sprintf(tr(lang, "record.signed"), st.Signed.Size, st.Signed.KeyID)
	}
	out["record.integrity"] = integrity
	if st.Signed == nil || st.Signed.TrustedTime.IsZero() {
		out["record.timestamp"] = tr(lang, "record.untimed")
		return
	}
	out["record.timestamp"] = fmt.Sprintf(tr(lang, "record.timed"), reportTime(lang, st.Signed.TrustedTime, in.Incident.Location()), st.Signed.TrustedSize)
}
