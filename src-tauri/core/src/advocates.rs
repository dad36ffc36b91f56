//! Advocates, derived and never typed in: a customer who, by the as-of day, has an approved
//! testimonial (approved or published, and not withdrawn by then), has made a referral (a
//! self-referral does not count), or whose latest NPS answer is a promoter's (9–10).
//!
//! And who to ask next: the readiness list ranks the customers who have not yet *acted* as
//! advocates (no approved testimonial, no referral) by what the data says. A promoter answer alone
//! already counts as advocacy in the figures, and it is the strongest reason to ask for more.

use crate::asof::AsOf;
use crate::cache;
use crate::contacts;
use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::followups::{self, Followup, FollowupInput, FollowupKind};
use crate::nps::NpsCategory;
use crate::page;
use crate::predict::shop::{Prediction, Predictions};
use crate::repeat::COUNTED;
use crate::store::Connection;
use crate::summary;
use crate::testimonials;
use crate::text_enum;
use crate::time;
use crate::validate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// A testimonial that makes its giver an advocate on the as-of day: approved by then and not
/// withdrawn by then.
pub(crate) const APPROVED: &str = "approved_at < :end AND (status IN ('approved', 'published')
         OR (status = 'withdrawn' AND consent_withdrawn_at >= :end))";

/// A referral the figures count: a self-referral is saved and flagged, but it is no advocacy.
pub(crate) const REAL_REFERRAL: &str = "instr(flags, '\"self_referral\"') = 0";

/// The `WITH` tables of the advocacy signals as of `:as_of`: `customers`, `approved`, `referrers`,
/// `latest_nps` (id, score, answered_on) and `promoters`, then `advocates`. With `one`, every table
/// is narrowed to the contact `:contact`. Customers come from the purchase summaries when they are
/// `current` (see [`summary::current`]), else from the purchases; the latest NPS answers from
/// `nps_latest` when `nps_latest` (see [`summary::nps_covers`]), else by ranking every answer.
pub(crate) fn cte(one: bool, current: bool, nps_latest: bool) -> String {
    let only = |column: &str| if one { format!("AND {column} = :contact") } else { String::new() };
    let (contact, advocate) = (only("contact_id"), only("advocate_id"));
    let promoter = NpsCategory::Promoter.condition();
    // A customer on the as-of day: a counted purchase by then. The summaries know each customer's
    // first counted day, whatever the as-of day.
    let customers = if current {
        format!("SELECT contact_id AS id FROM customer_summaries WHERE currency = :currency AND first_day <= :as_of {contact}")
    } else {
        format!("SELECT DISTINCT contact_id AS id FROM purchases WHERE {COUNTED} {contact}")
    };
    let latest = if nps_latest {
        format!("SELECT contact_id AS id, score, answered_on FROM nps_latest WHERE true {contact}")
    } else {
        format!(
            "SELECT contact_id AS id, score, answered_on FROM (
                 SELECT contact_id, score, answered_on,
                        row_number() OVER (PARTITION BY contact_id ORDER BY answered_on DESC, id DESC) AS k
                 FROM nps_answers WHERE answered_on <= :as_of {contact}
             ) WHERE k = 1"
        )
    };
    format!(
        "customers AS ({customers}),
         approved AS (SELECT DISTINCT contact_id AS id FROM testimonials WHERE {APPROVED} {contact}),
         referrers AS (
             SELECT advocate_id AS id FROM referrals
             WHERE {REAL_REFERRAL} AND referred_on <= :as_of {advocate} GROUP BY advocate_id
         ),
         latest_nps AS ({latest}),
         promoters AS (SELECT id FROM latest_nps WHERE {promoter}),
         -- The customers among those with a signal: fewer than the customers, looked up once each.
         advocates AS (
             SELECT id FROM (SELECT id FROM approved UNION SELECT id FROM referrers UNION SELECT id FROM promoters)
             WHERE id IN (SELECT id FROM customers)
         )"
    )
}

text_enum! {
    /// What makes a customer an advocate.
    pub enum AdvocateReason {
        Testimonial => "testimonial",
        Referral => "referral",
        Promoter => "promoter",
    }
}

