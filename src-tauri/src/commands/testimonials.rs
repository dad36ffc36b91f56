//! Testimonials with their consent, and how well they cover the shop's segments and products.

use crate::state::AppState;
use flywheel_core::areas;
use flywheel_core::coverage::{self, Coverage, TestimonialCard};
use flywheel_core::page::Page;
use flywheel_core::testimonials::{self, Testimonial, TestimonialInput, TestimonialQuery, TestimonialStatus};
use flywheel_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn testimonials_list(
    state: State<'_, AppState>,
    query: TestimonialQuery,
) -> Result<Page<Testimonial>> {
    state.read(move |c| testimonials::list(c, &query)).await
}

/// One testimonial as it is now (a form that met someone else's change reads theirs).
#[tauri::command]
#[specta::specta]
pub async fn testimonials_get(state: State<'_, AppState>, id: i64) -> Result<Testimonial> {
    state.read(move |c| testimonials::get(c, id)).await
}

/// The board: cards with the giver's name and the moves allowed from each status.
#[tauri::command]
#[specta::specta]
pub async fn testimonials_board(
    state: State<'_, AppState>,
    query: TestimonialQuery,
) -> Result<Page<TestimonialCard>> {
    state.read(move |c| coverage::board(c, &query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn testimonials_create(
    state: State<'_, AppState>,
    input: TestimonialInput,
    status: Option<TestimonialStatus>,
) -> Result<Testimonial> {
    state.write(areas::TESTIMONIAL, move |c| testimonials::create(c, &input, status)).await
}

#[tauri::command]
#[specta::specta]
pub async fn testimonials_update(
    state: State<'_, AppState>,
    id: i64,
    input: TestimonialInput,
    opened: Option<TestimonialInput>,
) -> Result<Testimonial> {
    state.write(areas::TESTIMONIAL, move |c| testimonials::update_from(c, id, &input, opened.as_ref())).await
}

/// Saves what came back with a request and moves it to received, in one step.
#[tauri::command]
#[specta::specta]
pub async fn testimonials_receive(
    state: State<'_, AppState>,
    id: i64,
    input: TestimonialInput,
) -> Result<Testimonial> {
    state.write(areas::TESTIMONIAL, move |c| testimonials::receive(c, id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn testimonials_set_status(
    state: State<'_, AppState>,
    id: i64,
    status: TestimonialStatus,
) -> Result<Testimonial> {
    state.write(areas::TESTIMONIAL, move |c| testimonials::set_status(c, id, status)).await
}

#[tauri::command]
#[specta::specta]
pub async fn testimonials_withdraw_consent(state: State<'_, AppState>, id: i64) -> Result<Testimonial> {
    state.write(areas::TESTIMONIAL, move |c| testimonials::withdraw_consent(c, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn testimonials_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.write(areas::TESTIMONIAL, move |c| testimonials::delete(c, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn testimonials_coverage(state: State<'_, AppState>, as_of: Option<String>) -> Result<Coverage> {
    state.read(move |c| coverage::coverage(c, as_of.as_deref())).await
}
