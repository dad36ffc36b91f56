//! Referral rewards, decided by the rules rather than typed in:
//! - a reward is owed when the referred contact first buys (their first paid purchase on or after
//!   the referral day), if that order reaches the minimum in Settings; a smaller first order is
//!   flagged `below_minimum` for a human to decide, and owes nothing by itself;
//! - the amount is the referral's own reward if it has one, else the one in Settings; with neither
//!   there is no reward scheme and nothing is owed;
//! - flagged referrals (self-referral, already a customer) earn nothing automatically;
//! - the reward stands as long as its order would still earn it: a refund that takes the order
//!   below the minimum (or refunds it in full), or deleting or moving it, claws the reward back to
//!   void with a note saying why.
//!
//! Purchases and referrals call these inside their own transactions, so an order and its reward
//! change together or not at all.

use crate::error::Result;
use crate::purchases::{self, Purchase};
use crate::referrals::{self, ReferralFlag, RewardStatus};
use crate::settings::{self, Settings};
use crate::store::Connection;
use crate::time;
use crate::validate::display_money;
use rusqlite::{params, OptionalExtension};

/// Why `p` would not earn a reward under `s`, or `None` if it would.
fn shortfall(p: &Purchase, s: &Settings) -> Option<String> {
    let net = p.amount_minor - p.refunded_minor;
    if net <= 0 {
        return Some("The order was refunded in full.".to_owned());
    }
    if s.referral_min_order_minor == 0 {
        return None;
    }
    if p.currency != s.currency {
        return Some(format!(
            "The first order was in {}, so it cannot be checked against the {} minimum.",
            p.currency,
            display_money(s.referral_min_order_minor, &s.currency)
        ));
    }
    (net < s.referral_min_order_minor).then(|| {
        format!(
            "The first order ({}) is below the {} minimum for a reward.",
            display_money(net, &p.currency),
            display_money(s.referral_min_order_minor, &s.currency)
        )
    })
}

/// How an order is named in a note: its order id, or its day and amount.
fn order_name(p: &Purchase) -> String {
    let amount = display_money(p.amount_minor, &p.currency);
    match &p.external_id {
        Some(ext) => format!("order {ext} ({amount} on {})", p.purchased_on),
        None => format!("the order of {amount} on {}", p.purchased_on),
    }
}

/// The referred contact's first paid purchase on or after `day`.
fn first_paid_purchase(conn: &Connection, contact_id: i64, day: &str) -> Result<Option<Purchase>> {
    let id: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM purchases
             WHERE contact_id = ?1 AND purchased_on >= ?2 AND amount_minor > refunded_minor
             ORDER BY purchased_on, id LIMIT 1",
        )?
        .query_row(params![contact_id, day], |r| r.get(0))
        .optional()?;
    id.map(|id| purchases::get(conn, id)).transpose()
}

fn save_flags(conn: &Connection, referral_id: i64, flags: &[ReferralFlag]) -> Result<()> {
    conn.execute(
        "UPDATE referrals SET flags = ?2 WHERE id = ?1",
        params![referral_id, serde_json::to_string(flags)?],
    )?;
    Ok(())
}

/// Brings a referral's reward up to date with the referred contact's purchases: flags an earlier
/// purchase, and owes the reward (or flags a small first order) once they have bought. A reward
/// already decided (owed, paid, void) is left as it is.
pub(crate) fn review(conn: &Connection, referral_id: i64) -> Result<()> {
    let r = referrals::get(conn, referral_id)?;
    let mut flags = r.flags.clone();
    if !flags.contains(&ReferralFlag::AlreadyCustomer)
        && referrals::customer_before(conn, r.referred_id, &r.referred_on)?
    {
        flags.push(ReferralFlag::AlreadyCustomer);
    }
    let decided = r.reward_status != RewardStatus::None || !flags.is_empty();
    let first = if decided { None } else { first_paid_purchase(conn, r.referred_id, &r.referred_on)? };
    let Some(first) = first else {
        if flags != r.flags {
            save_flags(conn, r.id, &flags)?;
        }
        return Ok(());
    };
    let s = settings::get(conn)?;
    if let Some(why) = shortfall(&first, &s) {
        flags.push(ReferralFlag::BelowMinimum);
        save_flags(conn, r.id, &flags)?;
        conn.execute("UPDATE referrals SET reward_note = ?2 WHERE id = ?1", params![r.id, why])?;
        return Ok(());
    }
    let (amount, currency) = if r.reward_minor > 0 {
        (r.reward_minor, r.reward_currency.clone())
    } else {
        (s.referral_reward_minor, s.currency.clone())
    };
    if amount == 0 {
        return Ok(());
    }
    let note = format!("Earned by {}.", order_name(&first));
    conn.execute(
        "UPDATE referrals SET reward_status = 'owed', reward_minor = ?2, reward_currency = ?3,
                reward_purchase_id = ?4, reward_note = ?5
         WHERE id = ?1",
        params![r.id, amount, currency, first.id, note],
    )?;
    Ok(())
}

