//! The database as the app holds it: one writer and a few readers (`flywheel_core::pool`), used
//! off the UI thread, so a contact search does not wait behind a report. A failure to open (say, a
//! file from a newer Flywheel) is kept and reported by every command, so the window can explain it
//! instead of the app crashing. A team database that could not be reached at start is tried again
//! by the next command (at most once a second), so the app need not be restarted when it is back.

use flywheel_core::pool::{Pool, DEFAULT_READERS};
use flywheel_core::store::notices::{self, Listening, Notice};
use flywheel_core::Connection;
use flywheel_core::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Store {
    path: PathBuf,
    readers: usize,
    /// The pool, or why it could not be opened; shared with the listener, which closes the
    /// pool's idle readers when the server is back.
    pool: Arc<Mutex<Opened>>,
    /// Whether a team database answers, as its listener last heard (a file always does).
    reachable: Arc<Mutex<Reachable>>,
    /// Hears other desktops' writes on a team database; stops when the store is dropped.
    listening: Mutex<Option<Listening>>,
}

/// The pool, or the failure to open it and when it was last tried.
struct Opened {
    pool: std::result::Result<Arc<Pool>, Error>,
    tried: std::time::Instant,
}

/// How often a team database that could not be reached is tried again.
const RETRY_OPEN: std::time::Duration = std::time::Duration::from_secs(1);

/// Whether the database can be reached now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reachable {
    Yes,
    No(String),
}

impl Store {
    pub fn open(path: &Path) -> Arc<Self> {
        Self::open_with_readers(path, DEFAULT_READERS)
    }

    /// As [`Store::open`], with at most `readers` read connections.
    pub fn open_with_readers(path: &Path, readers: usize) -> Arc<Self> {
        let pool = Pool::open(path, readers).map(Arc::new);
        let reachable = match &pool {
            Err(e) if e.is_offline() => Reachable::No(e.message.clone()),
            _ => Reachable::Yes,
        };
        Arc::new(Self {
            path: path.to_owned(),
            readers,
            pool: Arc::new(Mutex::new(Opened { pool, tried: std::time::Instant::now() })),
            reachable: Arc::new(Mutex::new(reachable)),
            listening: Mutex::new(None),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this is a team database (a `postgresql://` URL) rather than a file.
    pub fn is_team(&self) -> bool {
        self.path.to_str().is_some_and(flywheel_core::db::is_team_url)
    }

    /// The pool; a team database that could not be reached is opened again first (once a second
    /// at most: each try may wait for the network).
    fn pool(&self) -> Result<Arc<Pool>> {
        let mut opened = self
            .pool
            .lock()
            .map_err(|_| Error::storage("An earlier database task failed; restart Flywheel."))?;
        let retry = matches!(&opened.pool, Err(e) if e.is_offline()) && opened.tried.elapsed() >= RETRY_OPEN;
        if retry {
            opened.pool = Pool::open(&self.path, self.readers).map(Arc::new);
            opened.tried = std::time::Instant::now();
        }
        opened.pool.as_ref().map(Arc::clone).map_err(Clone::clone)
    }

    pub fn reachable(&self) -> Reachable {
        self.reachable.lock().map(|r| r.clone()).unwrap_or(Reachable::Yes)
    }

    /// On a team database, listens for other desktops' writes and for the server coming and
    /// going, and hands `on` each notice (`flywheel_core::store::notices`); on a file, does
    /// nothing (its one desktop announces its own writes). When the server is back, the readers
    /// kept from before are closed first, so the reloads that follow open new sessions.
    pub fn listen(&self, on: impl Fn(Notice) + Send + 'static) {
        let Some(url) = self.path.to_str().filter(|_| self.is_team()) else { return };
        // The writer's notices are this desktop's own; a pool opened later (the server was away at
        // start) has its own writer, whose notices then only reload a view once more.
        let own = self.pool().map(|p| p.writer_pid()).unwrap_or_default();
        let pool = Arc::clone(&self.pool);
        let reachable = Arc::clone(&self.reachable);
        let listening = notices::listen(url, own, move |notice| {
            if let Ok(mut r) = reachable.lock() {
                match &notice {
                    Notice::Online => {
                        if *r != Reachable::Yes {
                            if let Ok(Opened { pool: Ok(pool), .. }) = pool.lock().as_deref() {
                                pool.forget_idle_readers();
                            }
                        }
                        *r = Reachable::Yes;
                    }
                    Notice::Offline(why) => *r = Reachable::No(why.clone()),
                    Notice::Changed(_) => {}
                }
            }
            on(notice);
        });
        if let Ok(mut slot) = self.listening.lock() {
            *slot = Some(listening);
        }
    }

    /// Stops the listener (waiting for its thread, at most a probe's time).
    pub fn stop_listening(&self) {
        let listening = self.listening.lock().ok().and_then(|mut slot| slot.take());
        drop(listening);
    }

    /// Runs `f` on a reader in a blocking task; reads run side by side.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.blocking(move |pool| pool.read(f)).await
    }

    /// Runs `f` on the one writer in a blocking task; writes run one at a time.
    pub async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.blocking(move |pool| pool.write(f)).await
    }

    /// Off the UI thread, so the window never waits on SQLite.
    async fn blocking<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Pool) -> Result<T> + Send + 'static,
    {
        let store = Arc::clone(self);
        tauri::async_runtime::spawn_blocking(move || {
            let pool = store.pool()?;
            f(&pool)
        })
        .await
        .map_err(|e| Error::storage(format!("A database task stopped unexpectedly: {e}")))?
    }
}
