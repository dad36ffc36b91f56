//! NPS answers: "how likely are you to recommend us?" on a 0–10 scale. The category is derived
//! from the score here, once, so every screen and figure agrees on who is a promoter.

use crate::error::{Error, Result};
use crate::page::{self, Filter, Page};
use crate::store::{Connection, Row};
use crate::text_enum;
use crate::time;
use crate::validate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

text_enum! {
    pub enum NpsCategory {
        Promoter => "promoter",
        Passive => "passive",
        Detractor => "detractor",
    }
}

impl NpsCategory {
    /// 9–10 promoter, 7–8 passive, 0–6 detractor.
    pub fn of(score: i64) -> Self {
        match score {
            9.. => NpsCategory::Promoter,
            7..=8 => NpsCategory::Passive,
            _ => NpsCategory::Detractor,
        }
    }

    /// The same rule as [`NpsCategory::of`], as a condition on the `score` column.
    pub(crate) fn condition(self) -> &'static str {
        match self {
            NpsCategory::Promoter => "score >= 9",
            NpsCategory::Passive => "score BETWEEN 7 AND 8",
            NpsCategory::Detractor => "score <= 6",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct NpsAnswer {
    pub id: i64,
    pub contact_id: i64,
    pub score: i64,
    /// Derived from the score, so the UI never has to.
    pub category: NpsCategory,
    pub comment: String,
    /// `YYYY-MM-DD`.
    pub answered_on: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct NpsInput {
    pub contact_id: i64,
    pub score: i64,
    pub comment: String,
    /// `YYYY-MM-DD`, not in the future.
    pub answered_on: String,
}

pub fn create(conn: &Connection, input: &NpsInput) -> Result<NpsAnswer> {
    let contact_id = validate::contact_id(conn, "contact_id", input.contact_id)?;
    let score = validate::range("score", input.score, 0, 10)?;
    let comment = validate::text("comment", &input.comment, 5000)?;
    let answered_on = time::format_day(time::past_day("answered_on", &input.answered_on)?);
    conn.execute(
        "INSERT INTO nps_answers (contact_id, score, comment, answered_on, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![contact_id, score, comment, answered_on, time::now_text()],
    )?;
    get(conn, conn.last_insert_rowid())
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    let n = conn.execute("DELETE FROM nps_answers WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::not_found("NPS answer", id));
    }
    Ok(())
}

const SELECT: &str = "SELECT id, contact_id, score, comment, answered_on, created_at FROM nps_answers";

fn from_row(r: &Row<'_>) -> rusqlite::Result<NpsAnswer> {
    let score = r.get(2)?;
    Ok(NpsAnswer {
        id: r.get(0)?,
        contact_id: r.get(1)?,
        score,
        category: NpsCategory::of(score),
        comment: r.get(3)?,
        answered_on: r.get(4)?,
        created_at: r.get(5)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<NpsAnswer> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("NPS answer", id))
}

/// A contact's most recent answer (by the day answered), `None` if they never answered.
pub fn latest_for_contact(conn: &Connection, contact_id: i64) -> Result<Option<NpsAnswer>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE contact_id = ?1 ORDER BY answered_on DESC, id DESC LIMIT 1"
        ))?
        .query_row([contact_id], from_row)
        .optional()?)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct NpsQuery {
    pub contact_id: Option<i64>,
    /// First day included, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day included, `YYYY-MM-DD`.
    pub to: Option<String>,
    pub category: Option<NpsCategory>,
    pub offset: u32,
    pub limit: u32,
}

/// Answers, newest first.
pub fn list(conn: &Connection, q: &NpsQuery) -> Result<Page<NpsAnswer>> {
    let mut f = Filter::default();
    if let Some(contact_id) = q.contact_id {
        f.and("contact_id = ?", contact_id);
    }
    if let Some(from) = q.from.as_deref() {
        f.and("answered_on >= ?", time::format_day(time::parse_day("from", from)?));
    }
    if let Some(to) = q.to.as_deref() {
        f.and("answered_on <= ?", time::format_day(time::parse_day("to", to)?));
    }
    if let Some(category) = q.category {
        f.and_fixed(category.condition());
    }
    page::fetch(conn, SELECT, &f, "answered_on DESC, id DESC", q.offset, q.limit, from_row)
}

/// The Net Promoter Score of the answers given in a period: % promoters − % detractors, from −100
/// to 100. Every answer counts, so a customer who answered twice counts twice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct NpsScore {
    /// First day, `YYYY-MM-DD`; none means since the beginning.
    pub from: Option<String>,
    /// Last day, included.
    pub to: String,
    pub answers: i64,
    pub promoters: i64,
    pub passives: i64,
    pub detractors: i64,
    /// `None` without answers.
    pub score: Option<f64>,
}

/// The score of the answers given from `from` (since the beginning when `None`) to `to` (today
/// when `None`).
pub fn score(conn: &Connection, from: Option<&str>, to: Option<&str>) -> Result<NpsScore> {
    let to = time::as_of("to", to)?;
    let from =
        from.map(str::trim).filter(|f| !f.is_empty()).map(|f| time::parse_day("from", f)).transpose()?;
    if from.is_some_and(|f| f > to) {
        return Err(Error::invalid("from", "The first day comes after the last day."));
    }
    let (from, to) = (from.map(time::format_day), time::format_day(to));
    let sql = format!(
        "SELECT count(*), count(*) FILTER (WHERE {}), count(*) FILTER (WHERE {}), count(*) FILTER (WHERE {})
         FROM nps_answers WHERE answered_on >= ?1 AND answered_on <= ?2",
        NpsCategory::Promoter.condition(),
        NpsCategory::Passive.condition(),
        NpsCategory::Detractor.condition()
    );
    let start = from.clone().unwrap_or_default();
    let (answers, promoters, passives, detractors): (i64, i64, i64, i64) = conn
        .prepare_cached(&sql)?
        .query_row(params![start, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let score = crate::stats::rate(promoters - detractors, answers).map(|net| net * 100.0);
    Ok(NpsScore { from, to, answers, promoters, passives, detractors, score })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_the_standard_cut_offs() {
        let expected = [
            (0, NpsCategory::Detractor),
            (6, NpsCategory::Detractor),
            (7, NpsCategory::Passive),
            (8, NpsCategory::Passive),
            (9, NpsCategory::Promoter),
            (10, NpsCategory::Promoter),
        ];
        for (score, category) in expected {
            assert_eq!(NpsCategory::of(score), category, "score {score}");
        }
    }

    #[test]
    fn sql_conditions_agree_with_of() {
        let conn = Connection::open_in_memory().unwrap();
        for category in NpsCategory::ALL {
            for score in 0..=10_i64 {
                let sql = format!("SELECT {} FROM (SELECT ?1 AS score)", category.condition());
                let hit: bool = conn.query_row(&sql, [score], |r| r.get(0)).unwrap();
                assert_eq!(hit, NpsCategory::of(score) == *category, "{category:?} {score}");
            }
        }
    }
}
