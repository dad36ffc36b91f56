-- Schema v2: purchases (the customer side) and what each channel cost.

CREATE TABLE purchases (
    id              INTEGER PRIMARY KEY,
    contact_id      INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    purchased_on    TEXT NOT NULL,
    amount_minor    INTEGER NOT NULL CHECK (amount_minor >= 0),
    refunded_minor  INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor BETWEEN 0 AND amount_minor),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    product         TEXT NOT NULL DEFAULT '',
    quantity        INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    -- The order or payment id in the system it came from; the dedupe key of imports.
    external_id     TEXT,
    created_at      TEXT NOT NULL,
    import_batch_id INTEGER REFERENCES import_batches (id) ON DELETE SET NULL
) STRICT;
CREATE UNIQUE INDEX purchases_external ON purchases (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX purchases_contact_day ON purchases (contact_id, purchased_on, amount_minor, refunded_minor);
CREATE INDEX purchases_day ON purchases (purchased_on);
CREATE INDEX purchases_batch ON purchases (import_batch_id) WHERE import_batch_id IS NOT NULL;

CREATE TABLE channel_spend (
    id           INTEGER PRIMARY KEY,
    channel_key  TEXT NOT NULL REFERENCES channels (key) ON UPDATE CASCADE ON DELETE CASCADE,
    month        TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    visitors     INTEGER NOT NULL DEFAULT 0 CHECK (visitors >= 0),
    UNIQUE (channel_key, month)
) STRICT;
