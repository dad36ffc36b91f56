//! Referrals as the Referrals page shows them, and the chain below every advocate: who they
//! brought in, who those brought in, and so on, generation by generation with the depth shown.
//!
//! A referral *converted* when the referred contact bought (a counted purchase, see `repeat`) on or
//! after the referral day, by the as-of day; their revenue is what they spent from that day on.
//! Its status follows the referred contact's stage on the as-of day.

use crate::advocates::REAL_REFERRAL;
use crate::asof::AsOf;
use crate::contacts;
use crate::error::{Error, Result};
use crate::page::Page;
use crate::referrals::{self, Referral, ReferralQuery, RewardStatus, DOWN};
use crate::repeat::COUNTED;
use crate::stages::Stage;
use crate::store::Connection;
use crate::text_enum;
use crate::validate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

text_enum! {
    /// Where a referral stands: it follows the referred contact's stage, or ends (lost).
    pub enum ReferralStatus {
        /// Not yet a lead (a subscriber, or no stage yet on the day).
        Referred => "referred",
        Lead => "lead",
        /// Marketing or sales qualified, or an open opportunity.
        Qualified => "qualified",
        Customer => "customer",
        /// Disqualified or lost.
        Lost => "lost",
    }
}

impl ReferralStatus {
    pub fn of(stage: Option<Stage>) -> Self {
        match stage {
            None | Some(Stage::Subscriber) => ReferralStatus::Referred,
            Some(Stage::Lead) => ReferralStatus::Lead,
            Some(Stage::Mql | Stage::Sql | Stage::Opportunity) => ReferralStatus::Qualified,
            Some(Stage::Customer) => ReferralStatus::Customer,
            Some(Stage::Disqualified | Stage::Lost) => ReferralStatus::Lost,
        }
    }
}

/// SQL: the stage of the contact in column `contact` on the as-of day (`:end`), or NULL.
pub(crate) fn stage_as_of(contact: &str) -> String {
    format!(
        "(SELECT stage FROM stage_events e WHERE e.contact_id = {contact} AND e.at < :end
          ORDER BY e.at DESC, e.id DESC LIMIT 1)"
    )
}

/// SQL: whether the referral `r` converted by the as-of day. Read from the purchase days (the
/// counted purchases, one row per day) unless a bulk write has paused them, then from the purchases.
pub(crate) fn converted(r: &str) -> String {
    format!(
        "CASE WHEN {PAUSED}
              THEN EXISTS (SELECT 1 FROM purchases
                           WHERE contact_id = {r}.referred_id AND purchased_on >= {r}.referred_on AND {COUNTED})
              ELSE EXISTS (SELECT 1 FROM purchase_days
                           WHERE contact_id = {r}.referred_id AND currency = :currency
                             AND day >= {r}.referred_on AND day <= :as_of) END"
    )
}

/// SQL: what the contact referred by `r` spent from the referral day (and from `since`, a day
/// expression) to the as-of day, net of refunds; from the purchase days as [`converted`] reads them.
pub(crate) fn revenue(r: &str, since: &str) -> String {
    format!(
        "CASE WHEN {PAUSED}
              THEN (SELECT coalesce(sum(amount_minor - refunded_minor), 0) FROM purchases
                    WHERE contact_id = {r}.referred_id AND purchased_on >= max({r}.referred_on, {since}) AND {COUNTED})
              ELSE (SELECT coalesce(sum(total), 0) FROM purchase_days
                    WHERE contact_id = {r}.referred_id AND currency = :currency
                      AND day >= max({r}.referred_on, {since}) AND day <= :as_of) END"
    )
}

/// SQL: whether a bulk write of this transaction has paused the purchase summaries.
const PAUSED: &str = "EXISTS (SELECT 1 FROM summaries_paused)";

/// A referral with the people's names and how it turned out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReferralRow {
    pub referral: Referral,
    pub advocate_name: String,
    pub referred_name: String,
    pub referred_email: Option<String>,
    pub status: ReferralStatus,
    pub converted: bool,
    /// What the referred contact spent since the referral, in minor units of `currency`.
    pub revenue: i64,
    pub currency: String,
    /// What the reward may be marked next.
    pub reward_moves: Vec<RewardStatus>,
}

