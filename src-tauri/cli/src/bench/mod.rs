//! `flywheel bench`: the speed and memory figures of docs/BENCHMARKS.md, measured on the
//! deterministic Large shop. Each figure is the median of several runs; the import runs in a child
//! process (this binary again, `bench-import`) so its peak memory is the import's alone.

mod growth;
mod import;
mod reads;
mod report;
mod team;

use chrono::NaiveDate;
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::{db, time, Connection, Error, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use import::{child as import_child, ChildArgs};

#[derive(clap::Args)]
pub struct Args {
    /// Runs of each slow measurement (import, cold dashboard); the median is reported.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Runs of each fast measurement (warm dashboard, contacts page, leads export).
    #[arg(long, default_value_t = 20)]
    fast_runs: usize,
    /// The day the Large sample ends, when the database is empty and gets seeded.
    #[arg(long, default_value = "2026-06-30", value_parser = parse_day)]
    as_of: NaiveDate,
    /// Where the CSV files and database copies go.
    #[arg(long, default_value = "/tmp/flywheel-bench")]
    work_dir: PathBuf,
    /// The report to write.
    #[arg(long, default_value = "docs/BENCHMARKS.md")]
    out: PathBuf,
    /// Leave the import figures out (a quicker run while working on the read figures).
    #[arg(long)]
    no_import: bool,
    /// Also measure how the fresh dashboard grows from the Small through the Large to the XL shop
    /// (seeded once into the work folder: the XL one takes minutes and some 4 GB).
    #[arg(long)]
    growth: bool,
    /// Also measure the read figures on this team database (a `postgresql://` URL), beside the
    /// file's: an empty one gets the Large shop pushed into it first (`flywheel team push`).
    #[arg(long, value_name = "URL")]
    team: Option<String>,
    /// A file of app figures (the output of .ci/bench-app) to include in the report.
    #[arg(long)]
    app_figures: Option<PathBuf>,
}

fn parse_day(text: &str) -> std::result::Result<NaiveDate, String> {
    time::parse_day("as_of", text).map_err(|e| e.message)
}

/// One figure: its median and the runs it came from.
pub struct Figure {
    pub runs: Vec<f64>,
}

impl Figure {
    pub fn median(&self) -> f64 {
        let mut v = self.runs.clone();
        v.sort_by(f64::total_cmp);
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }
}

/// Runs `f` `n` times and gives its times in milliseconds.
pub fn time_ms(n: usize, mut f: impl FnMut() -> Result<()>) -> Result<Figure> {
    let mut runs = Vec::with_capacity(n);
    for _ in 0..n.max(1) {
        let started = Instant::now();
        f()?;
        runs.push(ms(started.elapsed()));
    }
    Ok(Figure { runs })
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The row counts of the shop measured on, as the report states them.
pub struct Shop {
    pub counts: Vec<(&'static str, i64)>,
    /// The day the figures are computed for: the day after the last purchase.
    pub day: NaiveDate,
}

fn shop(conn: &Connection) -> Result<Shop> {
    let mut counts = Vec::new();
    for (label, table) in [
        ("contacts", "contacts"),
        ("purchases", "purchases"),
        ("referrals", "referrals"),
        ("testimonials", "testimonials"),
        ("NPS answers", "nps_answers"),
        ("stage events", "stage_events"),
    ] {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        counts.push((label, n));
    }
    let last: String = conn.query_row("SELECT max(purchased_on) FROM purchases", [], |r| r.get(0))?;
    let day = time::parse_day("purchased_on", &last)?
        .succ_opt()
        .ok_or_else(|| Error::invalid("purchased_on", "The last purchase is on the last day there is."))?;
    Ok(Shop { counts, day })
}

/// Opens a bench database, seeding the sample of `size` into it first when it is empty.
fn open_sample(path: &Path, size: SampleSize, as_of: NaiveDate) -> Result<Connection> {
    let conn = db::open(path)?;
    if sample::is_empty(&conn)? {
        eprintln!("Seeding the {} sample as of {as_of} into {} ...", size.as_str(), path.display());
        let started = Instant::now();
        sample::generate(&conn, size, as_of)?;
        eprintln!("  seeded in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(conn)
}

pub fn run(path: &Path, args: &Args) -> Result<()> {
    std::fs::create_dir_all(&args.work_dir)?;
    let conn = open_sample(path, SampleSize::Large, args.as_of)?;
    let shop = shop(&conn)?;
    eprintln!("Shop: {:?}, figures as of {}", shop.counts, shop.day);
    let imports = match args.no_import {
        true => None,
        false => Some(import::measure(&conn, &args.work_dir, args.runs)?),
    };
    let reads = reads::measure(&conn, path, &shop, &args.work_dir, args.runs, args.fast_runs)?;
    let team = match &args.team {
        Some(url) => Some(team::measure(&conn, url, &shop, args)?),
        None => None,
    };
    let growth = match args.growth {
        true => Some(growth::measure(&conn, path, &args.work_dir, args.as_of, args.runs)?),
        false => None,
    };
    let app = match &args.app_figures {
        Some(file) => Some(std::fs::read_to_string(file)?),
        None => None,
    };
    let text =
        report::markdown(&report::Inputs { args, db: path, shop: &shop, imports, reads, team, growth, app })?;
    std::fs::write(&args.out, &text)?;
    crate::output::emit(&text)
}
