//! The database as the app holds it: one writer and a few readers (`flywheel_core::pool`), used
//! off the UI thread, so a contact search does not wait behind a report. A failure to open (say, a
//! file from a newer Flywheel) is kept and reported by every command, so the window can explain it
//! instead of the app crashing.

use flywheel_core::pool::{Pool, DEFAULT_READERS};
use flywheel_core::Connection;
use flywheel_core::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Store {
    path: PathBuf,
    pool: std::result::Result<Pool, Error>,
}

impl Store {
    pub fn open(path: &Path) -> Arc<Self> {
        Self::open_with_readers(path, DEFAULT_READERS)
    }

    /// As [`Store::open`], with at most `readers` read connections.
    pub fn open_with_readers(path: &Path, readers: usize) -> Arc<Self> {
        Arc::new(Self { path: path.to_owned(), pool: Pool::open(path, readers) })
    }

    pub fn path(&self) -> &Path {
        &self.path
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
        tauri::async_runtime::spawn_blocking(move || f(store.pool.as_ref().map_err(Clone::clone)?))
            .await
            .map_err(|e| Error::storage(format!("A database task stopped unexpectedly: {e}")))?
    }
}
