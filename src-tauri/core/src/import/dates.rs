//! Dates as exports write them — ISO (`2024-03-05`, `2024-03-05T14:22:10Z`), Shopify's
//! `2024-03-05 14:22:10 -0500`, `MM/DD/YYYY` and `DD/MM/YYYY` (with `/`, `.` or `-`) — read as the
//! calendar day the shop saw. `03/04/2024` could be either order: a column whose values never tell
//! is a question for the user, never a guess.

use crate::text_enum;
use chrono::NaiveDate;

text_enum! {
    pub enum DateOrder {
        /// 03/25/2024
        Mdy => "mdy",
        /// 25/03/2024
        Dmy => "dmy",
    }
}

/// The day a cell names. A stamp with a time and an offset keeps its own calendar day (the shop's
/// local day), not the UTC one. `order` is needed only for day-month-year style dates.
pub fn parse_day(text: &str, order: Option<DateOrder>) -> Result<NaiveDate, String> {
    let t = text.trim();
    let bad = || format!("'{t}' is not a date like 2024-03-05.");
    let (date, rest) = t.split_at(t.find(['T', ' ']).unwrap_or(t.len()));
    if !rest.is_empty() && !is_time(rest.trim_start_matches('T').trim()) {
        return Err(bad());
    }
    let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else { return Err(bad()) };
    let num = |s: &str| -> Result<u32, String> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let (year, month, day) = if a.len() == 4 {
        (num(a)?, num(b)?, num(c)?)
    } else if c.len() == 4 {
        let (x, y) = (num(a)?, num(b)?);
        match order.or_else(|| decided(x, y)).or_else(|| dotted(date)) {
            Some(DateOrder::Mdy) => (num(c)?, x, y),
            Some(DateOrder::Dmy) => (num(c)?, y, x),
            None => return Err(format!("'{t}' could be month/day or day/month: choose the order.")),
        }
    } else {
        return Err(bad());
    };
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| format!("'{t}' is not a real date."))
}

/// The order a single `x/y/yyyy` date forces, if one of its parts cannot be a month.
fn decided(x: u32, y: u32) -> Option<DateOrder> {
    match (x > 12, y > 12) {
        (true, false) => Some(DateOrder::Dmy),
        (false, true) => Some(DateOrder::Mdy),
        _ => None,
    }
}

/// `05.03.2024` is day first wherever dates are written with dots (Germany, Switzerland, Austria,
/// Scandinavia, Eastern Europe); no export writes month first with dots.
fn dotted(date: &str) -> Option<DateOrder> {
    date.contains('.').then_some(DateOrder::Dmy)
}

/// `14:22`, `14:22:10`, `2:22 PM`, with an optional `Z`, `UTC`, `+05:30`, `-0500` after it.
fn is_time(t: &str) -> bool {
    let mut words = t.split_whitespace();
    let Some(clock) = words.next() else { return false };
    let (clock, zone) = match clock.find(['Z', '+', '-']) {
        Some(i) => clock.split_at(i),
        None => (clock, ""),
    };
    let clock = clock.split('.').next().unwrap_or_default();
    let fields: Vec<&str> = clock.split(':').collect();
    let clock_ok = (2..=3).contains(&fields.len())
        && fields.iter().all(|f| !f.is_empty() && f.len() <= 2 && f.bytes().all(|b| b.is_ascii_digit()));
    let zone_ok = |z: &str| {
        let z = z.trim_start_matches(['+', '-']).replace(':', "");
        matches!(z.as_str(), "Z" | "UTC" | "GMT" | "")
            || (z.len() == 4 && z.bytes().all(|b| b.is_ascii_digit()))
    };
    clock_ok
        && zone_ok(zone)
        && words
            .all(|w| matches!(w.to_ascii_uppercase().as_str(), "AM" | "PM") || (w.len() > 1 && zone_ok(w)))
}

