//! The lead score and the automatic step to MQL.
//!
//! A contact's score is the points entered by hand or imported (`contacts.lead_score`) plus the
//! points of every rule that matches it (a source, a tag), kept within 0–100. When the score of a
//! subscriber or lead reaches the MQL threshold (a setting, default 75), Flywheel moves it to MQL
//! as the system, with the reason "score ≥ 75". A lead that sales sent back is not re-qualified
//! automatically: marketing decides when it is ready again.

use super::is_live;
use super::moves;
use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::settings;
use crate::stages::{Actor, Stage, StageEvent};
use crate::store::{Connection, Row};
use crate::text_enum;
use crate::time;
use crate::validate;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The score of the contacts row aliased `c`, as SQL.
pub const SCORE_SQL: &str = "max(0, min(100, c.lead_score + c.rule_points))";

text_enum! {
    /// What a score rule matches on.
    pub enum RuleKind {
        /// The contact's source (a channel key).
        Source => "source",
        /// One of the contact's tags, ignoring case.
        Tag => "tag",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ScoreRule {
    pub id: i64,
    pub kind: RuleKind,
    pub value: String,
    /// Added to the score of every matching contact; negative takes points away.
    pub points: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ScoreRuleInput {
    pub kind: RuleKind,
    pub value: String,
    pub points: i64,
}

/// The automatic MQL event's reason.
pub fn reason(threshold: i64) -> String {
    format!("score ≥ {threshold}")
}

fn rule_from_row(r: &Row<'_>) -> rusqlite::Result<ScoreRule> {
    Ok(ScoreRule { id: r.get(0)?, kind: r.get(1)?, value: r.get(2)?, points: r.get(3)? })
}

/// Every rule, sources first, then tags, each by value.
pub fn list_rules(conn: &Connection) -> Result<Vec<ScoreRule>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, value, points FROM score_rules ORDER BY kind, value COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map([], rule_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn get_rule(conn: &Connection, id: i64) -> Result<ScoreRule> {
    conn.prepare_cached("SELECT id, kind, value, points FROM score_rules WHERE id = ?1")?
        .query_row([id], rule_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("score rule", id))
}

fn clean_rule(conn: &Connection, input: &ScoreRuleInput, id: Option<i64>) -> Result<ScoreRuleInput> {
    let value = match input.kind {
        RuleKind::Source => {
            let key = validate::required_text("value", &input.value, 60)?;
            super::channel_filter(conn, Some(&key))
                .map_err(|_| Error::invalid("value", format!("'{key}' is not a known channel.")))?;
            key
        }
        RuleKind::Tag => validate::required_text("value", &input.value, 60)?,
    };
    let points = validate::range("points", input.points, -100, 100)?;
    if points == 0 {
        return Err(Error::invalid("points", "A rule of 0 points changes nothing; give it points."));
    }
    let taken = conn
        .prepare_cached("SELECT 1 FROM score_rules WHERE kind = ?1 AND value = ?2 AND id IS NOT ?3")?
        .query_row(params![input.kind, value, id], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Err(Error::conflict_on(
            "value",
            format!("There is already a rule for {} '{value}'.", input.kind.as_str()),
        ));
    }
    Ok(ScoreRuleInput { kind: input.kind, value, points })
}

/// Adds a rule, re-scores every contact and qualifies the leads it lifts to the threshold.
pub fn create_rule(conn: &Connection, input: &ScoreRuleInput, now: DateTime<Utc>) -> Result<ScoreRule> {
    with_tx(conn, |conn| {
        let r = clean_rule(conn, input, None)?;
        conn.execute(
            "INSERT INTO score_rules (kind, value, points, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![r.kind, r.value, r.points, time::format_instant(now)],
        )?;
        let id = conn.last_insert_rowid();
        rescore(conn, now)?;
        get_rule(conn, id)
    })
}

pub fn update_rule(
    conn: &Connection,
    id: i64,
    input: &ScoreRuleInput,
    now: DateTime<Utc>,
) -> Result<ScoreRule> {
    with_tx(conn, |conn| {
        get_rule(conn, id)?;
        let r = clean_rule(conn, input, Some(id))?;
        conn.execute(
            "UPDATE score_rules SET kind = ?2, value = ?3, points = ?4 WHERE id = ?1",
            params![id, r.kind, r.value, r.points],
        )?;
        rescore(conn, now)?;
        get_rule(conn, id)
    })
}

/// Removes a rule and re-scores; nobody is moved back by a lower score.
pub fn delete_rule(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<()> {
    with_tx(conn, |conn| {
        if conn.execute("DELETE FROM score_rules WHERE id = ?1", [id])? == 0 {
            return Err(Error::not_found("score rule", id));
        }
        rescore(conn, now)?;
        Ok(())
    })
}

/// Recomputes every contact's rule points and qualifies who now reaches the threshold.
fn rescore(conn: &Connection, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE contacts AS c SET rule_points = p.points FROM (
             SELECT c2.id, (SELECT coalesce(sum(r.points), 0) FROM score_rules r
                            WHERE (r.kind = 'source' AND r.value = c2.source)
                               OR (r.kind = 'tag' AND EXISTS
                                   (SELECT 1 FROM json_each(c2.tags) t WHERE r.value = t.value))) AS points
             FROM contacts c2
         ) AS p
         WHERE p.id = c.id AND c.rule_points <> p.points",
        [],
    )?;
    qualify_all(conn, now)?;
    Ok(())
}

/// One rule's part in a contact's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RulePoints {
    pub rule_id: i64,
    pub kind: RuleKind,
    pub value: String,
    pub points: i64,
}

/// A contact's score and where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ScoreBreakdown {
    pub contact_id: i64,
    /// Points entered by hand or imported.
    pub entered: i64,
    pub rules: Vec<RulePoints>,
    /// entered + every rule's points, kept within 0–100.
    pub score: i64,
    pub threshold: i64,
}

pub fn breakdown(conn: &Connection, contact_id: i64) -> Result<ScoreBreakdown> {
    let (entered, score): (i64, i64) = conn
        .prepare_cached(&format!("SELECT c.lead_score, {SCORE_SQL} FROM contacts c WHERE c.id = ?1"))?
        .query_row([contact_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("contact", contact_id))?;
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.kind, r.value, r.points FROM score_rules r, contacts c
         WHERE c.id = ?1 AND ((r.kind = 'source' AND r.value = c.source)
            OR (r.kind = 'tag' AND EXISTS (SELECT 1 FROM json_each(c.tags) t WHERE r.value = t.value)))
         ORDER BY r.kind, r.value COLLATE NOCASE",
    )?;
    let rules = stmt
        .query_map([contact_id], |r| {
            Ok(RulePoints { rule_id: r.get(0)?, kind: r.get(1)?, value: r.get(2)?, points: r.get(3)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(ScoreBreakdown { contact_id, entered, rules, score, threshold: settings::get(conn)?.mql_threshold })
}

/// Whether a contact in `stage`, whose previous stage was `before`, may be qualified by score: a
/// subscriber or lead that did not get there by being sent back.
fn may_qualify(stage: Stage, before: Option<Stage>) -> bool {
    let sent_back = before.is_some_and(|b| is_live(b) && b.rank() > stage.rank());
    matches!(stage, Stage::Subscriber | Stage::Lead) && !sent_back
}

/// A contact at or above the threshold: id, stage, previous stage, when the stage was entered.
type Candidate = (i64, Stage, Option<Stage>, Option<String>);

/// Candidates at or above `threshold`: everyone, or only the contacts `only` lists (found by id,
/// so qualifying one contact, or an import's, reads no other).
fn candidates(conn: &Connection, only: Option<&[i64]>, threshold: i64) -> Result<Vec<Candidate>> {
    // With a list, the `+` keeps SQLite from walking every lead by the stage index instead.
    let (stage, among) = match only {
        Some(_) => ("+c.stage", "AND c.id IN (SELECT CAST(value AS INTEGER) FROM json_each(?2))"),
        None => ("c.stage", "AND CAST(?2 AS TEXT) IS NULL"),
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT c.id, c.stage,
                (SELECT e.stage FROM stage_events e WHERE e.contact_id = c.id
                 ORDER BY e.at DESC, e.id DESC LIMIT 1 OFFSET 1),
                c.stage_entered_at
         FROM contacts c
         WHERE {stage} IN ('subscriber', 'lead') AND {SCORE_SQL} >= ?1 {among}
         ORDER BY c.id"
    ))?;
    let ids = only.map(serde_json::to_string).transpose()?;
    let rows =
        stmt.query_map(params![threshold, ids], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn qualify_where(conn: &Connection, only: Option<&[i64]>, at: DateTime<Utc>) -> Result<Vec<StageEvent>> {
    let threshold = settings::get(conn)?.mql_threshold;
    let why = reason(threshold);
    let mut out = Vec::new();
    for (id, stage, before, entered) in candidates(conn, only, threshold)? {
        if may_qualify(stage, before) {
            out.push(moves::record_after(conn, id, entered.as_deref(), Stage::Mql, Actor::System, &why, at)?);
        }
    }
    Ok(out)
}

/// Moves one contact to MQL if its score has reached the threshold and it may be qualified.
pub fn qualify(conn: &Connection, contact_id: i64, at: DateTime<Utc>) -> Result<Option<StageEvent>> {
    with_tx(conn, |conn| Ok(qualify_where(conn, Some(&[contact_id]), at)?.pop()))
}

/// Qualifies those of `contact_ids` whose score has reached the threshold (an import's contacts);
/// returns how many moved.
pub fn qualify_among(conn: &Connection, contact_ids: &[i64], at: DateTime<Utc>) -> Result<i64> {
    with_tx(conn, |conn| Ok(qualify_where(conn, Some(contact_ids), at)?.len() as i64))
}

/// Qualifies every contact whose score has reached the threshold; returns how many moved.
pub fn qualify_all(conn: &Connection, at: DateTime<Utc>) -> Result<i64> {
    with_tx(conn, |conn| Ok(qualify_where(conn, None, at)?.len() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_names_the_threshold() {
        assert_eq!(reason(75), "score ≥ 75");
    }

    #[test]
    fn only_leads_not_sent_back_are_qualified_by_score() {
        assert!(may_qualify(Stage::Lead, None));
        assert!(may_qualify(Stage::Lead, Some(Stage::Subscriber)));
        assert!(may_qualify(Stage::Subscriber, Some(Stage::Disqualified)));
        assert!(!may_qualify(Stage::Lead, Some(Stage::Mql)), "sales sent it back");
        assert!(!may_qualify(Stage::Sql, Some(Stage::Mql)));
    }
}
