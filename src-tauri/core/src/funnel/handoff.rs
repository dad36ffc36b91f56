//! The MQL→SQL handoff: every MQL waits for sales to accept it (→ SQL) or reject it (→ back to
//! marketing as a lead, with a reason) within the SLA window (a setting, default 24 hours).

use super::history::{History, Window};
use super::moves::{self, MoveInput};
use super::scoring::SCORE_SQL;
use super::{instant_text, is_live};
use crate::contacts::display_name;
use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::settings;
use crate::stages::{Actor, Stage, StageEvent};
use crate::stats;
use crate::store::Connection;
use crate::validate;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// At most this many waiting MQLs are listed (the count covers them all).
const QUEUE_LIMIT: i64 = 200;
/// At most this many breaches are listed (the count covers them all).
const BREACH_LIMIT: usize = 200;

/// One MQL waiting for sales.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct QueueItem {
    pub contact_id: i64,
    pub name: String,
    pub company: String,
    pub source: String,
    pub score: i64,
    /// When the contact became an MQL; the SLA runs from here.
    pub qualified_at: String,
    pub qualified_by: Actor,
    pub qualified_reason: String,
    /// When the SLA runs out.
    pub due_at: String,
    /// Seconds from `as_of` until `due_at`; negative once the SLA is breached.
    pub seconds_left: i64,
    pub breached: bool,
    /// The contact's owner, by name (else login); None when no one owns it.
    pub owner: Option<String>,
}

/// The MQLs waiting for sales, the one due first at the top.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct HandoffQueue {
    pub sla_hours: i64,
    pub as_of: String,
    /// Every waiting MQL, including those beyond the listed ones.
    pub total: i64,
    /// How many of them are past their SLA.
    pub breached: i64,
    pub items: Vec<QueueItem>,
}

/// The handoff queue as of `now`. Archived contacts are not listed (the figures still count them).
pub fn queue(conn: &Connection, now: DateTime<Utc>) -> Result<HandoffQueue> {
    queue_of(conn, now, None)
}

/// The handoff queue of the contacts `owner` (a login) owns, or everyone's when None.
pub fn queue_of(conn: &Connection, now: DateTime<Utc>, owner: Option<&str>) -> Result<HandoffQueue> {
    let sla_hours = settings::get(conn)?.sla_hours;
    let sla = sla_hours * 3_600;
    let now_secs = now.timestamp();
    let (total, breached): (i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE stage_entered_at < ?1) FROM contacts
             WHERE stage = 'mql' AND archived_at IS NULL AND (?2 IS NULL OR owner = ?2)",
        )?
        .query_row(params![instant_text(now_secs - sla), owner], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.first_name, c.last_name, c.email, c.company, c.source, {SCORE_SQL},
                e.at, e.actor, e.reason, coalesce((SELECT p.name FROM people p WHERE p.login = c.owner), c.owner)
         FROM contacts c JOIN stage_events e ON e.id =
              (SELECT id FROM stage_events WHERE contact_id = c.id ORDER BY at DESC, id DESC LIMIT 1)
         WHERE c.stage = 'mql' AND c.archived_at IS NULL AND (?2 IS NULL OR c.owner = ?2)
         ORDER BY c.stage_entered_at, c.id LIMIT ?1"
    ))?;
    let mut rows = stmt.query(params![QUEUE_LIMIT, owner])?;
    let mut items = Vec::new();
    while let Some(r) = rows.next()? {
        let email: Option<String> = r.get(3)?;
        let qualified_at: String = r.get(7)?;
        let due = super::history::parse_secs(&qualified_at)? + sla;
        items.push(QueueItem {
            contact_id: r.get(0)?,
            name: display_name(&r.get::<_, String>(1)?, &r.get::<_, String>(2)?, email.as_deref()),
            company: r.get(4)?,
            source: r.get(5)?,
            score: r.get(6)?,
            qualified_at,
            qualified_by: r.get(8)?,
            qualified_reason: r.get(9)?,
            due_at: instant_text(due),
            seconds_left: due - now_secs,
            breached: due < now_secs,
            owner: r.get(10)?,
        });
    }
    Ok(HandoffQueue { sla_hours, as_of: instant_text(now_secs), total, breached, items })
}

