//! Follow-ups in the real window: asking a customer for a testimonial due in a chosen number of
//! days puts it on the Follow-ups page on that day, Done takes it off; the request picker shows
//! each contact's stage; and moving a requested card to Received asks for the words on the card.

use crate::harness::App;

/// The WebDriver code of the Escape key.
const ESCAPE: &str = "\u{E00C}";

/// Adds a contact through the Contacts page.
async fn add_contact(app: &App, first: &str, email: &str) {
    app.click("nav-contacts").await;
    app.click("add-contact").await;
    app.fill("input-first_name", first).await;
    app.fill("input-email", email).await;
    app.click("save-contact").await;
    app.until("the new contact's detail", || async { app.text("detail-name").await == first }).await;
}

/// Asks `search` for a testimonial from the Testimonials page, the follow-up due in `days`.
async fn ask_for_testimonial(app: &App, search: &str, days: &str) {
    app.click("nav-testimonials").await;
    app.click("request-testimonial").await;
    app.fill("request-contact", search).await;
    app.until("the picker offers a contact", || async {
        !app.all("request-contact-option").await.is_empty()
    })
    .await;
    // The option says who it is: the stage and the email beside the name.
    let detail = app.text_of(&app.all("request-contact-option-detail").await[0]).await;
    assert!(detail.contains("Lead") && detail.contains("ann@example.com"), "option detail: {detail:?}");
    app.all("request-contact-option").await[0].click().await.unwrap();
    app.el("request-contact-chosen").await;
    app.fill("request-days", days).await;
    app.click("save-request").await;
    app.until("the request is made", || async { app.all("request-form").await.is_empty() }).await;
}

#[tokio::test]
async fn an_ask_due_in_three_days_is_listed_on_its_day_and_done_takes_it_off() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_contact(&app, "Ann", "ann@example.com").await;
    ask_for_testimonial(&app, "Ann", "3").await;
    assert!(app.text("request-result").await.contains("Ask Ann for a testimonial"));

    app.click("nav-followups").await;
    app.until("one follow-up coming up", || async {
        app.el("followups-upcoming")
            .await
            .find_all(fantoccini::Locator::Css("[data-testid=followup-row]"))
            .await
            .unwrap()
            .len()
            == 1
    })
    .await;
    assert_eq!(app.text("followups-summary").await, "no follow-ups due today");
    let due = app.text("followup-due").await;
    assert!(due.ends_with("in 3 days"), "due: {due:?}");
    assert_eq!(app.text("followup-name").await, "Ann");

    app.click("followup-done").await;
    app.until("the follow-up is gone", || async { app.all("followup-row").await.is_empty() }).await;
    app.close().await;
}

#[tokio::test]
async fn received_on_a_card_asks_for_the_quote_and_saves_it() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_contact(&app, "Ann", "ann@example.com").await;
    ask_for_testimonial(&app, "Ann", "7").await;
    app.until("a requested card", || async { app.text("column-requested").await.contains("Ann") }).await;

    // Escape cancels: the card stays requested.
    app.click("move-received").await;
    app.el("receive-form").await;
    app.el("receive-quote").await.send_keys(ESCAPE).await.unwrap();
    app.until("the form closes", || async { app.all("receive-form").await.is_empty() }).await;
    assert!(app.text("column-requested").await.contains("Ann"));
    let focused =
        app.client.execute("return document.activeElement?.dataset.testid ?? null;", vec![]).await.unwrap();
    assert_eq!(focused, serde_json::json!("move-received"), "focus goes back to the button");

    // A move without words is refused beside the field, and nothing moves.
    app.click("move-received").await;
    app.click("receive-save").await;
    app.el("error-quote").await;
    assert!(app.text("column-requested").await.contains("Ann"));

    app.fill("receive-quote", "The best bread in town.").await;
    app.fill("receive-rating", "5").await;
    app.click("receive-publish").await;
    app.click("receive-channel-website").await;
    app.click("receive-save").await;
    app.until("the card is received", || async { app.text("column-received").await.contains("Ann") }).await;
    let received = app.text("column-received").await;
    assert!(received.contains("The best bread in town."), "received: {received:?}");
    assert!(received.contains("May publish") && received.contains("Website"), "received: {received:?}");
    assert!(!app.text("column-requested").await.contains("Ann"));
    app.close().await;
}
