//! Words a shop owner reads on the Customers page (issue 11): plain column names with the standard
//! ones in tooltips, no "$0.00" average repeat order for a one-time buyer who spent $1,200, and
//! money with its thousands separated in the real window (WebKit under Xvfb groups none itself).

use crate::harness::App;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::time;

/// A shop with one customer, Olga, who bought once for $1,200.00 yesterday.
fn one_time_buyer() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let conn = flywheel_core::db::open(&path).unwrap();
    let input =
        ContactInput { first_name: "Olga".into(), last_name: "Once".into(), ..ContactInput::default() };
    let olga = contacts::create(&conn, &input).unwrap().id;
    let order = PurchaseInput {
        contact_id: olga,
        purchased_on: time::format_day(time::today().pred_opt().unwrap()),
        amount_minor: 120_000,
        currency: "USD".into(),
        product: "Espresso machine".into(),
        quantity: 1,
        external_id: None,
    };
    purchases::create(&conn, &order).unwrap();
    (dir, path)
}

#[tokio::test]
async fn a_one_time_buyer_has_no_average_repeat_order_and_money_is_grouped() {
    let (dir, db) = one_time_buyer();
    let app = App::start_on(dir, db).await;
    app.click("nav-customers").await;
    app.until("Olga is listed", || async { app.all("customer-row").await.len() == 1 }).await;

    let heads = app.text_contents("[data-testid=customers-table] th").await;
    let heads: Vec<String> = heads.iter().map(|h| h.trim().to_owned()).collect();
    for plain in ["Days from first to last purchase", "Days since first purchase", "Average repeat order"] {
        assert!(heads.iter().any(|h| h == plain), "{plain} in {heads:?}");
    }
    assert!(!heads.iter().any(|h| h == "Recency" || h == "T" || h == "Monetary"), "{heads:?}");
    let script =
        "return [...document.querySelectorAll('[data-testid=customers-table] th')].map((h) => h.title);";
    let titles = app.client.execute(script, vec![]).await.unwrap().to_string();
    for standard in ["Recency", "T (customer age)", "Monetary value"] {
        assert!(titles.contains(standard), "{standard} kept in a tooltip: {titles}");
    }

    let cell = app.el("cell-repeat-order").await;
    assert_eq!(app.text_of(&cell).await.trim(), "—");
    assert!(cell.attr("title").await.unwrap().unwrap_or_default().starts_with("No repeat order yet"));
    let row = app.cells("[data-testid=customer-row]").await.remove(0);
    assert!(row.iter().any(|c| c.trim() == "$1,200.00"), "the total spent, grouped: {row:?}");
    assert!(!row.iter().any(|c| c.contains("$0.00")), "{row:?}");
    assert!(app.text("total-revenue").await.contains("$1,200.00"), "the Revenue tile, grouped");
    app.close().await;
}
