//! Contacts: one person, a lead or a customer at different stages.

use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::page::{self, Page};
use crate::search::{self, Within};
use crate::stages::{self, Actor, Stage};
use crate::store::{Connection, Row};
use crate::time;
use crate::validate;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Contact {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: String,
    pub company: String,
    pub segment: String,
    pub tags: Vec<String>,
    /// The channel key the contact first came through.
    pub source: String,
    pub lead_score: i64,
    pub notes: String,
    pub stage: Stage,
    pub stage_entered_at: Option<String>,
    pub archived: bool,
    pub created_at: String,
    pub updated_at: String,
    /// The owner's login (HubSpot's "Contact owner"); None on a solo file, or when no one owns it.
    pub owner: Option<String>,
}

impl Contact {
    pub fn display_name(&self) -> String {
        display_name(&self.first_name, &self.last_name, self.email.as_deref())
    }
}

/// "First Last", or the email when both are blank.
pub fn display_name(first: &str, last: &str, email: Option<&str>) -> String {
    let name = format!("{first} {last}").trim().to_owned();
    if name.is_empty() {
        email.unwrap_or("(no name)").to_owned()
    } else {
        name
    }
}

/// What a form or an import gives to create or edit a contact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ContactInput {
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: String,
    pub company: String,
    pub segment: String,
    pub tags: Vec<String>,
    /// A channel key; blank means "other_campaigns".
    pub source: String,
    pub lead_score: i64,
    pub notes: String,
    /// The stage a new contact starts in (default lead); ignored on edit, where stages move by events.
    pub stage: Option<Stage>,
    /// A person's login (`people`), or blank/None for no owner.
    #[serde(default)]
    pub owner: Option<String>,
}

struct Clean {
    first_name: String,
    last_name: String,
    email: Option<String>,
    phone: String,
    company: String,
    segment: String,
    tags: String,
    source: String,
    lead_score: i64,
    notes: String,
    owner: Option<String>,
}

fn clean(conn: &Connection, input: &ContactInput) -> Result<Clean> {
    let first_name = validate::text("first_name", &input.first_name, 100)?;
    let last_name = validate::text("last_name", &input.last_name, 100)?;
    let email = validate::email("email", input.email.as_deref())?;
    if first_name.is_empty() && last_name.is_empty() && email.is_none() {
        return Err(Error::invalid("first_name", "Give a name or an email."));
    }
    let source = match input.source.trim() {
        "" => "other_campaigns".to_owned(),
        s => s.to_owned(),
    };
    let known: bool = conn
        .query_row("SELECT 1 FROM channels WHERE key = ?1", [&source], |_| Ok(true))
        .optional()?
        .unwrap_or(false);
    if !known {
        return Err(Error::invalid("source", format!("'{source}' is not a known channel.")));
    }
    Ok(Clean {
        first_name,
        last_name,
        email,
        phone: validate::text("phone", &input.phone, 40)?,
        company: validate::text("company", &input.company, 200)?,
        segment: validate::text("segment", &input.segment, 100)?,
        tags: serde_json::to_string(&validate::tags("tags", &input.tags)?)?,
        source,
        lead_score: validate::range("lead_score", input.lead_score, 0, 100)?,
        notes: validate::text("notes", &input.notes, 10_000)?,
        owner: clean_owner(conn, input.owner.as_deref())?,
    })
}

/// A contact's owner: blank is none; anything else must be a person's login.
fn clean_owner(conn: &Connection, raw: Option<&str>) -> Result<Option<String>> {
    let Some(login) = raw.map(str::trim).filter(|l| !l.is_empty()) else { return Ok(None) };
    let known = conn
        .query_row("SELECT 1 FROM people WHERE login = ?1", [login], |_| Ok(true))
        .optional()?
        .unwrap_or(false);
    if !known {
        return Err(Error::invalid("owner", format!("There is no person with the login '{login}'.")));
    }
    Ok(Some(login.to_owned()))
}

