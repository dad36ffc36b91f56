//! Several people writing to one database at once, each on a connection of their own: a purchase
//! form on two desktops and an import on a third. Nothing is lost and no figure breaks. On SQLite
//! the writers take turns (the busy timeout); on a team database (`FLYWHEEL_TEST_ENGINE=postgres`)
//! they run SERIALIZABLE and a transaction PostgreSQL refuses is run again by `db::with_tx`.

mod common;

use common::{contact, purchase, temp_db};
use flywheel_core::import::{self, ImportKind, ImportRequest};
use flywheel_core::{db, purchases, repeat, summary};
use std::sync::atomic::AtomicBool;
use std::sync::Barrier;

const CUSTOMERS: usize = 12;
const PER_DESK: usize = 40;
const IMPORTED: usize = 60;

#[test]
fn two_desks_and_an_import_at_once_lose_nothing_and_keep_every_summary() {
    let db = temp_db();
    let ids: Vec<i64> = (0..CUSTOMERS).map(|i| contact(&db, &format!("c{i}@example.com"))).collect();
    let path = db.path();
    let mut csv = String::from("email,date,amount,currency,order_id\n");
    for i in 0..IMPORTED {
        csv +=
            &format!("c{}@example.com,2026-03-{:02},{}.00,USD,imp-{i}\n", i % CUSTOMERS, 1 + i % 28, 10 + i);
    }
    let file = db.dir.path().join("orders.csv");
    std::fs::write(&file, csv).unwrap();

    let start = Barrier::new(3);
    let (desk_a, desk_b, imported) = std::thread::scope(|s| {
        // Each desk records purchases on the same customers, on days that interleave.
        let desk = |offset: usize| {
            let (path, ids, start) = (&path, &ids, &start);
            move || {
                let conn = db::open(path).unwrap();
                start.wait();
                let mut written = 0;
                for i in 0..PER_DESK {
                    let day = format!("2026-02-{:02}", 1 + (i * 2 + offset) % 28);
                    purchases::create(&conn, &purchase(ids[(i + offset) % CUSTOMERS], &day, 500 + i as i64))
                        .unwrap();
                    written += 1;
                }
                written
            }
        };
        let a = s.spawn(desk(0));
        let b = s.spawn(desk(1));
        let importer = s.spawn(|| {
            let conn = db::open(&path).unwrap();
            start.wait();
            let req = ImportRequest {
                path: file.to_string_lossy().into_owned(),
                kind: Some(ImportKind::Purchases),
                ..ImportRequest::default()
            };
            let report = import::run(&conn, &req, true, &mut |_| {}, &AtomicBool::new(false)).unwrap();
            assert!(report.errors.is_empty(), "{:?}", report.errors);
            report.batch_id.unwrap()
        });
        (a.join().unwrap(), b.join().unwrap(), importer.join().unwrap())
    });

    // What each wrote is all there: the desks' purchases and the file's.
    let n = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!((desk_a, desk_b), (PER_DESK, PER_DESK));
    assert_eq!(n("SELECT count(*) FROM purchases WHERE import_batch_id IS NULL"), 2 * PER_DESK as i64);
    assert_eq!(
        db.query_row("SELECT count(*) FROM purchases WHERE import_batch_id = ?1", [imported], |r| r
            .get::<_, i64>(0))
            .unwrap(),
        IMPORTED as i64
    );
    // And every summary equals what a rebuild from the purchases gives, as do the repeat figures.
    summary::check(&db).unwrap();
    let totals = repeat::totals(&db, None).unwrap();
    assert_eq!(totals.purchases, (2 * PER_DESK + IMPORTED) as i64);
    let expected: i64 = (0..PER_DESK as i64).map(|i| 2 * (500 + i)).sum::<i64>()
        + (0..IMPORTED as i64).map(|i| (10 + i) * 100).sum::<i64>();
    assert_eq!(n("SELECT sum(amount_minor) FROM purchases"), expected);
}
