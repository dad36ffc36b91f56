//! Purchases: the customer side of the funnel. A contact's first counted purchase makes them a
//! customer on its day (`customer_since`); their later ones are what the repeat figures count.

use crate::customer_since;
use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::page::{self, Filter, Page};
use crate::referral_codes::CodeUse;
use crate::rewards;
use crate::store::{Connection, Row};
use crate::time;
use crate::validate;
use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Purchase {
    pub id: i64,
    pub contact_id: i64,
    /// The day of the purchase, `YYYY-MM-DD`.
    pub purchased_on: String,
    /// In minor units of `currency` (cents for USD).
    pub amount_minor: i64,
    /// How much of the amount has been given back; never more than the amount.
    pub refunded_minor: i64,
    pub currency: String,
    pub product: String,
    pub quantity: i64,
    /// The order or payment id in the system it came from; unique, the dedupe key of imports.
    pub external_id: Option<String>,
    /// The discount or referral code the order carried, as it came.
    pub referral_code: Option<String>,
    pub created_at: String,
}

/// What a form or an import gives to record or edit a purchase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PurchaseInput {
    pub contact_id: i64,
    pub purchased_on: String,
    pub amount_minor: i64,
    pub currency: String,
    pub product: String,
    pub quantity: i64,
    /// Blank means none.
    pub external_id: Option<String>,
}

struct Clean {
    contact_id: i64,
    day: NaiveDate,
    amount_minor: i64,
    currency: String,
    product: String,
    quantity: i64,
    external_id: Option<String>,
}

/// Validates an input; `id` is the purchase being edited, which may keep its own order id.
fn clean(conn: &Connection, input: &PurchaseInput, id: Option<i64>) -> Result<Clean> {
    let c = Clean {
        contact_id: validate::contact_id(conn, "contact_id", input.contact_id)?,
        day: time::past_day("purchased_on", &input.purchased_on)?,
        amount_minor: validate::money("amount_minor", input.amount_minor)?,
        currency: validate::currency("currency", &input.currency)?,
        product: validate::text("product", &input.product, 200)?,
        quantity: validate::range("quantity", input.quantity, 1, 1_000_000)?,
        external_id: match input.external_id.as_deref() {
            Some(raw) => Some(validate::text("external_id", raw, 200)?).filter(|e| !e.is_empty()),
            None => None,
        },
    };
    if let Some(ext) = &c.external_id {
        let taken = conn
            .prepare_cached("SELECT 1 FROM purchases WHERE external_id = ?1 AND id IS NOT ?2")?
            .query_row(params![ext, id], |_| Ok(()))
            .optional()?
            .is_some();
        if taken {
            return Err(Error::conflict_on(
                "external_id",
                format!("Another purchase already has the order id '{ext}'."),
            ));
        }
    }
    Ok(c)
}

/// Records a purchase and places the contact's customer stage by their purchases (a first
/// purchase makes them a customer on its day): both or neither.
pub fn create(conn: &Connection, input: &PurchaseInput) -> Result<Purchase> {
    Ok(create_with_code(conn, input, None)?.0)
}

/// Records a purchase as [`create`] does, carrying a discount or referral code: an advocate's code
/// makes the referral (`referral_codes`), and what the code did is returned. A blank code is none.
pub fn create_with_code(
    conn: &Connection,
    input: &PurchaseInput,
    code: Option<&str>,
) -> Result<(Purchase, Option<CodeUse>)> {
    let code = match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(validate::text("referral_code", c, 100)?),
        None => None,
    };
    with_tx(conn, |conn| {
        let c = clean(conn, input, None)?;
        conn.execute(
            "INSERT INTO purchases (contact_id, purchased_on, amount_minor, currency, product, quantity,
                                    external_id, referral_code, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                c.contact_id,
                time::format_day(c.day),
                c.amount_minor,
                c.currency,
                c.product,
                c.quantity,
                c.external_id,
                code,
                time::now_text()
            ],
        )?;
        let id = conn.last_insert_rowid();
        customer_since::rederive(conn, c.contact_id)?;
        let p = get(conn, id)?;
        rewards::after_purchase(conn, &p)?;
        let used = match &code {
            Some(code) => Some(crate::referral_codes::attribute(conn, &p, code, None)?),
            None => None,
        };
        Ok((p, used))
    })
}

/// Edits a purchase. Its day, amount and contact may change when each contact became a customer,
/// so both contacts' customer stage is placed again.
pub fn update(conn: &Connection, id: i64, input: &PurchaseInput) -> Result<Purchase> {
    with_tx(conn, |conn| {
        let old = get(conn, id)?;
        let c = clean(conn, input, Some(id))?;
        if c.amount_minor < old.refunded_minor {
            return Err(Error::invalid(
                "amount_minor",
                format!(
                    "{} has already been refunded; the amount cannot be less than that.",
                    validate::display_money(old.refunded_minor, &old.currency)
                ),
            ));
        }
        conn.execute(
            "UPDATE purchases SET contact_id = ?2, purchased_on = ?3, amount_minor = ?4, currency = ?5,
                    product = ?6, quantity = ?7, external_id = ?8
             WHERE id = ?1",
            params![
                id,
                c.contact_id,
                time::format_day(c.day),
                c.amount_minor,
                c.currency,
                c.product,
                c.quantity,
                c.external_id
            ],
        )?;
        customer_since::rederive(conn, c.contact_id)?;
        if c.contact_id != old.contact_id {
            customer_since::rederive(conn, old.contact_id)?;
        }
        let p = get(conn, id)?;
        rewards::after_update(conn, &old, &p)?;
        Ok(p)
    })
}

