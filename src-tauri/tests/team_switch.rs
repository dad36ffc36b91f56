//! Switching the window's database at run time through the shell's commands (Tauri's mock
//! runtime): from this computer's file to a team database on the throwaway PostgreSQL
//! (`FLYWHEEL_TEST_PG`) and back, each time seeing that database's data; a failed switch leaves
//! the database in use; the password goes to the keyring (here a stand-in), never to the file.

mod common;

use common::{app, invoke};
use flywheel_app::location::{self, Location, MemorySecrets, Secrets, SETTINGS_FILE};
use flywheel_core::team_login::TeamLogin;
use flywheel_core::testpg;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tauri::{Listener, Manager};

fn contact(first: &str, email: &str) -> Value {
    json!({ "input": {
        "first_name": first, "last_name": "Tester", "email": email, "phone": "", "company": "",
        "segment": "", "tags": [], "source": "organic_search", "lead_score": 0, "notes": "", "stage": "lead"
    }})
}

fn names(w: &tauri::WebviewWindow<tauri::test::MockRuntime>) -> Vec<String> {
    let page = invoke(
        w,
        "contacts_list",
        json!({ "query": {
            "search": null, "stage": null, "source": null, "include_archived": false,
            "sort": "name", "descending": false, "offset": 0, "limit": 50
        }}),
    )
    .unwrap();
    page["items"].as_array().unwrap().iter().map(|c| c["first_name"].as_str().unwrap().to_owned()).collect()
}

/// Shares the test's password store with the app's state.
struct Shared(Arc<MemorySecrets>);
impl Secrets for Shared {
    fn get(&self, a: &str) -> flywheel_core::Result<Option<String>> {
        self.0.get(a)
    }
    fn set(&self, a: &str, p: &str) -> flywheel_core::Result<()> {
        self.0.set(a, p)
    }
    fn delete(&self, a: &str) -> flywheel_core::Result<()> {
        self.0.delete(a)
    }
}

#[test]
fn switches_from_the_file_to_a_team_database_and_back_seeing_each_ones_data() {
    // An empty database of the test's own: the switch sets up the schema, as for a new team.
    let Some(team) = testpg::database("flywheel_empty_for_switch", |_| Ok(())) else {
        return println!("skipped: FLYWHEEL_TEST_PG not set");
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.db");
    let settings = dir.path().join("config").join(SETTINGS_FILE);
    let (app, w) = app(&file);
    let secrets = Arc::new(MemorySecrets::default());
    app.manage(Location::new(Some(settings.clone()), file.clone(), Box::new(Shared(Arc::clone(&secrets)))));
    let reloads = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&reloads);
    app.listen_any("data-changed", move |e| {
        if e.payload().contains("\"all\"") {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });

    invoke(&w, "contacts_create", contact("Ann", "ann@example.com")).unwrap();
    let here = invoke(&w, "db_location", json!({})).unwrap();
    assert_eq!(here["team"], false);
    assert_eq!(here["label"], "This computer: shop.db");

    let login = TeamLogin::of_url(&team.url).unwrap();
    let form = serde_json::to_value(&login).unwrap();
    // A wrong database, an unknown user, a host with nothing listening: each beside its field,
    // and the file stays in use.
    for (field, bad) in [
        ("database", TeamLogin { database: "no_such_db".into(), ..login.clone() }),
        ("user", TeamLogin { user: "nobody_here".into(), ..login.clone() }),
        ("host", TeamLogin { host: "127.0.0.1".into(), port: 1, ..login.clone() }),
    ] {
        let bad = serde_json::to_value(&bad).unwrap();
        let e = invoke(&w, "team_test", json!({ "login": bad, "password": "" })).unwrap_err();
        assert_eq!(e["field"], field, "{e}");
        let e = invoke(&w, "team_use", json!({ "login": bad, "password": "" })).unwrap_err();
        assert_eq!(e["field"], field, "{e}");
    }
    assert_eq!(names(&w), ["Ann"], "a failed switch leaves the file in use");
    assert_eq!(reloads.load(Ordering::SeqCst), 0, "no reload for a failed switch");
    assert!(!settings.exists(), "nothing chosen yet");

    let check = invoke(&w, "team_test", json!({ "login": form, "password": "" })).unwrap();
    assert!(!check["server_version"].as_str().unwrap().is_empty(), "{check}");
    assert_eq!(check["schema_version"], 0, "{check}");

    // The cluster trusts its user, so any password gets in: this one only travels to the keyring.
    let password = "s3cr:t@/&?é";
    let there = invoke(&w, "team_use", json!({ "login": form, "password": password })).unwrap();
    assert_eq!(there["team"], true);
    assert_eq!(there["label"], format!("Team: {} on {} as flywheel", team.name, login.host));
    assert_eq!(invoke(&w, "db_location", json!({})).unwrap(), there);
    assert_eq!(reloads.load(Ordering::SeqCst), 1, "every view reloads after the switch");
    assert!(names(&w).is_empty(), "the team database's own (empty) data: {:?}", names(&w));
    invoke(&w, "contacts_create", contact("Bob", "bob@example.com")).unwrap();
    assert_eq!(names(&w), ["Bob"]);
    let summary = invoke(&w, "db_summary", json!({})).unwrap();
    assert!(!summary.to_string().contains("s3cr"), "the window never gets the password: {summary}");

    assert_eq!(secrets.get(&location::account(&login)).unwrap().as_deref(), Some(password));
    let saved = std::fs::read_to_string(&settings).unwrap();
    assert!(!saved.contains("s3cr") && !saved.contains("%40"), "{saved}");
    assert!(saved.contains("\"use_team\": true") && saved.contains(&team.name), "{saved}");

    let back = invoke(&w, "file_use", json!({})).unwrap();
    assert_eq!(back["label"], "This computer: shop.db");
    assert_eq!(names(&w), ["Ann"]);
    assert!(std::fs::read_to_string(&settings).unwrap().contains("\"use_team\": false"));
    let form_state = invoke(&w, "team_form", json!({})).unwrap();
    assert_eq!(form_state["login"], form, "the form keeps the login for next time");
    assert_eq!(form_state["password_saved"], true);

    // Again, the password left empty: the kept one is used.
    invoke(&w, "team_use", json!({ "login": form, "password": "" })).unwrap();
    assert_eq!(names(&w), ["Bob"]);
    let bad = serde_json::to_value(TeamLogin { database: "no_such_db".into(), ..login.clone() }).unwrap();
    invoke(&w, "team_use", json!({ "login": bad, "password": "" })).unwrap_err();
    assert_eq!(names(&w), ["Bob"], "a failed switch leaves the team database in use");
    invoke(&w, "file_use", json!({})).unwrap();
    assert_eq!(names(&w), ["Ann"]);
    assert_eq!(reloads.load(Ordering::SeqCst), 4);
}
