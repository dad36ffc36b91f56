//! The import wizard says why it recognised a file's format and which columns it leaves out, and
//! keeps that list true as the user changes the mapping (issue 11).

use crate::harness::App;
use flywheel_core::contacts::{self, ContactInput};

fn fixture(name: &str) -> String {
    format!("{}/../src-tauri/core/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn the_wizard_says_why_and_what_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    // A shop with one contact, so the app opens on its pages rather than the welcome screen.
    let conn = flywheel_core::db::open(&db).unwrap();
    let someone = ContactInput { email: Some("zed@example.com".into()), ..ContactInput::default() };
    contacts::create(&conn, &someone).unwrap();
    drop(conn);
    let app = App::start_on(dir, db).await;
    app.click("nav-import").await;

    app.fill("import-path", &fixture("european_1252.csv")).await;
    app.click("import-read").await;
    app.until("the spreadsheet is read", || async {
        app.text("import-format").await == "Spreadsheet (generic CSV)"
    })
    .await;
    let reason = app.text("import-format-reason").await;
    assert!(reason.contains("read by its name"), "{reason}");
    assert_eq!(app.text("import-unmapped").await, "Not imported (1 column): Straße");
    app.el("map-4").await.select_by_value("notes").await.unwrap();
    app.until("the list follows the mapping", || async {
        app.text("import-unmapped").await == "Every column is imported."
    })
    .await;

    app.fill("import-path", &fixture("stripe_payments_current.csv")).await;
    app.click("import-read").await;
    app.until("Stripe's current export is recognised", || async {
        app.text("import-format").await == "Stripe payments"
    })
    .await;
    let reason = app.text("import-format-reason").await;
    assert!(reason.starts_with("Stripe payments: has id, Created date (UTC), Amount"), "{reason}");
    let unmapped = app.text("import-unmapped").await;
    assert!(unmapped.contains("order_id (metadata)") && !unmapped.contains("Customer Email"), "{unmapped}");
    app.click("import-preview").await;
    app.el("import-report").await;
    // Three paid payments; the failed one is skipped.
    assert_eq!(app.text("count-inserted").await, "3");
    assert_eq!(app.text("count-skipped").await, "1");
    app.close().await;
}
