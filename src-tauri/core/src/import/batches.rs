//! Every import is a batch: its file, hash, time and counts, and the handle that undoes it. Undo
//! deletes what the batch added and puts back the prior values of what it changed, so every
//! figure is what it was before the import.

use super::{ImportFormat, ImportKind};
use crate::error::{Error, Result};
use crate::store::{Connection, Row};
use crate::{customer_since, snapshot, time};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportBatch {
    pub id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    pub file_hash: String,
    pub format: ImportFormat,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub rows_read: i64,
    pub inserted: i64,
    pub updated: i64,
    pub skipped: i64,
    pub rejected: i64,
    pub undone_at: Option<String>,
}

const SELECT: &str =
    "SELECT id, kind, file_name, file_hash, format, started_at, finished_at, rows_read, inserted,
        updated, skipped, rejected, undone_at FROM import_batches";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ImportBatch> {
    Ok(ImportBatch {
        id: r.get(0)?,
        kind: r.get(1)?,
        file_name: r.get(2)?,
        file_hash: r.get(3)?,
        format: r.get(4)?,
        started_at: r.get(5)?,
        finished_at: r.get(6)?,
        rows_read: r.get(7)?,
        inserted: r.get(8)?,
        updated: r.get(9)?,
        skipped: r.get(10)?,
        rejected: r.get(11)?,
        undone_at: r.get(12)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<ImportBatch> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("import", id))
}

/// Past imports, newest first.
pub fn list(conn: &Connection) -> Result<Vec<ImportBatch>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} ORDER BY id DESC LIMIT 500"))?
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The latest import of a file with this hash that still stands, other than `except`.
pub fn earlier_import(conn: &Connection, hash: &str, except: i64) -> Result<Option<ImportBatch>> {
    Ok(conn
        .prepare_cached(&format!(
            "{SELECT} WHERE file_hash = ?1 AND id <> ?2 AND undone_at IS NULL ORDER BY id DESC LIMIT 1"
        ))?
        .query_row(params![hash, except], from_row)
        .optional()?)
}

/// Undoes an import in one transaction. Refused while a later import changed what this one
/// brought, or while records added since hang on contacts it created (undo would delete them).
pub fn undo(conn: &Connection, id: i64) -> Result<ImportBatch> {
    // An import's purchases leave together; their summaries are rebuilt once, at the end.
    crate::summary::paused(conn, |conn| {
        let batch = get(conn, id)?;
        if let Some(at) = &batch.undone_at {
            return Err(Error::conflict(format!("Import #{id} was already undone on {at}.")));
        }
        let later: Option<i64> = conn.query_row(
            "SELECT min(v.batch_id) FROM import_prior_values v JOIN import_batches b ON b.id = v.batch_id
             WHERE v.batch_id > ?1 AND b.undone_at IS NULL AND (
                 (v.table_name = 'contacts' AND v.row_id IN (SELECT id FROM contacts WHERE import_batch_id = ?1))
                 OR (v.table_name = 'purchases' AND v.row_id IN (SELECT id FROM purchases WHERE import_batch_id = ?1))
                 OR (v.table_name = 'stage_events' AND v.row_id IN (SELECT id FROM stage_events WHERE import_batch_id = ?1))
                 OR EXISTS (SELECT 1 FROM import_prior_values w
                            WHERE w.batch_id = ?1 AND w.table_name = v.table_name AND w.row_id = v.row_id))",
            [id],
            |r| r.get(0),
        )?;
        if let Some(later) = later {
            return Err(Error::conflict(format!(
                "Import #{later} changed records that import #{id} brought in or changed; undo #{later} first."
            )));
        }
        let added_since: i64 = conn.query_row(
            "WITH mine AS (SELECT id FROM contacts WHERE import_batch_id = ?1)
             SELECT (SELECT count(*) FROM purchases WHERE contact_id IN (SELECT id FROM mine) AND import_batch_id IS NOT ?1)
                  + (SELECT count(*) FROM stage_events WHERE contact_id IN (SELECT id FROM mine) AND import_batch_id IS NOT ?1)
                  + (SELECT count(*) FROM testimonials WHERE contact_id IN (SELECT id FROM mine))
                  + (SELECT count(*) FROM nps_answers WHERE contact_id IN (SELECT id FROM mine))
                  + (SELECT count(*) FROM referrals
                     WHERE (advocate_id IN (SELECT id FROM mine) OR referred_id IN (SELECT id FROM mine))
                       AND import_batch_id IS NOT ?1)
                  + (SELECT count(*) FROM followups WHERE contact_id IN (SELECT id FROM mine))",
            [id],
            |r| r.get(0),
        )?;
        if added_since > 0 {
            return Err(Error::conflict(format!(
                "Since import #{id}, {added_since} records (purchases, stage changes, testimonials, NPS answers, \
                 referrals or follow-ups) were added to contacts it created; undoing it would delete them too. \
                 Remove or move those records first."
            )));
        }
        // Whose purchases change: their customer stage is placed again once the batch is gone.
        let buyers: Vec<i64> = conn
            .prepare(
                "SELECT contact_id FROM purchases WHERE import_batch_id = ?1
                 UNION SELECT p.contact_id FROM import_prior_values v JOIN purchases p ON p.id = v.row_id
                       WHERE v.batch_id = ?1 AND v.table_name = 'purchases'
                 ORDER BY 1",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // The referrals its orders' codes made go first, with their rewards.
        conn.execute("DELETE FROM referrals WHERE import_batch_id = ?1", [id])?;
        conn.execute("DELETE FROM purchases WHERE import_batch_id = ?1", [id])?;
        conn.execute("DELETE FROM stage_events WHERE import_batch_id = ?1", [id])?;
        conn.execute("DELETE FROM contacts WHERE import_batch_id = ?1", [id])?;
        let prior: Vec<(String, String)> = conn
            .prepare("SELECT table_name, row_json FROM import_prior_values WHERE batch_id = ?1")?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (table, json) in prior {
            let table = match table.as_str() {
                "contacts" => "contacts",
                "purchases" => "purchases",
                "referrals" => "referrals",
                "stage_events" => "stage_events",
                other => {
                    return Err(Error::storage(format!(
                        "Import #{id} kept a row of an unknown table '{other}'."
                    )))
                }
            };
            snapshot::restore_row(conn, table, &json)?;
        }
        // With the stage events put back as they were this changes nothing, unless purchases were
        // entered by hand since.
        for contact_id in buyers {
            customer_since::rederive(conn, contact_id)?;
        }
        super::currency::restore(conn, id)?;
        conn.execute(
            "UPDATE import_batches SET undone_at = ?2 WHERE id = ?1",
            params![id, time::now_text()],
        )?;
        get(conn, id)
    })
}