/// Where one contact stands in the flipped funnel on a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AdvocateStatus {
    pub contact_id: i64,
    pub as_of: String,
    pub customer: bool,
    /// A customer with at least one reason.
    pub advocate: bool,
    /// The signals present, customer or not (a lead may already have referred someone).
    pub reasons: Vec<AdvocateReason>,
}

pub fn status(conn: &Connection, contact_id: i64, as_of: Option<&str>) -> Result<AdvocateStatus> {
    if !validate::exists(conn, "contacts", contact_id)? {
        return Err(Error::not_found("contact", contact_id));
    }
    let a = AsOf::parse(conn, "as_of", as_of)?;
    let sql = format!(
        "WITH {} SELECT EXISTS (SELECT 1 FROM customers), EXISTS (SELECT 1 FROM approved),
                        EXISTS (SELECT 1 FROM referrers), EXISTS (SELECT 1 FROM promoters)",
        cte(true, summary::current(conn)?, summary::nps_covers(conn, &a.as_of)?)
    );
    let (customer, signals) =
        conn.prepare_cached(&sql)?.query_row(a.args(&sql, &[(":contact", &contact_id)]).as_slice(), |r| {
            Ok((r.get::<_, bool>(0)?, [r.get::<_, bool>(1)?, r.get(2)?, r.get(3)?]))
        })?;
    let reasons: Vec<AdvocateReason> =
        AdvocateReason::ALL.iter().zip(signals).filter(|(_, on)| *on).map(|(r, _)| *r).collect();
    Ok(AdvocateStatus {
        contact_id,
        as_of: a.as_of,
        customer,
        advocate: customer && !reasons.is_empty(),
        reasons,
    })
}

