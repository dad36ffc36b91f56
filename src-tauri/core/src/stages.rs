//! The marketing funnel's stages and their history. The current stage of a contact is the latest
//! event; `contacts.stage` is only a cache of it kept by triggers in the schema.

use crate::error::{Error, Result};
use crate::store::Connection;
use crate::text_enum;
use crate::time;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

text_enum! {
    /// Funnel order first, then the two exits.
    pub enum Stage {
        Subscriber => "subscriber",
        Lead => "lead",
        Mql => "mql",
        Sql => "sql",
        Opportunity => "opportunity",
        Customer => "customer",
        Disqualified => "disqualified",
        Lost => "lost",
    }
}

text_enum! {
    /// Who moved a contact: the two teams of the handoff, or Flywheel itself.
    pub enum Actor {
        Marketing => "marketing",
        Sales => "sales",
        System => "system",
    }
}

impl Stage {
    /// Position in the funnel; exits sort after every live stage.
    pub fn rank(self) -> i64 {
        match self {
            Stage::Subscriber => 0,
            Stage::Lead => 1,
            Stage::Mql => 2,
            Stage::Sql => 3,
            Stage::Opportunity => 4,
            Stage::Customer => 5,
            Stage::Disqualified => 6,
            Stage::Lost => 7,
        }
    }

    /// The SQL expression ranking a stage column in funnel order (for sorting).
    pub fn rank_sql(column: &str) -> String {
        let arms: String =
            Stage::ALL.iter().map(|s| format!(" WHEN '{}' THEN {}", s.as_str(), s.rank())).collect();
        format!("(CASE {column}{arms} END)")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct StageEvent {
    pub id: i64,
    pub contact_id: i64,
    pub stage: Stage,
    pub at: String,
    pub actor: Actor,
    pub reason: String,
    /// Who did it on a team database: the person's name, else their login (`done_by`, v18). None
    /// on a solo file: "you".
    pub by: Option<String>,
}

/// Appends a stage change for a contact.
pub fn record(
    conn: &Connection,
    contact_id: i64,
    stage: Stage,
    actor: Actor,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<StageEvent> {
    let reason = crate::validate::text("reason", reason, 500)?;
    let at = time::format_instant(at);
    // The new row's id, and who did it (the database writes `done_by`: the session's login on
    // PostgreSQL), read back by the insert itself (an INSERT … SELECT has no last id there).
    let row: Option<(i64, Option<String>)> = conn
        .query_row(
            &format!(
                "INSERT INTO stage_events (contact_id, stage, at, actor, reason)
                 SELECT id, ?2, ?3, ?4, ?5 FROM contacts WHERE id = ?1
                 RETURNING id, {BY}"
            ),
            params![contact_id, stage, at, actor, reason],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((id, by)) = row else {
        return Err(Error::not_found("contact", contact_id));
    };
    Ok(StageEvent { id, contact_id, stage, at, actor, reason, by })
}

/// Who did a stage event: the person's name, else the login; NULL where no one is recorded.
const BY: &str = "coalesce((SELECT p.name FROM people p WHERE p.login = done_by), done_by)";

/// A contact's stage events, oldest first.
pub fn history(conn: &Connection, contact_id: i64) -> Result<Vec<StageEvent>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, contact_id, stage, at, actor, reason, {BY} FROM stage_events
         WHERE contact_id = ?1 ORDER BY at, id"
    ))?;
    let rows = stmt.query_map([contact_id], |r| {
        Ok(StageEvent {
            id: r.get(0)?,
            contact_id: r.get(1)?,
            stage: r.get(2)?,
            at: r.get(3)?,
            actor: r.get(4)?,
            reason: r.get(5)?,
            by: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Stage::parse("evangelist"), None);
        assert_eq!(serde_json::to_string(&Stage::Mql).unwrap(), "\"mql\"");
    }

    #[test]
    fn rank_sql_orders_the_funnel() {
        let conn = Connection::open_in_memory().unwrap();
        let r: i64 =
            conn.query_row(&format!("SELECT {}", Stage::rank_sql("'sql'")), [], |r| r.get(0)).unwrap();
        assert_eq!(r, 3);
    }
}
