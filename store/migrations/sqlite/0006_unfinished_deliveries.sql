-- A running campaign's progress is polled several times a second, as the
-- count of its deliveries still queued or in flight. Without this index,
-- each poll read every delivery row of the notice; with it, the count is
-- read from the index alone, and only over what is left to send. It costs
-- an index update at each change of state, two per message, far less than
-- the polls it saves. (0004 said no index on state; measured, this one pays.)
CREATE INDEX deliveries_unfinished ON deliveries (notice_id, state);
