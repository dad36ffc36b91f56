//! Money typed in the real window is read by the core's one money reader with the shop's decimal
//! mark: `12,50` is 12.50 (the old form stored 1,250.00), an ambiguous `1,234` is refused beside
//! the field and nothing is saved, the reward in Settings reads `25,00` as 25.00, and the sample
//! shop's Settings carry the reward its referrals earn.

use crate::harness::App;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::{db, settings, Connection};
use std::path::PathBuf;

/// A shop with one contact, Ann, whose decimal mark is `mark`.
fn shop(mark: &str) -> (tempfile::TempDir, PathBuf, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let conn = db::open(&path).unwrap();
    let ann = ContactInput {
        first_name: "Ann".into(),
        email: Some("ann@example.com".into()),
        ..Default::default()
    };
    contacts::create(&conn, &ann).unwrap();
    settings::set_value(&conn, "decimal_mark", mark).unwrap();
    (dir, path, conn)
}

fn amounts(conn: &Connection) -> Vec<i64> {
    let mut stmt = conn.prepare("SELECT amount_minor FROM purchases ORDER BY id").unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

/// An input's current value.
async fn value(app: &App, testid: &str) -> String {
    let el = app.el(testid).await;
    let arg = serde_json::to_value(&el).unwrap();
    let v = app.client.execute("return arguments[0].value;", vec![arg]).await.unwrap();
    v.as_str().unwrap_or_default().to_owned()
}

/// Opens the purchase form on the Customers page with Ann picked, and types `amount`.
async fn purchase_form(app: &App, amount: &str) {
    app.click("nav-customers").await;
    app.click("record-purchase").await;
    app.fill("purchase-contact", "Ann").await;
    app.until("the picker offers Ann", || async { !app.all("purchase-contact-option").await.is_empty() })
        .await;
    app.all("purchase-contact-option").await[0].click().await.unwrap();
    app.el("purchase-contact-chosen").await;
    app.fill("input-amount", amount).await;
    app.fill("input-product", "Website").await;
}

#[tokio::test]
async fn a_decimal_comma_in_the_purchase_form_is_twelve_fifty_in_a_comma_and_an_auto_shop() {
    for mark in ["comma", "auto"] {
        let (dir, path, conn) = shop(mark);
        let app = App::start_on(dir, path).await;
        purchase_form(&app, "12,50").await;
        app.click("save-purchase").await;
        app.until("the purchase form closes", || async { app.all("purchase-form").await.is_empty() }).await;
        app.until("Ann is a customer", || async { app.all("customer-row").await.len() == 1 }).await;
        let row = app.text_of(&app.all("customer-row").await[0]).await;
        assert!(
            row.contains("12.50") && !row.contains("1,250") && !row.contains("1250"),
            "{mark} shop: {row}"
        );
        assert_eq!(amounts(&conn), vec![1250], "{mark} shop stores 12.50, not 1,250.00");
        app.close().await;
    }
}

#[tokio::test]
async fn an_ambiguous_amount_is_refused_beside_the_field_and_nothing_is_saved() {
    let (dir, path, conn) = shop("auto");
    let app = App::start_on(dir, path).await;
    purchase_form(&app, "1,234").await;
    app.click("save-purchase").await;
    let why = app.text("error-amount_minor").await;
    assert!(why.contains("1234") && why.contains("decimal mark in Settings"), "{why}");
    assert_eq!(app.all("purchase-form").await.len(), 1, "the form stays open");
    assert!(amounts(&conn).is_empty(), "nothing saved");

    // Written unambiguously, it is saved.
    app.fill("input-amount", "1234").await;
    app.click("save-purchase").await;
    app.until("the purchase form closes", || async { app.all("purchase-form").await.is_empty() }).await;
    assert_eq!(amounts(&conn), vec![123_400]);
    app.close().await;
}

#[tokio::test]
async fn the_reward_in_settings_reads_a_decimal_comma_and_the_shop_section_saves() {
    let (dir, path, conn) = shop("auto");
    let app = App::start_on(dir, path).await;
    app.click("nav-settings").await;
    app.until("settings loaded", || async { value(&app, "input-currency").await == "USD" }).await;
    assert_eq!(value(&app, "input-decimal_mark").await, "auto");

    app.fill("input-referral_reward", "1,234").await;
    app.click("save-reward-settings").await;
    let why = app.text("error-referral_reward_minor").await;
    assert!(why.contains("decimal mark in Settings"), "{why}");
    assert_eq!(settings::get(&conn).unwrap().referral_reward_minor, 0);

    app.fill("input-referral_reward", "25,00").await;
    app.click("save-reward-settings").await;
    app.el("reward-settings-saved").await;
    assert_eq!(settings::get(&conn).unwrap().referral_reward_minor, 2500);
    app.until("the reward shows 25.00", || async { value(&app, "input-referral_reward").await == "25.00" })
        .await;

    // The shop's currency and decimal mark.
    let pick = |testid: &'static str, option: &'static str| {
        let app = &app;
        async move {
            let el = app.el(testid).await;
            let arg = serde_json::to_value(&el).unwrap();
            app.client
                .execute(
                    "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
                    vec![arg, serde_json::json!(option)],
                )
                .await
                .unwrap();
        }
    };
    pick("input-currency", "EUR").await;
    pick("input-decimal_mark", "comma").await;
    app.click("save-shop-settings").await;
    app.el("shop-settings-saved").await;
    let s = settings::get(&conn).unwrap();
    assert_eq!(
        (s.currency.as_str(), s.decimal_mark.as_str(), s.referral_reward_minor),
        ("EUR", "comma", 2500)
    );
    app.close().await;
}

#[tokio::test]
async fn the_sample_shops_settings_show_the_reward_its_referrals_earn() {
    let app = App::start().await;
    app.click("load-sample").await;
    app.until("sample contacts listed", || async { !app.all("contact-row").await.is_empty() }).await;
    app.click("nav-settings").await;
    app.until("the sample reward", || async { value(&app, "input-referral_reward").await == "25.00" }).await;
    assert_eq!(value(&app, "input-currency").await, "USD");
    app.close().await;
}

#[tokio::test]
async fn marking_a_reward_owed_asks_for_its_amount_and_it_can_be_edited_until_paid() {
    let (dir, path, conn) = shop("auto");
    let ann = contacts::find_by_email(&conn, "ann@example.com").unwrap().unwrap().id;
    let bob = ContactInput {
        first_name: "Bob".into(),
        email: Some("bob@example.com".into()),
        ..Default::default()
    };
    let bob = contacts::create(&conn, &bob).unwrap().id;
    let input = flywheel_core::referrals::ReferralInput {
        advocate_id: ann,
        referred_id: bob,
        referred_on: "2024-03-10".into(),
        ..Default::default()
    };
    let id = flywheel_core::referrals::create(&conn, &input).unwrap().id;
    let reward = || flywheel_core::referrals::get(&conn, id).unwrap();
    let app = App::start_on(dir, path).await;
    app.click("nav-referrals").await;

    // No amount yet (Settings has none either): marking it owed asks for one and refuses blank.
    app.click("reward-owed").await;
    assert_eq!(value(&app, "input-reward_amount").await, "");
    app.click("save-reward").await;
    assert!(app.text("error-reward_status").await.contains("Enter an amount"));
    assert_eq!(reward().reward_status.as_str(), "none");

    app.fill("input-reward_amount", "12,50").await;
    app.click("save-reward").await;
    app.until("the reward is owed", || async { app.text("reward-status").await == "Owed" }).await;
    assert!(app.text("reward-cell").await.contains("12.50"), "{}", app.text("reward-cell").await);
    assert_eq!(reward().reward_minor, 1250);

    // Edited while owed.
    app.click("reward-edit").await;
    app.fill("input-reward_amount", "30").await;
    app.click("save-reward").await;
    app.until("the reward is 30.00", || async { app.text("reward-cell").await.contains("30.00") }).await;
    assert_eq!(reward().reward_minor, 3000);

    // Once paid, it can no longer be edited.
    app.click("reward-paid").await;
    app.click("save-reward").await;
    app.until("the reward is paid", || async { app.text("reward-status").await == "Paid" }).await;
    assert!(app.all("reward-edit").await.is_empty());
    app.close().await;
}
