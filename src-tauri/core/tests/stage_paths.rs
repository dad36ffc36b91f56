//! The funnel figures read every contact's stage path from one index (schema v15) and the channel
//! table's revenue from the purchase summaries: an upgrade gives an existing database the index,
//! and the figures, worked by hand, are those of every stage event and every purchase. Random
//! sequences of writes are in the property tests (`proptests/funnel.rs`).
//!
//! The upgrade is of a SQLite file and runs on SQLite only; the channel revenue runs on the engine
//! the tests run on (`FLYWHEEL_TEST_ENGINE`).

mod common;

use chrono::{DateTime, Utc};
use flywheel_core::funnel::channel_figures::{self, ChannelQuery};
use flywheel_core::funnel::{figures, FunnelQuery};
use flywheel_core::stages::Stage;
use flywheel_core::store::Connection;
use flywheel_core::{db, time};

fn now() -> DateTime<Utc> {
    time::parse_instant("now", "2024-06-01T00:00:00Z").unwrap()
}

fn index_names(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'stage_events' ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn march() -> FunnelQuery {
    FunnelQuery { from: "2024-03-01".into(), to: "2024-03-31".into(), channel: None, segment: None }
}

#[test]
fn an_upgrade_gives_an_existing_database_the_stage_path_index_and_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = db::create_at_schema(&path, db::STAGE_PATHS_VERSION - 1).unwrap();
        assert!(index_names(&conn).contains(&"stage_events_contact".to_owned()));
        conn.execute_batch(
            "INSERT INTO contacts (id, first_name, source, created_at, updated_at) VALUES
                 (1, 'Ann', 'paid_search', '2024-02-01T00:00:00Z', 't'),
                 (2, 'Bob', 'organic_search', '2024-02-01T00:00:00Z', 't'),
                 (3, 'Cy', 'paid_search', '2024-01-01T00:00:00Z', 't');
             INSERT INTO stage_events (contact_id, stage, at, actor, reason) VALUES
                 (1, 'lead', '2024-02-20T00:00:00Z', 'marketing', 'form'),
                 (1, 'mql', '2024-03-02T00:00:00Z', 'system', 'score'),
                 (1, 'lead', '2024-03-02T06:00:00Z', 'sales', 'too small'),
                 (1, 'mql', '2024-03-10T00:00:00Z', 'system', 'score'),
                 (1, 'sql', '2024-03-10T12:00:00Z', 'sales', 'accepted'),
                 (2, 'lead', '2024-03-05T00:00:00Z', 'marketing', 'chat'),
                 (2, 'mql', '2024-03-06T00:00:00Z', 'system', 'score'),
                 (2, 'disqualified', '2024-03-08T00:00:00Z', 'sales', 'student'),
                 (3, 'lead', '2024-01-05T00:00:00Z', 'marketing', 'old');",
        )
        .unwrap();
    }
    let conn = db::open(&path).unwrap();
    let names = index_names(&conn);
    assert!(names.contains(&"stage_events_path".to_owned()), "{names:?}");
    assert!(!names.contains(&"stage_events_contact".to_owned()), "the index it replaces is gone: {names:?}");
    let r = figures::report(&conn, &march(), now()).unwrap();
    assert_eq!(r, figures::report_from_joined_events(&conn, &march(), now()).unwrap());
    // Worked by hand for March: Bob became a lead in it (Ann in February; Cy before, and nothing
    // since). Three handoffs: Ann rejected in 6 h and accepted in 12 h, Bob disqualified in 48 h
    // (a breach of the 24 h SLA).
    let stage = |s: Stage| &r.stages[s.rank() as usize];
    assert_eq!((stage(Stage::Lead).entered, stage(Stage::Mql).entered, stage(Stage::Sql).entered), (1, 2, 1));
    assert_eq!(stage(Stage::Mql).sent_back, 1);
    assert_eq!(stage(Stage::Mql).disqualified, 1);
    let h = &r.handoff;
    assert_eq!((h.handoffs, h.accepted, h.rejected, h.waiting, h.breaches), (3, 1, 2, 0, 1));
    let reasons: Vec<(&str, i64)> =
        h.rejection_reasons.iter().map(|c| (c.reason.as_str(), c.count)).collect();
    assert_eq!(reasons, [("student", 1), ("too small", 1)]);
    assert_eq!(h.breached[0].name, "Bob");
    // Narrowed to paid search: Ann only (Cy has no event in March).
    let paid = FunnelQuery { channel: Some("paid_search".into()), ..march() };
    let r = figures::report(&conn, &paid, now()).unwrap();
    assert_eq!(r, figures::report_from_joined_events(&conn, &paid, now()).unwrap());
    assert_eq!((r.stages[Stage::Mql.rank() as usize].entered, r.handoff.handoffs), (1, 2));
    let q = ChannelQuery { from: "2024-03-01".into(), to: "2024-03-31".into() };
    let c = channel_figures::report(&conn, &q, now()).unwrap();
    assert_eq!(c, channel_figures::report_from_joined_events(&conn, &q, now()).unwrap());
    assert_eq!((c.total.leads, c.total.mqls), (1, 2));
}

#[test]
fn the_channel_revenue_of_a_period_counts_only_its_days_net_of_refunds() {
    let conn = common::temp_db();
    conn.execute_batch(
        "INSERT INTO contacts (id, first_name, source, created_at, updated_at) VALUES
             (1, 'Ann', 'paid_search', 't', 't'), (2, 'Bob', 'paid_search', 't', 't'),
             (3, 'Cy', 'referrals', 't', 't');
         INSERT INTO purchases (contact_id, purchased_on, amount_minor, refunded_minor, currency, created_at) VALUES
             -- Ann: every day in March: 10.00 and 5.00 less a refund of 1.00.
             (1, '2024-03-01', 1000, 0, 'USD', 't'), (1, '2024-03-31', 500, 100, 'USD', 't'),
             -- Bob: a day before March, one in it (20.00), one after, one refunded in full in it.
             (2, '2024-02-29', 7000, 0, 'USD', 't'), (2, '2024-03-15', 2000, 0, 'USD', 't'),
             (2, '2024-04-01', 9000, 0, 'USD', 't'), (2, '2024-03-16', 3000, 3000, 'USD', 't'),
             -- Cy: euros in March, counted aside; dollars in April only.
             (3, '2024-03-10', 4000, 0, 'EUR', 't'), (3, '2024-04-02', 100, 0, 'USD', 't');",
    )
    .unwrap();
    let q = ChannelQuery { from: "2024-03-01".into(), to: "2024-03-31".into() };
    let c = channel_figures::report(&conn, &q, now()).unwrap();
    assert_eq!(c, channel_figures::report_from_joined_events(&conn, &q, now()).unwrap());
    let revenue = |key: &str| c.channels.iter().find(|f| f.channel_key == key).unwrap().revenue_minor;
    assert_eq!((revenue("paid_search"), revenue("referrals")), (1400 + 2000, 0));
    assert_eq!((c.total.revenue_minor, c.other_currency_rows), (3400, 1));
    // A purchase recorded by hand is in the next report, whatever wrote it.
    conn.execute(
        "INSERT INTO purchases (contact_id, purchased_on, amount_minor, currency, created_at)
         VALUES (3, '2024-03-20', 250, 'USD', 't')",
        [],
    )
    .unwrap();
    let c = channel_figures::report(&conn, &q, now()).unwrap();
    assert_eq!(c, channel_figures::report_from_joined_events(&conn, &q, now()).unwrap());
    assert_eq!(c.total.revenue_minor, 3650);
}
