-- The key of a recipient outside the registry is a pseudonym: "other:"
-- and the start of an HMAC of their address under this salt, one per
-- incident. Erasure deletes the salt, so that the keys left on the
-- timeline can no longer be confirmed by guessing an address.
CREATE TABLE recipient_salts (
	incident_id BIGINT PRIMARY KEY REFERENCES incidents (id),
	salt        BYTEA NOT NULL
);

-- An acknowledgement names its notice, so that a link followed again is
-- recognised by what erasure leaves alone. 0: a contact, or an
-- acknowledgement recorded before this column (its note names the notice).
ALTER TABLE contact_attempts ADD COLUMN notice_id BIGINT NOT NULL DEFAULT 0;
