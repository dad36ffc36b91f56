//! Contacts, purchases, testimonials and referrals as CSV, and everything as JSON. The contacts and
//! purchases files use the column names the importer maps by itself, so a file Flywheel writes
//! comes back in as the same data.

use super::{join_cell, write_file, ExportReport, Watch};
use crate::error::Result;
use crate::import::money::format_major;
use crate::snapshot;
use crate::store::Connection;
use crate::text_enum;
use crate::{db, time};
use std::io::Write;
use std::path::Path;

text_enum! {
    pub enum ExportTable {
        Contacts => "contacts",
        Purchases => "purchases",
        Testimonials => "testimonials",
        Referrals => "referrals",
    }
}

/// One table as CSV, oldest record first.
pub fn csv(
    conn: &Connection,
    table: ExportTable,
    path: &Path,
    watch: &mut Watch<'_>,
) -> Result<ExportReport> {
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM {}", table.as_str()), [], |r| r.get(0))?;
    let (rows, bytes) = write_file(path, |out| {
        let mut w = csv::Writer::from_writer(out);
        let (header, sql): (&[&str], &str) = match table {
            ExportTable::Contacts => (
                &["Email", "First Name", "Last Name", "Phone", "Company", "Segment", "Tags", "Source", "Stage", "Lead Score", "Notes", "Added"],
                "SELECT c.email, c.first_name, c.last_name, c.phone, c.company, c.segment, c.tags, ch.name, c.stage,
                        c.lead_score, c.notes, c.created_at
                 FROM contacts c JOIN channels ch ON ch.key = c.source ORDER BY c.id",
            ),
            ExportTable::Purchases => (
                &["Order ID", "Email", "First Name", "Last Name", "Date", "Amount", "Refunded", "Currency", "Product", "Quantity"],
                "SELECT p.external_id, c.email, c.first_name, c.last_name, p.purchased_on, p.amount_minor,
                        p.refunded_minor, p.currency, p.product, p.quantity
                 FROM purchases p JOIN contacts c ON c.id = p.contact_id ORDER BY p.id",
            ),
            ExportTable::Testimonials => (
                &["ID", "Customer", "Email", "Status", "Headline", "Quote", "Rating", "Product", "Segment", "Tags",
                  "May Publish", "Named", "Channels", "Consent Given", "Consent Withdrawn", "Incentive", "Approved", "Published", "Consent Note"],
                "SELECT t.id, trim(c.first_name || ' ' || c.last_name), c.email, t.status, t.headline, t.quote, t.rating,
                        t.product, t.segment, t.tags, t.consent_publish, t.consent_named, t.consent_channels,
                        t.consent_given_at, t.consent_withdrawn_at, t.incentive, t.approved_at, t.published_at,
                        t.consent_note
                 FROM testimonials t JOIN contacts c ON c.id = t.contact_id ORDER BY t.id",
            ),
            ExportTable::Referrals => (
                &["ID", "Advocate", "Advocate Email", "Referred", "Referred Email", "Referred On", "Referred Stage",
                  "Reward", "Reward Currency", "Reward Status", "Flags", "Notes"],
                "SELECT r.id, trim(a.first_name || ' ' || a.last_name), a.email, trim(c.first_name || ' ' || c.last_name),
                        c.email, r.referred_on, c.stage, r.reward_minor, r.reward_currency, r.reward_status, r.flags, r.notes
                 FROM referrals r JOIN contacts a ON a.id = r.advocate_id JOIN contacts c ON c.id = r.referred_id
                 ORDER BY r.id",
            ),
        };
        w.write_record(header)?;
        let mut stmt = conn.prepare(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut done = 0_i64;
        let mut cells: Vec<String> = Vec::with_capacity(n);
        while let Some(r) = rows.next()? {
            cells.clear();
            for i in 0..n {
                cells.push(text_of(r.get_ref(i)?));
            }
            shape_row(table, &mut cells)?;
            w.write_record(&cells)?;
            done += 1;
            watch.tick(done, total)?;
        }
        w.flush()?;
        Ok(done)
    })?;
    Ok(ExportReport { path: path.to_string_lossy().into_owned(), rows, skipped: 0, bytes, notes: Vec::new() })
}

/// A stored value as a CSV cell.
fn text_of(v: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match v {
        ValueRef::Null => String::new(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(f) => f.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(_) => String::new(),
    }
}

/// Turns stored encodings into what a person and the importer read: JSON lists into one cell,
/// minor units into amounts.
fn shape_row(table: ExportTable, cells: &mut [String]) -> Result<()> {
    let list = |cell: &mut String| -> Result<()> {
        let items: Vec<String> = serde_json::from_str(cell)?;
        *cell = join_cell(&items)?;
        Ok(())
    };
    match table {
        ExportTable::Contacts => list(&mut cells[6])?,
        ExportTable::Purchases => {
            let currency = cells[7].clone();
            for i in [5, 6] {
                let minor: i64 = cells[i].parse().unwrap_or(0);
                cells[i] = format_major(minor, &currency);
            }
        }
        ExportTable::Testimonials => {
            list(&mut cells[9])?;
            list(&mut cells[12])?;
        }
        ExportTable::Referrals => {
            let minor: i64 = cells[7].parse().unwrap_or(0);
            cells[7] = format_major(minor, &cells[8].clone());
            list(&mut cells[10])?;
        }
    }
    Ok(())
}

const JSON_TABLES: &[&str] = &[
    "channels",
    "channel_spend",
    "settings",
    "contacts",
    "stage_events",
    "purchases",
    "testimonials",
    "nps_answers",
    "referral_codes",
    "referrals",
    "followups",
    "import_batches",
];

/// Everything as one JSON document: `{format, schema_version, exported_at, tables: {name: [rows]}}`,
/// written row by row so memory stays flat.
pub fn json(conn: &Connection, path: &Path, watch: &mut Watch<'_>) -> Result<ExportReport> {
    let total: i64 = JSON_TABLES
        .iter()
        .map(|t| conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0)))
        .sum::<rusqlite::Result<i64>>()?;
    let (rows, bytes) = write_file(path, |out| {
        write!(
            out,
            "{{\"format\":\"flywheel-export\",\"schema_version\":{},\"exported_at\":{},\"tables\":{{",
            db::schema_version(conn)?,
            serde_json::to_string(&time::now_text())?
        )?;
        let mut done = 0_i64;
        for (ti, table) in JSON_TABLES.iter().enumerate() {
            write!(out, "{}\"{table}\":[", if ti > 0 { "," } else { "" })?;
            let mut stmt =
                conn.prepare(&format!("SELECT * FROM {table} ORDER BY {}", conn.row_order(table)?))?;
            let names: Vec<String> = stmt.column_names().iter().map(|n| (*n).to_owned()).collect();
            let mut rows = stmt.query([])?;
            let mut first = true;
            while let Some(r) = rows.next()? {
                let mut map = serde_json::Map::new();
                for (i, name) in names.iter().enumerate() {
                    map.insert(name.clone(), snapshot::to_json(r.get_ref(i)?));
                }
                if !first {
                    out.write_all(b",")?;
                }
                first = false;
                serde_json::to_writer(&mut *out, &map)?;
                done += 1;
                watch.tick(done, total)?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"}}\n")?;
        Ok(done)
    })?;
    Ok(ExportReport { path: path.to_string_lossy().into_owned(), rows, skipped: 0, bytes, notes: Vec::new() })
}
