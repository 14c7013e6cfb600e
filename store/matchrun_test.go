package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/riverqueue/river"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/internal/riverdb"
	"github.com/leakdesk/leakdesk/match"
	"github.com/leakdesk/leakdesk/store"
)

// TestMatchRunMergesOnce: pieces completed at once, some twice (a job
// worked again after a crash), count once each, and exactly one of them
// enqueues the merge; the merged findings are stored once, in the
// incident when the run has one.
func TestMatchRunMergesOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		incident := mustCreate(t, newIncidents(t, h.db), newIncident("distributed match")).ID
		svc := store.NewMatchRunService(h.db)
		const n = 12
		pieces := make([]leakdesk.MatchPiece, n)
		for i := range pieces {
			pieces[i] = leakdesk.MatchPiece{Spec: []byte(fmt.Sprintf(`{"piece":%d}`, i)), Bytes: int64(100 + i)}
		}
		var enqueued []int
		run := &leakdesk.MatchRun{IncidentID: incident, Actor: "local:alice", Spec: []byte(`{"leaks":["a.txt"]}`)}
		err := svc.CreateMatchRun(ctx, run, pieces, func(_ context.Context, _ *sql.Tx, id int64, seq int) (int64, error) {
			enqueued = append(enqueued, seq)
			return 0, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(enqueued) != n || run.Bytes != 100*n+n*(n-1)/2 {
			t.Fatalf("enqueued %v, bytes %d", enqueued, run.Bytes)
		}
		if _, err := svc.MatchPartials(ctx, run.ID); leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Fatalf("partials of an unfinished run: %v, want ECONFLICT", err)
		}
		var merges, recorded atomic.Int32
		merge := func(_ context.Context, _ *sql.Tx, id int64, seq int) (int64, error) {
			merges.Add(1)
			return 0, nil
		}
		var wg sync.WaitGroup
		for i := range 2 * n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				seq := i % n
				done, err := svc.CompleteMatchPiece(ctx, run.ID, seq, []byte(fmt.Sprintf(`{"rows":%d}`, seq)), merge)
				if err != nil {
					t.Error(err)
				}
				if done {
					recorded.Add(1)
				}
			}()
		}
		wg.Wait()
		if merges.Load() != 1 || recorded.Load() != n {
			t.Fatalf("merge enqueued %d times, %d pieces recorded; want 1 and %d", merges.Load(), recorded.Load(), n)
		}
		got, err := svc.FindMatchRun(ctx, run.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PiecesDone != n || got.BytesDone != run.Bytes || got.Findings != nil {
			t.Fatalf("run after its pieces: %+v", got)
		}
		partials, err := svc.MatchPartials(ctx, run.ID)
		if err != nil || len(partials) != n || string(partials[5]) != `{"rows":5}` {
			t.Fatalf("partials %q, %v", partials, err)
		}
		f := &leakdesk.Findings{Rows: 42, Leaks: []string{"a.txt"}, Contacts: []leakdesk.AffectedContact{{ID: "C-1", OrgID: "O-1", Class: "certain", Confidence: 1, Fields: []string{"email"}, Rows: []int64{7}}}}
		for i, want := range []bool{true, false} {
			done, err := svc.CompleteMatchRun(ctx, run.ID, f)
			if err != nil || done != want {
				t.Fatalf("merge %d: %v, %v; want %v", i, done, err, want)
			}
		}
		latest, err := store.NewFindingsService(h.db).LatestFindings(ctx, incident)
		if err != nil || latest.Rows != 42 || latest.Actor != "local:alice" {
			t.Fatalf("incident findings %+v, %v", latest, err)
		}
		if n := h.exec(t, fmt.Sprintf("UPDATE findings SET actor = actor WHERE incident_id = %d", incident)); n != 1 {
			t.Fatalf("%d findings stored in the incident; want 1", n)
		}
		got, err = svc.FindMatchRun(ctx, run.ID)
		if err != nil || got.MergedAt.IsZero() || got.Findings == nil || got.Findings.Rows != 42 {
			t.Fatalf("merged run %+v, %v", got, err)
		}
		if _, err := svc.FindMatchRun(ctx, run.ID+100); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("missing run: %v", err)
		}
	})
}

