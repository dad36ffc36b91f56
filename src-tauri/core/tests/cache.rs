//! Cached figures (flywheel report, leaderboard, readiness, funnel) are reused only while the data
//! stands: every write, from this connection or another, is seen at once.

mod common;

use chrono::NaiveDate;
use common::{temp_db, TestDb};
use flywheel_core::advocates;
use flywheel_core::flywheel::{self, LoopQuery};
use flywheel_core::funnel::figures;
use flywheel_core::funnel::FunnelQuery;
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::store::Connection;

const TO: &str = "2026-06-29";

fn seeded() -> TestDb {
    let db = temp_db();
    sample::generate(&db.conn, SampleSize::Small, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).unwrap();
    db
}

/// Every cached figure, as a comparable text.
fn figures_text(conn: &Connection) -> String {
    let q = LoopQuery { from: Some("2025-07-01".into()), to: Some(TO.into()) };
    let funnel = FunnelQuery { from: "2025-07-01".into(), to: TO.into(), channel: None, segment: None };
    let now = "2026-06-29T12:00:00Z".parse().unwrap();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        flywheel::report(conn, &q).unwrap(),
        flywheel::leaderboard(conn, &q, 50).unwrap(),
        advocates::readiness(conn, Some(TO), 8).unwrap(),
        figures::report(conn, &funnel, now).unwrap(),
    )
}

/// A first purchase by a contact who had none: it changes customers, revenue and the funnel.
fn buy_for_a_lead(conn: &Connection) {
    let id: i64 = conn
        .query_row(
            "SELECT id FROM contacts WHERE id NOT IN (SELECT contact_id FROM purchases) ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let input = PurchaseInput {
        contact_id: id,
        purchased_on: "2026-06-01".into(),
        amount_minor: 12_345,
        currency: "USD".into(),
        product: "Website".into(),
        quantity: 1,
        external_id: None,
    };
    purchases::create(conn, &input).unwrap();
}

#[test]
fn a_write_is_seen_by_the_cached_figures() {
    let db = seeded();
    let before = figures_text(&db.conn);
    assert_eq!(figures_text(&db.conn), before, "unchanged data, same figures");
    buy_for_a_lead(&db.conn);
    let after = figures_text(&db.conn);
    assert_ne!(after, before);
    // The cached figures are the ones a fresh computation gives: a new connection, same file.
    let other = db.reopen();
    assert_eq!(figures_text(&other), after);
}

#[test]
fn a_write_from_another_connection_is_seen() {
    let db = seeded();
    let before = figures_text(&db.conn);
    buy_for_a_lead(&db.reopen());
    assert_ne!(figures_text(&db.conn), before);
}

#[test]
fn a_write_to_any_table_is_seen() {
    let db = seeded();
    // Raw SQL, as another tool might write it: no code path of Flywheel's is involved.
    let before = figures_text(&db.conn);
    db.conn
        .execute("UPDATE purchases SET amount_minor = amount_minor + 100 WHERE id = (SELECT min(id) FROM purchases)", [])
        .unwrap();
    assert_ne!(figures_text(&db.conn), before, "revenue moved by a dollar");
    let other = db.reopen();
    assert_eq!(figures_text(&db.conn), figures_text(&other), "the kept figures are the fresh ones");
}
