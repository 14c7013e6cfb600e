// Package decoy raises alarms when a planted decoy is contacted: mail to a
// decoy address (an SMTP server that takes mail for decoys only) or a call
// to a decoy number (a phone system's webhook). Each contact is kept as
// evidence and names the exports that carried the decoy.
package decoy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/trace"
	"github.com/leakdesk/leakdesk/watch"
)

// Decoder names the exports that carried decoys: trace.Service.
type Decoder interface {
	Decode(ctx context.Context, r trace.DecodeRequest) (*trace.Verdict, error)
}

// Raiser records an alarm and sends it on every alert channel, through
// jobs enqueued with the record: watch.Desk.
type Raiser interface {
	RaiseAlarm(ctx context.Context, n watch.Notice, a *leakdesk.DecoyAlarm) (bool, error)
}

// Alarms raises decoy alarms.
type Alarms struct {
	blobs   leakdesk.BlobStore
	decoder Decoder
	raiser  Raiser
	actor   string
	now     func() time.Time
	log     *slog.Logger
}

// NewAlarms returns the alarms, keeping evidence in blobs, raised on
// behalf of actor: the principal running the server that hears them.
func NewAlarms(blobs leakdesk.BlobStore, decoder Decoder, raiser Raiser, actor string, now func() time.Time, log *slog.Logger) *Alarms {
	return &Alarms{blobs: blobs, decoder: decoder, raiser: raiser, actor: actor, now: now, log: log}
}

// Raise keeps evidence, names the exports that carried the decoys hit,
// and sends the alarm. The same evidence raises its alarm once.
func (a *Alarms) Raise(ctx context.Context, kind string, hits []string, evidence io.Reader) (*leakdesk.DecoyAlarm, error) {
	blob, err := a.blobs.Put(ctx, evidence)
	if err != nil {
		return nil, fmt.Errorf("keep decoy %s as evidence: %w", kind, err)
	}
	v, err := a.decoder.Decode(ctx, trace.DecodeRequest{DecoyHits: hits})
	if err != nil {
		return nil, err
	}
	alarm := &leakdesk.DecoyAlarm{Key: "decoy-" + blob.SHA256[:16], Kind: kind, Decoys: hits, Evidence: blob.SHA256, EvidenceSize: blob.Size,
		At: a.now().UTC(), Actor: a.actor, Exports: []leakdesk.AlarmExport{}}
	seen := map[string]bool{}
	for _, s := range append(v.Accused, v.Suspects...) {
		if s.Score > 0 && !seen[s.Export] {
			seen[s.Export] = true
			alarm.Exports = append(alarm.Exports, leakdesk.AlarmExport{ID: s.Export, Recipient: s.Recipient, Score: s.Score})
		}
	}
	var names []string
	for _, e := range alarm.Exports {
		names = append(names, e.ID+" ("+e.Recipient+")")
	}
	if len(names) == 0 {
		// The address is in the decoy pool, but no export drew it: the
		// list was guessed from the pool's pattern, or kept from elsewhere.
		names = []string{"none of the recorded exports held it"}
	}
	n := watch.Notice{
		Key:     alarm.Key,
		Subject: fmt.Sprintf("leakdesk alarm: decoy %s contacted by %s", strings.Join(hits, ", "), kind),
		Text: fmt.Sprintf("A decoy was contacted by %s: someone uses a list that held it.\nExports that carried it: %s.\nEvidence: sha256 %s.\n",
			kind, strings.Join(names, ", "), blob.SHA256),
		At: alarm.At,
	}
	created, err := a.raiser.RaiseAlarm(ctx, n, alarm)
	if err != nil {
		return nil, err
	}
	if created {
		a.log.Warn("decoy alarm", "kind", kind, "evidence", blob.SHA256, "exports", len(alarm.Exports))
	}
	return alarm, nil
}
