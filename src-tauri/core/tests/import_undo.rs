//! Undo restores the database exactly, and malformed files change nothing and say why.

mod common;

use common::temp_db;
use flywheel_core::import::{self, batches, ImportKind, ImportRequest};
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::{repeat, settings, Connection, ErrorCode};
use rusqlite::types::Value;
use std::sync::atomic::AtomicBool;

const TABLES: &[&str] = &[
    "contacts",
    "stage_events",
    "purchases",
    "testimonials",
    "nps_answers",
    "referrals",
    "followups",
    "channels",
    "channel_spend",
    "settings",
];

/// Every row of every domain table, as text: equal dumps mean an identical database.
fn dump(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for t in TABLES {
        let mut stmt =
            conn.prepare(&format!("SELECT * FROM {t} ORDER BY {}", conn.row_order(t).unwrap())).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<Value> = (0..n).map(|i| r.get(i).unwrap()).collect();
            out.push(format!("{t}: {cells:?}"));
        }
    }
    out
}

fn run(conn: &Connection, path: &str, kind: ImportKind) -> flywheel_core::Result<import::ImportReport> {
    let req = ImportRequest { path: path.into(), kind: Some(kind), ..ImportRequest::default() };
    import::run(conn, &req, true, &mut |_| {}, &AtomicBool::new(false))
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn undo_restores_every_row_and_every_figure() {
    let db = temp_db();
    let as_of = chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
    sample::generate(&db, SampleSize::Small, as_of).unwrap();
    // Rewards on: a referred lead's first imported purchase makes their advocate's reward owed.
    let mut s = settings::get(&db).unwrap();
    s.referral_reward_minor = 2_500;
    settings::update(&db, &s).unwrap();
    let before = dump(&db);
    let figures_before = repeat::totals(&db, Some("2025-06-30")).unwrap();

    // A contacts file that changes two known contacts and adds one.
    let (a, b): (String, String) = db
        .query_row(
            "SELECT (SELECT email FROM contacts WHERE email IS NOT NULL ORDER BY id LIMIT 1),
                    (SELECT email FROM contacts WHERE email IS NOT NULL ORDER BY id LIMIT 1 OFFSET 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let contacts_csv = write(
        db.dir.path(),
        "people.csv",
        &format!("Email,Phone,Company,Tags\n{a},+1 555 9999,Renamed Co,imported\n{b},,Other Co,\nnew@example.com,,New Co,\n"),
    );
    let people = run(&db, &contacts_csv, ImportKind::Contacts).unwrap();
    assert_eq!((people.inserted, people.updated), (1, 2));

    // A purchases file: a refund on a known order, a new order for a known contact who may not be a
    // customer yet, and an order for a new customer.
    let (order, lead): (String, String) = db
        .query_row(
            "SELECT (SELECT external_id FROM purchases WHERE external_id IS NOT NULL AND refunded_minor = 0 ORDER BY id LIMIT 1),
                    (SELECT c.email FROM contacts c JOIN referrals r ON r.referred_id = c.id
                     WHERE c.stage <> 'customer' AND c.email IS NOT NULL AND r.reward_status = 'none'
                       AND r.flags = '[]' AND r.referred_on <= '2025-06-01'
                     ORDER BY c.id LIMIT 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (amount, currency, day, email): (i64, String, String, Option<String>) = db
        .query_row(
            "SELECT p.amount_minor, p.currency, p.purchased_on, c.email FROM purchases p JOIN contacts c ON c.id = p.contact_id
             WHERE external_id = ?1",
            [&order],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let major = import::money::format_major(amount, &currency);
    let refund = import::money::format_major(amount / 2, &currency);
    let product: String =
        db.query_row("SELECT product FROM purchases WHERE external_id = ?1", [&order], |r| r.get(0)).unwrap();
    let sales_csv = write(
        db.dir.path(),
        "sales.csv",
        &format!(
            "Order ID,Email,Date,Amount,Refunded,Currency,Product\n\
             {order},{email},{day},{major},{refund},{currency},\"{product}\"\n\
             X-NEW-1,{lead},2025-06-01,20.00,,USD,Gift card\n\
             X-NEW-2,fresh@example.com,2025-06-02,35.00,,USD,Hamper\n",
            email = email.unwrap_or_default()
        ),
    );
    let sales = run(&db, &sales_csv, ImportKind::Purchases).unwrap();
    assert_eq!((sales.inserted, sales.updated, sales.rejected), (2, 1, 0), "{:?}", sales.errors);
    let owed: String = db
        .query_row(
            "SELECT r.reward_status FROM referrals r JOIN contacts c ON c.id = r.referred_id WHERE c.email = ?1",
            [&lead],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(owed, "owed", "the imported purchase applied the reward rule");
    assert_ne!(dump(&db), before);
    assert_ne!(repeat::totals(&db, Some("2025-06-30")).unwrap(), figures_before);

    // Newest first, as the list of past imports offers them.
    batches::undo(&db, sales.batch_id.unwrap()).unwrap();
    batches::undo(&db, people.batch_id.unwrap()).unwrap();
    assert_eq!(dump(&db), before);
    assert_eq!(repeat::totals(&db, Some("2025-06-30")).unwrap(), figures_before);

    let again = batches::undo(&db, people.batch_id.unwrap()).unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict);
    let listed = batches::list(&db).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|b| b.undone_at.is_some()));
}

#[test]
fn undo_waits_for_later_imports_and_for_records_added_since() {
    let db = temp_db();
    let first = write(db.dir.path(), "a.csv", "Email,Company\nann@example.com,A Co\n");
    let second = write(db.dir.path(), "b.csv", "Email,Company\nann@example.com,B Co\n");
    let one = run(&db, &first, ImportKind::Contacts).unwrap().batch_id.unwrap();
    let two = run(&db, &second, ImportKind::Contacts).unwrap().batch_id.unwrap();
    let e = batches::undo(&db, one).unwrap_err();
    assert!(e.message.contains(&format!("undo #{two} first")), "{}", e.message);
    batches::undo(&db, two).unwrap();
    // A purchase entered by hand on the imported contact would be lost: refused.
    let ann = flywheel_core::contacts::find_by_email(&db, "ann@example.com").unwrap().unwrap();
    assert_eq!(ann.company, "A Co");
    flywheel_core::nps::create(
        &db,
        &flywheel_core::nps::NpsInput {
            contact_id: ann.id,
            score: 9,
            comment: String::new(),
            answered_on: "2024-05-01".into(),
        },
    )
    .unwrap();
    let e = batches::undo(&db, one).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("1 records"), "{}", e.message);
}

#[test]
fn malformed_files_say_why_and_change_nothing() {
    let db = temp_db();
    let dir = db.dir.path();
    let header = "Email,Date,Amount,Product\n";
    let mut huge = String::from(header);
    huge.push_str(&format!("ann@example.com,2024-03-05,1.00,\"{}\"\n", "x".repeat(10 * 1024 * 1024)));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", Vec::new(), "empty"),
        ("header_only.csv", header.as_bytes().to_vec(), "no data rows"),
        (
            "truncated.csv",
            format!("{header}ann@example.com,2024-03-05,1.00,Rye\nbob@example.com,2024-03").into_bytes(),
            "cut short",
        ),
        (
            "quotes.csv",
            format!("{header}ann@example.com,2024-03-05,1.00,\"Rye\nbob@example.com,2024-03-06,2.00,Bun\n")
                .into_bytes(),
            "never closed",
        ),
        ("utf16.csv", [&[0xFF, 0xFE][..], "Email\0,\0".as_bytes()].concat(), "UTF-16"),
        ("junk.bin", (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect(), "not a text file"),
        ("huge.csv", huge.into_bytes(), "looks damaged"),
    ];
    let before = dump(&db);
    for (name, bytes, expect) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let path = path.to_string_lossy().into_owned();
        let e = run(&db, &path, ImportKind::Purchases).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("file"), "{name}: {}", e.message);
        assert!(e.message.contains(expect), "{name}: {}", e.message);
        assert_eq!(dump(&db), before, "{name} changed the database");
        assert_eq!(common::count(&db, "import_batches"), 0);
    }
    // A file that changes encoding part-way: the rows that cannot be read are refused by number.
    let mixed = dir.join("mixed.csv");
    let mut bytes = format!("{header}ann@example.com,2024-03-05,1.00,Rye\n").into_bytes();
    bytes.extend(std::iter::repeat_n(b'a', 70_000));
    bytes.extend(b",2024-03-05,1.00,Caf\xE9\n");
    std::fs::write(&mixed, bytes).unwrap();
    let req = ImportRequest {
        path: mixed.to_string_lossy().into_owned(),
        kind: Some(ImportKind::Purchases),
        ..ImportRequest::default()
    };
    let r = import::run(&db, &req, false, &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!((r.inserted, r.rejected), (1, 1));
    assert_eq!(r.errors[0].row, 3);
    assert!(r.errors[0].reason.contains("UTF-8"), "{}", r.errors[0].reason);
}

/// One way in: a lead imported at the MQL threshold is an MQL, as the same lead typed into the
/// form is; one whose score an import raises to it too; undo takes both moves back.
#[test]
fn an_imported_lead_at_the_threshold_is_an_mql_as_in_the_form_and_undo_takes_it_back() {
    use flywheel_core::contacts::{self, ContactInput};
    use flywheel_core::stages::Stage;
    let db = temp_db();
    let threshold = settings::get(&db).unwrap().mql_threshold;
    let typed = ContactInput {
        first_name: "Typed".into(),
        email: Some("typed@example.com".into()),
        lead_score: threshold,
        ..ContactInput::default()
    };
    assert_eq!(contacts::create(&db, &typed).unwrap().stage, Stage::Mql, "the form's rule");
    let low = ContactInput {
        first_name: "Raised".into(),
        email: Some("raised@example.com".into()),
        lead_score: threshold - 10,
        ..ContactInput::default()
    };
    let raised = contacts::create(&db, &low).unwrap();
    assert_eq!(raised.stage, Stage::Lead);
    let before = dump(&db);

    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "leads.csv",
        &format!(
            "email,first_name,lead_score\nnew@example.com,New,{threshold}\nraised@example.com,Raised,{}\nbelow@example.com,Below,{}\n",
            threshold + 5,
            threshold - 1
        ),
    );
    let report = run(&db, &file, ImportKind::Contacts).unwrap();
    let stage = |email: &str| contacts::find_by_email(&db, email).unwrap().unwrap().stage;
    assert_eq!(stage("new@example.com"), Stage::Mql, "imported at the threshold");
    assert_eq!(stage("raised@example.com"), Stage::Mql, "raised to the threshold by the file");
    assert_eq!(stage("below@example.com"), Stage::Lead, "one point short stays a lead");

    batches::undo(&db, report.batch_id.unwrap()).unwrap();
    assert_eq!(stage("raised@example.com"), Stage::Lead);
    assert_eq!(dump(&db), before, "undo leaves the database as it was");
}
