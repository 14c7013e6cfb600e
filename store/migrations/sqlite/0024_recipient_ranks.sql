-- Each recipient keeps what the coverage board groups it by, so that the
-- board counts an incident's recipients from their rows alone, not from
-- every delivery and contact attempt (store/recipient_ranks.go): the best
-- rank, among leakdesk.CoverageRanks (0 is best), of what its deliveries
-- show (the answers mailed through the portal left out; in flight shows
-- as queued) and of its contact attempts, NULL when none ranks; and the
-- channel of its last contact attempt that reached it. The store keeps
-- them up to date with every write that changes them; this fills them for
-- the rows written before, as its refreshRanks does.
ALTER TABLE recipients ADD COLUMN delivery_rank INTEGER;
ALTER TABLE recipients ADD COLUMN contact_rank INTEGER;
ALTER TABLE recipients ADD COLUMN reached_channel TEXT NOT NULL DEFAULT '';

UPDATE recipients SET
	delivery_rank = (SELECT min(CASE state WHEN 'sent' THEN 5 WHEN 'delivered' THEN 2 WHEN 'queued' THEN 8 WHEN 'sending' THEN 8
			WHEN 'bounced' THEN 4 WHEN 'failed' THEN 6 WHEN 'acknowledged' THEN 0 WHEN 'reached-other' THEN 1 WHEN 'waived' THEN 3 END)
		FROM deliveries x
		WHERE x.recipient_id = recipients.id AND x.notice_id NOT IN (SELECT id FROM notices WHERE kind = 'answer')),
	contact_rank = (SELECT min(CASE outcome WHEN 'acknowledged' THEN 0 WHEN 'reached' THEN 1 WHEN 'waived' THEN 3 END)
		FROM contact_attempts a
		WHERE a.recipient_id = recipients.id AND a.incident_id = recipients.incident_id),
	reached_channel = coalesce((SELECT a.channel FROM contact_attempts a
		WHERE a.recipient_id = recipients.id AND a.incident_id = recipients.incident_id AND a.outcome = 'reached'
		ORDER BY a.id DESC LIMIT 1), '');

-- The board walks this index alone, in the order it groups by, so that it
-- neither sorts nor reads the recipients' rows; the address is last, for
-- the count of those without one.
CREATE INDEX recipients_coverage ON recipients (incident_id, org_id, organisation, kind, delivery_rank, contact_rank, reached_channel, email);
