//! Importing the files of FORMATS.md: each fixture imports with the counts and figures worked out
//! by hand from its rows, a dry run writes nothing, and undo restores the database exactly.

mod common;

use common::{count, temp_db};
use flywheel_core::import::{
    self, batches, DateOrder, Field, ImportFormat, ImportKind, ImportReport, ImportRequest, QuestionKind,
    TextEncoding,
};
use flywheel_core::stages::Stage;
use flywheel_core::{contacts, Connection, ErrorCode};
use std::sync::atomic::AtomicBool;

pub fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn request(name: &str) -> ImportRequest {
    ImportRequest { path: fixture(name), ..ImportRequest::default() }
}

fn run(conn: &Connection, req: &ImportRequest, commit: bool) -> flywheel_core::Result<ImportReport> {
    import::run(conn, req, commit, &mut |_| {}, &AtomicBool::new(false))
}

fn sums(conn: &Connection) -> (i64, i64, i64) {
    conn.query_row(
        "SELECT count(*), coalesce(sum(amount_minor), 0), coalesce(sum(refunded_minor), 0) FROM purchases",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}

fn stage_of(conn: &Connection, email: &str) -> Stage {
    contacts::find_by_email(conn, email).unwrap().unwrap().stage
}

#[test]
fn shopify_orders_are_one_purchase_per_order() {
    let db = temp_db();
    let seen = import::inspect(&db, fixture("shopify_orders.csv").as_ref(), None, None).unwrap();
    assert_eq!((seen.format, seen.kind), (ImportFormat::ShopifyOrders, ImportKind::Purchases));
    assert_eq!(seen.encoding, TextEncoding::Utf8);
    assert!(seen.questions.is_empty(), "{:?}", seen.questions);

    let dry = run(&db, &request("shopify_orders.csv"), false).unwrap();
    // 8 data rows: #1001 has two lines. Orders: #1001 #1002 #1003 #1005 stored; #1004 cancelled and
    // #1006 pending skipped; #1007 has month 13 and is refused.
    assert_eq!((dry.rows_read, dry.inserted, dry.updated, dry.skipped, dry.rejected), (8, 4, 0, 2, 1));
    assert_eq!(dry.contacts_created, 3, "ann (twice, one contact), bob, carol");
    assert_eq!(dry.batch_id, None);
    assert_eq!(dry.errors.len(), 1);
    let e = &dry.errors[0];
    assert_eq!((e.row, e.column.as_deref()), (9, Some("Paid at")), "{e:?}");
    assert!(e.reason.contains("2024-13-45"), "{}", e.reason);
    let reasons: Vec<(&str, i64)> =
        dry.skipped_reasons.iter().map(|r| (r.reason.as_str(), r.count)).collect();
    assert_eq!(reasons, vec![("cancelled order", 1), ("not paid (status pending)", 1)]);
    let first = &dry.preview[0];
    assert_eq!(first.cells[..4], ["#1001", "ann@example.com", "2024-03-05", "45.00 USD"]);
    assert_eq!(first.cells[5], "Sourdough loaf, Rye loaf");
    assert_eq!(first.cells[6], "3");
    assert_eq!(count(&db, "purchases"), 0, "a dry run writes nothing");
    assert_eq!(count(&db, "import_batches"), 0);

    let done = run(&db, &request("shopify_orders.csv"), true).unwrap();
    assert_eq!((done.inserted, done.skipped, done.rejected), (4, 2, 1));
    // 45.00 + 30.00 + 12.50 + 20.00 = 107.50 paid; refunds 10.00 (#1002) + 20.00 (#1005, in full).
    assert_eq!(sums(&db), (4, 10_750, 3_000));
    assert_eq!(stage_of(&db, "ann@example.com"), Stage::Customer);
    let ann = contacts::find_by_email(&db, "ann@example.com").unwrap().unwrap();
    assert_eq!((ann.first_name.as_str(), ann.last_name.as_str()), ("Ann", "Lee"));
    assert_eq!(ann.company, "Lee Bakery Supplies");
    // A customer since her first purchase day, not since the day of the import.
    assert_eq!(ann.stage_entered_at.as_deref(), Some("2024-03-05T00:00:00Z"));
    assert!(
        contacts::find_by_email(&db, "dave@example.com").unwrap().is_none(),
        "a cancelled order makes no customer"
    );
    let batch = batches::get(&db, done.batch_id.unwrap()).unwrap();
    assert_eq!(
        (batch.inserted, batch.updated, batch.skipped, batch.rejected, batch.rows_read),
        (4, 0, 2, 1, 8)
    );
    assert_eq!(batch.file_hash, done.file_hash);
}

#[test]
fn the_same_file_again_is_recognised_and_asked_about() {
    let db = temp_db();
    let first = run(&db, &request("shopify_orders.csv"), true).unwrap();
    let again = run(&db, &request("shopify_orders.csv"), false).unwrap();
    assert_eq!(again.already_imported.as_ref().map(|b| b.id), first.batch_id);
    // Every order is already there: nothing new, nothing changed.
    assert_eq!((again.inserted, again.updated, again.skipped), (0, 0, 6));
    let refused = run(&db, &request("shopify_orders.csv"), true).unwrap_err();
    assert_eq!((refused.code, refused.field.as_deref()), (ErrorCode::Conflict, Some("import_again")));
    let yes = run(&db, &ImportRequest { import_again: true, ..request("shopify_orders.csv") }, true).unwrap();
    assert_eq!(yes.inserted, 0);
    assert_eq!(count(&db, "purchases"), 4, "order ids deduplicate");
}

#[test]
fn stripe_counts_paid_payments_less_refunds() {
    let db = temp_db();
    let r = run(&db, &request("stripe_payments.csv"), true).unwrap();
    assert_eq!(r.format, ImportFormat::StripePayments);
    // Paid: ch_3Ox1, ch_3Ox2, ch_3Ox5. Failed and Refunded are not paid; ch_3Ox1 comes twice.
    assert_eq!((r.inserted, r.skipped, r.rejected), (3, 3, 0));
    // 25.00 + 100.00 + 25.00 = 150.00, of which 40.00 refunded.
    assert_eq!(sums(&db), (3, 15_000, 4_000));
    assert!(r.skipped_reasons.iter().any(|s| s.reason == "order id repeated in this file"));
    assert_eq!(r.contacts_created, 2, "ann and bob; carol's payment failed");
}

#[test]
fn square_item_rows_of_one_transaction_are_one_sale() {
    let db = temp_db();
    let r = run(&db, &request("square_items.csv"), true).unwrap();
    assert_eq!(r.format, ImportFormat::SquareItems);
    // tx_001: 5.50 + 0.50 tax + 7.00 + 0.70 tax = 13.70; tx_002: 2.50 + 0.25 = 2.75.
    assert_eq!((r.inserted, r.rejected), (2, 0));
    assert_eq!(sums(&db), (2, 1_645, 0));
    assert_eq!(r.contacts_created, 1, "no customer column: one walk-in contact");
    assert_eq!(r.notes.len(), 1);
    let q: i64 = db
        .query_row("SELECT quantity FROM purchases WHERE external_id = 'tx_001'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(q, 3);
    // A second Square file books to the same walk-in contact.
    let again = run(&db, &ImportRequest { import_again: true, ..request("square_items.csv") }, true).unwrap();
    assert_eq!(again.contacts_created, 0);
}

#[test]
fn shopify_customers_both_headers() {
    let db = temp_db();
    let r = run(&db, &request("shopify_customers.csv"), true).unwrap();
    assert_eq!((r.format, r.inserted, r.rejected), (ImportFormat::ShopifyCustomers, 3, 0));
    let ann = contacts::find_by_email(&db, "ann@example.com").unwrap().unwrap();
    assert_eq!(ann.tags, vec!["vip", "wholesale"]);
    assert_eq!(ann.phone, "+1 555 0101", "Default Address Phone stands in for a blank Phone");
    assert_eq!(ann.notes, "Prefers rye.\nCall before noon.");
    assert_eq!(contacts::find_by_email(&db, "zoe@example.com").unwrap().unwrap().first_name, "Zoë");
    let old = run(&db, &request("shopify_customers_old.csv"), true).unwrap();
    assert_eq!((old.format, old.inserted), (ImportFormat::ShopifyCustomers, 2));
    let gus = contacts::find_by_email(&db, "gus@example.com").unwrap().unwrap();
    assert_eq!((gus.company.as_str(), gus.tags.clone()), ("Hale Farms", vec!["farm".to_owned()]));
}

#[test]
fn hubspot_contacts_keep_stages_and_blank_cells_never_overwrite() {
    let db = temp_db();
    let known = common::named_contact(&db, "Jill", "Moss", Some("jill@example.com"));
    contacts::update(
        &db,
        known,
        &contacts::ContactInput {
            first_name: "Jill".into(),
            last_name: "Moss".into(),
            email: Some("jill@example.com".into()),
            phone: "+1 555 0123".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let r = run(&db, &request("hubspot_contacts.csv"), true).unwrap();
    assert_eq!(r.format, ImportFormat::HubspotContacts);
    // Hana and Ivan are new, Jill is known (her source changes), the fourth row has no name or email.
    assert_eq!((r.inserted, r.updated, r.rejected), (2, 1, 1));
    assert_eq!(r.errors[0].row, 5);
    assert_eq!(stage_of(&db, "hana@example.com"), Stage::Mql);
    assert_eq!(stage_of(&db, "ivan@example.com"), Stage::Sql);
    let ivan = contacts::find_by_email(&db, "ivan@example.com").unwrap().unwrap();
    assert_eq!((ivan.source.as_str(), ivan.company.as_str()), ("referrals", "Petrov Labs"));
    let jill = contacts::get(&db, known).unwrap();
    assert_eq!(jill.phone, "+1 555 0123", "the file's blank phone kept the known one");
    assert_eq!(jill.source, "paid_social");
}

#[test]
fn mailchimp_audience_tags_and_bad_emails() {
    let db = temp_db();
    let r = run(&db, &request("mailchimp_audience.csv"), true).unwrap();
    assert_eq!((r.format, r.inserted, r.rejected), (ImportFormat::MailchimpAudience, 2, 1));
    assert_eq!((r.errors[0].row, r.errors[0].column.as_deref()), (4, Some("Email Address")));
    let kai = contacts::find_by_email(&db, "kai@example.com").unwrap().unwrap();
    assert_eq!(kai.tags, vec!["Customer", "VIP"]);
}

#[test]
fn a_windows_1252_semicolon_file_with_user_mapping() {
    let db = temp_db();
    let seen = import::inspect(
        &db,
        fixture("generic_semicolon_1252.csv").as_ref(),
        Some(ImportKind::Purchases),
        None,
    )
    .unwrap();
    assert_eq!(seen.format, ImportFormat::Generic);
    assert_eq!(seen.encoding, TextEncoding::Windows1252);
    assert_eq!(seen.delimiter, import::Delimiter::Semicolon);
    assert_eq!(seen.mapping[..2], [Some(Field::Email), Some(Field::FullName)]);
    assert_eq!(seen.sample[0][4], "Kaffeemaschine\nmit Mühle");
    let mut mapping = seen.mapping.clone();
    mapping[2] = Some(Field::Date);
    mapping[3] = Some(Field::Amount);
    mapping[4] = Some(Field::Product);
    mapping[5] = Some(Field::OrderId);
    let req = ImportRequest {
        kind: Some(ImportKind::Purchases),
        mapping: Some(mapping.clone()),
        ..request("generic_semicolon_1252.csv")
    };
    let r = run(&db, &req, true).unwrap();
    // Two identical rows without an order id are two purchases, as a shop log means them.
    assert_eq!((r.inserted, r.rejected, r.contacts_created), (4, 0, 2));
    // 1.234,50 € + 12,00 € + 7,50 € + 7,50 € = 1261.50 EUR.
    assert_eq!(sums(&db), (4, 126_150, 0));
    let day: String = db
        .query_row("SELECT purchased_on FROM purchases WHERE external_id = 'B-100'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(day, "2024-03-25");
    let nina = contacts::find_by_email(&db, "nina@example.com").unwrap().unwrap();
    assert_eq!(nina.last_name, "Müller");
    // The mapping is remembered for files of this shape.
    let next = import::inspect(&db, fixture("generic_semicolon_1252.csv").as_ref(), None, None).unwrap();
    assert!(next.remembered);
    assert_eq!(next.mapping, mapping);
}

#[test]
fn an_ambiguous_date_column_is_asked_not_guessed() {
    let db = temp_db();
    let seen = import::inspect(
        &db,
        fixture("generic_ambiguous_dates.csv").as_ref(),
        Some(ImportKind::Purchases),
        None,
    )
    .unwrap();
    assert_eq!(seen.questions.len(), 1);
    assert_eq!(
        (seen.questions[0].column.as_str(), seen.questions[0].kind),
        ("date", QuestionKind::DateOrder)
    );
    let req = ImportRequest { kind: Some(ImportKind::Purchases), ..request("generic_ambiguous_dates.csv") };
    let e = run(&db, &req, false).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("date_orders"));
    let mut answered = req.clone();
    answered.date_orders.insert("date".into(), DateOrder::Dmy);
    run(&db, &answered, true).unwrap();
    let day: String =
        db.query_row("SELECT purchased_on FROM purchases ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(day, "2024-04-03", "03/04/2024 read day first, as the user said");
}

#[test]
fn a_cancelled_import_leaves_nothing() {
    let db = temp_db();
    let big = tempfile::NamedTempFile::new().unwrap();
    let mut text = String::from("email,date,amount\n");
    for i in 0..10_000 {
        text.push_str(&format!("c{i}@example.com,2024-03-05,1.00\n"));
    }
    std::fs::write(big.path(), text).unwrap();
    let before = (count(&db, "contacts"), count(&db, "purchases"), count(&db, "import_batches"));
    let req = ImportRequest {
        path: big.path().to_string_lossy().into_owned(),
        kind: Some(ImportKind::Purchases),
        ..ImportRequest::default()
    };
    let mut ticks = 0;
    let e = import::run(&db, &req, true, &mut |_| ticks += 1, &AtomicBool::new(true)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Cancelled);
    assert_eq!(ticks, 0, "cancel is checked before the first progress report");
    assert_eq!((count(&db, "contacts"), count(&db, "purchases"), count(&db, "import_batches")), before);
    // Not cancelled, the same file reports progress and lands whole.
    let r = import::run(&db, &req, true, &mut |_| ticks += 1, &AtomicBool::new(false)).unwrap();
    assert_eq!(r.inserted, 10_000);
    assert!(ticks >= 2, "{ticks}");
}

#[test]
fn amounts_that_read_either_way_follow_the_shops_decimal_mark_and_are_asked_about_without_one() {
    let db = temp_db();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.csv");
    std::fs::write(
        &path,
        "Email,Date,Amount\nann@example.com,2025-03-01,\"1,250\"\nbob@example.com,2025-03-02,\"2,500\"\n",
    )
    .unwrap();
    let req = ImportRequest { path: path.to_string_lossy().into_owned(), ..ImportRequest::default() };
    // Auto (the default): `1,250` could be 1250.00 or 1.25, so the import asks.
    let asked = import::inspect(&db, &path, None, None).unwrap();
    assert!(asked.questions.iter().any(|q| q.kind == QuestionKind::DecimalMark), "{:?}", asked.questions);
    assert_eq!(run(&db, &req, true).unwrap_err().field.as_deref(), Some("decimal_marks"));
    // A comma shop means 1,250 is 1.25; a dot shop means 1250.00.
    flywheel_core::settings::set_value(&db, "decimal_mark", "comma").unwrap();
    let report = run(&db, &req, false).unwrap();
    assert_eq!(report.rejected, 0, "{:?}", report.errors);
    assert!(import::inspect(&db, &path, None, None).unwrap().questions.is_empty());
    flywheel_core::settings::set_value(&db, "decimal_mark", "dot").unwrap();
    run(&db, &req, true).unwrap();
    assert_eq!(sums(&db), (2, 125_000 + 250_000, 0));
}
