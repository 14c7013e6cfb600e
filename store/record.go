package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/leakdesk/leakdesk"
)

// The side tables against the timeline: decisions read incidents,
// filings, recipients, deliveries and contact_attempts, which the hash
// chain does not cover. Every write to them appends an event in the same
// transaction, so leakdesk.RecordOf says what they must hold, and a row
// edited behind leakdesk's back shows as a disagreement.

// recordDisagreements returns where inc's side tables disagree with its
// events, which the caller has read in the same transaction.
func (d *DB) recordDisagreements(ctx context.Context, tx *sql.Tx, inc *leakdesk.Incident, events []*leakdesk.Event) ([]leakdesk.Disagreement, error) {
	rec, err := leakdesk.RecordOf(events)
	if err != nil {
		return nil, err
	}
	side, err := d.sideTables(ctx, tx, inc)
	if err != nil {
		return nil, err
	}
	return rec.Disagreements(side), nil
}

// checkRecord adds to report, for a chain found intact, where the side
// tables disagree with it: verify reports both.
func (d *DB) checkRecord(ctx context.Context, tx *sql.Tx, inc *leakdesk.Incident, events []*leakdesk.Event, report *leakdesk.ChainReport) error {
	found, err := d.recordDisagreements(ctx, tx, inc, events)
	if leakdesk.ErrorCode(err) == leakdesk.EINTEGRITY {
		report.OK, report.Problem = false, leakdesk.ErrorMessage(err)
		return nil
	}
	if err != nil {
		return err
	}
	if len(found) > 0 && report.OK {
		report.OK, report.Disagreements = false, found
		report.Problem = fmt.Sprintf("%d row(s) of the side tables disagree with the timeline; the first: %s", len(found), found[0])
	}
	return nil
}

// recordBlock refuses, with EINTEGRITY, a decision about inc while its
// timeline is broken or its side tables disagree with it: the close gate
// must not trust rows that the record does not vouch for.
func (d *DB) recordBlock(ctx context.Context, tx *sql.Tx, inc *leakdesk.Incident) error {
	events, err := d.findEvents(ctx, tx, inc.ID)
	if err != nil {
		return err
	}
	report := leakdesk.VerifyChain(inc, events)
	if report.OK {
		if err := d.checkRecord(ctx, tx, inc, events, report); err != nil {
			return err
		}
	}
	if report.OK {
		return nil
	}
	return leakdesk.Errorf(leakdesk.EINTEGRITY, "%s cannot be closed while its record is in doubt: %s. See leakdesk incident verify %s",
		inc.PublicID(), report.Problem, inc.PublicID())
}

// sideTables loads the rows of inc that decisions read.
func (d *DB) sideTables(ctx context.Context, tx *sql.Tx, inc *leakdesk.Incident) (*leakdesk.SideTables, error) {
	side := &leakdesk.SideTables{Incident: inc}
	var err error
	if side.Filings, err = d.findFilings(ctx, tx, inc.ID); err != nil {
		return nil, err
	}
	if side.Recipients, err = d.findRecipients(ctx, tx, `incident_id = ?`, inc.ID); err != nil {
		return nil, err
	}
	if side.Deliveries, err = d.deliveryStates(ctx, tx, inc.ID); err != nil {
		return nil, err
	}
	if side.Contacts, err = d.contactOutcomes(ctx, tx, inc.ID); err != nil {
		return nil, err
	}
	if side.Personal, err = d.personalValues(ctx, tx, inc.ID); err != nil {
		return nil, err
	}
	if err := d.queryRow(ctx, tx, `
		SELECT COALESCE((SELECT max(id) FROM findings WHERE incident_id = ?), 0),
			(SELECT count(*) FROM affected_contacts WHERE findings_id = (SELECT max(id) FROM findings WHERE incident_id = ?))`,
		inc.ID, inc.ID).Scan(&side.Findings, &side.AffectedContacts); err != nil {
		return nil, fmt.Errorf("count affected contacts: %w", err)
	}
	return side, nil
}
