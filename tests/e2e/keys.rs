//! The keyboard and the page's width in the real window: a contact opens, is edited and saved and
//! its panel closes from the keyboard alone, focus going into the panel and back to the row; a long
//! unbroken URL in a contact's notes wraps instead of widening the page; the Referrals table keeps
//! its reward and action columns in view with the chain panel open.

use crate::harness::App;
use fantoccini::key::Key;

/// Presses `key` on whatever has the focus, as a person at the keyboard does.
async fn press(app: &App, key: Key) {
    let active = app.client.active_element().await.unwrap();
    active.send_keys(&String::from(char::from(key))).await.unwrap();
}

/// The `data-testid` of the focused element and of its nearest ancestor with one.
async fn focused(app: &App) -> (String, String) {
    let v = app
        .client
        .execute(
            "const a = document.activeElement;
             return [a?.getAttribute('data-testid') ?? '', a?.closest('[data-testid]')?.getAttribute('data-testid') ?? '',
                     a?.innerText ?? ''];",
            vec![],
        )
        .await
        .unwrap();
    let v: Vec<String> = serde_json::from_value(v).unwrap();
    (v[0].clone(), v[1].clone())
}

/// Whether the focus is inside the side panel that shows `testid`.
async fn focus_in_panel_of(app: &App, testid: &str) -> bool {
    let script =
        "return !!document.activeElement?.closest('aside')?.querySelector(`[data-testid=${arguments[0]}]`);";
    app.client.execute(script, vec![serde_json::json!(testid)]).await.unwrap().as_bool().unwrap_or(false)
}

async fn focused_text(app: &App) -> String {
    let v = app.client.execute("return document.activeElement?.innerText ?? '';", vec![]).await.unwrap();
    v.as_str().unwrap_or_default().to_owned()
}

async fn page_width(app: &App) -> (i64, i64) {
    let v = app
        .client
        .execute("const d = document.documentElement; return [d.scrollWidth, d.clientWidth];", vec![])
        .await
        .unwrap();
    let v: Vec<i64> = serde_json::from_value(v).unwrap();
    (v[0], v[1])
}

async fn add_contact(app: &App, first: &str, email: &str, notes: &str) {
    app.click("add-contact").await;
    app.fill("input-first_name", first).await;
    app.fill("input-email", email).await;
    if !notes.is_empty() {
        app.fill("input-notes", notes).await;
    }
    app.click("save-contact").await;
    app.el("contact-detail").await;
}

#[tokio::test]
async fn a_contact_opens_is_edited_and_saved_and_closes_from_the_keyboard_alone() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_contact(&app, "Ada", "ada@example.com", "").await;
    add_contact(&app, "Grace", "grace@example.com", "").await;
    app.until("two contacts listed", || async { app.all("contact-row").await.len() == 2 }).await;
    // Close the panel the add left open, so the list stands alone.
    app.client
        .execute("document.querySelector('[data-testid=contact-detail] [aria-label=Close]').click();", vec![])
        .await
        .unwrap();
    app.until("panel closed", || async { app.all("contact-detail").await.is_empty() }).await;

    // From the search box, Tab until a row of the table has the focus.
    app.el("contacts-search").await.click().await.unwrap();
    let mut tabs = 0;
    while focused(&app).await.0 != "contact-row" {
        tabs += 1;
        assert!(tabs <= 12, "Tab never reached a contact row; focus is on {:?}", focused(&app).await);
        press(&app, Key::Tab).await;
    }
    // Down the list to Grace (rows are sorted by name: Ada, Grace).
    press(&app, Key::Tab).await;
    while !focused_text(&app).await.contains("Grace") {
        tabs += 1;
        assert!(tabs <= 20, "Tab never reached Grace's row");
        press(&app, Key::Tab).await;
    }
    assert_eq!(focused(&app).await.0, "contact-row");

    // Enter opens her panel, and the focus goes into it.
    press(&app, Key::Enter).await;
    app.el("contact-detail").await;
    assert!(app.text("detail-name").await.contains("Grace"));
    app.until("focus in the panel", || focus_in_panel_of(&app, "contact-detail")).await;

    // Tab to Edit and press Enter: the form opens with the focus in its first field.
    let mut steps = 0;
    while focused(&app).await.0 != "edit-contact" {
        steps += 1;
        assert!(steps <= 80, "Tab never reached Edit; focus is on {:?}", focused(&app).await);
        press(&app, Key::Tab).await;
    }
    press(&app, Key::Enter).await;
    app.el("contact-form").await;
    app.until("focus in the first field", || async { focused(&app).await.0 == "input-first_name" }).await;

    // Type a new first name and press Enter to save.
    let active = app.client.active_element().await.unwrap();
    active.send_keys(&format!("{}{}", char::from(Key::End), "ce")).await.unwrap();
    press(&app, Key::Enter).await;
    app.until("the saved name shown", || async {
        !app.all("contact-detail").await.is_empty() && app.text("detail-name").await.contains("Gracece")
    })
    .await;
    // After the save the focus stays with the contact, in its panel, not lost to the page.
    app.until("focus in the panel after the save", || focus_in_panel_of(&app, "contact-detail")).await;

    // Escape closes the panel and the focus goes back to her row.
    press(&app, Key::Escape).await;
    app.until("panel closed", || async { app.all("contact-detail").await.is_empty() }).await;
    assert_eq!(focused(&app).await.0, "contact-row", "focus goes back to the row that opened the panel");
    assert!(focused_text(&app).await.contains("Gracece"), "{}", focused_text(&app).await);
    app.close().await;
}

