//! What every command reaches through `State`: the store, plus how writes announce themselves.

use crate::events::DataChanged;
use crate::store::Store;
use flywheel_core::{Connection, Result};
use std::sync::Arc;
use tauri::{AppHandle, Runtime};
use tauri_specta::Event;

pub struct AppState {
    pub store: Arc<Store>,
}

impl AppState {
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        self.store.run(f).await
    }

    /// Runs a write and, when it succeeds, tells the window which areas changed.
    pub async fn write<R: Runtime, T, F>(&self, app: &AppHandle<R>, areas: &[&str], f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let out = self.store.run(f).await?;
        // A window that misses the event only shows stale figures until its next load.
        let _ = DataChanged { areas: areas.iter().map(|a| (*a).to_owned()).collect() }.emit(app);
        Ok(out)
    }
}
