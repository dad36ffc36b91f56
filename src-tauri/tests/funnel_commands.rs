//! The funnel's commands through Tauri's IPC layer on the mock runtime: argument names, JSON
//! shapes and field errors as the window sees them.

mod common;

use common::{app, invoke};
use serde_json::{json, Value};

fn lead(name: &str, score: i64) -> Value {
    json!({ "input": {
        "first_name": name, "last_name": "", "email": format!("{name}@example.com"), "phone": "",
        "company": "", "segment": "", "tags": [], "source": "paid_search", "lead_score": score,
        "notes": "", "stage": "lead"
    }})
}

fn today() -> String {
    flywheel_core::time::format_day(flywheel_core::time::today())
}

#[test]
fn score_to_mql_then_the_queue_then_reject_and_accept() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("f.db"));
    let hot = invoke(&w, "contacts_create", lead("hot", 80)).unwrap();
    assert_eq!(hot["stage"], "mql");
    let other = invoke(&w, "contacts_create", lead("other", 90)).unwrap();

    let queue = invoke(&w, "handoff_queue", json!({})).unwrap();
    assert_eq!(queue["total"], 2);
    assert_eq!(queue["sla_hours"], 24);
    assert_eq!(queue["items"][0]["qualified_reason"], "score ≥ 75");
    assert!(queue["items"][0]["seconds_left"].as_i64().unwrap() > 23 * 3600);

    let err = invoke(&w, "handoff_reject", json!({ "contactId": hot["id"], "reason": " " })).unwrap_err();
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("invalid"), Some("reason")));
    let ev = invoke(&w, "handoff_reject", json!({ "contactId": hot["id"], "reason": "student" })).unwrap();
    assert_eq!((ev["stage"].as_str(), ev["actor"].as_str()), (Some("lead"), Some("sales")));
    invoke(&w, "handoff_accept", json!({ "contactId": other["id"], "reason": "" })).unwrap();

    let day = today();
    let report = invoke(
        &w,
        "funnel_report",
        json!({ "query": { "from": day, "to": day, "channel": null, "segment": null } }),
    )
    .unwrap();
    assert_eq!(report["stages"][3]["stage"], "sql");
    assert_eq!(report["stages"][3]["entered"], 1);
    assert_eq!(report["handoff"]["rejection_reasons"][0]["reason"], "student");
    let channels = invoke(&w, "channel_report", json!({ "query": { "from": day, "to": day } })).unwrap();
    assert_eq!(channels["total"]["leads"], 2);

    let view = invoke(&w, "contact_funnel", json!({ "contactId": hot["id"] })).unwrap();
    assert_eq!((view["stage"].as_str(), view["score"]["score"].as_i64()), (Some("lead"), Some(80)));
}

#[test]
fn moves_rules_settings_and_spend_explain_their_errors_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("f.db"));
    let c = invoke(&w, "contacts_create", lead("ann", 10)).unwrap();
    let back = json!({ "contactId": c["id"], "input": { "stage": "subscriber", "actor": "marketing", "reason": "" } });
    assert_eq!(invoke(&w, "stage_move", back).unwrap_err()["field"], "reason");
    let fwd =
        json!({ "contactId": c["id"], "input": { "stage": "opportunity", "actor": "sales", "reason": "" } });
    let moved = invoke(&w, "stage_move", fwd).unwrap();
    assert_eq!(moved["kind"], "skip");
    assert_eq!(moved["skipped"], json!(["mql", "sql"]));
    let many = json!({ "contactIds": [c["id"]], "input": { "stage": "opportunity", "actor": "sales", "reason": "" } });
    assert_eq!(invoke(&w, "stage_move_many", many).unwrap()["unchanged"], json!([c["id"]]));

    let rule = json!({ "input": { "kind": "tag", "value": "vip", "points": 0 } });
    assert_eq!(invoke(&w, "score_rule_create", rule).unwrap_err()["field"], "points");
    let rule = json!({ "input": { "kind": "source", "value": "paid_search", "points": 20 } });
    let created = invoke(&w, "score_rule_create", rule).unwrap();
    assert_eq!(invoke(&w, "score_rules_list", json!({})).unwrap()[0]["id"], created["id"]);

    let mut s = invoke(&w, "settings_get", json!({})).unwrap();
    assert_eq!((s["mql_threshold"].as_i64(), s["sla_hours"].as_i64()), (Some(75), Some(24)));
    s["sla_hours"] = json!(0);
    assert_eq!(invoke(&w, "settings_update", json!({ "settings": s })).unwrap_err()["field"], "sla_hours");

    let spend = json!({ "input": { "channel_key": "paid_search", "month": "2025-13", "amount_minor": 100,
                                    "currency": "USD", "visitors": 10 } });
    assert_eq!(invoke(&w, "spend_set", spend).unwrap_err()["field"], "month");
    let spend = json!({ "input": { "channel_key": "paid_search", "month": "2025-03", "amount_minor": 20000,
                                    "currency": "USD", "visitors": 100 } });
    invoke(&w, "spend_set", spend).unwrap();
    let rows = invoke(&w, "spend_list", json!({ "fromMonth": "2025-01", "toMonth": "2025-12" })).unwrap();
    assert_eq!(rows[0]["amount_minor"], 20000);
    assert_eq!(invoke(&w, "channels_create", json!({ "name": "Trade fair" })).unwrap()["key"], "trade_fair");
}