/// What a column's values say about their order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OrderHint {
    /// No day-month-year style values, or every value already decides.
    NotNeeded,
    Decided(DateOrder),
    /// Every `x/y/yyyy` value fits both orders, or the values disagree.
    Ambiguous,
}

/// Looks at a sample of a column's cells.
pub fn column_order<'a>(cells: impl IntoIterator<Item = &'a str>) -> OrderHint {
    let (mut mdy, mut dmy, mut open) = (false, false, false);
    for cell in cells {
        let date = cell.trim().split([' ', 'T']).next().unwrap_or_default();
        let parts: Vec<&str> = date.split(['-', '/', '.']).collect();
        let [a, b, c] = parts.as_slice() else { continue };
        if c.len() != 4 {
            continue;
        }
        let (Ok(x), Ok(y)) = (a.parse::<u32>(), b.parse::<u32>()) else { continue };
        match decided(x, y).or_else(|| dotted(date)) {
            Some(DateOrder::Mdy) => mdy = true,
            Some(DateOrder::Dmy) => dmy = true,
            None => open = true,
        }
    }
    match (mdy, dmy, open) {
        (true, true, _) => OrderHint::Ambiguous,
        (true, false, _) => OrderHint::Decided(DateOrder::Mdy),
        (false, true, _) => OrderHint::Decided(DateOrder::Dmy),
        (false, false, true) => OrderHint::Ambiguous,
        (false, false, false) => OrderHint::NotNeeded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_export_style_reads_as_its_local_day() {
        assert_eq!(parse_day("2024-03-05", None), Ok(day(2024, 3, 5)));
        assert_eq!(parse_day("2024-03-05T14:22:10Z", None), Ok(day(2024, 3, 5)));
        // Shopify: late evening in New York is still the 5th there (it is the 6th in UTC).
        assert_eq!(parse_day("2024-03-05 22:22:10 -0500", None), Ok(day(2024, 3, 5)));
        assert_eq!(parse_day("2024-03-05 14:22", None), Ok(day(2024, 3, 5)));
        assert_eq!(parse_day("2024-03-05T14:22:10.123+05:30", None), Ok(day(2024, 3, 5)));
        assert_eq!(parse_day("03/25/2024", None), Ok(day(2024, 3, 25)));
        assert_eq!(parse_day("25.03.2024", None), Ok(day(2024, 3, 25)));
        assert_eq!(parse_day("03/04/2024", Some(DateOrder::Mdy)), Ok(day(2024, 3, 4)));
        assert_eq!(parse_day("03/04/2024", Some(DateOrder::Dmy)), Ok(day(2024, 4, 3)));
        assert_eq!(parse_day("3/4/2024 2:05 PM", Some(DateOrder::Dmy)), Ok(day(2024, 4, 3)));
    }

    #[test]
    fn ambiguous_or_broken_dates_are_refused() {
        assert!(parse_day("03/04/2024", None).unwrap_err().contains("choose the order"));
        for bad in ["", "yesterday", "2024-02-30", "2024-13-01", "13/13/2024", "2024-03-05 lunch", "5/3/24"] {
            assert!(parse_day(bad, Some(DateOrder::Dmy)).is_err(), "{bad}");
        }
    }

    #[test]
    fn columns_decide_or_ask() {
        assert_eq!(column_order(["2024-03-05", ""]), OrderHint::NotNeeded);
        assert_eq!(column_order(["03/04/2024", "03/25/2024"]), OrderHint::Decided(DateOrder::Mdy));
        assert_eq!(column_order(["25/03/2024", "01/02/2024"]), OrderHint::Decided(DateOrder::Dmy));
        assert_eq!(column_order(["03/04/2024", "01/02/2024"]), OrderHint::Ambiguous);
        assert_eq!(column_order(["25/03/2024", "03/25/2024"]), OrderHint::Ambiguous);
        assert_eq!(column_order(["05.03.2024", "01.02.2024"]), OrderHint::Decided(DateOrder::Dmy));
        assert_eq!(parse_day("05.03.2024", None), Ok(day(2024, 3, 5)));
    }
}
