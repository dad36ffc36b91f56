mod common;

use common::{assert_invalid, contact, temp_db};
use flywheel_core::currencies;
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::repeat::{self, CustomerFigures, CustomerQuery, CustomerSort, RepeatFigures};
use flywheel_core::store::Connection;

fn buy(conn: &Connection, contact_id: i64, day: &str, amount_minor: i64, currency: &str) -> i64 {
    let input =
        PurchaseInput { currency: currency.into(), ..common::purchase(contact_id, day, amount_minor) };
    purchases::create(conn, &input).unwrap().id
}

struct Shop {
    ann: i64,
    bob: i64,
    cy: i64,
    dee: i64,
    eve: i64,
    fay: i64,
}

/// The transaction log of the lifetimes comparison below (amounts in cents, USD unless said).
fn shop(conn: &Connection) -> Shop {
    let [ann, bob, cy, dee, eve, fay] =
        ["ann", "bob", "cy", "dee", "eve", "fay"].map(|n| contact(conn, &format!("{n}@example.com")));
    // ann: two orders on New Year's Day (one purchase worth 15.00), then 20.00 and 30.00.
    buy(conn, ann, "2024-01-01", 1000, "USD");
    buy(conn, ann, "2024-01-01", 500, "USD");
    buy(conn, ann, "2024-01-10", 2000, "USD");
    buy(conn, ann, "2024-02-01", 3000, "USD");
    // bob: one purchase.
    buy(conn, bob, "2024-02-15", 5000, "USD");
    // cy: 100.00 with 40.00 refunded, an order refunded in full, then a two-order day.
    let partly = buy(conn, cy, "2024-01-05", 10_000, "USD");
    purchases::refund(conn, partly, 4000).unwrap();
    let fully = buy(conn, cy, "2024-01-20", 8000, "USD");
    purchases::refund(conn, fully, 8000).unwrap();
    buy(conn, cy, "2024-02-10", 4500, "USD");
    buy(conn, cy, "2024-02-10", 500, "USD");
    // dee: the second purchase lies after the as-of day.
    buy(conn, dee, "2024-02-20", 1000, "USD");
    buy(conn, dee, "2024-03-05", 1000, "USD");
    // eve: only in euros, which the USD shop does not add up.
    buy(conn, eve, "2024-01-15", 9999, "EUR");
    // fay: a free sample first, then a paid order.
    buy(conn, fay, "2024-01-03", 0, "USD");
    buy(conn, fay, "2024-02-03", 2500, "USD");
    Shop { ann, bob, cy, dee, eve, fay }
}

fn customer(conn: &Connection, id: i64, as_of: &str) -> CustomerFigures {
    repeat::for_contact(conn, id, Some(as_of)).unwrap().unwrap()
}

fn figures(conn: &Connection, id: i64, as_of: &str) -> RepeatFigures {
    customer(conn, id, as_of).figures
}

/// frequency, recency, T and monetary value, the four columns lifetimes gives.
fn btyd(f: &RepeatFigures) -> (i64, i64, i64, f64) {
    (f.frequency, f.recency_days, f.t_days, f.monetary_value)
}

/// Expected values were computed with lifetimes 0.11.3 (pandas 3.1.1, Python 3.11) by this script,
/// on the log above net of refunds (the order refunded in full and eve's EUR order left out, as
/// Flywheel's rules say; dee's 2024-03-05 order is in and lifetimes drops it itself):
///
/// ```python
/// import pandas as pd
/// from lifetimes.utils import summary_data_from_transaction_data
/// log = pd.DataFrame([
///     ("ann", "2024-01-01", 1000), ("ann", "2024-01-01", 500), ("ann", "2024-01-10", 2000),
///     ("ann", "2024-02-01", 3000),
///     ("bob", "2024-02-15", 5000),
///     ("cy", "2024-01-05", 6000), ("cy", "2024-02-10", 4500), ("cy", "2024-02-10", 500),
///     ("dee", "2024-02-20", 1000), ("dee", "2024-03-05", 1000),
///     ("fay", "2024-01-03", 0), ("fay", "2024-02-03", 2500),
/// ], columns=["customer", "date", "net_minor"])
/// log["date"] = pd.to_datetime(log["date"])
/// print(summary_data_from_transaction_data(log, "customer", "date", monetary_value_col="net_minor",
///       observation_period_end="2024-03-01", freq="D").to_string())
/// ```
///
/// ```text
///           frequency  recency     T  monetary_value
/// customer
/// ann             2.0     31.0  60.0          2500.0
/// bob             0.0      0.0  15.0             0.0
/// cy              1.0     36.0  56.0          5000.0
/// dee             0.0      0.0  10.0             0.0
/// fay             1.0     31.0  58.0          2500.0
/// ```
#[test]
fn agrees_with_lifetimes_summary_data_from_transaction_data() {
    let db = temp_db();
    let s = shop(&db);
    let as_of = "2024-03-01";
    assert_eq!(btyd(&figures(&db, s.ann, as_of)), (2, 31, 60, 2500.0));
    assert_eq!(btyd(&figures(&db, s.bob, as_of)), (0, 0, 15, 0.0));
    assert_eq!(btyd(&figures(&db, s.cy, as_of)), (1, 36, 56, 5000.0));
    assert_eq!(btyd(&figures(&db, s.dee, as_of)), (0, 0, 10, 0.0));
    assert_eq!(btyd(&figures(&db, s.fay, as_of)), (1, 31, 58, 2500.0));
    // The EUR customer is not a customer of the USD shop's figures.
    assert_eq!(repeat::for_contact(&db, s.eve, Some(as_of)).unwrap(), None);
}

