//! The handoff per salesperson, on a team database: who answered each MQL of a period (the login
//! that recorded the stage event accepting or rejecting it, `stage_events.done_by`), how fast (the
//! median), and how many answers came after the SLA; an MQL still waiting past the SLA counts
//! against the contact's owner. A solo file records no one, so it has no rows.
//!
//! The same handoffs as the funnel report's ([`super::handoff`]): each time a contact became an
//! MQL in the period, answered by its next stage event up to the period's end.

use super::history::parse_secs;
use super::{is_live, Period};
use crate::error::Result;
use crate::settings;
use crate::stages::Stage;
use crate::stats;
use crate::store::Connection;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The handoff queue of the contacts this connection's login owns ("Mine"); on a solo file, where
/// no one owns anything, everyone's.
pub fn my_queue(conn: &Connection, now: DateTime<Utc>) -> Result<super::handoff::HandoffQueue> {
    let login = crate::people::login(conn)?;
    super::handoff::queue_of(conn, now, login.as_deref())
}

/// One person's part of a period's handoffs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PersonHandoff {
    pub login: String,
    /// Their name among the people, else the login.
    pub name: String,
    /// MQLs they accepted or rejected.
    pub answered: i64,
    pub accepted: i64,
    pub rejected: i64,
    /// Median hours from MQL to their answer.
    pub median_response_hours: Option<f64>,
    /// Their answers that came after the SLA.
    pub breaches: i64,
    /// MQLs of contacts they own still waiting past the SLA at the period's end.
    pub waiting_past_sla: i64,
}

/// A stage event as this reads it: (contact, stage, when in seconds, done by, the contact's owner).
pub(crate) type Event = (i64, Stage, i64, Option<String>, Option<String>);

