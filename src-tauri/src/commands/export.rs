//! Exports, backup and restore. Each export runs as a job on its own connection, with progress
//! and cancel, so the window never waits on it.

use crate::jobs::Jobs;
use crate::state::AppState;
use flywheel_core::backup::{self, RestoreReport};
use flywheel_core::export::{
    case_study, leads, tables, CaseStudyFilter, CaseStudyFormat, ExportProgress, ExportReport, ExportTable,
    LeadFilter, LeadFormat, Watch,
};
use flywheel_core::Result;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::State;

/// Gives a job's progress to the window and its cancel flag to the core.
fn watch<'a>(
    send: &'a mut dyn FnMut(&ExportProgress),
    cancel: &'a std::sync::atomic::AtomicBool,
) -> Watch<'a> {
    Watch { progress: send, cancel }
}

#[tauri::command]
#[specta::specta]
pub async fn export_referral_leads(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    filter: LeadFilter,
    format: LeadFormat,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportReport> {
    jobs.run(&state.store, &job_id, move |c, cancel| {
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        leads::export(c, &filter, format, &PathBuf::from(path), &mut watch(&mut send, cancel))
    })
    .await
}

/// Case studies as Markdown (`.md`) or one HTML page (`.html`), by the file name's extension.
#[tauri::command]
#[specta::specta]
pub async fn export_case_study(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    filter: CaseStudyFilter,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportReport> {
    jobs.run(&state.store, &job_id, move |c, cancel| {
        let path = PathBuf::from(path);
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        case_study::export(
            c,
            &filter,
            CaseStudyFormat::from_path(&path)?,
            &path,
            &mut watch(&mut send, cancel),
        )
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn export_table(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    table: ExportTable,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportReport> {
    jobs.run(&state.store, &job_id, move |c, cancel| {
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        tables::csv(c, table, &PathBuf::from(path), &mut watch(&mut send, cancel))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn export_json(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportReport> {
    jobs.run(&state.store, &job_id, move |c, cancel| {
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        tables::json(c, &PathBuf::from(path), &mut watch(&mut send, cancel))
    })
    .await
}

/// A copy of the whole database; returns its size in bytes.
#[tauri::command]
#[specta::specta]
pub async fn backup_create(
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    on_progress: Channel<ExportProgress>,
) -> Result<i64> {
    jobs.run(&state.store, &job_id, move |c, cancel| {
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        backup::backup(c, &PathBuf::from(path), &mut watch(&mut send, cancel))
    })
    .await
}

/// Replaces the database with a checked backup; the current file is kept aside first.
#[tauri::command]
#[specta::specta]
pub async fn backup_restore(state: State<'_, AppState>, path: String) -> Result<RestoreReport> {
    state
        .write(&["all"], move |c| {
            let never = std::sync::atomic::AtomicBool::new(false);
            backup::restore(c, &PathBuf::from(path), &mut Watch { progress: &mut |_| {}, cancel: &never })
        })
        .await
}
