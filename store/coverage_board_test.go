package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/leakdesk/leakdesk"
)

// TestCoverageBoardAgreesWithCoverage: the counts the database makes for
// the coverage board, in all, by kind and by organisation, are those of
// the coverage read recipient by recipient (which agrees with
// leakdesk.RankCoverage), and every page of unreached recipients is the
// same page of that coverage; after contacts are recorded (the changed
// organisations counted again, the others kept), and after an event of
// another kind (everyone counted again), the board follows. On both
// databases, over random histories.
func TestCoverageBoardAgreesWithCoverage(t *testing.T) {
	ctx := context.Background()
	for _, tc := range databases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newCoverageCase(t, tc, "coverage board", 16, 160)
			d, incidents, notices, inc, rng, seed := c.d, c.incidents, c.notices, c.inc, c.rng, c.seed
			for round := range 4 {
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
				// Changes for the next round: contacts, each naming one
				// recipient, and every other round an event of another kind.
				for range 1 + rng.IntN(6) {
					e := entries[rng.IntN(len(entries))]
					outcome := []string{"reached", "waived", "acknowledged", "no-answer"}[rng.IntN(4)]
					channel := []string{"phone", "letter"}[rng.IntN(2)]
					if err := notices.RecordContact(ctx, &leakdesk.ContactAttempt{IncidentID: inc.ID, RecipientID: e.Recipient.ID,
						Channel: channel, Outcome: outcome, Note: "a reason", Actor: "alice"}); err != nil {
						t.Fatal(err)
					}
				}
				if round%2 == 1 {
					if err := incidents.AppendEvent(ctx, leakdesk.NewEvent(inc.ID, "alice", leakdesk.EventNote, time.Now(), leakdesk.NotePayload{Text: "a note"})); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}
