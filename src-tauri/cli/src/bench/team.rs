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
    pub live: Live,
}

/// How soon another desktop hears of a write (`store::notices`), run after run.
pub struct Live {
    /// From a contact's edit committed on one session to the notice reaching another, ms.
    pub heard: Figure,
    /// The same, plus the handoff queue read again on a reader: what the other window shows.
    pub queue: Figure,
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
    let live = live_figures(&conn, url, args.fast_runs)?;
    let import = match args.no_import {
        true => None,
        false => Some(import_figures(file, &conn, url, &args.work_dir, args.runs)?),
    };
    Ok(Team { version, pushed_s, reads, import, live })
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

/// A colleague's edit of a contact on `desk`, heard by this desktop's listener, then the handoff
/// queue read again, `runs` times; the contact's notes are put back afterwards.
fn live_figures(desk: &Connection, url: &str, runs: usize) -> Result<Live> {
    use flywheel_core::areas::Area;
    use flywheel_core::contacts::{self, ContactInput};
    use flywheel_core::funnel::handoff;
    use flywheel_core::store::notices::{self, Notice};
    use std::sync::atomic::AtomicI32;
    use std::sync::{mpsc, Arc};
    use std::time::Duration;

    let (tx, rx) = mpsc::channel();
    let _listening = notices::listen(url, Arc::new(AtomicI32::new(0)), move |n| {
        let _ = tx.send((Instant::now(), n));
    });
    let stuck = Duration::from_secs(30);
    let wait = |want: &dyn Fn(&Notice) -> bool| -> Result<Instant> {
        loop {
            match rx.recv_timeout(stuck) {
                Ok((at, n)) if want(&n) => return Ok(at),
                Ok(_) => {}
                Err(_) => return Err(Error::storage("No change notice reached the listener within 30 s.")),
            }
        }
    };
    wait(&|n| *n == Notice::Online)?;
    let reader = flywheel_core::pool::open_reader(Path::new(url))?;
    let id: i64 = desk.query_row("SELECT id FROM contacts ORDER BY id LIMIT 1", [], |r| r.get("id"))?;
    let c = contacts::get(desk, id)?;
    let input = |notes: String| ContactInput {
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        email: c.email.clone(),
        phone: c.phone.clone(),
        company: c.company.clone(),
        segment: c.segment.clone(),
        tags: c.tags.clone(),
        source: c.source.clone(),
        lead_score: c.lead_score,
        notes,
        stage: None,
        owner: c.owner.clone(),
    };
    let (mut heard, mut queue) = (Figure { runs: Vec::new() }, Figure { runs: Vec::new() });
    for i in 0..runs.max(1) {
        contacts::update(desk, id, &input(format!("{} (bench {i})", c.notes)))?;
        let committed = Instant::now();
        let at = wait(&|n| matches!(n, Notice::Changed(areas) if areas.contains(&Area::Contacts)))?;
        // The notice may overtake the end of the write's own round trip.
        let took = at.saturating_duration_since(committed);
        handoff::queue(&reader, flywheel_core::time::now())?;
        heard.runs.push(ms(took));
        queue.runs.push(ms(committed.elapsed()));
    }
    contacts::update(desk, id, &input(c.notes.clone()))?;
    eprintln!(
        "  another desktop hears a write in {:.1} ms, and shows the handoff queue again in {:.1} ms",
        heard.median(),
        queue.median()
    );
    Ok(Live { heard, queue })
}
