//! Repeat customers, by the buy-till-you-die definitions of Fader & Hardie as the `lifetimes`
//! library computes them (`summary_data_from_transaction_data(freq='D')`): what counts is the
//! purchase *day*, so several orders on one day are one purchase worth their total.
//!
//! Decisions the library leaves open, made once here:
//! - money is net of refunds: a purchase counts at `amount − refunded`, and one refunded in full is
//!   as if it never happened (it makes no purchase day). Refunds carry no date in the data, so a
//!   past as-of day sees refunds as they stand today;
//! - only purchases in the shop's currency (Settings) are counted; others are reported per
//!   currency by [`crate::currencies`], never summed;
//! - a customer is a contact with at least one counted purchase on or before the as-of day.
//!
//! SQL only groups the purchases by customer and day; every figure is computed from those days by
//! [`summarise`], so a page, a total and the CSV report cannot disagree.

use crate::asof::AsOf;
use crate::contacts;
use crate::error::{Error, Result};
use crate::page::{self, Page};
use crate::predict::shop::{self as prediction, Input, Prediction, Predictions};
use crate::search::{self, Within};
use crate::stats;
use crate::store::Connection;
use crate::summary;
use crate::text_enum;
use crate::time;
use chrono::NaiveDate;
use rusqlite::ToSql;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The purchases every figure counts, as a condition on `purchases`: on or before `:as_of`, in the
/// shop's currency `:currency`, and not refunded in full (a free purchase still counts). The `+`
/// keeps SQLite from treating the currency as settled and so losing the (contact, currency, day)
/// order of the index the figures read in (migration 009).
pub(crate) const COUNTED: &str = "+currency = :currency AND purchased_on <= :as_of
         AND (refunded_minor < amount_minor OR amount_minor = 0)";

/// One day on which a customer bought: how many orders, and their total net of refunds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PurchaseDay {
    pub day: NaiveDate,
    pub orders: i64,
    pub total: i64,
}

/// The buy-till-you-die figures of one customer. Money is in minor units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RepeatFigures {
    /// Counted orders (several on one day are several orders here).
    pub purchases: i64,
    /// Distinct days with a counted purchase.
    pub purchase_days: i64,
    /// Repeat purchases: purchase days − 1.
    pub frequency: i64,
    /// Days from the first purchase day to the last.
    pub recency_days: i64,
    /// Days from the first purchase day to the as-of day (lifetimes' `T`).
    pub t_days: i64,
    /// Mean day total over the repeat days (the first day left out); 0 without repeats.
    pub monetary_value: f64,
    /// Everything the customer spent, net of refunds: their historic value.
    pub total_spent: i64,
    /// total spent ÷ purchases.
    pub avg_order_value: f64,
    /// `YYYY-MM-DD`.
    pub first_purchase: String,
    pub last_purchase: String,
    pub days_since_last: i64,
    /// Median of the days between consecutive purchase days; `None` without repeats.
    pub median_days_between: Option<f64>,
}

/// The figures of `days` (one customer's purchase days, oldest first) as of `as_of`; `None` for no
/// days. The definitions of every per-customer figure.
pub fn summarise(days: &[PurchaseDay], as_of: NaiveDate) -> Option<RepeatFigures> {
    let (first, last) = (days.first()?, days.last()?);
    let purchases: i64 = days.iter().map(|d| d.orders).sum();
    let total_spent: i64 = days.iter().map(|d| d.total).sum();
    let frequency = days.len() as i64 - 1;
    let repeat_spent: i64 = days[1..].iter().map(|d| d.total).sum();
    Some(RepeatFigures {
        purchases,
        purchase_days: days.len() as i64,
        frequency,
        recency_days: (last.day - first.day).num_days(),
        t_days: (as_of - first.day).num_days(),
        monetary_value: if frequency > 0 { repeat_spent as f64 / frequency as f64 } else { 0.0 },
        total_spent,
        avg_order_value: if purchases > 0 { total_spent as f64 / purchases as f64 } else { 0.0 },
        first_purchase: time::format_day(first.day),
        last_purchase: time::format_day(last.day),
        days_since_last: (as_of - last.day).num_days(),
        median_days_between: stats::median(&gaps(days)),
    })
}

