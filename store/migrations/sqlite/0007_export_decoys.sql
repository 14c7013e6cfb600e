-- Decoys drawn from several domains and phone ranges, shaped by the
-- registry: the export records the domains and ranges and the pool it drew
-- from (position, e-mail, phone, mobile of each decoy), as JSON, so that a
-- leak or a contacted decoy is decoded without the registry. Exports
-- recorded before keep '' here and their decoy_domain, decoy_phone.
ALTER TABLE exports ADD COLUMN decoy_set TEXT NOT NULL DEFAULT '';
