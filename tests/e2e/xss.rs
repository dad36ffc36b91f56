//! Stored XSS in the real window. Every injection vector goes into every free-text field (contact
//! name, company, segment, tags, notes; purchase product; testimonial headline, quote, product,
//! segment, tags, consent note, incentive; referral notes and reward note; channel names; score
//! rules), then every page that shows them is opened: no vector may run (each would set its own
//! marker) or add an element, and each must be shown as the text it was.

use crate::harness::App;
use crate::xss_vectors::vectors;
use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::Locator;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::funnel::scoring::{self, RuleKind, ScoreRuleInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::{self, ReferralInput, RewardStatus};
use flywheel_core::testimonials::{self, ConsentInput, TestimonialInput, TestimonialStatus};
use flywheel_core::{channels, time};
use std::path::PathBuf;

/// Anything a vector could have done: a marker set, or an element or attribute the app never
/// makes. Returns what it found, empty when the page is clean.
const INJECTED: &str = r#"
const found = [];
if (document.title !== "Flywheel") found.push("title " + document.title);
for (const k of Object.getOwnPropertyNames(window)) if (/^xss/i.test(k)) found.push("window." + k);
const show = (e) => e.outerHTML.slice(0, 120);
const odd = "iframe,frame,frameset,object,embed,base,math,marquee,video,audio,template,noscript,xss,x,"
  + "foreignObject,picture,source,style:not(head style),link:not(head link),meta:not(head meta),body body,svg";
for (const e of document.querySelectorAll(odd)) found.push(show(e));
for (const s of document.scripts) if (!s.src || new URL(s.src).origin !== location.origin) found.push(show(s));
for (const i of document.images) if (new URL(i.src).pathname !== "/flywheel.svg") found.push(show(i));
const urls = /^(href|src|srcset|srcdoc|action|formaction|xlink:href|data|background|style)$/i;
for (const e of document.querySelectorAll("*"))
  for (const a of e.attributes)
    if (/^on/i.test(a.name) || (urls.test(a.name) && /xss|javascript:/i.test(a.value))) found.push(show(e));
return found;
"#;

async fn assert_clean(app: &App, page: &str) {
    let v = app.client.execute(INJECTED, vec![]).await.unwrap();
    let found: Vec<String> = serde_json::from_value(v).unwrap();
    assert!(found.is_empty(), "{page}: injected content ran or was added: {found:#?}");
}

/// The number `n` from an email `v{n}@example.com` or `d{n}@example.com`.
fn vector_of(email: &str) -> usize {
    email[1..].split('@').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("email {email}"))
}

fn one_tag(v: &str) -> Vec<String> {
    if v.chars().count() <= 60 {
        vec![v.to_owned()]
    } else {
        Vec::new()
    }
}

/// What the poisoned database holds, by vector number.
const CUSTOMER: usize = 2; // every second contact bought something and gave a testimonial
const MQL: usize = 5; // contacts 1, 6, 11, ... have a score of 80: marketing qualified
const DUPLICATE: usize = 10; // contacts 3, 13, ... have a twin with the same name and company

fn approved(i: usize) -> bool {
    i % 4 == 2
}

