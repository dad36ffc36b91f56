-- Schema v1: channels, contacts and the marketing-funnel history.
-- Times are UTC ISO-8601 text ('YYYY-MM-DDTHH:MM:SSZ'), days are 'YYYY-MM-DD'; both sort as text.

CREATE TABLE channels (
    key        TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    builtin    INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    archived   INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at TEXT NOT NULL
) STRICT;

-- HubSpot's "Original Source" values, the lingua franca of imports and exports.
INSERT INTO channels (key, name, builtin, created_at) VALUES
    ('organic_search',  'Organic Search',  1, '2026-01-01T00:00:00Z'),
    ('paid_search',     'Paid Search',     1, '2026-01-01T00:00:00Z'),
    ('email_marketing', 'Email Marketing', 1, '2026-01-01T00:00:00Z'),
    ('organic_social',  'Organic Social',  1, '2026-01-01T00:00:00Z'),
    ('paid_social',     'Paid Social',     1, '2026-01-01T00:00:00Z'),
    ('referrals',       'Referrals',       1, '2026-01-01T00:00:00Z'),
    ('direct_traffic',  'Direct Traffic',  1, '2026-01-01T00:00:00Z'),
    ('offline_sources', 'Offline Sources', 1, '2026-01-01T00:00:00Z'),
    ('other_campaigns', 'Other Campaigns', 1, '2026-01-01T00:00:00Z');

CREATE TABLE import_batches (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    file_hash   TEXT NOT NULL,
    format      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    inserted    INTEGER NOT NULL DEFAULT 0,
    updated     INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    undone_at   TEXT
) STRICT;
CREATE INDEX import_batches_hash ON import_batches (file_hash);

CREATE TABLE contacts (
    id               INTEGER PRIMARY KEY,
    first_name       TEXT NOT NULL DEFAULT '',
    last_name        TEXT NOT NULL DEFAULT '',
    -- Trimmed and lower-cased by the core; the dedupe key of every import.
    email            TEXT,
    phone            TEXT NOT NULL DEFAULT '',
    company          TEXT NOT NULL DEFAULT '',
    segment          TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    source           TEXT NOT NULL DEFAULT 'other_campaigns' REFERENCES channels (key) ON UPDATE CASCADE,
    lead_score       INTEGER NOT NULL DEFAULT 0 CHECK (lead_score BETWEEN 0 AND 100),
    notes            TEXT NOT NULL DEFAULT '',
    -- A cache of the latest stage event, kept by the triggers below; never written directly.
    stage            TEXT NOT NULL DEFAULT 'lead',
    stage_entered_at TEXT,
    archived_at      TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    import_batch_id  INTEGER REFERENCES import_batches (id) ON DELETE SET NULL
) STRICT;
CREATE UNIQUE INDEX contacts_email ON contacts (email) WHERE email IS NOT NULL;
CREATE INDEX contacts_name ON contacts (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX contacts_stage ON contacts (stage, stage_entered_at);
CREATE INDEX contacts_source ON contacts (source, created_at);
CREATE INDEX contacts_created ON contacts (created_at);
CREATE INDEX contacts_batch ON contacts (import_batch_id) WHERE import_batch_id IS NOT NULL;

CREATE TABLE stage_events (
    id              INTEGER PRIMARY KEY,
    contact_id      INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    stage           TEXT NOT NULL CHECK (stage IN
                        ('subscriber', 'lead', 'mql', 'sql', 'opportunity', 'customer', 'disqualified', 'lost')),
    at              TEXT NOT NULL,
    actor           TEXT NOT NULL CHECK (actor IN ('marketing', 'sales', 'system')),
    reason          TEXT NOT NULL DEFAULT '',
    import_batch_id INTEGER REFERENCES import_batches (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX stage_events_contact ON stage_events (contact_id, at, id);
CREATE INDEX stage_events_stage_at ON stage_events (stage, at);

CREATE TRIGGER stage_events_after_insert AFTER INSERT ON stage_events BEGIN
    UPDATE contacts SET
        stage = (SELECT stage FROM stage_events WHERE contact_id = NEW.contact_id ORDER BY at DESC, id DESC LIMIT 1),
        stage_entered_at = (SELECT at FROM stage_events WHERE contact_id = NEW.contact_id ORDER BY at DESC, id DESC LIMIT 1)
    WHERE id = NEW.contact_id;
END;

CREATE TRIGGER stage_events_after_delete AFTER DELETE ON stage_events BEGIN
    UPDATE contacts SET
        stage = coalesce((SELECT stage FROM stage_events WHERE contact_id = OLD.contact_id ORDER BY at DESC, id DESC LIMIT 1), 'lead'),
        stage_entered_at = (SELECT at FROM stage_events WHERE contact_id = OLD.contact_id ORDER BY at DESC, id DESC LIMIT 1)
    WHERE id = OLD.contact_id;
END;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
