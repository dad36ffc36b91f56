//! Backup and restore of the whole database through SQLite's online backup API: a backup is a
//! consistent copy taken while the app keeps working; a restore first proves the file is a sound
//! Flywheel database this version can open, keeps the current file aside, then copies it in.

use crate::db::{self, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::export::{ExportProgress, Watch};
use crate::store::Connection;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection as Lite, OpenFlags};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RestoreReport {
    pub restored_from: String,
    /// Where the database as it was before the restore was kept.
    pub previous_kept_at: String,
    pub schema_version: i64,
    pub contacts: i64,
}

/// Pages copied per step: small enough to report progress and let other connections in.
const PAGES_PER_STEP: i32 = 256;

fn copy(from: &Lite, to: &mut Lite, watch: &mut Watch<'_>) -> Result<()> {
    let backup = Backup::new(from, to)?;
    loop {
        let step = backup.step(PAGES_PER_STEP)?;
        let p = backup.progress();
        let (total, left) = (i64::from(p.pagecount), i64::from(p.remaining));
        if watch.cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::cancelled());
        }
        (watch.progress)(&ExportProgress { done: total - left, total });
        match step {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // Another connection is writing: wait a moment and go on.
            StepResult::Busy | StepResult::Locked => std::thread::sleep(std::time::Duration::from_millis(50)),
            _ => {}
        }
    }
}

/// The SQLite file under `conn`: a team database is backed up by its server (`pg_dump`) or pulled
/// into a solo file, not copied page by page.
fn solo(conn: &Connection) -> Result<&Lite> {
    conn.sqlite().ok_or_else(|| {
        Error::invalid(
            "path",
            "A team database is backed up on its server (pg_dump), or copied into a solo file with `flywheel team pull`.",
        )
    })
}

fn live_path(conn: &Connection) -> Result<PathBuf> {
    solo(conn)?.path().filter(|p| !p.is_empty()).map(PathBuf::from).ok_or_else(|| {
        Error::storage("This database lives in memory; there is no file to back up or restore.")
    })
}

