//! "Customer since": a contact becomes a customer at 00:00 UTC of the day of their first counted
//! purchase, whatever day the purchase was entered and by which path (form, import, merge), and
//! loses a customer stage a purchase gave when no counted purchase remains. Databases written
//! before the rule are fixed by the schema v10 migration; the funnel's time in stage and cohorts
//! then come out as worked by hand below.

mod common;

use common::{buy, contact_as_of, purchase, temp_db};
use flywheel_core::funnel::figures::{self, FunnelReport};
use flywheel_core::funnel::FunnelQuery;
use flywheel_core::import::{self, batches, ImportRequest};
use flywheel_core::stages::{self, Actor, Stage};
use flywheel_core::timeline::{self, TimelineKind};
use flywheel_core::{contacts, customer_since, db, merge, purchases, summary, time, Connection};
use std::sync::atomic::AtomicBool;

/// The contact's stage events as (stage, at), oldest first.
fn history(conn: &Connection, contact_id: i64) -> Vec<(Stage, String)> {
    stages::history(conn, contact_id).unwrap().into_iter().map(|e| (e.stage, e.at)).collect()
}

/// The stage cache the lists show: (stage, since).
fn shown(conn: &Connection, contact_id: i64) -> (Stage, Option<String>) {
    let c = contacts::get(conn, contact_id).unwrap();
    (c.stage, c.stage_entered_at)
}

fn h(events: &[(Stage, &str)]) -> Vec<(Stage, String)> {
    events.iter().map(|(s, at)| (*s, (*at).to_owned())).collect()
}

fn customer_since(day: &str) -> (Stage, Option<String>) {
    (Stage::Customer, Some(format!("{day}T00:00:00Z")))
}

#[test]
fn backdated_purchases_make_a_customer_on_the_first_purchase_day() {
    let db = temp_db();
    // The case: on 2 Dec, purchases dated 10 and 24 Nov are entered for a new contact.
    let ann = contact_as_of(&db, "ann@example.com", Stage::Lead, "2025-12-02T09:30:00Z");
    let first = buy(&db, ann, "2025-11-10", 4_000);
    let second = buy(&db, ann, "2025-11-24", 2_500);
    assert_eq!(shown(&db, ann), customer_since("2025-11-10"));
    // The lead event moves back with it, so the history stays in order.
    assert_eq!(
        history(&db, ann),
        h(&[(Stage::Lead, "2025-11-10T00:00:00Z"), (Stage::Customer, "2025-11-10T00:00:00Z")])
    );
    // The timeline (newest first) lists the stage in date order with the purchases: after the
    // purchase of 24 Nov, before (that is, later than) the purchase of 10 Nov that caused it.
    let t = timeline::timeline(&db, ann).unwrap();
    let at = |kind: TimelineKind, id: i64| t.iter().position(|e| e.kind == kind && e.ref_id == id).unwrap();
    let customer = t.iter().position(|e| e.stage == Some(Stage::Customer)).unwrap();
    assert!(at(TimelineKind::Purchase, second) < customer, "{t:#?}");
    assert!(customer < at(TimelineKind::Purchase, first), "{t:#?}");
}

#[test]
fn an_earlier_purchase_recorded_later_moves_the_day_back_and_an_edit_moves_it_with_the_purchase() {
    let db = temp_db();
    let bob = contact_as_of(&db, "bob@example.com", Stage::Lead, "2025-10-01T08:00:00Z");
    buy(&db, bob, "2025-11-24", 2_500);
    assert_eq!(shown(&db, bob), customer_since("2025-11-24"));
    let earlier = buy(&db, bob, "2025-11-10", 4_000);
    assert_eq!(shown(&db, bob), customer_since("2025-11-10"));
    assert_eq!(
        history(&db, bob),
        h(&[(Stage::Lead, "2025-10-01T08:00:00Z"), (Stage::Customer, "2025-11-10T00:00:00Z")])
    );
    // Its date corrected to after the other purchase: the other one is now the first.
    purchases::update(&db, earlier, &purchase(bob, "2025-11-28", 4_000)).unwrap();
    assert_eq!(shown(&db, bob), customer_since("2025-11-24"));
    // Moved to another contact: that contact buys, this one keeps its other purchase.
    let cy = contact_as_of(&db, "cy@example.com", Stage::Mql, "2025-09-01T08:00:00Z");
    purchases::update(&db, earlier, &purchase(cy, "2025-11-05", 4_000)).unwrap();
    assert_eq!(shown(&db, cy), customer_since("2025-11-05"));
    assert_eq!(shown(&db, bob), customer_since("2025-11-24"));
}

