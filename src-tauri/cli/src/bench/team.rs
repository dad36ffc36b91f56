//! The read figures again on a team database (PostgreSQL), for the report's side-by-side table:
//! the same Large shop (pushed from the file when the team database is empty), the same calls, the
//! same runs.

use super::reads::{self, Reads};
use super::{Args, Shop};
use flywheel_core::{db, sample, team, Connection, Result};
use std::path::Path;
use std::time::Instant;

pub struct Team {
    /// The server's own version line.
    pub version: String,
    /// How long the push of the Large shop took, when this run made it.
    pub pushed_s: Option<f64>,
    pub reads: Reads,
}

pub fn measure(file: &Connection, url: &str, shop: &Shop, args: &Args) -> Result<Team> {
    let path = Path::new(url);
    let conn = db::open(path)?;
    let pushed_s = match sample::is_empty(&conn)? {
        true => {
            eprintln!("Pushing the Large shop into the team database ...");
            let started = Instant::now();
            team::copy(file, &conn)?;
            let s = started.elapsed().as_secs_f64();
            eprintln!("  pushed in {s:.1} s");
            Some(s)
        }
        false => None,
    };
    let there = super::shop(&conn)?;
    if there.counts != shop.counts || there.day != shop.day {
        return Err(flywheel_core::Error::conflict(format!(
            "The team database holds another shop ({:?}) than the file ({:?}): give an empty one.",
            there.counts, shop.counts
        )));
    }
    let version: String = conn.query_row("SELECT version()", [], |r| r.get(0))?;
    eprintln!("The same figures on the team database ({version}):");
    let reads = reads::measure(&conn, path, shop, &args.work_dir, args.runs, args.fast_runs)?;
    Ok(Team { version, pushed_s, reads })
}