/// Names, status, conversion and revenue of one referral as of the day.
fn describe(conn: &Connection, a: &AsOf, referral: Referral) -> Result<ReferralRow> {
    let sql = format!(
        "SELECT av.first_name, av.last_name, av.email, rc.first_name, rc.last_name, rc.email,
                {}, {}, {}
         FROM referrals r JOIN contacts av ON av.id = r.advocate_id JOIN contacts rc ON rc.id = r.referred_id
         WHERE r.id = :id",
        stage_as_of("r.referred_id"),
        converted("r"),
        revenue("r", "r.referred_on"),
    );
    let row =
        conn.prepare_cached(&sql)?.query_row(a.args(&sql, &[(":id", &referral.id)]).as_slice(), |r| {
            let name = |i: usize| -> rusqlite::Result<(String, Option<String>)> {
                let (first, last, email): (String, String, Option<String>) =
                    (r.get(i)?, r.get(i + 1)?, r.get(i + 2)?);
                Ok((contacts::display_name(&first, &last, email.as_deref()), email))
            };
            Ok((name(0)?, name(3)?, r.get::<_, Option<Stage>>(6)?, r.get(7)?, r.get(8)?))
        })?;
    let ((advocate_name, _), (referred_name, referred_email), stage, converted, revenue) = row;
    Ok(ReferralRow {
        reward_moves: referral.reward_status.moves(),
        referral,
        advocate_name,
        referred_name,
        referred_email,
        status: ReferralStatus::of(stage),
        converted,
        revenue,
        currency: a.currency.clone(),
    })
}

/// Referrals as `referrals::list` filters and pages them, described as of the day (today when
/// `None`).
pub fn rows(conn: &Connection, q: &ReferralQuery, as_of: Option<&str>) -> Result<Page<ReferralRow>> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    let page = referrals::list(conn, q)?;
    let items = page.items.into_iter().map(|r| describe(conn, &a, r)).collect::<Result<_>>()?;
    Ok(Page { items, total: page.total, offset: page.offset, limit: page.limit })
}

/// One referral described as of the day (today when `None`).
pub fn row(conn: &Connection, referral_id: i64, as_of: Option<&str>) -> Result<ReferralRow> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    describe(conn, &a, referrals::get(conn, referral_id)?)
}

/// One referral in an advocate's chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChainNode {
    pub referral_id: i64,
    /// 1 for the advocate's own referrals, 2 for those their referred contacts made, …
    pub depth: i64,
    /// Who made this referral (the advocate, or someone down their chain).
    pub advocate_id: i64,
    pub referred_id: i64,
    pub referred_name: String,
    pub referred_on: String,
    pub status: ReferralStatus,
    pub converted: bool,
    pub revenue: i64,
    /// Flagged referrals are shown, and counted nowhere.
    pub flagged_self_referral: bool,
}

/// The figures of one generation of a chain (or of all of them together, depth 0).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Generation {
    pub depth: i64,
    pub referrals: i64,
    /// Referred contacts still in the funnel (referred, lead or qualified) and not yet buying.
    pub leads: i64,
    pub customers: i64,
    pub lost: i64,
    pub revenue: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChainView {
    pub advocate_id: i64,
    pub advocate_name: String,
    pub as_of: String,
    pub currency: String,
    /// One per depth, nearest first.
    pub generations: Vec<Generation>,
    /// Every generation together (depth 0).
    pub total: Generation,
    /// Nearest generation first, so a parent always comes before the people it brought.
    pub nodes: Vec<ChainNode>,
}

/// Deeper than any real chain; it only bounds the walk.
const MAX_DEPTH: u32 = 100;

