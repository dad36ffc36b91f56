//! One value per label (issue 10, problem 7), read as a shop owner reads the screens: every page of
//! the sample shop, then a change of period on the Dashboard. A figure is an element marked
//! `data-figure` (ui/src/components/figures): a Figure tile, or a number a chart draws, listed as
//! text beside it. Two figures whose labels read the same must show the same value on a screen,
//! and on two screens when both are counted over the same span ("As of 2 Dec 2026").

use crate::harness::App;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// One figure as the page shows it, with the heading of the group it sits in ("" outside groups).
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    label: String,
    value: String,
    scope: String,
    span: String,
}

/// Every figure on the page, with its group's scope (`period`, `as-of`, `now`) and heading.
const COLLECT: &str = "return [...document.querySelectorAll('[data-figure]')].map((f) => {
    const group = f.closest('[data-scope]');
    return [
      f.querySelector('[data-figure-label]')?.textContent ?? '',
      f.querySelector('[data-figure-value]')?.textContent ?? '',
      group?.dataset.scope ?? '',
      group?.querySelector('[data-scope-title]')?.textContent ?? '',
    ];
  });";

/// Text as a reader compares it: spacing collapsed.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A label as a reader compares two of them: case, punctuation, spacing and a plural "s" do not
/// make two labels name different things ("Customer:" and "customers" are one label).
fn reading(label: &str) -> String {
    label
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| match w {
            _ if w.len() <= 3 || w.ends_with("ss") => w,
            _ if ["ches", "shes", "xes", "sses"].iter().any(|e| w.ends_with(e)) => &w[..w.len() - 2],
            _ => w.strip_suffix('s').unwrap_or(w),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every label that shows more than one value among `shown`, as "label: a | b".
fn conflicts(shown: &[Shown]) -> Vec<String> {
    let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in shown {
        values.entry(reading(&s.label)).or_default().insert(squash(&s.value));
    }
    values
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(label, v)| format!("{label}: {}", v.into_iter().collect::<Vec<_>>().join(" | ")))
        .collect()
}

async fn collect(app: &App) -> Vec<Shown> {
    let v = app.client.execute(COLLECT, vec![]).await.unwrap();
    let rows: Vec<[String; 4]> = serde_json::from_value(v).unwrap();
    rows.into_iter()
        .map(|[label, value, scope, span]| Shown {
            label: squash(&label),
            value: squash(&value),
            scope,
            span: squash(&span),
        })
        .collect()
}

/// The page's figures once they stop changing (the page loads its figures after it opens), with at
/// least `min` of them.
async fn settled(app: &App, page: &str, min: usize) -> Vec<Shown> {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = collect(app).await;
    loop {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let now = collect(app).await;
        let loaded = now.len() >= min && now.iter().all(|s| !s.value.is_empty());
        if loaded && now == last {
            return now;
        }
        assert!(Instant::now() < deadline, "{page}: figures did not settle (min {min}): {now:#?}");
        last = now;
    }
}

/// A figure outside any group, for the checker's own test.
fn loose(label: &str, value: &str) -> Shown {
    Shown { label: label.into(), value: value.into(), scope: String::new(), span: String::new() }
}

#[test]
fn the_checker_flags_the_dashboards_old_customer_and_customers() {
    // What the Dashboard showed before: the funnel chart's "Customer: 84" beside the tile "Customers: 87".
    let old = [loose("Customer", "84"), loose("Customers", "87")];
    assert_eq!(conflicts(&old), vec!["customer: 84 | 87".to_owned()]);
    // The same label with the same value twice is fine; names that differ are different labels.
    let fine = [
        loose("Customers:", "87"),
        loose("customers", " 87"),
        loose("Customer entered", "84"),
        loose("Process", "1"),
    ];
    assert!(conflicts(&fine).is_empty(), "{:?}", conflicts(&fine));
    assert_eq!(reading("SLA breaches"), reading("SLA breach"));
    assert_ne!(reading("Waiting for sales now"), reading("Handoffs past the 24 h SLA"));
}

/// The pages, in the order of the navigation, and how many figures each shows at least.
const PAGES: [(&str, usize); 8] = [
    ("dashboard", 10),
    ("contacts", 0),
    ("funnel", 8),
    ("customers", 6),
    ("testimonials", 0),
    ("referrals", 0),
    ("import", 0),
    ("settings", 0),
];

#[tokio::test]
async fn every_page_of_the_sample_shop_shows_one_value_per_label() {
    let app = App::start().await;
    app.click("load-sample").await;
    app.until("sample contacts listed", || async { !app.all("contact-row").await.is_empty() }).await;

    let mut all = Vec::new();
    for (page, min) in PAGES {
        app.click(&format!("nav-{page}")).await;
        let shown = settled(&app, page, min).await;
        let clashes = conflicts(&shown);
        assert!(clashes.is_empty(), "{page} shows two values for one label: {clashes:#?}");
        all.extend(shown.into_iter().map(|s| (page, s)));
    }

    // Across pages: figures counted over the same span under the same label agree, e.g. the
    // Dashboard's "Customers" as of today and the Customers page's "Customers" as of today.
    let mut spans: BTreeMap<&str, Vec<Shown>> = BTreeMap::new();
    for (_, s) in &all {
        if s.scope == "as-of" || s.scope == "now" {
            spans.entry(s.span.as_str()).or_default().push(s.clone());
        }
    }
    for (span, shown) in &spans {
        let clashes = conflicts(shown);
        assert!(clashes.is_empty(), "two pages disagree {span}: {clashes:#?}");
    }
    let customers: Vec<_> =
        all.iter().filter(|(_, s)| s.label == "Customers" && s.scope == "as-of").collect();
    assert_eq!(
        customers.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        ["dashboard", "customers"],
        "both pages count customers as of today: {customers:#?}"
    );
    assert_eq!(customers[0].1.span, customers[1].1.span);

    app.close().await;
}

#[tokio::test]
async fn switching_the_period_moves_the_period_group_only() {
    let app = App::start().await;
    app.click("load-sample").await;
    app.until("sample contacts listed", || async { !app.all("contact-row").await.is_empty() }).await;
    app.click("nav-dashboard").await;
    let year = settled(&app, "dashboard", 10).await;

    let period = app.el("dashboard-period").await;
    period.select_by_value("all").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let all_time = loop {
        let now = settled(&app, "dashboard", 10).await;
        if now.iter().any(|s| s.scope == "period" && s.span.starts_with("All time")) {
            break now;
        }
        assert!(Instant::now() < deadline, "the period group never said 'All time': {now:#?}");
    };

    let group = |shown: &[Shown], scope: &str| -> Vec<(String, String)> {
        shown.iter().filter(|s| s.scope == scope).map(|s| (s.label.clone(), s.value.clone())).collect()
    };
    // As of the same last day: the same figures, whatever the first day.
    assert!(!group(&year, "as-of").is_empty());
    assert_eq!(group(&year, "as-of"), group(&all_time, "as-of"));
    // The period's group is labelled by the period and holds the figures that follow it.
    let labels: Vec<_> = group(&all_time, "period").into_iter().map(|(l, _)| l).collect();
    for label in ["New leads", "Revenue", "NPS"] {
        assert!(labels.iter().any(|l| l == label), "{label} is not in the period group: {labels:?}");
    }
    // All time counts at least what the last twelve months count.
    let leads = |shown: &[Shown]| -> u64 {
        let s = shown.iter().find(|s| s.scope == "period" && s.label == "New leads").unwrap();
        s.value.replace(',', "").parse().unwrap()
    };
    assert!(leads(&all_time) >= leads(&year), "{} < {}", leads(&all_time), leads(&year));
    app.close().await;
}
