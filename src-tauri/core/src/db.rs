//! Opening the database: pragmas once per connection, embedded versioned migrations with a copy
//! of the file taken before any upgrade, and refusal of a schema newer than this binary.

use crate::cache;
use crate::error::{Error, ErrorCode, Result};
use crate::store::{Connection, Engine, EngineError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Each file is one released schema version; append, never edit a released one.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/001_contacts_and_stages.sql"),
    include_str!("../migrations/002_purchases_and_spend.sql"),
    include_str!("../migrations/003_advocacy.sql"),
    include_str!("../migrations/004_followups.sql"),
    include_str!("../migrations/005_funnel.sql"),
    include_str!("../migrations/006_flywheel.sql"),
    include_str!("../migrations/007_imports.sql"),
    include_str!("../migrations/008_contact_search.sql"),
    include_str!("../migrations/009_purchases_by_contact.sql"),
    include_str!("../migrations/010_customer_since.sql"),
    include_str!("../migrations/011_consent_channels.sql"),
    include_str!("../migrations/012_share_figures.sql"),
    include_str!("../migrations/013_duplicate_keys.sql"),
    include_str!("../migrations/014_purchase_summaries.sql"),
    include_str!("../migrations/015_stage_paths.sql"),
    include_str!("../migrations/016_loop_summaries.sql"),
    include_str!("../migrations/017_change_notices.sql"),
    include_str!("../migrations/018_people.sql"),
    include_str!("../migrations/019_referral_codes.sql"),
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The schema version whose migration also runs a Rust step after its SQL.
const CUSTOMER_SINCE_VERSION: usize = 10;
/// Schema v11 maps the free-text consent channels stored before it onto the closed set.
const CONSENT_CHANNELS_VERSION: usize = 11;
/// The schema version that keeps purchase summaries; its step builds them from the purchases
/// already there.
pub const SUMMARIES_VERSION: usize = 14;
/// The schema version whose index hands the funnel figures every contact's stage path.
pub const STAGE_PATHS_VERSION: usize = 15;

/// The Rust step a schema version runs after its SQL, in the same transaction.
type Step = fn(&Connection) -> Result<()>;

fn step_after(version: usize) -> Option<Step> {
    match version {
        // Every contact's customer event placed by their purchases.
        CUSTOMER_SINCE_VERSION => Some(|c| crate::customer_since::rederive_all(c).map(drop)),
        CONSENT_CHANNELS_VERSION => Some(crate::consent::migrate_free_text),
        SUMMARIES_VERSION => Some(|c| crate::summary::rebuild_all(c).map(drop)),
        _ => None,
    }
}

/// Upgrades `conn` to schema `target`, every version's SQL and Rust step in one transaction: an
/// upgrade lands whole or not at all.
fn migrate_to(conn: &Connection, target: usize) -> Result<()> {
    if target > MIGRATIONS.len() {
        return Err(Error::storage(format!("There is no schema version {target}.")));
    }
    let current = usize::try_from(schema_version(conn)?).unwrap_or(0);
    if current >= target {
        return Ok(());
    }
    with_tx(conn, |c| {
        for version in current + 1..=target {
            let upgrade = |e: Error| {
                Error::storage(format!("Could not upgrade the database to schema version {version}: {e}"))
            };
            c.execute_batch(MIGRATIONS[version - 1]).map_err(|e| upgrade(e.into()))?;
            if let Some(step) = step_after(version) {
                step(c).map_err(upgrade)?;
            }
            c.pragma_update(None, "user_version", version as i64)?;
        }
        let broken: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            return Err(Error::storage(format!(
                "The upgrade left {broken} rows pointing at rows that are not there."
            )));
        }
        Ok(())
    })
}

/// Each connection's page cache, KiB (negative: SQLite's unit for a size in KiB): the contacts and
/// their search index of a 100k-contact shop stay in memory, so paging through a search reads no
/// file; SQLite's default of 2 MiB re-read them on every page (docs/BENCHMARKS.md).
const PAGE_CACHE_KIB: i64 = -32 * 1024;

/// Pragmas every connection needs; WAL lets readers go on while an import writes.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "cache_size", PAGE_CACHE_KIB)?;
    cache::identify(conn)
}

pub fn schema_version(conn: &Connection) -> Result<i64> {
    match conn.engine() {
        Engine::Sqlite => Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?),
        Engine::Postgres => {
            let exists: bool =
                conn.query_row("SELECT to_regclass('flywheel_schema') IS NOT NULL", [], |r| r.get(0))?;
            if !exists {
                return Ok(0);
            }
            Ok(conn.query_row("SELECT coalesce(max(version), 0) FROM flywheel_schema", [], |r| r.get(0))?)
        }
    }
}

