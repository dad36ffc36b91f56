//! Customers at risk: those who have been worth the most so far (total spent in the top quarter
//! of customers) and whom the purchase model gives less than an even chance of still being active.
//! Worth a call before they are gone; one click makes the follow-up.

use crate::asof::AsOf;
use crate::contacts;
use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::followups::{self, Followup, FollowupInput, FollowupKind};
use crate::page;
use crate::repeat;
use crate::store::Connection;
use crate::time;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// Below this chance still active a valuable customer is at risk.
pub const AT_RISK_BELOW: f64 = 0.5;
/// The share of customers, by total spent, whose past value counts as high.
pub const HIGH_VALUE_SHARE: f64 = 0.25;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AtRisk {
    pub contact_id: i64,
    pub name: String,
    pub email: Option<String>,
    /// Spent so far, net of refunds, in minor units.
    pub total_spent: i64,
    pub p_alive: f64,
    pub last_purchase: String,
    pub days_since_last: i64,
    /// The due day of an open call follow-up, when one has been made already.
    pub follow_up_due: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AtRiskList {
    pub as_of: String,
    pub currency: String,
    /// Customers at risk in all (the list shows the first `limit`).
    pub total: i64,
    /// The least a customer must have spent to count as high value, minor units.
    pub high_value_from: Option<i64>,
    /// Most spent first.
    pub items: Vec<AtRisk>,
    /// Why there is no list, in words, when the model predicts nothing.
    pub problems: Vec<String>,
}

/// The customers at risk as of a day (today when `None`).
pub fn list(conn: &Connection, as_of: Option<&str>, limit: u32) -> Result<AtRiskList> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    let predictions = repeat::predictions_as_of(conn, &a)?;
    let mut out = AtRiskList {
        as_of: a.as_of.clone(),
        currency: a.currency.clone(),
        total: 0,
        high_value_from: None,
        items: Vec::new(),
        problems: predictions.report.problems.clone(),
    };
    if !predictions.report.predicts_purchases {
        return Ok(out);
    }
    let keys = repeat::customer_keys(conn, &a)?;
    let mut spent: Vec<i64> = keys.iter().map(|(_, k)| k.total_spent).collect();
    spent.sort_unstable();
    // The smallest total among the top quarter (at least one customer).
    let top = ((spent.len() as f64 * HIGH_VALUE_SHARE).ceil() as usize).max(1);
    let Some(&from) = spent.len().checked_sub(top).and_then(|i| spent.get(i)) else { return Ok(out) };
    out.high_value_from = Some(from);
    let mut risky: Vec<(i64, i64, f64, String)> = keys
        .into_iter()
        .filter(|(_, k)| k.total_spent >= from)
        .filter_map(|(id, k)| {
            let p = predictions.of(id)?.p_alive;
            (p < AT_RISK_BELOW).then_some((id, k.total_spent, p, k.last_purchase))
        })
        .collect();
    risky.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    out.total = risky.len() as i64;
    let mut who = conn.prepare_cached("SELECT first_name, last_name, email FROM contacts WHERE id = ?1")?;
    for (contact_id, total_spent, p_alive, last_purchase) in
        risky.into_iter().take(page::limit(limit) as usize)
    {
        let (first, last, email): (String, String, Option<String>) = who
            .query_row([contact_id], |r| Ok((r.get("first_name")?, r.get("last_name")?, r.get("email")?)))?;
        let last_day = time::parse_day("last_purchase", &last_purchase)?;
        out.items.push(AtRisk {
            contact_id,
            name: contacts::display_name(&first, &last, email.as_deref()),
            email,
            total_spent,
            p_alive,
            days_since_last: (a.day - last_day).num_days(),
            last_purchase,
            follow_up_due: open_call(conn, contact_id)?,
        });
    }
    Ok(out)
}

/// The due day of the contact's open call follow-up, if any.
fn open_call(conn: &Connection, contact_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT min(due_on) FROM followups WHERE contact_id = ?1 AND kind = 'call' AND done_at IS NULL",
        )?
        .query_row([contact_id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Makes the follow-up to win a customer back: a call, due today, titled with when they last
/// bought. Refused while one is still open, so nobody is called twice.
pub fn follow_up(conn: &Connection, contact_id: i64) -> Result<Followup> {
    with_tx(conn, |conn| {
        let contact = contacts::get(conn, contact_id).map_err(|_| {
            Error::invalid("contact_id", format!("There is no contact with id {contact_id}."))
        })?;
        if let Some(due) = open_call(conn, contact_id)? {
            return Err(Error::conflict_on(
                "contact_id",
                format!(
                    "{} already has a call to make (due {due}); finish that one first.",
                    contact.display_name()
                ),
            ));
        }
        let last: Option<String> = conn
            .prepare_cached("SELECT max(purchased_on) FROM purchases WHERE contact_id = ?1")?
            .query_row([contact_id], |r| r.get(0))?;
        let title = match last {
            Some(day) => format!("Win back {}: last bought {day}", contact.display_name()),
            None => format!("Win back {}", contact.display_name()),
        };
        let due_on = time::format_day(time::today());
        followups::create(conn, &FollowupInput { contact_id, kind: FollowupKind::Call, title, due_on })
    })
}
