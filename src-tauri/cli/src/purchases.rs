//! `flywheel purchases add`: records a purchase as the window's purchase form does, the amount read
//! by the core's money reader in the shop's decimal mark.

use crate::contacts::naming_flag;
use crate::output;
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::{contacts, money, referral_codes, settings, validate, Connection, Error, Result};
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Record a purchase by a contact found by email.
    Add(AddArgs),
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The buyer's email; the contact must exist (`flywheel contacts add`).
    #[arg(long)]
    email: String,
    /// The amount as people write it: 12.50, 12,50, 1,234.50, €12,50.
    #[arg(long)]
    amount: String,
    /// The day of the purchase, YYYY-MM-DD.
    #[arg(long)]
    date: String,
    /// ISO code like USD (default: the shop's currency in Settings).
    #[arg(long)]
    currency: Option<String>,
    #[arg(long)]
    product: Option<String>,
    #[arg(long, default_value_t = 1)]
    quantity: i64,
    /// The shop's order id; a second purchase with the same one is refused.
    #[arg(long = "order-id")]
    order_id: Option<String>,
    /// The discount or referral code the order carried: an advocate's code makes the referral.
    #[arg(long)]
    code: Option<String>,
}

const FLAGS: &[(&str, &str)] = &[
    ("contact_id", "--email"),
    ("email", "--email"),
    ("purchased_on", "--date"),
    ("amount_minor", "--amount"),
    ("external_id", "--order-id"),
    ("referral_code", "--code"),
];

pub fn run(path: &Path, command: &Command) -> Result<()> {
    let conn = flywheel_core::db::open(path)?;
    match command {
        Command::Add(args) => add(&conn, args).map_err(|e| naming_flag(e, FLAGS)),
    }
}

fn add(conn: &Connection, args: &AddArgs) -> Result<()> {
    let Some(buyer) = contacts::find_by_email(conn, &args.email)? else {
        return Err(Error::invalid(
            "--email",
            format!(
                "No contact has the email '{}'; add one with `flywheel contacts add --email {}`.",
                args.email.trim(),
                args.email.trim()
            ),
        ));
    };
    let currency = match &args.currency {
        Some(c) => validate::currency("currency", c)?,
        None => settings::get(conn)?.currency,
    };
    let amount_minor = money::read_for_shop(conn, "amount_minor", &args.amount, &currency)?;
    let input = PurchaseInput {
        contact_id: buyer.id,
        purchased_on: args.date.clone(),
        amount_minor,
        currency,
        product: args.product.clone().unwrap_or_default(),
        quantity: args.quantity,
        external_id: args.order_id.clone(),
    };
    let (p, used) = purchases::create_with_code(conn, &input, args.code.as_deref())?;
    let mut text = format!(
        "Recorded purchase {}: {} by {} on {}.\n",
        p.id,
        validate::display_money(p.amount_minor, &p.currency),
        buyer.display_name(),
        p.purchased_on
    );
    if let Some(used) = used {
        text.push_str(&format!(
            "{}\n",
            referral_codes::sentence(conn, &used, p.referral_code.as_deref().unwrap_or(""))?
        ));
    }
    output::emit(&text)
}
