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