#[test]
fn deleting_or_fully_refunding_the_only_purchase_undoes_the_customer_stage_and_a_partial_refund_keeps_it() {
    let db = temp_db();
    let lead_at = "2025-11-01T10:00:00Z";
    let dee = contact_as_of(&db, "dee@example.com", Stage::Lead, lead_at);
    let p = buy(&db, dee, "2025-11-10", 4_000);
    assert_eq!(shown(&db, dee), customer_since("2025-11-10"));
    purchases::delete(&db, p).unwrap();
    assert_eq!(shown(&db, dee), (Stage::Lead, Some(lead_at.to_owned())));
    assert_eq!(history(&db, dee), h(&[(Stage::Lead, lead_at)]));

    let p = buy(&db, dee, "2025-11-12", 4_000);
    purchases::refund(&db, p, 1_000).unwrap();
    assert_eq!(shown(&db, dee), customer_since("2025-11-12"), "a partial refund still counts");
    purchases::refund(&db, p, 3_000).unwrap();
    assert_eq!(shown(&db, dee), (Stage::Lead, Some(lead_at.to_owned())), "fully refunded");

    // A later purchase that counts makes them a customer on its own day; a purchase of 0 counts.
    buy(&db, dee, "2025-11-20", 0);
    assert_eq!(shown(&db, dee), customer_since("2025-11-20"));
}

#[test]
fn a_customer_stage_given_by_hand_moves_back_to_an_earlier_purchase_but_never_forward_nor_away() {
    let db = temp_db();
    let eve = contact_as_of(&db, "eve@example.com", Stage::Lead, "2025-10-01T08:00:00Z");
    let won = time::parse_instant("at", "2025-11-05T15:00:00Z").unwrap();
    stages::record(&db, eve, Stage::Customer, Actor::Sales, "closed won", won).unwrap();
    let p = buy(&db, eve, "2025-11-20", 4_000);
    assert_eq!(shown(&db, eve), (Stage::Customer, Some("2025-11-05T15:00:00Z".into())), "not forward");
    purchases::delete(&db, p).unwrap();
    assert_eq!(shown(&db, eve), (Stage::Customer, Some("2025-11-05T15:00:00Z".into())), "not removed");
    // A purchase on the same day keeps the hand-given time; one on an earlier day moves it back.
    buy(&db, eve, "2025-11-05", 4_000);
    assert_eq!(shown(&db, eve), (Stage::Customer, Some("2025-11-05T15:00:00Z".into())));
    buy(&db, eve, "2025-11-02", 4_000);
    assert_eq!(shown(&db, eve), customer_since("2025-11-02"));
    assert_eq!(history(&db, eve).len(), 2, "the same event, moved");
}

