//! The marketing funnel: how contacts move between stages ([`moves`]), the lead score that makes a
//! lead marketing-qualified ([`scoring`]), the MQL→SQL handoff and its SLA ([`handoff`]), and every
//! funnel figure: per stage ([`figures`]), per monthly cohort of new leads ([`cohorts`]) and per
//! channel with its spend ([`channel_figures`]). `docs/METRICS.md` defines each figure.
//!
//! Figures are computed in two steps: [`history`] reads the stage events of the contacts concerned,
//! then pure functions over those histories count. The pure part is what the worked examples test.

pub mod by_person;
pub mod channel_figures;
pub mod cohorts;
pub mod figures;
pub mod handoff;
mod history;
pub mod moves;
pub mod scoring;

use crate::error::{Error, Result};
use crate::stages::Stage;
use crate::store::Connection;
use crate::time;
use crate::validate;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// The six stages of the marketing funnel, in order; the two exits come after them in `Stage::ALL`.
pub const LIVE: [Stage; 6] =
    [Stage::Subscriber, Stage::Lead, Stage::Mql, Stage::Sql, Stage::Opportunity, Stage::Customer];

/// True for the funnel's stages, false for the exits (disqualified, lost).
pub fn is_live(stage: Stage) -> bool {
    !matches!(stage, Stage::Disqualified | Stage::Lost)
}

/// What a funnel report is asked for: a range of days (both included, UTC), optionally narrowed
/// to the contacts of one channel (their source) and one segment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FunnelQuery {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`, included.
    pub to: String,
    /// A channel key; blank or absent means every channel.
    pub channel: Option<String>,
    /// A segment, matched ignoring case; blank or absent means every segment.
    pub segment: Option<String>,
}

/// A checked range of days and the instant its figures are counted up to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Seconds since the epoch of `from` at 00:00:00 UTC.
    pub start: i64,
    /// The last second counted: the end of `to`, or `now` when that is earlier.
    pub as_of: i64,
}

impl Period {
    /// Checks a typed range of days; `now` caps it so a period that runs on into the future is
    /// counted up to the present.
    pub fn parse(from: &str, to: &str, now: DateTime<Utc>) -> Result<Period> {
        let from = time::parse_day("from", from)?;
        let to = time::parse_day("to", to)?;
        if to < from {
            return Err(Error::invalid("to", "The last day comes before the first day."));
        }
        let start = from.and_time(NaiveTime::MIN).and_utc().timestamp();
        let period = Period { from, to, start, as_of: 0 };
        Ok(Period { as_of: period.end().min(now.timestamp()), ..period })
    }

    /// The last second of `to`.
    pub fn end(&self) -> i64 {
        self.to.and_time(NaiveTime::MIN).and_utc().timestamp() + 86_400 - 1
    }

    /// The window of stage events this period counts.
    pub fn window(&self) -> history::Window {
        history::Window { start: self.start, as_of: self.as_of }
    }

    /// Where the stage histories the funnel report of this period reads begin: its start, or the
    /// start of its first month when that is earlier (the cohorts count whole months).
    pub fn history_since(&self) -> i64 {
        cohorts::months(self.from, self.to).first().map_or(self.start, |m| m.start.min(self.start))
    }

    pub fn as_of_text(&self) -> String {
        instant_text(self.as_of)
    }
}

/// Seconds since the epoch as stored text (`YYYY-MM-DDTHH:MM:SSZ`).
pub(crate) fn instant_text(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0).map(time::format_instant).unwrap_or_default()
}

/// A channel filter: blank means none; anything else must be a known channel.
pub(crate) fn channel_filter(conn: &Connection, raw: Option<&str>) -> Result<Option<String>> {
    let Some(key) = raw.map(str::trim).filter(|k| !k.is_empty()) else { return Ok(None) };
    let known = conn
        .prepare_cached("SELECT 1 FROM channels WHERE key = ?1")?
        .query_row([key], |_| Ok(()))
        .optional()?
        .is_some();
    if !known {
        return Err(Error::invalid("channel", format!("'{key}' is not a known channel.")));
    }
    Ok(Some(key.to_owned()))
}

/// A segment filter: blank means none.
pub(crate) fn segment_filter(raw: Option<&str>) -> Result<Option<String>> {
    let segment = validate::text("segment", raw.unwrap_or_default(), 100)?;
    Ok(Some(segment).filter(|s| !s.is_empty()))
}

/// The segments contacts use, for the filter's choices, by name.
pub fn segments(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT min(segment) AS segment FROM contacts WHERE segment <> ''
         GROUP BY segment COLLATE NOCASE ORDER BY min(segment) COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// What the contact panel shows about a contact's place in the funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ContactFunnel {
    pub contact_id: i64,
    pub stage: Stage,
    pub stage_entered_at: Option<String>,
    pub score: scoring::ScoreBreakdown,
    /// Where the contact can be moved from here, and which moves need a reason.
    pub moves: Vec<moves::MoveOption>,
    /// For an MQL: when its handoff SLA runs out, and the seconds left then (negative once breached).
    pub sla_due_at: Option<String>,
    pub sla_seconds_left: Option<i64>,
}

pub fn contact_funnel(conn: &Connection, contact_id: i64, now: DateTime<Utc>) -> Result<ContactFunnel> {
    let (stage, entered) = moves::current(conn, contact_id)?;
    let score = scoring::breakdown(conn, contact_id)?;
    let due = match (stage, entered.as_deref()) {
        (Stage::Mql, Some(t)) => Some(history::parse_secs(t)? + settings_sla_secs(conn)?),
        _ => None,
    };
    Ok(ContactFunnel {
        contact_id,
        stage,
        stage_entered_at: entered,
        score,
        moves: moves::options(stage),
        sla_due_at: due.map(instant_text),
        sla_seconds_left: due.map(|d| d - now.timestamp()),
    })
}

fn settings_sla_secs(conn: &Connection) -> Result<i64> {
    Ok(crate::settings::get(conn)?.sla_hours * 3_600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        time::parse_instant("at", text).unwrap()
    }

    #[test]
    fn a_period_runs_from_the_first_second_to_the_last_or_now() {
        let p = Period::parse("2025-03-01", "2025-03-31", at("2025-06-01T00:00:00Z")).unwrap();
        assert_eq!(instant_text(p.start), "2025-03-01T00:00:00Z");
        assert_eq!(p.as_of_text(), "2025-03-31T23:59:59Z");
        let p = Period::parse("2025-03-01", "2025-03-31", at("2025-03-10T12:00:00Z")).unwrap();
        assert_eq!(p.as_of_text(), "2025-03-10T12:00:00Z");
        let e = Period::parse("2025-03-02", "2025-03-01", at("2025-06-01T00:00:00Z")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("to"));
        let e = Period::parse("March", "2025-03-01", at("2025-06-01T00:00:00Z")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("from"));
    }

    #[test]
    fn live_stages_are_the_first_six_in_order() {
        assert_eq!(&Stage::ALL[..6], &LIVE);
        assert!(LIVE.iter().all(|s| is_live(*s)));
        assert!(!is_live(Stage::Lost) && !is_live(Stage::Disqualified));
    }
}