/// The whole PostgreSQL schema at the version the SQLite files reach (see migrations/pg/README.md).
pub const PG_BASELINE: &str = include_str!("../migrations/pg/016_baseline.sql");
/// The schema version `PG_BASELINE` leaves.
const PG_BASELINE_VERSION: i64 = 16;
/// The PostgreSQL half of each version after the baseline (`pg/NNN_name.sql`), in order: the
/// first is version `PG_BASELINE_VERSION + 1`.
pub const PG_UPGRADES: &[&str] = &[
    include_str!("../migrations/pg/017_change_notices.sql"),
    include_str!("../migrations/pg/018_people.sql"),
    include_str!("../migrations/pg/019_referral_codes.sql"),
];
// Every SQLite version has its PostgreSQL half.
const _: () = assert!(PG_BASELINE_VERSION as usize + PG_UPGRADES.len() == MIGRATIONS.len());
/// The advisory lock two desktops take in turn to set up or upgrade one team database.
const PG_MIGRATION_LOCK: i64 = 0x466C_7977_6865_656C;

/// How a failure to reach a team database begins (the pool tells it from other failures).
pub const UNREACHABLE: &str = "Could not reach the team database";

/// The whole PostgreSQL schema at [`SCHEMA_VERSION`]: the baseline and every later version, as
/// one text (test databases are made from it).
pub fn pg_schema() -> String {
    let mut text = PG_BASELINE.to_owned();
    for (i, sql) in PG_UPGRADES.iter().enumerate() {
        let version = PG_BASELINE_VERSION + 1 + i as i64;
        text += &format!("\n{sql}\nUPDATE flywheel_schema SET version = {version};\n");
    }
    text
}

/// Whether `target` names a team database rather than a file.
pub fn is_team_url(target: &str) -> bool {
    target.starts_with("postgresql://") || target.starts_with("postgres://")
}

/// Opens a team database on PostgreSQL, setting up its schema when it is empty. Two desktops
/// starting together take turns (an advisory lock), and a schema newer than this binary is refused.
pub fn open_team(url: &str) -> Result<Connection> {
    let conn = Connection::connect_postgres(url).map_err(|e| {
        let code = if EngineError::is_connection_lost(&e) { ErrorCode::Offline } else { ErrorCode::Storage };
        Error::new(code, format!("{UNREACHABLE}: {e}"))
    })?;
    conn.execute("SELECT pg_advisory_lock(?1)", [PG_MIGRATION_LOCK])?;
    let set_up = set_up_team(&conn);
    let unlocked = conn.execute("SELECT pg_advisory_unlock(?1)", [PG_MIGRATION_LOCK]);
    set_up?;
    unlocked?;
    Ok(conn)
}

fn set_up_team(conn: &Connection) -> Result<()> {
    let current = schema_version(conn)?;
    refuse_newer(current)?;
    if current < SCHEMA_VERSION {
        owner_only(conn, current)?;
    }
    if current == 0 {
        with_tx(conn, |c| Ok(c.execute_batch(PG_BASELINE)?))?;
    }
    let current = schema_version(conn)?;
    if current < PG_BASELINE_VERSION {
        return Err(Error::storage(format!(
            "The team database is at schema version {current}, and this Flywheel has no upgrade for it \
             (its PostgreSQL schema starts at version {PG_BASELINE_VERSION})."
        )));
    }
    for version in current + 1..=SCHEMA_VERSION {
        upgrade_team(conn, version)?;
    }
    Ok(())
}

/// Runs version `version`'s PostgreSQL file and sets the version, in one transaction that holds
/// the version row locked: another desktop upgrading at the same moment waits, rereads the version
/// and finds nothing left to do.
fn upgrade_team(conn: &Connection, version: i64) -> Result<()> {
    let sql = PG_UPGRADES[(version - PG_BASELINE_VERSION - 1) as usize];
    with_tx(conn, |c| {
        c.execute_batch("LOCK TABLE flywheel_schema IN EXCLUSIVE MODE")?;
        if schema_version(c)? >= version {
            return Ok(());
        }
        c.execute_batch(sql).map_err(|e| {
            Error::storage(format!("Could not upgrade the team database to schema version {version}: {e}"))
        })?;
        c.execute("UPDATE flywheel_schema SET version = ?1", [version])?;
        Ok(())
    })
}

