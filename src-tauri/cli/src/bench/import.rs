//! The import figures: a 1M-row purchases CSV imported, validated, into a copy of the Large shop
//! by a child process doing nothing else (its peak resident memory is the import's), and in the
//! same run the raw floor: `sqlite3`'s `.import` of the same file into a bare table.

use super::{ms, Figure};
use flywheel_core::import::{self, ImportFormat, ImportKind, ImportRequest};
use flywheel_core::{db, Connection, Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::Instant;

#[derive(clap::Args)]
pub struct ChildArgs {
    file: PathBuf,
}

pub struct Imports {
    pub rows: i64,
    pub file_mib: f64,
    /// Rows per second of the validated import.
    pub rate: Figure,
    /// Rows per second of `sqlite3 .import` into a bare table.
    pub floor: Figure,
    /// Rows per second of `sqlite3` moving the same rows, once imported bare, into Flywheel's own
    /// purchases table with its indexes: what SQLite alone needs for the schema, no checks at all.
    pub schema_floor: Figure,
    /// Peak resident memory of the importing process, MiB.
    pub peak_mib: Figure,
    pub sqlite3: String,
}

const COLUMNS: usize = 10;
/// The columns of a generic purchases export, as a spreadsheet would hold them.
const HEADER: [&str; COLUMNS] = [
    "Order ID",
    "Email",
    "First Name",
    "Last Name",
    "Date",
    "Amount",
    "Refunded",
    "Currency",
    "Product",
    "Quantity",
];

/// Writes every purchase of the shop as a new order (its own order id) of the same customer.
pub(super) fn write_csv(conn: &Connection, path: &Path) -> Result<()> {
    let part = path.with_extension("part");
    let mut w = csv::Writer::from_path(&part)?;
    w.write_record(HEADER)?;
    let mut stmt = conn.prepare(
        "SELECT 'B-' || p.id, coalesce(c.email, ''), c.first_name, c.last_name, p.purchased_on,
                printf('%d.%02d', p.amount_minor / 100, p.amount_minor % 100),
                printf('%d.%02d', p.refunded_minor / 100, p.refunded_minor % 100),
                p.currency, p.product, CAST(p.quantity AS TEXT)
         FROM purchases p JOIN contacts c ON c.id = p.contact_id ORDER BY p.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let cells: [String; COLUMNS] = [
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
            r.get(7)?,
            r.get(8)?,
            r.get(9)?,
        ];
        w.write_record(&cells)?;
    }
    w.flush()?;
    drop(w);
    std::fs::rename(&part, path)?;
    Ok(())
}

/// A file path as text for a child's command line or script.
fn text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// `hidden`: the child. Imports `args.file` into the database and prints one JSON line: rows,
/// seconds, and the process's peak resident memory (VmHWM).
pub fn child(path: &Path, args: &ChildArgs) -> Result<()> {
    let started = Instant::now();
    let conn = db::open_existing(path)?;
    let seen = import::inspect(&conn, &args.file, Some(ImportKind::Purchases), Some(ImportFormat::Generic))?;
    let req = ImportRequest {
        path: text(&args.file),
        kind: Some(ImportKind::Purchases),
        format: Some(ImportFormat::Generic),
        mapping: Some(seen.mapping),
        ..ImportRequest::default()
    };
    let report = import::run(&conn, &req, true, &mut |_| {}, &AtomicBool::new(false))?;
    let seconds = started.elapsed().as_secs_f64();
    let out = serde_json::json!({
        "rows": report.rows_read,
        "inserted": report.inserted,
        "rejected": report.rejected,
        "seconds": seconds,
        "peak_kib": peak_kib()?,
    });
    crate::output::emit(&format!("{out}\n"))
}

/// This process's peak resident set, KiB, from /proc/self/status.
fn peak_kib() -> Result<i64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| Error::storage("No VmHWM in /proc/self/status."))
}

/// Removes a database file and its WAL companions.
fn remove_db(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", path.display()));
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}

