//! The database as the app holds it: one connection, used off the UI thread. A failure to open
//! (say, a file from a newer Flywheel) is kept and reported by every command, so the window can
//! explain it instead of the app crashing.

use flywheel_core::Connection;
use flywheel_core::{db, Error, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Store {
    path: PathBuf,
    conn: std::result::Result<Mutex<Connection>, Error>,
}

impl Store {
    pub fn open(path: &Path) -> Arc<Self> {
        let conn = db::open(path).map(Mutex::new);
        Arc::new(Self { path: path.to_owned(), conn })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on the connection in a blocking task, so the window never waits on SQLite.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let store = Arc::clone(self);
        tauri::async_runtime::spawn_blocking(move || {
            let conn = store.conn.as_ref().map_err(Clone::clone)?;
            let conn = conn
                .lock()
                .map_err(|_| Error::storage("An earlier database task failed; restart Flywheel."))?;
            f(&conn)
        })
        .await
        .map_err(|e| Error::storage(format!("A database task stopped unexpectedly: {e}")))?
    }
}
