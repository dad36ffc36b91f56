//! Crash safety: the real `flywheel import` is killed with SIGKILL at random moments. After each
//! kill the file must pass `PRAGMA integrity_check`, the import must be wholly present or wholly
//! absent, and every row committed before it must be unchanged.
//!
//! With `FLYWHEEL_TEST_ENGINE=postgres` the import writes to a team database instead: once the
//! server has ended the killed client's session (its transaction rolled back, or committed whole
//! when the kill came after the commit), the same checks hold.
//!
//! The short loop runs with `cargo test`; the full one (1M rows, 20 kills) is
//! `cargo test -p flywheel-cli --test crash -- --ignored --nocapture` (docs/TESTING.md).
//! Set `FLYWHEEL_CRASH_SEED` to replay a run: every run prints its seed.

#![cfg(unix)]

mod common;

use flywheel_core::store::Engine;
use flywheel_core::Connection;
use std::io::{BufWriter, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

/// splitmix64: a seeded generator, so a failing run can be replayed from its printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A fraction in [0, 1).
    fn fraction(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn seed() -> u64 {
    match std::env::var("FLYWHEEL_CRASH_SEED") {
        Ok(text) => text.parse().expect("FLYWHEEL_CRASH_SEED is a number"),
        Err(_) => {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
        }
    }
}

/// A purchases file of `rows` orders by `rows / 4` new customers, all named after `tag` so no
/// two files share a customer or an order.
fn write_orders(path: &Path, tag: &str, rows: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "email,first_name,last_name,order_id,date,amount,product").unwrap();
    for i in 0..rows {
        let customer = i / 4;
        let day = 1 + i % 28;
        writeln!(
            out,
            "{tag}-{customer}@example.com,Ann{customer},Lee,{tag}-{i},2024-03-{day:02},{}.{:02},Loaf {}",
            1 + i % 500,
            i % 100,
            i % 7
        )
        .unwrap();
    }
    out.flush().unwrap();
}

fn import(db: &Path, file: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_flywheel"))
        .env_remove("FLYWHEEL_DB")
        .arg("--db")
        .arg(db)
        .args(["import", "--kind", "purchases", "--again"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Tables derived from the others (the purchase, referral and new-contact summaries), checked
/// against a rebuild instead.
const DERIVED: &str =
    "'purchase_days', 'customer_summaries', 'purchase_gaps', 'sales_days', 'summaries_paused',
     'summaries_dirty', 'referral_sales', 'contact_days', 'customer_products'";

/// Every table's rows as text, in a fixed order, leaving out the rows of `batch` (the import
/// under test), the remembered column mapping, which every import rewrites, the contact search
/// index and duplicate keys, which triggers derive from the contacts, and the purchase summaries.
fn fingerprint(conn: &Connection, batch: i64) -> Vec<String> {
    let left_out = |t: &str| {
        t == "import_mappings"
            || t.starts_with("contacts_search")
            || DERIVED.contains(&format!("'{t}'"))
            || ["contact_keys", "duplicate_groups"].contains(&t)
    };
    let tables: Vec<String> = conn.tables().unwrap().into_iter().filter(|t| !left_out(t)).collect();
    let mut rows = Vec::new();
    for table in tables {
        let columns = conn.columns(&table).unwrap();
        let row = match conn.engine() {
            Engine::Sqlite => {
                columns.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ")
            }
            // The whole row as PostgreSQL writes a record: every column, quoted where it needs it.
            Engine::Postgres => "CAST(t AS TEXT)".to_owned(),
        };
        let filter = if table == "import_batches" {
            "id IS NOT ?1"
        } else if columns.iter().any(|c| c == "import_batch_id") {
            "import_batch_id IS NOT ?1"
        } else {
            "?1 IS NOT NULL"
        };
        let order = conn.row_order(&table).unwrap();
        let sql = format!("SELECT '{table}|' || {row} FROM \"{table}\" AS t WHERE {filter} ORDER BY {order}");
        let mut stmt = conn.prepare(&sql).unwrap();
        rows.extend(stmt.query_map([batch], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap));
    }
    rows
}

/// What the database held before an import that is about to be killed.
struct Before {
    rows: Vec<String>,
    last_batch: i64,
}

fn scalar(conn: &Connection, sql: &str, batch: i64) -> i64 {
    conn.query_row(sql, [batch], |r| r.get(0)).unwrap()
}

/// What a kill left: checks the file and returns whether the import landed.
fn check_after_kill(db: &Path, before: &Before, file_rows: i64) -> bool {
    let conn = flywheel_core::db::open(db).unwrap();
    match conn.engine() {
        Engine::Sqlite => {
            let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
            assert_eq!(integrity, "ok");
        }
        Engine::Postgres => wait_for_other_sessions_to_end(&conn),
    }
    let new: Vec<i64> = conn
        .prepare("SELECT id FROM import_batches WHERE id > ?1")
        .unwrap()
        .query_map([before.last_batch], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(new.len() <= 1, "one import ran, yet batches {new:?} appeared");
    let batch = new.first().copied().unwrap_or(-1);
    assert_eq!(fingerprint(&conn, batch), before.rows, "rows committed before the import changed");
    // The summaries are those of the purchases that are there, and no bulk write is left paused.
    flywheel_core::summary::check(&conn).unwrap();
    let paused = scalar(&conn, "SELECT count(*) + ?1 - ?1 FROM summaries_paused", batch);
    assert_eq!(paused, 0, "a killed import left the summaries paused");
    if batch < 0 {
        return false;
    }
    // Present: all of it, with the batch finished and its counts matching what is stored.
    let finished =
        scalar(&conn, "SELECT count(*) FROM import_batches WHERE id = ?1 AND finished_at IS NOT NULL", batch);
    let inserted = scalar(&conn, "SELECT inserted FROM import_batches WHERE id = ?1", batch);
    let stored = scalar(&conn, "SELECT count(*) FROM purchases WHERE import_batch_id = ?1", batch);
    let customers = scalar(&conn, "SELECT count(*) FROM contacts WHERE import_batch_id = ?1", batch);
    let promoted = scalar(
        &conn,
        "SELECT count(*) FROM contacts WHERE import_batch_id = ?1 AND stage = 'customer'",
        batch,
    );
    assert_eq!(finished, 1, "a batch without its finish");
    assert_eq!((inserted, stored), (file_rows, file_rows), "a partial import");
    assert_eq!((customers, promoted), ((file_rows + 3) / 4, (file_rows + 3) / 4), "customers half made");
    true
}

/// Waits until the server has ended every other session on the team database: the killed
/// client's work is then rolled back or committed whole, never still in progress.
fn wait_for_other_sessions_to_end(conn: &Connection) {
    let started = Instant::now();
    loop {
        let others: i64 = conn
            .query_row(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND backend_type = 'client backend'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if others == 0 {
            return;
        }
        assert!(started.elapsed().as_secs() < 120, "the killed client's session is still there");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Imports one `rows`-row file to completion (the rows every later check protects, and the time
/// an import takes), then kills `kills` imports of other files at random moments within that
/// time and a little after. On the engine the tests run on, or with `file_only` on a file.
fn crash_loop(rows: usize, kills: usize, file_only: bool) {
    let seed = seed();
    println!("crash loop: {rows} rows, {kills} kills, FLYWHEEL_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let shop = (!file_only).then(|| common::shop(dir.path(), "crash.db"));
    let file = dir.path().join("crash.db");
    let db: &Path = shop.as_deref().unwrap_or(&file);
    let files: Vec<PathBuf> = (0..=kills).map(|k| dir.path().join(format!("orders-{k}.csv"))).collect();
    for (k, file) in files.iter().enumerate() {
        write_orders(file, &format!("k{k}"), rows);
    }
    let started = Instant::now();
    let out = import(db, &files[0]).wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let span = started.elapsed().mul_f64(1.2);
    let mut landed = 0;
    for (k, file) in files.iter().enumerate().skip(1) {
        let before = {
            let conn = flywheel_core::db::open(db).unwrap();
            let last_batch: i64 =
                conn.query_row("SELECT coalesce(max(id), 0) FROM import_batches", [], |r| r.get(0)).unwrap();
            Before { rows: fingerprint(&conn, -1), last_batch }
        };
        let delay = span.mul_f64(rng.fraction());
        let mut child = import(db, file);
        std::thread::sleep(delay);
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap();
        }
        let status = child.wait().unwrap();
        assert!(status.success() || status.signal() == Some(9), "the import failed on its own: {status}");
        let present = check_after_kill(db, &before, rows as i64);
        println!(
            "kill {k}: after {delay:?} ({status}) → import {}",
            if present { "present" } else { "absent" }
        );
        if status.success() {
            assert!(present, "the import reported success but is not there");
        }
        landed += usize::from(present);
    }
    println!("crash loop: {landed} of {kills} imports landed whole, the rest left no trace (seed {seed})");
}

#[test]
fn a_killed_import_is_all_or_nothing() {
    crash_loop(4_000, 5, false);
}

/// On a file whatever the engine: on a team database an import runs at a small fraction of a
/// file's pace (100k rows: 272 s against 8 s for a file, debug build, and slower per row as the
/// import grows), so 21 imports of 1M rows would take many hours.
#[test]
#[ignore = "minutes: 1M rows, 20 kills; run with -- --ignored (docs/TESTING.md)"]
fn a_killed_million_row_import_is_all_or_nothing() {
    crash_loop(1_000_000, 20, true);
}
