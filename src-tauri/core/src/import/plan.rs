//! Everything decided before the first row is stored: format, kind, mapping, and how each date
//! and money column reads — from a bounded sample of the file, so a huge file costs no memory.

use super::dates::{self, DateOrder, OrderHint};
use super::detect::{self, ImportFormat};
use super::mapping::{self, Field};
use super::money::{self, DecimalMark, MarkHint};
use super::reader::{self, CsvFile, Sniffed};
use super::{ImportKind, ImportRequest, Question, QuestionKind};
use crate::error::{Error, Result};
use crate::store::Connection;
use crate::{settings, validate};
use std::path::PathBuf;

/// Rows read to decide date orders and decimal marks.
const SAMPLE_ROWS: usize = 1000;

pub(super) struct Plan {
    pub path: PathBuf,
    pub file_name: String,
    pub sniffed: Sniffed,
    pub headers: Vec<String>,
    pub format: ImportFormat,
    pub kind: ImportKind,
    pub mapping: Vec<Option<Field>>,
    pub remembered: bool,
    /// The mapped columns, in column order: (index, field).
    pub columns: Vec<(usize, Field)>,
    /// Per column: the order of its `x/y/yyyy` dates, once known.
    pub date_orders: Vec<Option<DateOrder>>,
    /// Per column: the decimal mark of its amounts.
    pub marks: Vec<DecimalMark>,
    /// What the user still has to answer.
    pub open: Vec<Question>,
    /// For amounts that name no currency.
    pub currency: String,
    /// No column names the customer: every purchase goes to one walk-in contact.
    pub walk_in: bool,
    /// Channel keys and names, for the source column.
    pub channels: Vec<(String, String)>,
}

impl Plan {
    /// Opens the file, decides what can be decided, and returns the first rows read.
    pub fn prepare(conn: &Connection, req: &ImportRequest) -> Result<(Plan, Vec<Vec<String>>)> {
        let path = PathBuf::from(req.path.trim());
        if req.path.trim().is_empty() {
            return Err(Error::invalid("path", "Choose a file to import."));
        }
        if path.is_dir() {
            return Err(Error::invalid("path", "That is a folder; choose a CSV file in it."));
        }
        let mut csv = reader::open(&path)?;
        let headers = csv.headers.clone();
        let format = req.format.unwrap_or_else(|| detect::detect(&headers));
        let (mapping, remembered) = match &req.mapping {
            Some(m) if m.len() != headers.len() => {
                return Err(Error::invalid(
                    "mapping",
                    format!("The mapping names {} columns but the file has {}.", m.len(), headers.len()),
                ))
            }
            Some(m) => (m.clone(), false),
            None => match mapping::remembered(conn, &headers)? {
                Some(m) => (m, true),
                None => (mapping::auto(format, &headers), false),
            },
        };
        let kind = req.kind.unwrap_or_else(|| usual_kind(format, &mapping));
        let sample = read_sample(&mut csv)?;
        let blank =
            |c: &Option<String>| c.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
        let currency = match (blank(&req.currency), blank(&req.shop_currency)) {
            (Some(c), _) => validate::currency("currency", &c)?,
            (None, Some(c)) => validate::currency("shop_currency", &c)?,
            (None, None) => settings::get(conn)?.currency,
        };
        let columns: Vec<(usize, Field)> =
            mapping.iter().enumerate().filter_map(|(i, f)| f.map(|f| (i, f))).collect();
        let person = [Field::Email, Field::FirstName, Field::LastName, Field::FullName];
        let walk_in = kind == ImportKind::Purchases && !columns.iter().any(|(_, f)| person.contains(f));
        let channels = conn
            .prepare_cached("SELECT key, name FROM channels")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut plan = Plan {
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            path,
            sniffed: csv.sniffed,
            date_orders: vec![None; headers.len()],
            marks: vec![DecimalMark::Dot; headers.len()],
            headers,
            format,
            kind,
            mapping,
            remembered,
            columns,
            open: Vec::new(),
            currency,
            walk_in,
            channels,
        };
        // The shop's decimal mark (Settings) answers what the file's own amounts leave open.
        let shop_mark = match settings::get(conn)?.decimal_mark {
            money::DecimalMarkSetting::Dot => Some(DecimalMark::Dot),
            money::DecimalMarkSetting::Comma => Some(DecimalMark::Comma),
            money::DecimalMarkSetting::Auto => None,
        };
        plan.decide_columns(req, &sample, shop_mark);
        Ok((plan, sample))
    }

