//! The read figures again on a team database (PostgreSQL), for the report's side-by-side table:
//! the same Large shop (pushed from the file when the team database is empty), the same calls, the
//! same runs.

use super::import::{number, write_csv};
use super::reads::{self, Reads};
use super::{ms, Args, Figure, Shop};
use flywheel_core::{db, import, sample, team, Connection, Error, Result};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

pub struct Team {
    /// The server's own version line.
    pub version: String,
    /// How long the push of the Large shop took, when this run made it.
    pub pushed_s: Option<f64>,
    pub reads: Reads,
    pub import: Option<TeamImport>,
}

/// A purchases import into the team database, then its undo, run after run; and the floor,
/// `psql`'s `\copy` of the same file into a bare table.
pub struct TeamImport {
    pub rows: i64,
    /// Rows per second of the validated import (a child process, as on the file).
    pub rate: Figure,
    /// Rows per second of `psql \copy` into a bare temporary table, the whole process.
    pub floor: Figure,
    /// The undo of that import, ms.
    pub undo: Figure,
    pub peak_mib: Figure,
}

/// Rows of the purchases file the team import takes: the file's first rows (the whole million
/// takes tens of minutes a run on PostgreSQL, see the report).
pub const IMPORT_ROWS: usize = 50_000;

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
    let import = match args.no_import {
        true => None,
        false => Some(import_figures(file, &conn, url, &args.work_dir, args.runs)?),
    };
    Ok(Team { version, pushed_s, reads, import })
}

/// The first [`IMPORT_ROWS`] rows of the bench's purchases file (written from the file's shop
/// first when the import figures of the file were not measured).
fn slice(file: &Connection, work: &Path) -> Result<PathBuf> {
    let whole = work.join("purchases-1m.csv");
    if !whole.exists() {
        write_csv(file, &whole)?;
    }
    let part = work.join(format!("purchases-{}k.csv", IMPORT_ROWS / 1000));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&part)?);
    for line in std::io::BufReader::new(std::fs::File::open(&whole)?).lines().take(IMPORT_ROWS + 1) {
        writeln!(out, "{}", line?)?;
    }
    out.flush()?;
    Ok(part)
}

fn import_figures(
    file: &Connection,
    conn: &Connection,
    url: &str,
    work: &Path,
    runs: usize,
) -> Result<TeamImport> {
    let csv = slice(file, work)?;
    let (mut rate, mut floor, mut undo, mut peak) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut rows = 0;
    for run in 1..=runs.max(1) {
        let out = Command::new(std::env::current_exe()?)
            .arg("--db")
            .arg(url)
            .arg("bench-import")
            .arg(&csv)
            .stderr(Stdio::inherit())
            .output()?;
        if !out.status.success() {
            return Err(Error::storage(format!("The import child failed ({}).", out.status)));
        }
        let got: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        rows = number(&got, "rows")? as i64;
        if number(&got, "inserted")? as i64 != rows {
            return Err(Error::storage("The team import did not insert every row: the bench file is wrong."));
        }
        let seconds = number(&got, "seconds")?;
        // Undone as a person would, so the next run imports into the same shop.
        let batch: i64 = conn.query_row("SELECT max(id) FROM import_batches", [], |r| r.get(0))?;
        let started = Instant::now();
        import::batches::undo(conn, batch)?;
        undo.push(ms(started.elapsed()));
        let floor_seconds = psql_copy(url, &csv)?;
        eprintln!(
            "  team import run {run}: {seconds:.2} s, undo {:.0} ms, psql \\copy {floor_seconds:.2} s",
            undo.last().copied().unwrap_or_default()
        );
        rate.push(rows as f64 / seconds);
        floor.push(rows as f64 / floor_seconds);
        peak.push(number(&got, "peak_kib")? / 1024.0);
    }
    Ok(TeamImport {
        rows,
        rate: Figure { runs: rate },
        floor: Figure { runs: floor },
        undo: Figure { runs: undo },
        peak_mib: Figure { runs: peak },
    })
}

/// Seconds `psql` takes to `\copy` `csv` into a bare temporary table of ten text columns.
fn psql_copy(url: &str, csv: &Path) -> Result<f64> {
    let columns: Vec<String> = (1..=10).map(|i| format!("c{i} text")).collect();
    let script = format!(
        "CREATE TEMP TABLE raw ({});\n\\copy raw FROM '{}' WITH (FORMAT csv, HEADER true)\n",
        columns.join(", "),
        csv.display()
    );
    let started = Instant::now();
    let mut child = Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    child.stdin.take().ok_or_else(|| Error::storage("No stdin for psql."))?.write_all(script.as_bytes())?;
    let status = child.wait()?;
    if !status.success() {
        return Err(Error::storage(format!("psql \\copy failed ({status}).")));
    }
    Ok(ms(started.elapsed()) / 1000.0)
}