#[test]
fn a_customer_who_left_and_buys_again_is_a_customer_again_from_that_purchase() {
    let db = temp_db();
    let fay = contact_as_of(&db, "fay@example.com", Stage::Lead, "2025-09-01T08:00:00Z");
    buy(&db, fay, "2025-09-10", 4_000);
    let lost = time::parse_instant("at", "2025-10-15T12:00:00Z").unwrap();
    stages::record(&db, fay, Stage::Lost, Actor::Sales, "went quiet", lost).unwrap();
    // A purchase from before she left changes nothing; one after it wins her back on its day.
    buy(&db, fay, "2025-10-01", 1_000);
    assert_eq!(shown(&db, fay), (Stage::Lost, Some("2025-10-15T12:00:00Z".into())));
    buy(&db, fay, "2025-11-20", 2_000);
    assert_eq!(shown(&db, fay), customer_since("2025-11-20"));
    assert_eq!(
        history(&db, fay),
        h(&[
            (Stage::Lead, "2025-09-01T08:00:00Z"),
            (Stage::Customer, "2025-09-10T00:00:00Z"),
            (Stage::Lost, "2025-10-15T12:00:00Z"),
            (Stage::Customer, "2025-11-20T00:00:00Z"),
        ])
    );
    // Sent back to opportunity by hand, then a purchase on that same day: customer again, after the move.
    let back = time::parse_instant("at", "2025-12-01T09:00:00Z").unwrap();
    stages::record(&db, fay, Stage::Opportunity, Actor::Sales, "new project", back).unwrap();
    buy(&db, fay, "2025-12-01", 3_000);
    assert_eq!(shown(&db, fay), (Stage::Customer, Some("2025-12-01T09:00:00Z".into())));
}