fn email_taken(e: Error) -> Error {
    if e.code == crate::error::ErrorCode::Conflict {
        Error::conflict_on("email", "Another contact already has this email.")
    } else {
        e
    }
}

/// Creates a contact now, with its first stage event.
pub fn create(conn: &Connection, input: &ContactInput) -> Result<Contact> {
    create_at(conn, input, time::now())
}

/// Creates a contact as of `at` (imports and sample data carry their own history).
pub fn create_at(conn: &Connection, input: &ContactInput, at: DateTime<Utc>) -> Result<Contact> {
    with_tx(conn, |conn| {
        let c = clean(conn, input)?;
        let stamp = time::format_instant(at);
        conn.execute(
            "INSERT INTO contacts (first_name, last_name, email, phone, company, segment, tags, source,
                                   lead_score, notes, created_at, updated_at, owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)",
            params![
                c.first_name,
                c.last_name,
                c.email,
                c.phone,
                c.company,
                c.segment,
                c.tags,
                c.source,
                c.lead_score,
                c.notes,
                stamp,
                c.owner
            ],
        )
        .map_err(|e| email_taken(e.into()))?;
        let id = conn.last_insert_rowid();
        stages::record(conn, id, input.stage.unwrap_or(Stage::Lead), Actor::Marketing, "created", at)?;
        // A lead created with a score at the MQL threshold is marketing-qualified at once.
        crate::funnel::scoring::qualify(conn, id, at)?;
        get(conn, id)
    })
}

pub fn update(conn: &Connection, id: i64, input: &ContactInput) -> Result<Contact> {
    update_from(conn, id, input, None)
}

/// As [`update`], refused (`stale::check`) when the contact is no longer as `opened` (what the form
/// showed when it opened) says: someone else changed it since.
pub fn update_from(
    conn: &Connection,
    id: i64,
    input: &ContactInput,
    opened: Option<&ContactInput>,
) -> Result<Contact> {
    with_tx(conn, |conn| {
        if let Some(opened) = opened {
            let now = get(conn, id)?;
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            crate::stale::check(
                "contact",
                &[
                    ("First name", opened.first_name.clone(), now.first_name.clone()),
                    ("Last name", opened.last_name.clone(), now.last_name.clone()),
                    ("Email", text(&opened.email), text(&now.email)),
                    ("Phone", opened.phone.clone(), now.phone.clone()),
                    ("Company", opened.company.clone(), now.company.clone()),
                    ("Segment", opened.segment.clone(), now.segment.clone()),
                    ("Tags", opened.tags.join(", "), now.tags.join(", ")),
                    ("Source", opened.source.clone(), now.source.clone()),
                    ("Lead score", opened.lead_score.to_string(), now.lead_score.to_string()),
                    ("Notes", opened.notes.clone(), now.notes.clone()),
                    ("Owner", text(&opened.owner), text(&now.owner)),
                ],
            )?;
        }
        let c = clean(conn, input)?;
        let n = conn
            .execute(
                "UPDATE contacts SET first_name = ?2, last_name = ?3, email = ?4, phone = ?5, company = ?6,
                        segment = ?7, tags = ?8, source = ?9, lead_score = ?10, notes = ?11, updated_at = ?12,
                        owner = ?13
                 WHERE id = ?1",
                params![
                    id,
                    c.first_name,
                    c.last_name,
                    c.email,
                    c.phone,
                    c.company,
                    c.segment,
                    c.tags,
                    c.source,
                    c.lead_score,
                    c.notes,
                    time::now_text(),
                    c.owner
                ],
            )
            .map_err(|e| email_taken(e.into()))?;
        if n == 0 {
            return Err(Error::not_found("contact", id));
        }
        // A new score, source or tags may bring a lead to the MQL threshold.
        crate::funnel::scoring::qualify(conn, id, time::now())?;
        get(conn, id)
    })
}

