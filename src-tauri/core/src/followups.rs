//! Follow-ups: the small dated tasks that keep the loop turning (ask a happy customer for a
//! testimonial or a referral, call someone back).

use crate::error::{Error, Result};
use crate::page::{self, Filter, Page};
use crate::store::{Connection, Row};
use crate::text_enum;
use crate::time;
use crate::validate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

text_enum! {
    pub enum FollowupKind {
        AskTestimonial => "ask_testimonial",
        AskReferral => "ask_referral",
        Call => "call",
        Other => "other",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Followup {
    pub id: i64,
    pub contact_id: i64,
    pub kind: FollowupKind,
    pub title: String,
    /// `YYYY-MM-DD`; may be in the future.
    pub due_on: String,
    /// When it was done; `None` while it is still open.
    pub done_at: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FollowupInput {
    pub contact_id: i64,
    pub kind: FollowupKind,
    pub title: String,
    pub due_on: String,
}

const SELECT: &str = "SELECT id, contact_id, kind, title, due_on, done_at, created_at FROM followups";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Followup> {
    Ok(Followup {
        id: r.get(0)?,
        contact_id: r.get(1)?,
        kind: r.get(2)?,
        title: r.get(3)?,
        due_on: r.get(4)?,
        done_at: r.get(5)?,
        created_at: r.get(6)?,
    })
}

pub fn create(conn: &Connection, input: &FollowupInput) -> Result<Followup> {
    let contact_id = validate::contact_id(conn, "contact_id", input.contact_id)?;
    let title = validate::required_text("title", &input.title, 200)?;
    let due_on = time::format_day(time::parse_day("due_on", &input.due_on)?);
    conn.execute(
        "INSERT INTO followups (contact_id, kind, title, due_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![contact_id, input.kind, title, due_on, time::now_text()],
    )?;
    get(conn, conn.last_insert_rowid())
}

pub fn get(conn: &Connection, id: i64) -> Result<Followup> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("follow-up", id))
}

/// Runs one `done_at` update (`?1` the id, `?2` the value) and returns the follow-up.
fn set_done(conn: &Connection, id: i64, sql: &str, value: Option<String>) -> Result<Followup> {
    let n = conn.execute(sql, params![id, value])?;
    if n == 0 {
        return Err(Error::not_found("follow-up", id));
    }
    get(conn, id)
}

/// Marks a follow-up done. Completing it again keeps the first completion time.
pub fn complete(conn: &Connection, id: i64) -> Result<Followup> {
    set_done(
        conn,
        id,
        "UPDATE followups SET done_at = coalesce(done_at, ?2) WHERE id = ?1",
        Some(time::now_text()),
    )
}

/// Opens a done follow-up again.
pub fn reopen(conn: &Connection, id: i64) -> Result<Followup> {
    set_done(conn, id, "UPDATE followups SET done_at = ?2 WHERE id = ?1", None)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    let n = conn.execute("DELETE FROM followups WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::not_found("follow-up", id));
    }
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FollowupQuery {
    pub contact_id: Option<i64>,
    /// Done follow-ups are hidden unless asked for.
    pub include_done: bool,
    pub offset: u32,
    pub limit: u32,
}

/// Follow-ups soonest due first.
pub fn list(conn: &Connection, q: &FollowupQuery) -> Result<Page<Followup>> {
    let mut f = Filter::default();
    if !q.include_done {
        f.and_fixed("done_at IS NULL");
    }
    if let Some(id) = q.contact_id {
        f.and("contact_id = ?", id);
    }
    page::fetch(conn, SELECT, &f, "due_on, id", q.offset, q.limit, from_row)
}

/// The soonest-due open follow-up of this kind for a contact, so the app does not ask twice.
pub fn open_for_contact(conn: &Connection, contact_id: i64, kind: FollowupKind) -> Result<Option<Followup>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE contact_id = ?1 AND kind = ?2 AND done_at IS NULL ORDER BY due_on, id LIMIT 1"
        ))?
        .query_row(params![contact_id, kind], from_row)
        .optional()?)
}

