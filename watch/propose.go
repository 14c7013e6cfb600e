package watch

import (
	"context"
	"fmt"
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
	// Kept moves the file a proposal rests on from the watch's keeping
	// into the incident's evidence, under the incident's key, so that
	// shredding the incident shreds it; nil: it stays where it is.
	Kept leakdesk.KeptFileService
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
	// Evidence is the alarm's message or call record, attached to the
	// incident. An alert about a file has none here: its file is found
	// in the triage area by the alert's key.
	Evidence *leakdesk.Evidence `json:"evidence,omitempty"`
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
	cfg    Proposals
	triage leakdesk.TriageService
}

// Work opens the incident, with the alert's file as its evidence, unless
// an earlier run did, then moves the file under the incident's key. A
// crash between the two leaves the file read from the watch's keeping
// until the job is worked again.
func (w *ProposeWorker) Work(ctx context.Context, job *river.Job[ProposeArgs]) error {
	inc := w.cfg.Template
	inc.Title, inc.AwareAt = job.Args.Title, job.Args.AwareAt
	inc.DiscoveredBy = "leakdesk alert " + job.Args.Key
	p := leakdesk.IncidentProposal{Key: job.Args.Key, CouldStart: job.Args.CouldStart, Evidence: job.Args.Evidence}
	if p.Evidence == nil {
		var err error
		if p.Evidence, err = w.alertFile(ctx, job.Args.Key); err != nil {
			return err
		}
	}
	_, err := w.cfg.Incidents.ProposeIncident(ctx, p, &inc, job.Args.Actor)
	if leakdesk.ErrorCode(err) == leakdesk.EINVALID {
		return river.JobCancel(err) // the template is wrong: retrying will not help
	}
	if err != nil || p.Evidence == nil || w.cfg.Kept == nil {
		return err
	}
	err = w.cfg.Kept.TakeIntoIncident(ctx, inc.ID, p.Evidence.SHA256, job.Args.Actor)
	if leakdesk.ErrorCode(err) == leakdesk.ECONFLICT {
		return river.JobCancel(err) // the content is gone: retrying will not bring it back
	}
	return err
}

// alertFile is the triage area's file that the alert named key is about,
// as evidence; nil when key names no file.
func (w *ProposeWorker) alertFile(ctx context.Context, key string) (*leakdesk.Evidence, error) {
	id, ok := alertFileID(key)
	if !ok || w.triage == nil {
		return nil, nil
	}
	f, err := w.triage.FindTriage(ctx, id)
	if err != nil {
		return nil, err
	}
	if alertKey(f) != key {
		return nil, river.JobCancel(fmt.Errorf("alert %s: file %d has another content", key, id))
	}
	note := fmt.Sprintf("file %d of the triage area, taken in from %s", f.ID, f.Source)
	if f.URL != "" {
		note += " (" + f.URL + ")"
	}
	return &leakdesk.Evidence{SHA256: f.SHA256, Size: f.Size, Filename: f.Name, Source: f.Source, Note: note}, nil
}

// proposal is the job that proposes an incident for an alert, or nil
// when the desk proposes none.
func (p Proposals) proposal(key, title string, at, couldStart time.Time, actor string) []river.InsertManyParams {
	return p.proposalWith(ProposeArgs{Key: key, Title: title, AwareAt: at, CouldStart: couldStart, Actor: actor})
}

func (p Proposals) proposalWith(args ProposeArgs) []river.InsertManyParams {
	if p.Incidents == nil {
		return nil
	}
	return []river.InsertManyParams{{Args: args}}
}