fn waiting_mql(conn: &Connection, contact_id: i64) -> Result<Option<String>> {
    let (stage, entered) = moves::current(conn, contact_id)?;
    if stage != Stage::Mql {
        // Say who answered it and when: on a team database a colleague may have just done so.
        let last = conn
            .query_row(
                "SELECT e.at, e.actor, coalesce(p.name, e.done_by) AS who
                 FROM stage_events e LEFT JOIN people p ON p.login = e.done_by
                 WHERE e.contact_id = ?1 ORDER BY e.at DESC, e.id DESC LIMIT 1",
                [contact_id],
                |r| {
                    Ok((
                        r.get::<_, String>("at")?,
                        r.get::<_, String>("actor")?,
                        r.get::<_, Option<String>>("who")?,
                    ))
                },
            )
            .optional()?;
        // On a team database the person who did it (their name, else their login); on a file the role.
        let when = match last {
            Some((at, actor, who)) => {
                let who = who.map_or(actor.clone(), |name| format!("{name} ({actor})"));
                format!(" (moved there by {who} at {})", at.replace('T', " ").replace('Z', " UTC"))
            }
            None => String::new(),
        };
        return Err(Error::conflict(format!(
            "This contact is no longer waiting for sales: it is at stage '{}'{when}.",
            stage.as_str()
        )));
    }
    Ok(entered)
}

/// Sales accepts an MQL: it becomes an SQL. The reason is optional.
pub fn accept(conn: &Connection, contact_id: i64, reason: &str, now: DateTime<Utc>) -> Result<StageEvent> {
    let reason = validate::text("reason", reason, 500)?;
    let reason = if reason.is_empty() { "accepted by sales".to_owned() } else { reason };
    with_tx(conn, |conn| {
        waiting_mql(conn, contact_id)?;
        let input = MoveInput { stage: Stage::Sql, actor: Actor::Sales, reason: reason.clone() };
        Ok(moves::move_contact(conn, contact_id, &input, now)?.event)
    })
}

/// Sales rejects an MQL: it goes back to marketing as a lead. The reason is required.
pub fn reject(conn: &Connection, contact_id: i64, reason: &str, now: DateTime<Utc>) -> Result<StageEvent> {
    let reason = validate::text("reason", reason, 500)?;
    if reason.is_empty() {
        return Err(Error::invalid("reason", "Say why sales is sending this lead back to marketing."));
    }
    with_tx(conn, |conn| {
        waiting_mql(conn, contact_id)?;
        let input = MoveInput { stage: Stage::Lead, actor: Actor::Sales, reason: reason.clone() };
        Ok(moves::move_contact(conn, contact_id, &input, now)?.event)
    })
}

/// A handoff that took longer than the SLA, or is still waiting past it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Breach {
    pub contact_id: i64,
    pub name: String,
    pub qualified_at: String,
    /// When sales answered; `None` while it still waits.
    pub answered_at: Option<String>,
    /// Hours past the SLA (until the answer, or until the report's as-of time).
    pub hours_over: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReasonCount {
    pub reason: String,
    pub count: i64,
}

/// The handoff over a period: each time a contact became an MQL in the period is one handoff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct HandoffFigures {
    pub sla_hours: i64,
    pub handoffs: i64,
    /// Answered by a move up the funnel (SQL or beyond).
    pub accepted: i64,
    /// Answered by any other move: back to marketing, or out of the funnel.
    pub rejected: i64,
    /// No answer yet at the report's as-of time.
    pub waiting: i64,
    /// accepted ÷ (accepted + rejected).
    pub acceptance_rate: Option<f64>,
    /// Median hours from MQL to the answer, over answered handoffs.
    pub median_response_hours: Option<f64>,
    /// Handoffs answered after the SLA, or waiting past it.
    pub breaches: i64,
    /// The breaches, the most recent first (at most 200).
    pub breached: Vec<Breach>,
    /// Why sales rejected, most frequent first.
    pub rejection_reasons: Vec<ReasonCount>,
}

