//! Figures computed once per state of the data. A result is kept with the data version it was
//! computed at (`data_version`, which every write changes: migration 008) and handed out again
//! while that version stands, so reopening the Dashboard costs a lookup, not a scan of a million
//! purchases. Any write, from any connection or process, makes every kept result stale.

use crate::error::Result;
use rusqlite::Connection;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Results kept at most; past that the cache starts afresh (a few periods of a few reports).
const MAX_ENTRIES: usize = 64;

type Entries = HashMap<String, (i64, Arc<dyn Any + Send + Sync>)>;

fn entries() -> &'static Mutex<Entries> {
    static ENTRIES: OnceLock<Mutex<Entries>> = OnceLock::new();
    ENTRIES.get_or_init(Mutex::default)
}

/// The current data version.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT version FROM data_version")?.query_row([], |r| r.get(0))?)
}

/// The result of `compute` for `key` (which must name every input but the data), reused while the
/// data is unchanged.
pub(crate) fn cached<T>(conn: &Connection, key: String, compute: impl FnOnce() -> Result<T>) -> Result<T>
where
    T: Clone + Send + Sync + 'static,
{
    // One read transaction, so the version read is that of the very data `compute` reads.
    let own = conn.is_autocommit();
    if own {
        conn.execute_batch("BEGIN")?;
    }
    let out = lookup_or_compute(conn, key, compute);
    if own {
        conn.execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    }
    out
}

fn lookup_or_compute<T>(conn: &Connection, key: String, compute: impl FnOnce() -> Result<T>) -> Result<T>
where
    T: Clone + Send + Sync + 'static,
{
    let version = version(conn)?;
    // A panic elsewhere while holding the lock leaves the map consistent: keep using it.
    let lock = || entries().lock().unwrap_or_else(|e| e.into_inner());
    if let Some((v, value)) = lock().get(&key) {
        if *v == version {
            if let Some(hit) = value.downcast_ref::<T>() {
                return Ok(hit.clone());
            }
        }
    }
    let value = compute()?;
    let mut map = lock();
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
    map.insert(key, (version, Arc::new(value.clone())));
    Ok(value)
}
