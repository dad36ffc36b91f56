//! Exports, backup and restore. Each export runs as a job on its own connection, with progress
//! and cancel, so the window never waits on it.

use crate::jobs::Jobs;
use crate::state::AppState;
use flywheel_core::areas;
use flywheel_core::backup::{self, RestoreReport};
use flywheel_core::export::{
    case_study, leads, tables, CaseStudyFilter, CaseStudyFormat, ExportProgress, ExportReport, ExportTable,
    LeadFilter, LeadFormat, Watch,
};
use flywheel_core::Result;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::{Runtime, State};

/// The user's folders, read once when the app starts, for exports given a bare file name.
pub struct Places {
    documents: Option<PathBuf>,
    home: Option<PathBuf>,
}

impl Places {
    pub fn of<R: Runtime>(paths: &tauri::path::PathResolver<R>) -> Places {
        Places { documents: paths.document_dir().ok(), home: paths.home_dir().ok() }
    }

    /// Where the file goes: a bare name goes to the user's Documents folder (core `resolve_path`).
    fn target(&self, path: &str) -> PathBuf {
        flywheel_core::export::resolve_path(path, self.documents.as_deref(), self.home.as_deref())
    }
}

/// Gives a job's progress to the window and its cancel flag to the core.
fn watch<'a>(
    send: &'a mut dyn FnMut(&ExportProgress),
    cancel: &'a std::sync::atomic::AtomicBool,
) -> Watch<'a> {
    Watch { progress: send, cancel }
}

// The window's arguments plus the three states Tauri hands every export.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
#[specta::specta]
pub async fn export_referral_leads(
    places: State<'_, Places>,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    filter: LeadFilter,
    format: LeadFormat,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportReport> {
    let path = places.target(&path);
    jobs.run(&state.store(), &job_id, move |c, cancel| {
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        leads::export(c, &filter, format, &path, &mut watch(&mut send, cancel))
    })
    .await
}

/// Case studies as Markdown (`.md`) or one HTML page (`.html`), by the file name's extension.
#[tauri::command]
#[specta::specta]
pub async fn export_case_study(
    places: State<'_, Places>,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    filter: CaseStudyFilter,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportReport> {
    let path = places.target(&path);
    jobs.run(&state.store(), &job_id, move |c, cancel| {
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
    places: State<'_, Places>,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    table: ExportTable,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportReport> {
    let path = places.target(&path);
    jobs.run(&state.store(), &job_id, move |c, cancel| {
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        tables::csv(c, table, &path, &mut watch(&mut send, cancel))
    })
    .await
}

#[tauri::command]
#[specta::specta]
pub async fn export_json(
    places: State<'_, Places>,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    on_progress: Channel<ExportProgress>,
) -> Result<ExportReport> {
    let path = places.target(&path);
    jobs.run(&state.store(), &job_id, move |c, cancel| {
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        tables::json(c, &path, &mut watch(&mut send, cancel))
    })
    .await
}

/// Where a backup was written, in full (a bare name went to Documents), and its size.
#[derive(Debug, Clone, serde::Serialize, specta::Type)]
pub struct BackupWritten {
    pub path: String,
    pub bytes: i64,
}

/// A copy of the whole database: where it went and its size in bytes.
#[tauri::command]
#[specta::specta]
pub async fn backup_create(
    places: State<'_, Places>,
    state: State<'_, AppState>,
    jobs: State<'_, Jobs>,
    job_id: String,
    path: String,
    on_progress: Channel<ExportProgress>,
) -> Result<BackupWritten> {
    let path = places.target(&path);
    let shown = path.to_string_lossy().into_owned();
    jobs.run(&state.store(), &job_id, move |c, cancel| {
        let mut send = |p: &ExportProgress| drop(on_progress.send(p.clone()));
        backup::backup(c, &path, &mut watch(&mut send, cancel))
    })
    .await
    .map(|bytes| BackupWritten { path: shown, bytes })
}

/// Replaces the database with a checked backup; the current file is kept aside first.
#[tauri::command]
#[specta::specta]
pub async fn backup_restore(state: State<'_, AppState>, path: String) -> Result<RestoreReport> {
    state
        .write(areas::EVERYTHING, move |c| {
            let never = std::sync::atomic::AtomicBool::new(false);
            backup::restore(c, &PathBuf::from(path), &mut Watch { progress: &mut |_| {}, cancel: &never })
        })
        .await
}