/// Handoff figures from the histories in one go, as the unit tests read them.
#[cfg(test)]
pub(crate) fn figures(histories: &[History], w: Window, sla_hours: i64) -> HandoffFigures {
    answered(histories, w, sla_hours).as_of(w.as_of)
}

/// A period's handoffs with every answered one counted; breaches carry no names yet (see
/// [`name_breaches`]). How late the waiting ones are depends on
/// the moment of the report, so they keep just their contact and MQL time until [`Answered::as_of`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answered {
    figures: HandoffFigures,
    /// (contact id, when it became an MQL) of each handoff with no answer by the window's end.
    waiting: Vec<(i64, i64)>,
}

pub(crate) fn answered(histories: &[History], w: Window, sla_hours: i64) -> Answered {
    let sla = sla_hours * 3_600;
    let mut f = HandoffFigures {
        sla_hours,
        handoffs: 0,
        accepted: 0,
        rejected: 0,
        waiting: 0,
        acceptance_rate: None,
        median_response_hours: None,
        breaches: 0,
        breached: Vec::new(),
        rejection_reasons: Vec::new(),
    };
    let mut waiting = Vec::new();
    let mut responses: Vec<f64> = Vec::new();
    let mut reasons: HashMap<String, i64> = HashMap::new();
    for h in histories {
        let events = &h.events[..h.events.iter().take_while(|e| e.at <= w.as_of).count()];
        for (i, e) in events.iter().enumerate() {
            if e.stage != Stage::Mql || !w.contains(e.at) {
                continue;
            }
            f.handoffs += 1;
            let Some(a) = events.get(i + 1) else {
                waiting.push((h.contact_id, e.at));
                continue;
            };
            let took = a.at - e.at;
            responses.push(took as f64 / 3_600.0);
            if is_live(a.stage) && a.stage.rank() > Stage::Mql.rank() {
                f.accepted += 1;
            } else {
                f.rejected += 1;
                let why = a.reason.trim();
                let why = if why.is_empty() { "(no reason given)" } else { why };
                *reasons.entry(why.to_owned()).or_default() += 1;
            }
            if took > sla {
                f.breaches += 1;
                f.breached.push(breach(h.contact_id, e.at, Some(a.at), took - sla));
            }
        }
    }
    f.acceptance_rate = stats::rate(f.accepted, f.accepted + f.rejected);
    f.median_response_hours = stats::median(&responses);
    keep_latest(&mut f.breached);
    let mut reasons: Vec<ReasonCount> =
        reasons.into_iter().map(|(reason, count)| ReasonCount { reason, count }).collect();
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    f.rejection_reasons = reasons;
    Answered { figures: f, waiting }
}

impl Answered {
    /// The figures with the waiting handoffs counted up to `as_of`.
    pub(crate) fn as_of(&self, as_of: i64) -> HandoffFigures {
        let mut f = self.figures.clone();
        let sla = f.sla_hours * 3_600;
        f.waiting = self.waiting.len() as i64;
        for &(contact_id, at) in &self.waiting {
            if as_of - at > sla {
                f.breaches += 1;
                f.breached.push(breach(contact_id, at, None, as_of - at - sla));
            }
        }
        // The answered list holds its latest BREACH_LIMIT, so the merged list's latest are right.
        keep_latest(&mut f.breached);
        f
    }
}

fn breach(contact_id: i64, qualified: i64, answered: Option<i64>, over: i64) -> Breach {
    Breach {
        contact_id,
        name: String::new(),
        qualified_at: instant_text(qualified),
        answered_at: answered.map(instant_text),
        hours_over: over as f64 / 3_600.0,
    }
}