/// The poisoned database. Advocates (approved testimonials) refer the contact after them.
fn poisoned() -> (tempfile::TempDir, PathBuf) {
    let all = vectors();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let conn = flywheel_core::db::open(&path).unwrap();
    let day = time::format_day(time::today().pred_opt().and_then(|d| d.pred_opt()).unwrap());
    let mut ids = Vec::new();
    for (i, v) in all.iter().enumerate() {
        let source =
            if one_tag(v).is_empty() { String::new() } else { channels::create(&conn, v).unwrap().key };
        let person = |email: String, source: String| ContactInput {
            first_name: v.clone(),
            email: Some(email),
            company: v.clone(),
            segment: v.clone(),
            tags: one_tag(v),
            source,
            lead_score: if i % MQL == 1 { 80 } else { 0 },
            notes: v.clone(),
            ..ContactInput::default()
        };
        let id = contacts::create(&conn, &person(format!("v{i:03}@example.com"), source.clone())).unwrap().id;
        ids.push(id);
        if i % DUPLICATE == 3 {
            contacts::create(&conn, &person(format!("d{i:03}@example.com"), String::new())).unwrap();
        }
        if i % 10 == 0 && !one_tag(v).is_empty() {
            let rule = ScoreRuleInput { kind: RuleKind::Tag, value: v.clone(), points: 1 };
            scoring::create_rule(&conn, &rule, time::now()).unwrap();
        }
        if i % 10 == 5 && !source.is_empty() {
            let rule = ScoreRuleInput { kind: RuleKind::Source, value: source, points: 1 };
            scoring::create_rule(&conn, &rule, time::now()).unwrap();
        }
        if i % CUSTOMER != 0 {
            continue;
        }
        let purchase = PurchaseInput {
            contact_id: id,
            purchased_on: day.clone(),
            amount_minor: 1000,
            currency: "USD".into(),
            product: v.clone(),
            quantity: 1,
            external_id: None,
        };
        purchases::create(&conn, &purchase).unwrap();
        let words = TestimonialInput {
            contact_id: id,
            headline: v.clone(),
            quote: v.clone(),
            rating: Some(5),
            product: v.clone(),
            segment: v.clone(),
            tags: one_tag(v),
            consent: ConsentInput {
                publish: true,
                named: true,
                share_figures: true,
                channels: vec!["case_study".into()],
                note: v.clone(),
                given_at: None,
                incentive: v.clone(),
            },
        };
        let status = approved(i).then_some(TestimonialStatus::Approved);
        testimonials::create(&conn, &words, status).unwrap();
    }
    for (i, v) in all.iter().enumerate().filter(|(i, _)| approved(*i) && i + 1 < all.len()) {
        let input = ReferralInput {
            advocate_id: ids[i],
            referred_id: ids[i + 1],
            referred_on: day.clone(),
            notes: v.clone(),
            reward_minor: 500,
            reward_currency: String::new(),
        };
        let r = referrals::create(&conn, &input).unwrap();
        referrals::set_reward(&conn, r.id, RewardStatus::Void, v, None).unwrap();
    }
    (dir, path)
}

async fn open_poisoned() -> App {
    let (dir, db) = poisoned();
    App::start_on(dir, db).await
}

/// Clicks the first cell of the `n`th row with `testid` from the page: WebDriver's own click
/// misses rows once the side panel has narrowed the table.
async fn open_row(app: &App, testid: &str, n: usize) {
    let script = "document.querySelectorAll(`[data-testid=${arguments[0]}]`)[arguments[1]].querySelector('td').click();";
    app.client.execute(script, vec![serde_json::json!(testid), serde_json::json!(n)]).await.unwrap();
}

/// Polls until the texts `css` matches satisfy `done`, and returns them.
async fn wait_texts(app: &App, what: &str, css: &str, done: impl Fn(&[String]) -> bool) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let texts = app.text_contents(css).await;
        if done(&texts) {
            return texts;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}: {texts:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Polls until the cells of the rows `css` matches satisfy `done`, and returns them.
async fn wait_cells(
    app: &App,
    what: &str,
    css: &str,
    done: impl Fn(&[Vec<String>]) -> bool,
) -> Vec<Vec<String>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let rows = app.cells(css).await;
        if done(&rows) {
            return rows;
        }
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}: {rows:?}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn contacts_list_and_every_contact_panel_show_the_vectors_as_text() {
    let all = vectors();
    let app = open_poisoned().await;
    app.click("nav-contacts").await;
    let twins = (0..all.len()).filter(|i| i % DUPLICATE == 3).count();
    let total = all.len() + twins;
    let count = wait_texts(&app, "the contact count", "[data-testid=contacts-count]", |t| {
        t.first().is_some_and(|t| t.trim() == format!("{total} contacts"))
    })
    .await;
    assert_eq!(count.len(), 1);

    let mut seen = 0;
    let mut first_row = String::new();
    while seen < total {
        // The next page has come when its first row differs from the last page's.
        let rows = wait_cells(&app, "a page of contacts", "[data-testid=contact-row]", |r| {
            r.first().is_some_and(|r| r[1] != first_row)
        })
        .await;
        first_row = rows[0][1].clone();
        for row in &rows {
            let v = &all[vector_of(&row[1])];
            assert_eq!(&row[0], v, "name cell");
            assert_eq!(&row[2], v, "company cell");
        }
        assert_clean(&app, &format!("contacts list from row {seen}")).await;
        for (n, row) in rows.iter().enumerate() {
            let v = &all[vector_of(&row[1])];
            open_row(&app, "contact-row", n).await;
            wait_texts(&app, "the contact's panel", "[data-testid=detail-name]", |t| t == [v.clone()]).await;
            let details = app.text_contents("[data-testid=contact-detail] dd").await;
            // Email, phone, company, segment, source, score, tags.
            assert_eq!(&details[2], v, "company in the panel");
            assert_eq!(&details[3], v, "segment in the panel");
            let tags = if one_tag(v).is_empty() { "—" } else { v.as_str() };
            assert_eq!(details[6], tags, "tags in the panel");
            assert_eq!(
                app.text_contents("[data-testid=contact-detail] .notes").await,
                std::slice::from_ref(v)
            );
            if row[1].starts_with('v') && vector_of(&row[1]).is_multiple_of(CUSTOMER) {
                let bought = format!("Bought {v} for");
                let timeline = wait_texts(&app, "the timeline", "[data-testid=timeline-entry]", |t| {
                    t.iter().any(|e| e.contains(&bought))
                })
                .await;
                assert!(timeline.iter().any(|e| e.contains(&format!("“{v}”"))), "{timeline:?}");
            }
            assert_clean(&app, &format!("the panel of {v:?}")).await;
        }
        seen += rows.len();
        if seen < total {
            app.click("next-page").await;
        }
    }
    assert_eq!(seen, total, "every contact listed once");
    app.close().await;
}

