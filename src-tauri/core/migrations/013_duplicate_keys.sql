-- Schema v13: the keys duplicate contacts are found by, kept beside each contact so likely pairs
-- are found by looking keys up, never by joining every contact with every other
-- (core/src/merge.rs). `contact_keys` has one row per contact that is not archived: its mailbox
-- (the email without a +tag), its name (first and last, without spaces, lower case), its phone
-- (without spaces, dashes, brackets or dots) and its company (trimmed, lower case); a blank key is
-- NULL. `duplicate_groups` counts the contacts sharing each key (the mailbox; the name and phone;
-- the name and company), so the keys shared by two or more are read from an index without reading
-- every contact's keys. The view holds the one definition of the keys; triggers keep both tables in
-- step with contacts, so nothing else writes them.

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

CREATE TABLE duplicate_groups (
    -- The merge reason a shared key gives: same_email, same_name_and_phone, same_name_and_company.
    reason   TEXT NOT NULL,
    key1     TEXT NOT NULL,
    -- '' for the mailbox, which is one key.
    key2     TEXT NOT NULL,
    contacts INTEGER NOT NULL CHECK (contacts > 0),
    PRIMARY KEY (reason, key1, key2)
) STRICT, WITHOUT ROWID;

INSERT INTO duplicate_groups (reason, key1, key2, contacts)
    SELECT 'same_email', mailbox, '', count(*) FROM contact_keys WHERE mailbox IS NOT NULL GROUP BY mailbox;
INSERT INTO duplicate_groups (reason, key1, key2, contacts)
    SELECT 'same_name_and_phone', name, phone, count(*) FROM contact_keys
     WHERE name IS NOT NULL AND phone IS NOT NULL GROUP BY name, phone;
INSERT INTO duplicate_groups (reason, key1, key2, contacts)
    SELECT 'same_name_and_company', name, company, count(*) FROM contact_keys
     WHERE name IS NOT NULL AND company IS NOT NULL GROUP BY name, company;

CREATE INDEX duplicate_groups_shared ON duplicate_groups (reason, key1, key2, contacts) WHERE contacts > 1;

CREATE TRIGGER contact_keys_count_insert AFTER INSERT ON contact_keys BEGIN
    INSERT INTO duplicate_groups (reason, key1, key2, contacts)
        SELECT * FROM (
            SELECT 'same_email', new.mailbox, '', 1 WHERE new.mailbox IS NOT NULL
            UNION ALL
            SELECT 'same_name_and_phone', new.name, new.phone, 1 WHERE new.name IS NOT NULL AND new.phone IS NOT NULL
            UNION ALL
            SELECT 'same_name_and_company', new.name, new.company, 1
             WHERE new.name IS NOT NULL AND new.company IS NOT NULL
        ) WHERE true
        ON CONFLICT (reason, key1, key2) DO UPDATE SET contacts = contacts + 1;
END;

CREATE TRIGGER contact_keys_count_delete AFTER DELETE ON contact_keys BEGIN
    -- The last contact with a key takes it away; another leaves one fewer sharing it.
    DELETE FROM duplicate_groups WHERE contacts = 1 AND (reason, key1, key2) IN (
        VALUES ('same_email', old.mailbox, ''), ('same_name_and_phone', old.name, old.phone),
               ('same_name_and_company', old.name, old.company));
    UPDATE duplicate_groups SET contacts = contacts - 1 WHERE (reason, key1, key2) IN (
        VALUES ('same_email', old.mailbox, ''), ('same_name_and_phone', old.name, old.phone),
               ('same_name_and_company', old.name, old.company));
END;

CREATE TRIGGER contact_keys_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contact_keys (contact_id, mailbox, name, phone, company)
        SELECT contact_id, mailbox, name, phone, company FROM contact_key_values WHERE contact_id = new.id;
END;

-- Only when a key's source changed: a form or an import saves every field of a contact at once.
CREATE TRIGGER contact_keys_update
    AFTER UPDATE OF id, first_name, last_name, email, phone, company, archived_at ON contacts
    WHEN old.id IS NOT new.id OR old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name
      OR old.email IS NOT new.email OR old.phone IS NOT new.phone OR old.company IS NOT new.company
      OR old.archived_at IS NOT new.archived_at
BEGIN
    DELETE FROM contact_keys WHERE contact_id = old.id;
    INSERT INTO contact_keys (contact_id, mailbox, name, phone, company)
        SELECT contact_id, mailbox, name, phone, company FROM contact_key_values WHERE contact_id = new.id;
END;

CREATE TRIGGER contact_keys_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_keys WHERE contact_id = old.id;
END;
