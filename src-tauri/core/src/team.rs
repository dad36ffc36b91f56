//! Moving between a solo file and a team database: `flywheel team push FILE URL` copies a solo
//! database into an empty team database, `flywheel team pull URL FILE` makes a solo copy of a team
//! database (a backup a person can open offline). Either way it is the same copy from one
//! connection to another, in one transaction on the receiving side.
//!
//! Only what people entered is copied, table by table in the order their keys need; everything
//! derived from it (the stage cache, duplicate keys, the summaries, the search index) is derived
//! again on the receiving side by its own triggers and the summaries' rebuild, so the copy holds
//! exactly what a database written by hand would.

use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::store::{Connection, Engine};
use rusqlite::types::Value;

/// The tables people's data lives in, in an order where every row's keys point at rows already
/// copied. Every other table is derived by triggers or by `summary::rebuild_all`.
pub const SOURCE_TABLES: &[&str] = &[
    "settings",
    "channels",
    "score_rules",
    "import_mappings",
    "import_batches",
    "import_prior_values",
    "people",
    "contacts",
    "referral_codes",
    "stage_events",
    "purchases",
    "testimonials",
    "nps_answers",
    "referrals",
    "followups",
    "channel_spend",
    "contact_merges",
];

/// What a copy moved: each table and its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub tables: Vec<(String, i64)>,
}

/// Copies every source table of `from` into `to`, which must hold no contacts yet (its settings,
/// built-in channels and rules are replaced by those of `from`). All or nothing.
pub fn copy(from: &Connection, to: &Connection) -> Result<Copied> {
    let has_contacts: bool = to.query_row("SELECT EXISTS (SELECT 1 FROM contacts)", [], |r| r.get(0))?;
    if has_contacts {
        return Err(Error::conflict(
            "The database to copy into already has contacts: copy into an empty one, so nothing is mixed or lost.",
        ));
    }
    let mut copied = Vec::new();
    with_tx(to, |to| {
        copied.clear();
        crate::summary::paused(to, |to| {
            for table in SOURCE_TABLES.iter().rev() {
                to.execute(&format!("DELETE FROM {table}"), [])?;
            }
            for table in SOURCE_TABLES {
                copied.push(((*table).to_owned(), copy_table(from, to, table)?));
            }
            to.resync_ids()?;
            Ok(())
        })
    })?;
    // The planner's figures for the new rows, now rather than when autovacuum comes round: a
    // plan made from an empty table's figures can take minutes on a full one.
    if to.engine() == Engine::Postgres {
        to.execute_batch("ANALYZE")?;
    }
    Ok(Copied { tables: copied })
}

/// One table's rows, column by column as stored, written in bulk (COPY on PostgreSQL).
fn copy_table(from: &Connection, to: &Connection, table: &str) -> Result<i64> {
    let columns = from.columns(table)?;
    if to.columns(table)? != columns {
        return Err(Error::storage(format!(
            "The two databases' {table} tables differ; both must be at the same schema version."
        )));
    }
    let mut read = from.prepare(&format!(
        "SELECT {} FROM {table} ORDER BY {}",
        columns.join(", "),
        from.row_order(table)?
    ))?;
    let mut rows = read.query([])?;
    let n = to.copy_in(table, &columns, || match rows.next()? {
        Some(row) => {
            Ok(Some((0..columns.len()).map(|i| row.get::<_, Value>(i)).collect::<rusqlite::Result<_>>()?))
        }
        None => Ok(None),
    })?;
    Ok(n as i64)
}
