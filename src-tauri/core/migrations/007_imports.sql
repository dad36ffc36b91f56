-- Schema v7: what makes imports and merges undoable, and column mappings remembered per file shape.

-- The values a row had before an import changed it, so undoing the batch puts them back exactly.
-- Rows the batch inserted carry its id in their own import_batch_id column instead.
CREATE TABLE import_prior_values (
    batch_id   INTEGER NOT NULL REFERENCES import_batches (id) ON DELETE CASCADE,
    table_name TEXT NOT NULL CHECK (table_name IN ('contacts', 'purchases', 'referrals')),
    row_id     INTEGER NOT NULL,
    row_json   TEXT NOT NULL CHECK (json_valid(row_json)),
    PRIMARY KEY (batch_id, table_name, row_id)
) STRICT;
CREATE INDEX import_prior_values_row ON import_prior_values (table_name, row_id);

-- The user's column mapping for a header shape (the header cells, normalised), reused next time.
CREATE TABLE import_mappings (
    shape      TEXT PRIMARY KEY,
    mapping    TEXT NOT NULL CHECK (json_valid(mapping)),
    updated_at TEXT NOT NULL
) STRICT;

-- One merge of two contacts; `snapshot` holds what the merge changed so it can be undone.
CREATE TABLE contact_merges (
    id          INTEGER PRIMARY KEY,
    survivor_id INTEGER NOT NULL,
    merged_id   INTEGER NOT NULL,
    merged_name TEXT NOT NULL,
    merged_at   TEXT NOT NULL,
    undone_at   TEXT,
    snapshot    TEXT NOT NULL CHECK (json_valid(snapshot))
) STRICT;
CREATE INDEX contact_merges_survivor ON contact_merges (survivor_id);

-- Extra facts about a batch shown in the list of past imports.
ALTER TABLE import_batches ADD COLUMN rows_read INTEGER NOT NULL DEFAULT 0;
