//! The shop's settings.

use crate::state::AppState;
use flywheel_core::areas;
use flywheel_core::money;
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
    state.write(areas::SETTINGS, move |c| settings::update(c, &settings)).await
}

/// Reads a typed amount of `currency` with the core's money reader and the shop's decimal mark;
/// a refusal is an `invalid` error on `field`, for the form to show beside it.
#[tauri::command]
#[specta::specta]
pub async fn money_read(
    state: State<'_, AppState>,
    field: String,
    text: String,
    currency: String,
) -> Result<i64> {
    state.read(move |c| money::read_for_shop(c, &field, &text, &currency)).await
}

/// The ISO currency codes the core accepts, in order.
#[tauri::command]
#[specta::specta]
pub fn money_currencies() -> Vec<String> {
    flywheel_core::validate::currencies().into_iter().map(str::to_owned).collect()
}
