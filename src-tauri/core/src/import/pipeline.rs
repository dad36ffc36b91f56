//! The one pass over the file: read a row, parse it, gather an order's lines, store the record —
//! all in one transaction, committed only when asked and when every check passed. A dry run goes
//! through exactly the same steps and rolls back, so its counts are the commit's counts.

use super::currency;
use super::parse::{self, Parsed, MAX_CELL_BYTES};
use super::plan::Plan;
use super::write::{self, Stored, Writer};
use super::{
    batches, ImportKind, ImportProgress, ImportReport, ImportRequest, PreviewRow, RowError, SkipReason,
};
use crate::db;
use crate::error::{Error, Result};
use crate::import::mapping;
use crate::store::Connection;
use crate::summary;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Rejected rows kept for the report; the count covers them all.
const MAX_ERRORS: usize = 1000;
const PREVIEW_ROWS: usize = 20;
/// The page cache during an import, in KiB (negative: SQLite's unit for a size in KiB). It holds the
/// index pages a large import keeps coming back to; it is most of the import's memory, so it stays
/// within the 100 MB the import may take (docs/BENCHMARKS.md).
pub const IMPORT_CACHE_KIB: i64 = -64 * 1024;
/// Rows between progress reports and cancel checks.
const TICK: i64 = 4096;