    /// Reads each date and money column's sample; what it cannot decide becomes a question.
    /// Amounts that could be read either way (`1,234`) follow `shop_mark` when the shop has one.
    fn decide_columns(
        &mut self,
        req: &ImportRequest,
        sample: &[Vec<String>],
        shop_mark: Option<DecimalMark>,
    ) {
        for &(i, field) in &self.columns {
            let header = &self.headers[i];
            let cells = || sample.iter().filter_map(move |r| r.get(i)).map(String::as_str);
            let examples = || cells().filter(|c| !c.trim().is_empty()).take(4).map(str::to_owned).collect();
            if matches!(field, Field::Date | Field::CancelledAt) {
                let answered = req.date_orders.get(header).copied();
                match (dates::column_order(cells()), answered) {
                    (_, Some(order)) | (OrderHint::Decided(order), None) => self.date_orders[i] = Some(order),
                    (OrderHint::Ambiguous, None) if field == Field::Date => self.open.push(Question {
                        column: header.clone(),
                        kind: QuestionKind::DateOrder,
                        examples: examples(),
                    }),
                    _ => {}
                }
            }
            if field.is_money() {
                let hints: Vec<MarkHint> =
                    cells().filter_map(|c| money::split(c).ok()).map(|a| money::hint(&a.number)).collect();
                let dot = hints.contains(&MarkHint::Decided(DecimalMark::Dot));
                let comma = hints.contains(&MarkHint::Decided(DecimalMark::Comma));
                let unsure = hints.contains(&MarkHint::Ambiguous);
                match (req.decimal_marks.get(header), dot, comma, unsure) {
                    (Some(mark), ..) => self.marks[i] = *mark,
                    (None, true, false, _) => self.marks[i] = DecimalMark::Dot,
                    (None, false, true, _) => self.marks[i] = DecimalMark::Comma,
                    (None, false, false, true) if shop_mark.is_some() => {
                        self.marks[i] = shop_mark.unwrap_or(DecimalMark::Dot)
                    }
                    (None, true, true, _) | (None, false, false, true) => self.open.push(Question {
                        column: header.clone(),
                        kind: QuestionKind::DecimalMark,
                        examples: examples(),
                    }),
                    (None, false, false, false) => {}
                }
            }
        }
    }

    pub fn questions(&self) -> Vec<Question> {
        self.open.clone()
    }

    /// Refuses to run while the mapping cannot work or a question is unanswered.
    pub fn check_ready(&self) -> Result<()> {
        mapping::check(self.kind, &self.mapping)?;
        if let Some(q) = self.open.first() {
            return Err(match q.kind {
                QuestionKind::DateOrder => Error::invalid(
                    "date_orders",
                    format!(
                        "Column '{}' has dates like {} that could be month/day or day/month: choose the order.",
                        q.column,
                        q.examples.join(", ")
                    ),
                ),
                QuestionKind::DecimalMark => Error::invalid(
                    "decimal_marks",
                    format!(
                        "Column '{}' has amounts like {}: say whether the comma or the dot is the decimal mark.",
                        q.column,
                        q.examples.join(", ")
                    ),
                ),
            });
        }
        Ok(())
    }

    /// The header of the first column mapped to `field`.
    pub fn header_of(&self, field: Field) -> Option<String> {
        self.columns.iter().find(|(_, f)| *f == field).map(|(i, _)| self.headers[*i].clone())
    }

    /// The file again from its first data row.
    pub fn reopen(&self) -> Result<CsvFile> {
        reader::open(&self.path)
    }
}

/// What a file's rows become when the user does not say: what its format usually holds, and for
/// a plain spreadsheet with a date and an amount per row, purchases.
fn usual_kind(format: ImportFormat, mapping: &[Option<Field>]) -> ImportKind {
    let has = |f: Field| mapping.contains(&Some(f));
    if format == ImportFormat::Generic && has(Field::Date) && (has(Field::Amount) || has(Field::AmountMinor))
    {
        return ImportKind::Purchases;
    }
    format.usual_kind()
}

fn read_sample(csv: &mut CsvFile) -> Result<Vec<Vec<String>>> {
    let mut sample = Vec::new();
    while sample.len() < SAMPLE_ROWS {
        match csv.next_row()? {
            Some(row) => {
                if let Ok(cells) = row.cells {
                    sample.push(cells.iter().map(|c| (*c).to_owned()).collect());
                }
            }
            None => break,
        }
    }
    Ok(sample)
}
