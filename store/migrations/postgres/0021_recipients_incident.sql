-- The coverage board (store/coverage_board.go) groups each incident's
-- recipients with their deliveries by recipient, in order: walking this
-- index, the grouping needs no sort, and a page of unreached recipients
-- stops reading at the end of the page.
CREATE INDEX recipients_incident ON recipients (incident_id, id);
