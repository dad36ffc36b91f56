//! Referral codes: an advocate's personal code (ROSA25) that friends give at checkout, and the
//! orders that carry one becoming referrals by themselves.
//!
//! - A code is 3 to 20 letters, digits, `-` or `_`, matched whatever its letter case and spaces
//!   (`rosa 25` is ROSA25). It is unique over every code ever given: a retired code (replaced by a
//!   new one, or its advocate gone) is never given again, so an old order's code still names one
//!   advocate. An advocate has at most one code in use.
//! - An order that carries a code in use, by someone who has no referral yet, makes the referral
//!   advocate → buyer, dated on the order's day, through `referrals::create` (the one write path of
//!   a referral): its rules flag a look-alike self-referral or a buyer who was a customer before,
//!   and `rewards` owes the reward or flags a first order below the minimum. The advocate's own
//!   code on their own order, a buyer already referred, a retired or unknown code (a shop's
//!   ordinary discount code) make no referral; the order keeps its code and the caller is told.

use crate::contacts;
use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::purchases::Purchase;
use crate::referrals::{self, ReferralInput};
use crate::store::{Connection, Row};
use crate::time;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReferralCode {
    pub id: i64,
    /// `None` once the advocate was deleted (the code stays taken).
    pub advocate_id: Option<i64>,
    /// In capitals, as it is shown and typed at checkout.
    pub code: String,
    pub created_at: String,
    pub retired_at: Option<String>,
}

/// What an order's code did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CodeUse {
    /// The order made this referral.
    Referred { referral_id: i64, advocate_id: i64 },
    /// The advocate's own code on their own order: no referral.
    OwnCode { advocate_id: i64 },
    /// The buyer was already referred (by code or by hand): the first referral stands.
    AlreadyReferred { advocate_id: i64 },
    /// A code once given and now retired: no referral.
    Retired,
    /// No advocate's code: a shop's ordinary discount code, say.
    Unknown,
    /// The referral could not be made (it would go round a chain): why.
    Refused { message: String },
}

const SELECT: &str = "SELECT id, advocate_id, code, created_at, retired_at FROM referral_codes";

fn from_row(r: &Row<'_>) -> rusqlite::Result<ReferralCode> {
    Ok(ReferralCode {
        id: r.get("id")?,
        advocate_id: r.get("advocate_id")?,
        code: r.get("code")?,
        created_at: r.get("created_at")?,
        retired_at: r.get("retired_at")?,
    })
}

/// How a code is matched: upper case, without spaces.
pub fn key(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// A code as the owner typed it, checked and written in capitals without spaces (ROSA25): 3 to 20
/// of A–Z, 0–9, `-`, `_`.
fn checked(field: &str, code: &str) -> Result<String> {
    let code = key(code);
    if code.chars().count() < 3 || code.chars().count() > 20 {
        return Err(Error::invalid(field, "A code has 3 to 20 letters or digits, like ROSA25."));
    }
    if let Some(bad) = code.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(Error::invalid(
            field,
            format!("'{bad}' cannot be typed at every checkout; use the letters A to Z, digits, - or _."),
        ));
    }
    Ok(code)
}

/// The code in use with this key, or the retired one, or none.
fn by_key(conn: &Connection, key: &str) -> Result<Option<ReferralCode>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE code_key = ?1"))?
        .query_row([key], from_row)
        .optional()?)
}

/// The advocate's code in use.
pub fn of_advocate(conn: &Connection, advocate_id: i64) -> Result<Option<ReferralCode>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE advocate_id = ?1 AND retired_at IS NULL"))?
        .query_row([advocate_id], from_row)
        .optional()?)
}

/// A free code from the advocate's first name (or last, or email): the name's letters in capitals
/// and the first free number from 10, e.g. ROSA10, ROSA11 …
pub fn suggest(conn: &Connection, advocate_id: i64) -> Result<String> {
    let c = contacts::get(conn, advocate_id)?;
    let letters = |text: &str| -> String {
        text.chars().filter(char::is_ascii_alphabetic).flat_map(|c| c.to_uppercase()).take(12).collect()
    };
    let email_name = c.email.as_deref().and_then(|e| e.split('@').next()).unwrap_or("");
    let mut stem = [c.first_name.as_str(), c.last_name.as_str(), email_name]
        .iter()
        .map(|t| letters(t))
        .find(|l| l.len() >= 2)
        .unwrap_or_default();
    if stem.is_empty() {
        stem = "FRIEND".to_owned();
    }
    for n in 10..10_000 {
        let code = format!("{stem}{n}");
        if by_key(conn, &code)?.is_none() {
            return Ok(code);
        }
    }
    Err(Error::conflict(format!("Every code from {stem}10 to {stem}9999 is taken; type one.")))
}

