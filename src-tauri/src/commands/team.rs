//! Which database the window is on, and switching between this computer's file and a team
//! database (Settings → Team database); the work is in `crate::location`.

use crate::location::{DbLocation, Location, TeamForm};
use crate::state::AppState;
use flywheel_core::team_login::{TeamCheck, TeamLogin};
use flywheel_core::Result;
use tauri::State;

/// Which database is in use, as the window's indicator says it.
#[tauri::command]
#[specta::specta]
pub async fn db_location(state: State<'_, AppState>) -> Result<DbLocation> {
    Ok(DbLocation::of(state.store().path()))
}

/// The Team database form's starting values: the login last used, and whether its password is kept.
#[tauri::command]
#[specta::specta]
pub async fn team_form(location: State<'_, Location>) -> Result<TeamForm> {
    Ok(location.form().await)
}

/// Tests a login (an empty password: the one kept for it) without switching to it.
#[tauri::command]
#[specta::specta]
pub async fn team_test(
    location: State<'_, Location>,
    login: TeamLogin,
    password: String,
) -> Result<TeamCheck> {
    location.test(login, password).await
}

/// Switches to the team database; on failure the database in use stays.
#[tauri::command]
#[specta::specta]
pub async fn team_use(
    state: State<'_, AppState>,
    location: State<'_, Location>,
    login: TeamLogin,
    password: String,
) -> Result<DbLocation> {
    location.use_team(&state, login, password).await
}

/// Switches back to this computer's file.
#[tauri::command]
#[specta::specta]
pub async fn file_use(state: State<'_, AppState>, location: State<'_, Location>) -> Result<DbLocation> {
    location.use_file(&state).await
}
