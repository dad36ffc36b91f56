//! `flywheel`: the command line over flywheel-core. This file parses and dispatches; each command
//! group lives in its own module and returns the core's error, reported here in one way.

mod bench;
mod contacts;
mod export;
mod flywheel_report;
mod import;
mod output;
mod purchases;
mod referrals;
mod report;
mod seed;
mod settings;
mod team;
mod team_staff;

use clap::{Parser, Subcommand};
use flywheel_core::{db, Connection, Error, ErrorCode, Result};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "flywheel",
    version,
    about = "Flywheel on the command line: one SQLite file of contacts, \
purchases, testimonials, NPS answers and referrals."
)]
struct Cli {
    /// The Flywheel database: a file, or a team database's `postgresql://` URL.
    #[arg(long, env = "FLYWHEEL_DB", value_name = "FILE|URL")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill an empty database with a sample business.
    Seed(seed::Args),
    /// List, search and add contacts.
    #[command(subcommand)]
    Contacts(contacts::Command),
    /// Record purchases.
    #[command(subcommand)]
    Purchases(purchases::Command),
    /// Advocates' referral codes and what they brought.
    #[command(subcommand)]
    Referrals(referrals::Command),
    /// Show or change the shop's settings.
    #[command(subcommand)]
    Settings(settings::Command),
    /// Print figures: the marketing funnel, the channels, the flywheel, the customers.
    #[command(subcommand)]
    Report(report::Command),
    /// Import a CSV file of contacts or purchases (dry run with --dry-run).
    Import(import::Args),
    /// List or undo past imports.
    #[command(subcommand)]
    Imports(import::Command),
    /// Export referral leads, case studies, tables (CSV) or everything (JSON).
    #[command(subcommand)]
    Export(export::Command),
    /// Copy the whole database to FILE (SQLite's online backup).
    Backup { file: PathBuf },
    /// Replace the database with the backup in FILE, after checking it; the current one is kept aside.
    /// With no database at --db yet (a new computer), the backup becomes it.
    Restore { file: PathBuf },
    /// Measure speed and memory on the Large sample and write docs/BENCHMARKS.md (release build).
    Bench(bench::Args),
    /// Move between a solo file and a team database (PostgreSQL); give staff roles their rights.
    #[command(subcommand)]
    Team(team::Command),
    /// The bench's import child: imports one file and reports its time and peak memory.
    #[command(hide = true)]
    BenchImport(bench::ChildArgs),
}

fn main() -> ExitCode {
    // Usage errors exit with clap's code 2; everything else the core reports exits with 1.
    let cli = Cli::parse();
    let result = match (&cli.command, cli.db.as_deref()) {
        (Command::Team(command), db) => team::run(command, db),
        (command, Some(db)) => run(command, db),
        // Every other command needs a database: a usage error, as clap gives for a missing argument.
        (_, None) => <Cli as clap::CommandFactory>::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "the following required argument was not provided: --db <FILE|URL> (or FLYWHEEL_DB)",
            )
            .exit(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            match &e.field {
                Some(field) => eprintln!("error: {} (field: {field})", e.message),
                None => eprintln!("error: {}", e.message),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(command: &Command, db: &Path) -> Result<()> {
    let cli_db = db.to_path_buf();
    match command {
        Command::Seed(args) => seed::run(&cli_db, args),
        Command::Contacts(command) => contacts::run(&cli_db, command),
        Command::Purchases(command) => purchases::run(&cli_db, command),
        Command::Referrals(command) => referrals::run(&cli_db, command),
        Command::Settings(command) => settings::run(&cli_db, command),
        Command::Report(command) => report::run(&cli_db, command),
        Command::Import(args) => import::run(&cli_db, args),
        Command::Imports(command) => import::run_batches(&cli_db, command),
        Command::Export(command) => export::run(&cli_db, command),
        Command::Backup { file } => export::backup(&cli_db, file),
        Command::Restore { file } => export::restore(&cli_db, file),
        Command::Bench(args) => bench::run(&cli_db, args),
        Command::BenchImport(args) => bench::import_child(&cli_db, args),
        Command::Team(command) => team::run(command, Some(db)),
    }
}

/// Opens the database for a command that only reads: a missing file is a typo, not a new database.
fn open_existing(path: &Path) -> Result<Connection> {
    let team = path.to_str().is_some_and(db::is_team_url);
    if !team && !path.exists() {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!("There is no database at {}. Create one with `flywheel --db FILE seed`.", path.display()),
        ));
    }
    db::open(path)
}
