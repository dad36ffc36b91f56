//! NPS answers and the score of a period.

use crate::state::AppState;
use flywheel_core::areas;
use flywheel_core::nps::{self, NpsAnswer, NpsInput, NpsQuery, NpsScore};
use flywheel_core::page::Page;
use flywheel_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn nps_list(state: State<'_, AppState>, query: NpsQuery) -> Result<Page<NpsAnswer>> {
    state.read(move |c| nps::list(c, &query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn nps_create(state: State<'_, AppState>, input: NpsInput) -> Result<NpsAnswer> {
    state.write(areas::NPS, move |c| nps::create(c, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn nps_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.write(areas::NPS, move |c| nps::delete(c, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn nps_score(
    state: State<'_, AppState>,
    from: Option<String>,
    to: Option<String>,
) -> Result<NpsScore> {
    state.read(move |c| nps::score(c, from.as_deref(), to.as_deref())).await
}