/// Copies the open database to `dest`; the file appears only once the copy is complete.
pub fn backup(conn: &Connection, dest: &Path, watch: &mut Watch<'_>) -> Result<i64> {
    if dest.as_os_str().is_empty() {
        return Err(Error::invalid("path", "Choose where to save the backup."));
    }
    if live_path(conn).is_ok_and(|live| same_file(&live, dest)) {
        return Err(Error::invalid("path", "Choose another file: this is the open database itself."));
    }
    let part = crate::export::part_path(dest);
    let _ = std::fs::remove_file(&part);
    let result = (|| {
        let mut to = Lite::open(&part)?;
        copy(solo(conn)?, &mut to, watch)?;
        drop(to);
        std::fs::rename(&part, dest)?;
        Ok(std::fs::metadata(dest)?.len() as i64)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Replaces the open database with the backup at `src`, after checking it.
pub fn restore(conn: &Connection, src: &Path, watch: &mut Watch<'_>) -> Result<RestoreReport> {
    let live = live_path(conn)?;
    if same_file(&live, src) {
        return Err(Error::invalid("path", "That is the open database itself."));
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = live.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staged = live.with_file_name(format!("{name}.restore-{stamp}.tmp"));
    let result = stage_and_restore(conn, src, &live, &staged, watch);
    remove_scratch(&staged);
    result
}

/// The staged copy (and any copy db::open made of it while upgrading it) is scratch.
fn remove_scratch(staged: &Path) {
    if let Some(dir) = staged.parent() {
        let prefix = staged.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Puts the backup at `src` where there is no database yet (a new computer): the same checks as
/// [`restore`], the folder created if it is missing, and nothing to keep aside, so the report's
/// `previous_kept_at` is empty. A path that already holds a file is refused: restore into that
/// database instead, which keeps it aside first.
pub fn restore_new(dest: &Path, src: &Path, watch: &mut Watch<'_>) -> Result<RestoreReport> {
    if dest.as_os_str().is_empty() {
        return Err(Error::invalid("path", "Choose where the restored database goes."));
    }
    if dest.exists() {
        return Err(Error::conflict(format!(
            "There is already a file at {}; restore into it as a database so it is kept aside first.",
            dest.display()
        )));
    }
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::invalid("path", format!("Cannot create the folder {}: {e}", dir.display()))
        })?;
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let staged = dest.with_file_name(format!("{name}.restore-{stamp}.tmp"));
    let result = (|| {
        let contacts = stage(src, &staged)?;
        // The checked copy becomes the database in one step: the path never holds half a file.
        std::fs::rename(&staged, dest)?;
        let conn = db::open_existing(dest)?;
        let total = std::fs::metadata(dest)?.len() as i64;
        (watch.progress)(&ExportProgress { done: total, total });
        Ok(RestoreReport {
            restored_from: src.to_string_lossy().into_owned(),
            previous_kept_at: String::new(),
            schema_version: db::schema_version(&conn)?,
            contacts,
        })
    })();
    remove_scratch(&staged);
    result
}

/// Copies the backup at `src` to `staged` and proves the copy is a sound Flywheel database this
/// version can open, upgrading it if it is older; returns its number of contacts.
fn stage(src: &Path, staged: &Path) -> Result<i64> {
    let not_ours = |why: String| Error::invalid("path", why);
    let from = Lite::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| not_ours(format!("Cannot open {}: {e}", src.display())))?;
    // Copy first, so the checks and any upgrade run on our copy and the chosen file stays untouched.
    let mut staged_conn = Lite::open(staged)?;
    Backup::new(&from, &mut staged_conn)
        .and_then(|b| b.run_to_completion(PAGES_PER_STEP, std::time::Duration::from_millis(10), None))
        .map_err(|e| {
            not_ours(format!(
                "{} is not a Flywheel backup (it is not an SQLite database): {e}",
                src.display()
            ))
        })?;
    drop(from);
    let check: String = staged_conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| not_ours(format!("{} is not a Flywheel backup: {e}", src.display())))?;
    if check != "ok" {
        return Err(not_ours(format!(
            "{} is damaged (integrity check: {check}); nothing was restored.",
            src.display()
        )));
    }
    let version: i64 = staged_conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let has_contacts: bool = staged_conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'contacts')",
        [],
        |r| r.get(0),
    )?;
    if version == 0 || !has_contacts {
        return Err(not_ours(format!("{} is an SQLite file but not a Flywheel database.", src.display())));
    }
    if version > SCHEMA_VERSION {
        return Err(not_ours(format!(
            "{} was written by a newer Flywheel (schema version {version}; this one understands up to {SCHEMA_VERSION}).",
            src.display()
        )));
    }
    drop(staged_conn);
    // An older backup is upgraded on the staged copy, as opening it would upgrade it.
    let staged_conn = db::open(staged)?;
    let contacts: i64 = staged_conn.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?;
    drop(staged_conn);
    Ok(contacts)
}

fn stage_and_restore(
    conn: &Connection,
    src: &Path,
    live: &Path,
    staged: &Path,
    watch: &mut Watch<'_>,
) -> Result<RestoreReport> {
    let contacts = stage(src, staged)?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = live.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let kept = live.with_file_name(format!("{name}.before-restore-{stamp}.bak"));
    conn.execute("VACUUM INTO ?1", [kept.to_string_lossy()]).map_err(|e| {
        Error::storage(format!("Could not keep the current database aside, so nothing was restored: {e}"))
    })?;
    let from = Lite::open_with_flags(staged, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut to = Lite::open(live)?;
    copy(&from, &mut to, watch)?;
    Ok(RestoreReport {
        restored_from: src.to_string_lossy().into_owned(),
        previous_kept_at: kept.to_string_lossy().into_owned(),
        schema_version: db::schema_version(conn)?,
        contacts,
    })
}