/// Gives the advocate `code` (their earlier code, if any, is retired). Refused when the code is
/// anyone's, in use or retired: codes are never given twice.
pub fn set(conn: &Connection, advocate_id: i64, code: &str) -> Result<ReferralCode> {
    let code = checked("code", code)?;
    let key = key(&code);
    with_tx(conn, |conn| {
        let advocate = contacts::get(conn, advocate_id).map_err(|_| {
            Error::invalid("advocate_id", format!("There is no contact with id {advocate_id}."))
        })?;
        if let Some(taken) = by_key(conn, &key)? {
            if taken.advocate_id == Some(advocate_id) && taken.retired_at.is_none() {
                return Ok(taken);
            }
            let whose = match taken.advocate_id {
                Some(id) if id == advocate_id => "was theirs before".to_owned(),
                Some(id) => format!("belongs to {}", contacts::get(conn, id)?.display_name()),
                None => "was given before".to_owned(),
            };
            let retired = if taken.retired_at.is_some() { ", retired" } else { "" };
            return Err(Error::conflict_on(
                "code",
                format!(
                    "{} {whose}{retired}; a code is never given twice. Try {}.",
                    taken.code,
                    suggest(conn, advocate_id)?
                ),
            ));
        }
        let now = time::now_text();
        conn.execute(
            "UPDATE referral_codes SET retired_at = ?2 WHERE advocate_id = ?1 AND retired_at IS NULL",
            params![advocate_id, now],
        )?;
        conn.execute(
            "INSERT INTO referral_codes (advocate_id, code, code_key, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![advocate_id, code, key, now],
        )?;
        tracing::info!(advocate = advocate.id, code = %code, "gave a referral code");
        by_key(conn, &key)?.ok_or_else(|| Error::storage("The code just saved is not there."))
    })
}

/// Retires the advocate's code in use, if any: it credits no more orders and is never given again.
pub fn retire(conn: &Connection, advocate_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE referral_codes SET retired_at = ?2 WHERE advocate_id = ?1 AND retired_at IS NULL",
        params![advocate_id, time::now_text()],
    )?;
    Ok(())
}

/// Makes the referral an order's code calls for (see the module); `batch` marks it as an import's,
/// so undoing the import removes it. Called inside the order's own transaction.
pub(crate) fn attribute(
    conn: &Connection,
    order: &Purchase,
    code: &str,
    batch: Option<i64>,
) -> Result<CodeUse> {
    let Some(found) = by_key(conn, &key(code))? else { return Ok(CodeUse::Unknown) };
    let Some(advocate_id) = found.advocate_id.filter(|_| found.retired_at.is_none()) else {
        return Ok(CodeUse::Retired);
    };
    if advocate_id == order.contact_id {
        return Ok(CodeUse::OwnCode { advocate_id });
    }
    if let Some(earlier) = referrals::referrer_of(conn, order.contact_id)? {
        return Ok(CodeUse::AlreadyReferred { advocate_id: earlier.advocate_id });
    }
    let order_name =
        order.external_id.as_deref().map(|e| format!("order {e}")).unwrap_or_else(|| "an order".to_owned());
    let input = ReferralInput {
        advocate_id,
        referred_id: order.contact_id,
        referred_on: order.purchased_on.clone(),
        notes: format!("Found by the code {} on {order_name}.", found.code),
        reward_minor: 0,
        reward_currency: String::new(),
    };
    let referral = match referrals::create(conn, &input) {
        Ok(r) => r,
        Err(e) if e.code == crate::ErrorCode::Invalid || e.code == crate::ErrorCode::Conflict => {
            return Ok(CodeUse::Refused { message: e.message });
        }
        Err(e) => return Err(e),
    };
    conn.execute(
        "UPDATE referrals SET code_id = ?2, import_batch_id = ?3 WHERE id = ?1",
        params![referral.id, found.id, batch],
    )?;
    Ok(CodeUse::Referred { referral_id: referral.id, advocate_id })
}

/// What the codes of an import's orders did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CodeSummary {
    /// Referrals the codes made.
    pub referrals: i64,
    /// Orders carrying their buyer's own code.
    pub own_code: i64,
    /// Orders whose buyer was already referred.
    pub already_referred: i64,
    /// Orders carrying a retired code.
    pub retired: i64,
    /// Codes that are no advocate's (a shop's ordinary discount codes), with their orders.
    pub unknown: Vec<CodeCount>,
    /// Referrals a code could not make, and why.
    pub refused: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CodeCount {
    pub code: String,
    pub orders: i64,
}

