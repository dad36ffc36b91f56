-- Schema v8: finding contacts by what a person types, without reading every contact. A trigram
-- index over each contact's name ("First Last"), email and company answers "contains this text,
-- ignoring case" for three or more characters (core/src/search.rs); triggers keep it in step with
-- the contacts table, so nothing else writes it.

CREATE VIRTUAL TABLE contacts_search USING fts5 (name, email, company, tokenize = 'trigram case_sensitive 0');

INSERT INTO contacts_search (rowid, name, email, company)
    SELECT id, first_name || ' ' || last_name, coalesce(email, ''), company FROM contacts;

CREATE TRIGGER contacts_search_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_search (rowid, name, email, company)
        VALUES (new.id, new.first_name || ' ' || new.last_name, coalesce(new.email, ''), new.company);
END;

CREATE TRIGGER contacts_search_update AFTER UPDATE OF id, first_name, last_name, email, company ON contacts BEGIN
    DELETE FROM contacts_search WHERE rowid = old.id;
    INSERT INTO contacts_search (rowid, name, email, company)
        VALUES (new.id, new.first_name || ' ' || new.last_name, coalesce(new.email, ''), new.company);
END;

CREATE TRIGGER contacts_search_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contacts_search WHERE rowid = old.id;
END;
