//! `flywheel --db postgresql://OWNER@HOST/DB team staff ROLE`: the database's owner gives a
//! member of staff's login role the rights the app uses (`flywheel_core::team_roles`).

use crate::output;
use flywheel_core::people::Role;
use flywheel_core::{db, team_roles, Error, Result};
use std::path::Path;

pub fn run(db: Option<&Path>, role: &str) -> Result<()> {
    let conn = open_as_owner(db)?;
    let granted = team_roles::grant_staff(&conn, role)?;
    output::emit(&format!(
        "{} may now use Flywheel on {} (schema {}): read and write its rows; not change its schema.\n",
        granted.role, granted.database, granted.schema
    ))
}

/// `flywheel --db postgresql://OWNER@HOST/DB team person LOGIN --name … --email … --role …`.
pub fn run_person(db: Option<&Path>, login: &str, name: &str, email: Option<&str>, role: &str) -> Result<()> {
    let Some(role) = Role::parse(role.trim()) else {
        return Err(Error::invalid(
            "role",
            format!("{role:?} is not a role: choose owner, marketing or sales."),
        ));
    };
    let conn = open_as_owner(db)?;
    let person = team_roles::add_person(&conn, login, name, email, role)?;
    output::emit(&format!(
        "{} ({}) is {} on this team database: {}.\n",
        person.name,
        person.login,
        person.role.as_str(),
        match person.role {
            Role::Owner => "every right, and alone marks rewards paid",
            Role::Marketing => "every right but marking rewards paid",
            Role::Sales => "works the leads; may not change channel spend or mark rewards paid",
        }
    ))
}

fn open_as_owner(db: Option<&Path>) -> Result<flywheel_core::Connection> {
    let Some(url) = db.and_then(Path::to_str).filter(|d| db::is_team_url(d)) else {
        return Err(Error::invalid(
            "db",
            "Name the team database with --db postgresql://OWNER@HOST/DB (or FLYWHEEL_DB), logged in as its owner.",
        ));
    };
    // Opening sets an empty database up (as the owner), so the grants reach every table.
    db::open(Path::new(url))
}
