package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
	"github.com/leakdesk/leakdesk/store/storetest"
)

// TestCoverageBoardAgreesWithCoverage: the counts the database makes for
// the coverage board, in all, by kind and by organisation, are those of
// the coverage read recipient by recipient (which agrees with
// leakdesk.RankCoverage), and every page of unreached recipients is the
// same page of that coverage. The histories are written as rows, as an
// older release left them, and ranked by migration 0024; then every
// writer of deliveries and contacts changes them (contacts, links
// acknowledged, claims, outcomes, releases, delivery reports, a notice,
// an answer mailed through the portal), and the board follows: the
// changed organisations counted again and the others kept, or, after an
// event of another kind, everyone counted again. After each round, the
// rank columns are what a refresh computes. On both databases, over
// random histories.
func TestCoverageBoardAgreesWithCoverage(t *testing.T) {
	ctx := context.Background()
	for _, tc := range databases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCoverageCase(t, tc, "coverage board", 16, 160)
			d, incidents, notices, inc, seed := c.d, c.incidents, c.notices, c.inc, c.seed
			rerunRanksMigration(t, d)
			for round := range 6 {
				var entries []*leakdesk.CoverageEntry
				var outside int
				if err := d.inTx(ctx, func(tx *sql.Tx) error {
					var err error
					if entries, err = d.coverage(ctx, tx, inc.ID); err != nil {
						return err
					}
					outside, err = d.affectedOutsideAudience(ctx, tx, inc.ID)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				byOrganisation := map[string]leakdesk.CoverageCounts{}
				var unreached []*leakdesk.CoverageEntry
				for _, e := range entries {
					c := byOrganisation[e.Recipient.Organisation]
					c.Count(e.State, e.Channel, 1)
					byOrganisation[e.Recipient.Organisation] = c
					if e.Unreached() {
						unreached = append(unreached, e)
					}
				}
				if len(unreached) < 20 || len(unreached) == len(entries) {
					t.Fatalf("seed %d: %d of %d unreached: the histories prove little", seed, len(unreached), len(entries))
				}
				for _, w := range []struct{ offset, limit int }{{0, 7}, {7, 7}, {len(unreached) - 3, 7}, {len(unreached), 7}, {0, len(entries)}} {
					board, err := notices.CoverageBoard(ctx, inc.ID, w.offset, w.limit)
					if err != nil {
						t.Fatal(err)
					}
					where := fmt.Sprintf("seed %d, round %d, unreached from %d", seed, round, w.offset)
					if want := leakdesk.SummariseCoverage(entries); !reflect.DeepEqual(board.Summary, want) {
						t.Fatalf("%s: summary\n got %+v\nwant %+v", where, board.Summary, want)
					}
					if !reflect.DeepEqual(board.ByOrganisation, byOrganisation) {
						t.Fatalf("%s: by organisation\n got %+v\nwant %+v", where, board.ByOrganisation, byOrganisation)
					}
					if board.NotInList != outside {
						t.Fatalf("%s: %d outside the audience, want %d", where, board.NotInList, outside)
					}
					want := unreached[w.offset:min(w.offset+w.limit, len(unreached))]
					if len(board.Unreached) != len(want) || (len(want) > 0 && !reflect.DeepEqual(board.Unreached, want)) {
						t.Fatalf("%s: %d unreached\n got %+v\nwant %+v", where, len(board.Unreached), board.Unreached, want)
					}
				}
				if kept, refreshed := rankColumns(t, d, inc.ID, false), rankColumns(t, d, inc.ID, true); !reflect.DeepEqual(kept, refreshed) {
					t.Fatalf("seed %d, round %d: the rank columns kept differ from those a refresh computes", seed, round)
				}
				changeCoverage(t, c, entries, round)
				if round%2 == 1 {
					if err := incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "alice", leakdesk.EventNote, time.Now(), leakdesk.NotePayload{Text: "a note"})); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

// rerunRanksMigration takes the rank columns and their index away and
// applies migration 0024 again, as a database written before it meets it.
func rerunRanksMigration(t *testing.T, d *DB) {
	t.Helper()
	ctx := context.Background()
	body, err := fs.ReadFile(migrations, path.Join("migrations", d.Dialect(), "0024_recipient_ranks.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DROP INDEX recipients_coverage`); err != nil {
			return err
		}
		for _, column := range []string{"delivery_rank", "contact_rank", "reached_channel"} {
			if _, err := tx.ExecContext(ctx, `ALTER TABLE recipients DROP COLUMN `+column); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, string(body))
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// recipientRanks is what a recipient's row keeps of its coverage.
type recipientRanks struct {
	delivery, contact sql.NullInt64
	reachedChannel    string
}

// rankColumns reads the rank columns of an incident's recipients by ID,
// after ranking them all again when refresh is true.
func rankColumns(t *testing.T, d *DB, incidentID int64, refresh bool) map[int64]recipientRanks {
	t.Helper()
	ctx := context.Background()
	out := map[int64]recipientRanks{}
	if err := d.inTx(ctx, func(tx *sql.Tx) error {
		if refresh {
			if _, err := tx.ExecContext(ctx, d.rebind(`UPDATE recipients SET `+rankColumnsSQL(leakdesk.CoverageRanks())+` WHERE incident_id = ?`), incidentID); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, d.rebind(`SELECT id, delivery_rank, contact_rank, reached_channel FROM recipients WHERE incident_id = ?`), incidentID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var r recipientRanks
			if err := rows.Scan(&id, &r.delivery, &r.contact, &r.reachedChannel); err != nil {
				return err
			}
			out[id] = r
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// changeCoverage changes the coverage of some recipients through every
// writer of deliveries and contacts: contacts recorded and links
// acknowledged every round; claims with each outcome, one left in
// flight, a release and delivery reports every other round; in round 2
// an answer mailed through the portal to someone never told, sent and
// reported delivered, which must leave them not notified; and an update
// notice in round 3.
func changeCoverage(t *testing.T, c coverageCase, entries []*leakdesk.CoverageEntry, round int) {
	t.Helper()
	ctx := context.Background()
	d, notices, inc, rng := c.d, c.notices, c.inc, c.rng
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %d, round %d: %v", c.seed, round, err)
		}
	}
	for range 1 + rng.IntN(6) {
		e := entries[rng.IntN(len(entries))]
		outcome := []string{"reached", "waived", "acknowledged", "no-answer"}[rng.IntN(4)]
		channel := []string{"phone", "letter"}[rng.IntN(2)]
		must(notices.RecordContact(ctx, &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: e.Recipient.ID,
			Channel: channel, Outcome: outcome, Note: "a reason", Actor: "alice"}))
	}
	_, err := notices.Acknowledge(ctx, inc.ID, entries[rng.IntN(len(entries))].Recipient.ID, int64(1+rng.IntN(3)), leakdesk.AckActor)
	must(err)
	if round%2 == 0 {
		queued := deliveriesIn(t, d, inc.ID, leakdesk.DeliveryQueued)
		rng.Shuffle(len(queued), func(i, j int) { queued[i], queued[j] = queued[j], queued[i] })
		// A claim left in flight and a release change the rank of a
		// recipient known only as queued, and of nobody else: those
		// come first.
		stateOf := map[int64]string{}
		for _, e := range entries {
			stateOf[e.Recipient.ID] = e.State
		}
		later := func(del *leakdesk.Delivery) int {
			if stateOf[del.RecipientID] == leakdesk.CoverageQueued {
				return 0
			}
			return 1
		}
		slices.SortStableFunc(queued, func(a, b *leakdesk.Delivery) int { return cmp.Compare(later(a), later(b)) })
		outcomes := []string{leakdesk.DeliverySent, leakdesk.DeliveryFailed, leakdesk.DeliveryQueued, leakdesk.DeliveryBounced}
		for i, del := range queued[:min(len(queued), 12)] {
			claim, err := notices.Advance(ctx, nil, del.ID, time.Minute)
			must(err)
			switch {
			case !claimed(claim), i == 0: // left in flight
			case i == 1:
				must(notices.Release(ctx, claim))
			default:
				_, err = notices.Advance(ctx, &leakdesk.Outcome{Claim: claim, State: outcomes[i%len(outcomes)], Detail: "421 try later"}, 0, time.Minute)
				must(err)
			}
		}
		for _, state := range []string{leakdesk.DeliverySent, leakdesk.DeliveryDone} {
			reported := deliveriesIn(t, d, inc.ID, state)
			for i, del := range reported[:min(len(reported), 3)] {
				_, err := notices.ReportDelivery(ctx, del.MessageID, []string{del.Address}, []string{leakdesk.DeliveryDone, leakdesk.DeliveryBounced}[i%2], "report")
				must(err)
			}
		}
	}
	switch round {
	case 3:
		_, _, err := notices.CreateNotice(ctx, &leakdesk.Notice{IncidentID: inc.ID, Campaign: "update", Kind: leakdesk.NoticeUpdate, Template: "update",
			Message: "What we know now.", Actor: "alice"}, func(context.Context, *sql.Tx, int64, []int64) error { return nil })
		must(err)
	case 2:
		i := slices.IndexFunc(entries, func(e *leakdesk.CoverageEntry) bool {
			return e.State == leakdesk.CoverageNotNotified && e.Recipient.Email != ""
		})
		if i < 0 {
			t.Fatalf("seed %d: nobody with an address was never told", c.seed)
		}
		var answer int64
		must(d.inTx(ctx, func(tx *sql.Tx) error {
			var noticeID int64
			if err := tx.QueryRowContext(ctx, d.rebind(`INSERT INTO notices (incident_id, campaign, kind, template, message, translations, actor, created_at)
				VALUES (?, 'answer-1', ?, ?, 'An answer.', '{}', 'alice', ?) RETURNING id`), inc.ID, leakdesk.NoticeAnswer, leakdesk.NoticeAnswer, d.timeArg(d.now())).Scan(&noticeID); err != nil {
				return err
			}
			ids, err := d.insertDeliveries(ctx, tx, []pendingDelivery{{noticeID, entries[i].Recipient}}, "", d.now())
			answer = ids[0]
			return err
		}))
		claim, err := notices.Advance(ctx, nil, answer, time.Minute)
		must(err)
		_, err = notices.Advance(ctx, sentOutcome(claim), 0, time.Minute)
		must(err)
		_, err = notices.ReportDelivery(ctx, claim.Delivery.MessageID, []string{claim.Delivery.Address}, leakdesk.DeliveryDone, "delivered")
		must(err)
	}
}

// claimed says whether a claim took the delivery for sending: it is in
// flight and nothing said to wait.
func claimed(c *leakdesk.Claim) bool {
	return c.Wait == 0 && c.Delivery.State == leakdesk.DeliverySending
}

// sentOutcome says a claimed delivery was sent.
func sentOutcome(c *leakdesk.Claim) *leakdesk.Outcome {
	return &leakdesk.Outcome{Claim: c, State: leakdesk.DeliverySent}
}

// deliveriesIn lists an incident's deliveries in a state, by ID.
func deliveriesIn(t *testing.T, d *DB, incidentID int64, state string) []*leakdesk.Delivery {
	t.Helper()
	ctx := context.Background()
	var list []*leakdesk.Delivery
	if err := d.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, d.rebind(`SELECT d.id, d.recipient_id, d.message_id, d.address FROM deliveries d JOIN recipients r ON r.id = d.recipient_id
			WHERE r.incident_id = ? AND d.state = ? ORDER BY d.id`), incidentID, state)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			del := &leakdesk.Delivery{State: state}
			if err := rows.Scan(&del.ID, &del.RecipientID, &del.MessageID, &del.Address); err != nil {
				return err
			}
			list = append(list, del)
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	return list
}

// BenchmarkCoverageBoardCold is the coverage board counted afresh, as the
// first render after serve starts, for the console's speed target: an
// incident of 50,000 recipients in 2,000 organisations, every seventh
// without an address, four notices (about 170,000 deliveries) and 2,000
// contacts, written through the services. Before each count an event
// that names no recipient makes the cached counts useless. It reports
// the 95th percentile of the count (p95-ms) and the CPU of this process
// per count (cpu-ms/op; on PostgreSQL the server's is not in it).
func BenchmarkCoverageBoardCold(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			d, err := Open(ctx, storetest.DSN(b, backend), Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { d.Close() })
			regimes, err := rules.Load()
			if err != nil {
				b.Fatal(err)
			}
			incidents, notices := NewIncidentService(d, regimes), NewNoticeService(d)
			start := time.Now()
			inc := largeAudience(b, incidents, notices, 50_000, 2_000, 4, 2_000)
			b.Logf("built the incident in %s", time.Since(start).Round(time.Millisecond))
			var took, cpu []time.Duration
			for b.Loop() {
				if err := incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "lea", leakdesk.EventNote, time.Now(), leakdesk.NotePayload{Text: "a note"})); err != nil {
					b.Fatal(err)
				}
				cpu0, t0 := processCPU(b), time.Now()
				board, err := notices.CoverageBoard(ctx, inc.ID, 50, 50)
				took, cpu = append(took, time.Since(t0)), append(cpu, processCPU(b)-cpu0)
				if err != nil {
					b.Fatal(err)
				}
				if board.Summary.All.Recipients != 50_000 || len(board.Unreached) != 50 {
					b.Fatalf("board of %d recipients, %d unreached listed", board.Summary.All.Recipients, len(board.Unreached))
				}
			}
			var total time.Duration
			for _, c := range cpu {
				total += c
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(len(cpu)), "cpu-ms/op")
			slices.Sort(took)
			b.ReportMetric(float64(took[(len(took)*95+99)/100-1].Microseconds())/1000, "p95-ms")
		})
	}
}

