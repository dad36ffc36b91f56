//! The one money reader. Amounts as people, shops and spreadsheets write them — `12,50`,
//! `$1,234.50`, `1.234,50 €`, `(12.00)`, `EUR 5` — turned into integer minor units of a currency.
//!
//! - Forms, the CLI and Settings read one typed amount with [`read`] (or [`read_for_shop`], which
//!   takes the shop's decimal mark from Settings): what a person meant, or a refusal saying why —
//!   never a scaled guess. `1,234` or `1.234` is ambiguous unless the shop's decimal mark says
//!   which; more decimals than the currency has, another currency's symbol, a negative amount and
//!   anything that is not a number are refused.
//! - The import reads whole columns with [`split`], [`hint`] and [`to_minor`]: whether `,` or `.`
//!   is the decimal mark is decided per column from its values; a column that could be read either
//!   way is a question for the user.

use crate::error::Error;
use crate::store::Connection;
use crate::text_enum;
use crate::validate;

text_enum! {
    pub enum DecimalMark {
        /// 1,234.50
        Dot => "dot",
        /// 1.234,50
        Comma => "comma",
    }
}

/// The parts of an amount cell: sign, the number as written, and a currency named by a symbol or
/// code in the cell.
#[derive(Debug, PartialEq)]
pub struct Amount {
    pub negative: bool,
    pub number: String,
    pub currency: Option<String>,
}

const SYMBOLS: &[(&str, &str)] = &[
    ("US$", "USD"),
    ("CA$", "CAD"),
    ("A$", "AUD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
];

/// Splits an amount cell into sign, number and currency; `Err` says why it is not an amount.
pub fn split(text: &str) -> Result<Amount, String> {
    let mut t = text.trim().to_owned();
    let mut negative = false;
    if t.starts_with('(') && t.ends_with(')') {
        negative = true;
        t = t[1..t.len() - 1].trim().to_owned();
    }
    if let Some(rest) = t.strip_prefix('-') {
        negative = true;
        t = rest.trim().to_owned();
    } else if let Some(rest) = t.strip_suffix('-') {
        negative = true;
        t = rest.trim().to_owned();
    }
    let mut currency = None;
    for (symbol, code) in SYMBOLS {
        if let Some(pos) = t.find(symbol) {
            currency = Some((*code).to_owned());
            t.replace_range(pos..pos + symbol.len(), "");
            break;
        }
    }
    // A three-letter code before or after the number: "EUR 12,50", "12.50 usd".
    let letters: String = t.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    if letters.len() == 3 {
        let code = validate::currency("currency", &letters)
            .map_err(|_| format!("'{}' is not an amount.", text.trim()))?;
        currency = Some(code);
        t.retain(|c| !c.is_ascii_alphabetic());
    }
    if let Some(rest) = t.trim().strip_prefix('-') {
        negative = true;
        t = rest.to_owned();
    }
    // Spaces, non-breaking spaces and apostrophes group thousands (1 234,50; 1'234.50).
    t.retain(|c| !c.is_whitespace() && c != '\'' && c != '\u{a0}' && c != '\u{202f}');
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(format!("'{}' is not an amount.", text.trim()));
    }
    Ok(Amount { negative, number: t, currency })
}

/// What one written number says about the decimal mark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MarkHint {
    /// No separator at all, or nothing to tell.
    None,
    Decided(DecimalMark),
    /// `1,234` or `1.234`: a thousands separator or a decimal mark with three decimals.
    Ambiguous,
}

pub fn hint(number: &str) -> MarkHint {
    let (dots, commas) = (number.matches('.').count(), number.matches(',').count());
    let last_part = |sep: char| number.rsplit(sep).next().map_or(0, str::len);
    match (dots, commas) {
        (0, 0) => MarkHint::None,
        (d, c) if d > 0 && c > 0 => {
            // Both present: the one that comes last is the decimal mark.
            if number.rfind('.') > number.rfind(',') {
                MarkHint::Decided(DecimalMark::Dot)
            } else {
                MarkHint::Decided(DecimalMark::Comma)
            }
        }
        (d, 0) if d > 1 => MarkHint::Decided(DecimalMark::Comma),
        (0, c) if c > 1 => MarkHint::Decided(DecimalMark::Dot),
        (1, 0) if last_part('.') != 3 => MarkHint::Decided(DecimalMark::Dot),
        (0, 1) if last_part(',') != 3 => MarkHint::Decided(DecimalMark::Comma),
        _ => MarkHint::Ambiguous,
    }
}

