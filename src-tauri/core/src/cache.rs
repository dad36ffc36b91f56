//! Figures computed once per state of the data. A result is kept with the state of the connection
//! it was computed on and handed out again while that state stands, so reopening the Dashboard
//! costs a lookup, not a scan of a million purchases.
//!
//! The state is three numbers SQLite keeps anyway, so no write path can forget to renew it: the
//! connection's own random identity (a TEMP table made when it opens), `PRAGMA data_version`
//! (moves when any other connection or process commits) and `total_changes` (moves with every row
//! this connection writes). Results computed inside a caller's transaction are never kept: a
//! rollback would not move the state back. On a team database the state is the transaction's
//! snapshot (see [`state`]).

use crate::error::Result;
use crate::store::{Connection, Engine};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Results kept at most; past that the cache starts afresh (a few periods of a few reports, on
/// each of a few connections).
const MAX_ENTRIES: usize = 256;

/// Which connection, and where the data it sees stands.
type State = (i64, i64, u64);

/// Per connection and slot: the state and the key a result was computed for, and the result.
type Entries = HashMap<String, (State, String, Arc<dyn Any + Send + Sync>)>;

fn entries() -> &'static Mutex<Entries> {
    static ENTRIES: OnceLock<Mutex<Entries>> = OnceLock::new();
    ENTRIES.get_or_init(Mutex::default)
}

/// Gives a new connection its identity; `db::configure` calls it once per connection.
pub(crate) fn identify(conn: &Connection) -> Result<()> {
    conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS connection_identity AS SELECT random() AS id")?;
    Ok(())
}

/// The state of `conn`, read inside a read transaction (which `PRAGMA data_version` needs to be
/// current: reading the schema cookie starts it).
///
/// On a team database the state is the transaction's snapshot: which transactions had finished
/// when it was taken (`xmin:xmax:in-progress`). Two snapshots that are equal see the same rows,
/// whoever wrote them from whichever desktop; any write starting or ending moves it. So kept
/// figures are handed out again only while no one has written.
fn state(conn: &Connection) -> Result<State> {
    if let Some(pg) = conn.postgres() {
        let snapshot: String =
            conn.prepare_cached("SELECT CAST(pg_current_snapshot() AS TEXT)")?.query_row([], |r| r.get(0))?;
        let mut hash = std::collections::hash_map::DefaultHasher::new();
        std::hash::Hash::hash(&snapshot, &mut hash);
        return Ok((pg.identity, std::hash::Hasher::finish(&hash) as i64, conn.total_changes()));
    }
    let _: i64 = conn.prepare_cached("PRAGMA main.schema_version")?.query_row([], |r| r.get(0))?;
    let others: i64 = conn.prepare_cached("PRAGMA main.data_version")?.query_row([], |r| r.get(0))?;
    Ok((identity(conn)?, others, conn.total_changes()))
}

fn identity(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT id FROM temp.connection_identity")?.query_row([], |r| r.get(0))?)
}

/// The result of `compute` for `key` (which must name every input but the data), reused while the
/// data is unchanged.
pub(crate) fn cached<T>(conn: &Connection, key: String, compute: impl FnOnce() -> Result<T>) -> Result<T>
where
    T: Clone + Send + Sync + 'static,
{
    kept_in_slot(conn, key.clone(), key, compute)
}

