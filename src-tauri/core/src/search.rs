//! Finding contacts by a piece of their name, email or company, as typed into a search box:
//! anywhere in the text, ignoring case. Three characters or more go through the trigram index of
//! migration 008 (a few hundred matches out of 100k contacts in well under a millisecond); shorter
//! text matches so many contacts that reading them all is the honest way, and it is what LIKE does.
//! On PostgreSQL a GIN trigram index (pg_trgm) serves the same condition written with ILIKE.

use crate::store::{Connection, Engine};

/// The texts of a contact a search looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Within {
    NameEmailCompany,
    NameEmail,
}

/// A condition on `contacts` (its `?`s bound to the returned texts, in order) that holds for the
/// contacts whose chosen texts contain `text`.
pub(crate) fn condition(conn: &Connection, text: &str, within: Within) -> (&'static str, Vec<String>) {
    let text = text.trim();
    if conn.engine() == Engine::Postgres {
        // One trigram index over the three texts (the PostgreSQL baseline's `contacts_search`):
        // each text matched on its own, so a match never spans two; ILIKE ignores case.
        let pattern = crate::page::like_pattern(text);
        return match within {
            Within::NameEmailCompany => (
                "((first_name || ' ' || last_name) LIKE ? ESCAPE '\\' OR coalesce(email, '') LIKE ? ESCAPE '\\'
                  OR company LIKE ? ESCAPE '\\')",
                vec![pattern; 3],
            ),
            Within::NameEmail => (
                "((first_name || ' ' || last_name) LIKE ? ESCAPE '\\' OR coalesce(email, '') LIKE ? ESCAPE '\\')",
                vec![pattern; 2],
            ),
        };
    }
    let (clause, arg) = sqlite_condition(text, within);
    (clause, vec![arg])
}

/// SQLite's condition: the FTS5 trigram table from three characters on, LIKE below.
fn sqlite_condition(text: &str, within: Within) -> (&'static str, String) {
    if text.chars().count() >= 3 {
        // An FTS5 string: a double quote inside is written twice; nothing else is special in it.
        let phrase = format!("\"{}\"", text.replace('"', "\"\""));
        let query = match within {
            Within::NameEmailCompany => phrase,
            Within::NameEmail => format!("{{name email}} : {phrase}"),
        };
        let clause = "id IN (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?)";
        return (clause, query);
    }
    // One pattern over the texts joined by a separator no one types: a match of the pattern, whose
    // wildcards are escaped, can never span two of them.
    let clause = match within {
        Within::NameEmailCompany => {
            "(first_name || ' ' || last_name || char(31) || coalesce(email, '') || char(31) || company)
             LIKE ? ESCAPE '\\'"
        }
        Within::NameEmail => {
            "(first_name || ' ' || last_name || char(31) || coalesce(email, '')) LIKE ? ESCAPE '\\'"
        }
    };
    (clause, crate::page::like_pattern(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::{self, ContactInput};
    use crate::db;
    use crate::store::Connection;

    fn book() -> Connection {
        let conn = db::open_in_memory().unwrap();
        for (first, last, email, company) in [
            ("Ann", "Robson", Some("ann@bakery.test"), "Sunny Bakery"),
            ("Jason", "Lee", Some("jlee@example.com"), ""),
            ("Zoë", "Quote\"s", None, "Harbour \"Co\""),
            ("Bob", "Stone", Some("bob@stone.test"), "Madison & Sons"),
        ] {
            let input = ContactInput {
                first_name: first.into(),
                last_name: last.into(),
                email: email.map(Into::into),
                company: company.into(),
                ..ContactInput::default()
            };
            contacts::create(&conn, &input).unwrap();
        }
        conn
    }

    fn found(conn: &Connection, text: &str, within: Within) -> Vec<String> {
        let (clause, args) = condition(conn, text, within);
        let sql = format!("SELECT first_name FROM contacts WHERE {clause} ORDER BY id");
        let mut stmt = conn.prepare(&sql).unwrap();
        stmt.query_map(crate::store::params_from_iter(args), |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn long_and_short_text_find_the_same_as_a_plain_substring_search() {
        let conn = book();
        // What a case-blind "contains" over name, email and company finds, worked out by hand.
        let cases: [(&str, &[&str]); 9] = [
            ("son", &["Ann", "Jason", "Bob"]),
            ("SON", &["Ann", "Jason", "Bob"]),
            ("so", &["Ann", "Jason", "Bob"]),
            ("ann rob", &["Ann"]),
            ("@example", &["Jason"]),
            ("quote\"s", &["Zoë"]),
            ("\"co\"", &["Zoë"]),
            ("e", &["Ann", "Jason", "Zoë", "Bob"]),
            ("nobody", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(found(&conn, text, Within::NameEmailCompany), expected, "{text:?}");
        }
    }

    #[test]
    fn a_match_never_spans_two_texts() {
        let conn = book();
        // "Robson" ends the name and "ann@" starts the email: "sonann" is in neither.
        assert!(found(&conn, "sonann", Within::NameEmailCompany).is_empty());
        assert!(found(&conn, "n%a", Within::NameEmailCompany).is_empty(), "wildcards are literal");
    }

    #[test]
    fn name_and_email_leave_the_company_out() {
        let conn = book();
        assert_eq!(found(&conn, "bakery", Within::NameEmail), ["Ann"], "in the email");
        assert_eq!(found(&conn, "sunny", Within::NameEmail), Vec::<String>::new(), "only the company");
        assert_eq!(found(&conn, "su", Within::NameEmail), Vec::<String>::new());
        assert_eq!(found(&conn, "sunny", Within::NameEmailCompany), ["Ann"]);
    }

    #[test]
    fn the_index_follows_edits_and_deletes() {
        let conn = book();
        let ann = contacts::find_by_email(&conn, "ann@bakery.test").unwrap().unwrap();
        let input = ContactInput {
            first_name: ann.first_name.clone(),
            last_name: "Marsh".into(),
            email: ann.email.clone(),
            company: ann.company.clone(),
            ..ContactInput::default()
        };
        contacts::update(&conn, ann.id, &input).unwrap();
        assert_eq!(found(&conn, "marsh", Within::NameEmail), ["Ann"]);
        assert!(!found(&conn, "robson", Within::NameEmail).contains(&"Ann".to_owned()));
        conn.execute("DELETE FROM contacts WHERE id = ?1", [ann.id]).unwrap();
        assert!(found(&conn, "marsh", Within::NameEmail).is_empty());
    }
}
