//! The people commands through Tauri's IPC layer on the mock runtime, on a solo file: no people,
//! no one logged in, "Mine" is everyone's, nobody recorded on a handoff, and a contact's owner
//! refused when it names no person (the field the form shows the message beside).

mod common;

use common::{app, invoke};
use serde_json::json;

#[test]
fn a_solo_file_has_no_people_and_the_handoff_is_everyones() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("f.db"));
    let lead = |owner: Option<&str>| {
        json!({ "input": {
            "first_name": "Hot", "last_name": "", "email": "hot@example.com", "phone": "", "company": "",
            "segment": "", "tags": [], "source": "paid_search", "lead_score": 90, "notes": "", "stage": "lead",
            "owner": owner
        }})
    };
    let err = invoke(&w, "contacts_create", lead(Some("sam"))).unwrap_err();
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("invalid"), Some("owner")));
    let hot = invoke(&w, "contacts_create", lead(None)).unwrap();
    assert_eq!((hot["stage"].as_str(), &hot["owner"]), (Some("mql"), &json!(null)));

    assert_eq!(invoke(&w, "people_list", json!({})).unwrap(), json!([]));
    assert_eq!(invoke(&w, "people_me", json!({})).unwrap(), json!(null));
    let mine = invoke(&w, "handoff_queue_mine", json!({})).unwrap();
    assert_eq!(mine["items"], invoke(&w, "handoff_queue", json!({})).unwrap()["items"]);
    assert_eq!(mine["total"], 1);
    let by = invoke(&w, "handoff_by_person", json!({ "from": "2026-01-01", "to": "2026-12-31" })).unwrap();
    assert_eq!(by, json!([]));
    let err =
        invoke(&w, "handoff_by_person", json!({ "from": "2026-12-31", "to": "2026-01-01" })).unwrap_err();
    assert_eq!(err["field"].as_str(), Some("to"));
}
