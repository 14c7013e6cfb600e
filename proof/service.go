package proof

import (
	"context"
	"crypto/ed25519"
	"crypto/x509"
	"log/slog"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Service writes and checks the checkpoints of incidents' timelines.
type Service struct {
	incidents   leakdesk.IncidentService
	checkpoints leakdesk.CheckpointService
	key         ed25519.PrivateKey
	witness     Witness // nil when none is configured
	tsa         *TSA    // nil when none is configured
	tsaCert     *x509.Certificate
	now         func() time.Time
	logger      *slog.Logger
}

// Options are the parts of a Service that are optional.
type Options struct {
	Witness Witness
	TSA     *TSA
	// TSACert is the authority's certificate that tokens must chain to;
	// without it a token's own certificate is taken on trust.
	TSACert *x509.Certificate
	Now     func() time.Time
	Logger  *slog.Logger
}

// NewService returns a service that signs with key.
func NewService(incidents leakdesk.IncidentService, checkpoints leakdesk.CheckpointService, key ed25519.PrivateKey, opts Options) *Service {
	s := &Service{incidents: incidents, checkpoints: checkpoints, key: key, witness: opts.Witness, tsa: opts.TSA,
		tsaCert: opts.TSACert, now: opts.Now, logger: opts.Logger}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s
}

// PublicKey is the key checkpoints are checked with.
func (s *Service) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Checker checks with the service's key and timestamp authority.
func (s *Service) Checker() *Checker { return &Checker{PublicKey: s.PublicKey(), TSACert: s.tsaCert} }

// Checkpoint signs the incident's whole timeline, timestamps it, stores it
// and hands it to the witness, in that order: a crash before the store
// leaves nothing, and a crash before the witness leaves a checkpoint that
// the next call hands over again. A timeline already checkpointed at its
// length is handed to the witness again, not signed twice.
func (s *Service) Checkpoint(ctx context.Context, incidentID int64) (*leakdesk.Checkpoint, error) {
	inc, events, stored, err := s.load(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 {
		return nil, leakdesk.Errorf(leakdesk.ECONFLICT, "%s has no events to sign", inc.PublicID())
	}
	// Signing a timeline that no longer matches its own earlier
	// checkpoints would vouch for the rewrite.
	if rep := s.Checker().Verify(inc, events, stored, nil, ""); !rep.OK {
		return nil, leakdesk.Errorf(leakdesk.EINTEGRITY, "%s is not signed again: it fails verification at event %d: %s", inc.PublicID(), rep.FirstBadSeq, rep.Problem)
	}
	head := events[len(events)-1]
	var cp *leakdesk.Checkpoint
	if n := len(stored); n > 0 && stored[n-1].Size == head.Seq {
		cp = stored[n-1]
	} else {
		if cp, err = NewCheckpoint(inc, NewTree(events), head, s.now(), s.key); err != nil {
			return nil, err
		}
		if s.tsa != nil {
			if cp.Timestamp, err = s.tsa.Stamp(ctx, SignedMessage(cp)); err != nil {
				return nil, err
			}
		}
		if err := s.checkpoints.AddCheckpoint(ctx, cp); err != nil {
			return nil, err
		}
	}
	if s.witness != nil {
		if err := s.witness.Publish(ctx, cp); err != nil {
			return nil, err
		}
	}
	s.logger.Info("checkpoint written", "incident", cp.Incident, "size", cp.Size)
	return cp, nil
}

// CheckpointUnsigned writes a checkpoint for every incident with events
// that none covers yet, as at the end of a command that appended some.
func (s *Service) CheckpointUnsigned(ctx context.Context, unsigned func(context.Context) ([]int64, error)) error {
	ids, err := unsigned(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.Checkpoint(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// Verify checks the incident's timeline against its stored checkpoints and
// against those w holds, when w is not nil.
func (s *Service) Verify(ctx context.Context, incidentID int64, w Witness) (*Report, error) {
	inc, events, stored, err := s.load(ctx, incidentID)
	if err != nil {
		return nil, err
	}
	var witnessed []*leakdesk.Checkpoint
	name := ""
	if w != nil {
		if witnessed, err = w.Checkpoints(ctx, inc.PublicID()); err != nil {
			return nil, err
		}
		name = w.String()
	}
	return s.Checker().Verify(inc, events, stored, witnessed, name), nil
}

// CheckSignatures implements leakdesk.SignatureChecker, against the stored
// checkpoints only: the witness is for verify, which names it.
func (s *Service) CheckSignatures(ctx context.Context, incidentID int64) (*leakdesk.SignedState, error) {
	rep, err := s.Verify(ctx, incidentID, nil)
	if err != nil {
		return nil, err
	}
	st := &leakdesk.SignedState{Size: rep.SignedSize, KeyID: rep.KeyID, TrustedTime: rep.TrustedTime, TrustedSize: rep.TrustedSize}
	if !rep.OK {
		st.Problem = rep.Problem
	}
	return st, nil
}

func (s *Service) load(ctx context.Context, incidentID int64) (*leakdesk.Incident, []*leakdesk.Event, []*leakdesk.Checkpoint, error) {
	inc, err := s.incidents.FindIncidentByID(ctx, incidentID)
	if err != nil {
		return nil, nil, nil, err
	}
	events, err := s.incidents.FindEvents(ctx, incidentID)
	if err != nil {
		return nil, nil, nil, err
	}
	stored, err := s.checkpoints.FindCheckpoints(ctx, incidentID)
	if err != nil {
		return nil, nil, nil, err
	}
	return inc, events, stored, nil
}
