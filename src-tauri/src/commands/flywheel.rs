//! The loop for the Dashboard, who to ask next, and everything about one contact.

use crate::state::AppState;
use flywheel_core::advocates::{self, ReadinessList};
use flywheel_core::areas;
use flywheel_core::flywheel::{self, FlywheelReport, LoopQuery};
use flywheel_core::followups::{self, Agenda, Followup, FollowupKind};
use flywheel_core::timeline::{self, ContactFlywheel};
use flywheel_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn flywheel_report(state: State<'_, AppState>, query: LoopQuery) -> Result<FlywheelReport> {
    state.read(move |c| flywheel::report(c, &query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn advocates_readiness(
    state: State<'_, AppState>,
    as_of: Option<String>,
    limit: u32,
) -> Result<ReadinessList> {
    state.read(move |c| advocates::readiness(c, as_of.as_deref(), limit)).await
}

/// Asking for a testimonial also records it as requested.
#[tauri::command]
#[specta::specta]
pub async fn advocates_ask(
    state: State<'_, AppState>,
    contact_id: i64,
    kind: FollowupKind,
    due_on: Option<String>,
) -> Result<Followup> {
    state.write(areas::ASK, move |c| advocates::ask(c, contact_id, kind, due_on.as_deref())).await
}

/// Asks as `advocates_ask` does, with the follow-up due `days` after today.
#[tauri::command]
#[specta::specta]
pub async fn advocates_ask_in_days(
    state: State<'_, AppState>,
    contact_id: i64,
    kind: FollowupKind,
    days: u32,
) -> Result<Followup> {
    state.write(areas::ASK, move |c| advocates::ask_in_days(c, contact_id, kind, days)).await
}

/// What is overdue, due today and due in the next `upcoming_days`.
#[tauri::command]
#[specta::specta]
pub async fn followups_agenda(
    state: State<'_, AppState>,
    as_of: Option<String>,
    upcoming_days: u32,
) -> Result<Agenda> {
    state.read(move |c| followups::agenda(c, as_of.as_deref(), upcoming_days)).await
}

#[tauri::command]
#[specta::specta]
pub async fn followups_complete(state: State<'_, AppState>, id: i64) -> Result<Followup> {
    state.write(areas::FOLLOWUP, move |c| followups::complete(c, id)).await
}

/// Puts an open follow-up off to another day.
#[tauri::command]
#[specta::specta]
pub async fn followups_snooze(state: State<'_, AppState>, id: i64, until: String) -> Result<Followup> {
    state.write(areas::FOLLOWUP, move |c| followups::snooze(c, id, &until)).await
}

#[tauri::command]
#[specta::specta]
pub async fn contact_flywheel(state: State<'_, AppState>, contact_id: i64) -> Result<ContactFlywheel> {
    state.read(move |c| timeline::contact_flywheel(c, contact_id)).await
}
