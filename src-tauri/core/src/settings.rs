//! The shop's settings, typed. They live as key/value rows so a new setting needs no migration;
//! a key never written reads as its default.

use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::money::DecimalMarkSetting;
use crate::store::Connection;
use crate::validate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Settings {
    /// Lead score (1–100) at which marketing hands a lead to sales as an MQL.
    pub mql_threshold: i64,
    /// Hours (1–720) sales has to accept or reject an MQL before the handoff counts as breached.
    pub sla_hours: i64,
    /// The shop's main currency, an ISO code like USD; referral rewards are in it.
    pub currency: String,
    /// What an advocate earns for a referral that buys, in minor units of `currency`.
    pub referral_reward_minor: i64,
    /// The smallest first order of a referred customer that earns the reward.
    pub referral_min_order_minor: i64,
    /// Which of `,` and `.` the shop writes as the decimal mark in typed amounts (see `money::read`).
    pub decimal_mark: DecimalMarkSetting,
    /// The monthly discount rate of the predicted 12-month value, in percent (0–100).
    pub monthly_discount_percent: f64,
    /// What a friend gets for using an advocate's referral code, in the shop's words ("10 % off
    /// their first order"); blank for nothing said. The code's message names it.
    pub referral_friend_offer: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            mql_threshold: 75,
            sla_hours: 24,
            currency: "USD".to_owned(),
            referral_reward_minor: 0,
            referral_min_order_minor: 0,
            decimal_mark: DecimalMarkSetting::Auto,
            monthly_discount_percent: 1.0,
            referral_friend_offer: String::new(),
        }
    }
}

impl Settings {
    /// The same settings checked and normalised; errors name the field.
    fn validated(&self) -> Result<Settings> {
        Ok(Settings {
            mql_threshold: validate::range("mql_threshold", self.mql_threshold, 1, 100)?,
            sla_hours: validate::range("sla_hours", self.sla_hours, 1, 720)?,
            currency: validate::currency("currency", &self.currency)?,
            referral_reward_minor: validate::money("referral_reward_minor", self.referral_reward_minor)?,
            referral_min_order_minor: validate::money(
                "referral_min_order_minor",
                self.referral_min_order_minor,
            )?,
            decimal_mark: self.decimal_mark,
            monthly_discount_percent: validate::percent(
                "monthly_discount_percent",
                self.monthly_discount_percent,
            )?,
            referral_friend_offer: validate::text("referral_friend_offer", &self.referral_friend_offer, 120)?,
        })
    }

    /// The rows that store these settings.
    fn rows(&self) -> [(&'static str, String); 8] {
        [
            ("mql_threshold", self.mql_threshold.to_string()),
            ("sla_hours", self.sla_hours.to_string()),
            ("currency", self.currency.clone()),
            ("referral_reward_minor", self.referral_reward_minor.to_string()),
            ("referral_min_order_minor", self.referral_min_order_minor.to_string()),
            ("decimal_mark", self.decimal_mark.as_str().to_owned()),
            ("monthly_discount_percent", self.monthly_discount_percent.to_string()),
            ("referral_friend_offer", self.referral_friend_offer.clone()),
        ]
    }

    /// Takes one stored row; rows of keys this struct does not know are left to their owners.
    fn apply(&mut self, key: &str, value: &str) -> Result<()> {
        let number = || {
            value.trim().parse::<i64>().map_err(|_| {
                Error::storage(format!(
                    "The stored setting '{key}' should be a whole number but is '{value}'."
                ))
            })
        };
        match key {
            "mql_threshold" => self.mql_threshold = number()?,
            "sla_hours" => self.sla_hours = number()?,
            "currency" => self.currency = value.to_owned(),
            "referral_reward_minor" => self.referral_reward_minor = number()?,
            "referral_min_order_minor" => self.referral_min_order_minor = number()?,
            "referral_friend_offer" => self.referral_friend_offer = value.to_owned(),
            "monthly_discount_percent" => {
                self.monthly_discount_percent = value.trim().parse::<f64>().map_err(|_| {
                    Error::storage(format!("The stored setting '{key}' should be a number but is '{value}'."))
                })?
            }
            "decimal_mark" => {
                self.decimal_mark = DecimalMarkSetting::parse(value.trim()).ok_or_else(|| {
                    Error::storage(format!(
                        "The stored setting 'decimal_mark' should be dot, comma or auto but is '{value}'."
                    ))
                })?
            }
            _ => {}
        }
        Ok(())
    }
}

/// The current settings; a damaged stored value is reported, never silently replaced.
pub fn get(conn: &Connection) -> Result<Settings> {
    let mut s = Settings::default();
    let mut stmt = conn.prepare_cached("SELECT key, value FROM settings")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        let value: String = r.get(1)?;
        s.apply(&key, &value)?;
    }
    s.validated().map_err(|e| {
        let key = e.field.unwrap_or_default();
        Error::storage(format!("The stored setting '{key}' is not usable: {}", e.message))
    })
}

/// Stores checked settings as they are, with no consequence on the data (the sample uses it).
pub(crate) fn write(conn: &Connection, clean: &Settings) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    for (key, value) in clean.validated()?.rows() {
        stmt.execute(params![key, value])?;
    }
    Ok(())
}

