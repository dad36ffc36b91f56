//! What every command reaches through `State`: the store, plus how writes announce themselves.

use crate::store::Store;
use flywheel_core::areas::Area;
use flywheel_core::{Connection, Result};
use std::sync::Arc;

/// Tells the window which areas a write changed (set up with the app handle at start).
pub type Notify = Box<dyn Fn(&[Area]) + Send + Sync>;

pub struct AppState {
    pub store: Arc<Store>,
    pub notify: Notify,
}

impl AppState {
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.store.read(f).await
    }

    /// Runs a write and, when it succeeds, tells the window which areas changed: the write
    /// path's own list in `flywheel_core::areas`.
    pub async fn write<T, F>(&self, areas: &[Area], f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let out = self.store.write(f).await?;
        (self.notify)(areas);
        Ok(out)
    }
}
