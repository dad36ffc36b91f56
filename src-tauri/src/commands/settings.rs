//! The shop's settings.

use crate::state::AppState;
use flywheel_core::settings::{self, Settings};
use flywheel_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn settings_get(state: State<'_, AppState>) -> Result<Settings> {
    state.read(settings::get).await
}

/// Saving may qualify leads under a lower MQL threshold, so stages and contacts change too.
#[tauri::command]
#[specta::specta]
pub async fn settings_update(state: State<'_, AppState>, settings: Settings) -> Result<Settings> {
    state.write(&["settings", "stages", "contacts"], move |c| settings::update(c, &settings)).await
}
