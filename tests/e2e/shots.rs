//! Screenshots of every page of the sample shop and of the forms that changed, for a person to look
//! at (TOOLCHAIN.md: "Looking at the app as a person would"). Not a check: ignored by default, run
//! `xvfb-run -a -s "-screen 0 1280x800x24" cargo test -p flywheel-e2e -- --ignored shots` and open
//! the PNGs in target/shots/.

use crate::harness::App;
use std::path::PathBuf;

const PAGES: [&str; 8] =
    ["dashboard", "contacts", "funnel", "customers", "testimonials", "referrals", "import", "settings"];

fn shots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/shots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(app: &App, name: &str) {
    // Let charts and late loads settle before the picture.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let png = app.client.screenshot().await.unwrap();
    std::fs::write(shots_dir().join(format!("{name}.png")), png).unwrap();
}

#[tokio::test]
#[ignore = "writes screenshots to look at; not a check"]
async fn shots_of_the_sample_shop() {
    let app = App::start().await;
    app.click("load-sample").await;
    app.until("sample contacts listed", || async { !app.all("contact-row").await.is_empty() }).await;
    for page in PAGES {
        app.click(&format!("nav-{page}")).await;
        shot(&app, page).await;
    }
    // The forms issue 10 changed: a contact's panel, the purchase form, the testimonial form.
    app.click("nav-contacts").await;
    app.until("contacts listed", || async { !app.all("contact-row").await.is_empty() }).await;
    let first_cell = app.all("contact-row").await[0].find(fantoccini::Locator::Css("td")).await.unwrap();
    first_cell.click().await.unwrap();
    app.el("contact-detail").await;
    shot(&app, "contact-detail").await;
    app.click("contact-record-purchase").await;
    app.el("purchase-form").await;
    app.fill("input-amount", "1,234").await;
    app.click("save-purchase").await;
    shot(&app, "purchase-form-ambiguous").await;
    app.click("nav-testimonials").await;
    app.click("add-testimonial").await;
    shot(&app, "testimonial-form").await;
    // Issue 11: the Referrals table beside the chain panel, a customer's panel, the restore row.
    app.click("nav-referrals").await;
    app.until("referrals listed", || async { !app.all("referral-row").await.is_empty() }).await;
    app.click("show-chain").await;
    app.el("chain-view").await;
    shot(&app, "referrals-chain").await;
    app.click("nav-customers").await;
    app.until("customers listed", || async { !app.all("customer-row").await.is_empty() }).await;
    let first_cell = app.all("customer-row").await[0].find(fantoccini::Locator::Css("td")).await.unwrap();
    first_cell.click().await.unwrap();
    app.el("customer-detail").await;
    shot(&app, "customer-detail").await;
    // Issue 15: the at-risk list, the Dashboard's predicted revenue, the monthly discount setting.
    let into_view = |testid: &str| {
        format!("document.querySelector('[data-testid={testid}]').scrollIntoView({{block: 'center'}});")
    };
    app.el("at-risk-table").await;
    app.client.execute(&into_view("at-risk-table"), vec![]).await.unwrap();
    shot(&app, "customers-at-risk").await;
    app.click("nav-dashboard").await;
    app.el("dash-predicted-revenue").await;
    app.client.execute(&into_view("dash-predicted-revenue"), vec![]).await.unwrap();
    shot(&app, "dashboard-predicted-revenue").await;
    app.click("nav-settings").await;
    app.el("input-monthly_discount_percent").await;
    app.client.execute(&into_view("input-monthly_discount_percent"), vec![]).await.unwrap();
    shot(&app, "settings-discount").await;
    app.close().await;
}

/// The Follow-ups page of the sample shop, the request picker with stages, and the Received form.
#[tokio::test]
#[ignore = "writes screenshots to look at; not a check"]
async fn shots_of_followups() {
    let app = App::start().await;
    app.click("load-sample").await;
    app.until("sample contacts listed", || async { !app.all("contact-row").await.is_empty() }).await;
    app.click("nav-followups").await;
    app.el("followups-today").await;
    shot(&app, "followups").await;
    app.click("nav-testimonials").await;
    app.until("a requested card", || async { !app.all("move-received").await.is_empty() }).await;
    app.all("move-received").await[0].click().await.unwrap();
    let form = serde_json::to_value(app.el("receive-form").await).unwrap();
    app.client.execute("arguments[0].scrollIntoView({ block: 'center' });", vec![form]).await.unwrap();
    shot(&app, "receive-form").await;
    app.click("receive-cancel").await;
    app.client.execute("window.scrollTo(0, 0);", vec![]).await.unwrap();
    app.click("request-testimonial").await;
    app.fill("request-contact", "a").await;
    app.until("the picker offers contacts", || async { !app.all("request-contact-option").await.is_empty() })
        .await;
    shot(&app, "request-picker").await;
    app.close().await;
}

/// Import / Export's duplicates panel while it looks and once it found its pairs, and the Contacts
/// pager; on the shop at `FLYWHEEL_SHOT_DB` (a copy: the app upgrades it) or on a small one.
#[tokio::test]
#[ignore = "writes screenshots to look at; not a check"]
async fn shots_of_duplicates() {
    let app = match std::env::var_os("FLYWHEEL_SHOT_DB") {
        Some(db) => App::start_on(tempfile::tempdir().unwrap(), PathBuf::from(db)).await,
        None => {
            let (dir, db) = crate::duplicates::prepared();
            App::start_on(dir, db).await
        }
    };
    app.el("contact-row").await;
    app.click("nav-import").await;
    let png = app.client.screenshot().await.unwrap();
    std::fs::write(shots_dir().join("import-duplicates-looking.png"), png).unwrap();
    app.until("pairs listed", || async { !app.all("merge-row").await.is_empty() }).await;
    shot(&app, "import-duplicates").await;
    app.click("nav-contacts").await;
    app.click("last-page").await;
    shot(&app, "contacts-last-page").await;
    app.close().await;
}