/// The vector a shown text is, or a failure naming the place.
fn which(all: &[String], text: &str, place: &str) -> usize {
    all.iter()
        .position(|v| v == text)
        .unwrap_or_else(|| panic!("{place} shows {text:?}, not a stored vector"))
}

#[tokio::test]
async fn customers_testimonials_and_referrals_show_the_vectors_as_text() {
    let all = vectors();
    let customers: Vec<usize> = (0..all.len()).filter(|i| i % CUSTOMER == 0).collect();
    let app = open_poisoned().await;

    app.click("nav-customers").await;
    let total = customers.len().to_string();
    wait_texts(&app, "the customer total", "[data-testid=total-customers]", |t| t == [total.clone()]).await;
    let mut shown = Vec::new();
    let mut first = String::new();
    while shown.len() < customers.len() {
        let rows = wait_cells(&app, "a page of customers", "[data-testid=customer-row]", |r| {
            r.first().is_some_and(|r| r[0] != first)
        })
        .await;
        first = rows[0][0].clone();
        assert_clean(&app, "customers list").await;
        for (n, row) in rows.iter().enumerate() {
            let i = which(&all, &row[0], "a customer row");
            shown.push(i);
            open_row(&app, "customer-row", n).await;
            wait_texts(&app, "the customer's panel", "[data-testid=customer-detail] h2", |t| {
                t == [all[i].clone()]
            })
            .await;
            wait_texts(&app, "the purchase", "[data-testid=purchase-row]", |t| {
                t.len() == 1 && t[0].contains(&all[i])
            })
            .await;
            assert_clean(&app, &format!("the customer panel of {:?}", all[i])).await;
        }
        if shown.len() < customers.len() {
            app.click("next-page").await;
        }
    }
    shown.sort_unstable();
    assert_eq!(shown, customers, "every customer listed once");

    app.click("nav-testimonials").await;
    let cards =
        wait_cells(&app, "the board", "[data-testid=testimonial-card]", |c| c.len() == customers.len()).await;
    let mut on_cards = Vec::new();
    for card in &cards {
        // Who (with the stars), headline, quote, product · segment · tags, consent.
        let who = card[0].trim_end_matches(" ★★★★★");
        let i = which(&all, who, "a testimonial card");
        let v = &all[i];
        on_cards.push(i);
        assert_eq!(&card[1], v, "headline");
        assert_eq!(&card[2], v, "quote");
        let tags = if one_tag(v).is_empty() { String::new() } else { format!(" · {v}") };
        assert_eq!(card[3], format!("{v} · {v}{tags}"), "product, segment and tags");
        assert!(card[4].contains(&format!("Incentive: {v}")), "incentive: {:?}", card[4]);
        assert!(card[4].contains("named · Case study"), "channels: {:?}", card[4]);
        assert!(card[4].contains(&format!("Note: {v}")), "consent note: {:?}", card[4]);
    }
    on_cards.sort_unstable();
    assert_eq!(on_cards, customers, "every testimonial on the board once");
    let coverage = app.text_contents("[data-testid=coverage] li > span:first-child").await;
    for i in &customers {
        assert!(coverage.contains(&all[*i]), "coverage lists {:?}: {coverage:?}", all[*i]);
    }
    assert_clean(&app, "testimonials").await;

    app.click("nav-referrals").await;
    let advocates: Vec<usize> =
        customers.iter().copied().filter(|i| approved(*i) && i + 1 < all.len()).collect();
    let rows =
        wait_cells(&app, "the referrals", "[data-testid=referral-row]", |r| r.len() == advocates.len()).await;
    let notes: Vec<String> = {
        let script =
            "return [...document.querySelectorAll('[data-testid=reward-cell]')].map((c) => c.title);";
        serde_json::from_value(app.client.execute(script, vec![]).await.unwrap()).unwrap()
    };
    for (row, note) in rows.iter().zip(&notes) {
        let i = which(&all, &row[1], "a referral's advocate");
        assert_eq!(row[2], all[i + 1], "the referred contact");
        assert_eq!(note, &all[i], "the reward note");
    }
    assert_clean(&app, "referrals").await;
    for (n, row) in rows.iter().enumerate().take(3) {
        let i = which(&all, &row[1], "a referral's advocate");
        app.all("show-chain").await[n].click().await.unwrap();
        let title = format!("{}'s chain", all[i]);
        wait_texts(&app, "the chain", "[data-testid=chain-view] h2", |t| t == [title.clone()]).await;
        let tree = app.text_contents("[data-testid=chain-view] li").await;
        assert!(tree[0].contains(&all[i + 1]), "{tree:?}");
        assert_clean(&app, &format!("the chain of {:?}", all[i])).await;
    }
    app.close().await;
}