/// The chain below an advocate as of the day (today when `None`): referrals made by then.
pub fn chain(conn: &Connection, advocate_id: i64, as_of: Option<&str>) -> Result<ChainView> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    if !validate::exists(conn, "contacts", advocate_id)? {
        return Err(Error::not_found("contact", advocate_id));
    }
    let advocate_name = contacts::get(conn, advocate_id)?.display_name();
    let sql = format!(
        "{DOWN}
         SELECT d.referral_id, d.depth, d.advocate_id, d.referred_id, rc.first_name, rc.last_name, rc.email,
                d.referred_on, {}, {}, {}, NOT ({REAL_REFERRAL})
         FROM down d JOIN referrals r ON r.id = d.referral_id JOIN contacts rc ON rc.id = d.referred_id
         WHERE d.referred_on <= :as_of
         ORDER BY d.depth, d.referred_on, d.referral_id",
        stage_as_of("d.referred_id"),
        converted("r"),
        revenue("r", "r.referred_on"),
    );
    let roots = serde_json::to_string(&[advocate_id])?;
    let mut stmt = conn.prepare_cached(&sql)?;
    let nodes = stmt
        .query_map(a.args(&sql, &[(":roots", &roots), (":max_depth", &MAX_DEPTH)]).as_slice(), |r| {
            let (first, last, email): (String, String, Option<String>) = (r.get(4)?, r.get(5)?, r.get(6)?);
            Ok(ChainNode {
                referral_id: r.get(0)?,
                depth: r.get(1)?,
                advocate_id: r.get(2)?,
                referred_id: r.get(3)?,
                referred_name: contacts::display_name(&first, &last, email.as_deref()),
                referred_on: r.get(7)?,
                status: ReferralStatus::of(r.get(8)?),
                converted: r.get(9)?,
                revenue: r.get(10)?,
                flagged_self_referral: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<ChainNode>>>()?;
    let mut generations: Vec<Generation> = Vec::new();
    let mut total = Generation::default();
    for node in nodes.iter().filter(|n| !n.flagged_self_referral) {
        if generations.last().is_none_or(|g| g.depth != node.depth) {
            generations.push(Generation { depth: node.depth, ..Generation::default() });
        }
        for g in [generations.last_mut(), Some(&mut total)].into_iter().flatten() {
            count(g, node);
        }
    }
    Ok(ChainView {
        advocate_id,
        advocate_name,
        as_of: a.as_of,
        currency: a.currency,
        generations,
        total,
        nodes,
    })
}

/// For each advocate in `roots`: the referred customers further down their chain (2nd generation
/// and beyond) as of the day, counted as [`chain`] counts them, for many advocates at once.
pub(crate) fn downstream_customers(conn: &Connection, a: &AsOf, roots: &[i64]) -> Result<HashMap<i64, i64>> {
    let sql = format!(
        "{DOWN}
         SELECT d.root, count(*) FROM down d JOIN referrals r ON r.id = d.referral_id
         WHERE d.depth >= 2 AND d.referred_on <= :as_of AND {REAL_REFERRAL} AND {}
         GROUP BY d.root",
        if crate::summary::current(conn)? {
            // What each referral brought is kept: one lookup by key.
            "EXISTS (SELECT 1 FROM referral_sales s
                     WHERE s.referral_id = r.id AND s.currency = :currency AND s.first_day <= :as_of)"
                .to_owned()
        } else {
            converted("r")
        },
    );
    let roots = serde_json::to_string(roots)?;
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(a.args(&sql, &[(":roots", &roots), (":max_depth", &MAX_DEPTH)]).as_slice(), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Adds one referral to a generation's figures.
fn count(g: &mut Generation, n: &ChainNode) {
    g.referrals += 1;
    g.revenue += n.revenue;
    if n.converted {
        g.customers += 1;
    } else if n.status == ReferralStatus::Lost {
        g.lost += 1;
    } else if n.status != ReferralStatus::Customer {
        g.leads += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_stage() {
        use ReferralStatus as R;
        let expected = [
            (None, R::Referred),
            (Some(Stage::Subscriber), R::Referred),
            (Some(Stage::Lead), R::Lead),
            (Some(Stage::Mql), R::Qualified),
            (Some(Stage::Sql), R::Qualified),
            (Some(Stage::Opportunity), R::Qualified),
            (Some(Stage::Customer), R::Customer),
            (Some(Stage::Disqualified), R::Lost),
            (Some(Stage::Lost), R::Lost),
        ];
        for (stage, status) in expected {
            assert_eq!(ReferralStatus::of(stage), status, "{stage:?}");
        }
    }

    #[test]
    fn a_generation_counts_customers_leads_and_losses_once_each() {
        let node = |status, converted, revenue| ChainNode {
            referral_id: 1,
            depth: 1,
            advocate_id: 1,
            referred_id: 2,
            referred_name: String::new(),
            referred_on: String::new(),
            status,
            converted,
            revenue,
            flagged_self_referral: false,
        };
        let mut g = Generation::default();
        count(&mut g, &node(ReferralStatus::Customer, true, 5000));
        count(&mut g, &node(ReferralStatus::Qualified, false, 0));
        count(&mut g, &node(ReferralStatus::Lost, false, 0));
        // Already a customer before the referral: neither converted nor a lead.
        count(&mut g, &node(ReferralStatus::Customer, false, 0));
        assert_eq!((g.referrals, g.customers, g.leads, g.lost, g.revenue), (4, 1, 1, 1, 5000));
    }
}