/// Runs an import. With `commit` false it is a dry run: nothing is written. `progress` hears how
/// far it is; setting `cancel` stops it and leaves nothing written.
pub fn run(
    conn: &Connection,
    req: &ImportRequest,
    commit: bool,
    progress: &mut dyn FnMut(&ImportProgress),
    cancel: &AtomicBool,
) -> Result<ImportReport> {
    let started = Instant::now();
    let (plan, _) = Plan::prepare(conn, req)?;
    plan.check_ready()?;
    // Run again from the file's first row when a team database's transaction must be retried.
    let mut work = |c: &Connection| {
        let had_purchases = currency::shop_has_purchases(c)?;
        let mut report = Pass::new(c, &plan)?.run(progress, cancel)?;
        let batch_id = report.batch_id.unwrap_or(0);
        if plan.kind == ImportKind::Purchases {
            report.currencies = currency::settle(
                c,
                batch_id,
                had_purchases,
                req.shop_currency.as_deref(),
                req.adopt_file_currency,
            )?;
        }
        report.already_imported = batches::earlier_import(c, &report.file_hash, batch_id)?;
        if commit {
            if let (Some(earlier), false) = (&report.already_imported, req.import_again) {
                return Err(Error::conflict_on(
                    "import_again",
                    format!(
                        "This file was already imported on {} (import #{}). Import it again only if you mean to.",
                        earlier.started_at, earlier.id
                    ),
                ));
            }
            mapping::remember(c, &plan.headers, &plan.mapping)?;
        } else {
            report.batch_id = None;
        }
        report.committed = commit;
        Ok(report)
    };
    // A bigger page cache for the length of the import keeps the indexes being filled in memory
    // (bounded, whatever the file's size); the connection gets its own size back afterwards.
    let cache: Option<i64> = match conn.sqlite() {
        Some(lite) => Some(lite.pragma_query_value(None, "cache_size", |r| r.get(0))?),
        None => None,
    };
    conn.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
    // Purchase summaries are rebuilt once for the contacts the file touched, not row by row.
    let result = if commit {
        db::with_tx(conn, |c| summary::paused(c, &mut work))
    } else {
        db::with_rollback(conn, |c| summary::paused(c, &mut work))
    };
    if let Some(cache) = cache {
        conn.pragma_update(None, "cache_size", cache)?;
    }
    let mut report = result?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The state of one pass over the file.
struct Pass<'c, 'p> {
    plan: &'p Plan,
    writer: Writer<'c>,
    counts: [i64; 4],
    rows_read: i64,
    errors: Vec<RowError>,
    preview: Vec<PreviewRow>,
    skipped: BTreeMap<String, i64>,
    /// Lines of the order being gathered (formats whose orders span rows), with its first row.
    pending: Option<(i64, Parsed)>,
}

impl<'c, 'p> Pass<'c, 'p> {
    fn new(conn: &'c Connection, plan: &'p Plan) -> Result<Self> {
        Ok(Pass {
            plan,
            writer: Writer::start(conn, plan)?,
            counts: [0; 4],
            rows_read: 0,
            errors: Vec::new(),
            preview: Vec::new(),
            skipped: BTreeMap::new(),
            pending: None,
        })
    }

    fn run(mut self, progress: &mut dyn FnMut(&ImportProgress), cancel: &AtomicBool) -> Result<ImportReport> {
        let plan = self.plan;
        let mut csv = plan.reopen()?;
        let width = plan.headers.len();
        let total_bytes = csv.total_bytes as i64;
        loop {
            let bytes = csv.bytes_read() as i64;
            let Some(row) = csv.next_row()? else { break };
            let number = row.number as i64;
            self.rows_read += 1;
            if self.rows_read % TICK == 0 {
                if cancel.load(Ordering::Relaxed) {
                    return Err(Error::cancelled());
                }
                progress(&ImportProgress { rows: self.rows_read, bytes, total_bytes });
            }
            let cells = match row.cells {
                Ok(cells) => cells,
                Err(why) => {
                    self.reject(number, None, format!("This row {why}"));
                    continue;
                }
            };
            if let Some((i, _)) = cells.iter().enumerate().find(|(_, c)| c.len() > MAX_CELL_BYTES) {
                return Err(Error::invalid(
                    "file",
                    format!(
                        "Row {number}, column '{}', holds {} MB of text; no real value is that long, so the file \
                         looks damaged. Nothing was imported.",
                        plan.headers.get(i).map_or("?", String::as_str),
                        cells[i].len() / 1_000_000
                    ),
                ));
            }
            if cells.len() > width {
                self.reject(
                    number,
                    None,
                    format!(
                        "This row has {} cells but the header names {width} columns (a delimiter inside an \
                         unquoted cell?).",
                        cells.len()
                    ),
                );
                continue;
            }
            match parse::row(plan, &cells) {
                Ok(parsed) => self.take(number, parsed)?,
                Err(e) => self.reject(number, e.column, e.reason),
            }
        }
        self.flush()?;
        csv.check_balanced()?;
        csv.check_complete(width)?;
        if self.rows_read == 0 {
            return Err(Error::invalid(
                "file",
                "The file has a header row but no data rows: nothing to import.",
            ));
        }
        progress(&ImportProgress { rows: self.rows_read, bytes: total_bytes, total_bytes });
        let hash = csv.hash();
        let codes = self.writer.finish(self.rows_read, self.counts, &hash)?;
        let mut notes = codes.notes();
        if plan.walk_in && self.counts[0] + self.counts[1] > 0 {
            notes.push(
                "The file names no customer, so its sales are booked to one contact, \"Walk-in customers\". Map \
                 an email or name column to book them to each customer."
                    .to_owned(),
            );
        }
        let [inserted, updated, skipped, rejected] = self.counts;
        Ok(ImportReport {
            batch_id: Some(self.writer.batch_id),
            committed: false,
            file_name: plan.file_name.clone(),
            file_hash: hash,
            format: plan.format,
            kind: plan.kind,
            rows_read: self.rows_read,
            inserted,
            updated,
            skipped,
            rejected,
            contacts_created: self.writer.contacts_created,
            skipped_reasons: self
                .skipped
                .into_iter()
                .map(|(reason, count)| SkipReason { reason, count })
                .collect(),
            errors: self.errors,
            preview_columns: write::preview_columns(plan.kind),
            preview: self.preview,
            notes,
            currencies: Default::default(),
            codes,
            already_imported: None,
            seconds: 0.0,
        })
    }

    /// A parsed row: a contact, a whole purchase, or one line of an order still being gathered.
    fn take(&mut self, row: i64, parsed: Parsed) -> Result<()> {
        if self.plan.kind == ImportKind::Contacts {
            let stored = self.writer.contact(self.plan, &parsed.person)?;
            return self.record(row, stored);
        }
        let groups = self.plan.format.groups_rows() && parsed.sale.order_id.is_some();
        if let Some((_, open)) = &mut self.pending {
            if groups && open.sale.order_id == parsed.sale.order_id {
                open.sale.absorb(parsed.sale);
                return Ok(());
            }
        }
        self.flush()?;
        if groups {
            self.pending = Some((row, parsed));
            return Ok(());
        }
        let stored = self.writer.purchase(self.plan, &parsed.person, &parsed.sale)?;
        self.record(row, stored)
    }

    fn flush(&mut self) -> Result<()> {
        if let Some((row, order)) = self.pending.take() {
            let stored = self.writer.purchase(self.plan, &order.person, &order.sale)?;
            self.record(row, stored)?;
        }
        Ok(())
    }

    fn record(&mut self, row: i64, stored: Stored) -> Result<()> {
        match &stored {
            Stored::New(_) => self.counts[0] += 1,
            Stored::Updated(_) => self.counts[1] += 1,
            Stored::Skipped(reason, _) => {
                self.counts[2] += 1;
                *self.skipped.entry(reason.clone()).or_default() += 1;
            }
            Stored::Merged => {}
            Stored::Rejected(column, reason) => {
                self.reject(row, column.clone(), reason.clone());
                return Ok(());
            }
        }
        if self.preview.len() < PREVIEW_ROWS {
            self.preview.extend(stored.preview(row));
            self.writer.previewing = self.preview.len() < PREVIEW_ROWS;
        }
        Ok(())
    }

    fn reject(&mut self, row: i64, column: Option<String>, reason: String) {
        self.counts[3] += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(RowError { row, column, reason });
        }
    }
}
