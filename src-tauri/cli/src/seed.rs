//! `flywheel seed`: fills an empty database with the sample business.

use crate::output;
use chrono::NaiveDate;
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::{db, time, Result};
use std::path::Path;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// small (about 300 contacts), large (100,000 contacts and a million purchases) or xl (a million
    /// contacts and ten million purchases).
    #[arg(long, default_value = "small", value_parser = parse_size)]
    size: SampleSize,
    /// The day the sample ends; its history covers the 18 months before. Default: today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    as_of: Option<NaiveDate>,
}

fn parse_size(text: &str) -> Result<SampleSize, String> {
    SampleSize::parse(text).ok_or_else(|| {
        let names: Vec<&str> = SampleSize::ALL.iter().map(|s| s.as_str()).collect();
        format!("expected one of: {}", names.join(", "))
    })
}

fn parse_day(text: &str) -> Result<NaiveDate, String> {
    time::parse_day("as_of", text).map_err(|e| e.message)
}

pub fn run(path: &Path, args: &Args) -> Result<()> {
    let conn = db::open(path)?;
    let as_of = args.as_of.unwrap_or_else(time::today);
    let started = Instant::now();
    let s = sample::generate(&conn, args.size, as_of)?;
    let elapsed = started.elapsed();
    let mut text =
        format!("Loaded the {} sample, as of {as_of}, into {}:\n", args.size.as_str(), path.display());
    for (label, n) in [
        ("contacts", s.contacts),
        ("stage events", s.stage_events),
        ("purchases", s.purchases),
        ("referrals", s.referrals),
        ("testimonials", s.testimonials),
        ("NPS answers", s.nps_answers),
        ("follow-ups", s.followups),
    ] {
        text.push_str(&format!("  {label:<13}{n:>10}\n"));
    }
    text.push_str(&format!("Took {:.2} s.\n", elapsed.as_secs_f64()));
    output::emit(&text)
}