#[test]
fn same_day_purchases_are_one_purchase_worth_their_total() {
    let db = temp_db();
    let s = shop(&db);
    let ann = figures(&db, s.ann, "2024-03-01");
    // Orders: 10.00 + 5.00 on 1 Jan, 20.00 on 10 Jan, 30.00 on 1 Feb: 4 orders on 3 days.
    assert_eq!((ann.purchases, ann.purchase_days, ann.frequency), (4, 3, 2));
    // Repeat days only: (20.00 + 30.00) / 2 = 25.00; the 15.00 first day is left out.
    assert_eq!(ann.monetary_value, 2500.0);
    // Total 65.00 over 4 orders = 16.25 each.
    assert_eq!((ann.total_spent, ann.avg_order_value), (6500, 1625.0));
    assert_eq!((ann.first_purchase.as_str(), ann.last_purchase.as_str()), ("2024-01-01", "2024-02-01"));
    // Gaps of 9 and 22 days: median 15.5. 29 days from 1 Feb to 1 Mar.
    assert_eq!((ann.median_days_between, ann.days_since_last), (Some(15.5), 29));
    let who = customer(&db, s.ann, "2024-03-01");
    assert_eq!(
        (who.name.as_str(), who.email.as_deref(), who.currency.as_str()),
        ("ann", Some("ann@example.com"), "USD")
    );
}

#[test]
fn refunds_reduce_the_day_and_a_full_refund_removes_it() {
    let db = temp_db();
    let s = shop(&db);
    let cy = figures(&db, s.cy, "2024-03-01");
    // 5 Jan: 100.00 − 40.00 = 60.00; 20 Jan refunded in full: no purchase day;
    // 10 Feb: 45.00 + 5.00 = 50.00. So 3 orders on 2 days, total 110.00.
    assert_eq!((cy.purchases, cy.purchase_days, cy.total_spent), (3, 2, 11_000));
    // Monetary value: the one repeat day, 50.00. Recency 5 Jan → 10 Feb = 36 days.
    assert_eq!((cy.monetary_value, cy.recency_days, cy.median_days_between), (5000.0, 36, Some(36.0)));
}

#[test]
fn a_customer_with_one_purchase() {
    let db = temp_db();
    let s = shop(&db);
    let bob = figures(&db, s.bob, "2024-03-01");
    assert_eq!((bob.purchases, bob.purchase_days, bob.frequency, bob.recency_days), (1, 1, 0, 0));
    // 15 Feb → 1 Mar is 15 days (2024 is a leap year: 29 Feb counts).
    assert_eq!((bob.t_days, bob.days_since_last), (15, 15));
    assert_eq!((bob.monetary_value, bob.total_spent, bob.avg_order_value), (0.0, 5000, 5000.0));
    assert_eq!(bob.median_days_between, None);
    // Before the purchase day there was no customer at all.
    assert_eq!(repeat::for_contact(&db, s.bob, Some("2024-02-14")).unwrap(), None);
}

#[test]
fn a_past_as_of_day_reproduces_the_state_then() {
    let db = temp_db();
    let s = shop(&db);
    // On 15 Jan ann had bought on 1 Jan (15.00) and 10 Jan (20.00).
    let ann = figures(&db, s.ann, "2024-01-15");
    assert_eq!(btyd(&ann), (1, 9, 14, 2000.0));
    assert_eq!((ann.total_spent, ann.last_purchase.as_str()), (3500, "2024-01-10"));
    // Customers then: ann, cy (5 Jan) and fay (3 Jan); only ann had come back.
    let t = repeat::totals(&db, Some("2024-01-15")).unwrap();
    assert_eq!((t.customers, t.repeat_customers), (3, 1));
    // Revenue: ann 35.00 + cy 60.00 + fay 0.00.
    assert_eq!(t.revenue, 9500);
    assert_eq!(t.other_currency_purchases, 1);
    assert_eq!(currencies::other(&db, Some("2024-01-15")).unwrap().currencies[0].purchases, 1);
}