impl CodeSummary {
    pub fn add(&mut self, used: &CodeUse, code: &str) {
        match used {
            CodeUse::Referred { .. } => self.referrals += 1,
            CodeUse::OwnCode { .. } => self.own_code += 1,
            CodeUse::AlreadyReferred { .. } => self.already_referred += 1,
            CodeUse::Retired => self.retired += 1,
            CodeUse::Unknown => {
                let code = key(code);
                match self.unknown.iter_mut().find(|c| c.code == code) {
                    Some(c) => c.orders += 1,
                    None => self.unknown.push(CodeCount { code, orders: 1 }),
                }
            }
            CodeUse::Refused { message } => self.refused.push(format!("{}: {message}", key(code))),
        }
    }

    /// The summary in sentences for the import's notes; none when no order carried a code.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let any = self.referrals + self.own_code + self.already_referred + self.retired > 0
            || !self.unknown.is_empty()
            || !self.refused.is_empty();
        if !any {
            return notes;
        }
        notes.push(format!(
            "{} found by code.",
            crate::words::plural(self.referrals, "referral", "referrals")
        ));
        if self.own_code > 0 {
            notes.push(format!(
                "{} carried the buyer's own referral code: no referral.",
                crate::words::plural(self.own_code, "order", "orders")
            ));
        }
        if self.already_referred > 0 {
            notes.push(format!(
                "{} carried a code from a buyer already referred: the first referral stands.",
                crate::words::plural(self.already_referred, "order", "orders")
            ));
        }
        if self.retired > 0 {
            notes.push(format!(
                "{} carried a retired referral code: no referral.",
                crate::words::plural(self.retired, "order", "orders")
            ));
        }
        if !self.unknown.is_empty() {
            let list: Vec<String> =
                self.unknown.iter().map(|c| format!("{} ({})", c.code, c.orders)).collect();
            notes.push(format!("Codes that are no advocate's, kept on their orders: {}.", list.join(", ")));
        }
        notes.extend(self.refused.iter().map(|r| format!("No referral from {r}")));
        notes
    }
}

/// What a code did, in a sentence for the owner.
pub fn sentence(conn: &Connection, used: &CodeUse, code: &str) -> Result<String> {
    let name = |id: i64| -> Result<String> { Ok(contacts::get(conn, id)?.display_name()) };
    let code = key(code);
    Ok(match used {
        CodeUse::Referred { referral_id, advocate_id } => {
            let r = referrals::get(conn, *referral_id)?;
            let flags: Vec<&str> = r
                .flags
                .iter()
                .map(|f| match f {
                    referrals::ReferralFlag::SelfReferral => "as a possible self-referral",
                    referrals::ReferralFlag::AlreadyCustomer => "as already a customer",
                    referrals::ReferralFlag::BelowMinimum => "as below the minimum first order",
                })
                .collect();
            let mut s = format!("{code} is {}'s code: recorded as their referral", name(*advocate_id)?);
            if !flags.is_empty() {
                s.push_str(&format!(", flagged {} for a look", flags.join(" and ")));
            }
            if r.reward_status == referrals::RewardStatus::Owed {
                s.push_str(&format!(
                    "; reward owed: {}",
                    crate::validate::display_money(r.reward_minor, &r.reward_currency)
                ));
            }
            s + "."
        }
        CodeUse::OwnCode { advocate_id } => {
            format!("{code} is {}'s own code: no referral from their own order.", name(*advocate_id)?)
        }
        CodeUse::AlreadyReferred { advocate_id } => {
            format!(
                "{code}: the buyer was already referred by {}; that referral stands.",
                name(*advocate_id)?
            )
        }
        CodeUse::Retired => format!("{code} is a retired referral code: no referral."),
        CodeUse::Unknown => format!("{code} is no advocate's code: kept on the order, no referral."),
        CodeUse::Refused { message } => format!("{code}: no referral. {message}"),
    })
}

/// A purchase recorded with a code, and what the code did in words (the purchase form shows it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CodedPurchase {
    pub purchase: Purchase,
    pub said: Option<String>,
}

/// Records a purchase carrying `code` (blank: none) and says what the code did.
pub fn record(
    conn: &Connection,
    input: &crate::purchases::PurchaseInput,
    code: Option<&str>,
) -> Result<CodedPurchase> {
    with_tx(conn, |conn| {
        let (purchase, used) = crate::purchases::create_with_code(conn, input, code)?;
        let said = match &used {
            Some(used) => Some(sentence(conn, used, purchase.referral_code.as_deref().unwrap_or(""))?),
            None => None,
        };
        Ok(CodedPurchase { purchase, said })
    })
}