/// After a purchase was recorded (or moved to this contact): their referral may now owe a reward.
pub(crate) fn after_purchase(conn: &Connection, p: &Purchase) -> Result<()> {
    match referrals::referrer_of(conn, p.contact_id)? {
        Some(r) => review(conn, r.id),
        None => Ok(()),
    }
}

/// Voids the owed or paid reward that `purchase_id` earned, saying `why`.
fn claw_back(conn: &Connection, purchase_id: i64, why: &str) -> Result<()> {
    let earned: Option<(i64, RewardStatus)> = conn
        .prepare_cached(
            "SELECT id, reward_status FROM referrals
             WHERE reward_purchase_id = ?1 AND reward_status IN ('owed', 'paid')",
        )?
        .query_row([purchase_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((id, status)) = earned else { return Ok(()) };
    let paid = if status == RewardStatus::Paid {
        " It had already been paid: recover it from the advocate."
    } else {
        ""
    };
    let note = format!("Clawed back on {}: {why}{paid}", time::format_day(time::today()));
    conn.execute(
        "UPDATE referrals SET reward_status = 'void', reward_note = ?2 WHERE id = ?1",
        params![id, note],
    )?;
    Ok(())
}

/// After a refund: the reward stands only while its order would still earn it.
pub(crate) fn after_refund(conn: &Connection, p: &Purchase, refunded_now: i64) -> Result<()> {
    let s = settings::get(conn)?;
    if let Some(why) = shortfall(p, &s) {
        let refund = display_money(refunded_now, &p.currency);
        claw_back(conn, p.id, &format!("{refund} of {} was refunded. {why}", order_name(p)))?;
    }
    Ok(())
}

/// After an edit: a reward whose order moved to someone else or no longer reaches the minimum is
/// clawed back; the contact the order now belongs to may earn one.
pub(crate) fn after_update(conn: &Connection, before: &Purchase, after: &Purchase) -> Result<()> {
    let s = settings::get(conn)?;
    if after.contact_id != before.contact_id {
        claw_back(conn, after.id, &format!("{} was moved to another contact.", order_name(before)))?;
    } else if let Some(why) = shortfall(after, &s) {
        claw_back(conn, after.id, &format!("{} was changed. {why}", order_name(before)))?;
    }
    after_purchase(conn, after)
}

/// Before a purchase is deleted: the reward it earned goes with it.
pub(crate) fn before_delete(conn: &Connection, p: &Purchase) -> Result<()> {
    claw_back(conn, p.id, &format!("{} was deleted.", order_name(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(amount_minor: i64, refunded_minor: i64, currency: &str) -> Purchase {
        Purchase {
            id: 1,
            contact_id: 1,
            purchased_on: "2024-03-05".into(),
            amount_minor,
            refunded_minor,
            currency: currency.into(),
            product: String::new(),
            quantity: 1,
            external_id: Some("#1001".into()),
            referral_code: None,
            created_at: String::new(),
        }
    }

    #[test]
    fn an_order_earns_the_reward_when_its_net_reaches_the_minimum() {
        let s = Settings { referral_min_order_minor: 5000, ..Settings::default() };
        assert_eq!(shortfall(&order(5000, 0, "USD"), &s), None);
        // 60.00 with 20.00 refunded is 40.00 net: short of 50.00.
        let short = shortfall(&order(6000, 2000, "USD"), &s).unwrap();
        assert!(short.contains("40.00 USD") && short.contains("50.00 USD"), "{short}");
        assert!(shortfall(&order(9000, 0, "EUR"), &s).unwrap().contains("EUR"));
        // Without a minimum any paid order earns it, but a full refund never does.
        let none = Settings::default();
        assert_eq!(shortfall(&order(1, 0, "EUR"), &none), None);
        assert!(shortfall(&order(6000, 6000, "USD"), &none).unwrap().contains("in full"));
    }

    #[test]
    fn notes_name_the_order() {
        assert_eq!(order_name(&order(6000, 0, "USD")), "order #1001 (60.00 USD on 2024-03-05)");
        let mut p = order(6000, 0, "USD");
        p.external_id = None;
        assert_eq!(order_name(&p), "the order of 60.00 USD on 2024-03-05");
    }
}