/// Deletes a purchase, and voids the referral reward it earned. The customer stage follows the
/// purchases that remain: deleting the only one undoes the customer stage it gave.
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    with_tx(conn, |conn| {
        let p = get(conn, id)?;
        rewards::before_delete(conn, &p)?;
        conn.execute("DELETE FROM purchases WHERE id = ?1", [id])?;
        customer_since::rederive(conn, p.contact_id)
    })
}

/// Gives back part or all of a purchase; refunds add up and can never exceed the amount paid. A
/// referral reward the order earned is clawed back once the order would no longer earn it. A fully
/// refunded purchase no longer counts for when the contact became a customer.
pub fn refund(conn: &Connection, id: i64, amount_minor: i64) -> Result<Purchase> {
    with_tx(conn, |conn| {
        let amount = validate::money("amount_minor", amount_minor)?;
        if amount == 0 {
            return Err(Error::invalid("amount_minor", "Enter an amount to refund above zero."));
        }
        let p = get(conn, id)?;
        let left = p.amount_minor - p.refunded_minor;
        if amount > left {
            return Err(Error::invalid(
                "amount_minor",
                format!(
                    "Only {} of this purchase can still be refunded.",
                    validate::display_money(left, &p.currency)
                ),
            ));
        }
        conn.execute(
            "UPDATE purchases SET refunded_minor = refunded_minor + ?2 WHERE id = ?1",
            params![id, amount],
        )?;
        let p = get(conn, id)?;
        customer_since::rederive(conn, p.contact_id)?;
        rewards::after_refund(conn, &p, amount)?;
        Ok(p)
    })
}

const SELECT: &str = "SELECT id, contact_id, purchased_on, amount_minor, refunded_minor, currency, product,
                             quantity, external_id, referral_code, created_at FROM purchases";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Purchase> {
    Ok(Purchase {
        id: r.get("id")?,
        contact_id: r.get("contact_id")?,
        purchased_on: r.get("purchased_on")?,
        amount_minor: r.get("amount_minor")?,
        refunded_minor: r.get("refunded_minor")?,
        currency: r.get("currency")?,
        product: r.get("product")?,
        quantity: r.get("quantity")?,
        external_id: r.get("external_id")?,
        referral_code: r.get("referral_code")?,
        created_at: r.get("created_at")?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Purchase> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("purchase", id))
}

/// Every purchase of one contact, oldest first.
pub fn for_contact(conn: &Connection, contact_id: i64) -> Result<Vec<Purchase>> {
    if !validate::exists(conn, "contacts", contact_id)? {
        return Err(Error::not_found("contact", contact_id));
    }
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} WHERE contact_id = ?1 ORDER BY purchased_on, id"))?;
    let rows = stmt.query_map([contact_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

crate::text_enum! {
    pub enum PurchaseSort {
        Date => "date",
        Amount => "amount",
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PurchaseQuery {
    pub contact_id: Option<i64>,
    /// First day to include, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last day to include, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// Matches the product anywhere, ignoring case.
    pub search: Option<String>,
    /// Default: by date.
    pub sort: Option<PurchaseSort>,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
}

pub fn list(conn: &Connection, q: &PurchaseQuery) -> Result<Page<Purchase>> {
    let mut f = Filter::default();
    if let Some(id) = q.contact_id {
        f.and("contact_id = ?", id);
    }
    let given = |s: &&str| !s.trim().is_empty();
    if let Some(from) = q.from.as_deref().filter(given) {
        f.and("purchased_on >= ?", time::format_day(time::parse_day("from", from)?));
    }
    if let Some(to) = q.to.as_deref().filter(given) {
        f.and("purchased_on <= ?", time::format_day(time::parse_day("to", to)?));
    }
    if let Some(s) = q.search.as_deref().filter(given) {
        f.and("product LIKE ? ESCAPE '\\'", page::like_pattern(s));
    }
    let dir = if q.descending { "DESC" } else { "ASC" };
    let order = match q.sort.unwrap_or(PurchaseSort::Date) {
        PurchaseSort::Date => format!("purchased_on {dir}, id {dir}"),
        PurchaseSort::Amount => format!("amount_minor {dir}, id {dir}"),
    };
    page::fetch(conn, SELECT, &f, &order, q.offset, q.limit, from_row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_names_round_trip() {
        for s in PurchaseSort::ALL {
            assert_eq!(PurchaseSort::parse(s.as_str()), Some(*s));
        }
    }
}