#[tokio::test]
async fn dashboard_and_its_chart_tooltips_show_the_vectors_as_text() {
    let all = vectors();
    let app = open_poisoned().await;
    app.click("nav-dashboard").await;
    let leaders =
        wait_texts(&app, "the leaderboard", "[data-testid=leader-row] td:nth-child(2)", |t| t.len() == 10)
            .await;
    for name in &leaders {
        which(&all, name, "the leaderboard");
    }
    let ready = wait_texts(&app, "who to ask", "[data-testid=ready-row] strong", |t| !t.is_empty()).await;
    for name in &ready {
        which(&all, name, "who to ask next");
    }
    assert_clean(&app, "dashboard").await;

    // The sankey draws on a canvas; its tooltips are HTML. Hover down the advocates' column.
    let chart = app.el("advocate-sankey").await;
    let arg = serde_json::to_value(&chart).unwrap();
    let script = "arguments[0].scrollIntoView({ block: 'center' }); return arguments[0].clientWidth;";
    let width = app.client.execute(script, vec![arg.clone()]).await.unwrap();
    let x = 20.0 - width.as_f64().unwrap() / 2.0;
    let mut tips = Vec::new();
    for step in 0..34 {
        let y = -168.0 + 10.0 * f64::from(step);
        let hover = PointerAction::MoveToElement { element: chart.clone(), duration: None, x, y };
        app.client.perform_actions(MouseActions::new("mouse".into()).then(hover)).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
        let tip = app
            .client
            .execute(
                "const t = [...arguments[0].children].slice(1).filter((e) => e.textContent);
                 return t.length ? t[t.length - 1].textContent : null;",
                vec![arg.clone()],
            )
            .await
            .unwrap();
        if let Some(tip) = tip.as_str() {
            tips.push(tip.to_owned());
        }
        assert_clean(&app, &format!("the sankey tooltip at {y}")).await;
    }
    let names: Vec<&String> = tips.iter().filter(|t| all.contains(t)).collect();
    assert!(!names.is_empty(), "no advocate's tooltip showed their name as text: {tips:?}");
    app.close().await;
}

