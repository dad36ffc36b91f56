//! The loop: customers → repeat customers → advocates → referrers → referred leads → referred
//! customers, and how much of the top of the funnel the bottom refuels.
//!
//! For a period `from`..`to` (both days included; no `from` means since the beginning):
//! - customers, repeat customers and advocates are counted as of `to`;
//! - referrers are advocates who made a referral in the period; referred leads are the referrals
//!   made in the period; referred customers are those of them that converted by `to`
//!   (self-referrals count nowhere);
//! - loop closure = new contacts of the period that came from a referral (a referral names them,
//!   or their source is Referrals) ÷ all new contacts of the period;
//! - referral conversion = referred customers ÷ referred leads;
//! - referred revenue = what referred contacts spent in the period, from their referral day on;
//! - viral coefficient K = referrals per customer × referral conversion, which comes to referred
//!   customers ÷ customers.

use crate::advocates::{self, REAL_REFERRAL};
use crate::asof::AsOf;
use crate::cache;
use crate::chains::{self, ReferralStatus};
use crate::contacts;
use crate::error::{Error, Result};
use crate::nps::{self, NpsScore};
use crate::repeat::{self, RepeatTotals};
use crate::stages::Stage;
use crate::stats;
use crate::store::Connection;
use crate::summary;
use crate::time;
use rusqlite::ToSql;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LoopQuery {
    /// First day, `YYYY-MM-DD`; none means since the beginning.
    pub from: Option<String>,
    /// Last day (included), `YYYY-MM-DD`; today when none.
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct LoopFigures {
    pub from: Option<String>,
    pub to: String,
    /// The currency of the money figures: the shop's.
    pub currency: String,
    pub customers: i64,
    pub repeat_customers: i64,
    pub repeat_customer_rate: Option<f64>,
    pub advocates: i64,
    /// advocates ÷ customers.
    pub advocate_rate: Option<f64>,
    pub referrers: i64,
    pub referred_leads: i64,
    /// Of the referred leads, those an advocate's code on their order brought (`referral_codes`).
    pub referred_by_code: i64,
    pub referred_customers: i64,
    /// referred customers ÷ referred leads.
    pub referral_conversion: Option<f64>,
    /// referred leads ÷ customers.
    pub referrals_per_customer: Option<f64>,
    /// K: referrals per customer × referral conversion.
    pub viral_k: Option<f64>,
    pub new_leads: i64,
    pub referred_new_leads: i64,
    /// referred new leads ÷ new leads: how much of the top the loop refuels.
    pub loop_closure: Option<f64>,
    /// Net revenue of the period, minor units.
    pub revenue: i64,
    pub referred_revenue: i64,
    /// referred revenue ÷ revenue.
    pub referred_revenue_share: Option<f64>,
}

/// The period's bounds: the as-of day `to` and the first day `from` as text.
struct Period {
    to: AsOf,
    from: Option<String>,
    /// `from`, or a day before any data.
    start: String,
}

impl Period {
    fn parse(conn: &Connection, q: &LoopQuery) -> Result<Period> {
        let to = AsOf::parse(conn, "to", q.to.as_deref())?;
        let from = match q.from.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(text) => {
                let from = time::parse_day("from", text)?;
                if from > to.day {
                    return Err(Error::invalid("from", "The first day comes after the last day."));
                }
                Some(time::format_day(from))
            }
            None => None,
        };
        let start = from.clone().unwrap_or_else(|| "0000-01-01".to_owned());
        Ok(Period { to, from, start })
    }

    fn args<'a>(&'a self, sql: &str, extra: &[(&'a str, &'a dyn ToSql)]) -> crate::asof::Args<'a> {
        let mut all: Vec<(&'a str, &'a dyn ToSql)> = vec![(":from", &self.start)];
        all.extend_from_slice(extra);
        self.to.args(sql, &all)
    }
}

/// The `WITH` tables of the period: the advocacy signals as of `to`, and `period_refs`, the real
/// referrals made in the period.
fn period_cte(current: bool, nps_latest: bool) -> String {
    format!(
        "WITH {},
         period_refs AS (
             SELECT id, advocate_id, referred_id, referred_on FROM referrals
             WHERE referred_on >= :from AND referred_on <= :as_of AND {REAL_REFERRAL}
         )",
        advocates::cte(false, current, nps_latest)
    )
}

