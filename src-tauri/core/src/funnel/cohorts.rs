//! The cohort view: of the leads created in a month, how many reached each later stage.

use super::history::{idx, History};
use super::is_live;
use crate::stages::Stage;
use crate::stats;
use chrono::{Datelike, Months, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// How many of a cohort reached a stage (or went past it), and what share of the cohort that is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct StageCount {
    pub stage: Stage,
    pub count: i64,
    pub rate: Option<f64>,
}

/// The contacts who became leads in one month, and how far they got by the report's as-of time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Cohort {
    /// `YYYY-MM`.
    pub month: String,
    pub leads: i64,
    /// MQL, SQL, opportunity and customer, in that order.
    pub reached: Vec<StageCount>,
}

/// A calendar month as seconds: `start` included, `end` excluded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Month {
    pub label: String,
    pub start: i64,
    pub end: i64,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d) // ok: day 1 exists in every month
}

/// Every calendar month that the days `from` to `to` touch, oldest first.
pub(crate) fn months(from: NaiveDate, to: NaiveDate) -> Vec<Month> {
    let secs = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc().timestamp();
    let mut out = Vec::new();
    let mut m = first_of_month(from);
    while m <= to {
        let Some(next) = m.checked_add_months(Months::new(1)) else { break };
        out.push(Month { label: m.format("%Y-%m").to_string(), start: secs(m), end: secs(next) });
        m = next;
    }
    out
}

/// Stages a cohort is followed through.
const FOLLOWED: [Stage; 4] = [Stage::Mql, Stage::Sql, Stage::Opportunity, Stage::Customer];

/// The cohort of each month. A contact joins the cohort of the month in which it first became a
/// lead or went past lead; it reached a stage when it entered that stage or a later one, by `as_of`.
pub(crate) fn cohorts(histories: &[History], months: &[Month], as_of: i64) -> Vec<Cohort> {
    let mut leads = vec![0_i64; months.len()];
    let mut reached = vec![[0_i64; 4]; months.len()];
    for h in histories {
        let events = &h.events[..h.events.iter().take_while(|e| e.at <= as_of).count()];
        let Some(first) =
            events.iter().position(|e| is_live(e.stage) && e.stage.rank() >= Stage::Lead.rank())
        else {
            continue;
        };
        let t = events[first].at;
        let Some(m) = months.iter().position(|m| (m.start..m.end).contains(&t)) else { continue };
        leads[m] += 1;
        let furthest = events[first..].iter().filter(|e| is_live(e.stage)).map(|e| idx(e.stage)).max();
        for (k, stage) in FOLLOWED.iter().enumerate() {
            if furthest.is_some_and(|f| f >= idx(*stage)) {
                reached[m][k] += 1;
            }
        }
    }
    months
        .iter()
        .enumerate()
        .map(|(m, month)| Cohort {
            month: month.label.clone(),
            leads: leads[m],
            reached: FOLLOWED
                .iter()
                .enumerate()
                .map(|(k, &stage)| StageCount {
                    stage,
                    count: reached[m][k],
                    rate: stats::rate(reached[m][k], leads[m]),
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::history::tests::{hist, D};
    use super::*;
    use Stage::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn months_cover_the_range_whole() {
        let m = months(day("2024-12-15"), day("2025-02-01"));
        let labels: Vec<&str> = m.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["2024-12", "2025-01", "2025-02"]);
        assert_eq!(m[1].end - m[1].start, 31 * D);
        assert_eq!(m[0].end, m[1].start);
    }

    #[test]
    fn each_lead_joins_the_month_it_became_a_lead_and_counts_how_far_it_got() {
        let m = months(day("1970-01-01"), day("1970-02-28"));
        let feb = 31 * D;
        let histories = vec![
            // January: four leads. One became a customer through every stage, one skipped straight
            // to customer (so it reached every stage), one was sent back from MQL, one stayed.
            hist(1, &[(Lead, D), (Mql, 2 * D), (Sql, 3 * D), (Opportunity, 4 * D), (Customer, 5 * D)]),
            hist(2, &[(Lead, D), (Customer, 2 * D)]),
            hist(3, &[(Lead, D), (Mql, 2 * D), (Lead, 3 * D)]),
            hist(4, &[(Lead, 2 * D)]),
            // A subscriber from January who became a lead in February belongs to February.
            hist(5, &[(Subscriber, D), (Lead, feb + D), (Disqualified, feb + 2 * D)]),
            // A subscriber who never became a lead belongs to no cohort.
            hist(6, &[(Subscriber, D)]),
        ];
        let c = cohorts(&histories, &m, 59 * D);
        assert_eq!((c[0].month.as_str(), c[0].leads), ("1970-01", 4));
        let counts: Vec<i64> = c[0].reached.iter().map(|s| s.count).collect();
        assert_eq!(counts, [3, 2, 2, 2]);
        assert_eq!(c[0].reached[0].rate, Some(0.75));
        assert_eq!(c[0].reached[3].stage, Customer);
        assert_eq!(c[1].leads, 1);
        assert!(c[1].reached.iter().all(|s| s.count == 0 && s.rate == Some(0.0)));
        // Counted only up to as-of: before day 5 nobody in January was a customer through sales.
        let early = cohorts(&histories, &m, 4 * D);
        assert_eq!(early[0].reached[3].count, 1);
    }

    #[test]
    fn an_empty_month_has_no_rates() {
        let m = months(day("1970-01-01"), day("1970-01-31"));
        let c = cohorts(&[], &m, 10 * D);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].leads, 0);
        assert!(c[0].reached.iter().all(|s| s.rate.is_none()));
    }
}
