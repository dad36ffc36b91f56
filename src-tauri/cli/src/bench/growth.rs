//! How the fresh dashboard grows with the shop: the same measurements on the Small, Large and XL
//! samples (300 contacts; 100,000 and a million purchases; a million and ten million). The Small and
//! XL shops are seeded once into the work folder and kept there: the XL one takes minutes and gigabytes.

use super::reads::{after_write, cold, dashboard, period, PARTS};
use super::{open_sample, shop, time_ms, Figure, Shop};
use chrono::{Days, NaiveDate};
use flywheel_core::sample::SampleSize;
use flywheel_core::{Connection, Error, Result};
use std::path::Path;

/// One shop's figures.
pub struct Size {
    pub size: SampleSize,
    pub contacts: i64,
    pub purchases: i64,
    pub customers: i64,
    /// A purchase recorded, then the full dashboard, nothing kept from before the write.
    pub fresh: Figure,
    /// Each part of the dashboard right after a write, in the order of `PARTS`.
    pub parts: Vec<Figure>,
    /// The full dashboard half a year back, on a fresh connection.
    pub past: Figure,
}

fn count(conn: &Connection, table: &str) -> Result<i64> {
    Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

/// The figures of one shop, open on `conn` (kept at `path`).
fn measure_one(size: SampleSize, conn: &Connection, path: &Path, shop: &Shop, runs: usize) -> Result<Size> {
    let (from, to) = period(shop.day)?;
    let fresh = after_write(conn, &to, runs, true, |c| dashboard(c, &from, &to))?;
    let mut parts = Vec::new();
    for (_, part) in PARTS {
        parts.push(after_write(conn, &to, runs, false, |c| part(c, &from, &to))?);
    }
    let past_day: NaiveDate =
        shop.day.checked_sub_days(Days::new(182)).ok_or_else(|| Error::invalid("as_of", "Too early."))?;
    let (past_from, past_to) = period(past_day)?;
    let past = time_ms(runs, || dashboard(&cold(path)?, &past_from, &past_to))?;
    eprintln!(
        "  {}: a purchase, then the dashboard {:.1} ms; a past day {:.1} ms",
        size.as_str(),
        fresh.median(),
        past.median()
    );
    Ok(Size {
        size,
        contacts: count(conn, "contacts")?,
        purchases: count(conn, "purchases")?,
        customers: count(conn, "customer_summaries")?,
        fresh,
        parts,
        past,
    })
}

/// Small and XL from their files in `work` (seeded when missing), Large from the bench's own shop.
pub fn measure(
    large: &Connection,
    large_path: &Path,
    work: &Path,
    as_of: NaiveDate,
    runs: usize,
) -> Result<Vec<Size>> {
    let mut sizes = Vec::new();
    for size in [SampleSize::Small, SampleSize::Large, SampleSize::Xl] {
        if size == SampleSize::Large {
            sizes.push(measure_one(size, large, large_path, &shop(large)?, runs)?);
            continue;
        }
        let path = work.join(format!("growth-{}.db", size.as_str()));
        let conn = open_sample(&path, size, as_of)?;
        sizes.push(measure_one(size, &conn, &path, &shop(&conn)?, runs)?);
    }
    Ok(sizes)
}