// TestKeyedMatchRunStartsOnce: a run started again under the same key
// (its job worked again after a crash) is the run recorded first, and
// enqueues nothing more.
func TestKeyedMatchRunStartsOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		svc := store.NewMatchRunService(h.db)
		enqueued := 0
		enqueue := func(context.Context, *sql.Tx, int64, int) (int64, error) { enqueued++; return 0, nil }
		pieces := []leakdesk.MatchPiece{{Spec: []byte(`{}`), Bytes: 10}, {Spec: []byte(`{}`), Bytes: 20}}
		first := &leakdesk.MatchRun{Actor: "local:alice", Key: "triage-7", Spec: []byte(`{"leaks":["a"]}`)}
		if err := svc.CreateMatchRun(ctx, first, pieces, enqueue); err != nil {
			t.Fatal(err)
		}
		again := &leakdesk.MatchRun{Actor: "local:bob", Key: "triage-7", Spec: []byte(`{"leaks":["b"]}`)}
		if err := svc.CreateMatchRun(ctx, again, pieces[:1], enqueue); err != nil {
			t.Fatal(err)
		}
		if again.ID != first.ID || again.Actor != "local:alice" || again.Pieces != 2 || string(again.Spec) != `{"leaks":["a"]}` || enqueued != 2 {
			t.Fatalf("run started again: %+v, %d jobs enqueued; want run %d as recorded, 2 jobs", again, enqueued, first.ID)
		}
		other := &leakdesk.MatchRun{Actor: "local:alice", Spec: []byte(`{}`)}
		if err := svc.CreateMatchRun(ctx, other, pieces, enqueue); err != nil || other.ID == first.ID || other.Key != "" {
			t.Fatalf("a run without key: %+v, %v", other, err)
		}
		found, err := svc.FindMatchRun(ctx, first.ID)
		if err != nil || found.Key != "triage-7" {
			t.Fatalf("found %+v, %v", found, err)
		}
		if byKey, err := svc.FindMatchRunByKey(ctx, "triage-7"); err != nil || byKey.ID != first.ID {
			t.Fatalf("found by key %+v, %v", byKey, err)
		}
		if _, err := svc.FindMatchRunByKey(ctx, "triage-8"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("a key never used: %v, want ENOTFOUND", err)
		}
	})
}

// TestFailedMatchRunNeverMerges: pieces that fail at the same moment fail
// their run once, with the first failure's piece and reason on the
// incident's timeline under the name of who started the run; a piece
// done already fails nothing; the failed run enqueues no merge when its
// other pieces complete, and its merge is refused.
func TestFailedMatchRunNeverMerges(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		incidents := newIncidents(t, h.db)
		incident := mustCreate(t, incidents, newIncident("failed distributed match")).ID
		svc := store.NewMatchRunService(h.db)
		const n = 6
		pieces := make([]leakdesk.MatchPiece, n)
		for i := range pieces {
			pieces[i] = leakdesk.MatchPiece{Spec: []byte(`{}`), Bytes: 10}
		}
		run := &leakdesk.MatchRun{IncidentID: incident, Actor: "local:alice", Spec: []byte(`{"leaks":["a.txt"]}`)}
		if err := svc.CreateMatchRun(ctx, run, pieces, func(context.Context, *sql.Tx, int64, int) (int64, error) { return 0, nil }); err != nil {
			t.Fatal(err)
		}
		var merges atomic.Int32
		merge := func(context.Context, *sql.Tx, int64, int) (int64, error) { merges.Add(1); return 0, nil }
		if done, err := svc.CompleteMatchPiece(ctx, run.ID, 0, []byte(`{}`), merge); err != nil || !done {
			t.Fatalf("piece 0: %v, %v", done, err)
		}
		if failed, err := svc.FailMatchRun(ctx, run.ID, 0, leakdesk.EINVALID, "piece 0 is done"); err != nil || failed {
			t.Fatalf("failing a done piece: %v, %v; want nothing done", failed, err)
		}
		var failures atomic.Int32
		var wg sync.WaitGroup
		for seq := 1; seq < n; seq++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				failed, err := svc.FailMatchRun(ctx, run.ID, seq, leakdesk.EINTEGRITY, fmt.Sprintf("blob of piece %d replaced", seq))
				if err != nil {
					t.Error(err)
				}
				if failed {
					failures.Add(1)
				}
			}()
		}
		wg.Wait()
		if failures.Load() != 1 {
			t.Fatalf("the run failed %d times; want once", failures.Load())
		}
		got, err := svc.FindMatchRun(ctx, run.ID)
		if err != nil || got.Failure == nil || got.Failure.Code != leakdesk.EINTEGRITY || got.Failure.Piece < 1 ||
			got.Failure.Reason != fmt.Sprintf("blob of piece %d replaced", got.Failure.Piece) || !got.Progress(got.CreatedAt).Failed {
			t.Fatalf("failed run %+v (failure %+v), %v", got, got.Failure, err)
		}
		for seq := 1; seq < n; seq++ { // other runs of the pieces' jobs complete them
			if _, err := svc.CompleteMatchPiece(ctx, run.ID, seq, []byte(`{}`), merge); err != nil {
				t.Fatal(err)
			}
		}
		if merges.Load() != 0 {
			t.Fatalf("a failed run enqueued its merge %d times", merges.Load())
		}
		done, err := svc.CompleteMatchRun(ctx, run.ID, &leakdesk.Findings{Rows: 1, Leaks: []string{"a.txt"}})
		if done || leakdesk.ErrorCode(err) != leakdesk.ECONFLICT {
			t.Fatalf("merge of a failed run: %v, %v; want ECONFLICT", done, err)
		}
		if _, err := store.NewFindingsService(h.db).LatestFindings(ctx, incident); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("findings of a failed run in the incident: %v", err)
		}
		if failed, err := svc.FailMatchRun(ctx, run.ID, leakdesk.MergePiece, leakdesk.EINTERNAL, "again"); err != nil || failed {
			t.Fatalf("failing a failed run: %v, %v", failed, err)
		}
		if _, err := svc.FailMatchRun(ctx, run.ID+100, 0, leakdesk.EINVALID, "x"); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("failing a missing run: %v", err)
		}
		events, err := incidents.FindEvents(ctx, incident)
		if err != nil {
			t.Fatal(err)
		}
		var recorded []*leakdesk.Event
		for _, ev := range events {
			if ev.Kind == leakdesk.EventMatchRunFailed {
				recorded = append(recorded, ev)
			}
		}
		if len(recorded) != 1 || recorded[0].Actor != "local:alice" {
			t.Fatalf("%d failure events (%+v); want one, by who started the run", len(recorded), recorded)
		}
		p, err := leakdesk.DecodePayload(recorded[0])
		if f, ok := p.(*leakdesk.MatchRunFailedPayload); err != nil || !ok || f.Run != run.ID || f.Piece != got.Failure.Piece || f.Code != leakdesk.EINTEGRITY {
			t.Fatalf("failure event %s: %+v, %v", recorded[0].Details, p, err)
		}
	})
}