/// The days between consecutive purchase days.
fn gaps(days: &[PurchaseDay]) -> Vec<f64> {
    days.windows(2).map(|w| (w[1].day - w[0].day).num_days() as f64).collect()
}

/// A customer with their figures as of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CustomerFigures {
    pub contact_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub segment: String,
    /// The shop's currency, which the money figures are in.
    pub currency: String,
    pub figures: RepeatFigures,
    /// What the models predict for them (see `predict`); `None` when they predict nothing.
    pub prediction: Option<Prediction>,
}

/// The repeat figures of all customers together as of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RepeatTotals {
    pub as_of: String,
    pub currency: String,
    pub customers: i64,
    /// Customers with purchases on at least two distinct days.
    pub repeat_customers: i64,
    /// repeat customers ÷ customers; `None` without customers.
    pub repeat_customer_rate: Option<f64>,
    pub purchases: i64,
    pub purchase_days: i64,
    /// Net revenue of every counted purchase, in minor units.
    pub revenue: i64,
    /// revenue ÷ purchases.
    pub avg_order_value: Option<f64>,
    /// revenue ÷ customers: what a customer has been worth so far, on average.
    pub historic_customer_value: Option<f64>,
    /// Median of every gap between a customer's consecutive purchase days.
    pub median_days_between: Option<f64>,
    /// Purchases in other currencies, left out of every figure above (kept in the JSON reports;
    /// [`crate::currencies::other`] says per currency who made them and what they add up to).
    pub other_currency_purchases: i64,
}

/// 1970-01-01 counted in days from 0001-01-01, as chrono numbers them.
const UNIX_EPOCH_CE: i32 = 719_163;

/// Hands every customer's purchase days (oldest first) to `each`, customer by customer in id
/// order. `contact` narrows it to one contact.
fn scan(
    conn: &Connection,
    a: &AsOf,
    contact: Option<i64>,
    mut each: impl FnMut(i64, &[PurchaseDay]) -> Result<()>,
) -> Result<()> {
    let scope = if contact.is_some() { "AND contact_id = :contact" } else { "" };
    let sql = format!(
        "SELECT contact_id, unixepoch(purchased_on) / 86400, count(*), sum(amount_minor - refunded_minor)
         FROM purchases WHERE {COUNTED} {scope}
         GROUP BY contact_id, currency, purchased_on ORDER BY contact_id, currency, purchased_on"
    );
    let contact = contact.unwrap_or_default();
    let args = a.args(&sql, &[(":contact", &contact)]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(args.as_slice())?;
    let mut current: Option<i64> = None;
    let mut days: Vec<PurchaseDay> = Vec::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if current != Some(id) {
            if let Some(done) = current {
                each(done, &days)?;
            }
            current = Some(id);
            days.clear();
        }
        // Days since 1970 read as numbers: a million purchases parse no text.
        let day = UNIX_EPOCH_CE
            .checked_add(r.get::<_, i32>(1)?)
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| Error::storage("A purchase has a day outside the calendar."))?;
        days.push(PurchaseDay { day, orders: r.get(2)?, total: r.get(3)? });
    }
    if let Some(done) = current {
        each(done, &days)?;
    }
    Ok(())
}

/// Every customer's figures as of a day, by contact id.
fn all_figures(conn: &Connection, a: &AsOf) -> Result<Vec<(i64, RepeatFigures)>> {
    let mut out = Vec::new();
    scan(conn, a, None, |id, days| {
        out.extend(summarise(days, a.day).map(|f| (id, f)));
        Ok(())
    })?;
    Ok(out)
}

/// A customer's name, email and segment.
type Identity = (String, Option<String>, String);

