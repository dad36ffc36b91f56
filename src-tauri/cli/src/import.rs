//! `flywheel import FILE` and `flywheel imports list|undo`: the window's import pipeline on the
//! command line.

use crate::output;
use flywheel_core::currencies;
use flywheel_core::import::{
    self, batches, mapping, DateOrder, DecimalMark, ImportFormat, ImportKind, ImportReport, ImportRequest,
};
use flywheel_core::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[derive(clap::Args)]
pub struct Args {
    /// The CSV file (Shopify, Stripe, Square, HubSpot, Mailchimp or any spreadsheet).
    file: PathBuf,
    /// What the rows become: contacts or purchases. Default: what the format usually holds.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<ImportKind>,
    /// auto, or one of: shopify-customers, shopify-orders, stripe-payments, square-items,
    /// hubspot-contacts, mailchimp-audience, generic.
    #[arg(long, default_value = "auto", value_parser = parse_format)]
    format: Format,
    /// Map a column to a field (or `ignore`), e.g. --map "Order date=date". Repeatable.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    maps: Vec<String>,
    /// The order of a column's 03/04/2024-style dates: COLUMN=mdy or COLUMN=dmy. Repeatable.
    #[arg(long = "date-order", value_name = "COLUMN=ORDER")]
    date_orders: Vec<String>,
    /// The decimal mark of a money column: COLUMN=dot or COLUMN=comma. Repeatable.
    #[arg(long = "decimal", value_name = "COLUMN=MARK")]
    decimals: Vec<String>,
    /// The shop's currency for this import: amounts that name none are in it, and a shop with no
    /// purchases yet takes it as its currency. Without it, a first import whose amounts are all in
    /// one other currency makes that currency the shop's, and says so.
    #[arg(long)]
    currency: Option<String>,
    /// Check everything and report, but write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import the file even though this very file was imported before.
    #[arg(long)]
    again: bool,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy)]
pub enum Format {
    Auto,
    Named(ImportFormat),
}

fn parse_kind(text: &str) -> Result<ImportKind, String> {
    ImportKind::parse(text).ok_or_else(|| "expected contacts or purchases".to_owned())
}

fn parse_format(text: &str) -> Result<Format, String> {
    if text == "auto" {
        return Ok(Format::Auto);
    }
    ImportFormat::parse(text).map(Format::Named).ok_or_else(|| {
        let names: Vec<&str> = ImportFormat::ALL.iter().map(|f| f.as_str()).collect();
        format!("expected auto or one of: {}", names.join(", "))
    })
}

/// Splits `COLUMN=VALUE` answers into a map, parsing each value.
fn answers<T>(
    field: &str,
    items: &[String],
    parse: fn(&str) -> Option<T>,
) -> Result<std::collections::BTreeMap<String, T>> {
    items
        .iter()
        .map(|item| {
            let bad = || Error::invalid(field, format!("'{item}' should look like COLUMN=VALUE."));
            let (column, value) = item.rsplit_once('=').ok_or_else(bad)?;
            Ok((column.trim().to_owned(), parse(value.trim()).ok_or_else(bad)?))
        })
        .collect()
}

