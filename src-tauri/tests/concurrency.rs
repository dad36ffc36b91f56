//! A thousand commands at once through the IPC layer, reads and writes mixed, while a second
//! connection (as the `flywheel` CLI would be) writes to the same file: none may fail, and every
//! write must be there afterwards.

mod common;

use common::{app, invoke};
use flywheel_core::contacts::{self, ContactInput};
use serde_json::{json, Value};
use std::sync::Arc;

const THREADS: usize = 8;
const PER_THREAD: usize = 125;
const SIDE_WRITES: usize = 100;

fn contact_input(first: &str, email: &str) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: "Load".into(),
        email: Some(email.into()),
        phone: String::new(),
        company: "Concurrent Co".into(),
        segment: String::new(),
        tags: vec![],
        source: "organic_search".into(),
        lead_score: 5,
        notes: String::new(),
        stage: None,
        owner: None,
    }
}

/// The n-th command of a thread: a quarter writes (contacts, purchases), the rest reads of every kind.
fn command(thread: usize, n: usize, buyer: i64) -> (&'static str, Value) {
    match n % 8 {
        0 => (
            "contacts_create",
            json!({ "input": contact_input(&format!("T{thread}N{n}"), &format!("t{thread}.{n}@load.test")) }),
        ),
        1 => (
            "purchases_create",
            json!({ "input": {
                "contact_id": buyer, "purchased_on": "2026-01-15", "amount_minor": 1000 + n as i64,
                "currency": "USD", "product": "Load", "quantity": 1, "external_id": null
            }}),
        ),
        2 => (
            "contacts_list",
            json!({ "query": {
                "search": "load", "stage": null, "source": null, "include_archived": false,
                "sort": "name", "descending": false, "offset": 0, "limit": 50
            }}),
        ),
        3 => ("flywheel_report", json!({ "query": { "from": null, "to": null } })),
        4 => (
            "funnel_report",
            json!({ "query": { "from": "2025-01-01", "to": "2026-12-31", "channel": null, "segment": null } }),
        ),
        5 => ("db_summary", json!({})),
        6 => ("customers_totals", json!({ "asOf": null })),
        _ => ("contacts_get", json!({ "id": buyer })),
    }
}

#[test]
fn a_thousand_mixed_commands_beside_a_second_writer_all_complete() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let buyer = {
        let conn = flywheel_core::db::open(&path).unwrap();
        contacts::create(&conn, &contact_input("Buyer", "buyer@load.test")).unwrap().id
    };

    let (_app, window) = app(&path);
    let window = Arc::new(window);

    let side_path = path.clone();
    let side = std::thread::spawn(move || {
        let conn = flywheel_core::db::open_existing(&side_path).unwrap();
        (0..SIDE_WRITES)
            .filter_map(|i| {
                contacts::create(&conn, &contact_input("Side", &format!("side{i}@load.test"))).err()
            })
            .map(|e| format!("side write: {e:?}"))
            .collect::<Vec<_>>()
    });
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let window = Arc::clone(&window);
            std::thread::spawn(move || {
                (0..PER_THREAD)
                    .filter_map(|n| {
                        let (cmd, args) = command(t, n, buyer);
                        invoke(&window, cmd, args).err().map(|e| format!("{cmd}: {e}"))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();

    let mut failures = side.join().unwrap();
    for w in workers {
        failures.extend(w.join().unwrap());
    }
    assert!(
        failures.is_empty(),
        "{} of {} commands failed: {:?}",
        failures.len(),
        THREADS * PER_THREAD + SIDE_WRITES,
        &failures[..failures.len().min(5)]
    );

    let writes_per_kind = THREADS * PER_THREAD.div_ceil(8);
    let summary = invoke(&window, "db_summary", json!({})).unwrap();
    assert_eq!(summary["contacts"], 1 + writes_per_kind + SIDE_WRITES);
    let conn = flywheel_core::db::open_existing(&path).unwrap();
    let purchases: i64 = conn.query_row("SELECT count(*) FROM purchases", [], |r| r.get(0)).unwrap();
    assert_eq!(purchases as usize, writes_per_kind);
}
