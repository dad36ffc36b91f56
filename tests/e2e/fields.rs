//! Number fields and consent channels in the real window. A whole-number field refuses what it
//! cannot read with a message beside it (never a silent 0, never a Save that does nothing), keeps
//! the messages already shown beside other fields, and saves nothing; consent channels are
//! checkboxes whose choice is saved, shown on the card and honoured by the case-study export.

use crate::harness::App;
use fantoccini::elements::Element;
use fantoccini::Locator;

/// The message shown in the same box as `input` (its parent), if any.
async fn message_beside(app: &App, input: &Element) -> Option<String> {
    let arg = serde_json::to_value(input).unwrap();
    let v = app
        .client
        .execute(
            "return arguments[0].parentElement.querySelector('.field-error')?.textContent ?? null;",
            vec![arg],
        )
        .await
        .unwrap();
    v.as_str().map(str::to_owned)
}

async fn wait_message_beside(app: &App, input: &Element, what: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Some(message) = message_beside(app, input).await {
            return message;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for a message beside {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Replaces the text of an input element as a person types it. The contact panel scrolls on its
/// own, so every field in it can be reached (it could not while it was pinned taller than the window).
async fn type_into(input: &Element, text: &str) {
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

async fn press(button: &Element) {
    button.click().await.unwrap();
}

async fn first(app: &App, css: &str) -> Element {
    app.client.wait().for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no {css}: {e}"))
}

#[tokio::test]
async fn letters_in_the_lead_score_are_refused_beside_the_field_and_no_contact_is_saved() {
    let app = App::start().await;
    app.click("start-empty").await;
    app.click("add-contact").await;
    app.fill("input-first_name", "Ada").await;
    app.fill("input-email", "ada@example.com").await;
    app.fill("input-lead_score", "abc").await;
    app.click("save-contact").await;

    let score = app.el("input-lead_score").await;
    let message = wait_message_beside(&app, &score, "the lead score").await;
    assert!(message.contains("Lead score") && message.contains("whole number"), "{message}");
    assert_eq!(score.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    // Nothing was saved: the form is still open, and no contact is listed.
    app.el("contact-form").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(app.all("contact-row").await.is_empty(), "no contact may be saved with a score of 'abc'");
    app.close().await;
}

#[tokio::test]
async fn a_decimal_lead_score_is_refused_beside_the_field_keeping_the_email_message() {
    let app = App::start().await;
    app.click("start-empty").await;
    app.click("add-contact").await;
    app.fill("input-first_name", "Ada").await;
    app.fill("input-email", "ada-at-example").await;
    app.fill("input-lead_score", "5").await;
    app.click("save-contact").await;
    let email = app.el("input-email").await;
    let email_message = wait_message_beside(&app, &email, "the email").await;
    assert!(email_message.contains("not an email address"), "{email_message}");

    app.fill("input-lead_score", "12.5").await;
    app.click("save-contact").await;
    let score = app.el("input-lead_score").await;
    let message = wait_message_beside(&app, &score, "the lead score").await;
    assert!(message.contains("whole number"), "{message}");
    assert_eq!(
        message_beside(&app, &email).await.as_deref(),
        Some(email_message.as_str()),
        "the email's message stays beside the email"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(app.all("contact-row").await.is_empty());
    app.close().await;
}

/// Types `abc` into `input`, presses `save`, and checks that a message appears beside the input.
async fn refused(app: &App, what: &str, input: &Element, save: &Element) {
    type_into(input, "abc").await;
    press(save).await;
    let message = wait_message_beside(app, input, what).await;
    assert!(message.contains("whole number"), "{what}: {message}");
}

async fn count(app: &App, testid: &str) -> usize {
    app.all(testid).await.len()
}

#[tokio::test]
async fn every_whole_number_field_of_every_form_refuses_letters_and_saves_nothing() {
    let app = App::start().await;
    app.click("load-sample").await;
    app.el("contacts-table").await;
    app.until("sample contacts listed", || async { count(&app, "contact-row").await == 50 }).await;
    let contacts_before = app.text("contacts-count").await;

    // Contacts: the lead score.
    app.click("add-contact").await;
    app.fill("input-first_name", "Nobody").await;
    refused(&app, "the lead score", &app.el("input-lead_score").await, &app.el("save-contact").await).await;
    app.el("contact-form").await;
    assert_eq!(app.text("contacts-count").await, contacts_before, "no contact saved");

    // A contact's detail: an NPS score, and a purchase's quantity. The contact is saved once its
    // score can be read, and its detail opens.
    app.fill("input-lead_score", "10").await;
    app.fill("input-email", "nobody@example.com").await;
    app.click("save-contact").await;
    app.until("the new contact's detail", || async { app.text("detail-name").await == "Nobody" }).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    app.click("contact-add-nps").await;
    let timeline = count(&app, "timeline-entry").await;
    refused(&app, "the NPS score", &app.el("input-score").await, &app.el("save-nps").await).await;
    app.el("nps-form").await;
    press(&app.el("contact-record-purchase").await).await;
    type_into(&app.el("input-amount").await, "10").await;
    refused(&app, "the quantity", &app.el("input-quantity").await, &app.el("save-purchase").await).await;
    app.el("purchase-form").await;
    assert_eq!(count(&app, "timeline-entry").await, timeline, "no answer and no purchase saved");

    // Testimonials: the rating.
    app.click("nav-testimonials").await;
    app.until("the board", || async { count(&app, "testimonial-card").await > 0 }).await;
    let cards = count(&app, "testimonial-card").await;
    app.click("add-testimonial").await;
    refused(&app, "the rating", &app.el("input-rating").await, &app.el("save-testimonial").await).await;
    app.el("testimonial-form").await;
    assert_eq!(count(&app, "testimonial-card").await, cards, "no testimonial saved");

    // Settings: the MQL threshold, the SLA hours, a new rule's points and a rule's points.
    app.click("nav-settings").await;
    let save = app.el("save-funnel-settings").await;
    for (what, testid) in [("the MQL threshold", "input-mql_threshold"), ("the SLA hours", "input-sla_hours")]
    {
        let input = app.el(testid).await;
        app.until("the settings are loaded", || async {
            input.prop("value").await.ok().flatten().is_some_and(|v| !v.is_empty())
        })
        .await;
        let before = input.prop("value").await.unwrap().unwrap_or_default();
        refused(&app, what, &input, &save).await;
        type_into(&input, &before).await;
    }
    let rules = count(&app, "score-rule").await;
    app.fill("rule-value", "webinar").await;
    refused(&app, "a new rule's points", &app.el("rule-points").await, &app.el("add-rule").await).await;
    assert_eq!(count(&app, "score-rule").await, rules, "no rule added");
    if rules == 0 {
        app.fill("rule-points", "10").await;
        app.click("add-rule").await;
        app.until("the rule is listed", || async { count(&app, "score-rule").await == 1 }).await;
    }
    let row_points = app.all("rule-row-points").await.remove(0);
    let row_save = app.all("save-rule").await.remove(0);
    refused(&app, "a rule's points", &row_points, &row_save).await;

    // The funnel: a month's visitors in a channel's spend.
    app.click("nav-funnel").await;
    first(&app, "[data-testid^=\"edit-spend-\"]").await.click().await.unwrap();
    let visitors = first(&app, "[data-testid^=\"spend-visitors-\"]").await;
    let save = first(&app, "[data-testid^=\"save-spend-\"]").await;
    refused(&app, "a month's visitors", &visitors, &save).await;
    assert_eq!(app.text_of(&save).await, "Save", "nothing saved");

    // Nothing refused above was stored: the settings still hold their values after a reload.
    app.click("nav-dashboard").await;
    app.click("nav-settings").await;
    for testid in ["input-mql_threshold", "input-sla_hours"] {
        let input = app.el(testid).await;
        app.until("the settings are loaded", || async {
            input.prop("value").await.ok().flatten().is_some_and(|v| v.parse::<i64>().is_ok())
        })
        .await;
    }
    app.close().await;
}

#[tokio::test]
async fn consent_channels_are_checkboxes_saved_shown_and_honoured_by_case_studies() {
    let app = App::start().await;
    app.click("start-empty").await;
    app.click("nav-contacts").await;
    app.click("add-contact").await;
    app.fill("input-first_name", "Cleo").await;
    app.fill("input-email", "cleo@example.com").await;
    app.click("save-contact").await;
    app.until("the new contact's detail", || async { app.text("detail-name").await == "Cleo" }).await;

    app.click("nav-testimonials").await;
    app.click("add-testimonial").await;
    app.fill("testimonial-contact", "Cleo").await;
    app.until("the picker offers Cleo", || async { count(&app, "testimonial-contact-option").await > 0 })
        .await;
    app.all("testimonial-contact-option").await[0].click().await.unwrap();
    app.el("testimonial-contact-chosen").await;
    app.fill("input-headline", "Our story").await;
    app.fill("input-quote", "They turned one order into ten").await;
    app.fill("input-rating", "5").await;
    app.click("input-consent-publish").await;
    app.click("input-consent-named").await;
    // Every channel of the set is a labelled checkbox, ticked here from the keyboard.
    let boxes = app.client.find_all(Locator::Css("[data-testid^=\"consent-channel-\"]")).await.unwrap();
    assert_eq!(boxes.len(), 8, "the closed set of channels");
    let labels = app.text_contents("[data-testid=input-consent-channels] label").await;
    assert!(labels.iter().any(|l| l.trim() == "Case study"), "{labels:?}");
    for testid in ["consent-channel-case_study", "consent-channel-website"] {
        app.el(testid).await.send_keys(" ").await.unwrap();
        app.until("the box is ticked", || async {
            app.el(testid).await.prop("checked").await.ok().flatten().as_deref() == Some("true")
        })
        .await;
    }
    let status = app.el("input-testimonial-status").await;
    status.select_by_value("approved").await.unwrap();
    app.click("save-testimonial").await;
    app.until("the testimonial is on the board", || async { count(&app, "testimonial-card").await == 1 })
        .await;
    let consent = app.text("card-consent").await;
    assert!(consent.contains("Website, Case study"), "{consent}");

    // Where case-study consent is required: the case-study export lists it.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stories.md");
    app.click("nav-import").await;
    app.fill("export-case-study-path", &out.to_string_lossy()).await;
    app.click("export-case-study-run").await;
    let told = app.text("export-case-study-result").await;
    assert!(told.contains("Wrote 1"), "{told}");
    let stories = std::fs::read_to_string(&out).unwrap();
    assert!(stories.contains("They turned one order into ten"), "{stories}");

    // The edit form shows the saved choice.
    app.click("nav-testimonials").await;
    app.el("testimonial-card").await.find(Locator::Css("button.link")).await.unwrap().click().await.unwrap();
    for (testid, ticked) in [
        ("consent-channel-case_study", true),
        ("consent-channel-website", true),
        ("consent-channel-social", false),
    ] {
        let checked = app.el(testid).await.prop("checked").await.unwrap();
        assert_eq!(checked.as_deref() == Some("true"), ticked, "{testid}");
    }
    app.close().await;
}
