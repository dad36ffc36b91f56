//! Referral codes in the real window (issue 16): give an advocate a code from their contact's
//! panel, import a Shopify orders file where a new customer's order carries it in lower case, and
//! see the referral, found by code, with the reward owed.

use crate::harness::App;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::settings::{self, Settings};

/// Rosa, a contact, in a shop that pays advocates 10.00 for a friend's first order.
fn shop_with_rosa() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let conn = flywheel_core::db::open(&path).unwrap();
    let rosa = ContactInput {
        first_name: "Rosa".into(),
        last_name: "Diaz".into(),
        email: Some("rosa@example.com".into()),
        ..ContactInput::default()
    };
    contacts::create(&conn, &rosa).unwrap();
    let s = Settings { referral_reward_minor: 1_000, ..settings::get(&conn).unwrap() };
    settings::update(&conn, &s).unwrap();
    (dir, path)
}

const ORDERS: &str = "Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing Company,Billing Phone,Cancelled at,Refunded Amount,Id,Tags,Source
#3001,ben@example.com,paid,2026-03-02 10:15:00 -0500,USD,54.00,6.00,0.00,60.00,rosa25,6.00,2026-03-02 10:14:02 -0500,2,Sourdough loaf,27.00,SD-1,Ben Ito,,,,0.00,'5550003001,,web
#3002,dan@example.com,paid,2026-03-05 11:11:11 -0500,USD,25.00,0.00,0.00,25.00,SPRING10,2.50,2026-03-05 11:10:30 -0500,1,Gift box,25.00,GB-1,Dan Oak,,,,0.00,'5550003002,,web
";

#[tokio::test]
async fn a_code_given_in_the_window_turns_an_imported_order_into_a_referral_with_its_reward() {
    let (dir, db) = shop_with_rosa();
    let file = dir.path().join("orders_export.csv");
    std::fs::write(&file, ORDERS).unwrap();
    let app = App::start_on(dir, db).await;

    // Rosa's panel offers a code from her name; the owner types ROSA25 instead.
    app.click("nav-contacts").await;
    app.until("Rosa listed", || async { app.all("contact-row").await.len() == 1 }).await;
    let row = app.all("contact-row").await.remove(0);
    row.send_keys("\u{E007}").await.unwrap();
    app.el("referral-code").await;
    app.until("a suggested code", || async {
        let v = app.el("input-code").await.prop("value").await.unwrap().unwrap_or_default();
        v == "ROSA10"
    })
    .await;
    app.fill("input-code", "rosa25").await;
    app.click("give-code").await;
    app.until("the code is given", || async { app.text("referral-code-value").await.trim() == "ROSA25" })
        .await;
    let message = app.text("referral-code-message").await;
    assert!(
        message.contains("Give your friends the code ROSA25") && message.contains("you earn 10.00 USD"),
        "{message}"
    );

    // The import preview names the referral found by code and the shop's own code.
    app.click("nav-import").await;
    app.fill("import-path", &file.to_string_lossy()).await;
    app.click("import-read").await;
    app.until("the format is detected", || async { app.text("import-format").await == "Shopify orders" })
        .await;
    app.click("import-preview").await;
    app.el("import-report").await;
    let notes = app.text_contents("[data-testid=import-note]").await;
    assert!(notes.iter().any(|n| n == "1 referral found by code."), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("SPRING10 (1)")), "{notes:?}");
    app.click("import-commit").await;
    app.el("import-result").await;

    // The referral, by Rosa, with the reward owed; the code's results beside it.
    app.click("nav-referrals").await;
    app.until("one referral", || async { app.all("referral-row").await.len() == 1 }).await;
    let row = app.text_of(&app.all("referral-row").await[0]).await;
    assert!(row.contains("Rosa Diaz") && row.contains("Ben Ito"), "{row}");
    assert_eq!(app.text("reward-status").await.trim(), "Owed");
    app.until("the code's results", || async { app.all("code-row").await.len() == 1 }).await;
    let code = app.cells("[data-testid=code-row]").await.remove(0);
    let code: Vec<&str> = code.iter().map(|c| c.trim()).collect();
    assert_eq!(code, ["ROSA25", "Rosa Diaz", "1", "1", "1", "$60.00"]);
    app.close().await;
}