#[test]
fn totals_of_the_whole_shop() {
    let db = temp_db();
    shop(&db);
    let t = repeat::totals(&db, Some("2024-03-01")).unwrap();
    assert_eq!((t.as_of.as_str(), t.currency.as_str()), ("2024-03-01", "USD"));
    // ann, bob, cy, dee and fay; eve bought only in EUR.
    assert_eq!(t.customers, 5);
    // ann (3 days), cy (2) and fay (2) came back: 3 of 5 = 60 %.
    assert_eq!((t.repeat_customers, t.repeat_customer_rate), (3, Some(0.6)));
    // Orders 4 + 1 + 3 + 1 + 2 = 11 on 3 + 1 + 2 + 1 + 2 = 9 days.
    assert_eq!((t.purchases, t.purchase_days), (11, 9));
    // Revenue 65.00 + 50.00 + 110.00 + 10.00 + 25.00 = 260.00.
    assert_eq!(t.revenue, 26_000);
    assert_eq!(t.avg_order_value, Some(26_000.0 / 11.0));
    // 260.00 over 5 customers.
    assert_eq!(t.historic_customer_value, Some(5200.0));
    // Gaps: ann 9 and 22, cy 36, fay 31 → sorted 9, 22, 31, 36 → median (22 + 31) / 2.
    assert_eq!(t.median_days_between, Some(26.5));
    assert_eq!(t.other_currency_purchases, 1);
    // eve's EUR purchase is counted aside.
    let eur = &currencies::other(&db, Some("2024-03-01")).unwrap().currencies[0];
    assert_eq!((eur.currency.as_str(), eur.only_customers, eur.purchases), ("EUR", 1, 1));
}

#[test]
fn an_empty_shop_has_no_rates() {
    let db = temp_db();
    let t = repeat::totals(&db, Some("2024-03-01")).unwrap();
    assert_eq!((t.customers, t.revenue, t.repeat_customer_rate, t.avg_order_value), (0, 0, None, None));
    assert_eq!(t.median_days_between, None);
    assert_invalid(repeat::totals(&db, Some("March")), "as_of");
}

#[test]
fn the_customer_list_sorts_filters_and_pages() {
    let db = temp_db();
    let s = shop(&db);
    let ids = |q: CustomerQuery| -> Vec<i64> {
        let q = CustomerQuery { as_of: Some("2024-03-01".into()), ..q };
        repeat::list(&db, &q).unwrap().items.iter().map(|f| f.contact_id).collect()
    };
    // By total spent, highest first: cy 110, ann 65, bob 50, fay 25, dee 10.
    assert_eq!(ids(CustomerQuery::default()), vec![s.cy, s.ann, s.bob, s.fay, s.dee]);
    assert_eq!(
        ids(CustomerQuery { repeat_only: true, ascending: true, ..Default::default() }),
        vec![s.fay, s.ann, s.cy]
    );
    assert_eq!(
        ids(CustomerQuery { sort: Some(CustomerSort::Frequency), repeat_only: true, ..Default::default() }),
        vec![s.ann, s.fay, s.cy]
    );
    assert_eq!(ids(CustomerQuery { search: Some("EE@EX".into()), ..Default::default() }), vec![s.dee]);
    let page = repeat::list(
        &db,
        &CustomerQuery { as_of: Some("2024-03-01".into()), offset: 1, limit: 2, ..Default::default() },
    )
    .unwrap();
    assert_eq!((page.total, page.items.len(), page.items[0].contact_id), (5, 2, s.ann));
    // The list carries the same figures as the single-customer call, median included.
    assert_eq!(page.items[0], customer(&db, s.ann, "2024-03-01"));

    let mut all = Vec::new();
    repeat::each(&db, Some("2024-03-01"), |f| {
        all.push(f.clone());
        Ok(())
    })
    .unwrap();
    // Oldest customer first: ann (1 Jan), fay (3 Jan), cy (5 Jan), bob (15 Feb), dee (20 Feb).
    let order: Vec<i64> = all.iter().map(|f| f.contact_id).collect();
    assert_eq!(order, vec![s.ann, s.fay, s.cy, s.bob, s.dee]);
    assert_eq!(all[2], customer(&db, s.cy, "2024-03-01"));
}
