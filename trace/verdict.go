package trace

import (
	"context"
	"fmt"
	"strings"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/dump"
	"github.com/leakdesk/leakdesk/match"
)

// Outcomes of decoding a leak.
const (
	VerdictAccused      = "accused"
	VerdictInconclusive = "inconclusive"
)

// DecodeRequest is a leak to decode against every fingerprinted export:
// a leaked file, or decoy contacts reported as contacted.
type DecodeRequest struct {
	Leak      match.Source // the leak; unused with DecoyHits
	DecoyHits []string     // decoy e-mail addresses or phone numbers contacted, instead of a leak
	// Read says how to read the leak. Its Region is ignored: each export
	// is decoded in the phone region it was made in.
	Read     dump.Options
	Incident int64 // the incident the verdict is recorded on; 0: none
	Actor    string
}

// Verdict is what a leak shows of the fingerprinted exports. Its JSON is
// the contract of "leakdesk trace --format json" without candidates.
type Verdict struct {
	Accused  []Suspect `json:"accused"` // never nil
	Suspects []Suspect `json:"suspects"`
	Outcome  string    `json:"verdict"` // accused or inconclusive
	Note     string    `json:"note"`
	// Observation is the leak as read in the phone region of the best
	// suspect.
	Observation *Observation `json:"observation"`
	Leak        string       `json:"-"` // the leak's name, or the decoys contacted
}

// Decode scores every recorded export against the leak, accuses the
// recipients whose bound on accusing an innocent is at most AccuseBelow,
// and records the verdict on the incident when one is named.
func (s *Service) Decode(ctx context.Context, r DecodeRequest) (*Verdict, error) {
	exports, err := s.exports.Exports(ctx)
	if err != nil {
		return nil, err
	}
	if len(exports) == 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "trace needs candidate files (--candidates PATH): no fingerprinted export is recorded here to check the leak against (leakdesk export makes them)")
	}
	code, err := s.key(false)
	if err != nil {
		return nil, err
	}
	recorded, decoys := code.Recorded(exports)
	observed, err := observeByRegion(ctx, code, recorded, decoys, r)
	if err != nil {
		return nil, err
	}
	v := &Verdict{Leak: r.Leak.Name, Outcome: VerdictInconclusive}
	if len(r.DecoyHits) > 0 {
		v.Leak = "decoys " + strings.Join(r.DecoyHits, ", ")
	}
	v.Suspects = code.AccuseByRegion(func(region string) *Observation { return observed[region] }, recorded)
	for _, e := range recorded {
		if e.ID == v.Suspects[0].Export {
			v.Observation = observed[e.Region]
		}
	}
	v.Accused = Accused(v.Suspects)
	switch {
	case len(v.Accused) > 0:
		v.Outcome = VerdictAccused
		v.Note = fmt.Sprintf("%s (export %s) is accused: the chance that an innocent recipient scores as high is at most %.2g", v.Accused[0].Recipient, v.Accused[0].Export, v.Accused[0].Bound)
	case len(v.Observation.Symbols) == 0:
		v.Note = "the leak carries no position of any recorded export: it shares no phone, e-mail domain, organisation or decoy with them"
	default:
		v.Note = fmt.Sprintf("no recipient can be accused: the best bound reached is %.2g, above %.0g", v.Suspects[0].Bound, AccuseBelow)
	}
	if v.Accused == nil {
		v.Accused = []Suspect{}
	}
	if r.Incident != 0 {
		if err := s.record(ctx, r.Incident, r.Actor, leakdesk.EventFingerprintTraced, v.payload()); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// observeByRegion reads the leak, or the decoys contacted, once per phone
// region the exports were made in: a number written nationally reads as
// another number, or none, in another region.
func observeByRegion(ctx context.Context, code *Code, recorded []RecordedExport, decoys []Decoy, r DecodeRequest) (map[string]*Observation, error) {
	observed := map[string]*Observation{}
	notDecoyIn := map[string]int{} // regions in which a value is no decoy
	for _, region := range Regions(recorded) {
		marker := NewMarker(code, match.NewNormaliser(region))
		if len(r.DecoyHits) > 0 {
			obs, notDecoys := marker.ObserveDecoys(r.DecoyHits, decoys)
			for _, v := range notDecoys {
				notDecoyIn[v]++
			}
			observed[region] = obs
			continue
		}
		opts := r.Read
		opts.Region = region
		reader, err := dump.NewReader(opts)
		if err != nil {
			return nil, err
		}
		if observed[region], err = marker.Observe(ctx, reader, r.Leak, decoys); err != nil {
			return nil, err
		}
	}
	var notDecoys []string
	for _, v := range r.DecoyHits {
		if notDecoyIn[v] == len(observed) {
			notDecoys = append(notDecoys, v)
		}
	}
	if len(notDecoys) > 0 {
		return nil, leakdesk.Errorf(leakdesk.EINVALID, "not a decoy of any recorded export: %s", strings.Join(notDecoys, ", "))
	}
	return observed, nil
}

// payload is the verdict as its timeline event keeps it.
func (v *Verdict) payload() leakdesk.FingerprintTraced {
	p := leakdesk.FingerprintTraced{Leak: v.Leak, Verdict: v.Outcome, Note: v.Note, Accused: []leakdesk.AccusedRecipient{}}
	for _, s := range v.Accused {
		p.Accused = append(p.Accused, leakdesk.AccusedRecipient(s))
	}
	// The best of the others the leak shows something of say how far from
	// an accusation they were, and which exports carried a decoy.
	for _, s := range v.Suspects {
		if len(p.Suspects) == recordedSuspects {
			break
		}
		if s.Bound > AccuseBelow && s.Positions > 0 {
			p.Suspects = append(p.Suspects, leakdesk.AccusedRecipient(s))
		}
	}
	return p
}

// recordedSuspects is how many recipients not accused a verdict's event
// keeps: the best few say how close it came, the rest add nothing.
const recordedSuspects = 3
