-- Schema v5: the marketing funnel. Lead-score rules, the points they give each contact, and an
-- index for figures over a range of days.

-- A rule adds (or takes away) points for every contact from a source or with a tag.
CREATE TABLE score_rules (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('source', 'tag')),
    -- A channel key for 'source'; a tag, matched ignoring case, for 'tag'.
    value      TEXT NOT NULL COLLATE NOCASE,
    points     INTEGER NOT NULL CHECK (points BETWEEN -100 AND 100 AND points <> 0),
    created_at TEXT NOT NULL,
    UNIQUE (kind, value)
) STRICT;

-- What the rules add to a contact's entered or imported lead_score. The score compared with the
-- MQL threshold is lead_score + rule_points, kept within 0..100. Kept by the triggers below when a
-- contact is written, and recomputed by the core when the rules change.
ALTER TABLE contacts ADD COLUMN rule_points INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER contacts_rule_points_after_insert AFTER INSERT ON contacts
WHEN EXISTS (SELECT 1 FROM score_rules) BEGIN
    UPDATE contacts SET rule_points = (
        SELECT coalesce(sum(r.points), 0) FROM score_rules r
        WHERE (r.kind = 'source' AND r.value = NEW.source)
           OR (r.kind = 'tag' AND EXISTS (SELECT 1 FROM json_each(NEW.tags) t WHERE r.value = t.value))
    ) WHERE id = NEW.id;
END;

CREATE TRIGGER contacts_rule_points_after_update AFTER UPDATE OF source, tags ON contacts BEGIN
    UPDATE contacts SET rule_points = (
        SELECT coalesce(sum(r.points), 0) FROM score_rules r
        WHERE (r.kind = 'source' AND r.value = NEW.source)
           OR (r.kind = 'tag' AND EXISTS (SELECT 1 FROM json_each(NEW.tags) t WHERE r.value = t.value))
    ) WHERE id = NEW.id;
END;

-- Funnel figures read the events of a range of days.
CREATE INDEX stage_events_at ON stage_events (at, contact_id);