/// The most recent breaches first, at most [`BREACH_LIMIT`].
fn keep_latest(breached: &mut Vec<Breach>) {
    breached.sort_by(|a, b| b.qualified_at.cmp(&a.qualified_at).then(a.contact_id.cmp(&b.contact_id)));
    breached.truncate(BREACH_LIMIT);
}

/// Puts each listed breach's contact name on it.
pub(crate) fn name_breaches(conn: &Connection, f: &mut HandoffFigures) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT first_name, last_name, email FROM contacts WHERE id = ?1")?;
    for b in &mut f.breached {
        b.name = stmt.query_row(params![b.contact_id], |r| {
            let email: Option<String> = r.get(2)?;
            Ok(display_name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, email.as_deref()))
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::history::tests::{hist, D, H};
    use super::*;
    use Stage::*;

    fn with_reason(mut h: History, i: usize, reason: &str) -> History {
        h.events[i].reason = reason.into();
        h
    }

    #[test]
    fn acceptance_response_time_breaches_and_reasons() {
        let w = Window { start: 0, as_of: 10 * D };
        let histories = vec![
            // Accepted in 2 h and in 30 h (a breach of 6 h).
            hist(1, &[(Lead, 0), (Mql, D), (Sql, D + 2 * H)]),
            hist(2, &[(Lead, 0), (Mql, D), (Sql, D + 30 * H)]),
            // Rejected in 4 h, twice for the same reason (any case of spaces), once disqualified.
            with_reason(hist(3, &[(Lead, 0), (Mql, 2 * D), (Lead, 2 * D + 4 * H)]), 2, "too small "),
            with_reason(hist(4, &[(Lead, 0), (Mql, 2 * D), (Lead, 2 * D + 4 * H)]), 2, "too small"),
            with_reason(hist(5, &[(Lead, 0), (Mql, 2 * D), (Disqualified, 2 * D + 8 * H)]), 2, "student"),
            // Still waiting: qualified 12 h before as-of (in time), and 2 days before (a breach).
            hist(6, &[(Lead, 0), (Mql, 10 * D - 12 * H)]),
            hist(7, &[(Lead, 0), (Mql, 8 * D)]),
        ];
        let f = figures(&histories, w, 24);
        assert_eq!((f.handoffs, f.accepted, f.rejected, f.waiting), (7, 2, 3, 2));
        assert_eq!(f.acceptance_rate, Some(0.4));
        // Answered in 2, 30, 4, 4, 8 hours: the median is 4.
        assert_eq!(f.median_response_hours, Some(4.0));
        assert_eq!(f.breaches, 2);
        assert_eq!(f.breached[0].contact_id, 7, "most recent first");
        assert_eq!(f.breached[0].answered_at, None);
        assert_eq!(f.breached[0].hours_over, 24.0);
        assert_eq!(f.breached[1].hours_over, 6.0);
        assert_eq!(
            f.rejection_reasons,
            vec![
                ReasonCount { reason: "too small".into(), count: 2 },
                ReasonCount { reason: "student".into(), count: 1 }
            ]
        );
    }

    #[test]
    fn a_requalified_contact_is_two_handoffs_and_only_the_period_counts() {
        let h = hist(1, &[(Lead, 0), (Mql, D), (Lead, D + H), (Mql, 5 * D), (Sql, 5 * D + H)]);
        let all = figures(std::slice::from_ref(&h), Window { start: 0, as_of: 10 * D }, 24);
        assert_eq!((all.handoffs, all.accepted, all.rejected), (2, 1, 1));
        let later = figures(&[h], Window { start: 2 * D, as_of: 10 * D }, 24);
        assert_eq!((later.handoffs, later.accepted, later.rejected), (1, 1, 0));
    }

    #[test]
    fn an_empty_period_has_no_rates() {
        let f = figures(&[], Window { start: 0, as_of: D }, 24);
        assert_eq!((f.handoffs, f.acceptance_rate, f.median_response_hours), (0, None, None));
    }
}
