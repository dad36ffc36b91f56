//! Two desktops on one team database, as marketing and sales use it: two real app windows on a
//! throwaway PostgreSQL of the test's own. Marketing (window A) marks a lead MQL and it appears in
//! sales' (window B) handoff queue without a reload; B accepts and A's funnel changes; both edit
//! the same contact and the second save is told what changed, with keep mine / take theirs; sales
//! is refused changing channel spend, in words, by the database's own grants; the server stops and both windows say they are offline, keeping what they show; it comes back and
//! both recover without a restart of the app.

use crate::harness::App;
use fantoccini::elements::Element;
use fantoccini::Locator;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::people::Role;
use flywheel_core::testpg;
use flywheel_core::{db, team_roles};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where a person would look at the two windows (README).
fn shots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/shots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(app: &App, name: &str) {
    tokio::time::sleep(Duration::from_millis(600)).await;
    let png = app.client.screenshot().await.unwrap();
    std::fs::write(shots_dir().join(format!("{name}.png")), png).unwrap();
}

/// The element with `testid` inside `row`.
async fn within(row: &Element, testid: &str) -> Element {
    row.find(Locator::Css(&format!("[data-testid=\"{testid}\"]"))).await.unwrap()
}

/// Opens the contact called `name` from the Contacts page.
async fn open_contact(app: &App, name: &str) {
    app.click("nav-contacts").await;
    app.until("the contact is listed", || async { !app.all("contact-row").await.is_empty() }).await;
    for row in app.all("contact-row").await {
        if app.text_of(&row).await.contains(name) {
            row.find(Locator::Css("td")).await.unwrap().click().await.unwrap();
            break;
        }
    }
    app.until("the contact's panel", || async {
        !app.all("detail-name").await.is_empty() && app.text("detail-name").await == name
    })
    .await;
}

async fn queue_names(app: &App) -> Vec<String> {
    let mut names = Vec::new();
    for row in app.all("queue-row").await {
        names.push(app.text_of(&row).await);
    }
    names
}

/// Types `amount` as the first month's spend of the first channel on the Funnel page and saves it.
async fn save_first_spend(app: &App, amount: &str) {
    // The first match, scrolled to the middle of the page (the channel table is below the fold).
    let first = |css: &'static str| async move {
        let el = app
            .client
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"));
        let arg = serde_json::to_value(&el).unwrap();
        app.client.execute("arguments[0].scrollIntoView({block: 'center'});", vec![arg]).await.unwrap();
        el
    };
    app.click("nav-funnel").await;
    first("[data-testid^=\"edit-spend-\"]").await.click().await.unwrap();
    // The editor loads its months after it opens; type once what it shows has settled, and again
    // if a late load put its own value back.
    let typed = || async {
        let input = first("[data-testid^=\"spend-amount-\"]").await;
        input.clear().await.unwrap();
        input.send_keys(amount).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let input = first("[data-testid^=\"spend-amount-\"]").await;
        input.prop("value").await.ok().flatten().as_deref() == Some(amount)
    };
    app.until("the spend typed", typed).await;
    first("[data-testid^=\"save-spend-\"]").await.click().await.unwrap();
}

async fn shows_offline(app: &App) -> bool {
    !app.all("offline-banner").await.is_empty()
}

/// The shop's team database with its two people and one lead, Lena, at 20 points.
fn set_up_shop(postgres_url: &str, shop_url: &str) {
    let mut admin = testpg::connect(postgres_url);
    admin
        .batch_execute(
            "CREATE DATABASE shop TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
        )
        .unwrap();
    admin.batch_execute("CREATE ROLE mara LOGIN; CREATE ROLE sam LOGIN").unwrap();
    let owner = db::open(Path::new(shop_url)).unwrap();
    team_roles::add_person(&owner, "mara", "Mara Marketing", Some("mara@shop.example"), Role::Marketing)
        .unwrap();
    team_roles::add_person(&owner, "sam", "Sam Sales", Some("sam@shop.example"), Role::Sales).unwrap();
    let lena = ContactInput {
        first_name: "Lena".into(),
        last_name: "Lead".into(),
        email: Some("lena@example.com".into()),
        lead_score: 20,
        ..ContactInput::default()
    };
    contacts::create(&owner, &lena).unwrap();
}

