//! What turns customers into advocates: testimonials in every state with a consistent consent
//! record, NPS answers, and the follow-ups that keep the loop turning.

use super::people::{Mood, Person};
use super::rng::Rng;
use super::words::*;
use super::{allocate, json_list, Clock, DAY, END, LAST_DAY, SPAN};
use crate::error::Result;
use crate::stages::Stage;
use crate::store::Connection;
use rusqlite::params;
use std::cmp::Reverse;

/// Later than `t` by `lo..=hi` days, but never after the window.
fn later(rng: &mut Rng, t: i64, lo: i64, hi: i64) -> i64 {
    (t + rng.range(lo * DAY, hi * DAY)).min(END)
}

#[derive(Default)]
struct Testimonial {
    contact: usize,
    status: &'static str,
    headline: &'static str,
    quote: String,
    rating: Option<i64>,
    tags: String,
    requested: i64,
    received: Option<i64>,
    approved: Option<i64>,
    published: Option<i64>,
    consent_publish: bool,
    consent_named: bool,
    consent_channels: String,
    consent_given: Option<i64>,
    consent_withdrawn: Option<i64>,
    incentive: &'static str,
    updated: i64,
}

const STATUSES: &[(&str, u32)] = &[
    ("requested", 15),
    ("received", 12),
    ("approved", 15),
    ("published", 38),
    ("declined", 10),
    ("withdrawn", 10),
];

/// Exactly `total` testimonials, asked of customers (the happiest first), in order of asking.
pub(super) fn testimonials(
    conn: &Connection,
    rng: &mut Rng,
    clock: &Clock,
    people: &[Person],
    total: usize,
) -> Result<i64> {
    let mut givers: Vec<(Reverse<Mood>, u64, usize)> = people
        .iter()
        .enumerate()
        .filter(|(_, p)| p.customer_at().is_some())
        .map(|(i, p)| (Reverse(p.mood), rng.next(), i))
        .collect();
    givers.sort_unstable();
    if givers.is_empty() {
        return Ok(0);
    }
    let mut rows: Vec<Testimonial> =
        (0..total).map(|k| testimonial(rng, people, givers[k % givers.len()].2)).collect();
    rows.sort_by_key(|t| t.requested);
    let mut insert = conn.prepare_cached(
        "INSERT INTO testimonials (contact_id, status, headline, quote, rating, product, segment, tags,
             requested_at, received_at, approved_at, published_at, consent_publish, consent_named,
             consent_channels, consent_given_at, consent_withdrawn_at, incentive, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?9, ?19)",
    )?;
    let at = |t: Option<i64>| t.map(|t| clock.instant(t));
    for t in &rows {
        let p = &people[t.contact];
        insert.execute(params![
            t.contact as i64 + 1,
            t.status,
            t.headline,
            t.quote,
            t.rating,
            PRODUCTS[p.product].name,
            p.segment,
            t.tags,
            clock.instant(t.requested),
            at(t.received),
            at(t.approved),
            at(t.published),
            t.consent_publish,
            t.consent_named,
            t.consent_channels,
            at(t.consent_given),
            at(t.consent_withdrawn),
            t.incentive,
            clock.instant(t.updated)
        ])?;
    }
    Ok(rows.len() as i64)
}

