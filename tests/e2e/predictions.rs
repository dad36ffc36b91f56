//! Predicted customer value in the real window (issue 15), on the sample shop: the Customers page
//! shows the chance still active, the expected purchases in 90 days and the predicted 12-month
//! value, explained in plain words, and sorts by each from its header; a customer's detail shows
//! the same figures as their row; the at-risk list makes a call in one click; the Dashboard has the
//! predicted revenue tile, equal to the core's.

use crate::harness::App;
use flywheel_core::repeat::{self, CustomerQuery, CustomerSort};
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::time;

fn sample_shop() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("e2e.db");
    let conn = flywheel_core::db::open(&path).unwrap();
    sample::generate(&conn, SampleSize::Small, time::today()).unwrap();
    (dir, path)
}

/// "$1,234.56" or "84 %" or "1.3" as a number; `None` for "—".
fn number(text: &str) -> Option<f64> {
    let clean: String = text.chars().filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-').collect();
    if text.trim() == "—" || clean.is_empty() {
        return None;
    }
    Some(clean.parse().unwrap_or_else(|_| panic!("a number: {text}")))
}

/// Dollars as the window writes them: "$1,234.56".
fn dollars(minor: f64) -> String {
    let cents = minor.round() as i64;
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("${grouped}.{:02}", cents % 100)
}

async fn column(app: &App, testid: &str) -> Vec<Option<f64>> {
    app.text_contents(&format!("[data-testid={testid}]")).await.iter().map(|t| number(t)).collect()
}

#[tokio::test]
async fn the_customers_page_shows_and_sorts_by_the_predictions() {
    let (dir, db) = sample_shop();
    let conn = flywheel_core::db::open(&db).unwrap();
    let by_value = repeat::list(
        &conn,
        &CustomerQuery { sort: Some(CustomerSort::PredictedValue), limit: 1, ..Default::default() },
    )
    .unwrap();
    let top = by_value.items[0].clone();
    let model = repeat::predictions(&conn, None).unwrap();
    drop(conn);

    let app = App::start_on(dir, db).await;
    app.click("nav-customers").await;
    app.until("customers listed", || async { app.all("customer-row").await.len() >= 20 }).await;
    let heads: Vec<String> = app
        .text_contents("[data-testid=customers-table] th")
        .await
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    for plain in ["Chance still active", "Expected purchases, 90 days", "Predicted 12-month value"] {
        assert!(heads.iter().any(|h| h == plain), "{plain} in {heads:?}");
    }
    let explained = app.text("predictions-explained").await;
    assert!(
        explained.contains("how likely the customer still buys from you") && explained.contains("1 % less"),
        "{explained}"
    );
    assert!(app.all("predictions-problems").await.is_empty(), "the sample shop predicts");
    // Every row has all three.
    for id in ["cell-p-alive", "cell-expected", "cell-value"] {
        assert!(column(&app, id).await.iter().all(Option::is_some), "{id} filled in");
    }

    // Highest predicted value first from its header, then lowest first.
    app.click("sort-value").await;
    app.until("sorted by predicted value", || async {
        let v = column(&app, "cell-value").await;
        v.len() >= 20 && v.windows(2).all(|w| w[0] >= w[1])
    })
    .await;
    let first = app.cells("[data-testid=customer-row]").await.remove(0);
    assert!(first[0].trim().starts_with(&top.name), "{first:?} against the core's {}", top.name);
    let top_value = dollars(top.prediction.unwrap().clv_12m.unwrap());
    assert_eq!(app.text_contents("[data-testid=cell-value]").await[0].trim(), top_value);
    app.click("sort-value").await;
    app.until("lowest predicted value first", || async {
        let v = column(&app, "cell-value").await;
        v.len() >= 20 && v.windows(2).all(|w| w[0] <= w[1]) && v[0] < v[v.len() - 1]
    })
    .await;
    for (head, cells) in [("sort-p-alive", "cell-p-alive"), ("sort-expected", "cell-expected")] {
        app.click(head).await;
        app.until(&format!("sorted by {cells}"), || async {
            let v = column(&app, cells).await;
            v.len() >= 20 && v.windows(2).all(|w| w[0] >= w[1]) && v[0] > v[v.len() - 1]
        })
        .await;
    }

    // The detail of the top customer by value shows the figures of their row.
    app.click("sort-value").await;
    app.until("highest value first again", || async {
        app.text_contents("[data-testid=cell-value]")
            .await
            .first()
            .map(|t| t.trim() == top_value)
            .unwrap_or(false)
    })
    .await;
    let row_alive = app.text_contents("[data-testid=cell-p-alive]").await[0].trim().to_owned();
    let row = app.all("customer-row").await.remove(0);
    row.find(fantoccini::Locator::Css("td")).await.unwrap();
    // Opened from the keyboard, as the rows allow: focus it, Enter.
    row.send_keys("\u{E007}").await.unwrap();
    app.el("customer-predictions").await;
    assert_eq!(app.text("detail-value").await.trim(), top_value);
    assert_eq!(app.text("detail-p-alive").await.trim(), row_alive);

    // At risk: one click makes the call, and the row says when it is due.
    app.until("customers at risk", || async { !app.all("at-risk-row").await.is_empty() }).await;
    let before = app.all("at-risk-call").await.len();
    app.click("at-risk-call").await;
    app.until("the call is made", || async { app.all("at-risk-called").await.len() == 1 }).await;
    assert_eq!(app.all("at-risk-call").await.len(), before - 1);
    assert!(app.text("at-risk-called").await.starts_with("Call due"));

    // The Dashboard's tile is the core's figure.
    app.click("nav-dashboard").await;
    let tile = app.text("dash-predicted-revenue").await;
    assert_eq!(tile.trim(), dollars(model.revenue_next_90_days().unwrap()));
    app.close().await;
}
