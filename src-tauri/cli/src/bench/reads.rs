//! The read figures: the full dashboard (what the Dashboard page asks for, plus the top-50
//! advocates with their chains), warm and cold; a contacts page with search and sort; the export
//! of the referral-sourced leads.

use super::{time_ms, Figure, Shop};
use chrono::{Days, NaiveDate};
use flywheel_core::contacts::{self, ContactQuery, ContactSort};
use flywheel_core::export::leads::{self, LeadFilter, LeadFormat};
use flywheel_core::export::Watch;
use flywheel_core::flywheel::{self, LoopQuery};
use flywheel_core::funnel::figures;
use flywheel_core::funnel::FunnelQuery;
use flywheel_core::{advocates, db, pool, time, Connection, Error, Result};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub struct Reads {
    pub dashboard_warm: Figure,
    pub dashboard_cold: Figure,
    /// The dashboard's parts, ms: (name, cold, warm).
    pub parts: Vec<(&'static str, Figure, Figure)>,
    pub contacts_page: Figure,
    pub contacts_total: i64,
    /// The same contacts page on a reader as the app's pool opens it, alone, then while another
    /// connection recomputes the full dashboard cold in a loop.
    pub contacts_on_reader: Figure,
    pub contacts_beside_dashboard: Figure,
    pub export: Figure,
    pub leads: i64,
}

/// The Dashboard page's period: its default, the last 12 months to the day.
fn period(day: NaiveDate) -> Result<(String, String)> {
    let from = day.checked_sub_days(Days::new(364)).ok_or_else(|| Error::invalid("as_of", "Too early."))?;
    Ok((time::format_day(from), time::format_day(day)))
}

/// How many advocates the bench asks for with their chains.
const TOP_ADVOCATES: u32 = 50;
/// How many the Dashboard's readiness list shows.
const READINESS: u32 = 8;

/// One named part of the dashboard.
type Part = (&'static str, fn(&Connection, &str, &str) -> Result<()>);

const PARTS: [Part; 4] = [
    ("flywheel report (loop, repeat, NPS, top 10, sankey)", |c, from, to| {
        flywheel::report(c, &loop_query(from, to)).map(drop)
    }),
    ("marketing funnel report", |c, from, to| {
        let q = FunnelQuery { from: from.to_owned(), to: to.to_owned(), channel: None, segment: None };
        let now = time::parse_day("to", to)?.and_hms_opt(23, 59, 59).map(|t| t.and_utc());
        figures::report(c, &q, now.ok_or_else(|| Error::invalid("to", "No end of day."))?).map(drop)
    }),
    ("top-50 advocates with chains", |c, from, to| {
        flywheel::leaderboard(c, &loop_query(from, to), TOP_ADVOCATES).map(drop)
    }),
    ("who to ask next", |c, _, to| advocates::readiness(c, Some(to), READINESS).map(drop)),
];

fn loop_query(from: &str, to: &str) -> LoopQuery {
    LoopQuery { from: Some(from.to_owned()), to: Some(to.to_owned()) }
}

fn dashboard(conn: &Connection, from: &str, to: &str) -> Result<()> {
    PARTS.iter().try_for_each(|(_, part)| part(conn, from, to))
}

/// The Contacts page typed into: a search, sorted by name, the first page.
fn contacts_query() -> ContactQuery {
    ContactQuery {
        search: Some("son".to_owned()),
        sort: Some(ContactSort::Name),
        limit: 50,
        ..ContactQuery::default()
    }
}

/// A fresh connection: nothing kept for it, as after the app starts or after any write.
fn cold(path: &Path) -> Result<Connection> {
    db::open_existing(path)
}

pub fn measure(
    conn: &Connection,
    path: &Path,
    shop: &Shop,
    work: &Path,
    runs: usize,
    fast: usize,
) -> Result<Reads> {
    let (from, to) = period(shop.day)?;
    // Cold: nothing cached, a fresh connection (empty page and statement caches; the OS file cache
    // is warm, as it is for an app opened on a file it used before). Warm: the same again, unchanged.
    let dashboard_cold = time_ms(runs, || dashboard(&cold(path)?, &from, &to))?;
    let mut parts = Vec::new();
    for (name, part) in PARTS {
        let cold = time_ms(runs, || part(&cold(path)?, &from, &to))?;
        part(conn, &from, &to)?;
        parts.push((name, cold, time_ms(fast, || part(conn, &from, &to))?));
    }
    dashboard(conn, &from, &to)?;
    let dashboard_warm = time_ms(fast, || dashboard(conn, &from, &to))?;
    eprintln!("  dashboard: cold {:.1} ms, warm {:.1} ms", dashboard_cold.median(), dashboard_warm.median());
    let q = contacts_query();
    let contacts_total = contacts::list(conn, &q)?.total;
    let contacts_page = time_ms(fast, || contacts::list(conn, &q).map(drop))?;
    let (contacts_on_reader, contacts_beside_dashboard) = beside_dashboard(path, &from, &to, fast)?;
    eprintln!(
        "  contacts search on a reader: alone {:.2} ms, while the dashboard recomputes {:.2} ms",
        contacts_on_reader.median(),
        contacts_beside_dashboard.median()
    );
    let cancel = AtomicBool::new(false);
    let (mut leads, mut files) = (0, Vec::new());
    // A new file each run, as a person saving an export would make: replacing the last run's file
    // would time the file system freeing it.
    let export = time_ms(fast, || {
        let file = work.join(format!("leads-{}.csv", files.len()));
        let mut watch = Watch { progress: &mut |_| {}, cancel: &cancel };
        leads = leads::export(conn, &LeadFilter::default(), LeadFormat::Hubspot, &file, &mut watch)?.rows;
        files.push(file);
        Ok(())
    })?;
    files.iter().try_for_each(std::fs::remove_file)?;
    Ok(Reads {
        dashboard_warm,
        dashboard_cold,
        parts,
        contacts_page,
        contacts_total,
        contacts_on_reader,
        contacts_beside_dashboard,
        export,
        leads,
    })
}

/// The contacts page timed `runs` times on a reader as the app's pool opens it: alone, then while
/// another thread recomputes the full dashboard, cold, on its own connection, over and over.
fn beside_dashboard(path: &Path, from: &str, to: &str, runs: usize) -> Result<(Figure, Figure)> {
    let reader = pool::open_reader(path)?;
    let q = contacts_query();
    contacts::list(&reader, &q)?;
    let alone = time_ms(runs, || contacts::list(&reader, &q).map(drop))?;
    let (started, stop) = (AtomicBool::new(false), AtomicBool::new(false));
    std::thread::scope(|s| {
        let busy = s.spawn(|| -> Result<usize> {
            let mut rounds = 0;
            while !stop.load(Ordering::Relaxed) {
                let conn = cold(path)?;
                started.store(true, Ordering::Relaxed);
                dashboard(&conn, from, to)?;
                rounds += 1;
            }
            Ok(rounds)
        });
        while !started.load(Ordering::Relaxed) && !busy.is_finished() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let figure = time_ms(runs, || contacts::list(&reader, &q).map(drop));
        stop.store(true, Ordering::Relaxed);
        let rounds = busy.join().map_err(|_| Error::storage("The dashboard thread panicked."))??;
        eprintln!("  ({rounds} cold dashboards ran beside the searches)");
        Ok((alone, figure?))
    })
}