/// SQL: what the referred contacts of every real referral made by the as-of day spent in the
/// period, from their referral day on. With `current` summaries, from `referral_sales`: one row per
/// converted referral, whose purchase days are read only when they straddle the period's bounds.
fn referred_revenue(current: bool) -> String {
    if current {
        "(SELECT coalesce(sum(CASE WHEN s.referred_on >= :from AND s.last_day <= :as_of THEN s.total
                                   ELSE (SELECT coalesce(sum(d.total), 0) FROM purchase_days d
                                         WHERE d.contact_id = s.referred_id AND d.currency = :currency
                                           AND d.day >= max(s.referred_on, :from) AND d.day <= :as_of) END), 0)
          FROM referral_sales s
          WHERE s.currency = :currency AND s.referred_on <= :as_of AND s.first_day <= :as_of AND s.last_day >= :from)"
            .to_owned()
    } else {
        format!(
            "(SELECT coalesce(sum({}), 0) FROM referrals r WHERE {REAL_REFERRAL} AND r.referred_on <= :as_of)",
            chains::revenue("r", ":from")
        )
    }
}

/// SQL: how many real referrals of the period converted by the as-of day.
fn referred_customers(current: bool) -> String {
    if current {
        "(SELECT count(*) FROM referral_sales
          WHERE currency = :currency AND referred_on >= :from AND referred_on <= :as_of AND first_day <= :as_of)"
            .to_owned()
    } else {
        format!("(SELECT count(*) FROM period_refs r WHERE {})", chains::converted("r"))
    }
}

fn figures_of(conn: &Connection, p: &Period, repeat: &RepeatTotals) -> Result<LoopFigures> {
    let current = summary::current(conn)?;
    let sql = format!(
        "{}
         SELECT (SELECT count(*) FROM advocates),
                -- A customer who referred someone is an advocate by definition.
                (SELECT count(*) FROM (SELECT DISTINCT advocate_id AS id FROM period_refs)
                  WHERE id IN (SELECT id FROM customers)),
                (SELECT count(*) FROM period_refs),
                {},
                -- New contacts, and those of them a referral brought: kept per day (contact_days).
                (SELECT coalesce(sum(created), 0) FROM contact_days WHERE day >= :from AND day <= :as_of),
                (SELECT coalesce(sum(referred), 0) FROM contact_days WHERE day >= :from AND day <= :as_of),
                (SELECT coalesce(sum(total), 0) FROM sales_days
                  WHERE currency = :currency AND day >= :from AND day <= :as_of),
                {},
                (SELECT count(*) FROM referrals
                  WHERE code_id IS NOT NULL AND referred_on >= :from AND referred_on <= :as_of AND {REAL_REFERRAL})",
        period_cte(current, summary::nps_covers(conn, &p.to.as_of)?),
        referred_customers(current),
        referred_revenue(current),
    );
    let row = conn.prepare_cached(&sql)?.query_row(p.args(&sql, &[]).as_slice(), |r| {
        Ok([
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get::<_, i64>(8)?,
        ])
    })?;
    let [advocates, referrers, referred_leads, referred_customers, new_leads, referred_new_leads, revenue, referred_revenue, referred_by_code] =
        row;
    let customers = repeat.customers;
    let referrals_per_customer = stats::rate(referred_leads, customers);
    let referral_conversion = stats::rate(referred_customers, referred_leads);
    Ok(LoopFigures {
        from: p.from.clone(),
        to: p.to.as_of.clone(),
        currency: p.to.currency.clone(),
        customers,
        repeat_customers: repeat.repeat_customers,
        repeat_customer_rate: repeat.repeat_customer_rate,
        advocates,
        advocate_rate: stats::rate(advocates, customers),
        referrers,
        referred_leads,
        referred_by_code,
        referred_customers,
        referral_conversion,
        referrals_per_customer,
        viral_k: viral_k(referrals_per_customer, referral_conversion),
        new_leads,
        referred_new_leads,
        loop_closure: stats::rate(referred_new_leads, new_leads),
        revenue,
        referred_revenue,
        referred_revenue_share: stats::rate(referred_revenue, revenue),
    })
}

