// Package watch takes leaked files in for triage (drop directories and
// the intake API), keeps them as evidence, matches them against the
// registry, recognises files seen before and recycled leaks, and raises
// alerts, all through River jobs so that a crash loses or doubles nothing.
package watch

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/notify"
)

// Config configures triage and alerts.
type Config struct {
	Triage TriageConfig
	Alerts AlertConfig
	// Proposals open an incident, for a person to confirm, with each
	// alert and alarm.
	Proposals Proposals
	// Alarms keeps the decoy alarms the desk raises; nil: it raises none.
	Alarms  leakdesk.DecoyAlarmService
	Workers int // jobs at once; triage reads at most one file per core at once
	// RescueAfter is how long a job may run before it is taken as cut
	// short by a crash and worked again; an hour if zero.
	RescueAfter time.Duration
	// Rescues registers the job kinds of the other processes that share
	// River's tables (riverdb.RescueOnly), so that this desk, when it is
	// River's leader, rescues their jobs rather than discarding them.
	Rescues func(*river.Workers)
	// Distribute, when set, hands files of at least its MinSize to the
	// workers of distributed matching, cut into pieces.
	Distribute *Distribution
}

// Desk is the intake with the queue that works its jobs.
type Desk struct {
	Intake    *Intake
	Queue     *Queue
	channels  []string
	proposals Proposals
	alarms    leakdesk.DecoyAlarmService
}

// NewDesk loads the registry and wires intake, workers and queue over db
// ("sqlite" or "postgres"). Start the queue to work. Without a registry,
// the desk only raises alarms: it works no triage job.
func NewDesk(ctx context.Context, db *sql.DB, dialect string, triage leakdesk.TriageService, blobs leakdesk.BlobStore, cfg Config, log *slog.Logger) (*Desk, error) {
	cfg.Triage.Channels, cfg.Triage.proposals = cfg.Alerts.Channels(), cfg.Proposals
	workers, queues := river.NewWorkers(), []string{AlarmQueueName}
	var order *finishOrder
	if cfg.Triage.Registry != "" {
		tw, err := NewTriageWorker(ctx, triage, blobs, cfg.Triage, log)
		if err != nil {
			return nil, err
		}
		tw.dist = cfg.Distribute
		river.AddWorker(workers, tw)
		queues, order = append(queues, QueueName), tw.order
	}
	alerts := NewAlertWorker(triage, cfg.Alerts, log)
	river.AddWorker(workers, alerts)
	river.AddWorker(workers, &AlarmWorker{alerts: alerts})
	if cfg.Proposals.Incidents != nil {
		river.AddWorker(workers, &ProposeWorker{cfg: cfg.Proposals, triage: triage})
	}
	if cfg.Rescues != nil {
		cfg.Rescues(workers)
	}
	q, err := NewQueue(ctx, db, dialect, workers, queues, max(cfg.Workers, 3), cfg.RescueAfter, notify.QuietLogger(log))
	if err != nil {
		return nil, err
	}
	q.order = order
	return &Desk{Intake: NewIntake(triage, blobs, q, log), Queue: q, channels: cfg.Triage.Channels, proposals: cfg.Proposals, alarms: cfg.Alarms}, nil
}
