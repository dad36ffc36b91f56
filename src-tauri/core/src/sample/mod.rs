//! Sample data: a deterministic, realistic small business (a web and marketing studio) for the
//! "Load sample data" button, demos and benchmarks. The same size and `as_of` always give the same
//! rows, and all history lies in the ~18 months before `as_of`.
//!
//! Rows are written with plain prepared INSERTs in one transaction rather than through the
//! validated per-row API: the generator only produces valid rows, and the large size must be fast.

mod advocacy;
mod people;
mod rng;
mod sales;
mod words;

use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::store::Connection;
use crate::text_enum;
use crate::time;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The sample shop's currency, and what each of its referrals earns (25.00): Settings say the same,
/// so the first real referral earns what the sample ones did.
pub const CURRENCY: &str = "USD";
pub const REWARD_MINOR: i64 = 2_500;

text_enum! {
    pub enum SampleSize {
        /// About 300 contacts: a small business to click around in.
        Small => "small",
        /// 100,000 contacts and a million purchases: for measuring.
        Large => "large",
        /// A million contacts and ten million purchases: for measuring how figures grow.
        Xl => "xl",
    }
}

/// What a generation wrote, per table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SampleSummary {
    pub contacts: i64,
    pub purchases: i64,
    pub testimonials: i64,
    pub nps_answers: i64,
    pub referrals: i64,
    pub stage_events: i64,
    pub followups: i64,
}

/// Exact row counts of a size; contacts come first, the rest hang off them.
struct Spec {
    contacts: usize,
    purchases: usize,
    referrals: usize,
    testimonials: usize,
    nps_answers: usize,
    followups: usize,
}

impl SampleSize {
    fn spec(self) -> Spec {
        match self {
            SampleSize::Small => Spec {
                contacts: 300,
                purchases: 600,
                referrals: 60,
                testimonials: 60,
                nps_answers: 240,
                followups: 12,
            },
            SampleSize::Large => Spec {
                contacts: 100_000,
                purchases: 1_000_000,
                referrals: 50_000,
                testimonials: 20_000,
                nps_answers: 100_000,
                followups: 2_000,
            },
            SampleSize::Xl => Spec {
                contacts: 1_000_000,
                purchases: 10_000_000,
                referrals: 500_000,
                testimonials: 200_000,
                nps_answers: 1_000_000,
                followups: 20_000,
            },
        }
    }
}

/// Page cache while writing, in KiB (negative, as SQLite takes it).
const BULK_CACHE_KIB: i64 = -128 * 1024;
const SEED: u64 = 0x466C_7977_6865_656C;
const DAY: i64 = 86_400;
/// Days of history before `as_of`: about 18 months.
const SPAN: i64 = 540;
/// The last day anything happens: the day before `as_of`, so "today" is still empty.
const LAST_DAY: i64 = SPAN - 1;
/// The last second an event may carry.
const END: i64 = SPAN * DAY - 1;

/// Day numbers (0 = `SPAN` days before `as_of`, `SPAN` = `as_of`) and seconds since day 0, turned
/// into the stored text.
struct Clock {
    days: Vec<String>,
}

impl Clock {
    fn new(as_of: NaiveDate) -> Result<Self> {
        let first = as_of
            .checked_sub_days(Days::new(SPAN as u64))
            .ok_or_else(|| Error::invalid("as_of", format!("{as_of} is too early for sample data.")))?;
        let days: Vec<String> = first.iter_days().take(SPAN as usize + 1).map(time::format_day).collect();
        if days.len() != SPAN as usize + 1 {
            return Err(Error::invalid("as_of", format!("{as_of} is too late for sample data.")));
        }
        Ok(Self { days })
    }

    fn day(&self, d: i64) -> &str {
        &self.days[d.clamp(0, SPAN) as usize]
    }

    fn instant(&self, t: i64) -> String {
        let s = t.rem_euclid(DAY);
        format!("{}T{:02}:{:02}:{:02}Z", self.day(t.div_euclid(DAY)), s / 3600, s / 60 % 60, s % 60)
    }

