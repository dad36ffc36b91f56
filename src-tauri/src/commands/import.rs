//! Import: inspect a file, run it (dry run or commit) with progress and cancel, past imports and
//! undo, and duplicate contacts to merge.

use crate::jobs::Jobs;
use crate::state::AppState;
use flywheel_core::areas::{self, Area};
use flywheel_core::import::{
    self, batches, ImportBatch, ImportFormat, ImportKind, ImportProgress, ImportReport, ImportRequest,
    Inspection,
};
use flywheel_core::merge::{self, MergeRecord, MergeSuggestion};
use flywheel_core::Result;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::State;

/// The areas an import or its undo can change (`areas::IMPORT`).
const IMPORTED: &[Area] = areas::IMPORT;

#[tauri::command]
#[specta::specta]
pub async fn import_inspect(
    state: State<'_, AppState>,
    path: String,
    kind: Option<ImportKind>,
    format: Option<ImportFormat>,
) -> Result<Inspection> {
    state.read(move |c| import::inspect(c, &PathBuf::from(path), kind, format)).await
}

/// Runs an import as job `job_id`: a dry run unless `commit`. Progress goes to `on_progress`.
#[tauri::command]
#[specta::specta]
pub async fn import_run(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    request: ImportRequest,
    commit: bool,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportReport> {
    let report = jobs
        .run(&state.store(), &job_id, move |c, cancel| {
            import::run(c, &request, commit, &mut |p| drop(on_progress.send(p.clone())), cancel)
        })
        .await?;
    if commit {
        (state.notify)(IMPORTED);
    }
    Ok(report)
}

/// Asks a running job (import, export, backup) to stop; `false` when it already ended.
#[tauri::command]
#[specta::specta]
pub fn job_cancel(jobs: State<'_, Jobs>, job_id: String) -> bool {
    jobs.cancel(&job_id)
}

#[tauri::command]
#[specta::specta]
pub async fn imports_list(state: State<'_, AppState>) -> Result<Vec<ImportBatch>> {
    state.read(batches::list).await
}

#[tauri::command]
#[specta::specta]
pub async fn imports_undo(state: State<'_, AppState>, id: i64) -> Result<ImportBatch> {
    state.write(IMPORTED, move |c| batches::undo(c, id)).await
}

/// Likely duplicate contacts, looked for as job `job_id` on its own connection so no other
/// command waits for it; the window cancels it (`job_cancel`) when the panel goes.
#[tauri::command]
#[specta::specta]
pub async fn merge_suggestions(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    limit: u32,
) -> Result<Vec<MergeSuggestion>> {
    jobs.run(&state.store(), &job_id, move |c, cancel| merge::suggest(c, limit, cancel)).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_merge(
    state: State<'_, AppState>,
    survivor_id: i64,
    merged_id: i64,
) -> Result<MergeRecord> {
    state.write(areas::MERGE, move |c| merge::merge(c, survivor_id, merged_id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn merges_list(state: State<'_, AppState>) -> Result<Vec<MergeRecord>> {
    state.read(merge::list).await
}

#[tauri::command]
#[specta::specta]
pub async fn merge_undo(state: State<'_, AppState>, id: i64) -> Result<MergeRecord> {
    state.write(areas::MERGE, move |c| merge::undo(c, id)).await
}
