//! Amounts as shops and spreadsheets write them — `$1,234.50`, `1.234,50 €`, `(12.00)`, `EUR 5` —
//! turned into integer minor units. Whether `,` or `.` is the decimal mark is decided per column
//! from its values; a column that could be read either way is a question for the user.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
