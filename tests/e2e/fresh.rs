//! Fresh figures in the real window: a purchase recorded on a contact shows on the Dashboard at
//! once (customers, repeat customers, revenue), with nothing kept from before the write.

use crate::harness::App;

async fn record_purchase(app: &App, amount: &str) {
    app.click("contact-record-purchase").await;
    app.fill("input-amount", amount).await;
    app.fill("input-product", "Website").await;
    app.click("save-purchase").await;
    app.until("the purchase form closes", || async { app.all("purchase-form").await.is_empty() }).await;
}

async fn dashboard(app: &App) -> (String, String, String) {
    app.click("nav-dashboard").await;
    app.until("the dashboard's figures", || async { !app.all("dash-customers").await.is_empty() }).await;
    (
        app.text("dash-customers").await,
        app.text("dash-repeat-customers").await,
        app.text("dash-revenue").await,
    )
}

#[tokio::test]
async fn a_recorded_purchase_changes_the_dashboard_figures_at_once() {
    let app = App::start().await;
    app.click("start-empty").await;
    // The Dashboard computed once before the write, so a figure kept from then would show.
    let (customers, repeat, revenue) = dashboard(&app).await;
    assert_eq!((customers.as_str(), repeat.as_str()), ("0", "0"), "no customer before the purchase");
    assert!(revenue.contains("0.00"), "no revenue before the purchase: {revenue}");

    app.click("nav-contacts").await;
    app.click("add-contact").await;
    app.fill("input-first_name", "Sam").await;
    app.fill("input-email", "sam@example.com").await;
    app.click("save-contact").await;
    app.until("the new contact's detail", || async { app.text("detail-name").await == "Sam" }).await;
    record_purchase(&app, "40").await;

    let (customers, repeat, revenue) = dashboard(&app).await;
    assert_eq!((customers.as_str(), repeat.as_str()), ("1", "0"), "Sam is a customer now");
    assert!(revenue.contains("40.00"), "the purchase is the period's revenue: {revenue}");
    app.close().await;
}
