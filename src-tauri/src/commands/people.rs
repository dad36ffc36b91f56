//! The people of a team database, and the handoff seen person by person: whose contacts are mine,
//! and each salesperson's answers. Each command is a one-line delegation to flywheel-core.

use crate::state::AppState;
use flywheel_core::funnel::by_person::{self, PersonHandoff};
use flywheel_core::funnel::handoff::HandoffQueue;
use flywheel_core::people::{self, Person};
use flywheel_core::time::now;
use flywheel_core::Result;
use tauri::State;

/// Everyone, by name; empty on a solo file (the contact form then has no owner).
#[tauri::command]
#[specta::specta]
pub async fn people_list(state: State<'_, AppState>) -> Result<Vec<Person>> {
    state.read(people::list).await
}

/// The person this desktop is logged in as; null on a solo file.
#[tauri::command]
#[specta::specta]
pub async fn people_me(state: State<'_, AppState>) -> Result<Option<Person>> {
    state.read(people::me).await
}

/// The MQLs waiting for sales among the contacts I own ("Mine").
#[tauri::command]
#[specta::specta]
pub async fn handoff_queue_mine(state: State<'_, AppState>) -> Result<HandoffQueue> {
    state.read(move |c| by_person::my_queue(c, now())).await
}

/// Each salesperson's answers to the handoffs of the days `from` to `to`.
#[tauri::command]
#[specta::specta]
pub async fn handoff_by_person(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<Vec<PersonHandoff>> {
    state.read(move |c| by_person::handoff_by_person(c, &from, &to, now())).await
}
