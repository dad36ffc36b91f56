//! Purchases and the repeat figures of the customers who made them.

use crate::state::AppState;
use flywheel_core::areas::{self, Area};
use flywheel_core::at_risk::{self, AtRiskList};
use flywheel_core::currencies::{self, OtherCurrencies};
use flywheel_core::followups::Followup;
use flywheel_core::page::Page;
use flywheel_core::predict::shop::PredictionSummary;
use flywheel_core::purchases::{self, Purchase, PurchaseInput, PurchaseQuery};
use flywheel_core::referral_codes::CodedPurchase;
use flywheel_core::repeat::{self, CustomerFigures, CustomerQuery, RepeatTotals};
use flywheel_core::Result;
use tauri::State;

/// A purchase can make a contact a customer and earn (or lose) a referral reward.
const CHANGED: &[Area] = areas::PURCHASE;

#[tauri::command]
#[specta::specta]
pub async fn purchases_list(state: State<'_, AppState>, query: PurchaseQuery) -> Result<Page<Purchase>> {
    state.read(move |c| purchases::list(c, &query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn purchases_create(state: State<'_, AppState>, input: PurchaseInput) -> Result<Purchase> {
    state.write(CHANGED, move |c| purchases::create(c, &input)).await
}

/// Records a purchase carrying a discount or referral code: an advocate's code makes the referral,
/// and the answer says what the code did.
#[tauri::command]
#[specta::specta]
pub async fn purchases_create_with_code(
    state: State<'_, AppState>,
    input: PurchaseInput,
    code: Option<String>,
) -> Result<CodedPurchase> {
    state.write(CHANGED, move |c| flywheel_core::referral_codes::record(c, &input, code.as_deref())).await
}

#[tauri::command]
#[specta::specta]
pub async fn purchases_update(state: State<'_, AppState>, id: i64, input: PurchaseInput) -> Result<Purchase> {
    state.write(CHANGED, move |c| purchases::update(c, id, &input)).await
}

#[tauri::command]
#[specta::specta]
pub async fn purchases_refund(state: State<'_, AppState>, id: i64, amount_minor: i64) -> Result<Purchase> {
    state.write(CHANGED, move |c| purchases::refund(c, id, amount_minor)).await
}

#[tauri::command]
#[specta::specta]
pub async fn purchases_delete(state: State<'_, AppState>, id: i64) -> Result<()> {
    state.write(CHANGED, move |c| purchases::delete(c, id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn customers_list(
    state: State<'_, AppState>,
    query: CustomerQuery,
) -> Result<Page<CustomerFigures>> {
    state.read(move |c| repeat::list(c, &query)).await
}

#[tauri::command]
#[specta::specta]
pub async fn customers_totals(state: State<'_, AppState>, as_of: Option<String>) -> Result<RepeatTotals> {
    state.read(move |c| repeat::totals(c, as_of.as_deref())).await
}

/// Purchases in other currencies than the shop's, left out of the money figures, per currency.
#[tauri::command]
#[specta::specta]
pub async fn customers_other_currencies(
    state: State<'_, AppState>,
    as_of: Option<String>,
) -> Result<OtherCurrencies> {
    state.read(move |c| currencies::other(c, as_of.as_deref())).await
}

/// The prediction models as of a day: what was fitted, why something is not predicted, and the
/// predicted revenue from existing customers in the next 90 days.
#[tauri::command]
#[specta::specta]
pub async fn customers_model(state: State<'_, AppState>, as_of: Option<String>) -> Result<PredictionSummary> {
    state.read(move |c| Ok(repeat::predictions(c, as_of.as_deref())?.summary())).await
}

/// Valuable customers who are drifting away, most spent first.
#[tauri::command]
#[specta::specta]
pub async fn customers_at_risk(
    state: State<'_, AppState>,
    as_of: Option<String>,
    limit: u32,
) -> Result<AtRiskList> {
    state.read(move |c| at_risk::list(c, as_of.as_deref(), limit)).await
}

/// A call to win a customer back, due today.
#[tauri::command]
#[specta::specta]
pub async fn customers_win_back(state: State<'_, AppState>, contact_id: i64) -> Result<Followup> {
    state.write(areas::FOLLOWUP, move |c| at_risk::follow_up(c, contact_id)).await
}
