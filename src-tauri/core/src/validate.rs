//! Input rules shared by every entity: each failure names the field so the form can show it there.

use crate::error::{Error, Result};
use crate::store::Connection;
use rusqlite::OptionalExtension;

/// Trims and lower-cases an email and checks its shape; `None` for a blank one.
pub fn email(field: &str, raw: Option<&str>) -> Result<Option<String>> {
    let Some(raw) = raw else { return Ok(None) };
    let e = raw.trim().to_lowercase();
    if e.is_empty() {
        return Ok(None);
    }
    let bad =
        || Error::invalid(field, format!("'{}' is not an email address like name@example.com.", raw.trim()));
    let (local, domain) = e.split_once('@').ok_or_else(bad)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    let local_ok =
        !local.is_empty() && !local.chars().any(|c| c.is_whitespace() || c == '@' || c == '<' || c == '>');
    if !domain_ok || !local_ok || e.len() > 254 {
        return Err(bad());
    }
    Ok(Some(e))
}

/// Trims free text and refuses what no screen or export could sensibly hold.
pub fn text(field: &str, raw: &str, max_chars: usize) -> Result<String> {
    let t = raw.trim();
    if t.chars().count() > max_chars {
        return Err(Error::invalid(field, format!("Keep this under {max_chars} characters.")));
    }
    Ok(t.to_owned())
}

pub fn required_text(field: &str, raw: &str, max_chars: usize) -> Result<String> {
    let t = text(field, raw, max_chars)?;
    if t.is_empty() {
        return Err(Error::invalid(field, "This cannot be empty."));
    }
    Ok(t)
}

/// Trims tags, drops blanks and repeats (case-insensitively), keeps the first spelling.
pub fn tags(field: &str, raw: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = text(field, t, 60)?;
        if !t.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    if out.len() > 50 {
        return Err(Error::invalid(field, "Use at most 50 tags."));
    }
    Ok(out)
}

pub fn money(field: &str, minor: i64) -> Result<i64> {
    if minor < 0 {
        return Err(Error::invalid(field, "An amount cannot be negative."));
    }
    if minor > 1_000_000_000_000 {
        return Err(Error::invalid(field, "That amount is implausibly large."));
    }
    Ok(minor)
}

pub fn range(field: &str, value: i64, lo: i64, hi: i64) -> Result<i64> {
    if value < lo || value > hi {
        return Err(Error::invalid(field, format!("Enter a whole number from {lo} to {hi}.")));
    }
    Ok(value)
}

/// A percentage from 0 to 100 (decimals allowed).
pub fn percent(field: &str, value: f64) -> Result<f64> {
    if !value.is_finite() || !(0.0..=100.0).contains(&value) {
        return Err(Error::invalid(field, "Enter a percentage from 0 to 100, like 1 or 1.5."));
    }
    Ok(value)
}

/// ISO 4217 codes in current use, in order, one every four characters (so they can be bisected).
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN \
BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF \
GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL \
LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG \
QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS \
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

/// Upper-cases and checks a currency code.
pub fn currency(field: &str, raw: &str) -> Result<String> {
    let c = raw.trim().to_uppercase();
    if c.len() == 3 && is_currency(&c) {
        Ok(c)
    } else {
        Err(Error::invalid(field, format!("'{}' is not a currency code like USD or EUR.", raw.trim())))
    }
}

/// Every currency code the core accepts, in order (for the window's currency choice).
pub fn currencies() -> Vec<&'static str> {
    CURRENCIES.split(' ').collect()
}

/// Whether `code` is in [`CURRENCIES`]: a binary search, since an import checks every row.
fn is_currency(code: &str) -> bool {
    let (mut lo, mut hi) = (0, CURRENCIES.len().div_ceil(4));
    while lo < hi {
        let mid = (lo + hi) / 2;
        match CURRENCIES[4 * mid..4 * mid + 3].cmp(code) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Digits after the decimal point in a currency's minor unit (JPY has none, BHD three).
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "BIF" | "CLP" | "DJF" | "GNF" | "ISK" | "JPY" | "KMF" | "KRW" | "PYG" | "RWF" | "UGX" | "VND"
        | "VUV" | "XAF" | "XOF" | "XPF" => 0,
        "BHD" | "IQD" | "JOD" | "KWD" | "LYD" | "OMR" | "TND" => 3,
        _ => 2,
    }
}