pub fn run(db: &Path, args: &Args) -> Result<()> {
    let conn = flywheel_core::db::open(db)?;
    let format = match args.format {
        Format::Auto => None,
        Format::Named(f) => Some(f),
    };
    let seen = import::inspect(&conn, &args.file, args.kind, format)?;
    let mut map = seen.mapping.clone();
    mapping::apply_overrides(&seen.headers, &mut map, &args.maps)?;
    let unmapped = mapping::unmapped(&seen.headers, &map);
    let req = ImportRequest {
        path: args.file.to_string_lossy().into_owned(),
        kind: args.kind,
        format,
        mapping: Some(map),
        date_orders: answers("date_orders", &args.date_orders, DateOrder::parse)?,
        decimal_marks: answers("decimal_marks", &args.decimals, DecimalMark::parse)?,
        currency: args.currency.clone(),
        shop_currency: args.currency.clone(),
        adopt_file_currency: args.currency.is_none(),
        import_again: args.again,
    };
    let report = import::run(&conn, &req, !args.dry_run, &mut |_| {}, &AtomicBool::new(false))?;
    if args.json {
        return output::emit(&format!("{}\n", serde_json::to_string_pretty(&report)?));
    }
    let mut text = format!(
        "{} {} ({}, {}, {} as {}): {} rows in {:.2} s ({:.0} rows/s)\n",
        if report.committed { "Imported" } else { "Dry run of" },
        report.file_name,
        seen.format_label,
        seen.encoding.as_str(),
        seen.delimiter.as_str(),
        report.kind.as_str(),
        report.rows_read,
        report.seconds,
        report.rows_read as f64 / report.seconds.max(1e-9),
    );
    text.push_str(&format!("  {}\n", seen.format_reason));
    if !unmapped.is_empty() {
        text.push_str(&format!("  not imported: {}\n", unmapped.join(", ")));
    }
    text.push_str(&format!(
        "  new {}  updated {}  skipped {}  rejected {}  (contacts created: {})\n",
        report.inserted, report.updated, report.skipped, report.rejected, report.contacts_created
    ));
    for r in &report.skipped_reasons {
        text.push_str(&format!("  skipped {}: {}\n", r.count, r.reason));
    }
    for note in &report.notes {
        text.push_str(&format!("  note: {note}\n"));
    }
    text.push_str(&currency_lines(&report));
    if let Some(b) = &report.already_imported {
        text.push_str(&format!("  this file was already imported on {} (import #{})\n", b.started_at, b.id));
    }
    if !report.errors.is_empty() {
        let rows: Vec<[String; 3]> = report
            .errors
            .iter()
            .map(|e| [e.row.to_string(), e.column.clone().unwrap_or_default(), e.reason.clone()])
            .collect();
        text.push_str(&output::table(["ROW", "COLUMN", "REASON"], &rows));
        if report.rejected > report.errors.len() as i64 {
            text.push_str(&format!(
                "… and {} more rejected rows\n",
                report.rejected - report.errors.len() as i64
            ));
        }
    }
    match report.batch_id {
        Some(id) => text.push_str(&format!("Undo with: flywheel imports undo {id}\n")),
        None => text.push_str("Nothing was written (dry run).\n"),
    }
    output::emit(&text)
}

/// The shop currency the import adopted, and the purchases left in other currencies.
fn currency_lines(report: &ImportReport) -> String {
    let c = &report.currencies;
    let mut out = String::new();
    if let Some(adopted) = &c.adopted {
        let file_all_in = c.proposed.as_deref() == Some(adopted.as_str());
        let why = if file_all_in {
            format!("The file's amounts are all in {adopted} and the shop had no purchases yet")
        } else {
            format!("The shop had no purchases yet and --currency says {adopted}")
        };
        let then = if report.committed { "is now" } else { "would become" };
        out.push_str(&format!(
            "{why}: {adopted} {then} the shop currency (was {}; --currency {} keeps it).\n",
            c.shop_currency, c.shop_currency
        ));
    }
    for other in &c.other.currencies {
        out.push_str(&format!("  {}\n", currencies::sentence(other, &c.other.shop_currency)));
    }
    out
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Past imports, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Undo an import: what it added is removed, what it changed is put back.
    Undo { id: i64 },
}

pub fn run_batches(db: &Path, command: &Command) -> Result<()> {
    let conn = crate::open_existing(db)?;
    match command {
        Command::List { json } => {
            let list = batches::list(&conn)?;
            if *json {
                return output::emit(&format!("{}\n", serde_json::to_string_pretty(&list)?));
            }
            if list.is_empty() {
                return output::emit("No imports yet.\n");
            }
            let rows: Vec<[String; 8]> = list
                .iter()
                .map(|b| {
                    [
                        b.id.to_string(),
                        b.started_at.clone(),
                        b.file_name.clone(),
                        b.kind.as_str().to_owned(),
                        format!("{}", b.inserted),
                        format!("{}", b.updated),
                        format!("{}/{}", b.skipped, b.rejected),
                        b.undone_at.clone().map_or_else(String::new, |at| format!("undone {at}")),
                    ]
                })
                .collect();
            output::emit(&output::table(
                ["ID", "WHEN", "FILE", "KIND", "NEW", "UPDATED", "SKIP/REJ", "STATE"],
                &rows,
            ))
        }
        Command::Undo { id } => {
            let b = batches::undo(&conn, *id)?;
            output::emit(&format!(
                "Undid import #{} ({}): {} new records removed, {} changed records put back.\n",
                b.id, b.file_name, b.inserted, b.updated
            ))
        }
    }
}