#[tokio::test]
async fn a_long_url_in_the_notes_wraps_instead_of_widening_the_page() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_contact(&app, "Ada", "ada@example.com", "").await;
    let before = page_width(&app).await;
    assert_eq!(before.0, before.1, "the page fits its window before");
    // No hyphen, space or other place a line may break.
    let url = format!("https://example.com/track?id={}", "averylongtokenwithoutanybreaks".repeat(12));
    app.click("edit-contact").await;
    app.fill("input-notes", &url).await;
    app.click("save-contact").await;
    app.until("notes shown", || async {
        !app.all("contact-detail").await.is_empty()
            && app.text_of(&app.el("contact-detail").await).await.contains("averylongtoken")
    })
    .await;
    let after = page_width(&app).await;
    assert_eq!(after, before, "a long URL in the notes leaves the page's width unchanged");
    // Nor does the panel scroll sideways: the notes wrap inside it.
    let v = app
        .client
        .execute("const p = document.querySelector('[data-testid=contact-detail]').closest('aside'); return [p.scrollWidth, p.clientWidth];", vec![])
        .await
        .unwrap();
    let v: Vec<i64> = serde_json::from_value(v).unwrap();
    assert!(v[0] <= v[1], "the panel does not scroll sideways: {v:?}");
    app.close().await;
}

#[tokio::test]
async fn the_referrals_table_keeps_its_action_column_with_the_chain_panel_open() {
    let app = App::start().await;
    app.click("load-sample").await;
    app.until("sample contacts listed", || async { !app.all("contact-row").await.is_empty() }).await;
    app.click("nav-referrals").await;
    app.until("referrals listed", || async { !app.all("referral-row").await.is_empty() }).await;
    app.click("show-chain").await;
    app.el("chain-view").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // Every header, and each cell of the first row, lies within the window and its table's box.
    let v = app
        .client
        .execute(
            "const t = document.querySelector('[data-testid=referrals-table]');
             const box = t.parentElement.getBoundingClientRect();
             const right = Math.min(box.right, document.documentElement.clientWidth);
             const out = [];
             for (const c of [...t.querySelectorAll('thead th'), ...t.querySelector('tbody tr').children]) {
               const r = c.getBoundingClientRect();
               if (r.right > right + 1 || r.left < box.left - 1) out.push((c.innerText || c.tagName) + ' at ' + r.left + '-' + r.right + ' beyond ' + right);
             }
             for (const b of t.querySelectorAll('tbody button.link')) {
               if (b.scrollWidth > b.clientWidth + 1) out.push('cut: ' + b.innerText);
               const r = b.getBoundingClientRect();
               if (r.right > right + 1) out.push('hidden: ' + b.innerText);
             }
             return out;",
            vec![],
        )
        .await
        .unwrap();
    let out: Vec<String> = serde_json::from_value(v).unwrap();
    assert!(out.is_empty(), "columns or actions out of view with the chain panel open: {out:#?}");
    // Nor is the chain panel itself cut: its table fits without a sideways scroll.
    let v = app
        .client
        .execute("const p = document.querySelector('[data-testid=chain-view]').closest('aside'); return [p.scrollWidth, p.clientWidth];", vec![])
        .await
        .unwrap();
    let v: Vec<i64> = serde_json::from_value(v).unwrap();
    assert!(v[0] <= v[1], "the chain panel does not scroll sideways: {v:?}");
    app.close().await;
}

#[tokio::test]
async fn a_contact_picker_moves_with_the_arrow_keys_picks_with_enter_and_escape_closes_only_its_list() {
    let app = App::start().await;
    app.click("start-empty").await;
    add_contact(&app, "Ada", "ada@example.com", "").await;
    add_contact(&app, "Adam", "adam@example.com", "").await;
    app.click("nav-customers").await;
    app.click("record-purchase").await;
    app.el("purchase-form").await;
    // The panel opened with the focus in its first field, the customer picker.
    app.until("focus in the picker", || async { focused(&app).await.0 == "purchase-contact" }).await;
    let picker = app.el("purchase-contact").await;
    assert_eq!(picker.attr("role").await.unwrap().as_deref(), Some("combobox"));
    let active = app.client.active_element().await.unwrap();
    active.send_keys("Ada").await.unwrap();
    app.until("two options", || async { app.all("purchase-contact-option").await.len() == 2 }).await;

    // Escape closes the list only; the panel stays.
    press(&app, Key::Escape).await;
    app.until("list closed", || async { app.all("purchase-contact-option").await.is_empty() }).await;
    assert!(
        !app.all("purchase-form").await.is_empty(),
        "Escape in an open list closes the list, not the panel"
    );

    // Down, down: the second option is the active descendant; Enter picks it.
    press(&app, Key::Backspace).await;
    app.until("two options again", || async { app.all("purchase-contact-option").await.len() == 2 }).await;
    press(&app, Key::Down).await;
    press(&app, Key::Down).await;
    let options = app.all("purchase-contact-option").await;
    let second = options[1].attr("id").await.unwrap();
    assert_eq!(picker.attr("aria-activedescendant").await.unwrap(), second);
    assert_eq!(options[1].attr("aria-selected").await.unwrap().as_deref(), Some("true"));
    let second_name = app.text_of(&options[1]).await;
    press(&app, Key::Enter).await;
    let chosen = app.text("purchase-contact-chosen").await;
    assert!(
        second_name.starts_with(&chosen),
        "picked {chosen:?}, the highlighted option was {second_name:?}"
    );
    assert!(!app.all("purchase-form").await.is_empty(), "Enter picked; it did not send the form");

    // Escape now closes the panel, and the focus goes back to the button that opened it.
    press(&app, Key::Escape).await;
    app.until("panel closed", || async { app.all("purchase-form").await.is_empty() }).await;
    assert_eq!(focused(&app).await.0, "record-purchase");
    app.close().await;
}