/// Refuses, in words a person can act on, a login that may not set up or upgrade the schema
/// (a staff role, `team_roles`): setting up creates in the schema (and pg_trgm in the database),
/// upgrading alters what the schema's owner owns.
fn owner_only(conn: &Connection, current: i64) -> Result<()> {
    let (may, user): (bool, String) = conn.query_row(
        "SELECT coalesce(CASE WHEN to_regclass('flywheel_schema') IS NULL
             THEN has_schema_privilege(current_schema(), 'CREATE')
                  AND (has_database_privilege(current_database(), 'CREATE')
                       OR EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'))
             ELSE (SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = to_regclass('flywheel_schema'))
         END, false), current_user",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if may {
        return Ok(());
    }
    Err(Error::storage(if current == 0 {
        format!(
            "The team database is empty, and the role {user} may not set it up: ask the database's owner to \
             open it once with Flywheel to set it up (README, Team database)."
        )
    } else {
        format!(
            "The team database is at schema version {current} and this Flywheel needs {SCHEMA_VERSION}, and the \
             role {user} may not upgrade it: ask the database's owner to open it once with this Flywheel to \
             upgrade it."
        )
    }))
}

/// The team database `path` names, when it is a `postgresql://` URL rather than a file.
fn team_url(path: &Path) -> Option<&str> {
    path.to_str().filter(|p| is_team_url(p))
}

/// Opens (creating if needed) and upgrades the database file at `path`; a `postgresql://` URL in
/// its place opens that team database.
pub fn open(path: &Path) -> Result<Connection> {
    if let Some(url) = team_url(path) {
        return open_team(url);
    }
    let conn = Connection::open(path)
        .map_err(|e| Error::storage(format!("Could not open {}: {e}", path.display())))?;
    configure(&conn)?;
    let current = schema_version(&conn)?;
    refuse_newer(current)?;
    if current < SCHEMA_VERSION && has_tables(&conn)? {
        backup_before_migration(&conn, path, current)?;
    }
    migrate_to(&conn, MIGRATIONS.len())?;
    Ok(conn)
}

/// Opens another connection to an already-upgraded file (for readers and long imports).
pub fn open_existing(path: &Path) -> Result<Connection> {
    if let Some(url) = team_url(path) {
        return open_team(url);
    }
    let conn = Connection::open(path)
        .map_err(|e| Error::storage(format!("Could not open {}: {e}", path.display())))?;
    configure(&conn)?;
    let current = schema_version(&conn)?;
    refuse_newer(current)?;
    if current < SCHEMA_VERSION {
        return Err(Error::storage("The database has not been upgraded yet."));
    }
    Ok(conn)
}

/// A fresh database in memory, for tests and dry runs.
pub fn open_in_memory() -> Result<Connection> {
    let conn = Connection::open_in_memory()?;
    configure(&conn)?;
    migrate_to(&conn, MIGRATIONS.len())?;
    Ok(conn)
}

/// A new database at `path` as a Flywheel of schema `version` left it (the embedded migrations up
/// to it, Rust steps included), for tests of what an upgrade does to an older file.
pub fn create_at_schema(path: &Path, version: usize) -> Result<Connection> {
    let conn = Connection::open(path)?;
    configure(&conn)?;
    migrate_to(&conn, version)?;
    Ok(conn)
}

fn refuse_newer(current: i64) -> Result<()> {
    if current > SCHEMA_VERSION {
        return Err(Error::conflict(format!(
            "This database was written by a newer Flywheel (schema version {current}; this version \
             understands up to {SCHEMA_VERSION}). Update Flywheel to open it; the file was not changed."
        )));
    }
    Ok(())
}

fn has_tables(conn: &Connection) -> Result<bool> {
    let n: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", [], |r| r.get(0))?;
    Ok(n > 0)
}

/// Where the copy of `path` taken before upgrading from `from_version` goes.
pub fn backup_path(path: &Path, from_version: i64) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!("{name}.schema-v{from_version}-{stamp}.bak"))
}

fn backup_before_migration(conn: &Connection, path: &Path, from_version: i64) -> Result<()> {
    let dest = backup_path(path, from_version);
    if dest.exists() {
        std::fs::remove_file(&dest)?;
    }
    // VACUUM INTO writes a consistent copy, WAL contents included.
    conn.execute("VACUUM INTO ?1", [dest.to_string_lossy()])
        .map_err(|e| Error::storage(format!("Could not copy the database aside before upgrading it: {e}")))?;
    Ok(())
}

/// What the window shows about the open database.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct DbSummary {
    pub path: String,
    pub schema_version: i64,
    pub contacts: i64,
}

pub fn summary(conn: &Connection, path: String) -> Result<DbSummary> {
    let contacts = conn.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?;
    Ok(DbSummary { path, schema_version: schema_version(conn)?, contacts })
}

/// How many times a team database's transaction runs before a conflict reaches the user.
pub const TRIES: u32 = 8;