// largeAudience opens an incident with n recipients spread over orgs
// organisations, every seventh without an address, the given number of
// notices (a first and updates, queued), and contacts recorded for the
// first ones: acknowledgements, every fifth a call that reached them.
func largeAudience(tb testing.TB, incidents *IncidentService, notices *NoticeService, n, orgs, noticeCount, contacts int) *leakdesk.Incident {
	tb.Helper()
	ctx := context.Background()
	inc := &leakdesk.Incident{Title: "large audience", AwareAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		DiscoveredBy: "test", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, Country: "FR", TimeZone: "Europe/Paris"}
	if err := incidents.CreateIncident(ctx, inc, "lea"); err != nil {
		tb.Fatal(err)
	}
	audience := make([]*leakdesk.Recipient, n)
	for i := range audience {
		org := i % orgs
		r := &leakdesk.Recipient{Key: fmt.Sprintf("C-%06d", i), Kind: leakdesk.RecipientAffected, ContactID: fmt.Sprintf("C-%06d", i),
			Name: "Synthetic Person", Organisation: fmt.Sprintf("Organisation %04d", org), OrgID: fmt.Sprintf("O-%04d", org),
			Email: fmt.Sprintf("person%06d@client%04d.example", i, org), Language: "en"}
		if i%7 == 3 {
			r.Email, r.Phone = "", "+33100000000"
		}
		audience[i] = r
	}
	if _, err := notices.AddRecipients(ctx, inc.ID, "lea", audience); err != nil {
		tb.Fatal(err)
	}
	noQueue := func(context.Context, *sql.Tx, int64, []int64) error { return nil }
	start := time.Now()
	for i := range noticeCount {
		n := &leakdesk.Notice{IncidentID: inc.ID, Campaign: fmt.Sprintf("notice-%d", i+1), Kind: leakdesk.NoticeFirst, Template: "first", Actor: "lea"}
		if i > 0 {
			n.Kind, n.Template, n.Message = leakdesk.NoticeUpdate, "update", "What we know now."
		}
		if _, _, err := notices.CreateNotice(ctx, n, noQueue); err != nil {
			tb.Fatal(err)
		}
	}
	tb.Logf("created %d notices in %s", noticeCount, time.Since(start).Round(time.Millisecond))
	for i, r := range audience[:contacts] {
		a := &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: r.ID, Channel: "ack", Outcome: "acknowledged", Actor: leakdesk.AckActor}
		if i%5 == 4 {
			a.Channel, a.Outcome, a.Actor = "phone", "reached", "lea"
		}
		if err := notices.RecordContact(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	return inc
}

// processCPU is the CPU time this process has used, user and system.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestRanksUnderConcurrentWriters: senders recording outcomes of the
// same recipients' deliveries at once, with delivery reports and contacts
// recorded beside them, leave each recipient's rank columns as a refresh
// computes them from the rows, and never deadlock. On PostgreSQL the
// writers run at once; SQLite takes them one at a time.
func TestRanksUnderConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	for _, tc := range databases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := tc.open(t)
			regimes, err := rules.Load()
			if err != nil {
				t.Fatal(err)
			}
			notices := NewNoticeService(d)
			inc := coverageIncident(t, NewIncidentService(d, regimes), "concurrent ranks")
			var audience []*leakdesk.Recipient
			for i := range 30 {
				audience = append(audience, &leakdesk.Recipient{Key: fmt.Sprintf("C-%02d", i), Kind: leakdesk.RecipientAffected,
					ContactID: fmt.Sprintf("C-%02d", i), Name: "Synthetic Person", Email: fmt.Sprintf("p%d@example.test", i), Language: "en"})
			}
			if _, err := notices.AddRecipients(ctx, inc.ID, "alice", audience); err != nil {
				t.Fatal(err)
			}
			// Three notices to everyone, each worked by a sender of its own:
			// every recipient's deliveries change at once.
			perNotice := make([][]int64, 3)
			if err := d.inTx(ctx, func(tx *sql.Tx) error {
				for i := range perNotice {
					var noticeID int64
					if err := tx.QueryRowContext(ctx, d.rebind(`INSERT INTO notices (incident_id, campaign, kind, template, message, translations, actor, created_at)
						VALUES (?, ?, 'first', 'first', '', '{}', 'alice', ?) RETURNING id`), inc.ID, fmt.Sprintf("c%d", i), d.timeArg(d.now())).Scan(&noticeID); err != nil {
						return err
					}
					var pending []pendingDelivery
					for _, r := range audience {
						pending = append(pending, pendingDelivery{noticeID, r})
					}
					if perNotice[i], err = d.insertDeliveries(ctx, tx, pending, "", d.now()); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			outcomes := []string{leakdesk.DeliverySent, leakdesk.DeliveryBounced, leakdesk.DeliveryFailed, leakdesk.DeliverySent}
			errs := make(chan error, len(perNotice)+1)
			for n, ids := range perNotice {
				go func() {
					for i, id := range ids {
						claim, err := notices.Advance(ctx, nil, id, time.Minute)
						if err == nil && claimed(claim) {
							_, err = notices.Advance(ctx, &leakdesk.Outcome{Claim: claim, State: outcomes[(i+n)%len(outcomes)]}, 0, time.Minute)
						}
						if err == nil && i%3 == n {
							_, err = notices.ReportDelivery(ctx, claim.Delivery.MessageID, []string{claim.Delivery.Address}, leakdesk.DeliveryDone, "delivered")
						}
						if err != nil {
							errs <- err
							return
						}
					}
					errs <- nil
				}()
			}
			go func() {
				for i, r := range audience {
					outcome := []string{"reached", "waived", "acknowledged"}[i%3]
					if err := notices.RecordContact(ctx, &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: r.ID, Channel: "phone",
						Outcome: outcome, Note: "a reason", Actor: "alice"}); err != nil {
						errs <- err
						return
					}
				}
				errs <- nil
			}()
			for range len(perNotice) + 1 {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			kept, refreshed := rankColumns(t, d, inc.ID, false), rankColumns(t, d, inc.ID, true)
			if !reflect.DeepEqual(kept, refreshed) {
				t.Fatalf("the rank columns kept differ from those a refresh computes:\n kept %+v\nfresh %+v", kept, refreshed)
			}
		})
	}
}
