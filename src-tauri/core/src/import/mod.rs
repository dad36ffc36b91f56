//! Import: the files small businesses bring (Shopify, Stripe, Square, HubSpot, Mailchimp, any
//! spreadsheet) read as they come, previewed as they will be stored, committed in one
//! transaction, and undone in one call. The window and the CLI share this one pipeline.
//!
//! The steps: [`inspect`] a file (format, encoding, delimiter, mapping, questions) → [`run`] it as
//! a dry run (the default: every row is processed in a transaction that is rolled back, so the
//! counts and errors are exactly what a commit would give) → [`run`] it for real → undo it with
//! [`batches::undo`].

pub mod batches;
pub mod currency;
pub mod dates;
pub mod detect;
pub mod mapping;
pub use crate::money;
mod parse;
mod pipeline;
mod plan;
pub mod reader;
mod write;

pub use batches::ImportBatch;
pub use currency::{FileCurrency, ImportCurrencies};
pub use dates::DateOrder;
pub use detect::ImportFormat;
pub use mapping::Field;
pub use money::DecimalMark;
pub use pipeline::{run, IMPORT_CACHE_KIB};
pub use reader::{Delimiter, TextEncoding};

use crate::error::Result;
use crate::store::Connection;
use crate::text_enum;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

text_enum! {
    /// What the rows of a file become.
    pub enum ImportKind {
        Contacts => "contacts",
        Purchases => "purchases",
    }
}

text_enum! {
    pub enum ImportQuestionKind {
        /// Dates like 03/04/2024: month first or day first?
        DateOrder => "date_order",
        /// Amounts like 1,234: is the comma a decimal mark or a thousands separator?
        DecimalMark => "decimal_mark",
    }
}

pub type QuestionKind = ImportQuestionKind;

/// Something the file does not tell and the user must answer before the import can run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(rename = "ImportQuestion")]
pub struct Question {
    /// The column header, also the key of the answer in [`ImportRequest`].
    pub column: String,
    pub kind: QuestionKind,
    /// A few of the column's values, to decide by.
    pub examples: Vec<String>,
}

/// What a file looks like before anything is imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Inspection {
    pub file_name: String,
    pub format: ImportFormat,
    pub format_label: String,
    /// Why the format was recognised: "Stripe payments: has Created date (UTC), Amount, …", or
    /// that the user chose it, or that no known export has these columns.
    pub format_reason: String,
    pub kind: ImportKind,
    pub encoding: TextEncoding,
    pub delimiter: Delimiter,
    pub headers: Vec<String>,
    /// One entry per column; `null` means the column is not imported.
    pub mapping: Vec<Option<Field>>,
    /// Whether the mapping is the one last used for files with these columns.
    pub remembered: bool,
    /// The columns the mapping leaves out, as the file writes them.
    pub unmapped: Vec<String>,
    /// The first rows as written in the file.
    pub sample: Vec<Vec<String>>,
    pub questions: Vec<Question>,
}

/// What to import and how; everything but the path may be left to detection.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportRequest {
    pub path: String,
    pub kind: Option<ImportKind>,
    pub format: Option<ImportFormat>,
    /// One entry per column, as in [`Inspection::mapping`]; `None` takes the remembered or
    /// automatic mapping.
    pub mapping: Option<Vec<Option<Field>>>,
    /// Answers to date-order questions, by column header.
    pub date_orders: BTreeMap<String, DateOrder>,
    /// Answers to decimal-mark questions, by column header.
    pub decimal_marks: BTreeMap<String, DecimalMark>,
    /// The currency of amounts that name none; blank means `shop_currency`, else the shop's
    /// currency (Settings).
    pub currency: Option<String>,
    /// Make this the shop's currency as the import commits: the answer to
    /// [`ImportCurrencies::proposed`] or the CLI's `--currency`. Taken only while the shop has no
    /// purchases yet.
    pub shop_currency: Option<String>,
    /// Make the file's own currency the shop's when the import proposes one (the CLI's default).
    pub adopt_file_currency: bool,
    /// The user saw that this very file was imported before and wants it imported again.
    pub import_again: bool,
}

text_enum! {
    pub enum ImportRowOutcome {
        New => "new",
        Updated => "updated",
        Skipped => "skipped",
    }
}

/// A row that could not be imported, as the user finds it in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RowError {
    /// The row number as a spreadsheet shows it (the header is row 1).
    pub row: i64,
    /// The column header at fault, when one is.
    pub column: Option<String>,
    pub reason: String,
}

/// A record as it will be (or was) stored, in the columns of [`ImportReport::preview_columns`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PreviewRow {
    pub row: i64,
    pub outcome: ImportRowOutcome,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SkipReason {
    pub reason: String,
    pub count: i64,
}

/// What an import did, or — for a dry run — would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportReport {
    /// The batch that holds the import; `None` for a dry run.
    pub batch_id: Option<i64>,
    pub committed: bool,
    pub file_name: String,
    pub file_hash: String,
    pub format: ImportFormat,
    pub kind: ImportKind,
    pub rows_read: i64,
    /// Records (contacts, or purchases: one per order) added, changed, left as they were, refused.
    pub inserted: i64,
    pub updated: i64,
    pub skipped: i64,
    pub rejected: i64,
    /// Contacts a purchases import created for customers Flywheel did not know yet.
    pub contacts_created: i64,
    pub skipped_reasons: Vec<SkipReason>,
    /// Every rejected row with its reason (the first thousand; `rejected` counts them all).
    pub errors: Vec<RowError>,
    pub preview_columns: Vec<String>,
    /// The first records as stored.
    pub preview: Vec<PreviewRow>,
    /// Things worth knowing about the whole file.
    pub notes: Vec<String>,
    /// The file's currencies against the shop's: a proposed shop currency, the one adopted, and the
    /// purchases in other currencies.
    pub currencies: ImportCurrencies,
    /// What the orders' referral or discount codes did (referrals found by code, unknown codes).
    pub codes: crate::referral_codes::CodeSummary,
    /// The earlier, not undone, import of this very file.
    pub already_imported: Option<ImportBatch>,
    pub seconds: f64,
}

/// How far a running import is, sent as it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportProgress {
    pub rows: i64,
    pub bytes: i64,
    pub total_bytes: i64,
}

/// Reads the start of a file and says what it is and how it would be mapped.
pub fn inspect(
    conn: &Connection,
    path: &Path,
    kind: Option<ImportKind>,
    format: Option<ImportFormat>,
) -> Result<Inspection> {
    let request =
        ImportRequest { path: path.to_string_lossy().into_owned(), kind, format, ..ImportRequest::default() };
    let (plan, sample) = plan::Plan::prepare(conn, &request)?;
    let detection = detect::detect_why(&plan.headers);
    let format_reason = if detection.format == plan.format {
        detection.reason()
    } else {
        format!("{}: chosen by you", plan.format.label())
    };
    Ok(Inspection {
        format_reason,
        unmapped: mapping::unmapped(&plan.headers, &plan.mapping),
        file_name: plan.file_name.clone(),
        format: plan.format,
        format_label: plan.format.label().to_owned(),
        kind: plan.kind,
        encoding: plan.sniffed.encoding,
        delimiter: plan.sniffed.delimiter,
        headers: plan.headers.clone(),
        mapping: plan.mapping.clone(),
        remembered: plan.remembered,
        sample: sample.into_iter().take(5).collect(),
        questions: plan.questions(),
    })
}
