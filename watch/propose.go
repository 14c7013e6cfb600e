package watch

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
)

// Proposals say how an alert or an alarm opens a proposed incident.
type Proposals struct {
	Incidents leakdesk.IncidentService // nil: no incident is proposed
	// Template gives the role, regimes, country and time zone of the
	// incidents proposed.
	Template leakdesk.Incident
	Actor    string // who proposes them: the principal running the desk
}

// ProposeArgs is the job that opens the proposed incident of one alert.
// It is inserted with the alert's jobs, and opens one incident however
// often it is worked (ProposeIncident is keyed by the alert).
type ProposeArgs struct {
	Key        string    `json:"key"`
	Title      string    `json:"title"`
	AwareAt    time.Time `json:"aware_at"`
	CouldStart time.Time `json:"could_start_at,omitzero"`
	Actor      string    `json:"actor"`
}

// Kind names the job for River.
func (ProposeArgs) Kind() string { return "watch.propose" }

// InsertOpts puts the job on the alarm queue, which every desk works.
func (ProposeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: AlarmQueueName, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ProposeWorker opens proposed incidents.
type ProposeWorker struct {
	river.WorkerDefaults[ProposeArgs]
	cfg Proposals
}

// Work opens the incident, unless an earlier run did.
func (w *ProposeWorker) Work(ctx context.Context, job *river.Job[ProposeArgs]) error {
	inc := w.cfg.Template
	inc.Title, inc.AwareAt = job.Args.Title, job.Args.AwareAt
	inc.DiscoveredBy = "leakdesk alert " + job.Args.Key
	_, err := w.cfg.Incidents.ProposeIncident(ctx, job.Args.Key, &inc, job.Args.CouldStart, job.Args.Actor)
	if leakdesk.ErrorCode(err) == leakdesk.EINVALID {
		return river.JobCancel(err) // the template is wrong: retrying will not help
	}
	return err
}

// proposal is the job that proposes an incident for an alert, or nil
// when the desk proposes none.
func (p Proposals) proposal(key, title string, at, couldStart time.Time, actor string) []river.InsertManyParams {
	if p.Incidents == nil {
		return nil
	}
	return []river.InsertManyParams{{Args: ProposeArgs{Key: key, Title: title, AwareAt: at, CouldStart: couldStart, Actor: actor}}}
}
