//! Separate processes writing to one database at once, as separate desktops do: an import of
//! purchases, two people recording purchases one `flywheel purchases add` at a time, and a third
//! adding contacts. Every row each of them wrote is there afterwards, exactly once, and every
//! summary equals a rebuild from the purchases. On a team database (`FLYWHEEL_TEST_ENGINE=postgres`)
//! the processes are separate server sessions under SERIALIZABLE; on a file they take turns.

mod common;

use common::{flywheel, ok, shop};
use flywheel_core::{db, summary};
use std::path::Path;
use std::sync::Barrier;

const CUSTOMERS: usize = 6;
const IMPORTED: usize = 300;
const PER_DESK: usize = 12;
const NEW_CONTACTS: usize = 12;

fn amount(i: usize) -> i64 {
    1_000 + i as i64
}

#[test]
fn an_import_two_desks_and_new_contacts_in_separate_processes_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let shop = shop(dir.path(), "shop.db");
    for i in 0..CUSTOMERS {
        ok(&flywheel(&shop, &["contacts", "add", "--email", &format!("c{i}@example.com")]));
    }
    let mut csv = String::from("email,date,amount,currency,order_id\n");
    for i in 0..IMPORTED {
        let cents = amount(i);
        csv += &format!(
            "c{}@example.com,2026-03-{:02},{}.{:02},USD,imp-{i}\n",
            i % CUSTOMERS,
            1 + i % 28,
            cents / 100,
            cents % 100
        );
    }
    let file = dir.path().join("orders.csv");
    std::fs::write(&file, csv).unwrap();

    let start = Barrier::new(4);
    let (at, file, start): (&Path, _, _) = (&shop, &file, &start);
    std::thread::scope(|s| {
        let importer = s.spawn(move || {
            start.wait();
            ok(&flywheel(at, &["import", "--kind", "purchases", &file.to_string_lossy()]))
        });
        let desk = |desk: usize| {
            move || {
                start.wait();
                for i in 0..PER_DESK {
                    let cents = amount(10_000 * (desk + 1) + i);
                    ok(&flywheel(
                        at,
                        &[
                            "purchases",
                            "add",
                            "--email",
                            &format!("c{}@example.com", (i + desk) % CUSTOMERS),
                            "--amount",
                            &format!("{}.{:02}", cents / 100, cents % 100),
                            "--date",
                            &format!("2026-02-{:02}", 1 + (i * 2 + desk) % 28),
                            "--order-id",
                            &format!("desk{desk}-{i}"),
                        ],
                    ));
                }
            }
        };
        let (a, b) = (s.spawn(desk(0)), s.spawn(desk(1)));
        let newcomer = s.spawn(move || {
            start.wait();
            for i in 0..NEW_CONTACTS {
                ok(&flywheel(at, &["contacts", "add", "--email", &format!("new{i}@example.com")]));
            }
        });
        let report = importer.join().unwrap();
        assert!(report.contains(&format!("new {IMPORTED}")), "{report}");
        a.join().unwrap();
        b.join().unwrap();
        newcomer.join().unwrap();
    });

    let conn = db::open(&shop).unwrap();
    let mut want: Vec<(String, i64)> = (0..IMPORTED).map(|i| (format!("imp-{i}"), amount(i))).collect();
    for desk in 0..2 {
        want.extend((0..PER_DESK).map(|i| (format!("desk{desk}-{i}"), amount(10_000 * (desk + 1) + i))));
    }
    want.sort();
    let got: Vec<(String, i64)> = conn
        .prepare("SELECT external_id, amount_minor FROM purchases ORDER BY external_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(got, want, "every purchase each process wrote, once, with its amount");
    let contacts: i64 = conn.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0)).unwrap();
    assert_eq!(contacts, (CUSTOMERS + NEW_CONTACTS) as i64, "every contact, none made twice");
    let customers: i64 = conn.query_row("SELECT count(*) FROM customer_summaries", [], |r| r.get(0)).unwrap();
    assert_eq!(customers, CUSTOMERS as i64);
    summary::check(&conn).unwrap();
}
