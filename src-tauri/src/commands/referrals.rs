//! Referrals, their rewards and flags, and the chain below each advocate.

use crate::state::AppState;
use flywheel_core::areas;
use flywheel_core::chains::{self, ChainView, ReferralRow};
use flywheel_core::contacts::ContactInput;
use flywheel_core::page::Page;
use flywheel_core::referral_codes::{self, CodeCard, CodeResults};
use flywheel_core::referrals::{self, Referral, ReferralInput, ReferralQuery, RewardOpened, RewardStatus};
use flywheel_core::Result;
use tauri::State;

#[tauri::command]
#[specta::specta]
pub async fn referrals_rows(
    state: State<'_, AppState>,
    query: ReferralQuery,
    as_of: Option<String>,
) -> Result<Page<ReferralRow>> {
    state.read(move |c| chains::rows(c, &query, as_of.as_deref())).await
}

/// A referral entered after the referred contact bought owes its reward at once.
#[tauri::command]
#[specta::specta]
pub async fn referrals_create(state: State<'_, AppState>, input: ReferralInput) -> Result<Referral> {
    state.write(areas::REFERRAL, move |c| referrals::create(c, &input)).await
}

/// Someone new: their contact and the referral together.
#[tauri::command]
#[specta::specta]
pub async fn referrals_create_for_new_contact(
    state: State<'_, AppState>,
    contact: ContactInput,
    input: ReferralInput,
) -> Result<Referral> {
    state
        .write(areas::REFERRAL_FOR_NEW_CONTACT, move |c| {
            referrals::create_for_new_contact(c, &contact, &input)
        })
        .await
}

/// Marking a reward owed takes its amount when the referral has none (`amount_minor`).
#[tauri::command]
#[specta::specta]
pub async fn referrals_set_reward(
    state: State<'_, AppState>,
    id: i64,
    status: RewardStatus,
    note: String,
    amount_minor: Option<i64>,
    opened: Option<RewardOpened>,
) -> Result<Referral> {
    state
        .write(areas::REFERRAL, move |c| {
            referrals::if_reward_unchanged(c, id, opened.as_ref(), |c| {
                referrals::set_reward(c, id, status, &note, amount_minor)
            })
        })
        .await
}

/// What the reward is worth, until it is paid.
#[tauri::command]
#[specta::specta]
pub async fn referrals_set_reward_amount(
    state: State<'_, AppState>,
    id: i64,
    amount_minor: i64,
    opened: Option<RewardOpened>,
) -> Result<Referral> {
    state
        .write(areas::REFERRAL, move |c| {
            referrals::if_reward_unchanged(c, id, opened.as_ref(), |c| {
                referrals::set_reward_amount(c, id, amount_minor)
            })
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn referrals_update_notes(state: State<'_, AppState>, id: i64, notes: String) -> Result<Referral> {
    state.write(areas::REFERRAL, move |c| referrals::update_notes(c, id, &notes)).await
}

#[tauri::command]
#[specta::specta]
pub async fn referrals_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.write(areas::REFERRAL, move |c| referrals::delete(c, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn referral_chain(
    state: State<'_, AppState>,
    advocate_id: i64,
    as_of: Option<String>,
) -> Result<ChainView> {
    state.read(move |c| chains::chain(c, advocate_id, as_of.as_deref())).await
}

/// An advocate's referral code, the message to hand it over, and a free code to offer.
#[tauri::command]
#[specta::specta]
pub async fn referral_code_card(state: State<'_, AppState>, advocate_id: i64) -> Result<CodeCard> {
    state.read(move |c| referral_codes::card(c, advocate_id)).await
}

/// Gives an advocate a code (their earlier one is retired).
#[tauri::command]
#[specta::specta]
pub async fn referral_code_set(
    state: State<'_, AppState>,
    advocate_id: i64,
    code: String,
) -> Result<CodeCard> {
    state
        .write(areas::REFERRAL, move |c| {
            referral_codes::set(c, advocate_id, &code)?;
            referral_codes::card(c, advocate_id)
        })
        .await
}

/// Retires an advocate's code: it credits no more orders and is never given again.
#[tauri::command]
#[specta::specta]
pub async fn referral_code_retire(state: State<'_, AppState>, advocate_id: i64) -> Result<CodeCard> {
    state
        .write(areas::REFERRAL, move |c| {
            referral_codes::retire(c, advocate_id)?;
            referral_codes::card(c, advocate_id)
        })
        .await
}

/// Every code with its uses, referrals, referred customers and their revenue.
#[tauri::command]
#[specta::specta]
pub async fn referral_codes_results(state: State<'_, AppState>, retired: bool) -> Result<Vec<CodeResults>> {
    state.read(move |c| referral_codes::results(c, retired)).await
}