/// K = i × c. With customers but no referrals there is no conversion to speak of, yet nobody was
/// brought in: K is 0, not unknown.
fn viral_k(per_customer: Option<f64>, conversion: Option<f64>) -> Option<f64> {
    match (per_customer, conversion) {
        (Some(i), Some(c)) => Some(i * c),
        (Some(0.0), None) => Some(0.0),
        _ => None,
    }
}

/// The loop figures of a period.
pub fn figures(conn: &Connection, q: &LoopQuery) -> Result<LoopFigures> {
    let p = Period::parse(conn, q)?;
    let repeat = repeat::totals_as_of(conn, &p.to)?;
    figures_of(conn, &p, &repeat)
}

/// One advocate on the leaderboard: what their referrals of the period brought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Leader {
    pub contact_id: i64,
    pub name: String,
    pub referrals: i64,
    pub referred_customers: i64,
    /// What those referred contacts spent in the period, minor units.
    pub referred_revenue: i64,
    /// Customers further down their chain (2nd generation and beyond), as of the period's end.
    pub downstream_customers: i64,
    pub testimonial: bool,
    pub promoter: bool,
}

/// The advocates whose referrals of the period brought the most customers, then revenue, then
/// referrals.
fn leaders(conn: &Connection, p: &Period, limit: u32) -> Result<Vec<Leader>> {
    let current = summary::current(conn)?;
    // Each advocate's referrals of the period, and the customers and revenue they brought: with
    // current summaries from `referral_sales` (the referrals that converted by the as-of day; their
    // purchase days read only when they run on past it), else referral by referral.
    let per = if current {
        // `brought` first: PostgreSQL reads a WITH list in order.
        "brought AS MATERIALIZED (
             SELECT s.advocate_id AS id, count(*) AS customers,
                    sum(CASE WHEN s.last_day <= :as_of THEN s.total
                             ELSE (SELECT coalesce(sum(d.total), 0) FROM purchase_days d
                                   WHERE d.contact_id = s.referred_id AND d.currency = :currency
                                     AND d.day >= s.referred_on AND d.day <= :as_of) END) AS revenue
             FROM referral_sales s
             WHERE s.currency = :currency AND s.referred_on >= :from AND s.referred_on <= :as_of
               AND s.first_day <= :as_of
             GROUP BY s.advocate_id
         ),
         per AS (
             SELECT r.advocate_id AS id, count(*) AS referrals, coalesce(max(b.customers), 0) AS customers,
                    coalesce(max(b.revenue), 0) AS revenue
             FROM period_refs r LEFT JOIN brought b ON b.id = r.advocate_id
             WHERE r.advocate_id IN (SELECT id FROM customers) GROUP BY r.advocate_id
         )"
        .to_owned()
    } else {
        format!(
            "per AS (
                 SELECT r.advocate_id AS id, count(*) AS referrals, sum({}) AS customers, sum({}) AS revenue
                 FROM period_refs r WHERE r.advocate_id IN (SELECT id FROM customers) GROUP BY r.advocate_id
             )",
            chains::converted("r"),
            chains::revenue("r", ":from"),
        )
    };
    let sql = format!(
        "{},
         {per}
         SELECT per.id, c.first_name, c.last_name, c.email, per.referrals, per.customers, per.revenue,
                per.id IN (SELECT id FROM approved), per.id IN (SELECT id FROM promoters)
         FROM per JOIN contacts c ON c.id = per.id
         ORDER BY per.customers DESC, per.revenue DESC, per.referrals DESC, per.id
         LIMIT :limit",
        period_cte(current, summary::nps_covers(conn, &p.to.as_of)?),
    );
    let limit = i64::from(crate::page::limit(limit));
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(p.args(&sql, &[(":limit", &limit)]).as_slice(), |r| {
        let (first, last, email): (String, String, Option<String>) = (r.get(1)?, r.get(2)?, r.get(3)?);
        Ok(Leader {
            contact_id: r.get(0)?,
            name: contacts::display_name(&first, &last, email.as_deref()),
            referrals: r.get(4)?,
            referred_customers: r.get(5)?,
            referred_revenue: r.get(6)?,
            downstream_customers: 0,
            testimonial: r.get(7)?,
            promoter: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<Leader>>>()?)
}

/// The advocate leaderboard of a period, best first.
pub fn leaderboard(conn: &Connection, q: &LoopQuery, limit: u32) -> Result<Vec<Leader>> {
    let p = Period::parse(conn, q)?;
    let limit = crate::page::limit(limit);
    cache::cached(conn, format!("leaderboard|{}|{}|{limit}", p.start, p.to.as_of), || ranked(conn, &p, limit))
}

/// How many advocates a leaderboard ranks at least, so the report's top ten and the Dashboard's
/// top fifty come from one ranking.
const RANKED: u32 = 50;

/// The first `limit` of the period's leaderboard, from one kept ranking of at least [`RANKED`],
/// with the customers further down each one's chain.
fn ranked(conn: &Connection, p: &Period, limit: u32) -> Result<Vec<Leader>> {
    let limit = crate::page::limit(limit);
    let n = limit.max(RANKED);
    let ranking =
        cache::cached(conn, format!("ranking|{}|{}|{n}", p.start, p.to.as_of), || leaders(conn, p, n))?;
    let mut out: Vec<Leader> = ranking.into_iter().take(limit as usize).collect();
    let ids: Vec<i64> = out.iter().map(|l| l.contact_id).collect();
    let downstream = chains::downstream_customers(conn, &p.to, &ids)?;
    for l in &mut out {
        l.downstream_customers = downstream.get(&l.contact_id).copied().unwrap_or(0);
    }
    Ok(out)
}

/// A node of the sankey: an advocate, a lead they brought, or the stage leads reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SankeyNode {
    /// Unique: `a<id>` for an advocate, `l<id>` for a lead, `m<id>` for an advocate's other leads
    /// together, `s<status>` for a status.
    pub id: String,
    pub label: String,
    pub status: Option<ReferralStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SankeyLink {
    pub source: String,
    pub target: String,
    pub value: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Sankey {
    pub nodes: Vec<SankeyNode>,
    pub links: Vec<SankeyLink>,
}

/// How many advocates the sankey shows, and how many of each one's leads by name.
const SANKEY_ADVOCATES: u32 = 5;
const SANKEY_LEADS_EACH: usize = 6;

/// Top advocates → the leads they brought in the period → the status those leads reached by its
/// end. An advocate's leads beyond the first few flow through one "+N more" node.
fn sankey_of(conn: &Connection, p: &Period, top: &[Leader]) -> Result<Sankey> {
    let sql = format!(
        "SELECT r.referred_id, c.first_name, c.last_name, c.email, {}, {}
         FROM referrals r JOIN contacts c ON c.id = r.referred_id
         WHERE r.advocate_id = :advocate AND r.referred_on >= :from AND r.referred_on <= :as_of AND {REAL_REFERRAL}
         ORDER BY r.referred_on, r.id",
        chains::stage_as_of("r.referred_id"),
        chains::converted("r"),
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut s = Sankey::default();
    let mut statuses: Vec<ReferralStatus> = Vec::new();
    for leader in top.iter().take(SANKEY_ADVOCATES as usize) {
        let advocate = format!("a{}", leader.contact_id);
        s.nodes.push(SankeyNode { id: advocate.clone(), label: leader.name.clone(), status: None });
        let leads = stmt
            .query_map(p.args(&sql, &[(":advocate", &leader.contact_id)]).as_slice(), |r| {
                let (first, last, email): (String, String, Option<String>) =
                    (r.get(1)?, r.get(2)?, r.get(3)?);
                let converted: bool = r.get(5)?;
                let status = if converted {
                    ReferralStatus::Customer
                } else {
                    ReferralStatus::of(r.get::<_, Option<Stage>>(4)?)
                };
                Ok((r.get::<_, i64>(0)?, contacts::display_name(&first, &last, email.as_deref()), status))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let more = leads.len().saturating_sub(SANKEY_LEADS_EACH);
        let more_id = format!("m{}", leader.contact_id);
        if more > 0 {
            s.nodes.push(SankeyNode { id: more_id.clone(), label: format!("+{more} more"), status: None });
            s.links.push(SankeyLink {
                source: advocate.clone(),
                target: more_id.clone(),
                value: more as i64,
            });
        }
        for (k, (id, name, status)) in leads.into_iter().enumerate() {
            if !statuses.contains(&status) {
                statuses.push(status);
            }
            let target = format!("s{}", status.as_str());
            if k < SANKEY_LEADS_EACH {
                let lead = format!("l{id}");
                s.nodes.push(SankeyNode { id: lead.clone(), label: name, status: None });
                s.links.push(SankeyLink { source: advocate.clone(), target: lead.clone(), value: 1 });
                s.links.push(SankeyLink { source: lead, target, value: 1 });
            } else {
                add_link(&mut s.links, &more_id, &target);
            }
        }
    }
    for status in ReferralStatus::ALL.iter().filter(|st| statuses.contains(st)) {
        s.nodes.push(SankeyNode {
            id: format!("s{}", status.as_str()),
            label: status.as_str().to_owned(),
            status: Some(*status),
        });
    }
    Ok(s)
}

/// Adds one to the link `source → target`, creating it if needed.
fn add_link(links: &mut Vec<SankeyLink>, source: &str, target: &str) {
    match links.iter_mut().find(|l| l.source == source && l.target == target) {
        Some(l) => l.value += 1,
        None => links.push(SankeyLink { source: source.to_owned(), target: target.to_owned(), value: 1 }),
    }
}

/// Everything the Dashboard shows about the loop for a period, and what `flywheel report flywheel`
/// prints: the loop figures at the top level, then the repeat totals, NPS, leaderboard and sankey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FlywheelReport {
    #[serde(flatten)]
    pub figures: LoopFigures,
    pub repeat: RepeatTotals,
    pub nps: NpsScore,
    pub leaderboard: Vec<Leader>,
    pub sankey: Sankey,
}

/// How many advocates the report's leaderboard lists.
const LEADERBOARD: u32 = 10;

pub fn report(conn: &Connection, q: &LoopQuery) -> Result<FlywheelReport> {
    let p = Period::parse(conn, q)?;
    cache::cached(conn, format!("flywheel|{:?}|{}", p.from, p.to.as_of), || report_of(conn, &p))
}

fn report_of(conn: &Connection, p: &Period) -> Result<FlywheelReport> {
    let repeat = repeat::totals_as_of(conn, &p.to)?;
    let figures = figures_of(conn, p, &repeat)?;
    let leaderboard = ranked(conn, p, LEADERBOARD)?;
    let sankey = sankey_of(conn, p, &leaderboard)?;
    let nps = nps::score(conn, p.from.as_deref(), Some(&p.to.as_of))?;
    Ok(FlywheelReport { figures, repeat, nps, leaderboard, sankey })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_is_referrals_per_customer_times_conversion() {
        // 10 customers made 5 referrals (0.5 each); 2 of the 5 bought (40 %): K = 0.2.
        let k = viral_k(stats::rate(5, 10), stats::rate(2, 5)).unwrap();
        assert!((k - 0.2).abs() < 1e-12);
        // ... which is referred customers per customer: 2 / 10.
        assert!((k - stats::rate(2, 10).unwrap()).abs() < 1e-12);
        assert_eq!(viral_k(stats::rate(0, 10), stats::rate(0, 0)), Some(0.0));
        assert_eq!(viral_k(stats::rate(0, 0), stats::rate(0, 0)), None);
    }

    #[test]
    fn links_add_up() {
        let mut links = Vec::new();
        add_link(&mut links, "m1", "slead");
        add_link(&mut links, "m1", "slead");
        add_link(&mut links, "m1", "scustomer");
        assert_eq!(
            links.iter().map(|l| (l.target.as_str(), l.value)).collect::<Vec<_>>(),
            vec![("slead", 2), ("scustomer", 1)]
        );
    }
}
