//! Least privilege on a team database: the role that owns the schema sets it up and upgrades it
//! (`db::open_team`), and each member of staff logs in with a role of their own that may read and
//! write the rows and nothing else. The rights are in one file, `migrations/pg/staff_grants.sql`,
//! which `flywheel --db postgresql://OWNER@HOST/DB team staff ROLE` runs and the README points at.

use crate::error::{Error, Result};
use crate::people::{self, Person, Role};
use crate::store::Connection;

/// The grants, with `{role}`, `{database}` and `{schema}` where the quoted names go.
pub const STAFF_GRANTS: &str = include_str!("../migrations/pg/staff_grants.sql");

/// The group roles of a person's role and a login's membership, with `{login}` and `{group}`
/// where the quoted names go; `--[staff grants of each group]--` is where each group's
/// `STAFF_GRANTS` go.
pub const ROLE_GRANTS: &str = include_str!("../migrations/pg/role_grants.sql");

/// What [`grant_staff`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    pub role: String,
    pub database: String,
    pub schema: String,
}

/// Gives the existing login `role` the rights the app uses on the team database `conn` is open
/// on (and on what its owner creates there later). Run as the schema's owner, on a database
/// `db::open` has set up; running it again changes nothing.
pub fn grant_staff(conn: &Connection, role: &str) -> Result<Granted> {
    let pg = conn.postgres().ok_or_else(solo)?;
    let owner = check_login(conn, role, false)?;
    if owner == role {
        return Err(Error::invalid(
            "role",
            format!("{role:?} owns the schema already; staff need roles of their own."),
        ));
    }
    let (quoted_role, database, schema, database_name, schema_name): (
        String,
        String,
        String,
        String,
        String,
    ) = conn.query_row(
        "SELECT quote_ident(?1), quote_ident(current_database()), quote_ident(current_schema()),
                    current_database(), current_schema()",
        [role],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;
    let sql = STAFF_GRANTS
        .replace("{role}", &quoted_role)
        .replace("{database}", &database)
        .replace("{schema}", &schema);
    // One simple query: its statements commit together or not at all.
    pg.client().batch_execute(&sql).map_err(|e| {
        let reason = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_owned());
        Error::storage(format!("Could not grant {role:?} the staff rights: {reason}"))
    })?;
    Ok(Granted { role: role.to_owned(), database: database_name, schema: schema_name })
}

/// Makes the existing login `login` a person of the team: a member of `role`'s group role (made,
/// with its rights, when missing) and no other, and its `people` row (name, email, role) added or
/// changed. Run as the schema's owner; running it again changes nothing.
pub fn add_person(
    conn: &Connection,
    login: &str,
    name: &str,
    email: Option<&str>,
    role: Role,
) -> Result<Person> {
    let pg = conn.postgres().ok_or_else(|| {
        Error::invalid(
            "db",
            "People and roles belong to a team database (--db postgresql://…); a solo file has none.",
        )
    })?;
    // The row's own checks (a name, a valid email) before any grant.
    crate::db::with_rollback(conn, |c| people::upsert(c, login, name, email, role))?;
    let owner = check_login(conn, login, role == Role::Owner)?;
    let (quoted_login, database, schema): (String, String, String) = conn.query_row(
        "SELECT quote_ident(?1), quote_ident(current_database()), quote_ident(current_schema())",
        [login],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let staff: String = Role::ALL
        .iter()
        .map(|r| {
            STAFF_GRANTS
                .replace("{role}", r.group())
                .replace("{database}", &database)
                .replace("{schema}", &schema)
        })
        .collect();
    let sql = ROLE_GRANTS
        .replace("--[staff grants of each group]--", &staff)
        .replace("{login}", &quoted_login)
        .replace("{group}", role.group());
    // One simple query: the groups, their rights and the membership commit together or not at all.
    pg.client().batch_execute(&sql).map_err(|e| {
        let reason = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_owned());
        if e.code().is_some_and(|c| c.code() == "42501") && reason.contains("create role") {
            return Error::storage(format!(
                "The role {owner} may not create the group roles flywheel_group_owner, flywheel_group_marketing and \
                 flywheel_group_sales: ask the server's administrator to create them (CREATE ROLE flywheel_group_owner \
                 NOLOGIN; and the same for the other two) or to give {owner} CREATEROLE."
            ));
        }
        Error::storage(format!("Could not give {login:?} the rights of {}: {reason}", role.as_str()))
    })?;
    people::upsert(conn, login, name, email, role)
}

fn solo() -> Error {
    Error::invalid("db", "Staff roles belong to a team database (--db postgresql://…); a solo file has none.")
}

/// Refuses a `role` that is missing, cannot log in or is a superuser (unless `superuser_ok`), and
/// a session that does not own the schema; the schema owner's name otherwise.
fn check_login(conn: &Connection, role: &str, superuser_ok: bool) -> Result<String> {
    let found: Option<(bool, bool)> = conn
        .prepare("SELECT rolsuper, rolcanlogin FROM pg_roles WHERE rolname = ?1")?
        .query_map([role], |r| Ok((r.get(0)?, r.get(1)?)))?
        .next()
        .transpose()?;
    let Some((superuser, login)) = found else {
        return Err(Error::invalid(
            "role",
            format!(
                "There is no role {role:?} on this server: create it first \
                 (CREATE ROLE name LOGIN PASSWORD '…', as the server's administrator)."
            ),
        ));
    };
    if superuser && !superuser_ok {
        return Err(Error::invalid(
            "role",
            format!("{role:?} is a superuser, which may do anything whatever is granted: give staff an ordinary login role."),
        ));
    }
    if !login {
        return Err(Error::invalid("role", format!("{role:?} cannot log in: ALTER ROLE … LOGIN first.")));
    }
    let (owner, owns): (String, bool) = conn.query_row(
        "SELECT pg_get_userbyid(relowner), pg_has_role(relowner, 'USAGE') FROM pg_class
         WHERE oid = to_regclass('flywheel_schema')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if !owns {
        return Err(Error::invalid(
            "db",
            format!(
                "Only the owner of the team database's schema ({owner}) may grant rights on it: run this \
                 with --db naming that role."
            ),
        ));
    }
    Ok(owner)
}
