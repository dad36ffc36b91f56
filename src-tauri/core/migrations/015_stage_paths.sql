-- Schema v15: the funnel figures read every contact's stage path (which stages, when) from one
-- index in contact order, without touching the table (src/funnel/history.rs). It replaces the
-- index of v1 on (contact_id, at, id), which it serves as well: the same order with the stage
-- beside it.
DROP INDEX stage_events_contact;
CREATE INDEX stage_events_path ON stage_events (contact_id, at, id, stage);
