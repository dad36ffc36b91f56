//! The database as the app holds it: one writer and a few readers (`flywheel_core::pool`), used
//! off the UI thread, so a contact search does not wait behind a report. A failure to open (say, a
//! file from a newer Flywheel) is kept and reported by every command, so the window can explain it
//! instead of the app crashing.

use flywheel_core::pool::{Pool, DEFAULT_READERS};
use flywheel_core::store::notices::{self, Listening, Notice};
use flywheel_core::Connection;
use flywheel_core::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Store {
    path: PathBuf,
    pool: std::result::Result<Arc<Pool>, Error>,
    /// Whether a team database answers, as its listener last heard (a file always does).
    reachable: Arc<Mutex<Reachable>>,
    /// Hears other desktops' writes on a team database; stops when the store is dropped.
    listening: Mutex<Option<Listening>>,
}

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
            pool,
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

    pub fn reachable(&self) -> Reachable {
        self.reachable.lock().map(|r| r.clone()).unwrap_or(Reachable::Yes)
    }

    /// On a team database, listens for other desktops' writes and for the server coming and
    /// going, and hands `on` each notice (`flywheel_core::store::notices`); on a file, does
    /// nothing (its one desktop announces its own writes). When the server is back, the readers
    /// kept from before are closed first, so the reloads that follow open new sessions.
    pub fn listen(&self, on: impl Fn(Notice) + Send + 'static) {
        let Some(url) = self.path.to_str().filter(|_| self.is_team()) else { return };
        // A store whose pool never opened has no writer to leave out.
        let own = self.pool.as_ref().map(|p| p.writer_pid()).unwrap_or_default();
        let pool = self.pool.as_ref().ok().map(Arc::clone);
        let reachable = Arc::clone(&self.reachable);
        let listening = notices::listen(url, own, move |notice| {
            if let Ok(mut r) = reachable.lock() {
                match &notice {
                    Notice::Online => {
                        if *r != Reachable::Yes {
                            if let Some(pool) = &pool {
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
        tauri::async_runtime::spawn_blocking(move || f(store.pool.as_deref().map_err(Clone::clone)?))
            .await
            .map_err(|e| Error::storage(format!("A database task stopped unexpectedly: {e}")))?
    }
}
