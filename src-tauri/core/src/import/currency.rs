//! The currency of an import's purchases against the shop's. A European shop's first import is
//! all in EUR while a new database starts in USD: unless the shop adopts EUR, every purchase would
//! stay out of the figures and the shop would see no customers. So when the shop has no purchases
//! yet and every purchase of the file is in one other currency, the import proposes that currency
//! (the window asks; the CLI adopts it, or follows `--currency`). In every other case purchases keep
//! their own currency and the report says how many are in other currencies.
//!
//! An adopted currency is set in the import's transaction, and the shop's currency before it is
//! kept under the settings key `import_prior_currency:<batch>` so undoing the import puts it back.

use crate::currencies::{self, OtherCurrencies};
use crate::error::Result;
use crate::settings;
use crate::store::Connection;
use crate::validate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The purchases of one file in one currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FileCurrency {
    pub currency: String,
    pub purchases: i64,
    pub customers: i64,
}

/// What an import's currencies mean for the shop.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ImportCurrencies {
    /// The shop's currency before the import.
    pub shop_currency: String,
    /// The purchases this import added, per currency, by code.
    pub file: Vec<FileCurrency>,
    /// The one currency every purchase of the file is in, when it is not the shop's and the shop
    /// has no purchases yet: the question "use it as the shop currency?".
    pub proposed: Option<String>,
    /// The shop currency this import set (or, in a dry run, would set).
    pub adopted: Option<String>,
    /// Purchases in other currencies than the shop's once the import is in, as the Customers page
    /// will show them.
    pub other: OtherCurrencies,
}

/// The settings key that keeps the shop's currency from before import `batch` adopted another.
fn prior_key(batch: i64) -> String {
    format!("import_prior_currency:{batch}")
}

/// Whether the shop has any purchase (read before an import adds its own).
pub(super) fn shop_has_purchases(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM purchases)", [], |r| r.get(0))?)
}

/// The purchases batch `batch` added, per currency. Counted here in one pass over the batch: a
/// `GROUP BY currency` sorted a row per purchase, the most memory an import took.
fn file_currencies(conn: &Connection, batch: i64) -> Result<Vec<FileCurrency>> {
    let mut by_currency: BTreeMap<String, (i64, HashSet<i64>)> = BTreeMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT currency, contact_id FROM purchases WHERE import_batch_id = ?1")?;
    let mut rows = stmt.query([batch])?;
    while let Some(r) = rows.next()? {
        let currency = r.get_ref("currency")?.as_str().map_err(rusqlite::Error::from)?;
        let contact_id: i64 = r.get("contact_id")?;
        let entry = match by_currency.get_mut(currency) {
            Some(entry) => entry,
            None => by_currency.entry(currency.to_owned()).or_default(),
        };
        entry.0 += 1;
        entry.1.insert(contact_id);
    }
    Ok(by_currency
        .into_iter()
        .map(|(currency, (purchases, customers))| FileCurrency {
            currency,
            purchases,
            customers: customers.len() as i64,
        })
        .collect())
}

/// The currency a file proposes as the shop's: its only currency, when that is not the shop's and
/// the shop had no purchases before the import.
pub fn proposal(had_purchases: bool, shop: &str, file: &[FileCurrency]) -> Option<String> {
    match file {
        [only] if !had_purchases && only.currency != shop => Some(only.currency.clone()),
        _ => None,
    }
}

/// After the pass, inside the import's transaction: settles the shop currency and describes the
/// currencies for the report. `requested` is the shop currency the user chose (the window's answer,
/// the CLI's `--currency`); `adopt_proposal` takes the file's own currency when it proposes one.
/// Neither changes the currency of a shop that already had purchases.
pub(super) fn settle(
    conn: &Connection,
    batch: i64,
    had_purchases: bool,
    requested: Option<&str>,
    adopt_proposal: bool,
) -> Result<ImportCurrencies> {
    let mut s = settings::get(conn)?;
    let shop = s.currency.clone();
    let file = file_currencies(conn, batch)?;
    let proposed = proposal(had_purchases, &shop, &file);
    let requested = match requested.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(validate::currency("shop_currency", c)?),
        None => None,
    };
    let target = requested.or(if adopt_proposal { proposed.clone() } else { None });
    let mut adopted = None;
    if let Some(target) = target.filter(|t| *t != shop && !had_purchases) {
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![prior_key(batch), shop],
        )?;
        s.currency = target.clone();
        settings::update(conn, &s)?;
        adopted = Some(target);
    }
    let other = currencies::other(conn, None)?;
    Ok(ImportCurrencies { shop_currency: shop, file, proposed, adopted, other })
}

/// When undoing import `batch`: puts back the shop currency it replaced, if it adopted one.
pub(super) fn restore(conn: &Connection, batch: i64) -> Result<()> {
    let key = prior_key(batch);
    let prior: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [&key], |r| r.get(0)).optional()?;
    if let Some(prior) = prior {
        let mut s = settings::get(conn)?;
        s.currency = prior;
        settings::update(conn, &s)?;
        conn.execute("DELETE FROM settings WHERE key = ?1", [&key])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(codes: &[&str]) -> Vec<FileCurrency> {
        codes.iter().map(|c| FileCurrency { currency: (*c).into(), purchases: 1, customers: 1 }).collect()
    }

    #[test]
    fn only_a_single_other_currency_into_an_empty_shop_is_proposed() {
        assert_eq!(proposal(false, "USD", &file(&["EUR"])), Some("EUR".into()));
        assert_eq!(proposal(true, "USD", &file(&["EUR"])), None, "the shop has purchases");
        assert_eq!(proposal(false, "USD", &file(&["USD"])), None, "already the shop's");
        assert_eq!(proposal(false, "USD", &file(&["EUR", "GBP"])), None, "two currencies");
        assert_eq!(proposal(false, "USD", &file(&[])), None, "no purchases");
    }
}
