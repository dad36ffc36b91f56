//! Files as shops really write them: Stripe's current header, snake_case columns, headers in the
//! shop's own language and a European spreadsheet in Windows-1252. Each imports with no question
//! and the figures worked out by hand from its rows.

mod common;

use common::{count, temp_db};
use flywheel_core::import::{
    self, Field, ImportFormat, ImportKind, ImportReport, ImportRequest, TextEncoding,
};
use flywheel_core::{contacts, Connection};
use std::sync::atomic::AtomicBool;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(conn: &Connection, name: &str) -> ImportReport {
    let req = ImportRequest { path: fixture(name), ..ImportRequest::default() };
    import::run(conn, &req, true, &mut |_| {}, &AtomicBool::new(false)).unwrap()
}

/// Purchases, their total and refunds in minor units, and customers who bought more than once.
fn figures(conn: &Connection) -> (i64, i64, i64, i64) {
    conn.query_row(
        "SELECT count(*), coalesce(sum(amount_minor), 0), coalesce(sum(refunded_minor), 0),
                (SELECT count(*) FROM (SELECT contact_id FROM purchases GROUP BY contact_id HAVING count(*) > 1))
         FROM purchases",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .unwrap()
}

fn currencies(conn: &Connection) -> Vec<String> {
    let mut stmt = conn.prepare("SELECT DISTINCT currency FROM purchases ORDER BY 1").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// (first name, last name, company) of the contact with this email.
fn person(conn: &Connection, email: &str) -> (String, String, String) {
    let c = contacts::find_by_email(conn, email).unwrap().unwrap_or_else(|| panic!("no contact {email}"));
    (c.first_name, c.last_name, c.company)
}

fn names(first: &str, last: &str, company: &str) -> (String, String, String) {
    (first.to_owned(), last.to_owned(), company.to_owned())
}

/// Inspects a file: it must need no answer before it runs.
fn no_questions(conn: &Connection, name: &str) -> import::Inspection {
    let seen = import::inspect(conn, fixture(name).as_ref(), None, None).unwrap();
    assert!(seen.questions.is_empty(), "{name}: {:?}", seen.questions);
    assert_eq!(seen.kind, ImportKind::Purchases, "{name}");
    seen
}

#[test]
fn stripe_current_export_with_created_date_utc() {
    let db = temp_db();
    let seen = no_questions(&db, "stripe_payments_current.csv");
    assert_eq!(seen.format, ImportFormat::StripePayments);
    let date = seen.headers.iter().position(|h| h == "Created date (UTC)").unwrap();
    assert_eq!(seen.mapping[date], Some(Field::Date));
    // `order_id (metadata)` and `Refunded date (UTC)` are not the payment's id or day.
    let meta = seen.headers.iter().position(|h| h == "order_id (metadata)").unwrap();
    let refunded_on = seen.headers.iter().position(|h| h == "Refunded date (UTC)").unwrap();
    assert_eq!((seen.mapping[meta], seen.mapping[refunded_on]), (None, None));

    let r = run(&db, "stripe_payments_current.csv");
    // ch_3P03 failed; the other three are paid: 25.00 + 100.00 + 30.00, 40.00 of it refunded.
    assert_eq!((r.inserted, r.skipped, r.rejected, r.contacts_created), (3, 1, 0, 2));
    assert_eq!(figures(&db), (3, 15_500, 4_000, 1), "ann paid twice");
    assert_eq!(currencies(&db), ["USD"]);
    assert_eq!(person(&db, "ann@example.com"), names("Ann", "Lee", ""));
    let day: String = db
        .query_row("SELECT purchased_on FROM purchases WHERE external_id = 'ch_3P02'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(day, "2024-03-12", "the day it was created, not refunded");
}

#[test]
fn snake_case_columns_map_and_the_customer_gets_her_name_not_her_email() {
    let db = temp_db();
    let seen = no_questions(&db, "generic_snake_case.csv");
    assert_eq!(seen.format, ImportFormat::Generic);
    use flywheel_core::import::mapping::ImportField::*;
    assert_eq!(
        seen.mapping,
        [Some(OrderId), Some(Date), Some(Email), Some(FullName), Some(Amount), Some(Product), Some(Quantity)]
    );
    let r = run(&db, "generic_snake_case.csv");
    assert_eq!((r.inserted, r.rejected, r.contacts_created), (3, 0, 2));
    // 12.50 + 40.00 + 7.25; ann came back.
    assert_eq!(figures(&db), (3, 5_975, 0, 1));
    assert_eq!(person(&db, "ann@example.com"), names("Ann", "Lee", ""));
    assert_eq!(person(&db, "bob@example.com"), names("Bob", "Stone", ""));
    let (product, quantity): (String, i64) = db
        .query_row("SELECT product, quantity FROM purchases WHERE external_id = 'A-3'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((product.as_str(), quantity), ("Loose tea", 2));
}

/// One file per language, with every column a shop keeps, and its figures: purchases, total in
/// cents, repeat customers, and one customer's first name, last name and company.
struct Language {
    file: &'static str,
    purchases: i64,
    total: i64,
    repeat: i64,
    email: &'static str,
    person: (&'static str, &'static str, &'static str),
    /// (order id, day, quantity) of one purchase.
    order: (&'static str, &'static str, i64),
}

const LANGUAGES: &[Language] = &[
    Language {
        file: "lang_de.csv",
        // 1.234,50 + 29,90 + 19,00
        purchases: 3,
        total: 128_340,
        repeat: 1,
        email: "anna@example.de",
        person: ("Anna", "Schmidt", "Schmidt GmbH"),
        order: ("1002", "2024-02-03", 2),
    },
    Language {
        file: "lang_fr.csv",
        // 45,00 + 60,50 + 12,75; `Nom` beside `Prénom` is the family name.
        purchases: 3,
        total: 11_825,
        repeat: 1,
        email: "claire@example.fr",
        person: ("Claire", "Martin", "Atelier Martin"),
        order: ("F-2", "2024-04-02", 2),
    },
    Language {
        file: "lang_es.csv",
        // 1.050,00 + 8,40 + 15,60; `Nombre` beside `Apellidos` is the first name.
        purchases: 3,
        total: 107_400,
        repeat: 1,
        email: "lucia@example.es",
        person: ("Lucía", "García", "Café Sol"),
        order: ("E-11", "2024-05-21", 4),
    },
    Language {
        file: "lang_nl.csv",
        // € 899,00 + € 12,50 + € 34,95
        purchases: 3,
        total: 94_645,
        repeat: 1,
        email: "daan@example.nl",
        person: ("Daan", "de Vries", "De Vries BV"),
        order: ("N-2", "2024-02-05", 2),
    },
    Language {
        file: "lang_pt.csv",
        // 250,00 + 75,80 + 31,20
        purchases: 3,
        total: 35_700,
        repeat: 1,
        email: "joao@example.pt",
        person: ("João", "Silva", "Silva Lda"),
        order: ("P-1", "2024-03-18", 10),
    },
    Language {
        file: "lang_it.csv",
        // 39,90 + 18,00 + 27,00; `Nome` beside `Cognome` is the first name.
        purchases: 3,
        total: 8_490,
        repeat: 1,
        email: "giulia@example.it",
        person: ("Giulia", "Rossi", "Rossi Srl"),
        order: ("I-2", "2024-01-25", 3),
    },
];

#[test]
fn every_column_in_six_languages_maps_with_no_questions() {
    for lang in LANGUAGES {
        let db = temp_db();
        let seen = no_questions(&db, lang.file);
        assert_eq!(seen.format, ImportFormat::Generic, "{}", lang.file);
        use flywheel_core::import::mapping::ImportField::*;
        assert_eq!(
            seen.mapping,
            [
                Some(OrderId),
                Some(Date),
                Some(FirstName),
                Some(LastName),
                Some(Email),
                Some(Company),
                Some(Phone),
                Some(Product),
                Some(Quantity),
                Some(Amount),
                Some(Currency),
                Some(Notes),
            ],
            "{}: {:?}",
            lang.file,
            seen.headers
        );
        let r = run(&db, lang.file);
        assert_eq!((r.inserted, r.rejected, r.contacts_created), (lang.purchases, 0, 2), "{}", lang.file);
        assert_eq!(figures(&db), (lang.purchases, lang.total, 0, lang.repeat), "{}", lang.file);
        assert_eq!(currencies(&db), ["EUR"], "{}", lang.file);
        let (first, last, company) = lang.person;
        assert_eq!(person(&db, lang.email), names(first, last, company), "{}", lang.file);
        let (id, day, quantity) = lang.order;
        let stored: (String, i64) = db
            .query_row("SELECT purchased_on, quantity FROM purchases WHERE external_id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(stored, (day.to_owned(), quantity), "{}", lang.file);
    }
}

#[test]
fn a_european_spreadsheet_in_windows_1252_with_euro_amounts_and_day_first_dates() {
    let db = temp_db();
    let seen = no_questions(&db, "european_1252.csv");
    assert_eq!((seen.format, seen.encoding), (ImportFormat::Generic, TextEncoding::Windows1252));
    assert_eq!(seen.delimiter, import::Delimiter::Semicolon);
    assert_eq!(seen.headers[4], "Straße");
    use flywheel_core::import::mapping::ImportField::*;
    assert_eq!(
        seen.mapping,
        [
            Some(OrderId),
            Some(Date),
            Some(FullName),
            Some(Email),
            None,
            Some(Product),
            Some(Quantity),
            Some(Amount)
        ]
    );
    let r = run(&db, "european_1252.csv");
    assert_eq!((r.inserted, r.rejected, r.contacts_created), (5, 0, 3));
    // 24,90 + 1.049,00 + 35,50 + 119,70 + 9,60 € = 1.238,70 €; Jürgen bought three times.
    assert_eq!(figures(&db), (5, 123_870, 0, 1));
    assert_eq!(currencies(&db), ["EUR"]);
    assert_eq!(person(&db, "juergen@example.de"), names("Jürgen", "Müller", ""));
    assert_eq!(person(&db, "zoe@example.de"), names("Zoë", "Weiß", ""));
    let day: String = db
        .query_row("SELECT purchased_on FROM purchases WHERE external_id = 'R-2024-01'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(day, "2024-01-05", "05.01.2024 is the fifth of January");
    assert_eq!(count(&db, "contacts"), 3);
}

#[test]
fn the_preview_says_why_the_format_was_recognised_and_which_columns_are_left_out() {
    let db = temp_db();
    let stripe = import::inspect(&db, fixture("stripe_payments_current.csv").as_ref(), None, None).unwrap();
    assert!(
        stripe
            .format_reason
            .starts_with("Stripe payments: has id, Created date (UTC), Amount, Amount Refunded"),
        "{}",
        stripe.format_reason
    );
    assert!(stripe.unmapped.iter().any(|c| c == "order_id (metadata)"), "{:?}", stripe.unmapped);
    assert!(!stripe.unmapped.iter().any(|c| c == "Customer Email"));
    let european = import::inspect(&db, fixture("european_1252.csv").as_ref(), None, None).unwrap();
    assert_eq!(european.unmapped, ["Straße"]);
    assert!(european.format_reason.contains("read by its name"), "{}", european.format_reason);
    // A format the user picks is said to be theirs.
    let chosen = import::inspect(
        &db,
        fixture("generic_snake_case.csv").as_ref(),
        None,
        Some(ImportFormat::StripePayments),
    )
    .unwrap();
    assert_eq!(chosen.format_reason, "Stripe payments: chosen by you");
}
