//! Readers beside the writer: one connection that writes, and a few that only read, all on one
//! file in WAL mode. A long report on one reader no longer holds up a contact search on another,
//! and no read waits for a write (WAL gives each reader the last committed state).
//!
//! Each connection is configured by `db::configure`, so each has its own identity for the kept
//! figures (`cache`): a result is only ever handed out again on the connection that computed it.

use crate::db;
use crate::error::{Error, Result};
use crate::store::{Connection, Engine};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// Readers open at most, unless the caller asks for another number.
pub const DEFAULT_READERS: usize = 4;

pub struct Pool {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Readers>,
    freed: Condvar,
    max_readers: usize,
    /// The writer's server process on a team database (0 on a file), kept current across
    /// reconnections: the change notices it sends are this desktop's own (`store::notices`).
    writer_pid: Arc<AtomicI32>,
}

/// The idle readers (the last one returned is handed out first, so its kept figures are reused)
/// and how many are open in all, idle or busy.
#[derive(Default)]
struct Readers {
    idle: Vec<Connection>,
    open: usize,
}

fn poisoned() -> Error {
    Error::storage("An earlier database task failed; restart Flywheel.")
}

impl Pool {
    /// Opens (creating and upgrading if needed) the file at `path` for writing; readers are opened
    /// when first needed, up to `max_readers` (at least one).
    pub fn open(path: &Path, max_readers: usize) -> Result<Pool> {
        let writer = db::open(path)?;
        let writer_pid = Arc::new(AtomicI32::new(writer.session_pid().unwrap_or(0)));
        Ok(Pool {
            writer_pid,
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::default(),
            freed: Condvar::new(),
            max_readers: max_readers.max(1),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The writer's server process id, kept current (see `writer_pid`).
    pub fn writer_pid(&self) -> Arc<AtomicI32> {
        Arc::clone(&self.writer_pid)
    }

    /// Runs `f` on the one writer connection: writes happen one at a time.
    ///
    /// On a team database the writer is first asked whether it still answers (one empty round
    /// trip): after the server restarted, the write goes through a new session instead of failing
    /// on a dead one. A server that cannot be reached gives [`Error::offline`] and nothing is
    /// written; the next write tries again.
    pub fn write<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().map_err(|_| poisoned())?;
        if conn.engine() == Engine::Postgres && !conn.is_alive(ALIVE_TIMEOUT) {
            tracing::info!("the team database's writer session was lost; opening a new one");
            *conn = db::open_existing(&self.path).map_err(|e| {
                if e.is_offline() {
                    // Why, for support; the person is told nothing was saved.
                    tracing::warn!("the team database cannot be reached: {}", e.message);
                    Error::offline()
                } else {
                    e
                }
            })?;
            self.writer_pid.store(conn.session_pid().unwrap_or(0), Ordering::Relaxed);
        }
        f(&conn)
    }

    /// Runs `f` on a free reader: an idle one, a new one while fewer than the limit are open, or
    /// the first one another read gives back. `f` must not write (the reader refuses to).
    ///
    /// A reader whose team-database session turns out to be lost (the server stopped or
    /// restarted) is closed, not given back, and the read fails with [`Error::offline`]; the
    /// next read opens a new session.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut lease = self.lease()?;
        let out = f(lease.conn());
        if out.as_ref().is_err_and(Error::is_offline) {
            lease.discard();
        }
        out
    }

    /// Closes every idle reader, so the next reads open new sessions: after a team database's
    /// server came back, the sessions kept from before it stopped are dead.
    pub fn forget_idle_readers(&self) {
        if let Ok(mut readers) = self.readers.lock() {
            let n = readers.idle.len();
            readers.idle.clear();
            readers.open = readers.open.saturating_sub(n);
        }
        self.freed.notify_all();
    }

    /// How many readers are open now, idle or busy.
    pub fn readers_open(&self) -> usize {
        self.readers.lock().map(|r| r.open).unwrap_or(0)
    }

    fn lease(&self) -> Result<Lease<'_>> {
        let mut readers = self.readers.lock().map_err(|_| poisoned())?;
        loop {
            if let Some(conn) = readers.idle.pop() {
                return Ok(Lease { pool: self, conn: Some(conn) });
            }
            if readers.open < self.max_readers {
                readers.open += 1;
                drop(readers);
                return match open_reader(&self.path) {
                    Ok(conn) => Ok(Lease { pool: self, conn: Some(conn) }),
                    Err(e) => {
                        self.forget_one();
                        Err(e)
                    }
                };
            }
            readers = self.freed.wait(readers).map_err(|_| poisoned())?;
        }
    }