/// An amount as a shop owner reads it, e.g. `12.50 USD` or `1200 JPY`.
pub fn display_money(minor: i64, currency: &str) -> String {
    format!("{} {currency}", crate::import::money::format_major(minor, currency))
}

/// Whether `table` has a row with this id. `table` comes from the code, never from user text.
pub fn exists(conn: &Connection, table: &'static str, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Checks that an input points at an existing contact, so the form can say which field is wrong
/// instead of the database refusing a bare foreign key.
pub fn contact_id(conn: &Connection, field: &str, id: i64) -> Result<i64> {
    if !exists(conn, "contacts", id)? {
        return Err(Error::invalid(field, format!("There is no contact with id {id}.")));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_currency_list_is_sorted_and_every_code_is_found() {
        let codes: Vec<&str> = CURRENCIES.split(' ').collect();
        assert!(codes.iter().all(|c| c.len() == 3), "one code every four characters");
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "in order");
        assert!(codes.iter().all(|c| is_currency(c)));
        for absent in ["AAA", "ZZZ", "USE", "EUQ", "usd", "US"] {
            assert!(!is_currency(absent), "{absent}");
        }
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(email("email", Some("  Ann@Example.COM ")).unwrap().as_deref(), Some("ann@example.com"));
        assert_eq!(email("email", Some("  ")).unwrap(), None);
        for bad in
            ["ann", "ann@", "@example.com", "ann@example", "a b@example.com", "ann@exa mple.com", "ann@.com"]
        {
            let e = email("email", Some(bad)).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("email"), "{bad}");
        }
    }

    #[test]
    fn currencies_are_known_codes() {
        assert_eq!(currency("currency", "eur").unwrap(), "EUR");
        assert!(currency("currency", "XYZ").is_err());
        assert!(currency("currency", "EURO").is_err());
        assert_eq!(minor_digits("JPY"), 0);
        assert_eq!(minor_digits("USD"), 2);
    }

    #[test]
    fn money_is_displayed_in_major_units() {
        assert_eq!(display_money(1250, "USD"), "12.50 USD");
        assert_eq!(display_money(5, "EUR"), "0.05 EUR");
        assert_eq!(display_money(1200, "JPY"), "1200 JPY");
        // BHD has three minor digits: 1234 fils = 1.234 BHD.
        assert_eq!(display_money(1234, "BHD"), "1.234 BHD");
        assert_eq!(display_money(-150, "USD"), "-1.50 USD");
    }

    #[test]
    fn references_must_exist() {
        let conn = crate::db::open_in_memory().unwrap();
        assert!(!exists(&conn, "contacts", 1).unwrap());
        let e = contact_id(&conn, "advocate_id", 1).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Invalid);
        assert_eq!(e.field.as_deref(), Some("advocate_id"));
        conn.execute(
            "INSERT INTO contacts (id, email, created_at, updated_at) VALUES (1, 'a@b.co', 'x', 'x')",
            [],
        )
        .unwrap();
        assert_eq!(contact_id(&conn, "advocate_id", 1).unwrap(), 1);
    }

    #[test]
    fn tags_drop_blanks_and_repeats() {
        let t = tags("tags", &[" vip ".into(), "".into(), "VIP".into(), "wholesale".into()]).unwrap();
        assert_eq!(t, vec!["vip", "wholesale"]);
    }

    #[test]
    fn money_and_ranges() {
        assert!(money("amount", -1).is_err());
        assert_eq!(money("amount", 0).unwrap(), 0);
        assert!(range("score", 11, 0, 10).is_err());
        assert!(range("score", 0, 0, 10).is_ok());
    }
}
