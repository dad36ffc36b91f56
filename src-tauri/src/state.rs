//! What every command reaches through `State`: the store, plus how writes announce themselves.

use crate::store::Store;
use flywheel_core::areas::Area;
use flywheel_core::store::notices::Notice;
use flywheel_core::{Connection, Result};
use std::sync::{Arc, RwLock};

/// Tells the window which areas a write changed (set up with the app handle at start).
pub type Notify = Box<dyn Fn(&[Area]) + Send + Sync>;

/// Tells the window what the store's listener heard: other desktops' writes and whether the team
/// database can be reached (`Store::listen`).
pub type Hear = Arc<dyn Fn(Notice) + Send + Sync>;

pub struct AppState {
    /// Swapped whole when the window switches database (`location`); a command holds the store it
    /// started on until it ends.
    store: RwLock<Arc<Store>>,
    pub notify: Notify,
    hear: Hear,
}

impl AppState {
    /// Puts `store` in use, listening on it when it is a team database.
    pub fn new(store: Arc<Store>, notify: Notify, hear: Hear) -> Self {
        listen(&store, &hear);
        Self { store: RwLock::new(store), notify, hear }
    }

    /// The store in use now.
    pub fn store(&self) -> Arc<Store> {
        // A panic while swapping left the old store in place, which is still a whole store.
        Arc::clone(&self.store.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    /// Puts `store` in use and tells every view to load again; the old one closes when the last
    /// command on it ends.
    pub fn swap(&self, store: Arc<Store>) {
        listen(&store, &self.hear);
        let old = std::mem::replace(
            &mut *self.store.write().unwrap_or_else(std::sync::PoisonError::into_inner),
            store,
        );
        retire(old);
        (self.notify)(flywheel_core::areas::EVERYTHING);
    }

    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.store().read(f).await
    }

    /// Runs a write and, when it succeeds, tells the window which areas changed: the write
    /// path's own list in `flywheel_core::areas`.
    pub async fn write<T, F>(&self, areas: &[Area], f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let out = self.store().write(f).await?;
        (self.notify)(areas);
        Ok(out)
    }
}

/// Starts `store`'s listener (a team database's), handing what it hears to `hear`; a file is
/// reachable from the start, which clears an offline banner a team database left.
fn listen(store: &Store, hear: &Hear) {
    if store.is_team() {
        let hear = Arc::clone(hear);
        store.listen(move |notice| hear(notice));
    } else {
        hear(Notice::Online);
    }
}

/// Lets a store go once the commands still running on it have ended. Closing a team database's
/// connections blocks, which must never happen on an async worker: the last reference is dropped
/// on a blocking thread.
pub fn retire(store: Arc<Store>) {
    tauri::async_runtime::spawn_blocking(move || {
        // At once: the old database's comings and goings are no longer the window's.
        store.stop_listening();
        while Arc::strong_count(&store) > 1 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        drop(store);
    });
}