    fn give_back(&self, conn: Connection) {
        // A read that failed inside a transaction of its own (or panicked) leaves it open: end it,
        // or close the connection if even that fails.
        let sound = conn.is_autocommit() || conn.execute_batch("ROLLBACK").is_ok();
        match self.readers.lock() {
            Ok(mut readers) if sound => readers.idle.push(conn),
            Ok(mut readers) => readers.open = readers.open.saturating_sub(1),
            Err(_) => return,
        }
        self.freed.notify_one();
    }

    fn forget_one(&self) {
        if let Ok(mut readers) = self.readers.lock() {
            readers.open = readers.open.saturating_sub(1);
        }
        self.freed.notify_one();
    }
}

/// A reader lent out; given back when dropped, even if the read panicked.
struct Lease<'a> {
    pool: &'a Pool,
    conn: Option<Connection>,
}

impl Lease<'_> {
    fn conn(&self) -> &Connection {
        // Set when the lease is made and taken only by `drop`.
        self.conn.as_ref().unwrap_or_else(|| unreachable!("a lease always holds its connection"))
    }
}

impl Lease<'_> {
    /// Closes the lent reader instead of giving it back (its session is lost).
    fn discard(&mut self) {
        if self.conn.take().is_some() {
            self.pool.forget_one();
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.give_back(conn);
        }
    }
}

/// How long a team database may take to answer "are you there" before a write.
const ALIVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Each reader's page cache, KiB (negative: SQLite's unit for a size in KiB). A quarter of the
/// writer's: each reader keeps its own and the app's memory counts them all, so four readers hold
/// what one connection held before. The contacts page measured the same with 4, 8, 16 and 32 MiB
/// on the Large shop (`flywheel bench`: "the same page on a reader").
pub const READER_PAGE_CACHE_KIB: i64 = -8 * 1024;

/// A connection as the pool's readers are: it reads only (a write through it, which would escape
/// the change announcements, fails instead of landing), with the readers' page cache.
/// On a team database a reader is a session whose transactions are read-only.
pub fn open_reader(path: &Path) -> Result<Connection> {
    let conn = db::open_existing(path)?;
    match conn.engine() {
        Engine::Sqlite => {
            conn.pragma_update(None, "cache_size", READER_PAGE_CACHE_KIB)?;
            conn.pragma_update(None, "query_only", "ON")?;
        }
        Engine::Postgres => conn.execute_batch("SET default_transaction_read_only = on")?,
    }
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_are_reused_and_capped() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&dir.path().join("p.db"), 2).unwrap();
        assert_eq!(pool.readers_open(), 0, "readers open when first needed");
        pool.read(|c| Ok(c.query_row("SELECT count(*) FROM contacts", [], |r| r.get::<_, i64>(0))?)).unwrap();
        pool.read(|_| Ok(())).unwrap();
        assert_eq!(pool.readers_open(), 1, "an idle reader is reused");
        pool.read(|_| pool.read(|_| Ok(()))).unwrap();
        assert_eq!(pool.readers_open(), 2, "a second while the first is busy");
    }

    #[test]
    fn a_read_that_fails_inside_its_transaction_leaves_the_reader_usable() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&dir.path().join("p.db"), 1).unwrap();
        let failed: Result<()> = pool.read(|c| {
            c.execute_batch("BEGIN")?;
            c.query_row("SELECT count(*) FROM contacts", [], |r| r.get::<_, i64>(0))?;
            Err(Error::storage("the read failed half way"))
        });
        assert!(failed.is_err());
        assert!(pool.read(|c| Ok(c.is_autocommit())).unwrap(), "its transaction was ended");
        pool.write(|c| {
            Ok(c.execute("INSERT INTO channels (key, name, created_at) VALUES ('x', 'X', 'now')", [])?)
        })
        .unwrap();
        let n: i64 = pool
            .read(|c| Ok(c.query_row("SELECT count(*) FROM channels WHERE key = 'x'", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 1, "and it sees the later write");
        assert_eq!(pool.readers_open(), 1);
    }

    #[test]
    fn a_reader_refuses_to_write() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&dir.path().join("p.db"), 1).unwrap();
        let err = pool
            .read(|c| {
                Ok(c.execute("INSERT INTO channels (key, name, created_at) VALUES ('x', 'X', 'now')", [])?)
            })
            .unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::Storage, "{err:?}");
    }
}
