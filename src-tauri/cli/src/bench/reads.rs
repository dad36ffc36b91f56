//! The read figures: the full dashboard (what the Dashboard page asks for, plus the top-50
//! advocates with their chains), warm and cold; a contacts page with search and sort; the export
//! of the referral-sourced leads; the duplicate suggestions of Import / Export.

use super::{time_ms, Figure, Shop};
use chrono::{Days, NaiveDate};
use flywheel_core::chains;
use flywheel_core::contacts::{self, ContactQuery, ContactSort};
use flywheel_core::coverage;
use flywheel_core::export::leads::{self, LeadFilter, LeadFormat};
use flywheel_core::export::Watch;
use flywheel_core::flywheel::{self, LoopQuery};
use flywheel_core::funnel::channel_figures::{self, ChannelQuery};
use flywheel_core::funnel::figures;
use flywheel_core::funnel::FunnelQuery;
use flywheel_core::merge;
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::ReferralQuery;
use flywheel_core::testimonials::TestimonialQuery;
use flywheel_core::{
    advocates, currencies, db, followups, pool, repeat, settings, time, Connection, Error, Result,
};
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
    /// Import / Export's duplicate suggestions on a fresh connection, and how many it found.
    pub duplicates: Figure,
    pub duplicate_pairs: usize,
    /// A purchase recorded, then the full dashboard with nothing kept from before the write.
    pub write_then_dashboard: Figure,
    /// The full dashboard for a day half a year back, where the history is read.
    pub past_dashboard: Figure,
    pub past_day: String,
    /// Each page's data right after a write, ms: (page, runs).
    pub pages: Vec<(&'static str, Figure)>,
    /// Both prediction models fitted on every customer, with every customer's predictions, right
    /// after a purchase is recorded; and from no earlier fit (a fresh process).
    pub predictions_after_write: Figure,
    pub predictions_first: Figure,
    pub predicted_customers: i64,
}

/// How many duplicate suggestions the Import / Export page asks for.
const DUPLICATES: u32 = 50;

/// The Dashboard page's period: its default, the last 12 months to the day.
pub(super) fn period(day: NaiveDate) -> Result<(String, String)> {
    let from = day.checked_sub_days(Days::new(364)).ok_or_else(|| Error::invalid("as_of", "Too early."))?;
    Ok((time::format_day(from), time::format_day(day)))
}

/// How many advocates the bench asks for with their chains.
const TOP_ADVOCATES: u32 = 50;
/// How many the Dashboard's readiness list shows.
const READINESS: u32 = 8;

