//! The shell's commands through Tauri's IPC layer on the mock runtime: argument names, JSON shapes
//! and error serialisation as the window sees them, without opening a window.

mod common;

use common::{app, invoke};
use serde_json::{json, Value};

fn new_contact(first: &str, email: &str) -> Value {
    json!({
        "first_name": first, "last_name": "Tester", "email": email, "phone": "", "company": "Acme",
        "segment": "", "tags": ["vip"], "source": "organic_search", "lead_score": 10, "notes": "",
        "stage": "lead"
    })
}

fn list_query(search: Option<&str>) -> Value {
    json!({ "query": {
        "search": search, "stage": null, "source": null, "include_archived": false,
        "sort": "name", "descending": false, "offset": 0, "limit": 50
    }})
}

#[test]
fn create_then_list_and_read_history() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("f.db"));

    let created =
        invoke(&w, "contacts_create", json!({ "input": new_contact("Ann", "ann@example.com") })).unwrap();
    assert_eq!(created["email"], "ann@example.com");
    assert_eq!(created["stage"], "lead");
    invoke(&w, "contacts_create", json!({ "input": new_contact("Bob", "bob@example.com") })).unwrap();

    let page = invoke(&w, "contacts_list", list_query(Some("ann"))).unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["first_name"], "Ann");

    let history = invoke(&w, "stage_history", json!({ "contactId": created["id"] })).unwrap();
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["stage"], "lead");

    let summary = invoke(&w, "db_summary", json!({})).unwrap();
    assert_eq!(summary["contacts"], 2);
}

#[test]
fn invalid_input_comes_back_as_code_message_field() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("f.db"));
    let err =
        invoke(&w, "contacts_create", json!({ "input": new_contact("Ann", "not-an-email") })).unwrap_err();
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["field"], "email");
    assert!(err["message"].as_str().unwrap().contains("not-an-email"));
    let page = invoke(&w, "contacts_list", list_query(None)).unwrap();
    assert_eq!(page["total"], 0, "a refused contact must not be stored");
}

#[test]
fn missing_contact_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("f.db"));
    let err = invoke(&w, "contacts_get", json!({ "id": 999 })).unwrap_err();
    assert_eq!(err["code"], "not_found");
}

#[test]
fn a_database_from_a_newer_flywheel_is_reported_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    {
        let conn = flywheel_core::db::open(&path).unwrap();
        conn.pragma_update(None, "user_version", flywheel_core::db::SCHEMA_VERSION + 1).unwrap();
    }
    let (_app, w) = app(&path);
    let err = invoke(&w, "db_summary", json!({})).unwrap_err();
    assert_eq!(err["code"], "conflict");
    assert!(err["message"].as_str().unwrap().contains("newer Flywheel"));
}

#[test]
fn flipped_funnel_commands_take_their_arguments_by_camel_case_name() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("f.db"));
    let ann =
        invoke(&w, "contacts_create", json!({ "input": new_contact("Ann", "ann@example.com") })).unwrap();
    let purchase = json!({
        "contact_id": ann["id"], "purchased_on": "2024-03-05", "amount_minor": 6000, "currency": "USD",
        "product": "Website", "quantity": 1, "external_id": null
    });
    let p = invoke(&w, "purchases_create", json!({ "input": purchase })).unwrap();
    let refunded = invoke(&w, "purchases_refund", json!({ "id": p["id"], "amountMinor": 1000 })).unwrap();
    assert_eq!(refunded["refunded_minor"], 1000);
    let totals = invoke(&w, "customers_totals", json!({ "asOf": "2024-03-31" })).unwrap();
    assert_eq!((totals["customers"].clone(), totals["revenue"].clone()), (json!(1), json!(5000)));
    let asked = invoke(
        &w,
        "advocates_ask",
        json!({ "contactId": ann["id"], "kind": "ask_referral", "dueOn": "2024-04-01" }),
    )
    .unwrap();
    assert_eq!(asked["due_on"], "2024-04-01");
    let bob = json!({
        "first_name": "Bob", "last_name": "", "email": "bob@example.com", "phone": "", "company": "",
        "segment": "", "tags": [], "source": "", "lead_score": 0, "notes": "", "stage": null
    });
    let referral = json!({
        "advocate_id": ann["id"], "referred_id": 0, "referred_on": "2024-03-10", "notes": "",
        "reward_minor": 0, "reward_currency": ""
    });
    invoke(&w, "referrals_create_for_new_contact", json!({ "contact": bob, "input": referral })).unwrap();
    let chain = invoke(&w, "referral_chain", json!({ "advocateId": ann["id"], "asOf": null })).unwrap();
    assert_eq!(chain["total"]["referrals"], 1);
    // The report's loop figures sit at the top level, beside the nested parts.
    let report =
        invoke(&w, "flywheel_report", json!({ "query": { "from": null, "to": "2024-03-31" } })).unwrap();
    assert_eq!((report["customers"].clone(), report["referred_leads"].clone()), (json!(1), json!(1)));
    assert_eq!(report["repeat"]["revenue"], 5000);
    let err = invoke(&w, "customers_totals", json!({ "asOf": "31/03/2024" })).unwrap_err();
    assert_eq!((err["code"].clone(), err["field"].clone()), (json!("invalid"), json!("as_of")));
}

#[test]
fn money_read_follows_the_shops_decimal_mark_and_refuses_on_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("m.db"));
    let read = |text: &str| {
        invoke(&w, "money_read", json!({ "field": "amount_minor", "text": text, "currency": "USD" }))
    };
    assert_eq!(read("12,50").unwrap(), 1250);
    let err = read("1,234").unwrap_err();
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("invalid"), Some("amount_minor")));
    let mut s = invoke(&w, "settings_get", json!({})).unwrap();
    assert_eq!(s["decimal_mark"], "auto");
    s["decimal_mark"] = json!("dot");
    invoke(&w, "settings_update", json!({ "settings": s })).unwrap();
    assert_eq!(read("1,234").unwrap(), 123_400);
    let currencies = invoke(&w, "money_currencies", json!({})).unwrap();
    assert!(currencies.as_array().unwrap().iter().any(|c| c == "EUR"));
}

#[test]
fn duplicate_suggestions_run_as_a_job_named_by_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir.path().join("f.db"));
    let ann =
        invoke(&w, "contacts_create", json!({ "input": new_contact("Ann", "ann@example.com") })).unwrap();
    let twin = invoke(&w, "contacts_create", json!({ "input": new_contact("Ann", "ann+shop@example.com") }))
        .unwrap();
    let args = json!({ "jobId": "duplicates-1", "limit": 50 });
    let found = invoke(&w, "merge_suggestions", args.clone()).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    assert_eq!((&found[0]["keep"]["id"], &found[0]["merge"]["id"]), (&ann["id"], &twin["id"]));
    assert_eq!(found[0]["reason"], "same_email");
    // The job has ended: nothing is left to cancel, and its id can be used again.
    assert_eq!(invoke(&w, "job_cancel", json!({ "jobId": "duplicates-1" })).unwrap(), false);
    assert_eq!(invoke(&w, "merge_suggestions", args).unwrap(), found);
}