text_enum! {
    /// Why a customer is worth asking now.
    pub enum ReadyKind {
        /// Bought on several days: `value` is how many.
        RepeatBuyer => "repeat_buyer",
        /// Their latest NPS answer, recent, is a promoter's: `value` is the score, `day` the day.
        RecentPromoter => "recent_promoter",
        /// Bought lately: `value` is how many days ago.
        RecentPurchase => "recent_purchase",
        /// Nobody has asked them yet: no open follow-up to ask, no testimonial requested.
        NotAsked => "not_asked",
        /// The purchase model gives them a good chance of still being active: `value` is it in percent.
        LikelyToStay => "likely_to_stay",
        /// Their predicted 12-month value is in the top quarter of customers': `value` is it, in
        /// minor units.
        HighValue => "high_value",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReadyReason {
    pub kind: ReadyKind,
    pub points: i64,
    pub value: i64,
    pub day: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Readiness {
    pub contact_id: i64,
    pub name: String,
    pub email: Option<String>,
    /// The sum of the reasons' points; higher is readier.
    pub score: i64,
    pub reasons: Vec<ReadyReason>,
    /// Already asked and not yet done: shown, but not to be asked again.
    pub open_request: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReadinessList {
    pub as_of: String,
    /// Customers who have not yet acted as advocates and would not say no (no detractor answer).
    pub candidates: i64,
    /// The readiest, best first.
    pub items: Vec<Readiness>,
}

/// Points of each reason. A recent promoter has said they would recommend us; repeat buying shows
/// it; a recent purchase means we are on their mind.
const REPEAT_POINTS: i64 = 2;
const PROMOTER_POINTS: i64 = 3;
const RECENT_PURCHASE_POINTS: i64 = 1;
const NOT_ASKED_POINTS: i64 = 1;
const LIKELY_TO_STAY_POINTS: i64 = 1;
const HIGH_VALUE_POINTS: i64 = 2;
/// The chance still active from which a customer is likely to stay.
const LIKELY_TO_STAY_FROM: f64 = 0.7;
/// The share of customers, by predicted 12-month value, whose value counts as high.
const HIGH_VALUE_SHARE: f64 = 0.25;
/// How recent "recent" is, in days before the as-of day.
const PROMOTER_WITHIN_DAYS: i64 = 90;
const PURCHASE_WITHIN_DAYS: i64 = 30;

/// What the data says about one candidate, as the query gives it.
struct Candidate {
    purchase_days: i64,
    days_since_purchase: i64,
    latest_score: Option<i64>,
    latest_answer: Option<String>,
    days_since_answer: Option<i64>,
    open_request: bool,
    prediction: Option<Prediction>,
}

/// The reasons to ask `c` now, or `None` when they should not be asked (their latest answer is a
/// detractor's). `high_value_from` is the least predicted 12-month value that counts as high. The
/// ranking rules, in one place.
fn reasons(c: &Candidate, high_value_from: Option<f64>) -> Option<Vec<ReadyReason>> {
    if c.latest_score.is_some_and(|s| NpsCategory::of(s) == NpsCategory::Detractor) {
        return None;
    }
    let reason =
        |kind, points, value, day: Option<&String>| ReadyReason { kind, points, value, day: day.cloned() };
    let mut out = Vec::new();
    if c.purchase_days >= 2 {
        out.push(reason(ReadyKind::RepeatBuyer, REPEAT_POINTS, c.purchase_days, None));
    }
    if let (Some(score), Some(ago)) = (c.latest_score, c.days_since_answer) {
        if NpsCategory::of(score) == NpsCategory::Promoter && ago <= PROMOTER_WITHIN_DAYS {
            out.push(reason(ReadyKind::RecentPromoter, PROMOTER_POINTS, score, c.latest_answer.as_ref()));
        }
    }
    if c.days_since_purchase <= PURCHASE_WITHIN_DAYS {
        out.push(reason(ReadyKind::RecentPurchase, RECENT_PURCHASE_POINTS, c.days_since_purchase, None));
    }
    if !c.open_request {
        out.push(reason(ReadyKind::NotAsked, NOT_ASKED_POINTS, 0, None));
    }
    if let Some(p) = c.prediction {
        if p.p_alive >= LIKELY_TO_STAY_FROM {
            out.push(reason(
                ReadyKind::LikelyToStay,
                LIKELY_TO_STAY_POINTS,
                (p.p_alive * 100.0).round() as i64,
                None,
            ));
        }
        if let (Some(value), Some(from)) = (p.clv_12m, high_value_from) {
            if value >= from {
                out.push(reason(ReadyKind::HighValue, HIGH_VALUE_POINTS, value.round() as i64, None));
            }
        }
    }
    Some(out)
}

/// The least predicted 12-month value in the top quarter of the customers', `None` without values.
fn high_value_from(predictions: &Predictions) -> Option<f64> {
    let mut values: Vec<f64> = predictions.by_customer.values().filter_map(|p| p.clv_12m).collect();
    values.sort_by(f64::total_cmp);
    let top = ((values.len() as f64 * HIGH_VALUE_SHARE).ceil() as usize).max(1);
    values.len().checked_sub(top).and_then(|i| values.get(i)).copied()
}

/// The customers most worth asking for a testimonial or a referral on the as-of day.
pub fn readiness(conn: &Connection, as_of: Option<&str>, limit: u32) -> Result<ReadinessList> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    cache::cached(conn, format!("readiness|{}|{limit}", a.as_of), || readiness_of(conn, a, limit))
}

fn readiness_of(conn: &Connection, a: AsOf, limit: u32) -> Result<ReadinessList> {
    let sql = format!(
        "WITH {},
         days AS (
             SELECT id, days, (unixepoch(:as_of) - unixepoch(last_day)) / 86400 AS since FROM ({})
         ),
         asked AS (
             SELECT contact_id AS id FROM followups
             WHERE done_at IS NULL AND kind IN ('ask_testimonial', 'ask_referral')
             UNION SELECT contact_id FROM testimonials WHERE status = 'requested'
         )
         SELECT d.id, d.days, d.since, n.score, n.answered_on,
                (unixepoch(:as_of) - unixepoch(n.answered_on)) / 86400,
                d.id IN (SELECT id FROM asked)
         FROM days d LEFT JOIN latest_nps n ON n.id = d.id
         WHERE d.id NOT IN (SELECT id FROM contacts WHERE archived_at IS NOT NULL)
           AND d.id NOT IN (SELECT id FROM approved) AND d.id NOT IN (SELECT id FROM referrers)",
        cte(false, summary::current(conn)?, summary::nps_covers(conn, &a.as_of)?),
        summary::purchase_days_sql(summary::covers(conn, Some(&a.currency), &a.as_of)?),
    );
    let predictions = crate::repeat::predictions_as_of(conn, &a)?;
    let high_value = high_value_from(&predictions);
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(a.args(&sql, &[]).as_slice())?;
    let mut items = Vec::new();
    while let Some(r) = rows.next()? {
        let contact_id: i64 = r.get(0)?;
        let prediction = predictions.of(contact_id);
        let c = Candidate {
            purchase_days: r.get(1)?,
            days_since_purchase: r.get(2)?,
            latest_score: r.get(3)?,
            latest_answer: r.get(4)?,
            days_since_answer: r.get(5)?,
            open_request: r.get(6)?,
            prediction,
        };
        let Some(reasons) = reasons(&c, high_value) else { continue };
        let value = prediction.and_then(|p| p.clv_12m).unwrap_or(f64::NEG_INFINITY);
        items.push((
            (value, c.days_since_purchase),
            Readiness {
                contact_id,
                name: String::new(),
                email: None,
                score: reasons.iter().map(|r| r.points).sum(),
                reasons,
                open_request: c.open_request,
            },
        ));
    }
    let candidates = items.len() as i64;
    // Readiest first; among equals the highest predicted value, then the most recent buyer, then
    // the contact id for a stable order.
    items.sort_by(|((a_value, a_since), a), ((b_value, b_since), b)| {
        b.score
            .cmp(&a.score)
            .then(b_value.total_cmp(a_value))
            .then(a_since.cmp(b_since))
            .then(a.contact_id.cmp(&b.contact_id))
    });
    let mut items: Vec<Readiness> =
        items.into_iter().take(page::limit(limit) as usize).map(|(_, r)| r).collect();
    // Names only for those shown.
    let mut name = conn.prepare_cached("SELECT first_name, last_name, email FROM contacts WHERE id = ?1")?;
    for item in &mut items {
        let (first, last, email): (String, String, Option<String>) = name
            .query_row([item.contact_id], |r| {
                Ok((r.get("first_name")?, r.get("last_name")?, r.get("email")?))
            })?;
        item.name = contacts::display_name(&first, &last, email.as_deref());
        item.email = email;
    }
    Ok(ReadinessList { as_of: a.as_of, candidates, items })
}

/// Asks a customer for a testimonial or a referral: one follow-up, due on `due_on` (today when
/// blank), and for a testimonial the testimonial itself, requested, for their latest product and
/// their segment. Refused while an earlier request is still open, so nobody is asked twice.
pub fn ask(conn: &Connection, contact_id: i64, kind: FollowupKind, due_on: Option<&str>) -> Result<Followup> {
    let due_on = time::format_day(time::as_of("due_on", due_on)?);
    with_tx(conn, |conn| {
        let contact = contacts::get(conn, contact_id).map_err(|_| {
            Error::invalid("contact_id", format!("There is no contact with id {contact_id}."))
        })?;
        let what = match kind {
            FollowupKind::AskTestimonial => "a testimonial",
            FollowupKind::AskReferral => "a referral",
            FollowupKind::Call | FollowupKind::Other => {
                return Err(Error::invalid("kind", "Ask for a testimonial or for a referral."));
            }
        };
        if let Some(due) = open_request(conn, contact_id)? {
            return Err(Error::conflict_on(
                "contact_id",
                format!(
                    "{} has already been asked ({due}); finish that request first.",
                    contact.display_name()
                ),
            ));
        }
        if kind == FollowupKind::AskTestimonial {
            let product: String = conn
                .prepare_cached(
                    "SELECT product FROM purchases WHERE contact_id = ?1 ORDER BY purchased_on DESC, id DESC LIMIT 1",
                )?
                .query_row([contact_id], |r| r.get(0))
                .optional()?
                .unwrap_or_default();
            testimonials::request(conn, contact_id, &product, &contact.segment)?;
        }
        let title = format!("Ask {} for {what}", contact.display_name());
        followups::create(conn, &FollowupInput { contact_id, kind, title, due_on: due_on.clone() })
    })
}

/// Asks as [`ask`] does, with the follow-up due `days` after today: the window's "due in N days".
pub fn ask_in_days(conn: &Connection, contact_id: i64, kind: FollowupKind, days: u32) -> Result<Followup> {
    let due_on = followups::due_in(days, None)?;
    ask(conn, contact_id, kind, Some(&due_on))
}

/// The open request to a contact, described, if there is one.
fn open_request(conn: &Connection, contact_id: i64) -> Result<Option<String>> {
    for kind in [FollowupKind::AskTestimonial, FollowupKind::AskReferral] {
        if let Some(f) = followups::open_for_contact(conn, contact_id, kind)? {
            return Ok(Some(format!("a follow-up is due on {}", f.due_on)));
        }
    }
    let requested: Option<Option<String>> = conn
        .prepare_cached(
            "SELECT requested_at FROM testimonials WHERE contact_id = ?1 AND status = 'requested' LIMIT 1",
        )?
        .query_row([contact_id], |r| r.get(0))
        .optional()?;
    Ok(requested.map(|at| match at.as_deref().and_then(|t| t.get(..10)) {
        Some(day) => format!("a testimonial was requested on {day}"),
        None => "a testimonial was requested".to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate() -> Candidate {
        Candidate {
            purchase_days: 1,
            days_since_purchase: 100,
            latest_score: None,
            latest_answer: None,
            days_since_answer: None,
            open_request: false,
            prediction: None,
        }
    }

    fn kinds(c: &Candidate) -> Option<Vec<(ReadyKind, i64)>> {
        reasons(c, None).map(|rs| rs.iter().map(|r| (r.kind, r.points)).collect())
    }

    #[test]
    fn a_recent_promoter_who_buys_often_is_readiest() {
        let c = Candidate {
            purchase_days: 3,
            days_since_purchase: 12,
            latest_score: Some(9),
            latest_answer: Some("2024-03-01".into()),
            days_since_answer: Some(30),
            open_request: false,
            prediction: None,
        };
        // 2 (repeat) + 3 (promoter within 90 days) + 1 (bought within 30 days) + 1 (not asked) = 7.
        let got = reasons(&c, None).unwrap();
        assert_eq!(got.iter().map(|r| r.points).sum::<i64>(), 7);
        assert_eq!(got[0], ReadyReason { kind: ReadyKind::RepeatBuyer, points: 2, value: 3, day: None });
        assert_eq!(
            got[1],
            ReadyReason {
                kind: ReadyKind::RecentPromoter,
                points: 3,
                value: 9,
                day: Some("2024-03-01".into())
            }
        );
        assert_eq!(got[2].value, 12);
    }

    #[test]
    fn the_predictions_add_likely_to_stay_and_high_value() {
        let p = |p_alive, clv| Prediction {
            p_alive,
            expected_purchases_90d: 1.0,
            expected_order_value: Some(5_000.0),
            clv_12m: Some(clv),
        };
        let staying = Candidate { prediction: Some(p(0.7, 40_000.0)), ..candidate() };
        // 1 (not asked) + 1 (likely to stay, 70 %) + 2 (value at or above the top quarter's 40,000).
        let got = reasons(&staying, Some(40_000.0)).unwrap();
        let all: Vec<(ReadyKind, i64, i64)> = got.iter().map(|r| (r.kind, r.points, r.value)).collect();
        assert_eq!(
            all,
            [
                (ReadyKind::NotAsked, 1, 0),
                (ReadyKind::LikelyToStay, 1, 70),
                (ReadyKind::HighValue, 2, 40_000)
            ]
        );
        let drifting = Candidate { prediction: Some(p(0.69, 39_999.0)), ..candidate() };
        assert_eq!(kinds(&drifting).unwrap(), [(ReadyKind::NotAsked, 1)]);
        assert_eq!(reasons(&drifting, Some(40_000.0)).unwrap().len(), 1);
    }

    #[test]
    fn old_answers_and_old_purchases_do_not_count() {
        let c = Candidate { latest_score: Some(10), days_since_answer: Some(91), ..candidate() };
        assert_eq!(kinds(&c), Some(vec![(ReadyKind::NotAsked, 1)]));
        let asked = Candidate { open_request: true, days_since_purchase: 30, ..candidate() };
        assert_eq!(kinds(&asked), Some(vec![(ReadyKind::RecentPurchase, 1)]));
    }

    #[test]
    fn detractors_are_not_asked() {
        let c =
            Candidate { purchase_days: 5, latest_score: Some(6), days_since_answer: Some(1), ..candidate() };
        assert_eq!(kinds(&c), None);
        // A passive is asked on their other merits.
        let p = Candidate { latest_score: Some(8), days_since_answer: Some(1), ..candidate() };
        assert_eq!(kinds(&p), Some(vec![(ReadyKind::NotAsked, 1)]));
    }
}
