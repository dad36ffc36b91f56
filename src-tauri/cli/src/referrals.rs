//! `flywheel referrals codes` and `flywheel referrals code set|suggest|retire`: advocates' referral
//! codes, which make an order that carries one a referral by itself.

use crate::contacts::naming_flag;
use crate::output;
use flywheel_core::referral_codes::{self, CodeResults};
use flywheel_core::validate::minor_digits;
use flywheel_core::{contacts, Connection, Error, Result};
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Every referral code in use with its orders, referrals, referred customers and their revenue.
    Codes {
        /// Print CSV (money in major units of the shop's currency).
        #[arg(long)]
        csv: bool,
        /// Also the retired codes.
        #[arg(long)]
        retired: bool,
    },
    /// Give, suggest or retire an advocate's code.
    #[command(subcommand)]
    Code(CodeCommand),
}

#[derive(clap::Subcommand)]
pub enum CodeCommand {
    /// Give the advocate found by EMAIL the code CODE (their earlier one is retired).
    Set { email: String, code: String },
    /// Print a free code made from the advocate's name.
    Suggest { email: String },
    /// Retire the advocate's code: it credits no more orders and is never given again.
    Retire { email: String },
}

pub fn run(path: &Path, command: &Command) -> Result<()> {
    let conn = crate::open_existing(path)?;
    match command {
        Command::Codes { csv, retired } => codes(&conn, *csv, *retired),
        Command::Code(c) => {
            code(&conn, c).map_err(|e| naming_flag(e, &[("code", "CODE"), ("advocate_id", "EMAIL")]))
        }
    }
}

fn advocate(conn: &Connection, email: &str) -> Result<contacts::Contact> {
    contacts::find_by_email(conn, email)?
        .ok_or_else(|| Error::invalid("EMAIL", format!("No contact has the email '{}'.", email.trim())))
}

fn code(conn: &Connection, command: &CodeCommand) -> Result<()> {
    match command {
        CodeCommand::Set { email, code } => {
            let a = advocate(conn, email)?;
            let c = referral_codes::set(conn, a.id, code)?;
            output::emit(&format!("{} is {}'s referral code.\n", c.code, a.display_name()))
        }
        CodeCommand::Suggest { email } => {
            let a = advocate(conn, email)?;
            output::emit(&format!("{}\n", referral_codes::suggest(conn, a.id)?))
        }
        CodeCommand::Retire { email } => {
            let a = advocate(conn, email)?;
            let Some(c) = referral_codes::of_advocate(conn, a.id)? else {
                return output::emit(&format!("{} has no code in use.\n", a.display_name()));
            };
            referral_codes::retire(conn, a.id)?;
            output::emit(&format!("{} is retired; it is never given again.\n", c.code))
        }
    }
}

/// Minor units as a plain decimal in major units, for spreadsheets.
fn major(minor: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    format!("{:.*}", digits as usize, minor as f64 / 10_f64.powi(digits as i32))
}

const COLUMNS: [&str; 8] =
    ["code", "advocate", "advocate_email", "uses", "referrals", "referred_customers", "revenue", "retired"];

fn cells(c: &CodeResults) -> [String; 8] {
    [
        c.code.code.clone(),
        c.advocate_name.clone(),
        c.advocate_email.clone().unwrap_or_default(),
        c.uses.to_string(),
        c.referrals.to_string(),
        c.referred_customers.to_string(),
        major(c.revenue, &c.currency),
        c.code.retired_at.clone().unwrap_or_default(),
    ]
}

fn codes(conn: &Connection, csv: bool, retired: bool) -> Result<()> {
    let all = referral_codes::results(conn, retired)?;
    let rows: Vec<[String; 8]> = all.iter().map(cells).collect();
    if csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        let io =
            |e: csv::Error| Error::new(flywheel_core::ErrorCode::Io, format!("Could not write the CSV: {e}"));
        w.write_record(COLUMNS).map_err(io)?;
        for r in &rows {
            w.write_record(r).map_err(io)?;
        }
        let bytes = w.into_inner().map_err(|e| io(e.into_error().into()))?;
        return output::emit(&String::from_utf8_lossy(&bytes));
    }
    if rows.is_empty() {
        return output::emit(
            "No referral codes yet; give one with `flywheel referrals code set EMAIL CODE`.\n",
        );
    }
    let mut text = output::table(COLUMNS.map(str::to_uppercase).each_ref().map(String::as_str), &rows);
    text.push_str(&format!("{}\n", flywheel_core::words::plural(rows.len() as i64, "code", "codes")));
    output::emit(&text)
}
