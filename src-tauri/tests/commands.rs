//! The shell's commands through Tauri's IPC layer on the mock runtime: argument names, JSON shapes
//! and error serialisation as the window sees them, without opening a window.

use flywheel_app::{attach, specta_builder, store::Store};
use serde_json::{json, Value};
use std::path::Path;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

fn app(db: &Path) -> (App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let specta = specta_builder::<MockRuntime>();
    let app =
        mock_builder().invoke_handler(specta.invoke_handler()).build(mock_context(noop_assets())).unwrap();
    attach(&app, &specta, Store::open(db));
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    (app, window)
}

fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    tauri::test::get_ipc_response(w, request).map(|b| b.deserialize::<Value>().unwrap())
}

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
