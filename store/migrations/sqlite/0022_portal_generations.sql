-- A portal link's secret is derived, not drawn: the HMAC-SHA256, under
-- this key of the incident, of the incident, the organisation and the
-- link's generation. Sending a notice recomputes it to put it in the mail;
-- only its hash is kept in portal_links. Issuing a link again bumps the
-- generation, so that the secrets of earlier generations open nothing.
-- Generation 0: a link drawn at random before this migration.
CREATE TABLE portal_keys (
	incident_id INTEGER PRIMARY KEY REFERENCES incidents (id),
	link_key    BLOB NOT NULL
);

ALTER TABLE portal_links ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX portal_links_generation ON portal_links (incident_id, org_id, generation) WHERE generation > 0;

-- Who gets the answer by e-mail: one of the organisation's recipients in
-- the incident (0: nobody), and the notice that carries it once answered.
ALTER TABLE portal_questions ADD COLUMN reply_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE portal_questions ADD COLUMN answer_notice INTEGER NOT NULL DEFAULT 0;
