//! Purchase summaries kept with the data: built for an existing database by its upgrade, kept by
//! any write (raw SQL included), and read by the figures as of today with the same results as the
//! history. Random sequences of writes are in the property tests (`proptests/summaries.rs`).

mod common;

use common::{contact, temp_db};
use flywheel_core::import::{self, ImportKind, ImportRequest};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::store::Connection;
use flywheel_core::{db, repeat, summary};
use std::sync::atomic::AtomicBool;

fn buy(conn: &Connection, contact_id: i64, day: &str, amount_minor: i64) -> i64 {
    purchases::create(conn, &common::purchase(contact_id, day, amount_minor)).unwrap().id
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn an_upgrade_builds_the_summaries_of_the_purchases_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = db::create_at_schema(&path, db::SUMMARIES_VERSION - 1).unwrap();
        conn.execute(
            "INSERT INTO contacts (first_name, email, created_at, updated_at)
             VALUES ('Ann', 'ann@example.com', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
                    ('Bob', 'bob@example.com', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
            [],
        )
        .unwrap();
        // Ann: two orders on one day, a refunded-in-full order, a free one and a later day; Bob
        // one order in euros.
        conn.execute_batch(
            "INSERT INTO purchases (contact_id, purchased_on, amount_minor, refunded_minor, currency, created_at) VALUES
                 (1, '2024-01-01', 1000, 0, 'USD', 't'), (1, '2024-01-01', 500, 100, 'USD', 't'),
                 (1, '2024-01-05', 700, 700, 'USD', 't'), (1, '2024-01-11', 0, 0, 'USD', 't'),
                 (1, '2024-02-10', 3000, 0, 'USD', 't'), (2, '2024-01-03', 999, 0, 'EUR', 't');
             INSERT INTO referrals (advocate_id, referred_id, referred_on, created_at)
             VALUES (1, 2, '2024-01-02', 't');",
        )
        .unwrap();
    }
    let conn = db::open(&path).unwrap();
    summary::check(&conn).unwrap();
    // Worked by hand: Ann bought on 1 Jan (14.00 over two orders), 11 Jan (free) and 10 Feb (30.00);
    // the refunded order makes no day. Gaps 10 and 30 days; Bob's euros are counted aside.
    let t = repeat::totals(&conn, Some("2024-03-01")).unwrap();
    assert_eq!(
        (t.customers, t.repeat_customers, t.purchases, t.purchase_days, t.revenue),
        (1, 1, 4, 3, 4400)
    );
    assert_eq!((t.median_days_between, t.other_currency_purchases), (Some(20.0), 1));
    assert_eq!(t, repeat::totals_from_history(&conn, Some("2024-03-01")).unwrap());
    assert_eq!(count(&conn, "customer_summaries"), 2);
    assert_eq!(count(&conn, "purchase_days"), 4);
    // Bob, referred by Ann on 2 Jan, bought on the 3rd: what the referral brought, in euros.
    let brought: (String, String, i64) = conn
        .query_row("SELECT currency, first_day, total FROM referral_sales", [], |r| {
            Ok((r.get("currency")?, r.get("first_day")?, r.get("total")?))
        })
        .unwrap();
    assert_eq!(brought, ("EUR".to_owned(), "2024-01-03".to_owned(), 999));
}

#[test]
fn a_raw_write_keeps_the_summaries_too() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    buy(&db, ann, "2024-01-01", 1000);
    let later = buy(&db, ann, "2024-01-21", 2000);
    db.execute("UPDATE purchases SET purchased_on = '2024-01-11' WHERE id = ?1", [later]).unwrap();
    db.execute(
        "INSERT INTO purchases (contact_id, purchased_on, amount_minor, currency, created_at)
         VALUES (?1, '2024-01-31', 500, 'USD', 't')",
        [ann],
    )
    .unwrap();
    summary::check(&db).unwrap();
    let t = repeat::totals(&db, None).unwrap();
    // Days 1, 11 and 31 Jan: gaps 10 and 20, median 15.
    assert_eq!((t.purchase_days, t.revenue, t.median_days_between), (3, 3500, Some(15.0)));
}

