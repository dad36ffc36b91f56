//! The database as a whole: what is open, and the sample data offered on first start.

use crate::events::Reachability;
use crate::state::AppState;
use flywheel_core::areas;
use flywheel_core::db::{self, DbSummary};
use flywheel_core::sample::{self, SampleSize, SampleSummary};
use flywheel_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn db_summary(state: State<'_, AppState>) -> Result<DbSummary> {
    // A team database's URL may hold its password: the window gets what the indicator says.
    let location = crate::location::DbLocation::of(state.store().path());
    let path = if location.team { location.label } else { location.file };
    state.read(move |c| db::summary(c, path)).await
}

/// Whether the database can be reached now (a team database's server may be away); the window
/// asks once at start and then hears `Reachability` events.
#[tauri::command]
#[specta::specta]
pub async fn db_reachable(state: State<'_, AppState>) -> Result<Reachability> {
    Ok(Reachability::from(&state.store().reachable()))
}

/// Fills an empty database with the deterministic sample shop, dated up to today.
#[tauri::command]
#[specta::specta]
pub async fn sample_load(state: State<'_, AppState>, size: SampleSize) -> Result<SampleSummary> {
    state.write(areas::EVERYTHING, move |c| sample::generate(c, size, flywheel_core::time::today())).await
}