/// What an advocate's detail shows: their code in use, the message to hand it over, and a free
/// code to offer when they have none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CodeCard {
    pub advocate_id: i64,
    pub code: Option<ReferralCode>,
    /// A short message the owner can paste into an email; `None` without a code.
    pub message: Option<String>,
    pub suggestion: String,
}

/// The card of `advocate_id`.
pub fn card(conn: &Connection, advocate_id: i64) -> Result<CodeCard> {
    let advocate = contacts::get(conn, advocate_id)?;
    let code = of_advocate(conn, advocate_id)?;
    let s = crate::settings::get(conn)?;
    let message = code.as_ref().map(|c| {
        let earn = if s.referral_reward_minor > 0 {
            format!(" When they first buy, you earn {}.", crate::validate::display_money(s.referral_reward_minor, &s.currency))
        } else {
            String::new()
        };
        let gets = match s.referral_friend_offer.trim() {
            "" => String::new(),
            offer => format!(": they get {offer}, and"),
        };
        format!(
            "Hi {}, thank you for recommending us! Give your friends the code {} to use at checkout{}{} we know they came from you.{earn}",
            if advocate.first_name.trim().is_empty() { "there" } else { advocate.first_name.trim() },
            c.code,
            gets,
            if gets.is_empty() { ", so" } else { "" },
        )
    });
    Ok(CodeCard { advocate_id, code, message, suggestion: suggest(conn, advocate_id)? })
}

/// A code with what it brought, as of today.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CodeResults {
    pub code: ReferralCode,
    pub advocate_name: String,
    pub advocate_email: Option<String>,
    /// Orders that carried it (the advocate's own included).
    pub uses: i64,
    /// Referrals it made.
    pub referrals: i64,
    /// Of those, the referred who bought on or after their referral day.
    pub referred_customers: i64,
    /// What they spent from their referral day on, net of refunds, in the shop's currency (minor).
    pub revenue: i64,
    pub currency: String,
}

/// Every code, in use first, then by code; with `retired` the retired ones too.
pub fn results(conn: &Connection, retired: bool) -> Result<Vec<CodeResults>> {
    let currency = crate::settings::get(conn)?.currency;
    let sql = format!(
        "SELECT k.id, k.advocate_id, k.code, k.created_at, k.retired_at,
                coalesce(c.first_name, '') AS first_name, coalesce(c.last_name, '') AS last_name, c.email,
                (SELECT count(*) FROM purchases p
                  WHERE p.referral_code IS NOT NULL AND upper(replace(p.referral_code, ' ', '')) = k.code_key) AS uses,
                (SELECT count(*) FROM referrals r WHERE r.code_id = k.id) AS made,
                (SELECT count(DISTINCT r.referred_id) FROM referrals r JOIN purchases p ON p.contact_id = r.referred_id
                  WHERE r.code_id = k.id AND p.purchased_on >= r.referred_on AND p.amount_minor > p.refunded_minor) AS bought,
                (SELECT coalesce(sum(p.amount_minor - p.refunded_minor), 0) FROM referrals r
                   JOIN purchases p ON p.contact_id = r.referred_id
                  WHERE r.code_id = k.id AND p.purchased_on >= r.referred_on AND p.currency = ?1) AS revenue
         FROM referral_codes k LEFT JOIN contacts c ON c.id = k.advocate_id
         {}
         ORDER BY k.retired_at IS NOT NULL, k.code_key",
        if retired { "" } else { "WHERE k.retired_at IS NULL" }
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([&currency], |r| {
        let (first, last, email): (String, String, Option<String>) =
            (r.get("first_name")?, r.get("last_name")?, r.get("email")?);
        Ok(CodeResults {
            code: from_row(r)?,
            advocate_name: contacts::display_name(&first, &last, email.as_deref()),
            advocate_email: email,
            uses: r.get("uses")?,
            referrals: r.get("made")?,
            referred_customers: r.get("bought")?,
            revenue: r.get("revenue")?,
            currency: currency.clone(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_spaces() {
        assert_eq!(key(" rosa 25 "), "ROSA25");
        assert_eq!(key("Rosa25"), key("ROSA25"));
        assert_eq!(checked("code", "ro sa25").unwrap(), "ROSA25");
        assert!(checked("code", "R2").is_err());
        assert!(checked("code", "ROSA€").unwrap_err().message.contains("'€'"));
        assert!(checked("code", "A23456789012345678901").is_err());
    }
}