static SAVEPOINTS: AtomicU64 = AtomicU64::new(0);

/// Rolls back an open transaction unless it was finished: a panic or an early return inside
/// never leaves a connection of the pool in the middle of a transaction.
struct Open<'c> {
    conn: &'c Connection,
    done: bool,
}

impl Open<'_> {
    fn begin(conn: &Connection) -> Result<Open<'_>> {
        conn.begin()?;
        Ok(Open { conn, done: false })
    }

    fn finish(mut self, commit: bool) -> Result<()> {
        self.done = true;
        if commit {
            self.conn.commit()?;
        } else {
            self.conn.rollback()?;
        }
        Ok(())
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.rollback();
        }
    }
}

/// Runs `f` in one transaction: all of its writes land, or none do. Nested calls become
/// savepoints, so a function that writes atomically can be called from another that does too.
///
/// On a team database the transaction is SERIALIZABLE: when another desktop's write meets this one,
/// PostgreSQL refuses one of them and `f` runs again from the start (up to [`TRIES`] times, a
/// little later each time), so a conflict the engine resolved never reaches the user.
pub fn with_tx<T>(conn: &Connection, mut f: impl FnMut(&Connection) -> Result<T>) -> Result<T> {
    if conn.is_autocommit() {
        let mut tried = 1;
        loop {
            let tx = Open::begin(conn)?;
            let out = match f(conn) {
                Ok(out) => tx.finish(true).map(|()| out),
                Err(e) => {
                    tx.finish(false)?;
                    Err(e)
                }
            };
            match out {
                Err(e) if e.is_concurrent() && tried < TRIES => {
                    std::thread::sleep(std::time::Duration::from_millis(10 << tried));
                    tried += 1;
                }
                other => return other,
            }
        }
    } else {
        let name = format!("sp{}", SAVEPOINTS.fetch_add(1, Ordering::Relaxed));
        conn.execute_batch(&format!("SAVEPOINT {name}"))?;
        match f(conn) {
            Ok(out) => {
                conn.execute_batch(&format!("RELEASE {name}"))?;
                Ok(out)
            }
            Err(e) => {
                conn.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))?;
                Err(e)
            }
        }
    }
}

/// Runs `f` in a transaction (a savepoint when nested) and always rolls it back, whatever `f`
/// returns: a dry run sees exactly what a commit would write, then leaves nothing behind.
pub fn with_rollback<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    if conn.is_autocommit() {
        let tx = Open::begin(conn)?;
        let out = f(conn);
        tx.finish(false)?;
        out
    } else {
        let name = format!("sp{}", SAVEPOINTS.fetch_add(1, Ordering::Relaxed));
        conn.execute_batch(&format!("SAVEPOINT {name}"))?;
        let out = f(conn);
        conn.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))?;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_database_is_at_latest_version_with_foreign_keys() {
        let conn = open_in_memory().unwrap();
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
        let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn every_version_upgrades_to_the_next() {
        let conn = Connection::open_in_memory().unwrap();
        configure(&conn).unwrap();
        for version in 1..=MIGRATIONS.len() {
            migrate_to(&conn, version).unwrap();
            assert_eq!(schema_version(&conn).unwrap(), version as i64);
        }
        assert!(migrate_to(&conn, MIGRATIONS.len() + 1).is_err());
    }

    #[test]
    fn nested_tx_rolls_back_only_the_inner_part() {
        let conn = open_in_memory().unwrap();
        with_tx(&conn, |c| {
            c.execute("INSERT INTO settings (key, value) VALUES ('a', '1')", [])?;
            let inner: Result<()> = with_tx(c, |c| {
                c.execute("INSERT INTO settings (key, value) VALUES ('b', '2')", [])?;
                Err(Error::conflict("boom"))
            });
            assert!(inner.is_err());
            Ok(())
        })
        .unwrap();
        let keys: Vec<String> = conn
            .prepare("SELECT key FROM settings ORDER BY key")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(keys, vec!["a".to_string()]);
    }

    #[test]
    fn rollback_keeps_nothing_even_on_success() {
        let conn = open_in_memory().unwrap();
        let n = with_rollback(&conn, |c| {
            c.execute("INSERT INTO settings (key, value) VALUES ('a', '1')", [])?;
            Ok(c.query_row("SELECT count(*) FROM settings", [], |r| r.get::<_, i64>(0))?)
        })
        .unwrap();
        assert_eq!(n, 1, "inside, the write is visible");
        let after: i64 = conn.query_row("SELECT count(*) FROM settings", [], |r| r.get(0)).unwrap();
        assert_eq!(after, 0);
        assert!(conn.is_autocommit());
    }
}
