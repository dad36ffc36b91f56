//! Purchases (repeat buyers, same-day baskets, refunds, web-shop order numbers) and what the paid
//! channels cost each month.

use super::people::Person;
use super::rng::Rng;
use super::words::{PAID_CHANNELS, PRODUCTS};
use super::{allocate, Clock, DAY, LAST_DAY};
use crate::error::Result;
use crate::store::Connection;
use rusqlite::params;
use std::collections::HashMap;

/// The seed of the stream that decides when customers stop buying.
const LAPSE_SEED: u64 = 0x6C61_7073_6564;

struct Purchase {
    day: i64,
    contact: usize,
    product: usize,
    quantity: i64,
    refunded: i64,
    /// Bought in the web shop, so it carries the shop's order number.
    shop: bool,
    at: i64,
}

/// Exactly `total` purchases (at least one per customer), oldest first.
pub(super) fn purchases(
    conn: &Connection,
    rng: &mut Rng,
    clock: &Clock,
    people: &[Person],
    total: usize,
) -> Result<i64> {
    let customers: Vec<(usize, i64)> =
        people.iter().enumerate().filter_map(|(i, p)| p.customer_at().map(|at| (i, at / DAY))).collect();
    // Customers stop buying, as real ones do: past a day of their own (the last day of the sample
    // for about half, happier customers more often) a customer buys no more. Drawn from a stream
    // of its own so every other draw of the sample stays as it was.
    let mut lapse = Rng::new(LAPSE_SEED);
    let active_until: Vec<i64> = customers
        .iter()
        .map(|&(i, first)| {
            let stays = 0.3 + 0.15 * people[i].mood as u8 as f64;
            if lapse.chance(stays) {
                LAST_DAY
            } else {
                lapse.range(first, LAST_DAY)
            }
        })
        .collect();
    // Some customers buy in bulk: each has their own multiple of the usual quantity on repeat
    // orders, so customers' typical order values differ as real ones do.
    let bulk: Vec<i64> = customers.iter().map(|_| [1, 1, 1, 2, 2, 3, 4][lapse.below(7) as usize]).collect();
    // Everyone buys once, on the day they became a customer; the rest goes to repeat buyers in
    // proportion to how long they have been buying and how happy they are.
    let weights: Vec<u64> = customers
        .iter()
        .zip(&active_until)
        .map(|(&(i, first), &until)| {
            if rng.chance(0.35) {
                0
            } else {
                (until - first + 1) as u64 * rng.range(1, 8) as u64 * (people[i].mood as u64 + 1)
            }
        })
        .collect();
    let extra = allocate(total.saturating_sub(customers.len()), &weights);
    let repeatable: Vec<usize> = (0..PRODUCTS.len()).filter(|&k| PRODUCTS[k].repeatable).collect();
    let mut rows = Vec::with_capacity(total);
    for (((&(contact, first), &more), &until), &bulk) in
        customers.iter().zip(&extra).zip(&active_until).zip(&bulk)
    {
        let mut day = first;
        for n in 0..=more {
            let product = if n == 0 {
                people[contact].product
            } else {
                // Some repeat purchases land on the same day as the one before: one basket.
                if !rng.chance(0.08) {
                    day = rng.range(first, until);
                }
                if rng.chance(0.75) {
                    rng.pick(&repeatable)
                } else {
                    rng.below(PRODUCTS.len() as u64) as usize
                }
            };
            let quantity = rng.range(1, PRODUCTS[product].max_quantity) * if n == 0 { 1 } else { bulk };
            let amount = PRODUCTS[product].price * quantity;
            let refunded = match rng.below(1000) {
                0..=9 => amount,
                10..=24 => amount * rng.range(1, 5) / 10,
                _ => 0,
            };
            let at = day * DAY + rng.range(8 * 3600, 20 * 3600);
            rows.push(Purchase { day, contact, product, quantity, refunded, shop: rng.chance(0.6), at });
        }
    }
    // Stable: ties keep their generated order, so the ids come out the same every time.
    rows.sort_by_key(|r| (r.day, r.contact));
    let mut insert = conn.prepare_cached(
        "INSERT INTO purchases (contact_id, purchased_on, amount_minor, refunded_minor, currency, product,
                                quantity, external_id, created_at)
         VALUES (?1, ?2, ?3, ?4, 'USD', ?5, ?6, ?7, ?8)",
    )?;
    let mut order = 1000;
    for r in &rows {
        let external_id = r.shop.then(|| {
            order += 1;
            format!("#{order}")
        });
        insert.execute(params![
            r.contact as i64 + 1,
            clock.day(r.day),
            PRODUCTS[r.product].price * r.quantity,
            r.refunded,
            PRODUCTS[r.product].name,
            r.quantity,
            external_id,
            clock.instant(r.at)
        ])?;
    }
    Ok(rows.len() as i64)
}

/// A year of monthly spend for the paid channels, with visitors in line with the contacts each
/// channel brought that month. Months the owner already entered are left alone.
pub(super) fn spend(conn: &Connection, rng: &mut Rng, clock: &Clock, people: &[Person]) -> Result<()> {
    let mut arrivals: HashMap<(&str, &str), i64> = HashMap::new();
    for p in people {
        *arrivals.entry((p.source, clock.month(p.created() / DAY))).or_default() += 1;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO channel_spend (channel_key, month, amount_minor, currency, visitors)
         VALUES (?1, ?2, ?3, 'USD', ?4)
         ON CONFLICT (channel_key, month) DO NOTHING",
    )?;
    for month in clock.last_months(12) {
        for &(key, cents_per_visitor) in PAID_CHANNELS {
            let n = arrivals.get(&(key, month)).copied().unwrap_or(0);
            let visitors = n * rng.range(25, 45) + rng.range(100, 400);
            let amount = visitors * cents_per_visitor / 100 * 100;
            insert.execute(params![key, month, amount, visitors])?;
        }
    }
    Ok(())
}