/// One named part of the dashboard.
pub(super) type Part = (&'static str, fn(&Connection, &str, &str) -> Result<()>);

pub(super) const PARTS: [Part; 5] = [
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
    ("predicted revenue from existing customers, next 90 days", |c, _, to| {
        repeat::predictions(c, Some(to)).map(|p| {
            p.revenue_next_90_days();
        })
    }),
];

fn loop_query(from: &str, to: &str) -> LoopQuery {
    LoopQuery { from: Some(from.to_owned()), to: Some(to.to_owned()) }
}

/// Every page but the Dashboard, by what it loads when opened (default period: the last 12 months).
const PAGES: [Part; 9] = [
    (
        "Customers (first 50 by total spent with predictions, totals, other currencies, at risk)",
        |c, _, to| {
            let q = repeat::CustomerQuery { as_of: Some(to.to_owned()), limit: 50, ..Default::default() };
            repeat::list(c, &q)?;
            repeat::totals(c, Some(to))?;
            currencies::other(c, Some(to))?;
            flywheel_core::at_risk::list(c, Some(to), 10).map(drop)
        },
    ),
    ("Customers sorted by predicted 12-month value", |c, _, to| {
        let q = repeat::CustomerQuery {
            as_of: Some(to.to_owned()),
            sort: Some(repeat::CustomerSort::PredictedValue),
            limit: 50,
            ..Default::default()
        };
        repeat::list(c, &q).map(drop)
    }),
    ("Contacts (first page, then the last)", |c, _, _| {
        let first = contacts::list(c, &ContactQuery { limit: 50, ..ContactQuery::default() })?;
        let offset = u32::try_from((first.total - 1).max(0) / 50 * 50).unwrap_or(0);
        contacts::list(c, &ContactQuery { limit: 50, offset, ..ContactQuery::default() }).map(drop)
    }),
    ("Funnel (report, channels)", |c, from, to| {
        let now = end_of(to)?;
        let q = FunnelQuery { from: from.to_owned(), to: to.to_owned(), channel: None, segment: None };
        figures::report(c, &q, now)?;
        channel_figures::report(c, &ChannelQuery { from: from.to_owned(), to: to.to_owned() }, now).map(drop)
    }),
    ("Testimonials (board, coverage)", |c, _, to| {
        coverage::board(c, &TestimonialQuery { limit: 50, ..TestimonialQuery::default() })?;
        coverage::coverage(c, Some(to)).map(drop)
    }),
    ("Referrals (first 50 with status and revenue)", |c, _, to| {
        chains::rows(c, &ReferralQuery { limit: 50, ..ReferralQuery::default() }, Some(to)).map(drop)
    }),
    ("Follow-ups (agenda)", |c, _, to| followups::agenda(c, Some(to), 14).map(drop)),
    ("Handoff queue", |c, _, to| flywheel_core::funnel::handoff::queue(c, end_of(to)?).map(drop)),
    ("Import / Export (duplicate suggestions)", |c, _, _| {
        merge::suggest(c, DUPLICATES, &AtomicBool::new(false)).map(drop)
    }),
];

fn end_of(day: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    let end = time::parse_day("to", day)?.and_hms_opt(23, 59, 59).map(|t| t.and_utc());
    end.ok_or_else(|| Error::invalid("to", "No end of day."))
}

/// A purchase as a shop owner records one: a customer's, on `day`, in the shop's currency.
fn record(conn: &Connection, day: &str) -> Result<i64> {
    let contact_id: i64 =
        conn.query_row("SELECT min(contact_id) FROM customer_summaries", [], |r| r.get(0))?;
    let input = PurchaseInput {
        contact_id,
        purchased_on: day.to_owned(),
        amount_minor: 1250,
        currency: settings::get(conn)?.currency,
        product: "Bench".to_owned(),
        quantity: 1,
        external_id: None,
    };
    Ok(purchases::create(conn, &input)?.id)
}

/// Times `read` right after a purchase is recorded (with the write itself when `with_write`), `n`
/// times; each purchase is deleted again afterwards, untimed.
pub(super) fn after_write(
    conn: &Connection,
    day: &str,
    n: usize,
    with_write: bool,
    mut read: impl FnMut(&Connection) -> Result<()>,
) -> Result<Figure> {
    let mut runs = Vec::with_capacity(n);
    for _ in 0..n.max(1) {
        let started = std::time::Instant::now();
        let id = record(conn, day)?;
        let read_from = std::time::Instant::now();
        read(conn)?;
        runs.push(super::ms(if with_write { started.elapsed() } else { read_from.elapsed() }));
        purchases::delete(conn, id)?;
    }
    Ok(Figure { runs })
}

pub(super) fn dashboard(conn: &Connection, from: &str, to: &str) -> Result<()> {
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
pub(super) fn cold(path: &Path) -> Result<Connection> {
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
    let mut duplicate_pairs = 0;
    let duplicates = time_ms(runs, || {
        duplicate_pairs = merge::suggest(&cold(path)?, DUPLICATES, &cancel)?.len();
        Ok(())
    })?;
    eprintln!("  duplicate suggestions: {:.1} ms, fresh", duplicates.median());
    let write_then_dashboard = after_write(conn, &to, runs, true, |c| dashboard(c, &from, &to))?;
    eprintln!("  a purchase, then the dashboard: {:.1} ms", write_then_dashboard.median());
    let past =
        shop.day.checked_sub_days(Days::new(182)).ok_or_else(|| Error::invalid("as_of", "Too early."))?;
    let (past_from, past_day) = period(past)?;
    let past_dashboard = time_ms(runs, || dashboard(&cold(path)?, &past_from, &past_day))?;
    let predictions_after_write =
        after_write(conn, &to, runs, false, |c| repeat::predictions(c, Some(&to)).map(drop))?;
    let predicted_customers = repeat::predictions(conn, Some(&to))?.report.customers;
    let predictions_first = time_ms(runs, || {
        flywheel_core::repeat::forget_last_fit();
        repeat::predictions(&cold(path)?, Some(&to)).map(drop)
    })?;
    eprintln!(
        "  prediction models: {:.1} ms after a write, {:.1} ms from scratch",
        predictions_after_write.median(),
        predictions_first.median()
    );
    let mut pages = Vec::new();
    for (name, page) in PAGES {
        let figure = after_write(conn, &to, runs, false, |c| page(c, &from, &to))?;
        eprintln!("  {name}: {:.1} ms", figure.median());
        pages.push((name, figure));
    }
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
        duplicates,
        duplicate_pairs,
        write_then_dashboard,
        past_dashboard,
        past_day,
        pages,
        predictions_after_write,
        predictions_first,
        predicted_customers,
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
