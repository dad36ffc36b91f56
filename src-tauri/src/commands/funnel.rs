//! The marketing funnel: stage moves, the handoff queue, lead-score rules, channel spend and the
//! funnel and channel reports. Each command is a one-line delegation to `flywheel_core::funnel`.

use crate::state::AppState;
use flywheel_core::areas::{self, Area};
use flywheel_core::channels::{self, ChannelSpend, SpendInput};
use flywheel_core::funnel::channel_figures::{self, ChannelQuery, ChannelReport};
use flywheel_core::funnel::figures::{self, FunnelReport};
use flywheel_core::funnel::handoff::{self, HandoffQueue};
use flywheel_core::funnel::moves::{self, BulkMoved, MoveInput, Moved};
use flywheel_core::funnel::scoring::{self, ScoreRule, ScoreRuleInput};
use flywheel_core::funnel::{self, ContactFunnel, FunnelQuery};
use flywheel_core::stages::StageEvent;
use flywheel_core::time::now;
use flywheel_core::Result;
use tauri::State;

/// What a stage change touches: every view of contacts and of the funnel.
const MOVED: &[Area] = areas::STAGE_MOVE;

#[tauri::command]
#[specta::specta]
pub async fn funnel_report(state: State<'_, AppState>, query: FunnelQuery) -> Result<FunnelReport> {
    state.read(move |c| figures::report(c, &query, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn channel_report(state: State<'_, AppState>, query: ChannelQuery) -> Result<ChannelReport> {
    state.read(move |c| channel_figures::report(c, &query, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn funnel_segments(state: State<'_, AppState>) -> Result<Vec<String>> {
    state.read(funnel::segments).await
}

#[tauri::command]
#[specta::specta]
pub async fn contact_funnel(state: State<'_, AppState>, contact_id: i64) -> Result<ContactFunnel> {
    state.read(move |c| funnel::contact_funnel(c, contact_id, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn stage_move(state: State<'_, AppState>, contact_id: i64, input: MoveInput) -> Result<Moved> {
    state.write(MOVED, move |c| moves::move_contact(c, contact_id, &input, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn stage_move_many(
    state: State<'_, AppState>,
    contact_ids: Vec<i64>,
    input: MoveInput,
) -> Result<BulkMoved> {
    state.write(MOVED, move |c| moves::move_many(c, &contact_ids, &input, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn handoff_queue(state: State<'_, AppState>) -> Result<HandoffQueue> {
    state.read(move |c| handoff::queue(c, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn handoff_accept(
    state: State<'_, AppState>,
    contact_id: i64,
    reason: String,
) -> Result<StageEvent> {
    state.write(MOVED, move |c| handoff::accept(c, contact_id, &reason, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn handoff_reject(
    state: State<'_, AppState>,
    contact_id: i64,
    reason: String,
) -> Result<StageEvent> {
    state.write(MOVED, move |c| handoff::reject(c, contact_id, &reason, now())).await
}

/// What a rule change touches: scores, and the stages of leads it qualifies.
const RESCORED: &[Area] = areas::SCORING;

#[tauri::command]
#[specta::specta]
pub async fn score_rules_list(state: State<'_, AppState>) -> Result<Vec<ScoreRule>> {
    state.read(scoring::list_rules).await
}

#[tauri::command]
#[specta::specta]
pub async fn score_rule_create(state: State<'_, AppState>, input: ScoreRuleInput) -> Result<ScoreRule> {
    state.write(RESCORED, move |c| scoring::create_rule(c, &input, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn score_rule_update(
    state: State<'_, AppState>,
    id: i64,
    input: ScoreRuleInput,
) -> Result<ScoreRule> {
    state.write(RESCORED, move |c| scoring::update_rule(c, id, &input, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn score_rule_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.write(RESCORED, move |c| scoring::delete_rule(c, id, now())).await
}

#[tauri::command]
#[specta::specta]
pub async fn spend_list(
    state: State<'_, AppState>,
    from_month: Option<String>,
    to_month: Option<String>,
) -> Result<Vec<ChannelSpend>> {
    state.read(move |c| channels::list_spend(c, from_month.as_deref(), to_month.as_deref())).await
}

#[tauri::command]
#[specta::specta]
pub async fn spend_set(state: State<'_, AppState>, input: SpendInput) -> Result<ChannelSpend> {
    state.write(areas::SPEND, move |c| channels::set_spend(c, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn spend_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.write(areas::SPEND, move |c| channels::delete_spend(c, id)).await
}