#[tokio::test]
async fn funnel_settings_and_duplicates_show_the_vectors_as_text() {
    let all = vectors();
    let named: Vec<&String> = all.iter().filter(|v| !one_tag(v).is_empty()).collect();
    let app = open_poisoned().await;

    app.click("nav-funnel").await;
    let channels = wait_texts(&app, "the channel table", "[data-testid=channel-row] td:first-child", |t| {
        t.len() > named.len()
    })
    .await;
    let options = app.text_contents("[data-testid=filter-channel] option").await;
    for v in &named {
        assert!(channels.contains(v), "channel table lists {v:?}");
        assert!(options.contains(v), "channel filter offers {v:?}");
    }
    let segments = app.text_contents("[data-testid=filter-segment] option").await;
    for v in &all {
        assert!(segments.contains(v), "segment filter offers {v:?}");
    }
    let mqls: Vec<usize> = (0..all.len()).filter(|i| i % MQL == 1).collect();
    let queue = wait_texts(&app, "the handoff queue", "[data-testid=queue-name]", |t| !t.is_empty()).await;
    let companies = app.text_contents("[data-testid=queue-row] td:first-child .muted").await;
    for (name, company) in queue.iter().zip(&companies) {
        let i = which(&all, name, "the handoff queue");
        assert!(mqls.contains(&i), "{name:?} is no MQL");
        assert_eq!(company, name, "the company under the name");
    }
    assert_clean(&app, "funnel").await;

    app.click("nav-settings").await;
    let rules =
        wait_texts(&app, "the score rules", "[data-testid=score-rule] td:first-child", |t| !t.is_empty())
            .await;
    for (i, v) in all.iter().enumerate().filter(|(i, v)| i % 5 == 0 && !one_tag(v).is_empty()) {
        let rule = if i % 10 == 0 { format!("Tag: {v}") } else { format!("Source: {v}") };
        assert!(rules.contains(&rule), "score rules show {rule:?}: {rules:?}");
    }
    assert_clean(&app, "settings").await;

    // The Follow-ups page lists contacts' names and the follow-ups' text: text, never markup.
    app.click("nav-followups").await;
    app.el("followups-summary").await;
    assert_clean(&app, "follow-ups").await;

    app.click("nav-import").await;
    let twins: Vec<usize> = (0..all.len()).filter(|i| i % DUPLICATE == 3).collect();
    let merges =
        wait_cells(&app, "the duplicates", "[data-testid=merge-row]", |r| r.len() == twins.len()).await;
    for row in &merges {
        let (name, email) = row[0].rsplit_once(' ').unwrap();
        let i = vector_of(email);
        assert_eq!(name, all[i], "the contact to keep");
        assert!(row[1].starts_with(&format!("{} ", all[i])), "the twin to merge: {:?}", row[1]);
    }
    assert_clean(&app, "import and export").await;
    app.close().await;
}

/// The policy itself, with markup a bug could let through: an inline handler, an inline script,
/// a string timer and a `javascript:` link. The WebDriver script that plants them is the
/// control: it runs, the planted code must not.
#[tokio::test]
async fn the_content_security_policy_blocks_inline_code() {
    let app = open_poisoned().await;
    app.click("nav-contacts").await;
    app.el("contact-row").await;
    if let Some(path) = std::env::var_os("FLYWHEEL_E2E_SCREENSHOT") {
        app.all("contact-row").await[0].find(Locator::Css("td")).await.unwrap().click().await.unwrap();
        app.el("contact-detail").await;
        std::fs::write(path, app.client.screenshot().await.unwrap()).unwrap();
    }
    let plant = r#"
        const box = document.createElement("div");
        box.id = "planted";
        box.innerHTML = '<img src="x" onerror="window.xssHandler = 1">';
        const s = document.createElement("script");
        s.textContent = "window.xssInline = 1";
        box.append(s);
        document.body.append(box);
        try { setTimeout("window.xssTimer = 1"); } catch (e) {}
        const a = document.createElement("a");
        a.href = "javascript:window.xssUrl = 1";
        box.append(a);
        a.click();
        window.xssControl = 1;
    "#;
    app.client.execute(plant, vec![]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let ran = app
        .client
        .execute("return ['xssControl', 'xssHandler', 'xssInline', 'xssTimer', 'xssUrl'].filter((k) => k in window);", vec![])
        .await
        .unwrap();
    assert_eq!(ran, serde_json::json!(["xssControl"]), "only the WebDriver script itself may run");
    app.close().await;
}