    /// `YYYY-MM` of a day.
    fn month(&self, d: i64) -> &str {
        &self.day(d)[..7]
    }

    /// The `n` months up to the last day, oldest first.
    fn last_months(&self, n: usize) -> Vec<&str> {
        let mut months: Vec<&str> = Vec::new();
        for d in (0..=LAST_DAY).rev() {
            let m = self.month(d);
            if months.last() != Some(&m) {
                if months.len() == n {
                    break;
                }
                months.push(m);
            }
        }
        months.reverse();
        months
    }
}

/// A JSON list of words (for the tags and channels columns).
fn json_list(items: &[&str]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

/// Splits `total` into whole shares in proportion to `weights`, exactly: the remainder goes one
/// each to the first positively weighted items. All-zero weights share evenly.
fn allocate(total: usize, weights: &[u64]) -> Vec<usize> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 {
        let n = weights.len().max(1);
        return (0..weights.len()).map(|i| total / n + usize::from(i < total % n)).collect();
    }
    let mut shares: Vec<usize> =
        weights.iter().map(|&w| (total as u128 * u128::from(w) / sum) as usize).collect();
    let mut left = total - shares.iter().sum::<usize>();
    for (share, &w) in shares.iter_mut().zip(weights) {
        if left == 0 {
            break;
        }
        if w > 0 {
            *share += 1;
            left -= 1;
        }
    }
    shares
}

/// True when the database has no contacts, the only state sample data may be loaded into.
pub fn is_empty(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM contacts)", [], |r| r.get(0))?)
}

/// Fills an empty database with the sample business as it stood on `as_of`, in one transaction.
pub fn generate(conn: &Connection, size: SampleSize, as_of: NaiveDate) -> Result<SampleSummary> {
    let clock = Clock::new(as_of)?;
    // The indexes of a million purchases do not fit SQLite's default 2 MB page cache; a bigger one
    // for the length of the write saves a third of the large size's time.
    let Some(lite) = conn.sqlite() else {
        return write(conn, size.spec(), &clock);
    };
    let cache: i64 = lite.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    lite.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
    let summary = write(conn, size.spec(), &clock);
    lite.pragma_update(None, "cache_size", cache)?;
    summary
}

fn write(conn: &Connection, spec: Spec, clock: &Clock) -> Result<SampleSummary> {
    with_tx(conn, |conn| {
        if !is_empty(conn)? {
            return Err(Error::conflict(
                "This database already has contacts; sample data can only be loaded into an empty one.",
            ));
        }
        let mut rng = rng::Rng::new(SEED);
        let people = people::plan(&mut rng, spec.contacts, spec.referrals);
        let (stage_events, referrals) = people::write(conn, &mut rng, clock, &people)?;
        let purchases = crate::summary::paused(conn, |conn| {
            sales::purchases(conn, &mut rng, clock, &people, spec.purchases)
        })?;
        // The customer stage by the same rule as every purchase (the plan already agrees with it).
        crate::customer_since::rederive_all(conn)?;
        sales::spend(conn, &mut rng, clock, &people)?;
        let testimonials = advocacy::testimonials(conn, &mut rng, clock, &people, spec.testimonials)?;
        let nps_answers = advocacy::nps(conn, &mut rng, clock, &people, spec.nps_answers)?;
        let followups = advocacy::followups(conn, &mut rng, clock, &people, spec.followups)?;
        advocacy::codes(conn)?;
        // The rows carry their own ids: a team database's identities move past them.
        conn.resync_ids()?;
        let shop = crate::settings::get(conn)?;
        crate::settings::write(
            conn,
            &crate::settings::Settings {
                currency: CURRENCY.to_owned(),
                referral_reward_minor: REWARD_MINOR,
                ..shop
            },
        )?;
        Ok(SampleSummary {
            contacts: people.len() as i64,
            purchases,
            testimonials,
            nps_answers,
            referrals,
            stage_events,
            followups,
        })
    })
}

#[cfg(test)]
mod tests;
