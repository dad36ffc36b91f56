//! "Customer since" in the real window: two backdated purchases, the earlier one entered last,
//! make the contact a customer since the day of the earliest, and the timeline lists that stage
//! in date order with the purchases, after the purchase that caused it.

use crate::harness::App;

/// Sets an input's value as typing would (date inputs take no keys through WebKitWebDriver).
async fn set_value(app: &App, testid: &str, value: &str) {
    let el = app.el(testid).await;
    let arg = serde_json::to_value(&el).unwrap();
    app.client
        .execute(
            "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
            vec![arg, serde_json::json!(value)],
        )
        .await
        .unwrap();
}

async fn record_purchase(app: &App, day: &str, amount: &str) {
    app.click("contact-record-purchase").await;
    set_value(app, "input-purchased_on", day).await;
    app.fill("input-amount", amount).await;
    app.fill("input-product", "Website").await;
    app.click("save-purchase").await;
    app.until("the purchase form closes", || async { app.all("purchase-form").await.is_empty() }).await;
}

/// "10 Nov 2025" or "Nov 10, 2025", as the window's locale writes the day.
fn is_10_nov_2025(text: &str) -> bool {
    text.contains("Nov")
        && text.contains("2025")
        && text.split(|c: char| !c.is_ascii_digit()).any(|n| n == "10")
}

#[tokio::test]
async fn backdated_purchases_make_a_customer_since_the_earliest_purchase_day() {
    let app = App::start().await;
    app.click("start-empty").await;
    app.click("nav-contacts").await;
    app.click("add-contact").await;
    app.fill("input-first_name", "Sam").await;
    app.fill("input-email", "sam@example.com").await;
    app.click("save-contact").await;
    app.until("the new contact's detail", || async { app.text("detail-name").await == "Sam" }).await;

    // Entered today, dated in November: the later one first, then the earlier one.
    record_purchase(&app, "2025-11-24", "25").await;
    record_purchase(&app, "2025-11-10", "40").await;
    app.until("two purchases on the timeline", || async {
        app.text_contents("[data-testid=timeline-entry]")
            .await
            .iter()
            .filter(|t| t.contains("Bought"))
            .count()
            == 2
    })
    .await;
    app.until("customer since 10 Nov 2025", || async {
        app.text("detail-stage").await == "Customer" && is_10_nov_2025(&app.text("detail-since").await)
    })
    .await;

    // Newest first: the purchase of 24 Nov, then the customer stage, then the purchase of 10 Nov.
    let entries = app.text_contents("[data-testid=timeline-entry]").await;
    let find = |what: &str| {
        entries.iter().position(|t| t.contains(what)).unwrap_or_else(|| panic!("no '{what}' in {entries:#?}"))
    };
    let (later, customer, earlier) = (find("25.00"), find("Customer"), find("40.00"));
    assert!(later < customer && customer < earlier, "{entries:#?}");
    assert!(is_10_nov_2025(&entries[customer]), "the stage shows the purchase's day: {entries:#?}");
    app.close().await;
}
