//! The walking skeleton, as a person uses it: sample data on first start, the contacts list, and
//! the add-contact form with its errors beside the field.

use crate::harness::App;
use fantoccini::Locator;

#[tokio::test]
async fn first_start_offers_sample_data_and_lists_it() {
    let app = App::start().await;
    app.el("welcome").await;
    app.click("load-sample").await;
    app.el("contacts-table").await;
    app.until("sample contacts listed", || async { app.all("contact-row").await.len() == 50 }).await;
    let count = app.text("contacts-count").await;
    let n: i64 = count.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(n >= 250, "sample data should have about 300 contacts, the window says '{count}'");

    // Searching narrows the list to matching rows.
    let first_cell = app.all("contact-row").await[0].find(Locator::Css("td")).await.unwrap();
    let first = app.text_of(&first_cell).await;
    app.fill("contacts-search", &first).await;
    app.until("search narrows the list", || async {
        let rows = app.all("contact-row").await;
        !rows.is_empty() && rows.len() < 50
    })
    .await;
    app.close().await;
}

#[tokio::test]
async fn add_a_contact_and_see_it_listed_with_its_history() {
    let app = App::start().await;
    app.click("start-empty").await;
    app.click("add-contact").await;
    app.fill("input-first_name", "Grace").await;
    app.fill("input-last_name", "Hopper").await;
    app.fill("input-email", "Grace@Example.com").await;
    app.fill("input-company", "Navy Labs").await;
    app.click("save-contact").await;

    app.until("the new contact is listed", || async { app.all("contact-row").await.len() == 1 }).await;
    let row = app.text_of(&app.all("contact-row").await[0]).await;
    assert!(row.contains("Grace Hopper"), "{row}");
    assert!(row.contains("grace@example.com"), "emails are stored trimmed and lower-case: {row}");
    assert_eq!(app.text("detail-name").await, "Grace Hopper");
    assert!(app.text("stage-history").await.contains("Lead"));
    app.close().await;
}

#[tokio::test]
async fn a_bad_email_is_explained_beside_the_email_field() {
    let app = App::start().await;
    app.click("start-empty").await;
    app.click("add-contact").await;
    app.fill("input-first_name", "Ada").await;
    app.fill("input-email", "ada-at-example").await;
    app.click("save-contact").await;

    let error = app.el("error-email").await;
    assert!(app.text_of(&error).await.contains("not an email address"));
    // Beside the field: the message sits in the same form field as the email input.
    let field = app.el("input-email").await.find(Locator::XPath("..")).await.unwrap();
    let inside = field.find(Locator::Css("[data-testid=\"error-email\"]")).await;
    assert!(inside.is_ok(), "the email error must be shown in the email field's own box");
    assert_eq!(app.el("input-email").await.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
    // Nothing was saved.
    assert!(app.all("contact-row").await.is_empty());
    app.close().await;
}
