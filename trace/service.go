package trace

import (
	"context"
	"fmt"
	"time"

	"github.com/leakdesk/leakdesk"
)

// Service makes fingerprinted exports and finds where a leak came from,
// recording what it does through the root services: exports through an
// ExportService, conclusions on an incident's timeline through an
// IncidentService. Every front end calls it, so none holds this logic.
type Service struct {
	exports   leakdesk.ExportService
	incidents leakdesk.IncidentService
	key       KeySource
	now       func() time.Time
}

// KeySource returns the code of the fingerprint key. create says that a
// missing key may be made: only the first export makes it, since a leak
// can be decoded only with the key its exports were made with.
type KeySource func(create bool) (*Code, error)

// NewService returns a service over the stores given. exports is needed to
// make or decode fingerprinted exports, incidents to record a conclusion
// on an incident; either may be nil where it is not needed, so that a
// stateless ranking of candidate files opens no store.
func NewService(exports leakdesk.ExportService, incidents leakdesk.IncidentService, key KeySource, now func() time.Time) *Service {
	return &Service{exports: exports, incidents: incidents, key: key, now: now}
}

// record appends an event to the incident's timeline.
func (s *Service) record(ctx context.Context, incident int64, actor, kind string, payload any) error {
	if s.incidents == nil {
		return fmt.Errorf("trace: recording on incident %d without an incident service", incident)
	}
	return s.incidents.AppendEvent(ctx, leakdesk.NewEvent(incident, actor, kind, s.now(), payload))
}
