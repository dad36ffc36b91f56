//! Property tests: whatever the exporter writes, the importer reads back as the same data; the
//! money and date parsers read back what was written in every style they accept. The exports and
//! imports run on the engine the tests run on (`FLYWHEEL_TEST_ENGINE`): a database in memory, or
//! each case's own databases on the test cluster.

use chrono::{Datelike, NaiveDate};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::export::{tables, ExportTable, Watch};
use flywheel_core::import::dates::{parse_day, DateOrder};
use flywheel_core::import::money::{format_major, split, to_minor, DecimalMark};
use flywheel_core::import::{self, ImportKind, ImportRequest};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::stages::Stage;
use flywheel_core::{db, testpg, validate, Connection};
use proptest::prelude::*;
use std::sync::atomic::AtomicBool;

/// Writes `minor` the way a shop in that locale would: `$1,234.50` or `1.234,50 €`.
fn localised(minor: i64, currency: &str, mark: DecimalMark) -> String {
    let plain = format_major(minor, currency);
    let (whole, frac) = plain.split_once('.').map_or((plain.as_str(), ""), |(w, f)| (w, f));
    let (group, decimal) = match mark {
        DecimalMark::Dot => (',', '.'),
        DecimalMark::Comma => ('.', ','),
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(group);
        }
        grouped.push(c);
    }
    let number = if frac.is_empty() { grouped } else { format!("{grouped}{decimal}{frac}") };
    match (currency, mark) {
        ("USD", DecimalMark::Dot) => format!("${number}"),
        ("EUR", DecimalMark::Comma) => format!("{number} €"),
        _ => format!("{currency} {number}"),
    }
}

proptest! {
    #[test]
    fn money_round_trips(minor in 0i64..100_000_000_000, c in 0usize..4, comma in any::<bool>()) {
        let currency = ["USD", "EUR", "JPY", "BHD"][c];
        let mark = if comma { DecimalMark::Comma } else { DecimalMark::Dot };
        let text = localised(minor, currency, mark);
        let a = split(&text).unwrap();
        prop_assert_eq!(to_minor(&a.number, mark, validate::minor_digits(currency)), Ok(minor), "{}", text);
        prop_assert!(!a.negative);
        let plain = format_major(minor, currency);
        prop_assert_eq!(to_minor(&plain, DecimalMark::Dot, validate::minor_digits(currency)), Ok(minor));
    }

    #[test]
    fn dates_round_trip(days in 0i64..73_000, hour in 0u32..24, offset in -12i32..14) {
        let day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
        let (y, m, d) = (day.year(), day.month(), day.day());
        let sign = if offset < 0 { '-' } else { '+' };
        let shopify = format!("{y:04}-{m:02}-{d:02} {hour:02}:22:10 {sign}{:02}00", offset.abs());
        let cases = [
            (format!("{y:04}-{m:02}-{d:02}"), None),
            (format!("{y:04}-{m:02}-{d:02}T{hour:02}:05:00Z"), None),
            (shopify, None),
            (format!("{m:02}/{d:02}/{y:04}"), Some(DateOrder::Mdy)),
            (format!("{d}/{m}/{y:04}"), Some(DateOrder::Dmy)),
            (format!("{d:02}.{m:02}.{y:04}"), Some(DateOrder::Dmy)),
        ];
        for (text, order) in cases {
            prop_assert_eq!(parse_day(&text, order), Ok(day), "{}", text);
        }
    }
}

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[a-zA-Z0-9 ,;\"'éüß\\n-]{{0,{max}}}")).unwrap()
}

/// A fresh migrated database on the engine the tests run on: in memory, or a database of its own
/// on the test cluster (dropped with the guard).
fn fresh_db() -> (Connection, Option<testpg::TestDatabase>) {
    if testpg::on_postgres() {
        let team = testpg::flywheel_database();
        let conn = db::open(std::path::Path::new(&team.url)).unwrap();
        return (conn, Some(team));
    }
    (db::open_in_memory().unwrap(), None)
}

