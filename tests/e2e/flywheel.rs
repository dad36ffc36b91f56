//! The flipped funnel in the real window: two purchases make a repeat customer; an approved
//! testimonial makes an advocate; their referral buys, the reward is owed, and the leaderboard and
//! the loop figures move.

use crate::harness::App;
use fantoccini::Locator;

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

/// Adds a contact through the Contacts page; its detail stays open.
async fn add_contact(app: &App, first: &str, email: &str) {
    app.click("nav-contacts").await;
    app.click("add-contact").await;
    app.fill("input-first_name", first).await;
    app.fill("input-email", email).await;
    app.click("save-contact").await;
    app.until("the new contact's detail", || async { app.text("detail-name").await == first }).await;
}

/// Fills the open purchase form and saves it.
async fn purchase(app: &App, day: Option<&str>, amount: &str) {
    if let Some(day) = day {
        set_value(app, "input-purchased_on", day).await;
    }
    app.fill("input-amount", amount).await;
    app.fill("input-product", "Website").await;
    app.click("save-purchase").await;
    app.until("the purchase form closes", || async { app.all("purchase-form").await.is_empty() }).await;
}

/// Picks the first contact a picker finds for `search`.
async fn pick(app: &App, picker: &str, search: &str) {
    app.fill(picker, search).await;
    let option = format!("{picker}-option");
    app.until("the picker offers a contact", || async { !app.all(&option).await.is_empty() }).await;
    app.all(&option).await[0].click().await.unwrap();
    app.el(&format!("{picker}-chosen")).await;
}

/// The text of a dashboard figure once the dashboard shows it.
async fn figure(app: &App, testid: &str) -> String {
    app.text(testid).await.trim().to_owned()
}

async fn wait_figure(app: &App, testid: &str, expected: &str) {
    app.until(&format!("{testid} shows {expected}"), || async { figure(app, testid).await == expected })
        .await;
}

#[tokio::test]
async fn two_purchases_on_different_days_make_a_repeat_customer() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_contact(&app, "Ann", "ann@example.com").await;
    app.click("contact-record-purchase").await;
    purchase(&app, Some("2024-03-01"), "40").await;
    app.until("a customer", || async { app.text("badge-customer").await == "Customer" }).await;

    app.click("nav-customers").await;
    app.until("one customer listed", || async { app.all("customer-row").await.len() == 1 }).await;
    assert!(app.all("repeat-badge").await.is_empty(), "one purchase day is no repeat yet");
    assert_eq!(app.text("total-repeat-customers").await, "0");

    // The second purchase, on another day, from the customer's own panel.
    // A table row takes no click through WebKitWebDriver; its first cell does.
    app.all("customer-row").await[0].find(Locator::Css("td")).await.unwrap().click().await.unwrap();
    app.click("record-purchase-here").await;
    purchase(&app, Some("2024-03-15"), "25").await;
    app.until("a repeat customer", || async { app.all("repeat-badge").await.len() == 1 }).await;
    assert_eq!(app.text("cell-frequency").await, "1");
    assert_eq!(app.text("total-repeat-customers").await, "1");
    assert_eq!(app.all("purchase-row").await.len(), 2);
    app.close().await;
}

#[tokio::test]
async fn an_approved_testimonial_and_a_referral_that_buys_turn_the_loop() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_contact(&app, "Ann", "ann@example.com").await;
    app.click("contact-record-purchase").await;
    purchase(&app, None, "80").await;

    app.click("nav-dashboard").await;
    wait_figure(&app, "dash-customers", "1").await;
    assert_eq!(figure(&app, "dash-advocates").await, "0");

    // Ann's testimonial, received, then approved on the board: Ann becomes an advocate.
    app.click("nav-testimonials").await;
    app.click("add-testimonial").await;
    pick(&app, "testimonial-contact", "Ann").await;
    app.fill("input-headline", "Fast and friendly").await;
    app.fill("input-quote", "They rebuilt our shop in a week.").await;
    app.fill("input-rating", "5").await;
    app.click("input-consent-publish").await;
    app.click("save-testimonial").await;
    let received = app.el("column-received").await;
    app.until("the testimonial is received", || async {
        received
            .find_all(Locator::Css("[data-testid=\"testimonial-card\"]"))
            .await
            .map(|c| c.len())
            .unwrap_or(0)
            == 1
    })
    .await;
    assert!(app.text("card-consent").await.contains("May publish"));
    app.click("move-approved").await;
    let approved = app.el("column-approved").await;
    app.until("the testimonial is approved", || async {
        approved
            .find_all(Locator::Css("[data-testid=\"testimonial-card\"]"))
            .await
            .map(|c| c.len())
            .unwrap_or(0)
            == 1
    })
    .await;

    app.click("nav-dashboard").await;
    wait_figure(&app, "dash-advocates", "1").await;
    assert_eq!(figure(&app, "dash-referred-customers").await, "0");
    let closure_before = figure(&app, "dash-loop-closure").await;
    assert!(app.all("leader-row").await.is_empty(), "nobody has referred anyone yet");

    // Ann refers someone new, with a reward of 25.00 for their first order.
    app.click("nav-referrals").await;
    app.click("add-referral").await;
    pick(&app, "referral-advocate", "Ann").await;
    app.fill("input-referred-first_name", "Bob").await;
    app.fill("input-referred-email", "bob@example.com").await;
    app.fill("input-reward", "25").await;
    app.click("save-referral").await;
    app.until("the referral is listed", || async { app.all("referral-row").await.len() == 1 }).await;
    assert_eq!(app.text("reward-status").await, "No reward");

    app.click("nav-dashboard").await;
    wait_figure(&app, "dash-referred-leads", "1").await;
    app.until("the loop closes a little", || async {
        figure(&app, "dash-loop-closure").await != closure_before
    })
    .await;
    app.until("Ann leads the board", || async { app.all("leader-row").await.len() == 1 }).await;
    assert_eq!(app.text("leader-customers").await, "0");
    let k_before = figure(&app, "dash-k").await;

    // Bob buys: the reward is owed, Ann's referral counts as a customer, the loop turns.
    app.click("nav-customers").await;
    app.click("record-purchase").await;
    pick(&app, "purchase-contact", "Bob").await;
    purchase(&app, None, "60").await;

    app.click("nav-referrals").await;
    app.until("the reward is owed", || async { app.text("reward-status").await == "Owed" }).await;
    assert!(app.text("reward-cell").await.contains("25.00"), "{}", app.text("reward-cell").await);

    app.click("nav-dashboard").await;
    wait_figure(&app, "dash-referred-customers", "1").await;
    assert_eq!(figure(&app, "dash-customers").await, "2");
    assert_eq!(app.text("leader-customers").await, "1");
    let leader = app.text_of(&app.all("leader-row").await[0]).await;
    assert!(leader.contains("Ann"), "{leader}");
    assert_ne!(figure(&app, "dash-k").await, k_before, "one referred customer more moves K");
    app.close().await;
}