/// The identities of contacts; all of them when `ids` is `None`.
fn identities(conn: &Connection, ids: Option<&[i64]>) -> Result<HashMap<i64, Identity>> {
    let select = "SELECT id, first_name, last_name, email, segment FROM contacts";
    let ids_json = serde_json::to_string(&ids.unwrap_or_default())?;
    let mut stmt = match ids {
        Some(_) => conn.prepare_cached(&format!(
            "{select} WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(?1))"
        ))?,
        None => conn.prepare_cached(select)?,
    };
    let params: &[&dyn ToSql] = if ids.is_some() { &[&ids_json] } else { &[] };
    let rows = stmt.query_map(params, |r| {
        let (first, last, email): (String, String, Option<String>) = (r.get(1)?, r.get(2)?, r.get(3)?);
        Ok((r.get(0)?, (contacts::display_name(&first, &last, email.as_deref()), email, r.get(4)?)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn customer(
    contact_id: i64,
    figures: RepeatFigures,
    currency: &str,
    who: Option<&Identity>,
    predictions: &Predictions,
) -> CustomerFigures {
    let (name, email, segment) = who.cloned().unwrap_or_default();
    let prediction = predictions.of(contact_id);
    CustomerFigures { contact_id, name, email, segment, currency: currency.to_owned(), figures, prediction }
}

/// Every customer's sort key as of the day: from the summaries when they cover it, else from the
/// purchases.
pub(crate) fn customer_keys(conn: &Connection, a: &AsOf) -> Result<Vec<(i64, SortKey)>> {
    if summary::covers(conn, Some(&a.currency), &a.as_of)? {
        return summary_keys(conn, a);
    }
    Ok(all_figures(conn, a)?.iter().map(|(id, f)| (*id, SortKey::of(f))).collect())
}

/// Every customer as the prediction models take them as of the day: from the summaries when they
/// cover it (days read as numbers, as `scan` reads them), else from the purchases.
fn model_inputs(conn: &Connection, a: &AsOf) -> Result<Vec<Input>> {
    if summary::covers(conn, Some(&a.currency), &a.as_of)? {
        let as_of_day = (a.day - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days();
        let mut stmt = conn.prepare_cached(
            "SELECT contact_id, days, total, first_total, unixepoch(first_day) / 86400 AS first,
                    unixepoch(last_day) / 86400 AS last
             FROM customer_summaries WHERE currency = ?1 AND first_day <= ?2",
        )?;
        let rows = stmt.query_map([&a.currency, &a.as_of], |r| {
            let (days, total, first_total): (i64, i64, i64) =
                (r.get("days")?, r.get("total")?, r.get("first_total")?);
            let (first, last): (i64, i64) = (r.get("first")?, r.get("last")?);
            let frequency = days - 1;
            Ok(Input {
                contact_id: r.get("contact_id")?,
                frequency,
                recency_days: last - first,
                t_days: as_of_day - first,
                // As `summarise` computes it: the repeat days' total over their number.
                monetary_value: if frequency > 0 {
                    (total - first_total) as f64 / frequency as f64
                } else {
                    0.0
                },
            })
        })?;
        return Ok(rows.collect::<rusqlite::Result<_>>()?);
    }
    let day = |text: String| time::parse_day("day", &text);
    let mut out = Vec::new();
    for (contact_id, k) in customer_keys(conn, a)? {
        let (first, last) = (day(k.first_purchase)?, day(k.last_purchase)?);
        out.push(Input {
            contact_id,
            frequency: k.frequency,
            recency_days: (last - first).num_days(),
            t_days: (a.day - first).num_days(),
            monetary_value: k.monetary_value,
        });
    }
    Ok(out)
}

/// Both prediction models fitted on the customers as of a day (today when `None`) and every
/// customer's predictions, kept with the state of the data.
pub fn predictions(conn: &Connection, as_of: Option<&str>) -> Result<Arc<Predictions>> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    predictions_as_of(conn, &a)
}

/// The last fit's parameters, per currency: where the next fit starts its search (one new purchase
/// moves the top only a little). Only a starting point: every fit still ends on a flat gradient.
fn last_fit() -> &'static std::sync::Mutex<HashMap<String, prediction::Start>> {
    static LAST: std::sync::OnceLock<std::sync::Mutex<HashMap<String, prediction::Start>>> =
        std::sync::OnceLock::new();
    LAST.get_or_init(Default::default)
}

/// Forgets the last fits, so the next one starts from lifetimes' starting point (for measuring).
#[doc(hidden)]
pub fn forget_last_fit() {
    if let Ok(mut last) = last_fit().lock() {
        last.clear();
    }
}

pub(crate) fn predictions_as_of(conn: &Connection, a: &AsOf) -> Result<Arc<Predictions>> {
    let discount = crate::settings::get(conn)?.monthly_discount_percent;
    let key = format!("predictions|{}|{}|{discount}", a.as_of, a.currency);
    crate::cache::cached(conn, key, || {
        let inputs = model_inputs(conn, a)?;
        let started = std::time::Instant::now();
        let start =
            last_fit().lock().map(|l| l.get(&a.currency).copied().unwrap_or_default()).unwrap_or_default();
        let p = prediction::predict_from(&inputs, &a.as_of, &a.currency, discount, start);
        if let Ok(mut last) = last_fit().lock() {
            last.insert(a.currency.clone(), p.start());
        }
        tracing::debug!(
            customers = inputs.len(),
            ms = started.elapsed().as_secs_f64() * 1e3,
            problems = ?p.report.problems,
            "fitted the prediction models"
        );
        Ok(Arc::new(p))
    })
}

/// One customer's figures as of `as_of` (today when `None`); `None` if they had no counted
/// purchase by then.
pub fn for_contact(
    conn: &Connection,
    contact_id: i64,
    as_of: Option<&str>,
) -> Result<Option<CustomerFigures>> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    let Some(figures) = one_figures(conn, &a, contact_id)? else { return Ok(None) };
    let who = identities(conn, Some(&[contact_id]))?;
    let predictions = predictions_as_of(conn, &a)?;
    Ok(Some(customer(contact_id, figures, &a.currency, who.get(&contact_id), &predictions)))
}

text_enum! {
    pub enum CustomerSort {
        TotalSpent => "total_spent",
        Frequency => "frequency",
        MonetaryValue => "monetary_value",
        LastPurchase => "last_purchase",
        FirstPurchase => "first_purchase",
        Name => "name",
        PAlive => "p_alive",
        ExpectedPurchases => "expected_purchases",
        PredictedValue => "predicted_value",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CustomerQuery {
    /// `YYYY-MM-DD`; today when not given.
    pub as_of: Option<String>,
    /// Matches name or email, anywhere, ignoring case.
    pub search: Option<String>,
    pub repeat_only: bool,
    /// Default: total spent, highest first.
    pub sort: Option<CustomerSort>,
    pub ascending: bool,
    pub offset: u32,
    pub limit: u32,
}

/// Contacts whose name or email matches `search`, as the contact list matches them.
fn matching(conn: &Connection, search: &str) -> Result<HashSet<i64>> {
    let (clause, args) = search::condition(conn, search, Within::NameEmail);
    let mut stmt = conn.prepare_cached(&format!("SELECT id FROM contacts WHERE {clause}"))?;
    let rows = stmt.query_map(crate::store::params_from_iter(args), |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the customer list sorts and filters by: part of a customer's figures, which the
/// summaries hold without reading their purchases.
pub(crate) struct SortKey {
    pub total_spent: i64,
    pub frequency: i64,
    pub monetary_value: f64,
    pub first_purchase: String,
    pub last_purchase: String,
}

impl SortKey {
    fn of(f: &RepeatFigures) -> SortKey {
        SortKey {
            total_spent: f.total_spent,
            frequency: f.frequency,
            monetary_value: f.monetary_value,
            first_purchase: f.first_purchase.clone(),
            last_purchase: f.last_purchase.clone(),
        }
    }
}

/// Every customer's sort key from the summaries (which must cover the as-of day).
fn summary_keys(conn: &Connection, a: &AsOf) -> Result<Vec<(i64, SortKey)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT contact_id, days, total, first_total, first_day, last_day
         FROM customer_summaries WHERE currency = ?1 AND first_day <= ?2",
    )?;
    let rows = stmt.query_map([&a.currency, &a.as_of], |r| {
        let (days, total, first_total): (i64, i64, i64) =
            (r.get("days")?, r.get("total")?, r.get("first_total")?);
        let frequency = days - 1;
        Ok((
            r.get("contact_id")?,
            SortKey {
                total_spent: total,
                frequency,
                // As `summarise` computes it: the repeat days' total over their number.
                monetary_value: if frequency > 0 {
                    (total - first_total) as f64 / frequency as f64
                } else {
                    0.0
                },
                first_purchase: r.get("first_day")?,
                last_purchase: r.get("last_day")?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Customers with their figures, one page at a time. As of a day the summaries cover, only the
/// page's customers have their purchases read; before it, everyone's are.
pub fn list(conn: &Connection, q: &CustomerQuery) -> Result<Page<CustomerFigures>> {
    let a = AsOf::parse(conn, "as_of", q.as_of.as_deref())?;
    let mut figures: HashMap<i64, RepeatFigures> = HashMap::new();
    let mut rows: Vec<(i64, SortKey)> = if summary::covers(conn, Some(&a.currency), &a.as_of)? {
        summary_keys(conn, &a)?
    } else {
        let all = all_figures(conn, &a)?;
        let keys = all.iter().map(|(id, f)| (*id, SortKey::of(f))).collect();
        figures.extend(all);
        keys
    };
    if let Some(search) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let hits = matching(conn, search)?;
        rows.retain(|(id, _)| hits.contains(id));
    }
    if q.repeat_only {
        rows.retain(|(_, k)| k.frequency >= 1);
    }
    let sort = q.sort.unwrap_or(CustomerSort::TotalSpent);
    let predictions = predictions_as_of(conn, &a)?;
    // A customer with no prediction sorts below every one with.
    let predicted = |id: &i64, f: fn(&Prediction) -> Option<f64>| {
        predictions.of(*id).and_then(|p| f(&p)).unwrap_or(f64::NEG_INFINITY)
    };
    let names = if sort == CustomerSort::Name { identities(conn, None)? } else { HashMap::new() };
    let name_key = |id: &i64| names.get(id).map(|n| n.0.to_lowercase()).unwrap_or_default();
    // Ties fall back to the contact id so paging is stable.
    rows.sort_by(|(a_id, a), (b_id, b)| {
        let by = match sort {
            CustomerSort::TotalSpent => a.total_spent.cmp(&b.total_spent),
            CustomerSort::Frequency => a.frequency.cmp(&b.frequency),
            CustomerSort::MonetaryValue => a.monetary_value.total_cmp(&b.monetary_value),
            CustomerSort::LastPurchase => a.last_purchase.cmp(&b.last_purchase),
            CustomerSort::FirstPurchase => a.first_purchase.cmp(&b.first_purchase),
            CustomerSort::Name => name_key(a_id).cmp(&name_key(b_id)),
            CustomerSort::PAlive => {
                let f = |p: &Prediction| Some(p.p_alive);
                predicted(a_id, f).total_cmp(&predicted(b_id, f))
            }
            CustomerSort::ExpectedPurchases => {
                let f = |p: &Prediction| Some(p.expected_purchases_90d);
                predicted(a_id, f).total_cmp(&predicted(b_id, f))
            }
            CustomerSort::PredictedValue => {
                let f = |p: &Prediction| p.clv_12m;
                predicted(a_id, f).total_cmp(&predicted(b_id, f))
            }
        };
        let by = by.then(a_id.cmp(b_id));
        if q.ascending {
            by
        } else {
            by.reverse()
        }
    });
    let limit = page::limit(q.limit);
    let total = rows.len() as i64;
    let ids: Vec<i64> =
        rows.into_iter().skip(q.offset as usize).take(limit as usize).map(|(id, _)| id).collect();
    let who = identities(conn, Some(&ids))?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        let f = match figures.remove(&id) {
            Some(f) => f,
            None => one_figures(conn, &a, id)?
                .ok_or_else(|| Error::storage(format!("Customer {id} has no purchases to summarise.")))?,
        };
        items.push(customer(id, f, &a.currency, who.get(&id), &predictions));
    }
    Ok(Page { items, total, offset: q.offset, limit })
}

/// One contact's figures from their purchases.
fn one_figures(conn: &Connection, a: &AsOf, contact_id: i64) -> Result<Option<RepeatFigures>> {
    let mut found = None;
    scan(conn, a, Some(contact_id), |_, days| {
        found = summarise(days, a.day);
        Ok(())
    })?;
    Ok(found)
}

/// Every customer's figures as of a day (today when `None`), oldest customer first, handed to
/// `each` one at a time (for reports).
pub fn each(
    conn: &Connection,
    as_of: Option<&str>,
    mut each: impl FnMut(&CustomerFigures) -> Result<()>,
) -> Result<()> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    let mut rows = all_figures(conn, &a)?;
    rows.sort_by(|(a_id, a), (b_id, b)| a.first_purchase.cmp(&b.first_purchase).then(a_id.cmp(b_id)));
    let who = identities(conn, None)?;
    let predictions = predictions_as_of(conn, &a)?;
    for (id, f) in rows {
        each(&customer(id, f, &a.currency, who.get(&id), &predictions))?;
    }
    Ok(())
}

/// The repeat figures of all customers together as of a day (today when `None`).
pub fn totals(conn: &Connection, as_of: Option<&str>) -> Result<RepeatTotals> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    totals_as_of(conn, &a)
}

pub(crate) fn totals_as_of(conn: &Connection, a: &AsOf) -> Result<RepeatTotals> {
    // The summaries hold every counted purchase up to their last day, so from that day on they
    // are the figures; before it, the history is read.
    let t = if summary::covers(conn, Some(&a.currency), &a.as_of)? {
        summed_totals(conn, a)?
    } else {
        scanned_totals(conn, a)?
    };
    let others = summary::other_currency_purchases(conn, &a.currency, &a.as_of)?;
    Ok(with_rates(t, others))
}

/// The rates and means of `t`, by the same "nothing to divide by gives None" rule as every rate.
fn with_rates(mut t: RepeatTotals, other_currency_purchases: i64) -> RepeatTotals {
    t.repeat_customer_rate = stats::rate(t.repeat_customers, t.customers);
    t.avg_order_value = stats::rate(t.revenue, t.purchases);
    t.historic_customer_value = stats::rate(t.revenue, t.customers);
    t.other_currency_purchases = other_currency_purchases;
    t
}

/// The totals as of a day computed from every purchase, never from the summaries: what the
/// summaries are checked against.
#[doc(hidden)]
pub fn totals_from_history(conn: &Connection, as_of: Option<&str>) -> Result<RepeatTotals> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    let others = conn
        .prepare_cached("SELECT count(*) FROM purchases WHERE currency <> ?1 AND purchased_on <= ?2")?
        .query_row([&a.currency, &a.as_of], |r| r.get(0))?;
    Ok(with_rates(scanned_totals(conn, &a)?, others))
}

fn empty_totals(a: &AsOf) -> RepeatTotals {
    RepeatTotals {
        as_of: a.as_of.clone(),
        currency: a.currency.clone(),
        customers: 0,
        repeat_customers: 0,
        repeat_customer_rate: None,
        purchases: 0,
        purchase_days: 0,
        revenue: 0,
        avg_order_value: None,
        historic_customer_value: None,
        median_days_between: None,
        other_currency_purchases: 0,
    }
}

/// The totals from the customer summaries and the gap counts.
fn summed_totals(conn: &Connection, a: &AsOf) -> Result<RepeatTotals> {
    let mut t = empty_totals(a);
    let sql = "SELECT count(*) AS customers, coalesce(sum(days > 1), 0) AS repeat_customers,
                      coalesce(sum(orders), 0) AS orders, coalesce(sum(days), 0) AS days,
                      coalesce(sum(total), 0) AS total
               FROM customer_summaries WHERE currency = ?1";
    conn.prepare_cached(sql)?.query_row([&a.currency], |r| {
        t.customers = r.get("customers")?;
        t.repeat_customers = r.get("repeat_customers")?;
        t.purchases = r.get("orders")?;
        t.purchase_days = r.get("days")?;
        t.revenue = r.get("total")?;
        Ok(())
    })?;
    let mut stmt =
        conn.prepare_cached("SELECT gap, n FROM purchase_gaps WHERE currency = ?1 ORDER BY gap")?;
    let counts = stmt
        .query_map([&a.currency], |r| Ok((r.get::<_, i64>("gap")?, r.get::<_, i64>("n")?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    t.median_days_between = stats::median_of_counts(&counts);
    Ok(t)
}

/// The totals from every counted purchase up to the as-of day.
fn scanned_totals(conn: &Connection, a: &AsOf) -> Result<RepeatTotals> {
    let mut t = empty_totals(a);
    let mut all_gaps: Vec<f64> = Vec::new();
    scan(conn, a, None, |_, days| {
        if let Some(f) = summarise(days, a.day) {
            t.customers += 1;
            t.repeat_customers += i64::from(f.frequency >= 1);
            t.purchases += f.purchases;
            t.purchase_days += f.purchase_days;
            t.revenue += f.total_spent;
            all_gaps.extend(gaps(days));
        }
        Ok(())
    })?;
    t.median_days_between = stats::median(&all_gaps);
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str, orders: i64, total: i64) -> PurchaseDay {
        PurchaseDay { day: time::parse_day("day", text).unwrap(), orders, total }
    }

    #[test]
    fn a_worked_customer() {
        // Two orders worth 15.00 on 1 Jan, 20.00 on 10 Jan, 30.00 and 10.00 on 1 Feb; as of 1 Mar.
        let days = [day("2024-01-01", 2, 1500), day("2024-01-10", 1, 2000), day("2024-02-01", 2, 4000)];
        let f = summarise(&days, time::parse_day("as_of", "2024-03-01").unwrap()).unwrap();
        // 3 days → frequency 2; 1 Jan → 1 Feb = 31 days; 1 Jan → 1 Mar = 60 days (leap year).
        assert_eq!((f.purchases, f.purchase_days, f.frequency, f.recency_days, f.t_days), (5, 3, 2, 31, 60));
        // Repeat days only: (20.00 + 40.00) / 2 = 30.00. Total 75.00 over 5 orders = 15.00.
        assert_eq!((f.monetary_value, f.total_spent, f.avg_order_value), (3000.0, 7500, 1500.0));
        // Gaps 9 and 22 days → median 15.5; 1 Feb → 1 Mar = 29 days since.
        assert_eq!((f.median_days_between, f.days_since_last), (Some(15.5), 29));
        assert_eq!((f.first_purchase.as_str(), f.last_purchase.as_str()), ("2024-01-01", "2024-02-01"));
    }

    #[test]
    fn one_day_has_no_repeat_value_and_no_days_is_no_customer() {
        let f =
            summarise(&[day("2024-02-15", 1, 5000)], time::parse_day("d", "2024-03-01").unwrap()).unwrap();
        assert_eq!((f.frequency, f.recency_days, f.t_days, f.monetary_value), (0, 0, 15, 0.0));
        assert_eq!(f.median_days_between, None);
        assert_eq!(summarise(&[], time::today()), None);
    }
}
