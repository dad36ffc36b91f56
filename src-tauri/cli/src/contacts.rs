//! `flywheel contacts ...`: the contact list, as a table or as JSON, and adding a contact as the
//! window's contact form does.

use crate::output;
use flywheel_core::contacts::{self, ContactInput, ContactQuery};
use flywheel_core::stages::Stage;
use flywheel_core::{Connection, Error, Result};
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum Command {
    /// List contacts by name.
    List(ListArgs),
    /// Add a contact (the database is created if there is none).
    Add(Box<AddArgs>),
}

#[derive(clap::Args)]
pub struct AddArgs {
    #[arg(long)]
    email: Option<String>,
    /// First and last name ("Ann Lee": first name Ann, last name Lee).
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    company: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    segment: Option<String>,
    /// A tag; repeat for more.
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// The channel key the contact came through (blank: other_campaigns).
    #[arg(long)]
    source: Option<String>,
    /// Lead score, 0–100.
    #[arg(long)]
    score: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    /// The stage the contact starts in: subscriber, lead (the default), mql, sql, opportunity,
    /// customer, disqualified or lost.
    #[arg(long)]
    stage: Option<String>,
    /// Whose contact it is: a person's login on a team database (`team person`).
    #[arg(long)]
    owner: Option<String>,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only contacts whose name, email or company contains this text (any case).
    #[arg(long)]
    search: Option<String>,
    /// How many to show, at most 500.
    #[arg(long, default_value_t = 50)]
    limit: u32,
    /// Print the page (items, total, offset, limit) as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(path: &Path, command: &Command) -> Result<()> {
    match command {
        Command::List(args) => list(&crate::open_existing(path)?, args),
        Command::Add(args) => add(&flywheel_core::db::open(path)?, args),
    }
}

/// The core's field names that differ from the flags they are typed in.
const FLAGS: &[(&str, &str)] =
    &[("first_name", "--name"), ("last_name", "--name"), ("lead_score", "--score"), ("tags", "--tag")];

/// Puts the flag in place of the core's field name in an error, so it names what to fix:
/// `renamed` first, else the field with dashes (`external_id` → `--external-id`).
pub fn naming_flag(mut e: Error, renamed: &[(&str, &str)]) -> Error {
    if let Some(field) = e.field.take() {
        e.field = Some(match renamed.iter().find(|(f, _)| *f == field) {
            Some((_, flag)) => (*flag).to_owned(),
            None if field.starts_with("--") => field,
            None => format!("--{}", field.replace('_', "-")),
        });
    }
    e
}

fn add(conn: &Connection, args: &AddArgs) -> Result<()> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (first_name, last_name) = match args.name.as_deref().map(str::trim) {
        Some(name) => match name.split_once(' ') {
            Some((first, last)) => (first.to_owned(), last.trim().to_owned()),
            None => (name.to_owned(), String::new()),
        },
        None => (String::new(), String::new()),
    };
    let lead_score = match args.score.as_deref().map(str::trim) {
        None => 0,
        Some(s) => s
            .parse::<i64>()
            .map_err(|_| Error::invalid("--score", format!("'{s}' is not a whole number from 0 to 100.")))?,
    };
    let stage = match args.stage.as_deref().map(|s| s.trim().to_lowercase()) {
        None => None,
        Some(s) => Some(Stage::parse(&s).ok_or_else(|| {
            let all: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
            Error::invalid("--stage", format!("'{s}' is not a stage; choose one of {}.", all.join(", ")))
        })?),
    };
    let input = ContactInput {
        first_name,
        last_name,
        email: args.email.clone(),
        phone: text(&args.phone),
        company: text(&args.company),
        segment: text(&args.segment),
        tags: args.tags.clone(),
        source: text(&args.source),
        lead_score,
        notes: text(&args.notes),
        stage,
        owner: args.owner.clone(),
    };
    let c = contacts::create(conn, &input).map_err(|e| naming_flag(e, FLAGS))?;
    output::emit(&format!("Added contact {} ({}), {}.\n", c.id, c.display_name(), c.stage.as_str()))
}

fn list(conn: &Connection, args: &ListArgs) -> Result<()> {
    let query = ContactQuery { search: args.search.clone(), limit: args.limit, ..Default::default() };
    let page = contacts::list(conn, &query)?;
    if args.json {
        return output::emit(&format!("{}\n", serde_json::to_string_pretty(&page)?));
    }
    if page.items.is_empty() {
        return output::emit("No contacts match.\n");
    }
    let rows: Vec<[String; 5]> = page
        .items
        .iter()
        .map(|c| {
            [
                c.display_name(),
                c.email.clone().unwrap_or_default(),
                c.company.clone(),
                c.stage.as_str().to_owned(),
                c.source.clone(),
            ]
        })
        .collect();
    let mut text = output::table(["NAME", "EMAIL", "COMPANY", "STAGE", "SOURCE"], &rows);
    text.push_str(&format!(
        "{} of {}\n",
        page.items.len(),
        flywheel_core::words::plural(page.total, "contact", "contacts")
    ));
    output::emit(&text)
}
