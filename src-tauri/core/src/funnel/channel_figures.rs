//! What each channel brought and what it cost over a range of days: leads, MQLs, customers,
//! revenue, spend, cost per lead, cost per customer and return on spend. Money is counted in the
//! shop's currency (a setting); purchases and spend in other currencies are left out and counted.

use super::history::{self, Facts};
use super::Period;
use crate::channels::{self, Channel};
use crate::error::Result;
use crate::settings;
use crate::stages::Stage;
use crate::stats;
use crate::store::Connection;
use crate::summary;
use crate::time;
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// The range of days a channel report covers, both included.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChannelQuery {
    pub from: String,
    pub to: String,
}

/// One channel over a period (or, for the total, every channel together).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChannelFigures {
    /// The channel key; blank for the total.
    pub channel_key: String,
    pub name: String,
    /// Visitors the spend rows report, prorated to the days of the period.
    pub visitors: i64,
    /// Contacts from the channel who became leads (or went straight past lead) in the period.
    pub leads: i64,
    /// Contacts from the channel who entered MQL in the period.
    pub mqls: i64,
    /// Contacts from the channel who became customers in the period.
    pub customers: i64,
    /// What the channel's contacts paid in the period, less refunds, in minor units.
    pub revenue_minor: i64,
    /// What the channel cost in the period: each month's spend prorated to its days in the period.
    pub spend_minor: i64,
    /// leads ÷ visitors.
    pub visitor_to_lead: Option<f64>,
    /// spend ÷ leads, rounded to a minor unit; `None` without leads or without spend.
    pub cost_per_lead_minor: Option<i64>,
    /// spend ÷ customers, rounded to a minor unit; `None` without customers or without spend.
    pub cost_per_customer_minor: Option<i64>,
    /// revenue ÷ spend: 3.0 means every dollar spent brought three back (300 %).
    pub return_on_spend: Option<f64>,
}

impl ChannelFigures {
    fn with_ratios(mut self) -> Self {
        self.visitor_to_lead = stats::rate(self.leads, self.visitors);
        // With no spend recorded there is no cost to share out (which is not the same as free).
        let spent = self.spend_minor > 0;
        self.cost_per_lead_minor = per(self.spend_minor, self.leads).filter(|_| spent);
        self.cost_per_customer_minor = per(self.spend_minor, self.customers).filter(|_| spent);
        self.return_on_spend = stats::rate(self.revenue_minor, self.spend_minor);
        self
    }

    fn is_empty(&self) -> bool {
        self.visitors == 0
            && self.leads == 0
            && self.mqls == 0
            && self.customers == 0
            && self.revenue_minor == 0
            && self.spend_minor == 0
    }
}

/// The channel table of the Funnel page and of `flywheel report channels`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChannelReport {
    pub from: String,
    pub to: String,
    pub as_of: String,
    /// The currency every amount is in (the shop's currency).
    pub currency: String,
    /// Every channel in use, then archived ones only when they have figures.
    pub channels: Vec<ChannelFigures>,
    pub total: ChannelFigures,
    /// Purchases and spend rows of the period in another currency, left out of the amounts.
    pub other_currency_rows: i64,
}

/// `amount ÷ n` rounded half up, for non-negative amounts.
fn per(amount: i64, n: i64) -> Option<i64> {
    (n > 0).then(|| (2 * amount + n) / (2 * n))
}

/// `amount × part ÷ whole` rounded half up, for non-negative values.
fn prorate(amount: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    (2 * amount * part + whole) / (2 * whole)
}

/// Days of `month` (its first day given) that lie from `from` to `to`, and the month's length.
fn overlap(month: NaiveDate, from: NaiveDate, to: NaiveDate) -> (i64, i64) {
    let next = month.checked_add_months(Months::new(1)).unwrap_or(month);
    let last = next.pred_opt().unwrap_or(month);
    let length = (next - month).num_days();
    let days = (last.min(to) - month.max(from)).num_days() + 1;
    (days.max(0), length)
}

/// Spend rows of the period in `currency`, prorated: (channel, amount, visitors); and how many rows
/// were in another currency.
/// Per channel key: (spend in minor units, visitors).
type SpendByChannel = HashMap<String, (i64, i64)>;

fn spend(conn: &Connection, p: &Period, currency: &str) -> Result<(SpendByChannel, i64)> {
    let mut out = SpendByChannel::new();
    let mut other = 0;
    for row in channels::list_spend(conn, Some(&month_of(p.from)), Some(&month_of(p.to)))? {
        let Ok(month) = time::parse_day("month", &format!("{}-01", row.month)) else { continue };
        let (days, length) = overlap(month, p.from, p.to);
        if row.currency != currency {
            other += i64::from(days > 0);
            continue;
        }
        let e = out.entry(row.channel_key).or_default();
        e.0 += prorate(row.amount_minor, days, length);
        e.1 += prorate(row.visitors, days, length);
    }
    Ok((out, other))
}

