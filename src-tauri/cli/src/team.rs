//! `flywheel team push FILE URL` and `flywheel team pull URL FILE`: a solo file into an empty team
//! database, and a team database into a new solo file.

use crate::output;
use flywheel_core::{db, team, Error, Result};
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Copy a solo database FILE into an empty team database at URL (postgresql://…).
    Push { file: PathBuf, url: String },
    /// Copy the team database at URL into a new solo database FILE (a copy to open offline).
    Pull { url: String, file: PathBuf },
    /// Give the existing login ROLE the rights the app uses on the team database at --db, and no
    /// more (run as the database's owner; sets the database up first if it is empty).
    Staff { role: String },
    /// Make the existing login LOGIN a person of the team at --db, with a name and a role whose
    /// rights the database enforces (run as the database's owner; again to change them).
    Person {
        login: String,
        /// The name the window shows beside what they do.
        #[arg(long)]
        name: String,
        /// Their email: the "Contact Owner" of the contacts they own, in a HubSpot export.
        #[arg(long)]
        email: Option<String>,
        /// owner, marketing or sales.
        #[arg(long)]
        role: String,
    },
}

pub fn run(command: &Command, db: Option<&Path>) -> Result<()> {
    let (from, to, copied) = match command {
        Command::Staff { role } => return crate::team_staff::run(db, role),
        Command::Person { login, name, email, role } => {
            return crate::team_staff::run_person(db, login, name, email.as_deref(), role)
        }
        Command::Push { file, url } => {
            if !file.exists() {
                return Err(Error::invalid("file", format!("There is no database at {}.", file.display())));
            }
            let to = team_url(url)?;
            let copied = team::copy(&db::open(file)?, &db::open(to)?)?;
            (file.display().to_string(), url.clone(), copied)
        }
        Command::Pull { url, file } => {
            if file.exists() {
                return Err(Error::conflict(format!(
                    "There is already a file at {}; pull into a new file so nothing is overwritten.",
                    file.display()
                )));
            }
            let from = db::open(team_url(url)?)?;
            let copied = match team::copy(&from, &db::open(file)?) {
                Ok(c) => c,
                Err(e) => {
                    // Nothing half-made is left where the copy was to go.
                    let _ = std::fs::remove_file(file);
                    return Err(e);
                }
            };
            (url.clone(), file.display().to_string(), copied)
        }
    };
    let mut text = format!("Copied {from} into {to}:\n");
    for (table, n) in &copied.tables {
        text.push_str(&format!("  {table:<20}{n:>10}\n"));
    }
    output::emit(&text)
}

fn team_url(url: &str) -> Result<&Path> {
    if !db::is_team_url(url) {
        return Err(Error::invalid("url", "A team database is named by a postgresql:// URL."));
    }
    Ok(Path::new(url))
}
