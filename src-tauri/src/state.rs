//! What every command reaches through `State`: the store, plus how writes announce themselves.

use crate::store::Store;
use flywheel_core::{Connection, Result};
use std::sync::Arc;

/// Tells the window which areas a write changed (set up with the app handle at start).
pub type Notify = Box<dyn Fn(&[&str]) + Send + Sync>;

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

    /// Runs a write and, when it succeeds, tells the window which areas changed.
    pub async fn write<T, F>(&self, areas: &[&str], f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let out = self.store.write(f).await?;
        (self.notify)(areas);
        Ok(out)
    }
}
