//! Long jobs (imports, exports, backups): each has an id the window chose and a cancel flag the
//! window can raise, and runs on its own database connection so the store stays free for every
//! other command while it works (WAL lets readers go on beside a writer).

use crate::store::Store;
use flywheel_core::{db, Connection, Error, Result};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Default)]
pub struct Jobs {
    running: Mutex<HashMap<String, Arc<AtomicBool>>>,
}

impl Jobs {
    fn start(&self, id: &str) -> Result<Arc<AtomicBool>> {
        let mut running =
            self.running.lock().map_err(|_| Error::storage("The job list is unusable; restart Flywheel."))?;
        if running.contains_key(id) {
            return Err(Error::conflict(format!("A job called {id} is already running.")));
        }
        let flag = Arc::new(AtomicBool::new(false));
        running.insert(id.to_owned(), Arc::clone(&flag));
        Ok(flag)
    }

    fn finish(&self, id: &str) {
        if let Ok(mut running) = self.running.lock() {
            running.remove(id);
        }
    }

    /// Raises the cancel flag of a running job; `false` when no such job runs (it may have ended).
    pub fn cancel(&self, id: &str) -> bool {
        match self.running.lock() {
            Ok(running) => running.get(id).map(|f| f.store(true, Ordering::Relaxed)).is_some(),
            Err(_) => false,
        }
    }

    /// Runs `f` off the UI thread on a new connection to the store's file, with the job's cancel flag.
    pub async fn run<T, F>(&self, store: &Store, id: &str, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &AtomicBool) -> Result<T> + Send + 'static,
    {
        let flag = self.start(id)?;
        let path = store.path().to_owned();
        let out = tauri::async_runtime::spawn_blocking(move || {
            let conn = db::open_existing(&path)?;
            f(&conn, &flag)
        })
        .await
        .map_err(|e| Error::storage(format!("A background job stopped unexpectedly: {e}")));
        self.finish(id);
        out?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_can_be_cancelled_while_it_runs_and_only_then() {
        let jobs = Jobs::default();
        let flag = jobs.start("a").unwrap();
        assert!(jobs.start("a").is_err(), "one job per id");
        assert!(jobs.cancel("a"));
        assert!(flag.load(Ordering::Relaxed));
        jobs.finish("a");
        assert!(!jobs.cancel("a"));
    }
}