#[tokio::test]
async fn marketing_and_sales_work_the_same_lead_from_two_windows() {
    let Some(mut server) = testpg::own_cluster() else { return };
    // The owner sets the team database up and lets marketing (mara) and sales (sam) in (on a
    // thread of its own: the PostgreSQL client blocks, and the test runs inside an async runtime).
    let (postgres_url, shop_url) = (server.socket_url("postgres"), server.socket_url("shop"));
    std::thread::spawn(move || set_up_shop(&postgres_url, &shop_url)).join().unwrap();
    let a = App::start_team(&server.socket_url_as("shop", "mara")).await;
    let b = App::start_team(&server.socket_url_as("shop", "sam")).await;

    // Each window says which database it is on and as whom.
    a.until("A says who it works as", || async { a.text("db-person").await == "Mara Marketing, marketing" })
        .await;
    b.until("B says who it works as", || async { b.text("db-person").await == "Sam Sales, sales" }).await;

    // Sales watches the handoff queue: empty.
    b.click("nav-funnel").await;
    b.until("B's funnel is loaded", || async { !b.all("entered-mql").await.is_empty() }).await;
    assert!(queue_names(&b).await.is_empty());

    // Marketing marks Lena MQL by hand.
    open_contact(&a, "Lena Lead").await;
    a.el("move-stage").await.select_by_value("mql").await.unwrap();
    a.fill("move-reason", "asked for a demo").await;
    a.click("move-submit").await;
    a.until("A's panel shows her MQL", || async { a.text("detail-stage").await == "Marketing qualified" })
        .await;
    let moved = Instant::now();
    // She appears in B's queue with no reload in B (the harness gives up after ten seconds).
    b.until("Lena in B's handoff queue", || async {
        queue_names(&b).await.iter().any(|n| n.contains("Lena Lead"))
    })
    .await;
    eprintln!("B's queue showed A's MQL {} ms after A's window did", moved.elapsed().as_millis());
    shot(&a, "team-a-marketing").await;
    // Sales' picture shows the queue (below the funnel's figures).
    b.client
        .execute(
            "document.querySelector('[data-testid=\"queue-row\"]').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
    shot(&b, "team-b-sales").await;

    // A watches the funnel; B accepts; A's funnel counts the SQL.
    a.click("nav-funnel").await;
    a.until("A's funnel counts the MQL", || async {
        !a.all("entered-mql").await.is_empty() && a.text("entered-mql").await == "1"
    })
    .await;
    assert_eq!(a.text("entered-sql").await, "0");
    let row = b.all("queue-row").await.remove(0);
    within(&row, "accept").await.click().await.unwrap();
    a.until("A's funnel shows the SQL", || async { a.text("entered-sql").await == "1" }).await;
    b.until("B's queue is empty", || async { queue_names(&b).await.is_empty() }).await;

    // Both open Lena's form; A saves a phone number first; B's save of a note is told so.
    open_contact(&a, "Lena Lead").await;
    open_contact(&b, "Lena Lead").await;
    a.click("edit-contact").await;
    b.click("edit-contact").await;
    a.fill("input-phone", "555-0100").await;
    a.click("save-contact").await;
    a.until("A's save is done", || async { a.all("contact-form").await.is_empty() }).await;
    b.fill("input-notes", "prefers a call in the morning").await;
    b.click("save-contact").await;
    let changed = b.text("changed-since").await;
    assert!(changed.contains("Phone is now “555-0100”"), "{changed}");
    shot(&b, "team-b-conflict").await;
    // Take theirs: the form now holds A's phone; B adds the note again and saves.
    b.click("take-theirs").await;
    b.until("B's form holds A's phone", || async {
        b.el("input-phone").await.prop("value").await.ok().flatten().as_deref() == Some("555-0100")
    })
    .await;
    b.fill("input-notes", "prefers a call in the morning").await;
    b.click("save-contact").await;
    b.until("B's save is done", || async { b.all("contact-form").await.is_empty() }).await;

    // Sales may not change channel spend: the database's grants refuse it, and the window says so
    // in words beside the month. Marketing may.
    let spend_url = server.socket_url("shop");
    let stored = move || {
        let url = spend_url.clone();
        async move {
            let count = tokio::task::spawn_blocking(move || {
                let row = testpg::connect(&url).query_one("SELECT count(*) FROM channel_spend", &[]).unwrap();
                row.get::<_, i64>(0)
            });
            count.await.unwrap()
        }
    };
    save_first_spend(&b, "120,50").await;
    let refusal = match b.client.wait().for_element(Locator::Css("[data-testid^=\"error-spend-\"]")).await {
        Ok(el) => el,
        Err(e) => {
            shot(&b, "team-b-spend-not-refused").await;
            panic!(
                "sales' spend was not refused on screen ({e}): see target/shots/team-b-spend-not-refused.png"
            );
        }
    };
    let said = b.text_of(&refusal).await;
    assert_eq!(said, "Your role may not change channel spend; ask the owner or marketing.");
    assert_eq!(stored().await, 0, "sales' spend was not stored");
    shot(&b, "team-b-spend-refused").await;
    save_first_spend(&a, "120,50").await;
    a.until("marketing's spend is stored", || async { stored().await == 1 }).await;
    assert!(
        a.client.find(Locator::Css("[data-testid^=\"error-spend-\"]")).await.is_err(),
        "marketing not refused"
    );
    open_contact(&a, "Lena Lead").await;
    open_contact(&b, "Lena Lead").await;

    // The server goes away: both windows say so at once and keep what they show.
    server.stop().unwrap();
    a.until("A shows it is offline", || async { shows_offline(&a).await }).await;
    b.until("B shows it is offline", || async { shows_offline(&b).await }).await;
    assert_eq!(b.text("detail-name").await, "Lena Lead", "B still shows Lena");
    shot(&a, "team-a-offline").await;
    // A write while it is away is refused in words, not lost in silence.
    b.click("edit-contact").await;
    b.fill("input-notes", "written while the server was away").await;
    b.click("save-contact").await;
    let refused = b.text("error-form").await;
    assert!(refused.contains("cannot be reached") && refused.contains("nothing was saved"), "{refused}");
    b.click("cancel-contact").await;

    // It comes back: both recover with no restart, and hear each other again.
    server.start_again().unwrap();
    a.until("A is back online", || async { !shows_offline(&a).await }).await;
    b.until("B is back online", || async { !shows_offline(&b).await }).await;
    a.click("edit-contact").await;
    a.fill("input-company", "Lead & Daughters").await;
    a.click("save-contact").await;
    b.until("B's panel shows A's change after the restart", || async {
        b.text("contact-detail").await.contains("Lead & Daughters")
    })
    .await;

    a.close().await;
    b.close().await;
}
