-- Schema v10: a contact becomes a customer on the day of their first counted purchase
-- (src/customer_since.rs, docs/METRICS.md "Customer since"). The Rust step that runs after this
-- file (db.rs) places the customer event of every contact with purchases by that rule.

-- Stage events are now also moved in time (an earlier purchase recorded later moves the customer
-- event back), so the stage cache follows updates as it follows inserts and deletes.
CREATE TRIGGER stage_events_after_update AFTER UPDATE OF at, stage, contact_id ON stage_events BEGIN
    UPDATE contacts SET
        stage = coalesce((SELECT stage FROM stage_events WHERE contact_id = OLD.contact_id ORDER BY at DESC, id DESC LIMIT 1), 'lead'),
        stage_entered_at = (SELECT at FROM stage_events WHERE contact_id = OLD.contact_id ORDER BY at DESC, id DESC LIMIT 1)
    WHERE id = OLD.contact_id;
    UPDATE contacts SET
        stage = (SELECT stage FROM stage_events WHERE contact_id = NEW.contact_id ORDER BY at DESC, id DESC LIMIT 1),
        stage_entered_at = (SELECT at FROM stage_events WHERE contact_id = NEW.contact_id ORDER BY at DESC, id DESC LIMIT 1)
    WHERE id = NEW.contact_id AND NEW.contact_id IS NOT OLD.contact_id;
END;

-- An import that moves a contact's stage events keeps them as they were, so undoing it puts them
-- back: the kept rows may now come from stage_events too. SQLite cannot change a CHECK in place.
CREATE TABLE import_prior_values_v10 (
    batch_id   INTEGER NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
    table_name TEXT NOT NULL CHECK (table_name IN ('contacts', 'purchases', 'referrals', 'stage_events')),
    row_id     INTEGER NOT NULL,
    row_json   TEXT NOT NULL CHECK (json_valid(row_json)),
    PRIMARY KEY (batch_id, table_name, row_id)
) STRICT;
INSERT INTO import_prior_values_v10 (batch_id, table_name, row_id, row_json)
    SELECT batch_id, table_name, row_id, row_json FROM import_prior_values;
DROP TABLE import_prior_values;
ALTER TABLE import_prior_values_v10 RENAME TO import_prior_values;
CREATE INDEX import_prior_values_row ON import_prior_values (table_name, row_id);
