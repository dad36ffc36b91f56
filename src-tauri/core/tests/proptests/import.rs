//! The CSV import pipeline over generated files, and the money and date parsers over any text.

use super::{check, refusal_names_its_field};
use chrono::NaiveDate;
use flywheel_core::import::dates::{self, DateOrder};
use flywheel_core::import::money::{self, DecimalMark};
use flywheel_core::import::{self, ImportKind, ImportReport, ImportRequest};
use flywheel_core::Connection;
use proptest::prelude::*;
use proptest::sample::select;
use std::path::Path;
use std::sync::atomic::AtomicBool;

const CONTACT_COLUMNS: &[&str] =
    &["email", "first_name", "last_name", "tags", "lead_score", "stage", "source"];
const PURCHASE_COLUMNS: &[&str] =
    &["email", "name", "date", "amount", "currency", "order_id", "quantity", "refunded", "status"];

/// Cells a real file might hold, good and bad, for every kind of column.
const CELLS: &[&str] = &[
    "ann@example.com",
    "BOB@Example.com ",
    "not-an-email",
    "a@b",
    "2024-03-05",
    "03/04/2024",
    "31/12/2023",
    "2024-13-45",
    "2024-03-05 14:22:10 -0500",
    "12.50",
    "1,234.50",
    "1.234,50 €",
    "(12.00)",
    "-5",
    "$3",
    "EUR 5",
    "12.345",
    "99999999999999999999",
    "abc",
    "0",
    "100",
    "101",
    "customer",
    "Lead",
    "sql",
    "vip, wholesale",
    "paid",
    "refunded",
    "pending",
    "USD",
    "jpy",
    "XYZ",
    "2",
    "-1",
    "Ann Lee",
    "Zoë",
    "organic_search",
    "Referrals",
    "",
    " ",
    "\"",
    "a\"b",
    ",",
    "\n",
    "\r\n",
    "é",
];

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(CELLS).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9 ,.;:@$€()\"'\\n\\r\\t-]{0,10}",
        1 => "\\PC{0,6}",
    ]
}

