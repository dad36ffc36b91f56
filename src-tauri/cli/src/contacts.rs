//! `flywheel contacts ...`: the contact list, as a table or as JSON.

use crate::output;
use flywheel_core::contacts::{self, ContactQuery};
use flywheel_core::{Connection, Result};
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum Command {
    /// List contacts by name.
    List(ListArgs),
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
    let conn = crate::open_existing(path)?;
    match command {
        Command::List(args) => list(&conn, args),
    }
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
    text.push_str(&format!("{} of {} contacts\n", page.items.len(), page.total));
    output::emit(&text)
}
