-- Schema 011: consent channels are a closed set (core/src/consent.rs). The free text stored before
-- is mapped by the Rust step that runs right after this file (consent::migrate_free_text); what
-- did not map becomes `other` and is kept word for word in consent_note.

ALTER TABLE testimonials ADD COLUMN consent_note TEXT NOT NULL DEFAULT '';

-- Whatever writes, only channels of the set are stored.
CREATE TRIGGER testimonials_consent_channels_insert
BEFORE INSERT ON testimonials
WHEN EXISTS (SELECT 1 FROM json_each(NEW.consent_channels) WHERE value NOT IN
             ('website', 'social', 'email', 'ads', 'print', 'case_study', 'sales_deck', 'other'))
BEGIN
    SELECT RAISE(ABORT, 'consent_channels: not a consent channel');
END;

CREATE TRIGGER testimonials_consent_channels_update
BEFORE UPDATE OF consent_channels ON testimonials
WHEN EXISTS (SELECT 1 FROM json_each(NEW.consent_channels) WHERE value NOT IN
             ('website', 'social', 'email', 'ads', 'print', 'case_study', 'sales_deck', 'other'))
BEGIN
    SELECT RAISE(ABORT, 'consent_channels: not a consent channel');
END;
