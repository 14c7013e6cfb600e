package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
	"github.com/leakdesk/leakdesk/rules"
)

// TestCoverageAggregateAgreesWithRanking: the coverage the database ranks
// in SQL is, recipient by recipient, what leakdesk.RankCoverage says of
// every delivery and contact attempt read one by one, over many random
// histories (every delivery state, errors or none, each contact outcome,
// several of them in any order), on both databases.
func TestCoverageAggregateAgreesWithRanking(t *testing.T) {
	ctx := context.Background()
	regimes, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range databases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := tc.open(t)
			for round := range 4 {
				seed := uint64(time.Now().UnixNano())
				rng := rand.New(rand.NewPCG(seed, uint64(round)))
				inc := coverageIncident(t, NewIncidentService(d, regimes), fmt.Sprintf("coverage round %d", round))
				randomHistories(t, d, inc.ID, rng, 150)
				var got, want []*leakdesk.CoverageEntry
				if err := d.inTx(ctx, func(tx *sql.Tx) error {
					var err error
					if got, err = d.coverage(ctx, tx, inc.ID); err != nil {
						return err
					}
					recipients, err := d.findRecipients(ctx, tx, `incident_id = ?`, inc.ID)
					if err != nil {
						return err
					}
					deliveries, err := d.deliveryStates(ctx, tx, inc.ID)
					if err != nil {
						return err
					}
					contacts, err := d.contactOutcomes(ctx, tx, inc.ID)
					if err != nil {
						return err
					}
					want = leakdesk.RankCoverage(recipients, deliveries, contacts)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) || len(got) == 0 {
					t.Fatalf("seed %d: %d entries, want %d", seed, len(got), len(want))
				}
				states := map[string]int{}
				for i := range want {
					states[want[i].State]++
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("seed %d, recipient %s:\n got %+v\nwant %+v", seed, want[i].Recipient.Key, got[i], want[i])
					}
				}
				// The histories must reach most states, or agreeing proves little.
				if len(states) < 7 {
					t.Fatalf("seed %d: only states %v were drawn", seed, states)
				}
			}
		})
	}
}

// coverageCase is an incident with random histories (randomHistories),
// for a coverage test.
type coverageCase struct {
	d         *DB
	incidents *IncidentService
	notices   *NoticeService
	inc       *leakdesk.Incident
	rng       *rand.Rand
	seed      uint64
}

// newCoverageCase opens an incident titled title on the database of tc,
// with n recipients and their random histories drawn from a seed of the
// clock and stream.
func newCoverageCase(t *testing.T, tc database, title string, stream uint64, n int) coverageCase {
	t.Helper()
	regimes, err := rules.Load()
	if err != nil {
		t.Fatal(err)
	}
	c := coverageCase{d: tc.open(t), seed: uint64(time.Now().UnixNano())}
	c.rng = rand.New(rand.NewPCG(c.seed, stream))
	c.incidents, c.notices = NewIncidentService(c.d, regimes), NewNoticeService(c.d)
	c.inc = coverageIncident(t, c.incidents, title)
	randomHistories(t, c.d, c.inc.ID, c.rng, n)
	return c
}

// coverageIncident opens an incident for a coverage test.
func coverageIncident(t *testing.T, incidents *IncidentService, title string) *leakdesk.Incident {
	t.Helper()
	inc := &leakdesk.Incident{Title: title, AwareAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		DiscoveredBy: "test", Role: leakdesk.RoleController, Regimes: []string{"gdpr"}, Country: "FR", TimeZone: "Europe/Paris"}
	if err := incidents.CreateIncident(context.Background(), inc, "alice"); err != nil {
		t.Fatal(err)
	}
	return inc
}