/// A cell as a writer would put it in the file: quoted (quotes doubled), or raw, which may break
/// the row — the reader must cope either way.
fn written(cell: &str, quoted: bool) -> String {
    if quoted {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// A file: the header of a kind of import, then rows of about its width.
fn csv_file() -> impl Strategy<Value = (bool, Vec<u8>)> {
    any::<bool>().prop_flat_map(|purchases| {
        let headers = if purchases { PURCHASE_COLUMNS } else { CONTACT_COLUMNS };
        let row = proptest::collection::vec((cell(), any::<bool>()), 0..=headers.len() + 1);
        (Just(purchases), proptest::collection::vec(row, 0..8), any::<bool>()).prop_map(
            move |(purchases, rows, crlf)| {
                let end = if crlf { "\r\n" } else { "\n" };
                let mut text = headers.join(",");
                for row in rows {
                    text.push_str(end);
                    let cells: Vec<String> = row.iter().map(|(c, q)| written(c, *q)).collect();
                    text.push_str(&cells.join(","));
                }
                (purchases, text.into_bytes())
            },
        )
    })
}

fn request(path: &Path, kind: Option<ImportKind>, dmy: bool, comma: bool) -> ImportRequest {
    let order = if dmy { DateOrder::Dmy } else { DateOrder::Mdy };
    let mark = if comma { DecimalMark::Comma } else { DecimalMark::Dot };
    ImportRequest {
        path: path.to_string_lossy().into_owned(),
        kind,
        date_orders: [("date".to_owned(), order)].into(),
        decimal_marks: [("amount".to_owned(), mark), ("refunded".to_owned(), mark)].into(),
        ..ImportRequest::default()
    }
}

/// Runs a dry run of `bytes` (nothing is written, so one database serves every case) and checks
/// that every rejected row is named by its row, its column and a reason.
fn dry_run(conn: &Connection, path: &Path, bytes: &[u8], req: &ImportRequest) -> Result<(), TestCaseError> {
    std::fs::write(path, bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let report = match import::run(conn, req, false, &mut |_| {}, &AtomicBool::new(false)) {
        Ok(report) => report,
        Err(e) => return refusal_names_its_field(&e, &["file", "mapping", "date_orders", "decimal_marks"]),
    };
    let headers: Vec<String> = import::inspect(conn, path, req.kind, None)
        .map_err(|e| TestCaseError::fail(format!("a file that imports cannot be inspected: {e:?}")))?
        .headers;
    let lines = bytes.iter().filter(|b| **b == b'\n' || **b == b'\r').count() as i64 + 1;
    rows_are_named(&report, &headers, lines)
}

fn rows_are_named(report: &ImportReport, headers: &[String], lines: i64) -> Result<(), TestCaseError> {
    prop_assert!(!report.committed && report.batch_id.is_none());
    prop_assert_eq!(report.rejected, report.errors.len() as i64);
    prop_assert!(report.inserted + report.updated + report.skipped + report.rejected <= report.rows_read);
    for e in &report.errors {
        prop_assert!((2..=lines).contains(&e.row), "row {} of a file of {} lines: {:?}", e.row, lines, e);
        prop_assert!(!e.reason.trim().is_empty(), "no reason: {:?}", e);
        match &e.column {
            Some(column) => {
                prop_assert!(headers.contains(column), "column {:?} not in {:?}", column, headers)
            }
            // Only a fault of the whole row (its shape, its encoding) has no one column.
            None => prop_assert!(e.reason.starts_with("This row"), "no column: {:?}", e),
        }
    }
    Ok(())
}

#[test]
fn generated_csv_files_import_or_name_every_bad_row() {
    let (conn, _team) = super::fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.csv");
    let strategy = (csv_file(), 0usize..3, any::<bool>(), any::<bool>());
    check("csv_rows", strategy, |((purchases, bytes), detect, dmy, comma)| {
        let kind = [None, Some(ImportKind::Contacts), Some(ImportKind::Purchases)][detect]
            .or(purchases.then_some(ImportKind::Purchases));
        dry_run(&conn, &path, &bytes, &request(&path, kind, dmy, comma))
    });
}

#[test]
fn arbitrary_bytes_never_panic_the_import() {
    let (conn, _team) = super::fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bytes.csv");
    let header = prop_oneof![
        Just(String::new()),
        Just(CONTACT_COLUMNS.join(",") + "\n"),
        Just(PURCHASE_COLUMNS.join(";") + "\n")
    ];
    let strategy = (header, proptest::collection::vec(any::<u8>(), 0..200), 0usize..3);
    check("csv_bytes", strategy, |(header, tail, kind)| {
        let bytes = [header.as_bytes(), &tail].concat();
        let kind = [None, Some(ImportKind::Contacts), Some(ImportKind::Purchases)][kind];
        dry_run(&conn, &path, &bytes, &request(&path, kind, true, false))
    });
}

fn amount_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9.,' \u{a0}$€£¥()A-Za-z-]{0,16}",
        "\\PC{0,12}",
        ("[0-9]{1,22}", select(&["", ".", ","][..]), "[0-9]{0,5}").prop_map(|(w, m, f)| format!("{w}{m}{f}")),
    ]
}

#[test]
fn the_money_parser_reads_or_refuses_any_text() {
    check("money", (amount_text(), 0u32..=3), |(text, digits)| {
        let Ok(amount) = money::split(&text) else { return Ok(()) };
        prop_assert!(amount.number.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ','));
        let _ = money::hint(&amount.number);
        for mark in [DecimalMark::Dot, DecimalMark::Comma] {
            let minor = money::to_minor(&amount.number, mark, digits);
            if let Ok(minor) = minor {
                prop_assert!(minor >= 0, "{} read as {}", text, minor);
            }
            // Plain digits mean whole units whatever the mark: checked against integer arithmetic.
            if amount.number.bytes().all(|b| b.is_ascii_digit()) {
                let expected =
                    amount.number.parse::<i64>().ok().and_then(|n| n.checked_mul(10_i64.pow(digits)));
                prop_assert_eq!(minor.ok(), expected, "{}", text);
            }
        }
        Ok(())
    });
}

fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9/.: TZ+-]{0,20}",
        "\\PC{0,14}",
        (0u32..10_000, 0u32..14, 0u32..33, select(&["-", "/", "."][..]))
            .prop_map(|(y, m, d, sep)| format!("{y:04}{sep}{m:02}{sep}{d:02}")),
        (0u32..33, 0u32..33, 1000u32..3000).prop_map(|(a, b, y)| format!("{a}/{b}/{y}")),
    ]
}

#[test]
fn the_date_parser_reads_or_refuses_any_text() {
    check("dates", date_text(), |text| {
        for order in [None, Some(DateOrder::Mdy), Some(DateOrder::Dmy)] {
            let day = dates::parse_day(&text, order);
            if let Err(reason) = &day {
                prop_assert!(!reason.is_empty());
            }
            // Year first is never ambiguous: exactly the real calendar days are read.
            let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
            let numeric =
                parts.iter().all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
            if let ([y, m, d], true) = (parts.as_slice(), numeric) {
                if y.len() == 4 {
                    let real =
                        NaiveDate::from_ymd_opt(y.parse().unwrap(), m.parse().unwrap(), d.parse().unwrap());
                    prop_assert_eq!(day.clone().ok(), real, "{}", text);
                }
            }
            // A day-first or month-first date, read in the order given, is that order's day.
            if let ([a, b, y], Some(order), true) = (parts.as_slice(), order, numeric) {
                if y.len() == 4 && a.len() <= 2 && b.len() <= 2 {
                    let n: Vec<u32> = [a, b, y].iter().map(|p| p.parse().unwrap()).collect();
                    let (m, d) = if order == DateOrder::Mdy { (n[0], n[1]) } else { (n[1], n[0]) };
                    prop_assert_eq!(day.ok(), NaiveDate::from_ymd_opt(n[2] as i32, m, d), "{}", text);
                }
            }
        }
        let _ = dates::column_order([text.as_str()]);
        Ok(())
    });
}
