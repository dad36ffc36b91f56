//! Import and export in the real window: a Shopify orders file through the wizard (the test hands
//! the path to the wizard's file field instead of clicking the native dialog), its preview with
//! one row error, the commit, the customers it made, and referral-sourced leads exported to a file.

use crate::harness::App;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::referrals::{self, ReferralInput};

fn fixture(name: &str) -> String {
    format!("{}/../src-tauri/core/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A database with an advocate (Ann, also a customer in the Shopify file) who referred Zed.
fn prepared() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let conn = flywheel_core::db::open(&path).unwrap();
    let person = |first: &str, last: &str, email: &str| {
        let input = ContactInput {
            first_name: first.into(),
            last_name: last.into(),
            email: Some(email.into()),
            ..ContactInput::default()
        };
        contacts::create(&conn, &input).unwrap().id
    };
    let ann = person("Ann", "Lee", "ann@example.com");
    let zed = person("Zed", "Park", "zed@example.com");
    let input = ReferralInput {
        advocate_id: ann,
        referred_id: zed,
        referred_on: "2024-03-10".into(),
        ..Default::default()
    };
    referrals::create(&conn, &input).unwrap();
    (dir, path)
}

#[tokio::test]
async fn import_shopify_orders_through_the_wizard_then_export_referral_leads() {
    let (dir, db) = prepared();
    let out = dir.path().join("leads-hubspot.csv");
    let app = App::start_on(dir, db).await;
    app.click("nav-import").await;

    app.fill("import-path", &fixture("shopify_orders.csv")).await;
    app.click("import-read").await;
    app.until("the format is detected", || async { app.text("import-format").await == "Shopify orders" })
        .await;
    app.click("import-preview").await;
    app.el("import-report").await;
    // 8 rows: four orders to store, a cancelled and a pending one skipped, one bad date.
    assert_eq!(app.text("count-inserted").await, "4");
    assert_eq!(app.text("count-skipped").await, "2");
    assert_eq!(app.text("count-rejected").await, "1");
    let errors = app.all("row-error").await;
    assert_eq!(errors.len(), 1);
    let error = app.text_of(&errors[0]).await;
    assert!(error.contains('9') && error.contains("Paid at") && error.contains("2024-13-45"), "{error}");
    let first = app.text_of(&app.all("preview-row").await[0]).await;
    assert!(
        first.contains("#1001") && first.contains("ann@example.com") && first.contains("45.00 USD"),
        "{first}"
    );

    app.click("import-commit").await;
    app.el("import-result").await;
    assert_eq!(app.text("count-inserted").await, "4");
    app.until("the import is listed", || async { app.all("import-row").await.len() == 1 }).await;

    // The customers and their repeat figures: Ann bought on 5 March and 2 April (a repeat
    // customer); Bob once; Carol's order was refunded in full, so she does not count.
    app.click("nav-customers").await;
    app.until("two customers", || async { app.text("total-customers").await == "2" }).await;
    assert_eq!(app.text("total-repeat-customers").await, "1");

    app.click("nav-import").await;
    app.fill("export-leads-path", &out.to_string_lossy()).await;
    app.click("export-leads-run").await;
    let told = app.text("export-leads-result").await;
    // One record, in the singular, and where it went in full.
    assert!(told.contains(&format!("Wrote 1 record to {}", out.display())), "{told}");
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "First Name,Last Name,Email,Phone Number,Company Name,Lifecycle Stage,Lead Status,Original Source,Referred By,Referred By Email,Referral Date"
    );
    assert_eq!(lines[1], "Zed,Park,zed@example.com,,,Lead,New,Referrals,Ann Lee,ann@example.com,2024-03-10");
    app.close().await;
}
