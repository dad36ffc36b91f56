//! Channels (where contacts come from).

use crate::state::AppState;
use flywheel_core::areas;
use flywheel_core::channels::{self, Channel};
use flywheel_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn channels_list(state: State<'_, AppState>, include_archived: bool) -> Result<Vec<Channel>> {
    state.read(move |c| channels::list(c, include_archived)).await
}

/// Adds a channel of the shop's own (an event, a partner).
#[tauri::command]
#[specta::specta]
pub async fn channels_create(state: State<'_, AppState>, name: String) -> Result<Channel> {
    state.write(areas::CHANNEL, move |c| channels::create(c, &name)).await
}