/// Checks and saves every setting in one transaction, and returns what was saved. Leads whose
/// score reaches a new MQL threshold become MQLs in the same transaction.
pub fn update(conn: &Connection, settings: &Settings) -> Result<Settings> {
    let clean = settings.validated()?;
    with_tx(conn, |conn| {
        write(conn, &clean)?;
        // A lower MQL threshold qualifies the leads that now reach it.
        crate::funnel::scoring::qualify_all(conn, crate::time::now())?;
        Ok(())
    })?;
    get(conn)
}

/// Every setting by the name `flywheel settings get|set` uses; amounts are in major units.
pub const KEYS: &[&str] = &[
    "mql_threshold",
    "sla_hours",
    "currency",
    "decimal_mark",
    "referral_reward",
    "referral_min_order",
    "monthly_discount",
    "friend_offer",
];

fn unknown_key(key: &str) -> Error {
    Error::invalid("key", format!("There is no setting '{key}'; the settings are {}.", KEYS.join(", ")))
}

impl Settings {
    /// One setting as text, as [`set_value`] reads it back: amounts in major units (`25.00`).
    pub fn value_of(&self, key: &str) -> Result<String> {
        let amount = |minor| crate::money::format_major(minor, &self.currency);
        Ok(match key {
            "mql_threshold" => self.mql_threshold.to_string(),
            "sla_hours" => self.sla_hours.to_string(),
            "currency" => self.currency.clone(),
            "decimal_mark" => self.decimal_mark.as_str().to_owned(),
            "referral_reward" => amount(self.referral_reward_minor),
            "referral_min_order" => amount(self.referral_min_order_minor),
            "monthly_discount" => self.monthly_discount_percent.to_string(),
            "friend_offer" => self.referral_friend_offer.clone(),
            _ => return Err(unknown_key(key)),
        })
    }
}

/// Changes one setting named as in [`KEYS`] from typed text and saves it like [`update`]; amounts
/// are read by the money reader in the shop's currency and decimal mark. Errors name the key.
pub fn set_value(conn: &Connection, key: &str, value: &str) -> Result<Settings> {
    let mut s = get(conn)?;
    let number = || {
        value
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::invalid(key, format!("'{}' is not a whole number.", value.trim())))
    };
    let (currency, mark) = (s.currency.clone(), s.decimal_mark);
    let amount = || crate::money::read(value, &currency, mark).map_err(|m| Error::invalid(key, m));
    match key {
        "mql_threshold" => s.mql_threshold = number()?,
        "sla_hours" => s.sla_hours = number()?,
        "currency" => s.currency = validate::currency(key, value)?,
        "decimal_mark" => {
            s.decimal_mark =
                DecimalMarkSetting::parse(value.trim().to_lowercase().as_str()).ok_or_else(|| {
                    Error::invalid(key, format!("'{}' is not dot, comma or auto.", value.trim()))
                })?
        }
        "referral_reward" => s.referral_reward_minor = amount()?,
        "referral_min_order" => s.referral_min_order_minor = amount()?,
        "monthly_discount" => s.monthly_discount_percent = percent_typed(key, value)?,
        "friend_offer" => s.referral_friend_offer = value.trim().to_owned(),
        _ => return Err(unknown_key(key)),
    }
    update(conn, &s).map_err(|mut e| {
        // The struct's field names differ from the keys for amounts.
        if e.field.as_deref().is_some_and(|f| f.starts_with(key) || f.ends_with(key)) {
            e.field = Some(key.to_owned());
        }
        e
    })
}

/// A percentage as typed: `1`, `1.5`, `1,5` or `1.5 %`.
fn percent_typed(key: &str, value: &str) -> Result<f64> {
    let clean = value.trim().trim_end_matches('%').trim().replace(',', ".");
    clean
        .parse::<f64>()
        .map_err(|_| Error::invalid(key, format!("'{}' is not a percentage like 1 or 1.5.", value.trim())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let d = Settings::default();
        assert_eq!(d.validated().unwrap(), d);
        assert_eq!((d.mql_threshold, d.sla_hours, d.currency.as_str()), (75, 24, "USD"));
        assert_eq!(d.monthly_discount_percent, 1.0);
    }

    #[test]
    fn every_field_has_a_row_that_reads_back() {
        let s = Settings {
            mql_threshold: 60,
            sla_hours: 48,
            currency: "EUR".into(),
            referral_reward_minor: 1500,
            referral_min_order_minor: 5000,
            decimal_mark: DecimalMarkSetting::Comma,
            monthly_discount_percent: 1.25,
            referral_friend_offer: "10 % off their first order".into(),
        };
        let mut back = Settings::default();
        for (key, value) in s.rows() {
            back.apply(key, &value).unwrap();
        }
        assert_eq!(back, s);
    }

    #[test]
    fn unknown_keys_are_ignored_and_bad_numbers_name_the_key() {
        let mut s = Settings::default();
        s.apply("theme", "dark").unwrap();
        assert_eq!(s, Settings::default());
        let e = s.apply("sla_hours", "a day").unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::Storage);
        assert!(e.message.contains("sla_hours"), "{}", e.message);
    }
}