fn write_stripe(dir: &std::path::Path, rows: &[(&str, &str, &str, &str)]) -> String {
    let mut text = String::from(
        "id,Description,Created (UTC),Amount,Amount Refunded,Currency,Status,Customer Description,Customer Email\n",
    );
    for (id, day, amount, refunded) in rows {
        text.push_str(&format!(
            "{id},Website,{day} 14:00:00,{amount},{refunded},usd,Paid,Ann Lee,ann@example.com\n"
        ));
    }
    let path = dir.join(format!("payments-{}.csv", rows.len()));
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn import_file(conn: &Connection, path: String) -> i64 {
    let req = ImportRequest { path, ..ImportRequest::default() };
    let report = import::run(conn, &req, true, &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report.batch_id.unwrap()
}

#[test]
fn an_import_gives_the_same_customer_stage_as_the_form_and_its_undo_puts_the_history_back() {
    let form = temp_db();
    let ann = contact_as_of(&form, "ann@example.com", Stage::Lead, "2025-12-02T09:30:00Z");
    buy(&form, ann, "2025-11-24", 2_500);
    buy(&form, ann, "2025-11-10", 4_000);

    let file = temp_db();
    let ann2 = contact_as_of(&file, "ann@example.com", Stage::Lead, "2025-12-02T09:30:00Z");
    let before = history(&file, ann2);
    let path = write_stripe(
        file.dir.path(),
        &[("ch_1", "2025-11-24", "25.00", "0.00"), ("ch_2", "2025-11-10", "40.00", "0.00")],
    );
    let batch = import_file(&file, path);
    assert_eq!(history(&file, ann2), history(&form, ann));
    assert_eq!(shown(&file, ann2), customer_since("2025-11-10"));

    batches::undo(&file, batch).unwrap();
    assert_eq!(history(&file, ann2), before, "the lead event is back where it was");
    assert_eq!(shown(&file, ann2), (Stage::Lead, Some("2025-12-02T09:30:00Z".into())));
}

#[test]
fn a_later_import_that_moves_a_stored_order_earlier_moves_the_customer_day_and_its_undo_moves_it_back() {
    let db = temp_db();
    let first = write_stripe(
        db.dir.path(),
        &[("ch_1", "2025-11-24", "25.00", "0.00"), ("ch_2", "2025-11-10", "40.00", "0.00")],
    );
    import_file(&db, first);
    let ann = contacts::find_by_email(&db, "ann@example.com").unwrap().unwrap().id;
    assert_eq!(shown(&db, ann), customer_since("2025-11-10"));
    // The same order, its day corrected: the import changes the stored purchase, adding none.
    let corrected = write_stripe(db.dir.path(), &[("ch_1", "2025-11-01", "25.00", "0.00")]);
    let batch = import_file(&db, corrected);
    assert_eq!(shown(&db, ann), customer_since("2025-11-01"));
    summary::check(&db).unwrap();
    batches::undo(&db, batch).unwrap();
    assert_eq!(shown(&db, ann), customer_since("2025-11-10"));
    summary::check(&db).unwrap();
}

#[test]
fn an_imported_buyer_whose_only_purchase_was_fully_refunded_is_no_customer() {
    let db = temp_db();
    let path = write_stripe(db.dir.path(), &[("ch_9", "2025-11-10", "40.00", "40.00")]);
    import_file(&db, path);
    let ann = contacts::find_by_email(&db, "ann@example.com").unwrap().unwrap();
    assert_ne!(ann.stage, Stage::Customer);
    assert!(history(&db, ann.id).is_empty());
}

#[test]
fn a_merge_makes_the_survivor_a_customer_since_the_earlier_first_purchase_and_undo_puts_both_back() {
    let db = temp_db();
    let keep = contact_as_of(&db, "fay@example.com", Stage::Lead, "2025-11-01T08:00:00Z");
    let gone = contact_as_of(&db, "fay@work.example", Stage::Lead, "2025-11-02T08:00:00Z");
    buy(&db, keep, "2025-11-24", 2_500);
    buy(&db, gone, "2025-11-10", 4_000);
    let (keep_before, gone_before) = (history(&db, keep), history(&db, gone));
    let m = merge::merge(&db, keep, gone).unwrap();
    assert_eq!(shown(&db, keep), customer_since("2025-11-10"));
    assert_eq!(
        history(&db, keep),
        h(&[
            (Stage::Lead, "2025-11-01T08:00:00Z"),
            (Stage::Lead, "2025-11-02T08:00:00Z"),
            (Stage::Customer, "2025-11-10T00:00:00Z"),
        ])
    );
    merge::undo(&db, m.id).unwrap();
    assert_eq!((history(&db, keep), history(&db, gone)), (keep_before, gone_before));
    assert_eq!(shown(&db, keep), customer_since("2025-11-24"));
    assert_eq!(shown(&db, gone), customer_since("2025-11-10"));
}

// --- Databases written before the rule -------------------------------------------------------

/// An old-style contact: stage events as given, a purchase, and the customer event the old code
/// recorded on the day the purchase was entered.
fn old_style(
    conn: &Connection,
    email: &str,
    events: &[(&str, &str)],
    bought_on: &str,
    entered_at: &str,
) -> i64 {
    conn.execute(
        "INSERT INTO contacts (first_name, email, created_at, updated_at) VALUES ('Old', ?1, ?2, ?2)",
        [email, events[0].1],
    )
    .unwrap();
    let id = conn.last_insert_rowid();
    for (stage, at) in events {
        conn.execute(
            "INSERT INTO stage_events (contact_id, stage, at, actor, reason) VALUES (?1, ?2, ?3, 'marketing', '')",
            rusqlite::params![id, stage, at],
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO purchases (contact_id, purchased_on, amount_minor, currency, created_at) VALUES (?1, ?2, 4000, 'USD', ?3)",
        rusqlite::params![id, bought_on, entered_at],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO stage_events (contact_id, stage, at, actor, reason) VALUES (?1, 'customer', ?2, 'system', 'first purchase')",
        rusqlite::params![id, entered_at],
    )
    .unwrap();
    id
}

/// Two shops' worth of history as the old code left it:
/// - A: lead 1 Mar 09:00, opportunity 5 Mar 09:00, bought 10 Mar, entered on 2 Apr 15:00;
/// - B: lead 3 Mar 12:00, bought 20 Mar, entered the same day at 16:30.
fn old_shop(conn: &Connection) -> (i64, i64) {
    let a = old_style(
        conn,
        "a@example.com",
        &[("lead", "2025-03-01T09:00:00Z"), ("opportunity", "2025-03-05T09:00:00Z")],
        "2025-03-10",
        "2025-04-02T15:00:00Z",
    );
    let b = old_style(
        conn,
        "b@example.com",
        &[("lead", "2025-03-03T12:00:00Z")],
        "2025-03-20",
        "2025-03-20T16:30:00Z",
    );
    (a, b)
}

fn march(conn: &Connection) -> FunnelReport {
    let q = FunnelQuery { from: "2025-03-01".into(), to: "2025-03-31".into(), ..FunnelQuery::default() };
    figures::report(conn, &q, time::parse_instant("now", "2025-06-01T00:00:00Z").unwrap()).unwrap()
}

/// (median hours in lead, in opportunity; customers who entered in March; March cohort's leads and
/// how many of them reached customer by 31 Mar).
fn figures_of(r: &FunnelReport) -> (Option<f64>, Option<f64>, i64, i64, i64) {
    let stage = |s: Stage| r.stages.iter().find(|f| f.stage == s).unwrap();
    let cohort = &r.cohorts[0];
    assert_eq!(cohort.month, "2025-03");
    let reached = cohort.reached.iter().find(|c| c.stage == Stage::Customer).unwrap().count;
    (
        stage(Stage::Lead).median_hours,
        stage(Stage::Opportunity).median_hours,
        stage(Stage::Customer).entered,
        cohort.leads,
        reached,
    )
}

#[test]
fn after_the_migration_time_in_stage_and_cohorts_count_from_the_purchase_day() {
    let db = temp_db();
    let (a, b) = old_shop(&db);
    // As the old database counted: A's 28 days in opportunity end in April, outside March, and
    // A joins March's customers only in April. Lead: A 96 h (1 → 5 Mar 09:00), B 412.5 h
    // (3 Mar 12:00 → 20 Mar 16:30); median 254.25 h.
    assert_eq!(figures_of(&march(&db)), (Some(254.25), None, 1, 2, 1));

    assert_eq!(customer_since::rederive_all(&db).unwrap(), 2);
    assert_eq!(shown(&db, a), customer_since("2025-03-10"));
    assert_eq!(shown(&db, b), customer_since("2025-03-20"));
    // Now: B's lead ends 20 Mar 00:00 (396 h), median (96 + 396) / 2 = 246 h; A's opportunity runs
    // 5 Mar 09:00 → 10 Mar 00:00 = 111 h and ends in March; both entered Customer in March and the
    // March cohort's 2 leads both reached it.
    assert_eq!(figures_of(&march(&db)), (Some(246.0), Some(111.0), 2, 2, 2));
}

#[test]
fn upgrading_a_schema_v9_file_places_every_customer_event_and_keeps_import_undo_working() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v9.db");
    {
        let conn = db::create_at_schema(&path, 9).unwrap();
        old_shop(&conn);
        conn.execute(
            "INSERT INTO import_batches (kind, file_name, file_hash, format, started_at) VALUES ('purchases', 'x.csv', 'h', 'generic', 't')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO import_prior_values (batch_id, table_name, row_id, row_json) VALUES (1, 'purchases', 1, '{\"id\": 1}')",
            [],
        )
        .unwrap();
    }
    let conn = db::open(&path).unwrap();
    assert_eq!(shown(&conn, 1), customer_since("2025-03-10"));
    assert_eq!(shown(&conn, 2), customer_since("2025-03-20"));
    let kept: i64 = conn.query_row("SELECT count(*) FROM import_prior_values", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, 1, "what imports kept before the upgrade is still there");
    conn.execute(
        "INSERT INTO import_prior_values (batch_id, table_name, row_id, row_json) VALUES (1, 'stage_events', 1, '{\"id\": 1}')",
        [],
    )
    .unwrap();
}
