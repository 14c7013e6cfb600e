-- The phone region an export read its registry's numbers in, so that trace
-- decodes it in that region whatever --region says. Exports recorded
-- before were all made in FR, which is what '' means.
ALTER TABLE exports ADD COLUMN region TEXT NOT NULL DEFAULT '';