/// Moves an open follow-up to another day (a snooze: "not today, on that day"). A done one is
/// left as it is and refused, so a snooze never hides that it was done.
pub fn snooze(conn: &Connection, id: i64, until: &str) -> Result<Followup> {
    let until = time::format_day(time::parse_day("due_on", until)?);
    let f = get(conn, id)?;
    if f.done_at.is_some() {
        return Err(Error::invalid("due_on", "This follow-up is done; open it again to move it."));
    }
    conn.execute("UPDATE followups SET due_on = ?2 WHERE id = ?1", params![id, until])?;
    get(conn, id)
}

/// The day `days` after `as_of` (today when none), as `YYYY-MM-DD`: when an ask "in N days" is due.
pub fn due_in(days: u32, as_of: Option<&str>) -> Result<String> {
    if days > MAX_DAYS {
        return Err(Error::invalid("days", format!("Choose from 0 to {MAX_DAYS} days.")));
    }
    Ok(time::format_day(time::as_of("as_of", as_of)? + chrono::Duration::days(i64::from(days))))
}

/// The longest a follow-up can be put off in one go: a year.
pub const MAX_DAYS: u32 = 366;

/// An open follow-up with the name of whom it is about, for the list of what is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct DueFollowup {
    pub followup: Followup,
    pub contact_name: String,
}

/// What is due as of a day: overdue (before it), today (on it) and upcoming (in the next days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Agenda {
    /// The day the agenda is for, `YYYY-MM-DD`.
    pub as_of: String,
    pub overdue: Vec<DueFollowup>,
    pub today: Vec<DueFollowup>,
    /// Due within `upcoming_days` after `as_of`.
    pub upcoming: Vec<DueFollowup>,
}

/// The open follow-ups due up to `upcoming_days` after `as_of` (today when none), soonest first.
pub fn agenda(conn: &Connection, as_of: Option<&str>, upcoming_days: u32) -> Result<Agenda> {
    let day = time::format_day(time::as_of("as_of", as_of)?);
    let until = due_in(upcoming_days.min(MAX_DAYS), Some(&day))?;
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.contact_id, f.kind, f.title, f.due_on, f.done_at, f.created_at,
                c.first_name, c.last_name, c.email
         FROM followups f JOIN contacts c ON c.id = f.contact_id
         WHERE f.done_at IS NULL AND f.due_on <= ?1
         ORDER BY f.due_on, f.id",
    )?;
    let rows = stmt.query_map([&until], |r| {
        let first: String = r.get("first_name")?;
        let last: String = r.get("last_name")?;
        let email: Option<String> = r.get("email")?;
        Ok(DueFollowup {
            followup: from_row(r)?,
            contact_name: crate::contacts::display_name(&first, &last, email.as_deref()),
        })
    })?;
    let mut a = Agenda { as_of: day.clone(), overdue: vec![], today: vec![], upcoming: vec![] };
    for row in rows {
        let d = row?;
        match d.followup.due_on.as_str().cmp(day.as_str()) {
            std::cmp::Ordering::Less => a.overdue.push(d),
            std::cmp::Ordering::Equal => a.today.push(d),
            std::cmp::Ordering::Greater => a.upcoming.push(d),
        }
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_as_stored_text() {
        for k in FollowupKind::ALL {
            assert_eq!(FollowupKind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(serde_json::to_string(&FollowupKind::AskReferral).unwrap(), "\"ask_referral\"");
        assert_eq!(FollowupKind::parse("email"), None);
    }

    #[test]
    fn completing_twice_keeps_the_first_time() {
        let conn = crate::db::open_in_memory().unwrap();
        conn.execute(
            "INSERT INTO contacts (id, email, created_at, updated_at) VALUES (1, 'a@b.co', 'x', 'x')",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO followups (id, contact_id, kind, title, due_on, done_at, created_at)
             VALUES (7, 1, 'call', 'Call back', '2024-03-05', '2024-03-05T10:00:00Z', 'x')",
            [],
        )
        .unwrap();
        assert_eq!(complete(&conn, 7).unwrap().done_at.as_deref(), Some("2024-03-05T10:00:00Z"));
        assert_eq!(reopen(&conn, 7).unwrap().done_at, None);
    }
}