#[test]
fn the_figures_of_today_read_the_summaries_and_agree_with_the_history_on_every_day() {
    let db = temp_db();
    let (ann, bob) = (contact(&db, "ann@example.com"), contact(&db, "bob@example.com"));
    for (who, day, amount) in [
        (ann, "2024-01-01", 1000),
        (ann, "2024-01-01", 500),
        (ann, "2024-01-10", 2000),
        (bob, "2024-01-05", 4000),
        (ann, "2024-02-01", 3000),
        (bob, "2024-03-01", 100),
    ] {
        buy(&db, who, day, amount);
    }
    let refunded = buy(&db, bob, "2024-02-14", 800);
    purchases::refund(&db, refunded, 800).unwrap();
    // Every day around the purchases, and today: the summaries from the last day on, the history before.
    for day in ["2023-12-31", "2024-01-01", "2024-01-07", "2024-02-14", "2024-03-01", "2024-03-02"] {
        let kept = repeat::totals(&db, Some(day)).unwrap();
        assert_eq!(kept, repeat::totals_from_history(&db, Some(day)).unwrap(), "as of {day}");
    }
    // The summaries really are what answers today: change one behind the triggers' back and the
    // figure follows it.
    db.execute("UPDATE customer_summaries SET total = total + 1 WHERE contact_id = ?1", [ann]).unwrap();
    assert_eq!(repeat::totals(&db, None).unwrap().revenue, 1000 + 500 + 2000 + 3000 + 4000 + 100 + 1);
    let input = PurchaseInput { ..common::purchase(ann, "2024-03-02", 5) };
    purchases::create(&db, &input).unwrap();
    assert_eq!(
        repeat::totals(&db, None).unwrap().revenue,
        1000 + 500 + 2000 + 3000 + 4000 + 100 + 5,
        "the next write rebuilt the customer's row"
    );
}

#[test]
fn a_referral_converts_and_earns_from_the_purchase_days_as_from_the_purchases() {
    use flywheel_core::flywheel::{self, LoopQuery};
    use flywheel_core::referrals::{self, ReferralInput};
    let db = temp_db();
    let (ann, bob) = (contact(&db, "ann@example.com"), contact(&db, "bob@example.com"));
    buy(&db, ann, "2024-03-01", 1000);
    let input = ReferralInput {
        advocate_id: ann,
        referred_id: bob,
        referred_on: "2024-03-05".into(),
        notes: String::new(),
        reward_minor: 0,
        reward_currency: String::new(),
    };
    referrals::create(&db, &input).unwrap();
    // Bob buys on the day he is referred, and on no other.
    buy(&db, bob, "2024-03-05", 2500);
    let all = LoopQuery { from: None, to: Some("2024-03-31".into()) };
    let kept_all = flywheel::figures(&db, &all).unwrap();
    // Worked by hand: one referred lead, converted on the referral day, who spent 25.00.
    assert_eq!(
        (kept_all.referred_leads, kept_all.referred_customers, kept_all.referred_revenue),
        (1, 1, 2500)
    );
    let later = LoopQuery { from: Some("2024-03-06".into()), to: Some("2024-03-31".into()) };
    let kept = flywheel::figures(&db, &later).unwrap();
    assert_eq!((kept.referred_leads, kept.referred_revenue), (0, 0), "nothing of it falls after 5 March");
    // Inside a bulk write the purchases are read instead: the same figures.
    let history = db::with_rollback(&db, |c| {
        c.execute("INSERT INTO summaries_paused (paused) VALUES (1)", [])?;
        flywheel::figures(c, &all)
    })
    .unwrap();
    assert_eq!(kept_all, history);
}

