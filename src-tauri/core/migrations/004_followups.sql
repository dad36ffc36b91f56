-- Schema v4: follow-ups, the small tasks that keep the loop turning (ask for a testimonial, ...).

CREATE TABLE followups (
    id         INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('ask_testimonial', 'ask_referral', 'call', 'other')),
    title      TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    done_at    TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX followups_open ON followups (done_at, due_on);
CREATE INDEX followups_contact ON followups (contact_id);