// randomHistories adds n recipients to an incident, some without an
// address, some without an organisation, some former contacts, and draws for each a history: deliveries of some of three
// notices in any state, with or without an error, and up to three contact
// attempts of any outcome, interleaved across recipients.
func randomHistories(t *testing.T, d *DB, incidentID int64, rng *rand.Rand, n int) {
	t.Helper()
	ctx := context.Background()
	var rs []*leakdesk.Recipient
	for i := range n {
		r := &leakdesk.Recipient{Key: fmt.Sprintf("R-%04d", i), Kind: leakdesk.RecipientAffected, ContactID: fmt.Sprintf("C-%04d", i),
			Name: "Synthetic Person", Organisation: fmt.Sprintf("Org %d", i%7), OrgID: fmt.Sprintf("O-%d", i%7), Phone: "+33100000000"}
		if rng.IntN(6) > 0 {
			r.Email = fmt.Sprintf("p%d@example.test", i)
		}
		if i%7 == 6 {
			r.Organisation, r.OrgID = "", ""
		}
		if i%5 == 4 {
			r.Kind = leakdesk.RecipientFormer
		}
		rs = append(rs, r)
	}
	svc := NewNoticeService(d)
	if _, err := svc.AddRecipients(ctx, incidentID, "alice", rs); err != nil {
		t.Fatal(err)
	}
	states := []string{leakdesk.DeliveryQueued, leakdesk.DeliverySending, leakdesk.DeliverySent, leakdesk.DeliveryDone, leakdesk.DeliveryBounced, leakdesk.DeliveryFailed}
	outcomes := []string{"acknowledged", "reached", "waived", "no-answer"}
	channels := []string{"phone", "letter", "in-person"}
	now := d.timeArg(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	err := d.inTx(ctx, func(tx *sql.Tx) error {
		recipients, err := d.findRecipients(ctx, tx, `incident_id = ?`, incidentID)
		if err != nil {
			return err
		}
		var notices []int64
		for i := range 3 {
			var id int64
			if err := tx.QueryRowContext(ctx, d.rebind(`INSERT INTO notices (incident_id, campaign, kind, template, message, translations, actor, created_at)
				VALUES (?, ?, 'first', 'first', '', '{}', 'alice', ?) RETURNING id`), incidentID, fmt.Sprintf("c%d", i), now).Scan(&id); err != nil {
				return err
			}
			notices = append(notices, id)
		}
		// Deliveries go in notice order for some recipients and not for
		// others, so that "last" cannot mean "last inserted".
		for _, r := range recipients {
			order := rng.Perm(len(notices))
			for _, k := range order[:rng.IntN(len(notices)+1)] {
				lastError := ""
				if rng.IntN(3) == 0 {
					lastError = fmt.Sprintf("550 error %d", rng.IntN(1000))
				}
				if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO deliveries (notice_id, recipient_id, message_id, address, state, last_error, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`), notices[k], r.ID, fmt.Sprintf("<%d.%d.%d@test>", incidentID, r.ID, k), r.Email,
					states[rng.IntN(len(states))], lastError, now); err != nil {
					return err
				}
			}
		}
		for range n {
			r := recipients[rng.IntN(len(recipients))]
			for range rng.IntN(4) {
				if _, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO contact_attempts (incident_id, recipient_id, channel, outcome, note, actor, at)
					VALUES (?, ?, ?, ?, ?, 'alice', ?)`), incidentID, r.ID, channels[rng.IntN(len(channels))], outcomes[rng.IntN(len(outcomes))],
					fmt.Sprintf("note %d", rng.IntN(1000)), now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCoverageSinceReadsOnlyChangedRecipients: after contacts recorded
// (each naming one recipient), a cached coverage is brought up to date by
// reading those recipients alone, and equals a full read; after an event
// of another kind, everyone is read again, and it still equals a full
// read. On both databases, over random histories and changes.
func TestCoverageSinceReadsOnlyChangedRecipients(t *testing.T) {
	ctx := context.Background()
	for _, tc := range databases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCoverageCase(t, tc, "coverage since", 7, 120)
			d, incidents, notices, inc, rng, seed := c.d, c.incidents, c.notices, c.inc, c.rng, c.seed
			read := func(cached []*leakdesk.CoverageEntry, cachedAt int64) (since, full []*leakdesk.CoverageEntry, at int64) {
				t.Helper()
				if err := d.inTx(ctx, func(tx *sql.Tx) error {
					got, err := d.findIncidentByID(ctx, tx, inc.ID, false)
					if err != nil {
						return err
					}
					at = got.EventCount
					if since, err = d.coverageSince(ctx, tx, inc.ID, cached, cachedAt); err != nil {
						return err
					}
					full, err = d.coverage(ctx, tx, inc.ID)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return since, full, at
			}
			cached, _, cachedAt := read(nil, 0)
			for round := range 6 {
				changed := map[int]bool{}
				for range 1 + rng.IntN(4) {
					i := rng.IntN(len(cached))
					changed[i] = true
					outcome := []string{"reached", "waived", "no-answer"}[rng.IntN(3)]
					if err := notices.RecordContact(ctx, &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: cached[i].Recipient.ID,
						Channel: "phone", Outcome: outcome, Note: "a reason", Actor: "alice"}); err != nil {
						t.Fatal(err)
					}
				}
				broad := round%3 == 2
				if broad {
					if err := incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "alice", leakdesk.EventNote, time.Now(), leakdesk.NotePayload{Text: "a note"})); err != nil {
						t.Fatal(err)
					}
				}
				since, full, at := read(cached, cachedAt)
				if !reflect.DeepEqual(since, full) {
					t.Fatalf("seed %d, round %d: the coverage brought up to date differs from a full read", seed, round)
				}
				for i := range cached {
					if kept := since[i] == cached[i]; kept == (changed[i] || broad) {
						t.Fatalf("seed %d, round %d: entry %d kept %v; changed %v, broad %v", seed, round, i, kept, changed[i], broad)
					}
				}
				cached, cachedAt = since, at
			}
		})
	}
}
