//! Every write command tells the window which areas changed with the core's typed list for its
//! write path (`flywheel_core::areas`), in the `data-changed` event.

mod common;

use common::{app, invoke};
use flywheel_core::areas;
use serde_json::{json, Value};
use std::sync::mpsc;
use std::time::Duration;
use tauri::Listener;

fn contact(first: &str, email: &str) -> Value {
    json!({ "input": {
        "first_name": first, "last_name": "", "email": email, "phone": "", "company": "", "segment": "",
        "tags": [], "source": "", "lead_score": 0, "notes": "", "stage": null
    }})
}

fn names(list: &[areas::Area]) -> Value {
    json!(list.iter().map(|a| a.as_str()).collect::<Vec<_>>())
}

#[test]
fn writes_announce_their_write_paths_areas() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(&dir.path().join("f.db"));
    let (tx, rx) = mpsc::channel::<Value>();
    app.listen_any("data-changed", move |e| {
        let _ = tx.send(serde_json::from_str(e.payload()).unwrap());
    });
    let heard = || rx.recv_timeout(Duration::from_secs(10)).expect("a data-changed event")["areas"].clone();

    let ann = invoke(&w, "contacts_create", contact("Ann", "ann@example.com")).unwrap();
    assert_eq!(heard(), names(areas::CONTACT));
    assert_eq!(heard_none(&rx), None, "one event per write");
    let ann2 = invoke(&w, "contacts_create", contact("Ann", "ann.b@example.com")).unwrap();
    heard();
    invoke(&w, "contacts_merge", json!({ "survivorId": ann["id"], "mergedId": ann2["id"] })).unwrap();
    let merged = heard();
    assert_eq!(merged, names(areas::MERGE));
    for area in ["testimonials", "nps", "referrals", "followups", "purchases"] {
        assert!(merged.as_array().unwrap().contains(&json!(area)), "a merge announces {area}: {merged}");
    }
    // A read announces nothing.
    invoke(&w, "db_summary", json!({})).unwrap();
    assert_eq!(heard_none(&rx), None);
}

fn heard_none(rx: &mpsc::Receiver<Value>) -> Option<Value> {
    rx.recv_timeout(Duration::from_millis(200)).ok()
}

/// A restore replaces the file under the pool's readers: reads after it see the restored data.
#[test]
fn after_a_restore_every_read_sees_the_restored_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let copy = dir.path().join("copy.db");
    let (_app, w) = app(&path);
    invoke(&w, "contacts_create", contact("Kept", "kept@example.com")).unwrap();
    {
        let conn = flywheel_core::db::open_existing(&path).unwrap();
        let never = std::sync::atomic::AtomicBool::new(false);
        let mut watch = flywheel_core::export::Watch { progress: &mut |_| {}, cancel: &never };
        flywheel_core::backup::backup(&conn, &copy, &mut watch).unwrap();
    }
    invoke(&w, "contacts_create", contact("Later", "later@example.com")).unwrap();
    let w = std::sync::Arc::new(w);
    // Reads side by side, so several readers are open and have read the state before the restore.
    let counts = || {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let w = std::sync::Arc::clone(&w);
                std::thread::spawn(move || {
                    (0..4)
                        .map(|_| invoke(&w, "db_summary", json!({})).unwrap()["contacts"].clone())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads.into_iter().flat_map(|t| t.join().unwrap()).collect::<Vec<_>>()
    };
    assert!(counts().iter().all(|n| *n == json!(2)));
    invoke(&w, "backup_restore", json!({ "path": copy.to_string_lossy() })).unwrap();
    let after = counts();
    assert!(after.iter().all(|n| *n == json!(1)), "{after:?}");
}
