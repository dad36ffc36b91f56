//! The people of a team database: each one's login (their PostgreSQL role), the name the window
//! shows beside what they did, the email a HubSpot export names as "Contact Owner", and their
//! role, which the database's own grants enforce (`team_roles::add_person`). A solo file has no
//! people: everything in it was done by "you".

use crate::error::Result;
use crate::store::{Connection, Engine, Row};
use crate::text_enum;
use rusqlite::{params, OptionalExtension};

text_enum! {
    /// What a person may do: the team database's group role they are a member of.
    pub enum Role {
        /// Everything, and alone marks a reward paid.
        Owner => "owner",
        /// Everything but marking a reward paid.
        Marketing => "marketing",
        /// Works the leads; may not change channel spend or mark a reward paid.
        Sales => "sales",
    }
}

impl Role {
    /// The PostgreSQL group role a person of this role is a member of.
    pub fn group(self) -> &'static str {
        match self {
            Role::Owner => "flywheel_group_owner",
            Role::Marketing => "flywheel_group_marketing",
            Role::Sales => "flywheel_group_sales",
        }
    }
}

/// One person of the team.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct Person {
    /// Their login (the database role they connect as): what "who did it" records.
    pub login: String,
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
}

const COLUMNS: &str = "login, name, email, role";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person { login: r.get("login")?, name: r.get("name")?, email: r.get("email")?, role: r.get("role")? })
}

/// Everyone, by name (the contact form's owner select; empty on a solo file).
pub fn list(conn: &Connection) -> Result<Vec<Person>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM people ORDER BY name, login"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The person this connection's login is; None on a solo file, or for a login no one added.
pub fn me(conn: &Connection) -> Result<Option<Person>> {
    if conn.engine() == Engine::Sqlite {
        return Ok(None);
    }
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM people WHERE login = current_user"))?
        .query_row([], from_row)
        .optional()?)
}

/// The login this connection is: PostgreSQL's `current_user`; None on a solo file.
pub fn login(conn: &Connection) -> Result<Option<String>> {
    if conn.engine() == Engine::Sqlite {
        return Ok(None);
    }
    Ok(Some(conn.query_row("SELECT current_user::text", [], |r| r.get(0))?))
}

/// Adds the person of `login`, or changes their name, email and role: the people row only (the
/// grants are `team_roles::add_person`'s).
pub fn upsert(conn: &Connection, login: &str, name: &str, email: Option<&str>, role: Role) -> Result<Person> {
    let login = crate::validate::required_text("login", login, 63)?;
    let name = crate::validate::required_text("name", name, 120)?;
    let email = crate::validate::email("email", email)?;
    conn.execute(
        "INSERT INTO people (login, name, email, role) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (login) DO UPDATE SET name = excluded.name, email = excluded.email, role = excluded.role",
        params![login, name, email, role],
    )?;
    Ok(Person { login, name, email, role })
}