fn month_of(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Net revenue per source in `currency` over the period's days; and purchases in other currencies.
///
/// Read from the purchase summaries (`summary.rs`): a customer whose purchase days in the currency
/// all lie in the period brings their whole total; only the others' days are read one by one. A
/// purchase refunded in full has no day there, and nets nothing here either. Each customer's
/// channel comes from the index of contacts by channel (not from the table, row by row).
fn revenue(conn: &Connection, p: &Period, currency: &str) -> Result<(HashMap<String, i64>, i64)> {
    let (from, to) = (time::format_day(p.from), time::format_day(p.to));
    let people = history::channels_of_contacts(conn, None, None)?;
    let mut stmt = conn.prepare_cached(
        // One pass over the customers in the currency (`+` keeps it a pass, not an index search
        // with a lookup per customer); the days only of those whose days reach past the period.
        "SELECT s.contact_id,
                CASE WHEN s.first_day >= ?1 AND s.last_day <= ?2 THEN s.total
                ELSE (SELECT sum(d.total) FROM purchase_days d
                      WHERE d.contact_id = s.contact_id AND d.currency = s.currency
                        AND d.day >= ?1 AND d.day <= ?2) END
         FROM customer_summaries s
         WHERE +s.currency = ?3 AND s.first_day <= ?2 AND s.last_day >= ?1",
    )?;
    let mut rows = stmt.query(params![from, to, currency])?;
    let mut by_source: HashMap<Arc<str>, i64> = HashMap::new();
    while let Some(r) = rows.next()? {
        let (id, net): (i64, Option<i64>) = (r.get(0)?, r.get(1)?);
        // A customer with days before and after the period but none in it brings nothing.
        let Some(net) = net else { continue };
        if let Ok(i) = people.binary_search_by_key(&id, |(pid, _)| *pid) {
            *by_source.entry(people[i].1.clone()).or_default() += net;
        }
    }
    let by_source = by_source.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let other: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(purchases), 0) FROM sales_days
             WHERE currency <> ?3 AND day >= ?1 AND day <= ?2",
        )?
        .query_row(params![from, to, currency], |r| r.get(0))?;
    Ok((by_source, other))
}

/// [`revenue`] as it was read before the summaries: from every purchase of the period.
fn revenue_from_purchases(
    conn: &Connection,
    p: &Period,
    currency: &str,
) -> Result<(HashMap<String, i64>, i64)> {
    let (from, to) = (time::format_day(p.from), time::format_day(p.to));
    let mut stmt = conn.prepare_cached(
        // Summed per contact first, so each contact's source is looked up once, not per purchase.
        "SELECT c.source, sum(t.net) FROM
             (SELECT contact_id, sum(amount_minor - refunded_minor) AS net FROM purchases
              WHERE purchased_on >= ?1 AND purchased_on <= ?2 AND currency = ?3 GROUP BY contact_id) AS t
         JOIN contacts c ON c.id = t.contact_id
         GROUP BY c.source",
    )?;
    let rows = stmt.query_map(params![from, to, currency], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let by_source = rows.collect::<Result<HashMap<String, i64>, _>>()?;
    let other: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM purchases WHERE purchased_on >= ?1 AND purchased_on <= ?2 AND currency <> ?3",
        )?
        .query_row(params![from, to, currency], |r| r.get(0))?;
    Ok((by_source, other))
}

/// Leads, MQLs and customers per channel.
pub(crate) type Counts = HashMap<Arc<str>, (i64, i64, i64)>;

/// Where the funnel report of a period over every contact leaves the channels' counts it found on
/// the way ([`crate::cache::keep_beside`]), for the channel report of the same period (the Funnel
/// page shows both) to find.
pub(crate) const COUNTS_SLOT: &str = "channel counts";

/// The key of the counts of a window in [`COUNTS_SLOT`].
pub(crate) fn counts_key(w: history::Window) -> String {
    format!("{}|{}", w.start, w.as_of)
}

/// Adds one contact's facts to the counts of its channel.
pub(crate) fn count(out: &mut Counts, source: &Arc<str>, f: &Facts) {
    let (mql, customer) = (Stage::Mql.rank() as usize, Stage::Customer.rank() as usize);
    let e = match out.get_mut(source) {
        Some(e) => e,
        None => out.entry(source.clone()).or_default(),
    };
    e.0 += i64::from(f.new_lead);
    e.1 += i64::from(f.entered[mql].is_some());
    e.2 += i64::from(f.entered[customer].is_some());
}

/// Leads, MQLs and customers per source from the facts of every history.
fn counts(histories: &[history::History], w: history::Window) -> Counts {
    let mut out = Counts::new();
    histories.iter().for_each(|h| count(&mut out, &h.source, &Facts::of(h, w)));
    out
}

/// The channel report for a range of days, counted as of `now`.
pub fn report(conn: &Connection, query: &ChannelQuery, now: DateTime<Utc>) -> Result<ChannelReport> {
    build(conn, query, now, false)
}