/// Archiving hides a contact from lists but keeps its history and figures.
pub fn set_archived(conn: &Connection, id: i64, archived: bool) -> Result<Contact> {
    let at = archived.then(time::now_text);
    let n = conn.execute("UPDATE contacts SET archived_at = ?2 WHERE id = ?1", params![id, at])?;
    if n == 0 {
        return Err(Error::not_found("contact", id));
    }
    get(conn, id)
}

/// Deletes a contact and everything that belongs to them.
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    let n = conn.execute("DELETE FROM contacts WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::not_found("contact", id));
    }
    Ok(())
}

const COLUMNS: &str =
    "id, first_name, last_name, email, phone, company, segment, tags, source, lead_score, notes,
                       stage, stage_entered_at, archived_at IS NOT NULL, created_at, updated_at, owner";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Contact> {
    let tags: String = r.get(7)?;
    Ok(Contact {
        id: r.get(0)?,
        first_name: r.get(1)?,
        last_name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        company: r.get(5)?,
        segment: r.get(6)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        source: r.get(8)?,
        lead_score: r.get(9)?,
        notes: r.get(10)?,
        stage: r.get(11)?,
        stage_entered_at: r.get(12)?,
        archived: r.get(13)?,
        created_at: r.get(14)?,
        updated_at: r.get(15)?,
        owner: r.get(16)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Contact> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM contacts WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("contact", id))
}

pub fn find_by_email(conn: &Connection, email: &str) -> Result<Option<Contact>> {
    let Some(email) = validate::email("email", Some(email))? else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM contacts WHERE email = ?1"))?
        .query_row([email], from_row)
        .optional()?)
}

crate::text_enum! {
    pub enum ContactSort {
        Name => "name",
        Email => "email",
        Company => "company",
        Stage => "stage",
        Source => "source",
        LeadScore => "lead_score",
        Created => "created",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ContactQuery {
    /// Matches name, email or company, anywhere, ignoring case.
    pub search: Option<String>,
    pub stage: Option<Stage>,
    pub source: Option<String>,
    pub include_archived: bool,
    pub sort: Option<ContactSort>,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
}

pub fn list(conn: &Connection, q: &ContactQuery) -> Result<Page<Contact>> {
    let mut f = page::Filter::default();
    if !q.include_archived {
        f.and_fixed("archived_at IS NULL");
    }
    if let Some(text) = q.search.as_deref().filter(|s| !s.trim().is_empty()) {
        let (clause, args) = search::condition(conn, text, Within::NameEmailCompany);
        f.and_each(clause, args);
    }
    if let Some(stage) = q.stage {
        f.and("stage = ?", stage.as_str().to_owned());
    }
    if let Some(source) = q.source.as_deref().filter(|s| !s.is_empty()) {
        f.and("source = ?", source.to_owned());
    }
    let desc = q.descending;
    let order = page::Order::default();
    let order = match q.sort.unwrap_or(ContactSort::Name) {
        ContactSort::Name => {
            order.then("last_name COLLATE NOCASE", desc).then("first_name COLLATE NOCASE", desc)
        }
        // Contacts without an email last, whichever way.
        ContactSort::Email => order.then("email IS NULL", false).then("email", desc),
        ContactSort::Company => order.then("company COLLATE NOCASE", desc),
        ContactSort::Stage => order.then(Stage::rank_sql("stage"), desc),
        ContactSort::Source => order.then("source", desc),
        ContactSort::LeadScore => order.then("lead_score", desc),
        ContactSort::Created => order.then("created_at", desc),
    };
    let select = format!("SELECT {COLUMNS} FROM contacts");
    page::fetch_ordered(conn, &select, &f, &order.then("id", desc), q.offset, q.limit, from_row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_falls_back_to_email() {
        assert_eq!(display_name("Ann", "Lee", None), "Ann Lee");
        assert_eq!(display_name("", "", Some("a@b.co")), "a@b.co");
    }
}
