//! Possible duplicates and the pager in the real window: the duplicates panel of Import / Export
//! lists the pairs the core finds (a search that runs as a job beside every other command), and
//! the Contacts pager reaches the last page and back in one click each.

use crate::harness::App;
use flywheel_core::contacts::{self, ContactInput};

/// A database with 122 contacts (three pages of 50): two pairs of likely duplicates among them.
pub fn prepared() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let conn = flywheel_core::db::open(&path).unwrap();
    let person = |first: &str, last: &str, email: Option<String>, company: &str| {
        let input = ContactInput {
            first_name: first.into(),
            last_name: last.into(),
            email,
            company: company.into(),
            ..ContactInput::default()
        };
        contacts::create(&conn, &input).unwrap();
    };
    person("Ann", "Lee", Some("ann@example.com".into()), "");
    person("Annie", "Lee", Some("ann+shop@example.com".into()), "");
    person("Bob", "Stone", None, "Stone Ltd");
    person("Bob", "Stone", Some("bob@example.com".into()), "stone ltd ");
    for i in 0..118 {
        person("Guest", &format!("Buyer {i:03}"), Some(format!("guest{i}@example.com")), "");
    }
    (dir, path)
}

#[tokio::test]
async fn the_duplicates_panel_lists_the_pairs_and_the_pager_reaches_the_last_page() {
    let (dir, db) = prepared();
    let app = App::start_on(dir, db).await;
    app.el("contact-row").await;

    app.click("nav-import").await;
    app.until("two pairs listed", || async { app.all("merge-row").await.len() == 2 }).await;
    let rows = app.cells("[data-testid=merge-row]").await;
    assert!(rows[0][0].starts_with("Ann Lee") && rows[0][1].starts_with("Annie Lee"), "{rows:?}");
    assert_eq!(rows[0][2], "same email address");
    assert!(rows[1][0].starts_with("Bob Stone") && rows[1][1].starts_with("Bob Stone"), "{rows:?}");
    assert_eq!(rows[1][2], "same name and company");
    assert!(app.all("merge-looking").await.is_empty(), "the search has finished");

    // Merging one pair leaves the other.
    app.click("merge-1-2").await;
    app.click("confirm-merge-1-2").await;
    app.until("one pair left", || async { app.all("merge-row").await.len() == 1 }).await;

    app.click("nav-contacts").await;
    app.until("the first page", || async { app.text("page-number").await == "page 1 of 3" }).await;
    assert_eq!(app.text("page-info").await, "1–50 of 121");
    app.click("last-page").await;
    app.until("the last page", || async { app.text("page-number").await == "page 3 of 3" }).await;
    assert_eq!(app.text("page-info").await, "101–121 of 121");
    assert_eq!(app.all("contact-row").await.len(), 21);
    assert!(!app.el("last-page").await.is_enabled().await.unwrap(), "no page after the last");
    app.click("first-page").await;
    app.until("back to the first page", || async { app.text("page-number").await == "page 1 of 3" }).await;
    app.close().await;
}