/// The number in minor units of a currency with `digits` decimals.
pub fn to_minor(number: &str, mark: DecimalMark, digits: u32) -> Result<i64, String> {
    let (decimal, thousands) = match mark {
        DecimalMark::Dot => ('.', ','),
        DecimalMark::Comma => (',', '.'),
    };
    let bad = || format!("'{number}' is not an amount written with {} decimals.", mark_name(mark));
    let (whole, fraction) = match number.split_once(decimal) {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if fraction.contains([decimal, thousands]) {
        return Err(bad());
    }
    if !grouped_well(whole, thousands) {
        return Err(format!(
            "'{number}' has its thousands grouped oddly: write it without separators, like 1234.50."
        ));
    }
    let whole: String = whole.chars().filter(|&c| c != thousands).collect();
    if whole.is_empty() && fraction.is_empty() {
        return Err(bad());
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > digits as usize {
        return Err(format!("'{number}' has more decimals than the currency has ({digits})."));
    }
    let scale = 10_i64.pow(digits);
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let frac: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<width$}", width = digits as usize).parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(|| "That amount is too large.".to_owned())
}

/// Whether the thousands separators of a whole part stand where people put them: groups of three
/// (`1,234,567`), or the Indian lakh and crore grouping (`12,34,567`); the first group 1–3 digits.
fn grouped_well(whole: &str, thousands: char) -> bool {
    let groups: Vec<&str> = whole.split(thousands).collect();
    let Some((first, rest)) = groups.split_first() else { return true };
    if rest.is_empty() {
        return true;
    }
    let western = rest.iter().all(|g| g.len() == 3);
    let indian =
        rest.last().is_some_and(|g| g.len() == 3) && rest[..rest.len() - 1].iter().all(|g| g.len() == 2);
    (1..=3).contains(&first.len()) && (western || indian)
}

fn mark_name(mark: DecimalMark) -> &'static str {
    match mark {
        DecimalMark::Dot => "'.'",
        DecimalMark::Comma => "','",
    }
}

/// Minor units written as the exporter writes them and every importer reads them: major units
/// with a dot and the currency's own number of decimals, no grouping (`1234.50`, `1200` for JPY).
pub fn format_major(minor: i64, currency: &str) -> String {
    let digits = validate::minor_digits(currency);
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    if digits == 0 {
        return format!("{sign}{m}");
    }
    let scale = 10_u64.pow(digits);
    format!("{sign}{}.{:0width$}", m / scale, m % scale, width = digits as usize)
}

text_enum! {
    /// How the shop writes amounts, a setting: which of `,` and `.` is the decimal mark, or `auto`
    /// (read what is unambiguous, refuse `1,234` and `1.234`).
    pub enum DecimalMarkSetting {
        /// 1,234.50
        Dot => "dot",
        /// 1.234,50
        Comma => "comma",
        /// Either, when the amount shows which.
        Auto => "auto",
    }
}

/// Reads one typed amount of `currency` into minor units, as the person meant it:
/// `12,50`, `12.50`, `1,234.50`, `1.234,50`, `€12,50`, `12` (with EUR: 1250, 1250, 123450, …).
///
/// A separator followed by exactly three digits (`1,234`, `1.234`) is read by the shop's decimal
/// mark: with `dot` it groups thousands in `1,234` and is the decimal mark in `1.234` (so that is
/// refused for USD, which has two decimals); with `comma` the other way round; with `auto` it is
/// refused. `Err` is the message to show beside the field.
pub fn read(text: &str, currency: &str, mark: DecimalMarkSetting) -> Result<i64, String> {
    let shown = text.trim();
    if shown.is_empty() {
        return Err("Enter an amount, like 12.50.".to_owned());
    }
    let amount = split(shown)?;
    if amount.negative {
        return Err(format!(
            "'{shown}' is negative; enter the amount without a minus (a refund is recorded on its purchase)."
        ));
    }
    let currency = currency.trim().to_uppercase();
    if let Some(written) = &amount.currency {
        if *written != currency {
            return Err(format!("'{shown}' is in {written}, but this amount is in {currency}."));
        }
    }
    let decimal = match (hint(&amount.number), mark) {
        (MarkHint::Decided(m), _) => m,
        (MarkHint::None, _) | (MarkHint::Ambiguous, DecimalMarkSetting::Dot) => DecimalMark::Dot,
        (MarkHint::Ambiguous, DecimalMarkSetting::Comma) => DecimalMark::Comma,
        (MarkHint::Ambiguous, DecimalMarkSetting::Auto) => {
            let whole: String = amount.number.chars().filter(char::is_ascii_digit).collect();
            let sep = if amount.number.contains(',') { ',' } else { '.' };
            let (int, frac) = amount.number.split_once(sep).unwrap_or((amount.number.as_str(), ""));
            return Err(format!(
                "'{shown}' could be {whole} or {int}.{frac}: write {whole} or {whole}.00, or set the \
                 shop's decimal mark in Settings."
            ));
        }
    };
    let minor = to_minor(&amount.number, decimal, validate::minor_digits(&currency))?;
    validate::money("amount", minor).map_err(|e| e.message)
}