#[test]
fn what_a_referral_brought_follows_every_write_and_is_cut_by_the_period_as_worked_by_hand() {
    use flywheel_core::flywheel::{self, LoopQuery};
    use flywheel_core::referrals::{self, ReferralInput};
    let db = temp_db();
    let (ann, bob) = (contact(&db, "ann@example.com"), contact(&db, "bob@example.com"));
    buy(&db, ann, "2024-03-01", 1000);
    buy(&db, bob, "2024-03-03", 700); // before he was referred: not the referral's
    let input = ReferralInput {
        advocate_id: ann,
        referred_id: bob,
        referred_on: "2024-03-05".into(),
        notes: String::new(),
        reward_minor: 0,
        reward_currency: String::new(),
    };
    let referral = referrals::create(&db, &input).unwrap().id;
    // After each write `referral_sales` equals a rebuild from the purchases.
    buy(&db, bob, "2024-03-05", 2000);
    summary::check(&db).unwrap();
    buy(&db, bob, "2024-03-05", 500); // a second order on the referral day
    summary::check(&db).unwrap();
    let late = buy(&db, bob, "2024-03-12", 3000);
    summary::check(&db).unwrap();
    purchases::refund(&db, late, 1000).unwrap();
    summary::check(&db).unwrap();
    let figures = |from: Option<&str>, to: &str| {
        let q = LoopQuery { from: from.map(str::to_owned), to: Some(to.to_owned()) };
        let f = flywheel::figures(&db, &q).unwrap();
        let top = flywheel::leaderboard(&db, &q, 10).unwrap();
        let ann_row =
            top.iter().find(|l| l.contact_id == ann).map(|l| (l.referred_customers, l.referred_revenue));
        (f.referred_leads, f.referred_customers, f.referred_revenue, ann_row)
    };
    // Worked by hand. Bob spent 25.00 on the referral day and 20.00 (30.00 less a 10.00 refund) on
    // the 12th; his 7.00 of the 3rd came before the referral.
    assert_eq!(figures(None, "2024-03-31"), (1, 1, 4500, Some((1, 4500))));
    // As of the day before his last purchase: only the referral day's 25.00.
    assert_eq!(figures(None, "2024-03-11"), (1, 1, 2500, Some((1, 2500))));
    // A period after the referral day: no referral made in it, but what Bob spent in it counts.
    assert_eq!(figures(Some("2024-03-06"), "2024-03-31"), (0, 0, 2000, None));
    assert_eq!(figures(Some("2024-03-06"), "2024-03-11"), (0, 0, 0, None));
    // Before the referral: nothing.
    assert_eq!(figures(None, "2024-03-04"), (0, 0, 0, None));

    // The referral moved back to the 3rd takes in the 7.00; flagged as a self-referral it counts
    // nowhere. Raw SQL, as any path would write it.
    db.execute("UPDATE referrals SET referred_on = '2024-03-03' WHERE id = ?1", [referral]).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(figures(None, "2024-03-31"), (1, 1, 5200, Some((1, 5200))));
    db.execute("UPDATE referrals SET flags = '[\"self_referral\"]' WHERE id = ?1", [referral]).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(figures(None, "2024-03-31"), (0, 0, 0, None));
    assert_eq!(count(&db, "referral_sales"), 0);
}

#[test]
fn the_new_and_referred_new_contacts_of_each_day_follow_every_write() {
    use flywheel_core::contacts;
    use flywheel_core::flywheel::{self, LoopQuery};
    use flywheel_core::referrals::{self, ReferralInput};
    let db = temp_db();
    let (ann, bob, cat) =
        (contact(&db, "ann@example.com"), contact(&db, "bob@example.com"), contact(&db, "cat@example.com"));
    let set_created = |id: i64, at: &str| {
        db.execute("UPDATE contacts SET created_at = ?2 WHERE id = ?1", rusqlite::params![id, at]).unwrap();
        summary::check(&db).unwrap();
    };
    set_created(ann, "2024-02-20T09:00:00Z");
    set_created(bob, "2024-03-02T10:00:00Z");
    set_created(cat, "2024-03-31T23:59:59Z");
    // Dan joins on Bob's day, so that day's row outlives Bob's own changes.
    let dan = contact(&db, "dan@example.com");
    set_created(dan, "2024-03-02T18:00:00Z");
    let again_from = |advocate_id: i64| ReferralInput {
        advocate_id,
        referred_id: bob,
        referred_on: "2024-03-02".into(),
        notes: String::new(),
        reward_minor: 0,
        reward_currency: String::new(),
    };
    let loop_of = |from: &str, to: &str| {
        let q = LoopQuery { from: Some(from.to_owned()), to: Some(to.to_owned()) };
        let f = flywheel::figures(&db, &q).unwrap();
        (f.new_leads, f.referred_new_leads)
    };
    // Worked by hand: Bob, Dan and Cat are March's new contacts, nobody referred yet.
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (3, 0));
    let referral = referrals::create(
        &db,
        &ReferralInput {
            advocate_id: ann,
            referred_id: bob,
            referred_on: "2024-03-02".into(),
            notes: String::new(),
            reward_minor: 0,
            reward_currency: String::new(),
        },
    )
    .unwrap()
    .id;
    summary::check(&db).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (3, 1), "Bob came from Ann");
    assert_eq!(loop_of("2024-03-03", "2024-03-31"), (1, 0), "Bob is not new after the 2nd");
    // Cat's source says Referrals; then the same source on Bob changes nothing.
    db.execute("UPDATE contacts SET source = 'referrals' WHERE id IN (?1, ?2)", [cat, bob]).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (3, 2));
    // Flagged as a self-referral, Bob still came from Referrals by his source.
    db.execute("UPDATE referrals SET flags = '[\"self_referral\"]' WHERE id = ?1", [referral]).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (3, 2));
    db.execute("UPDATE contacts SET source = 'other_campaigns' WHERE id = ?1", [bob]).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (3, 1), "now only Cat");
    db.execute("UPDATE referrals SET flags = '[]' WHERE id = ?1", [referral]).unwrap();
    summary::check(&db).unwrap();
    // Deleting the referral, then the contact, takes each share away.
    referrals::delete(&db, referral).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (3, 1));
    contacts::delete(&db, cat).unwrap();
    summary::check(&db).unwrap();
    // A referred contact deleted takes their referral with them, and both shares go.
    let eve = contact(&db, "eve@example.com");
    set_created(eve, "2024-03-02T20:00:00Z");
    let eve_referral = ReferralInput { referred_id: eve, ..again_from(ann) };
    referrals::create(&db, &eve_referral).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (3, 1));
    contacts::delete(&db, eve).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (2, 0));
    // Deleting the advocate deletes her referrals with her: Bob is no longer referred.
    referrals::create(&db, &again_from(ann)).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (2, 1));
    contacts::delete(&db, ann).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(loop_of("2024-03-01", "2024-03-31"), (2, 0));
    assert_eq!(count(&db, "contact_days"), 1, "Bob and Dan's day");
}