// TestAbandonedJobFailsItsRun: a run whose piece job River discarded (its
// last attempt cut short), or that an operator cancelled or deleted, with
// no worker told, fails once, naming the piece and what became of its
// job, as does one whose merge job was deleted; a run whose jobs are
// waiting, retrying, scheduled or running does not, nor one whose piece
// is done whatever its job became.
func TestAbandonedJobFailsItsRun(t *testing.T) {
	eachStore(t, func(t *testing.T, h *harness) {
		ctx := context.Background()
		q, err := match.NewQueue(ctx, h.db.SQL(), h.db.Dialect(), match.QueueConfig{})
		if err != nil {
			t.Fatal(err)
		}
		driver, err := riverdb.Open(ctx, h.db.SQL(), h.db.Dialect(), nil)
		if err != nil {
			t.Fatal(err)
		}
		client, err := river.NewClient(driver, &river.Config{})
		if err != nil {
			t.Fatal(err)
		}
		incidents := newIncidents(t, h.db)
		svc := store.NewMatchRunService(h.db)
		setJob := func(job int64, state string, attempt int) {
			t.Helper()
			finalized := "NULL"
			if state == "discarded" || state == "cancelled" || state == "completed" {
				finalized = "CURRENT_TIMESTAMP"
			}
			if _, err := h.db.SQL().ExecContext(ctx, fmt.Sprintf(`UPDATE river_job SET state = '%s', attempt = %d, finalized_at = %s WHERE id = %d`,
				state, attempt, finalized, job)); err != nil {
				t.Fatal(err)
			}
		}
		deleteJob := func(job int64) {
			t.Helper()
			if _, err := h.db.SQL().ExecContext(ctx, fmt.Sprintf(`DELETE FROM river_job WHERE id = %d`, job)); err != nil {
				t.Fatal(err)
			}
		}
		complete := func(run int64, seq int) int64 {
			t.Helper()
			var mergeJob int64
			_, err := svc.CompleteMatchPiece(ctx, run, seq, []byte(`{}`), func(ctx context.Context, tx *sql.Tx, run int64, _ int) (int64, error) {
				res, err := client.InsertTx(ctx, tx, match.MergeArgs{Run: run}, nil)
				if err != nil {
					return 0, err
				}
				mergeJob = res.Job.ID
				return mergeJob, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return mergeJob
		}
		for _, c := range []struct {
			name string
			act  func(run int64, jobs []int64)
			want string // in the reason; empty: the run goes on
		}{
			{"waiting", func(int64, []int64) {}, ""},
			{"retrying", func(_ int64, jobs []int64) { setJob(jobs[1], "retryable", 9) }, ""},
			{"scheduled", func(_ int64, jobs []int64) { setJob(jobs[1], "scheduled", 3) }, ""},
			{"running its last attempt", func(_ int64, jobs []int64) { setJob(jobs[1], "running", 10) }, ""},
			{"done, its job discarded since", func(run int64, jobs []int64) { complete(run, 1); setJob(jobs[1], "discarded", 10) }, ""},
			{"discarded", func(_ int64, jobs []int64) { setJob(jobs[1], "discarded", 10) }, "piece 1: its job %d was discarded by River after 10 attempts"},
			{"cancelled", func(_ int64, jobs []int64) { setJob(jobs[1], "cancelled", 2) }, "piece 1: its job %d was cancelled after 2 attempts"},
			{"deleted", func(_ int64, jobs []int64) { deleteJob(jobs[1]) }, "piece 1: its job %d is no longer in River's queue"},
			{"merge deleted", func(run int64, jobs []int64) {
				var merge int64
				for seq := range jobs {
					merge = max(merge, complete(run, seq))
				}
				jobs[1] = merge
				deleteJob(merge)
			}, "the merge: its job %d is no longer in River's queue"},
		} {
			t.Run(c.name, func(t *testing.T) {
				incident := mustCreate(t, incidents, newIncident("abandoned "+c.name)).ID
				var jobs []int64
				enqueue := func(ctx context.Context, tx *sql.Tx, run int64, seq int) (int64, error) {
					job, err := q.EnqueuePiece(ctx, tx, run, seq)
					jobs = append(jobs, job)
					return job, err
				}
				run := &leakdesk.MatchRun{IncidentID: incident, Actor: "local:alice", Spec: []byte(`{"leaks":["a.txt"]}`)}
				pieces := []leakdesk.MatchPiece{{Spec: []byte(`{}`), Bytes: 1}, {Spec: []byte(`{}`), Bytes: 1}, {Spec: []byte(`{}`), Bytes: 1}}
				if err := svc.CreateMatchRun(ctx, run, pieces, enqueue); err != nil {
					t.Fatal(err)
				}
				c.act(run.ID, jobs)
				failed, err := svc.FailAbandonedMatchRun(ctx, run.ID)
				if err != nil {
					t.Fatal(err)
				}
				got, err := svc.FindMatchRun(ctx, run.ID)
				if err != nil {
					t.Fatal(err)
				}
				if c.want == "" {
					if failed || got.Failure != nil {
						t.Fatalf("the run failed (%v): %v", failed, got.Failure)
					}
					return
				}
				want := fmt.Sprintf(c.want, jobs[1])
				if !failed || got.Failure == nil || got.Failure.Code != leakdesk.EUNREAD || !strings.Contains(got.Failure.Reason, want) {
					t.Fatalf("failed %v, failure %+v; want one with %q", failed, got.Failure, want)
				}
				if again, err := svc.FailAbandonedMatchRun(ctx, run.ID); err != nil || again {
					t.Fatalf("failed again: %v, %v", again, err)
				}
				events, err := incidents.FindEvents(ctx, incident)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, ev := range events {
					if ev.Kind == leakdesk.EventMatchRunFailed {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("%d failure events; want one", n)
				}
			})
		}
		if _, err := svc.FailAbandonedMatchRun(ctx, 1<<40); leakdesk.ErrorCode(err) != leakdesk.ENOTFOUND {
			t.Fatalf("a missing run: %v, want ENOTFOUND", err)
		}
	})
}

// BenchmarkFailAbandonedMatchRun is the look that whoever waits on a run
// takes every few seconds, on a run of 1,000 pieces none done, their
// jobs waiting, beside the wait's poll of the run (poll).
func BenchmarkFailAbandonedMatchRun(b *testing.B) {
	eachBenchStore(b, func(b *testing.B, h *harness) {
		ctx := context.Background()
		q, err := match.NewQueue(ctx, h.db.SQL(), h.db.Dialect(), match.QueueConfig{})
		if err != nil {
			b.Fatal(err)
		}
		svc := store.NewMatchRunService(h.db)
		pieces := make([]leakdesk.MatchPiece, 1000)
		for i := range pieces {
			pieces[i] = leakdesk.MatchPiece{Spec: []byte(`{}`), Bytes: 1}
		}
		run := &leakdesk.MatchRun{Actor: "local:alice", Spec: []byte(`{"leaks":["a.txt"]}`)}
		if err := svc.CreateMatchRun(ctx, run, pieces, q.EnqueuePiece); err != nil {
			b.Fatal(err)
		}
		b.Run("abandoned", func(b *testing.B) {
			for range b.N {
				if failed, err := svc.FailAbandonedMatchRun(ctx, run.ID); err != nil || failed {
					b.Fatalf("%v, %v", failed, err)
				}
			}
		})
		b.Run("poll", func(b *testing.B) { // the wait's own look, for comparison
			for range b.N {
				if _, err := svc.FindMatchRun(ctx, run.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}