/// [`read`] with the shop's decimal mark from Settings; a refusal is an `invalid` error on `field`.
pub fn read_for_shop(conn: &Connection, field: &str, text: &str, currency: &str) -> crate::Result<i64> {
    let mark = crate::settings::get(conn)?.decimal_mark;
    read(text, currency, mark).map_err(|message| Error::invalid(field, message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators_must_group_as_people_group_them() {
        let auto = DecimalMarkSetting::Auto;
        assert_eq!(read("1,234,567.50", "USD", auto), Ok(123_456_750));
        assert_eq!(read("1.234.567,50", "EUR", auto), Ok(123_456_750));
        assert_eq!(read("12,34,567.00", "INR", auto), Ok(123_456_700));
        for odd in ["1,23,4", "1,2345.00", "12345,678.00", ",123.00"] {
            let e = read(odd, "USD", auto).unwrap_err();
            assert!(e.contains("grouped oddly"), "{odd}: {e}");
        }
    }

    fn minor(text: &str, mark: DecimalMark) -> (i64, Option<&'static str>) {
        let a = split(text).unwrap();
        let m = to_minor(&a.number, mark, 2).unwrap();
        let code = a.currency.map(|c| -> &'static str { Box::leak(c.into_boxed_str()) });
        (if a.negative { -m } else { m }, code)
    }

    #[test]
    fn shop_amounts_become_minor_units() {
        use DecimalMark::*;
        assert_eq!(minor("$1,234.50", Dot), (123_450, Some("USD")));
        assert_eq!(minor("1.234,50 €", Comma), (123_450, Some("EUR")));
        assert_eq!(minor("EUR 12,5", Comma), (1250, Some("EUR")));
        assert_eq!(minor("12.50 usd", Dot), (1250, Some("USD")));
        assert_eq!(minor("(12.00)", Dot), (-1200, None));
        assert_eq!(minor("-$3", Dot), (-300, Some("USD")));
        assert_eq!(minor("1 234,05", Comma), (123_405, None));
        assert_eq!(minor(".5", Dot), (50, None));
        assert_eq!(minor("£0.99", Dot), (99, Some("GBP")));
    }

    #[test]
    fn nonsense_and_excess_decimals_are_refused() {
        for bad in ["", "abc", "12 apples", "1.2.3x", "$"] {
            assert!(
                split(bad).is_err() || to_minor(&split(bad).unwrap().number, DecimalMark::Dot, 2).is_err(),
                "{bad}"
            );
        }
        assert!(to_minor("1.234", DecimalMark::Dot, 2).is_err());
        assert_eq!(to_minor("1.230", DecimalMark::Dot, 2), Ok(123));
        assert!(to_minor("1,23,4", DecimalMark::Comma, 2).is_err());
        // JPY has no minor unit: 1,200 yen is 1200.
        assert_eq!(to_minor("1,200", DecimalMark::Dot, 0), Ok(1200));
    }

    #[test]
    fn hints_decide_or_ask() {
        use MarkHint::*;
        assert_eq!(hint("1,234.50"), Decided(DecimalMark::Dot));
        assert_eq!(hint("1.234,50"), Decided(DecimalMark::Comma));
        assert_eq!(hint("12,5"), Decided(DecimalMark::Comma));
        assert_eq!(hint("12.50"), Decided(DecimalMark::Dot));
        assert_eq!(hint("1.234.567"), Decided(DecimalMark::Comma));
        assert_eq!(hint("1,234"), Ambiguous);
        assert_eq!(hint("1.234"), Ambiguous);
        assert_eq!(hint("1234"), None);
    }

    #[test]
    fn export_format_reads_back() {
        assert_eq!(format_major(123_450, "USD"), "1234.50");
        assert_eq!(format_major(5, "EUR"), "0.05");
        assert_eq!(format_major(1200, "JPY"), "1200");
        assert_eq!(format_major(1234, "BHD"), "1.234");
        assert_eq!(to_minor(&format_major(1234, "BHD"), DecimalMark::Dot, 3), Ok(1234));
    }

    #[test]
    fn typed_amounts_read_as_meant_with_every_mark() {
        use DecimalMarkSetting::*;
        for mark in [Dot, Comma, Auto] {
            for (text, want) in [
                ("12,50", 1250),
                ("12.50", 1250),
                ("1,234.50", 123_450),
                ("1.234,50", 123_450),
                ("€12,50", 1250),
                ("12", 1200),
                (" 12,5 ", 1250),
                ("0", 0),
                ("1 234,50", 123_450),
                ("12,50 EUR", 1250),
            ] {
                assert_eq!(read(text, "EUR", mark), Ok(want), "{text} with {mark:?}");
            }
            assert_eq!(read("$1,234.50", "USD", mark), Ok(123_450), "{mark:?}");
            assert_eq!(read("1.234.567", "USD", mark), Ok(123_456_700), "{mark:?}");
            assert_eq!(read("1200", "JPY", mark), Ok(1200), "{mark:?}");
            assert_eq!(read("1.234", "BHD", Dot), Ok(1234));
        }
    }

    #[test]
    fn three_digits_after_one_separator_follow_the_shops_mark() {
        use DecimalMarkSetting::*;
        assert_eq!(read("1,234", "USD", Dot), Ok(123_400));
        assert_eq!(read("1.234", "USD", Comma), Ok(123_400));
        assert_eq!(read("1,5", "USD", Comma), Ok(150));
        // A dot shop reads 1.234 as a decimal: three decimals are too many for USD.
        assert!(read("1.234", "USD", Dot).unwrap_err().contains("more decimals"));
        assert!(read("1,234", "USD", Comma).unwrap_err().contains("more decimals"));
        for text in ["1,234", "1.234", "12.500", "€1.234", "12,505"] {
            let why = read(text, "EUR", Auto).unwrap_err();
            assert!(why.contains("decimal mark in Settings"), "{text}: {why}");
        }
        assert!(read("12.505", "USD", Dot).unwrap_err().contains("more decimals"));
        let why = read("1,234", "USD", Auto).unwrap_err();
        assert_eq!(why, "'1,234' could be 1234 or 1.234: write 1234 or 1234.00, or set the shop's decimal mark in Settings.");
    }

    #[test]
    fn what_cannot_be_read_is_refused_never_scaled() {
        use DecimalMarkSetting::*;
        for mark in [Dot, Comma, Auto] {
            for (text, currency, says) in [
                ("", "USD", "Enter an amount"),
                ("   ", "USD", "Enter an amount"),
                ("abc", "USD", "not an amount"),
                ("12 apples", "USD", "not an amount"),
                ("1.2.3x", "USD", "not an amount"),
                ("$", "USD", "not an amount"),
                ("12.5055", "USD", "more decimals"),
                ("12,5055", "USD", "more decimals"),
                ("12.5", "JPY", "more decimals"),
                ("€12,50", "USD", "in EUR"),
                ("£3", "EUR", "in GBP"),
                ("12.50 USD", "EUR", "in USD"),
                ("-12.50", "USD", "negative"),
                ("(12.00)", "USD", "negative"),
                ("99999999999999999", "USD", "large"),
            ] {
                let why = read(text, currency, mark).unwrap_err();
                assert!(why.contains(says), "{text:?} in {currency} with {mark:?}: {why}");
            }
        }
    }

    #[test]
    fn the_shops_mark_comes_from_settings_and_refusals_name_the_field() {
        let conn = crate::db::open_in_memory().unwrap();
        let e = read_for_shop(&conn, "amount_minor", "1,234", "USD").unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (crate::ErrorCode::Invalid, Some("amount_minor")));
        let s = crate::settings::Settings {
            decimal_mark: DecimalMarkSetting::Comma,
            ..crate::settings::get(&conn).unwrap()
        };
        crate::settings::update(&conn, &s).unwrap();
        assert_eq!(read_for_shop(&conn, "amount_minor", "1.234", "USD").unwrap(), 123_400);
        assert_eq!(read_for_shop(&conn, "amount_minor", "12,50", "usd").unwrap(), 1250);
    }
}