fn run_child(base: &Path, copy: &Path, file: &Path) -> Result<serde_json::Value> {
    remove_db(copy)?;
    std::fs::copy(base, copy)?;
    let out = Command::new(std::env::current_exe()?)
        .arg("--db")
        .arg(copy)
        .arg("bench-import")
        .arg(file)
        .stderr(Stdio::inherit())
        .output()?;
    remove_db(copy)?;
    if !out.status.success() {
        return Err(Error::storage(format!("The import child failed ({}).", out.status)));
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// `sqlite3 .import` of `file` into a bare table of a new database, timed as a whole process.
fn floor(raw: &Path, file: &Path) -> Result<f64> {
    remove_db(raw)?;
    let columns: Vec<String> = (1..=COLUMNS).map(|i| format!("c{i} TEXT")).collect();
    let script =
        format!("CREATE TABLE raw ({});\n.import --csv --skip 1 '{}' raw\n", columns.join(", "), text(file));
    sqlite3(raw, &script, ".import")
}

/// Seconds the `sqlite3` shell takes to run `script` on `db`, as a whole process.
fn sqlite3(db: &Path, script: &str, what: &str) -> Result<f64> {
    let started = Instant::now();
    let mut child = Command::new("sqlite3").arg(db).stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
    child
        .stdin
        .take()
        .ok_or_else(|| Error::storage("No stdin for sqlite3."))?
        .write_all(script.as_bytes())?;
    let status = child.wait()?;
    let elapsed = ms(started.elapsed()) / 1000.0;
    if !status.success() {
        return Err(Error::storage(format!("sqlite3 {what} failed ({status}).")));
    }
    Ok(elapsed)
}

/// `sqlite3` inserting the bare table's rows into the purchases of a copy of the shop, customers
/// found by email, amounts turned into minor units, in one transaction with the page cache the
/// import has; timed as a whole process.
fn schema_floor(base: &Path, copy: &Path, raw: &Path) -> Result<f64> {
    remove_db(copy)?;
    std::fs::copy(base, copy)?;
    let script = format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = {};
         ATTACH '{}' AS r;
         BEGIN;
         INSERT INTO purchases (contact_id, purchased_on, amount_minor, refunded_minor, currency, product,
                                quantity, external_id, created_at, import_batch_id)
         SELECT c.id, r.raw.c5, CAST(replace(r.raw.c6, '.', '') AS INTEGER),
                CAST(replace(r.raw.c7, '.', '') AS INTEGER), r.raw.c8, r.raw.c9, CAST(r.raw.c10 AS INTEGER),
                r.raw.c1, '2026-01-01T00:00:00Z', NULL
         FROM r.raw JOIN contacts c ON c.email = r.raw.c2;
         COMMIT;\n",
        import::IMPORT_CACHE_KIB,
        text(raw)
    );
    let elapsed = sqlite3(copy, &script, "into the shop's schema")?;
    remove_db(copy)?;
    Ok(elapsed)
}

fn sqlite3_version() -> Result<String> {
    let out = Command::new("sqlite3").arg("--version").output()?;
    let v = String::from_utf8_lossy(&out.stdout);
    Ok(v.split_whitespace().next().unwrap_or("?").to_owned())
}

pub(super) fn number(v: &serde_json::Value, key: &str) -> Result<f64> {
    v[key].as_f64().ok_or_else(|| Error::storage(format!("The import child gave no {key}.")))
}

pub fn measure(conn: &Connection, work: &Path, runs: usize) -> Result<Imports> {
    let file = work.join("purchases-1m.csv");
    if !file.exists() {
        eprintln!("Writing {} ...", file.display());
        write_csv(conn, &file)?;
    }
    // The copy every import goes into: the Large shop, checkpointed into one file.
    let base = work.join("base.db");
    remove_db(&base)?;
    conn.execute("VACUUM INTO ?1", [text(&base)])?;
    let (copy, raw) = (work.join("import.db"), work.join("raw.db"));
    let (mut rate, mut floor_rate, mut schema_rate, mut peak) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut rows = 0;
    for run in 1..=runs.max(1) {
        let got = run_child(&base, &copy, &file)?;
        rows = number(&got, "rows")? as i64;
        let (inserted, rejected) = (number(&got, "inserted")?, number(&got, "rejected")?);
        if rejected > 0.0 || inserted as i64 != rows {
            return Err(Error::storage(format!(
                "The import inserted {inserted} of {rows} rows ({rejected} rejected): the bench file is wrong."
            )));
        }
        let seconds = number(&got, "seconds")?;
        let floor_seconds = floor(&raw, &file)?;
        let schema_seconds = schema_floor(&base, &copy, &raw)?;
        remove_db(&raw)?;
        eprintln!(
            "  import run {run}: {seconds:.2} s, floor {floor_seconds:.2} s, into the schema {schema_seconds:.2} s"
        );
        rate.push(rows as f64 / seconds);
        floor_rate.push(rows as f64 / floor_seconds);
        schema_rate.push(rows as f64 / schema_seconds);
        peak.push(number(&got, "peak_kib")? / 1024.0);
    }
    remove_db(&base)?;
    Ok(Imports {
        rows,
        file_mib: std::fs::metadata(&file)?.len() as f64 / (1024.0 * 1024.0),
        rate: Figure { runs: rate },
        floor: Figure { runs: floor_rate },
        schema_floor: Figure { runs: schema_rate },
        peak_mib: Figure { runs: peak },
        sqlite3: sqlite3_version()?,
    })
}