/// Imports a generic purchases file of (email, day, amount, currency, order) rows.
fn import_rows(
    conn: &Connection,
    dir: &std::path::Path,
    name: &str,
    rows: &[(&str, &str, &str, &str, &str)],
) -> i64 {
    let mut csv = String::from("email,date,amount,currency,order_id\n");
    for (email, day, amount, currency, order) in rows {
        csv += &format!("{email},{day},{amount},{currency},{order}\n");
    }
    let path = dir.join(name);
    std::fs::write(&path, csv).unwrap();
    let req = ImportRequest {
        path: path.to_string_lossy().into_owned(),
        kind: Some(ImportKind::Purchases),
        import_again: true,
        ..ImportRequest::default()
    };
    let report = import::run(conn, &req, true, &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report.batch_id.unwrap()
}

fn sales(conn: &Connection) -> Vec<(String, String, i64, i64, i64)> {
    conn.prepare("SELECT currency, day, purchases, counted, total FROM sales_days ORDER BY currency, day")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn an_import_that_adds_and_changes_orders_keeps_every_touched_customer_and_sales_day_and_so_does_its_undo() {
    let db = temp_db();
    let dir = tempfile::tempdir().unwrap();
    let ann = contact(&db, "ann@example.com");
    buy(&db, ann, "2025-03-01", 1_000);
    import_rows(
        &db,
        dir.path(),
        "first.csv",
        &[
            ("ann@example.com", "2025-03-02", "20.00", "USD", "o-1"),
            ("bob@example.com", "2025-03-02", "5.00", "EUR", "o-2"),
        ],
    );
    summary::check(&db).unwrap();
    let before = sales(&db);
    // New orders of a known and a new customer, one on a day no sale was on, and the two stored
    // orders changed: o-1 moved to another day, o-2 for another amount.
    let second = import_rows(
        &db,
        dir.path(),
        "second.csv",
        &[
            ("ann@example.com", "2025-03-09", "7.50", "USD", "o-3"),
            ("cy@example.com", "2025-03-02", "3.00", "USD", "o-4"),
            ("ann@example.com", "2025-03-05", "20.00", "USD", "o-1"),
            ("bob@example.com", "2025-03-02", "8.00", "EUR", "o-2"),
        ],
    );
    summary::check(&db).unwrap();
    assert_eq!(
        sales(&db),
        [
            ("EUR".into(), "2025-03-02".into(), 1, 1, 800),
            ("USD".into(), "2025-03-01".into(), 1, 1, 1_000),
            ("USD".into(), "2025-03-02".into(), 1, 1, 300),
            ("USD".into(), "2025-03-05".into(), 1, 1, 2_000),
            ("USD".into(), "2025-03-09".into(), 1, 1, 750),
        ]
    );
    import::batches::undo(&db, second).unwrap();
    summary::check(&db).unwrap();
    assert_eq!(sales(&db), before);
}

/// A bulk write pauses the summary triggers only while it runs: a write after it in the same
/// transaction keeps the summaries as one outside would (on PostgreSQL the pause is a setting of
/// the transaction, which the bulk write's end must lift).
#[test]
fn a_write_after_a_bulk_write_in_the_same_transaction_keeps_the_summaries() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    db::with_tx(&db, |c| {
        import_rows(
            c,
            db.dir.path(),
            "first.csv",
            &[("bob@example.com", "2024-02-01", "10.00", "USD", "A-1")],
        );
        buy(c, ann, "2024-03-01", 2_500);
        buy(c, ann, "2024-03-09", 1_000);
        Ok(())
    })
    .unwrap();
    summary::check(&db).unwrap();
    let days: i64 = db
        .query_row("SELECT count(*) FROM purchase_days WHERE contact_id = ?1", [ann], |r| r.get(0))
        .unwrap();
    assert_eq!(days, 2, "Ann's two days are kept by the triggers after the import ended");
}
