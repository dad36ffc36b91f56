//! Export: the files users need back — referral-sourced leads for HubSpot and Mailchimp, case
//! studies in Markdown and print-ready HTML, every table as CSV, everything as JSON. Files are
//! written beside their target and renamed into place at the end, so a cancelled or failed export
//! never leaves half a file.

pub mod case_study;
pub mod html;
pub mod leads;
pub mod tables;

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub use case_study::{CaseStudyFilter, CaseStudyFormat};
pub use leads::{LeadFilter, LeadFormat};
pub use tables::ExportTable;

/// Where an export (or backup) given `typed` goes: a bare file name ("leads.csv", no folder) goes to
/// the user's Documents folder (the system's, else `~/Documents` when it exists, else the home
/// folder), never to wherever the app happened to start; a path with a folder, or one chosen in the
/// save dialog, is used as it is. `~/` means the home folder.
pub fn resolve_path(typed: &str, documents: Option<&Path>, home: Option<&Path>) -> PathBuf {
    let typed = typed.trim();
    if let (Some(rest), Some(home)) = (typed.strip_prefix("~/"), home) {
        return home.join(rest);
    }
    let path = PathBuf::from(typed);
    let bare =
        !typed.is_empty() && path.parent().is_none_or(|p| p.as_os_str().is_empty()) && !path.is_absolute();
    if !bare {
        return path;
    }
    let home_documents = home.map(|h| h.join("Documents")).filter(|d| d.is_dir());
    match documents.map(Path::to_path_buf).or(home_documents).or_else(|| home.map(Path::to_path_buf)) {
        Some(dir) => dir.join(path),
        None => path,
    }
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ExportReport {
    pub path: String,
    /// Records written.
    pub rows: i64,
    /// Records left out, with why in `notes`.
    pub skipped: i64,
    pub bytes: i64,
    pub notes: Vec<String>,
}

/// How far a running export (or backup) is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ExportProgress {
    pub done: i64,
    /// Zero when the total is not known in advance.
    pub total: i64,
}

/// Hears progress and answers whether to stop; checked every `TICK` records.
pub struct Watch<'a> {
    pub progress: &'a mut dyn FnMut(&ExportProgress),
    pub cancel: &'a AtomicBool,
}

const TICK: i64 = 1000;

impl Watch<'_> {
    /// Counts one more record; reports and checks for cancel now and then.
    pub fn tick(&mut self, done: i64, total: i64) -> Result<()> {
        if done % TICK == 0 {
            if self.cancel.load(Ordering::Relaxed) {
                return Err(Error::cancelled());
            }
            (self.progress)(&ExportProgress { done, total });
        }
        Ok(())
    }
}

/// Where a file is written before it is complete.
pub(crate) fn part_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    path.with_file_name(name)
}

/// Writes `path` through `f`; the file appears only when `f` succeeded.
pub fn write_file<T>(path: &Path, f: impl FnOnce(&mut BufWriter<File>) -> Result<T>) -> Result<(T, i64)> {
    if path.as_os_str().is_empty() {
        return Err(Error::invalid("path", "Choose where to save the file."));
    }
    let part = part_path(path);
    let file = File::create(&part)
        .map_err(|e| Error::invalid("path", format!("Cannot write {}: {e}", path.display())))?;
    let mut out = BufWriter::new(file);
    let result = f(&mut out).and_then(|t| {
        out.flush()?;
        Ok(t)
    });
    drop(out);
    match result {
        Ok(t) => {
            std::fs::rename(&part, path)?;
            let bytes = std::fs::metadata(path)?.len() as i64;
            Ok((t, bytes))
        }
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            Err(e)
        }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Self {
        Error::new(crate::ErrorCode::Io, format!("Could not write the CSV file: {e}"))
    }
}

/// A CSV record as one cell of text (for lists such as tags inside a cell): quoted as needed,
/// so the importer splits it back exactly.
pub fn join_cell(items: &[String]) -> Result<String> {
    if items.is_empty() {
        return Ok(String::new());
    }
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(items)?;
    let bytes = w.into_inner().map_err(|e| Error::storage(format!("Could not write a list: {e}")))?;
    Ok(String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        let e = write_file(&path, |w| {
            w.write_all(b"half")?;
            Err::<(), _>(Error::cancelled())
        });
        assert!(e.is_err());
        assert!(!path.exists() && !part_path(&path).exists());
        let ((), bytes) = write_file(&path, |w| Ok(w.write_all(b"whole")?)).unwrap();
        assert_eq!((bytes, std::fs::read_to_string(&path).unwrap().as_str()), (5, "whole"));
    }

    #[test]
    fn lists_in_a_cell_are_quoted_when_needed() {
        assert_eq!(join_cell(&["vip".into(), "wholesale".into()]).unwrap(), "vip,wholesale");
        assert_eq!(join_cell(&["a, b".into(), "c".into()]).unwrap(), "\"a, b\",c");
        assert_eq!(join_cell(&[]).unwrap(), "");
    }
}