fn testimonial(rng: &mut Rng, people: &[Person], contact: usize) -> Testimonial {
    let p = &people[contact];
    let status = STATUSES[rng.weighted(&STATUSES.iter().map(|s| s.1).collect::<Vec<_>>())].0;
    let mut t = later(rng, p.customer_at().unwrap_or(0), 3, 60);
    let mut row = Testimonial {
        contact,
        status,
        requested: t,
        updated: t,
        tags: json_list(&[]),
        consent_channels: json_list(&[]),
        ..Default::default()
    };
    match status {
        "requested" => return row,
        "declined" => {
            row.updated = later(rng, t, 1, 14);
            return row;
        }
        _ => {}
    }
    t = later(rng, t, 1, 21);
    row.received = Some(t);
    let rating = match p.mood {
        Mood::Promoter => 4 + rng.weighted(&[30, 70]) as i64,
        Mood::Passive => rng.range(3, 4),
        Mood::Detractor => rng.range(1, 3),
    };
    row.rating = Some(rating);
    let product = PRODUCTS[p.product].name.to_lowercase();
    let (headlines, endings) =
        if rating >= 4 { (HEADLINES, QUOTE_ENDINGS_HAPPY) } else { (MIXED_HEADLINES, QUOTE_ENDINGS_MIXED) };
    row.headline = rng.pick(headlines);
    row.quote =
        format!("{} {product}. {} {}", rng.pick(QUOTE_OPENINGS), rng.pick(QUOTE_MIDDLES), rng.pick(endings));
    row.tags = json_list(&[rng.pick(TESTIMONIAL_TAGS)]);
    if rng.chance(0.2) {
        row.incentive = rng.pick(INCENTIVES);
    }
    // Consent comes with the quote (half of those merely received have not given it yet); a
    // quarter stay anonymous.
    if status != "received" || rng.chance(0.5) {
        row.consent_publish = true;
        row.consent_named = rng.chance(0.75);
        row.consent_given = Some(t);
        let channels = &CONSENT_CHANNELS[..rng.range(1, CONSENT_CHANNELS.len() as i64) as usize];
        row.consent_channels = json_list(channels);
    }
    if matches!(status, "approved" | "published" | "withdrawn") {
        t = later(rng, t, 1, 7);
        row.approved = Some(t);
    }
    if status == "published" || (status == "withdrawn" && rng.chance(0.7)) {
        t = later(rng, t, 1, 14);
        row.published = Some(t);
    }
    if status == "withdrawn" {
        t = later(rng, t, 14, 120);
        row.consent_publish = false;
        row.consent_withdrawn = Some(t);
    }
    row.updated = t;
    row
}

/// Exactly `total` NPS answers from customers, more from those who have been customers longer.
pub(super) fn nps(
    conn: &Connection,
    rng: &mut Rng,
    clock: &Clock,
    people: &[Person],
    total: usize,
) -> Result<i64> {
    let customers: Vec<(usize, i64)> =
        people.iter().enumerate().filter_map(|(i, p)| p.customer_at().map(|at| (i, at / DAY))).collect();
    let weights: Vec<u64> = customers.iter().map(|&(_, first)| (SPAN - first) as u64).collect();
    let counts = allocate(total, &weights);
    let mut rows: Vec<(i64, usize, i64, &str)> = Vec::with_capacity(total);
    for (&(contact, first), &n) in customers.iter().zip(&counts) {
        for _ in 0..n {
            // The survey goes out two weeks after the first purchase, then every so often.
            let day = rng.range((first + 14).min(LAST_DAY), LAST_DAY);
            // Mostly in keeping with how they feel, sometimes a notch either way.
            let mood = match (people[contact].mood, rng.weighted(&[80, 10, 10])) {
                (Mood::Promoter, 1) | (Mood::Detractor, 2) => Mood::Passive,
                (Mood::Passive, 1) => Mood::Detractor,
                (Mood::Passive, 2) => Mood::Promoter,
                (mood, _) => mood,
            };
            let (score, comments) = match mood {
                Mood::Promoter => (rng.range(9, 10), PROMOTER_COMMENTS),
                Mood::Passive => (rng.range(7, 8), PASSIVE_COMMENTS),
                Mood::Detractor => (rng.weighted(&[1, 1, 1, 2, 3, 5, 7]) as i64, DETRACTOR_COMMENTS),
            };
            let comment = if rng.chance(0.6) { rng.pick(comments) } else { "" };
            rows.push((day, contact, score, comment));
        }
    }
    rows.sort_by_key(|r| (r.0, r.1));
    let mut insert = conn.prepare_cached(
        "INSERT INTO nps_answers (contact_id, score, comment, answered_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for &(day, contact, score, comment) in &rows {
        let at = day * DAY + rng.range(8 * 3600, 22 * 3600);
        insert.execute(params![contact as i64 + 1, score, comment, clock.day(day), clock.instant(at)])?;
    }
    Ok(rows.len() as i64)
}