/// The period `from`..=`to` (days; counted up to `now` when that is earlier), one row per person
/// who answered a handoff or owns one waiting past the SLA, by name.
pub fn handoff_by_person(
    conn: &Connection,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<Vec<PersonHandoff>> {
    let period = Period::parse(from, to, now)?;
    let sla_hours = settings::get(conn)?.sla_hours;
    let as_of_text = super::instant_text(period.as_of);
    // Every event up to the period's end of each contact that became an MQL in it, in order.
    let mut stmt = conn.prepare_cached(
        "SELECT e.contact_id, e.stage, e.at, e.done_by, c.owner
         FROM stage_events e JOIN contacts c ON c.id = e.contact_id
         WHERE e.contact_id IN (SELECT contact_id FROM stage_events WHERE stage = 'mql' AND at >= ?1 AND at <= ?2)
           AND e.at <= ?2
         ORDER BY e.contact_id, e.at, e.id",
    )?;
    let mut rows = stmt.query(rusqlite::params![super::instant_text(period.start), as_of_text])?;
    let mut events: Vec<Event> = Vec::new();
    while let Some(r) = rows.next()? {
        let at: String = r.get("at")?;
        events.push((
            r.get("contact_id")?,
            r.get("stage")?,
            parse_secs(&at)?,
            r.get("done_by")?,
            r.get("owner")?,
        ));
    }
    let names: BTreeMap<String, String> =
        crate::people::list(conn)?.into_iter().map(|p| (p.login, p.name)).collect();
    Ok(tally(&events, period.start, period.as_of, sla_hours, &names))
}

#[derive(Default)]
struct Tally {
    accepted: i64,
    rejected: i64,
    responses: Vec<f64>,
    breaches: i64,
    waiting_past_sla: i64,
}

/// The per-person figures of `events` (ordered by contact, then time) for handoffs made from
/// `start` to `as_of`, both in seconds.
pub(crate) fn tally(
    events: &[Event],
    start: i64,
    as_of: i64,
    sla_hours: i64,
    names: &BTreeMap<String, String>,
) -> Vec<PersonHandoff> {
    let sla = sla_hours * 3_600;
    let mut by: BTreeMap<String, Tally> = BTreeMap::new();
    for contact in events.chunk_by(|a, b| a.0 == b.0) {
        // An event repeating the stage before it moves nothing (as `History::new` drops it).
        let mut moves: Vec<&Event> = Vec::new();
        for e in contact.iter().filter(|e| e.2 <= as_of) {
            if moves.last().is_none_or(|last| last.1 != e.1) {
                moves.push(e);
            }
        }
        for (i, e) in moves.iter().enumerate() {
            if e.1 != Stage::Mql || e.2 < start {
                continue;
            }
            match moves.get(i + 1) {
                Some(answer) => {
                    let Some(login) = &answer.3 else { continue };
                    let t = by.entry(login.clone()).or_default();
                    let took = answer.2 - e.2;
                    t.responses.push(took as f64 / 3_600.0);
                    if is_live(answer.1) && answer.1.rank() > Stage::Mql.rank() {
                        t.accepted += 1;
                    } else {
                        t.rejected += 1;
                    }
                    t.breaches += i64::from(took > sla);
                }
                None => {
                    if let (Some(owner), true) = (&e.4, as_of - e.2 > sla) {
                        by.entry(owner.clone()).or_default().waiting_past_sla += 1;
                    }
                }
            }
        }
    }
    let mut rows: Vec<PersonHandoff> = by
        .into_iter()
        .map(|(login, t)| PersonHandoff {
            name: names.get(&login).cloned().unwrap_or_else(|| login.clone()),
            login,
            answered: t.accepted + t.rejected,
            accepted: t.accepted,
            rejected: t.rejected,
            median_response_hours: stats::median(&t.responses),
            breaches: t.breaches,
            waiting_past_sla: t.waiting_past_sla,
        })
        .collect();
    rows.sort_by_cached_key(|r| (r.name.to_lowercase(), r.login.clone()));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    const H: i64 = 3_600;
    const D: i64 = 86_400;

    fn ev(contact: i64, stage: Stage, at: i64, by: Option<&str>, owner: Option<&str>) -> Event {
        (contact, stage, at, by.map(str::to_owned), owner.map(str::to_owned))
    }

    #[test]
    fn each_salesperson_has_their_answers_median_and_breaches() {
        let sam = Some("sam");
        let kim = Some("kim");
        let events = vec![
            // Sam accepts in 2 h, rejects in 30 h (6 h past a 24 h SLA), accepts in 5 h.
            ev(1, Lead, 0, None, None),
            ev(1, Mql, D, None, None),
            ev(1, Sql, D + 2 * H, sam, None),
            ev(2, Mql, D, None, None),
            ev(2, Lead, D + 30 * H, sam, None),
            ev(3, Mql, 2 * D, None, None),
            // A repeated MQL event moves nothing: the SLA runs from the first.
            ev(3, Mql, 2 * D + H, None, None),
            ev(3, Sql, 2 * D + 5 * H, sam, None),
            // Kim accepts in 10 h and 40 h (a breach), and owns a contact waiting 3 days.
            ev(4, Mql, 3 * D, None, kim),
            ev(4, Sql, 3 * D + 10 * H, kim, kim),
            ev(5, Mql, 3 * D, None, None),
            ev(5, Sql, 3 * D + 40 * H, kim, None),
            ev(6, Mql, 7 * D, None, kim),
            // Waiting within the SLA, and an MQL before the period: nobody's.
            ev(7, Mql, 10 * D - H, None, kim),
            ev(8, Mql, 0, None, None),
            ev(8, Sql, H, sam, None),
            // Answered by no one recorded (a solo file's, or before v18).
            ev(9, Mql, 2 * D, None, None),
            ev(9, Sql, 2 * D + H, None, None),
        ];
        let names = BTreeMap::from([("sam".to_owned(), "Sam Sales".to_owned())]);
        let rows = tally(&events, D / 2, 10 * D, 24, &names);
        assert_eq!(
            rows,
            vec![
                // Kim has no people row: her login stands for her name.
                PersonHandoff {
                    login: "kim".into(),
                    name: "kim".into(),
                    answered: 2,
                    accepted: 2,
                    rejected: 0,
                    // (10 + 40) / 2
                    median_response_hours: Some(25.0),
                    breaches: 1,
                    waiting_past_sla: 1,
                },
                PersonHandoff {
                    login: "sam".into(),
                    name: "Sam Sales".into(),
                    answered: 3,
                    accepted: 2,
                    rejected: 1,
                    // 2, 5, 30
                    median_response_hours: Some(5.0),
                    breaches: 1,
                    waiting_past_sla: 0,
                },
            ]
        );
    }
}
