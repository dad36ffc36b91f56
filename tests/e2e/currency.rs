//! Purchases in another currency in the real window: a €30 order in the USD sample shop is named
//! on the Customers page and the Dashboard instead of vanishing, and a European shop importing its
//! own euro file into a new database is asked whether EUR is its currency, then sees its customers.

use crate::harness::App;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::time;

fn fixture(name: &str) -> String {
    format!("{}/../src-tauri/core/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The small sample shop (USD) with one more customer, who bought once for €30.00.
fn sample_with_a_euro_order() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let conn = flywheel_core::db::open(&path).unwrap();
    let today = time::today();
    sample::generate(&conn, SampleSize::Small, today).unwrap();
    let input = ContactInput {
        first_name: "Elke".into(),
        last_name: "Euro".into(),
        email: Some("elke@example.de".into()),
        ..ContactInput::default()
    };
    let elke = contacts::create(&conn, &input).unwrap().id;
    let day = today.pred_opt().unwrap();
    let order = PurchaseInput {
        contact_id: elke,
        purchased_on: time::format_day(day),
        amount_minor: 3000,
        currency: "EUR".into(),
        product: "Gift card".into(),
        quantity: 1,
        external_id: None,
    };
    purchases::create(&conn, &order).unwrap();
    (dir, path)
}

const SENTENCE: &str = "1 customer buys only in EUR, not counted in USD figures (1 purchase, €30.00).";

/// Money as the window shows it: the UI groups thousands itself (ui/src/lib/format.ts), so WebKit
/// under Xvfb, whose locale data has no grouping, writes `€1,714.89` as en-US does.
fn plain(text: &str) -> String {
    text.trim().to_owned()
}

#[tokio::test]
async fn a_euro_order_in_the_usd_sample_shop_is_named_on_customers_and_dashboard() {
    let (dir, db) = sample_with_a_euro_order();
    let app = App::start_on(dir, db).await;

    app.click("nav-customers").await;
    app.until("the customer totals", || async { !app.all("total-customers").await.is_empty() }).await;
    let said = app.text("customers-other-currencies").await;
    assert_eq!(plain(&said), SENTENCE);

    app.click("nav-dashboard").await;
    let said = app.text("dash-other-currencies").await;
    assert_eq!(plain(&said), SENTENCE);
    app.close().await;
}

#[tokio::test]
async fn a_euro_file_into_a_new_database_asks_and_then_counts_its_customers() {
    let app = App::start().await;
    app.click("start-empty").await;
    app.click("nav-import").await;
    app.fill("import-path", &fixture("euro_orders.csv")).await;
    app.click("import-read").await;
    app.until("the file is read", || async { !app.all("import-preview").await.is_empty() }).await;
    app.click("import-preview").await;
    app.el("import-report").await;
    assert_eq!(app.text("count-inserted").await, "6");
    assert_eq!(app.text("count-rejected").await, "0");

    // The question, and until it is answered no commit.
    let asked = app.text("import-currency-question").await;
    assert!(asked.contains("Your file's amounts are all in EUR. Use EUR as the shop currency?"), "{asked}");
    // Kept in USD, the preview says who would be left out.
    let left_out = plain(&app.text("import-other-currencies").await);
    assert_eq!(left_out, "3 customers buy only in EUR, not counted in USD figures (6 purchases, €1,714.89).");
    assert!(!app.el("import-commit").await.is_enabled().await.unwrap());

    app.click("import-currency-yes").await;
    let adopted = app.text("import-adopted").await;
    assert!(adopted.contains("EUR will become the shop currency (was USD)"), "{adopted}");
    app.until("nothing left out", || async { app.all("import-other-currencies").await.is_empty() }).await;
    app.click("import-commit").await;
    app.el("import-result").await;
    let adopted = app.text("import-adopted").await;
    assert!(adopted.contains("EUR is now the shop currency (was USD)"), "{adopted}");

    // anna (3 days) and jonas (2 days) came back; claire bought once: 1714.89 EUR in all.
    app.click("nav-customers").await;
    app.until("three customers", || async { app.text("total-customers").await == "3" }).await;
    assert_eq!(app.text("total-repeat-customers").await, "2");
    assert_eq!(plain(&app.text("total-revenue").await), "€1,714.89");
    assert!(app.all("customers-other-currencies").await.is_empty());
    app.close().await;
}
