package watch

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
)

// AlarmQueueName is the River queue of alarms, apart from triage's so
// that a process without the registry (decoy-smtp) can work them.
const AlarmQueueName = "watch_alarm"

// AlarmArgs is the job that sends an alarm raised outside triage (a decoy
// contacted) on one channel. It carries the alarm as sent; the alarm is
// on record (leakdesk.DecoyAlarmService), and its evidence in the vault,
// under the SHA-256 it names.
type AlarmArgs struct {
	Notice  Notice          `json:"notice"`
	Payload json.RawMessage `json:"payload"`
	Channel string          `json:"channel"`
}

// Kind names the job for River.
func (AlarmArgs) Kind() string { return "watch.alarm" }

// InsertOpts puts the job on the watch queue, unique per alarm and
// channel: an alarm raised twice under one key is sent once.
func (AlarmArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: AlarmQueueName, MaxAttempts: 25, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 24 * time.Hour}}
}

// AlarmWorker sends alarms as the AlertWorker sends alerts.
type AlarmWorker struct {
	river.WorkerDefaults[AlarmArgs]
	alerts *AlertWorker
}

// Work sends the alarm, claimed and recorded as an alert is, unless an
// earlier run of the job sent it.
func (w *AlarmWorker) Work(ctx context.Context, job *river.Job[AlarmArgs]) error {
	key, channel := job.Args.Notice.Key, job.Args.Channel
	attempt, sentAt, err := w.alerts.triage.ClaimAlarm(ctx, key, channel)
	if err != nil || !sentAt.IsZero() {
		return err
	}
	if attempt > 1 {
		w.alerts.log.Warn("alarm sent again: an earlier attempt ended without a recorded outcome", "alarm", key, "channel", channel, "attempt", attempt)
	}
	return w.alerts.send(ctx, channel, job.Args.Notice, job.Args.Payload, func() error {
		return w.alerts.triage.AlarmSent(context.WithoutCancel(ctx), key, channel)
	})
}

// RaiseAlarm records the decoy alarm a unless one with its key is on
// record, and, in the same transaction, enqueues it with n on every
// configured channel and the proposal of an incident aware at a.At, with
// a's message or call record as its evidence. It reports whether a was
// new: the same message or call received again raises nothing more.
func (d *Desk) RaiseAlarm(ctx context.Context, n Notice, a *leakdesk.DecoyAlarm) (bool, error) {
	if d.alarms == nil {
		return false, fmt.Errorf("raise alarm %s: the desk keeps no alarms", a.Key)
	}
	body, err := json.Marshal(a)
	if err != nil {
		return false, err
	}
	var jobs []river.InsertManyParams
	for _, c := range d.channels {
		jobs = append(jobs, river.InsertManyParams{Args: AlarmArgs{Notice: n, Payload: body, Channel: c}})
	}
	jobs = append(jobs, d.proposals.proposalWith(ProposeArgs{Key: a.Key, Title: n.Subject, AwareAt: a.At, Actor: d.proposals.Actor, Evidence: a.EvidenceFile()})...)
	created, err := d.alarms.RecordDecoyAlarm(ctx, a, func(ctx context.Context, tx *sql.Tx) error {
		if len(jobs) == 0 {
			return nil
		}
		_, err := d.Queue.client.InsertManyTx(ctx, tx, jobs)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("raise alarm %s: %w", a.Key, err)
	}
	return created, nil
}