fn export_then_import(
    from: &Connection,
    table: ExportTable,
    kind: ImportKind,
) -> (Connection, Option<testpg::TestDatabase>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let cancel = AtomicBool::new(false);
    tables::csv(from, table, &path, &mut Watch { progress: &mut |_| {}, cancel: &cancel }).unwrap();
    let (to, team) = fresh_db();
    let req = ImportRequest {
        path: path.to_string_lossy().into_owned(),
        kind: Some(kind),
        ..ImportRequest::default()
    };
    let r = import::run(&to, &req, true, &mut |_| {}, &cancel).unwrap();
    assert_eq!(r.rejected, 0, "{:?}", r.errors);
    (to, team)
}

type PurchaseRow = (Option<String>, Option<String>, String, i64, i64, String, String, i64);

type ContactRow =
    (Option<String>, String, String, String, String, String, String, String, i64, String, String);

fn contact_rows(conn: &Connection) -> Vec<ContactRow> {
    conn.prepare(
        "SELECT email, first_name, last_name, phone, company, segment, tags, source, lead_score, notes, stage
         FROM contacts ORDER BY coalesce(email, ''), first_name, last_name, notes",
    )
    .unwrap()
    .query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
            r.get(10)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn contacts_csv_comes_back_as_the_same_contacts(
        people in proptest::collection::vec(
            (any::<bool>(), "[A-Za-zé]{1,12}", text(20), text(20), text(20), text(12),
             proptest::collection::vec("[a-z][a-z ,]{0,8}", 0..4), 0usize..9, 0i64..=100, text(60), 0usize..8),
            1..12),
    ) {
        let (from, _from_db) = fresh_db();
        let channels = ["organic_search", "paid_search", "email_marketing", "organic_social", "paid_social", "referrals",
                        "direct_traffic", "offline_sources", "other_campaigns"];
        for (i, (with_email, first, last, phone, company, segment, tags, source, score, notes, stage)) in people.into_iter().enumerate() {
            let input = ContactInput {
                first_name: first,
                last_name: last,
                email: with_email.then(|| format!("p{i}@example.com")),
                phone: phone.chars().filter(|c| *c != '\n').collect(),
                company,
                segment,
                tags,
                source: channels[source].into(),
                lead_score: score,
                notes,
                stage: Some(Stage::ALL[stage]),
                owner: None,
            };
            contacts::create(&from, &input).unwrap();
        }
        let (to, _to_db) = export_then_import(&from, ExportTable::Contacts, ImportKind::Contacts);
        prop_assert_eq!(contact_rows(&to), contact_rows(&from));
    }

    #[test]
    fn purchases_csv_comes_back_as_the_same_purchases(
        sales in proptest::collection::vec(
            (0usize..4, 0i64..5_000, 0i64..10_000_000, 0u8..=100, 0usize..3, text(40), 1i64..20, any::<bool>()),
            1..15),
    ) {
        let (from, _from_db) = fresh_db();
        let people: Vec<i64> = (0..4)
            .map(|i| contacts::create(&from, &ContactInput { first_name: format!("P{i}"), email: Some(format!("p{i}@example.com")), ..Default::default() }).unwrap().id)
            .collect();
        for (n, (who, day, amount, refund_pct, currency, product, quantity, with_id)) in sales.into_iter().enumerate() {
            let day = NaiveDate::from_ymd_opt(2010, 1, 1).unwrap() + chrono::Duration::days(day);
            let p = purchases::create(&from, &PurchaseInput {
                contact_id: people[who],
                purchased_on: flywheel_core::time::format_day(day),
                amount_minor: amount,
                currency: ["USD", "EUR", "JPY"][currency].into(),
                product,
                quantity,
                external_id: with_id.then(|| format!("ORD-{n}")),
            }).unwrap();
            let refund = amount * i64::from(refund_pct) / 100;
            if refund > 0 {
                purchases::refund(&from, p.id, refund).unwrap();
            }
        }
        let (to, _to_db) = export_then_import(&from, ExportTable::Purchases, ImportKind::Purchases);
        let rows = |c: &Connection| -> Vec<PurchaseRow> {
            c.prepare("SELECT p.external_id, c.email, p.purchased_on, p.amount_minor, p.refunded_minor, p.currency, p.product, p.quantity
                       FROM purchases p JOIN contacts c ON c.id = p.contact_id ORDER BY p.id")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        prop_assert_eq!(rows(&to), rows(&from));
    }
}