/// `total` follow-ups due in the last three weeks (some today, some done, some overdue).
pub(super) fn followups(
    conn: &Connection,
    rng: &mut Rng,
    clock: &Clock,
    people: &[Person],
    total: usize,
) -> Result<i64> {
    let promoters: Vec<usize> = (0..people.len())
        .filter(|&i| people[i].mood == Mood::Promoter && people[i].customer_at().is_some())
        .collect();
    let open: Vec<usize> =
        (0..people.len()).filter(|&i| matches!(people[i].stage(), Stage::Sql | Stage::Opportunity)).collect();
    let everyone: Vec<usize> = (0..people.len()).collect();
    if everyone.is_empty() {
        return Ok(0);
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO followups (contact_id, kind, title, due_on, done_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for _ in 0..total {
        let kind = rng.weighted(&[35, 30, 25, 10]);
        let pool = match kind {
            0 | 1 if !promoters.is_empty() => &promoters,
            2 if !open.is_empty() => &open,
            _ => &everyone,
        };
        let i = rng.pick(pool);
        let p = &people[i];
        let name = format!("{} {}", p.first, p.last);
        let (kind, title) = match kind {
            0 => ("ask_testimonial", format!("Ask {name} for a testimonial")),
            1 => ("ask_referral", format!("Ask {name} who else could use us")),
            2 => ("call", format!("Call {name} about the proposal")),
            _ => ("other", format!("Send {name} the renewal reminder")),
        };
        let due = rng.range(SPAN - 21, SPAN);
        let created =
            ((due - rng.range(2, 14)) * DAY + rng.range(8 * 3600, 18 * 3600)).clamp(p.created(), END);
        let due = due.max(created / DAY);
        let done = (due < SPAN && rng.chance(0.4)).then(|| rng.range(created, END));
        insert.execute(params![
            i as i64 + 1,
            kind,
            title,
            clock.day(due),
            done.map(|t| clock.instant(t)),
            clock.instant(created)
        ])?;
    }
    Ok(total as i64)
}

/// Referral codes, as shops hand them out: every third advocate who referred someone has one (their
/// first name and a number), and the first order of each friend they brought who bought on or after
/// their referral day carried it, so those referrals are the ones found by code. A few other orders
/// carry the shop's own SPRING10, which is no advocate's. Picked without the generator, so every
/// other part of the sample stays as it was.
pub(super) fn codes(conn: &Connection) -> Result<i64> {
    let advocates: Vec<(i64, String, String)> = conn
        .prepare(
            "SELECT r.advocate_id AS id, c.first_name AS first_name, min(r.referred_on) AS since
             FROM referrals r JOIN contacts c ON c.id = r.advocate_id
             GROUP BY r.advocate_id, c.first_name ORDER BY r.advocate_id",
        )?
        .query_map([], |r| Ok((r.get("id")?, r.get("first_name")?, r.get("since")?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut given = 0;
    for (n, (advocate, first, since)) in advocates.iter().enumerate().filter(|(n, _)| n % 3 == 0) {
        let stem: String =
            first.chars().filter(char::is_ascii_alphabetic).take(8).collect::<String>().to_uppercase();
        let code = format!("{}{}", if stem.len() >= 2 { stem.as_str() } else { "FRIEND" }, 10 + n);
        conn.execute(
            "INSERT INTO referral_codes (advocate_id, code, code_key, created_at) VALUES (?1, ?2, ?2, ?3)",
            rusqlite::params![advocate, code, format!("{since}T09:00:00Z")],
        )?;
        let id: i64 =
            conn.query_row("SELECT id FROM referral_codes WHERE code_key = ?1", [&code], |r| r.get(0))?;
        conn.execute(
            "UPDATE purchases SET referral_code = ?2 WHERE id IN (
                 SELECT (SELECT p.id FROM purchases p
                         WHERE p.contact_id = r.referred_id AND p.purchased_on >= r.referred_on
                         ORDER BY p.purchased_on, p.id LIMIT 1)
                 FROM referrals r WHERE r.advocate_id = ?1)",
            rusqlite::params![advocate, code],
        )?;
        conn.execute(
            "UPDATE referrals SET code_id = ?2 WHERE advocate_id = ?1
               AND EXISTS (SELECT 1 FROM purchases p WHERE p.contact_id = referrals.referred_id
                                                     AND p.purchased_on >= referrals.referred_on)",
            rusqlite::params![advocate, id],
        )?;
        given += 1;
    }
    conn.execute(
        "UPDATE purchases SET referral_code = 'SPRING10' WHERE referral_code IS NULL AND id % 17 = 0",
        [],
    )?;
    Ok(given)
}
