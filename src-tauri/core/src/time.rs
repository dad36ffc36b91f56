//! Dates and times as Flywheel stores them: UTC instants as `YYYY-MM-DDTHH:MM:SSZ`, calendar days
//! as `YYYY-MM-DD`. Both sort correctly as text, which the indexes rely on.

use crate::error::{Error, Result};
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now()
}

pub fn format_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn now_text() -> String {
    format_instant(now())
}

pub fn format_day(d: NaiveDate) -> String {
    // Written out by hand: chrono's formatter parses its pattern on every call, and an import
    // formats a day for every row.
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

pub fn today() -> NaiveDate {
    now().date_naive()
}

/// Parses a stored or typed day (`YYYY-MM-DD`); `field` names the input for the error.
pub fn parse_day(field: &str, text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("'{text}' is not a date like 2024-03-05.")))
}

/// Parses an instant in RFC 3339 (any offset) and normalises it to UTC.
pub fn parse_instant(field: &str, text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim()).map(|t| t.with_timezone(&Utc)).map_err(|_| {
        Error::invalid(field, format!("'{text}' is not a date and time like 2024-03-05T14:22:10Z."))
    })
}

/// The day a figure is computed as of: the day given, or today when none is given.
pub fn as_of(field: &str, text: Option<&str>) -> Result<NaiveDate> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => parse_day(field, t),
        None => Ok(today()),
    }
}

/// Accepts a day no later than tomorrow (a time zone ahead of UTC may already be there).
pub fn past_day(field: &str, text: &str) -> Result<NaiveDate> {
    let day = parse_day(field, text)?;
    let latest = today() + chrono::Duration::days(1);
    if day > latest {
        return Err(Error::invalid(field, format!("{day} is in the future.")));
    }
    if day.year_ce().1 < 1900 {
        return Err(Error::invalid(field, format!("{day} is too far in the past.")));
    }
    Ok(day)
}

/// Checks a calendar month typed as `YYYY-MM` (01 to 12) and returns it trimmed.
pub fn parse_month(field: &str, text: &str) -> Result<String> {
    let t = text.trim();
    let b = t.as_bytes();
    let shaped =
        b.len() == 7 && b[4] == b'-' && t.bytes().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
    let month: u32 = t.get(5..).and_then(|m| m.parse().ok()).unwrap_or(0);
    if !shaped || !(1..=12).contains(&month) {
        return Err(Error::invalid(field, format!("'{text}' is not a month like 2024-03.")));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_utc_seconds_with_z() {
        let t = parse_instant("at", "2024-03-05T14:22:10-05:00").unwrap();
        assert_eq!(format_instant(t), "2024-03-05T19:22:10Z");
    }

    #[test]
    fn future_and_ancient_days_are_refused() {
        let next_year = format_day(today() + chrono::Duration::days(400));
        assert_eq!(past_day("day", &next_year).unwrap_err().field.as_deref(), Some("day"));
        assert!(past_day("day", "1850-01-01").is_err());
        assert!(past_day("day", "2024-02-30").is_err());
        assert!(past_day("day", "2024-02-29").is_ok());
    }

    #[test]
    fn months_are_real_months() {
        assert_eq!(parse_month("month", " 2024-03 ").unwrap(), "2024-03");
        assert_eq!(parse_month("month", "2024-12").unwrap(), "2024-12");
        for bad in ["2024-13", "2024-00", "2024-3", "24-03", "2024/03", "2024-03-01", "", "２０２４-03"] {
            assert_eq!(parse_month("month", bad).unwrap_err().field.as_deref(), Some("month"), "{bad}");
        }
    }
}
