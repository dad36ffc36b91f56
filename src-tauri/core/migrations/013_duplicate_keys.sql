-- Schema v13: the keys duplicate contacts are found by, kept beside each contact so a likely pair
-- is found by looking a key up in an index, never by joining every contact with every other
-- (core/src/merge.rs). One row per contact that is not archived: its mailbox (the email without a
-- +tag), its name (first and last, without spaces, lower case), its phone (digits and signs, no
-- spaces, dashes, brackets or dots) and its company (trimmed, lower case); a blank key is NULL.
-- The view holds the one definition of these keys; triggers keep the table in step with contacts,
-- so nothing else writes it.

CREATE VIEW contact_key_values AS
    SELECT id AS contact_id,
           CASE WHEN email IS NULL THEN NULL
                WHEN instr(substr(email, 1, instr(email, '@')), '+') > 0
                THEN substr(email, 1, instr(email, '+') - 1) || substr(email, instr(email, '@'))
                ELSE email END AS mailbox,
           nullif(lower(replace(first_name || last_name, ' ', '')), '') AS name,
           nullif(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '') AS phone,
           nullif(lower(trim(company)), '') AS company
    FROM contacts WHERE archived_at IS NULL;

CREATE TABLE contact_keys (
    contact_id INTEGER PRIMARY KEY,
    mailbox    TEXT,
    name       TEXT,
    phone      TEXT,
    company    TEXT
) STRICT;

INSERT INTO contact_keys (contact_id, mailbox, name, phone, company)
    SELECT contact_id, mailbox, name, phone, company FROM contact_key_values;

CREATE INDEX contact_keys_mailbox ON contact_keys (mailbox, contact_id) WHERE mailbox IS NOT NULL;
CREATE INDEX contact_keys_name_phone ON contact_keys (name, phone, contact_id)
    WHERE name IS NOT NULL AND phone IS NOT NULL;
CREATE INDEX contact_keys_name_company ON contact_keys (name, company, contact_id)
    WHERE name IS NOT NULL AND company IS NOT NULL;

CREATE TRIGGER contact_keys_insert AFTER INSERT ON contacts BEGIN
    INSERT OR REPLACE INTO contact_keys (contact_id, mailbox, name, phone, company)
        SELECT contact_id, mailbox, name, phone, company FROM contact_key_values WHERE contact_id = new.id;
END;

CREATE TRIGGER contact_keys_update
    AFTER UPDATE OF id, first_name, last_name, email, phone, company, archived_at ON contacts BEGIN
    DELETE FROM contact_keys WHERE contact_id = old.id;
    INSERT OR REPLACE INTO contact_keys (contact_id, mailbox, name, phone, company)
        SELECT contact_id, mailbox, name, phone, company FROM contact_key_values WHERE contact_id = new.id;
END;

CREATE TRIGGER contact_keys_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_keys WHERE contact_id = old.id;
END;
