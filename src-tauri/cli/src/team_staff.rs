//! `flywheel --db postgresql://OWNER@HOST/DB team staff ROLE`: the database's owner gives a
//! member of staff's login role the rights the app uses (`flywheel_core::team_roles`).

use crate::output;
use flywheel_core::{db, team_roles, Error, Result};
use std::path::Path;

pub fn run(db: Option<&Path>, role: &str) -> Result<()> {
    let Some(url) = db.and_then(Path::to_str).filter(|d| db::is_team_url(d)) else {
        return Err(Error::invalid(
            "db",
            "Name the team database with --db postgresql://OWNER@HOST/DB (or FLYWHEEL_DB), logged in as its owner.",
        ));
    };
    // Opening sets an empty database up (as the owner), so the grants reach every table.
    let conn = db::open(Path::new(url))?;
    let granted = team_roles::grant_staff(&conn, role)?;
    output::emit(&format!(
        "{} may now use Flywheel on {} (schema {}): read and write its rows; not change its schema.\n",
        granted.role, granted.database, granted.schema
    ))
}
