//! The marketing funnel in the real window: a lead's score makes it an MQL, it waits in the
//! handoff queue, sales rejects it with a reason and it is back with marketing; sales accepts
//! another and the funnel changes. Nothing is reloaded by hand: every view follows the change.

use crate::harness::App;
use fantoccini::elements::Element;
use fantoccini::Locator;

/// Adds a lead through the contact form and waits until its panel shows it.
async fn add_lead(app: &App, first: &str, last: &str, score: &str) {
    app.click("nav-contacts").await;
    app.click("add-contact").await;
    app.fill("input-first_name", first).await;
    app.fill("input-last_name", last).await;
    app.fill("input-email", &format!("{}@example.com", first.to_lowercase())).await;
    app.fill("input-lead_score", score).await;
    app.click("save-contact").await;
    let name = format!("{first} {last}");
    app.until("the new contact's panel", || async {
        !app.all("detail-name").await.is_empty() && app.text("detail-name").await == name
    })
    .await;
}

/// The handoff-queue row of the contact called `name`, once it is there.
async fn queue_row(app: &App, name: &str) -> Element {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        for row in app.all("queue-row").await {
            if app.text_of(&row).await.contains(name) {
                return row;
            }
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {name} in the handoff queue");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn within(row: &Element, testid: &str) -> Element {
    row.find(Locator::Css(&format!("[data-testid=\"{testid}\"]"))).await.unwrap()
}

#[tokio::test]
async fn a_lead_scored_to_mql_is_rejected_with_a_reason_and_is_back_with_marketing() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_lead(&app, "Lena", "Lead", "50").await;
    assert_eq!(app.text("detail-stage").await, "Lead");
    assert_eq!(app.text("contact-score").await, "50");

    // Raising the score to the threshold (75) makes her an MQL, as the system.
    app.click("edit-contact").await;
    app.fill("input-lead_score", "80").await;
    app.click("save-contact").await;
    app.until("the panel shows the MQL", || async {
        app.text("detail-stage").await == "Marketing qualified"
    })
    .await;
    let history = app.text("stage-history").await;
    assert!(history.contains("score ≥ 75") && history.contains("system"), "{history}");

    // She waits in the handoff queue with the SLA running.
    app.click("nav-funnel").await;
    let row = queue_row(&app, "Lena Lead").await;
    let left = app.text_of(&within(&row, "sla-countdown").await).await;
    assert!(left.ends_with("left") && left.starts_with("23 h"), "{left}");

    // Sales rejects her: a reason is required, and the message sits beside the reason field.
    within(&row, "reject").await.click().await.unwrap();
    app.click("confirm-reject").await;
    let error = app.el("error-reason").await;
    assert!(app.text_of(&error).await.contains("Say why"));
    let field = app.el("reject-reason").await.find(Locator::XPath("..")).await.unwrap();
    assert!(field.find(Locator::Css("[data-testid=\"error-reason\"]")).await.is_ok());
    app.fill("reject-reason", "no budget this quarter").await;
    app.click("confirm-reject").await;
    app.until("the queue is empty", || async { app.all("queue-row").await.is_empty() }).await;
    app.until("the rejection reason is counted", || async {
        !app.all("rejection-reasons").await.is_empty()
            && app.text("rejection-reasons").await.contains("no budget this quarter")
    })
    .await;

    // Back in marketing: a lead again, the reason in her history.
    app.click("nav-contacts").await;
    app.until("her row is listed", || async { app.all("contact-row").await.len() == 1 }).await;
    // WebKitWebDriver clicks cells, not rows.
    app.all("contact-row").await[0].find(Locator::Css("td")).await.unwrap().click().await.unwrap();
    app.until("her panel shows a lead", || async { app.text("detail-stage").await == "Lead" }).await;
    let history = app.text("stage-history").await;
    assert!(history.contains("no budget this quarter") && history.contains("sales"), "{history}");
    app.close().await;
}

#[tokio::test]
async fn accepting_an_mql_changes_the_funnel() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_lead(&app, "Sam", "Buyer", "90").await;
    app.until("a lead at 90 points is an MQL at once", || async {
        app.text("detail-stage").await == "Marketing qualified"
    })
    .await;

    app.click("nav-funnel").await;
    app.until("the funnel counts the MQL", || async {
        !app.all("entered-mql").await.is_empty() && app.text("entered-mql").await == "1"
    })
    .await;
    assert_eq!(app.text("entered-sql").await, "0");
    assert_eq!(app.text("acceptance-rate").await, "—");
    app.el("funnel-chart").await;

    let row = queue_row(&app, "Sam Buyer").await;
    within(&row, "accept").await.click().await.unwrap();
    app.until("the funnel shows the SQL", || async { app.text("entered-sql").await == "1" }).await;
    app.until("the acceptance rate is 100 %", || async { app.text("acceptance-rate").await == "100 %" })
        .await;
    assert!(app.all("queue-row").await.is_empty());
    app.close().await;
}

#[tokio::test]
async fn a_selection_moves_together_or_not_at_all() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_lead(&app, "Ada", "One", "10").await;
    add_lead(&app, "Bo", "Two", "10").await;
    app.until("both listed", || async { app.all("contact-row").await.len() == 2 }).await;
    for pick in app.all("pick-contact").await {
        pick.click().await.unwrap();
    }
    app.el("bulk-move")
        .await
        .find(Locator::Css("select"))
        .await
        .unwrap()
        .select_by_value("sql")
        .await
        .unwrap();
    app.click("bulk-submit").await;
    app.until("both rows show SQL", || async {
        let rows = app.all("contact-row").await;
        let mut all = rows.len() == 2;
        for row in rows {
            all &= app.text_of(&row).await.contains("Sales accepted");
        }
        all
    })
    .await;
    assert!(app.text("bulk-note").await.contains("Moved 2"));

    // The selection stays. Back to lead needs a reason: refused for all, explained beside the field.
    app.el("bulk-move")
        .await
        .find(Locator::Css("select"))
        .await
        .unwrap()
        .select_by_value("lead")
        .await
        .unwrap();
    app.click("bulk-submit").await;
    let error = app.text("error-bulk-reason").await;
    assert!(error.contains("back needs a reason"), "{error}");
    for row in app.all("contact-row").await {
        assert!(app.text_of(&row).await.contains("Sales accepted"));
    }
    app.close().await;
}
