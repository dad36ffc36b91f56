//! `flywheel export ...`, `flywheel backup FILE` and `flywheel restore FILE`.

use crate::output;
use flywheel_core::export::{
    case_study, leads, tables, CaseStudyFilter, CaseStudyFormat, ExportReport, ExportTable, LeadFilter,
    LeadFormat, Watch,
};
use flywheel_core::{backup, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Referral-sourced leads as a HubSpot contacts import or a Mailchimp audience import.
    Referrals {
        #[arg(long, value_parser = |t: &str| LeadFormat::parse(t).ok_or("expected hubspot or mailchimp"))]
        format: LeadFormat,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        /// First referral day, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Last referral day, YYYY-MM-DD.
        #[arg(long)]
        to: Option<String>,
    },
    /// Case studies of approved testimonials with consent, as .md or .html (by the file name).
    CaseStudy {
        #[arg(long)]
        segment: Option<String>,
        #[arg(long)]
        product: Option<String>,
        #[arg(long)]
        tag: Option<String>,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// One table as CSV: contacts, purchases, testimonials or referrals.
    Csv {
        #[arg(value_parser = |t: &str| ExportTable::parse(t).ok_or("expected contacts, purchases, testimonials or referrals"))]
        table: ExportTable,
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Everything as one JSON file.
    Json {
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
}

fn quiet<T>(f: impl FnOnce(&mut Watch<'_>) -> T) -> T {
    let cancel = AtomicBool::new(false);
    f(&mut Watch { progress: &mut |_| {}, cancel: &cancel })
}

fn told(r: &ExportReport) -> Result<()> {
    let mut text = format!(
        "Wrote {} to {} ({} bytes).\n",
        flywheel_core::words::plural(r.rows, "record", "records"),
        r.path,
        r.bytes
    );
    for n in &r.notes {
        text.push_str(&format!("note: {n}\n"));
    }
    output::emit(&text)
}

pub fn run(db: &Path, command: &Command) -> Result<()> {
    let conn = crate::open_existing(db)?;
    let report = match command {
        Command::Referrals { format, output, from, to } => {
            let filter = LeadFilter { from: from.clone(), to: to.clone(), ..LeadFilter::default() };
            quiet(|w| leads::export(&conn, &filter, *format, output, w))?
        }
        Command::CaseStudy { segment, product, tag, output } => {
            let filter =
                CaseStudyFilter { segment: segment.clone(), product: product.clone(), tag: tag.clone() };
            quiet(|w| case_study::export(&conn, &filter, CaseStudyFormat::from_path(output)?, output, w))?
        }
        Command::Csv { table, output } => quiet(|w| tables::csv(&conn, *table, output, w))?,
        Command::Json { output } => quiet(|w| tables::json(&conn, output, w))?,
    };
    told(&report)
}

pub fn backup(db: &Path, file: &Path) -> Result<()> {
    let conn = crate::open_existing(db)?;
    let bytes = quiet(|w| backup::backup(&conn, file, w))?;
    output::emit(&format!("Backed up {} to {} ({bytes} bytes).\n", db.display(), file.display()))
}

pub fn restore(db: &Path, file: &Path) -> Result<()> {
    if db.to_str().is_some_and(flywheel_core::db::is_team_url) {
        // Not a path: without this the URL would be taken for a new computer's missing file.
        return Err(flywheel_core::Error::invalid(
            "path",
            "A team database is restored on its server (pg_restore); a solo file goes into an empty \
             team database with `flywheel team push FILE URL`.",
        ));
    }
    if !db.exists() {
        // A new computer: the backup becomes the database, in a folder made for it if need be.
        let r = quiet(|w| backup::restore_new(db, file, w))?;
        return output::emit(&format!(
            "Restored {} contacts from {} into {} (there was no database there before).\n",
            r.contacts,
            r.restored_from,
            db.display()
        ));
    }
    let conn = crate::open_existing(db)?;
    let r = quiet(|w| backup::restore(&conn, file, w))?;
    output::emit(&format!(
        "Restored {} contacts from {}. The database as it was is kept at {}.\n",
        r.contacts, r.restored_from, r.previous_kept_at
    ))
}