/// The same report from every stage event joined with its contact and from every purchase, as it
/// was read before the index walk and the summaries: what the property tests compare [`report`] with.
#[doc(hidden)]
pub fn report_from_joined_events(
    conn: &Connection,
    query: &ChannelQuery,
    now: DateTime<Utc>,
) -> Result<ChannelReport> {
    build(conn, query, now, true)
}

fn build(conn: &Connection, query: &ChannelQuery, now: DateTime<Utc>, joined: bool) -> Result<ChannelReport> {
    let p = Period::parse(&query.from, &query.to, now)?;
    let currency = settings::get(conn)?.currency;
    // The funnel report of the same period (the Funnel page shows both) reads the same histories.
    let w = p.window();
    let counts = if joined {
        counts(&history::load_joined(conn, p.start, p.as_of, None, None)?, w)
    } else {
        // Left by the funnel report of the same period when it came first; else counted here.
        crate::cache::kept_in_slot(conn, COUNTS_SLOT.to_owned(), counts_key(w), || {
            Ok(counts(&history::load(conn, p.start, p.as_of, None, None)?, w))
        })?
    };
    let (spend, other_spend) = spend(conn, &p, &currency)?;
    // Inside a bulk write the purchase summaries wait for its end: read the purchases there.
    let (revenue, other_purchases) = if joined || !summary::current(conn)? {
        revenue_from_purchases(conn, &p, &currency)?
    } else {
        revenue(conn, &p, &currency)?
    };
    let mut total = ChannelFigures { name: "All channels".into(), ..ChannelFigures::default() };
    let mut rows = Vec::new();
    for Channel { key, name, archived, .. } in channels::list(conn, true)? {
        let (leads, mqls, customers) = counts.get(key.as_str()).copied().unwrap_or_default();
        let (spend_minor, visitors) = spend.get(&key).copied().unwrap_or_default();
        let row = ChannelFigures {
            visitors,
            leads,
            mqls,
            customers,
            revenue_minor: revenue.get(&key).copied().unwrap_or_default(),
            spend_minor,
            channel_key: key,
            name,
            ..ChannelFigures::default()
        };
        if archived && row.is_empty() {
            continue;
        }
        total.visitors += row.visitors;
        total.leads += row.leads;
        total.mqls += row.mqls;
        total.customers += row.customers;
        total.revenue_minor += row.revenue_minor;
        total.spend_minor += row.spend_minor;
        rows.push(row.with_ratios());
    }
    Ok(ChannelReport {
        from: time::format_day(p.from),
        to: time::format_day(p.to),
        as_of: p.as_of_text(),
        currency,
        channels: rows,
        total: total.with_ratios(),
        other_currency_rows: other_spend + other_purchases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        time::parse_day("d", s).unwrap()
    }

    #[test]
    fn the_seeds_channel_returned_600_on_200_which_is_300_percent() {
        // Spent $200 for 100 visitors; 2 leads bought for $300 each.
        let f = ChannelFigures {
            visitors: 100,
            leads: 2,
            customers: 2,
            revenue_minor: 2 * 30_000,
            spend_minor: 20_000,
            ..ChannelFigures::default()
        }
        .with_ratios();
        assert_eq!(f.return_on_spend, Some(3.0), "$600 back on $200 spent: 300 %");
        assert_eq!(f.cost_per_customer_minor, Some(10_000));
        assert_eq!(f.cost_per_lead_minor, Some(10_000));
        assert_eq!(f.visitor_to_lead, Some(0.02));
    }

    #[test]
    fn nothing_spent_or_nobody_won_gives_no_ratio() {
        let f = ChannelFigures { revenue_minor: 500, leads: 3, ..ChannelFigures::default() }.with_ratios();
        assert_eq!((f.return_on_spend, f.cost_per_lead_minor, f.cost_per_customer_minor), (None, None, None));
        assert_eq!(f.visitor_to_lead, None);
    }

    #[test]
    fn money_divides_and_prorates_rounding_half_up() {
        assert_eq!(per(1000, 3), Some(333));
        assert_eq!(per(1001, 2), Some(501));
        assert_eq!(per(5, 0), None);
        // $310 in a 31-day month, 10 of its days in the period: $100.
        assert_eq!(prorate(31_000, 10, 31), 10_000);
        assert_eq!(prorate(1, 1, 2), 1);
    }

    #[test]
    fn a_month_overlaps_the_days_it_shares_with_the_period() {
        let march = day("2025-03-01");
        assert_eq!(overlap(march, day("2025-01-01"), day("2025-12-31")), (31, 31));
        assert_eq!(overlap(march, day("2025-03-22"), day("2025-04-30")), (10, 31));
        assert_eq!(overlap(march, day("2025-03-05"), day("2025-03-05")), (1, 31));
        assert_eq!(overlap(day("2024-02-01"), day("2024-01-01"), day("2024-02-10")), (10, 29));
        assert_eq!(overlap(march, day("2025-04-01"), day("2025-04-30")).0, 0);
    }
}