/// Like [`cached`], but a connection keeps one result per `slot`: a result for another `key` in
/// the same slot replaces it. For large results that only the next call is likely to ask for again
/// (the stage histories the Funnel page's two reports share).
pub(crate) fn kept_in_slot<T>(
    conn: &Connection,
    slot: String,
    key: String,
    compute: impl FnOnce() -> Result<T>,
) -> Result<T>
where
    T: Clone + Send + Sync + 'static,
{
    let here = (conn as *const Connection as usize, conn.total_changes());
    if !conn.is_autocommit() {
        // Inside the read transaction of an outer kept result, nothing written since it began,
        // the state is still that of the data read: keeping is as safe as it is there.
        if READING.with(|r| r.get()) == Some(here) {
            return lookup_or_compute(conn, slot, key, compute);
        }
        return compute();
    }
    // One read transaction, so the state read is that of the very data `compute` reads (on
    // PostgreSQL one snapshot for the whole transaction, which READ COMMITTED would not give).
    conn.execute_batch(match conn.engine() {
        Engine::Sqlite => "BEGIN",
        Engine::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ",
    })?;
    let outer = READING.with(|r| r.replace(Some(here)));
    let out = lookup_or_compute(conn, slot, key, compute);
    READING.with(|r| r.set(outer));
    conn.execute_batch(if out.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    out
}

/// Keeps `value` for `slot` and `key` as [`kept_in_slot`] would have computed it, when called
/// inside the read transaction of a kept computation on `conn` with nothing written since it began
/// (so the state is that of the data `value` came from); elsewhere does nothing. For a by-product
/// of one computation that another asks [`kept_in_slot`] for.
pub(crate) fn keep_beside<T>(conn: &Connection, slot: String, key: String, value: T) -> Result<()>
where
    T: Clone + Send + Sync + 'static,
{
    let here = (conn as *const Connection as usize, conn.total_changes());
    if conn.is_autocommit() || READING.with(|r| r.get()) != Some(here) {
        return Ok(());
    }
    lookup_or_compute(conn, slot, key, || Ok(value)).map(drop)
}

thread_local! {
    /// The connection (its address) and its count of changes while [`kept_in_slot`] holds a read
    /// transaction on it.
    static READING: std::cell::Cell<Option<(usize, u64)>> = const { std::cell::Cell::new(None) };
}

fn lookup_or_compute<T>(
    conn: &Connection,
    slot: String,
    key: String,
    compute: impl FnOnce() -> Result<T>,
) -> Result<T>
where
    T: Clone + Send + Sync + 'static,
{
    let now = state(conn)?;
    // Each connection keeps its own results (readers in a pool take turns), so one connection's
    // result never pushes out another's.
    let slot = format!("{}|{slot}", now.0);
    // A panic elsewhere while holding the lock leaves the map consistent: keep using it.
    let lock = || entries().lock().unwrap_or_else(|e| e.into_inner());
    if let Some((kept, kept_key, value)) = lock().get(&slot) {
        if *kept == now && *kept_key == key {
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
    map.insert(slot, (now, key, Arc::new(value.clone())));
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    #[test]
    fn the_state_moves_with_own_writes_and_with_other_connections_commits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let (a, b) = (db::open(&path).unwrap(), db::open_existing(&path).unwrap());
        let read = |c: &Connection| {
            c.execute_batch("BEGIN").unwrap();
            let s = state(c).unwrap();
            c.execute_batch("COMMIT").unwrap();
            s
        };
        let first = read(&a);
        assert_eq!(read(&a), first, "nothing changed");
        assert_ne!(read(&b).0, first.0, "each connection has its own identity");
        a.execute("INSERT INTO channels (key, name, created_at) VALUES ('own', 'Own', 'now')", []).unwrap();
        let own = read(&a);
        assert_ne!(own, first, "a write of its own");
        b.execute("INSERT INTO channels (key, name, created_at) VALUES ('other', 'Other', 'now')", [])
            .unwrap();
        assert_ne!(read(&a), own, "a commit by another connection");
    }

    #[test]
    fn a_part_computed_inside_a_kept_figure_is_kept_too() {
        let conn = db::open_in_memory().unwrap();
        let runs = std::cell::Cell::new(0);
        let part = || {
            cached(&conn, "test|part".to_owned(), || {
                runs.set(runs.get() + 1);
                Ok(7)
            })
        };
        let whole = cached(&conn, "test|whole".to_owned(), || Ok(part()? * 2)).unwrap();
        assert_eq!((whole, part().unwrap(), runs.get()), (14, 7, 1), "the part was computed once");
        conn.execute("INSERT INTO channels (key, name, created_at) VALUES ('new', 'New', 'now')", [])
            .unwrap();
        assert_eq!((part().unwrap(), runs.get()), (7, 2), "a write makes it computed again");
        // Inside a caller's own transaction nothing is kept, parts included.
        conn.execute_batch("BEGIN").unwrap();
        part().unwrap();
        part().unwrap();
        conn.execute_batch("COMMIT").unwrap();
        assert_eq!(runs.get(), 4);
    }

    #[test]
    fn nothing_computed_inside_a_transaction_is_kept() {
        let conn = db::open_in_memory().unwrap();
        let count = |c: &Connection| -> Result<i64> {
            Ok(c.query_row("SELECT count(*) FROM channels WHERE key = 'gone'", [], |r| r.get(0))?)
        };
        let key = || "test|rolled back".to_owned();
        conn.execute_batch("BEGIN").unwrap();
        conn.execute("INSERT INTO channels (key, name, created_at) VALUES ('gone', 'Gone', 'now')", [])
            .unwrap();
        assert_eq!(cached(&conn, key(), || count(&conn)).unwrap(), 1);
        conn.execute_batch("ROLLBACK").unwrap();
        assert_eq!(cached(&conn, key(), || count(&conn)).unwrap(), 0, "the rolled-back row is not seen");
    }

    #[test]
    fn a_slot_keeps_one_result_also_when_asked_inside_another_kept_computation() {
        let conn = db::open_in_memory().unwrap();
        let runs = std::cell::Cell::new(0);
        let inner = |key: &str| {
            kept_in_slot(&conn, "slot".to_owned(), key.to_owned(), || {
                runs.set(runs.get() + 1);
                Ok(key.len())
            })
        };
        // Computed inside an outer kept result's read transaction: kept all the same.
        cached(&conn, "outer".to_owned(), || inner("a")).unwrap();
        inner("a").unwrap();
        assert_eq!(runs.get(), 1, "the second asking found it kept");
        inner("bb").unwrap();
        inner("a").unwrap();
        assert_eq!(runs.get(), 3, "the slot held one result: 'bb' replaced 'a'");
        conn.execute("INSERT INTO channels (key, name, created_at) VALUES ('own', 'Own', 'now')", [])
            .unwrap();
        inner("a").unwrap();
        assert_eq!(runs.get(), 4, "a write renews it");
        // Inside a caller's own transaction that wrote, nothing is kept.
        conn.execute_batch("BEGIN").unwrap();
        conn.execute("INSERT INTO channels (key, name, created_at) VALUES ('gone', 'Gone', 'now')", [])
            .unwrap();
        inner("ccc").unwrap();
        conn.execute_batch("ROLLBACK").unwrap();
        inner("ccc").unwrap();
        assert_eq!(runs.get(), 6);
    }

    #[test]
    fn a_result_is_left_beside_another_only_inside_its_read_transaction() {
        let conn = db::open_in_memory().unwrap();
        let ask = |key: &str| kept_in_slot(&conn, "beside".to_owned(), key.to_owned(), || Ok(0_i64));
        keep_beside(&conn, "beside".to_owned(), "k".to_owned(), 7_i64).unwrap();
        assert_eq!(ask("k").unwrap(), 0, "outside a kept computation nothing is left");
        conn.execute("INSERT INTO channels (key, name, created_at) VALUES ('own', 'Own', 'now')", [])
            .unwrap();
        cached(&conn, "outer".to_owned(), || keep_beside(&conn, "beside".to_owned(), "k".to_owned(), 7_i64))
            .unwrap();
        assert_eq!(ask("k").unwrap(), 7, "left by the computation, found by the next asking");
        assert_eq!(ask("other").unwrap(), 0, "for its key only");
    }
}
