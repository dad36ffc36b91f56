//! Contacts and their stage history.

use crate::state::AppState;
use flywheel_core::areas;
use flywheel_core::contacts::{self, Contact, ContactInput, ContactQuery};
use flywheel_core::page::Page;
use flywheel_core::stages::{self, StageEvent};
use flywheel_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn contacts_list(state: State<'_, AppState>, query: ContactQuery) -> Result<Page<Contact>> {
    state.read(move |c| contacts::list(c, &query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_get(state: State<'_, AppState>, id: i64) -> Result<Contact> {
    state.read(move |c| contacts::get(c, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_create(state: State<'_, AppState>, input: ContactInput) -> Result<Contact> {
    state.write(areas::CONTACT, move |c| contacts::create(c, &input)).await
}

#[tauri::command]
#[specta::specta]
/// `opened`: the contact as the form showed it when it opened; the save is refused, saying what
/// changed, when someone else changed it since (`flywheel_core::stale`).
pub async fn contacts_update(
    state: State<'_, AppState>,
    id: i64,
    input: ContactInput,
    opened: Option<ContactInput>,
) -> Result<Contact> {
    state.write(areas::CONTACT, move |c| contacts::update_from(c, id, &input, opened.as_ref())).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_set_archived(state: State<'_, AppState>, id: i64, archived: bool) -> Result<Contact> {
    state.write(areas::CONTACT, move |c| contacts::set_archived(c, id, archived)).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.write(areas::CONTACT_DELETE, move |c| contacts::delete(c, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn stage_history(state: State<'_, AppState>, contact_id: i64) -> Result<Vec<StageEvent>> {
    state.read(move |c| stages::history(c, contact_id)).await
}
