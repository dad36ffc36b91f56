//! Readers beside the writer: a read is not held up by another long read, a reader sees what the
//! writer committed, and figures kept on a reader are renewed when the writer writes. On both
//! engines: on a team database the readers are sessions of their own.

mod common;

use chrono::NaiveDate;
use common::{contact, temp_db};
use flywheel_core::contacts::{self, ContactQuery};
use flywheel_core::flywheel::{self, LoopQuery};
use flywheel_core::pool::Pool;
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::sample::{self, SampleSize};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

/// Long enough for any read on a slow machine; only reached when a read is stuck.
const STUCK: Duration = Duration::from_secs(30);

fn search(text: &str) -> ContactQuery {
    ContactQuery { search: Some(text.to_owned()), limit: 50, ..ContactQuery::default() }
}

/// A contacts search runs to its end while another reader sits inside a long read transaction.
fn search_beside_a_held_read(max_readers: usize) -> bool {
    let db = temp_db();
    let pool = Arc::new(Pool::open(&db.path(), max_readers).unwrap());
    pool.write(|c| Ok(contact(c, "ada@lovelace.test"))).unwrap();

    let (holding, held) = mpsc::channel();
    let (release, released) = mpsc::channel::<()>();
    let long = {
        let pool = Arc::clone(&pool);
        std::thread::spawn(move || {
            pool.read(|c| {
                // A read transaction held open, as a report scanning a million purchases would.
                c.execute_batch("BEGIN")?;
                let n: i64 = c.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?;
                holding.send(n).unwrap();
                let _ = released.recv_timeout(STUCK);
                c.execute_batch("COMMIT")?;
                Ok(())
            })
        })
    };
    assert_eq!(held.recv_timeout(STUCK).unwrap(), 1);

    let (done, finished) = mpsc::channel();
    let searcher = {
        let pool = Arc::clone(&pool);
        std::thread::spawn(move || {
            let total = pool.read(|c| contacts::list(c, &search("lovelace"))).map(|p| p.total);
            let _ = done.send(total);
        })
    };
    let found = finished.recv_timeout(Duration::from_secs(5));
    release.send(()).unwrap();
    long.join().unwrap().unwrap();
    searcher.join().unwrap();
    matches!(found, Ok(Ok(1)))
}

#[test]
fn a_search_finishes_while_another_reader_holds_a_long_read() {
    assert!(search_beside_a_held_read(4));
}

#[test]
fn with_one_reader_the_search_waits_for_the_long_read() {
    // The same scene with a single connection for reads is what the app had before the pool.
    assert!(!search_beside_a_held_read(1));
}

#[test]
fn a_reader_sees_what_the_writer_committed() {
    let db = temp_db();
    let pool = Pool::open(&db.path(), 2).unwrap();
    let count = || pool.read(|c| contacts::list(c, &search("grace")).map(|p| p.total)).unwrap();
    assert_eq!(count(), 0);
    pool.write(|c| Ok(contact(c, "grace@hopper.test"))).unwrap();
    assert_eq!(count(), 1);
    // Also while another reader is open and idle.
    pool.read(|_| pool.read(|_| Ok(()))).unwrap();
    pool.write(|c| Ok(contact(c, "grace.b@hopper.test"))).unwrap();
    assert_eq!(pool.read(|a| pool.read(|b| Ok((count_on(a), count_on(b))))).unwrap(), (2, 2));
}

fn count_on(c: &flywheel_core::Connection) -> i64 {
    contacts::list(c, &search("grace")).unwrap().total
}

#[test]
fn figures_kept_on_a_reader_are_renewed_when_the_writer_writes() {
    let db = temp_db();
    let pool = Pool::open(&db.path(), 2).unwrap();
    pool.write(|c| sample::generate(c, SampleSize::Small, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()))
        .unwrap();
    let q = LoopQuery { from: Some("2025-07-01".into()), to: Some("2026-06-29".into()) };
    let report = || pool.read(|c| flywheel::report(c, &q)).map(|r| format!("{r:?}")).unwrap();
    // Kept on both readers.
    let before = report();
    assert_eq!(
        pool.read(|a| pool.read(|b| Ok((flywheel::report(a, &q)?, flywheel::report(b, &q)?))))
            .map(|(a, b)| (format!("{a:?}"), format!("{b:?}")))
            .unwrap(),
        (before.clone(), before.clone())
    );
    pool.write(|c| {
        let id: i64 = c.query_row(
            "SELECT id FROM contacts WHERE id NOT IN (SELECT contact_id FROM purchases) ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )?;
        let input = PurchaseInput {
            contact_id: id,
            purchased_on: "2026-06-01".into(),
            amount_minor: 12_345,
            currency: "USD".into(),
            product: "Website".into(),
            quantity: 1,
            external_id: None,
        };
        purchases::create(c, &input)
    })
    .unwrap();
    let after = report();
    assert_ne!(after, before, "the reader's kept report was renewed");
    let fresh = {
        let c = flywheel_core::db::open_existing(pool.path()).unwrap();
        format!("{:?}", flywheel::report(&c, &q).unwrap())
    };
    assert_eq!(after, fresh);
    let both = pool
        .read(|a| {
            pool.read(|b| {
                Ok((format!("{:?}", flywheel::report(a, &q)?), format!("{:?}", flywheel::report(b, &q)?)))
            })
        })
        .unwrap();
    assert_eq!(both, (fresh.clone(), fresh));
}

#[test]
fn a_reader_refuses_to_write() {
    let db = temp_db();
    let pool = Pool::open(&db.path(), 1).unwrap();
    let err = pool
        .read(|c| Ok(c.execute("INSERT INTO channels (key, name, created_at) VALUES ('x', 'X', 'now')", [])?))
        .unwrap_err();
    assert_eq!(err.code, flywheel_core::ErrorCode::Storage, "{err:?}");
    let landed: i64 =
        db.query_row("SELECT count(*) FROM channels WHERE key = 'x'", [], |r| r.get(0)).unwrap();
    assert_eq!(landed, 0, "nothing landed");
}
