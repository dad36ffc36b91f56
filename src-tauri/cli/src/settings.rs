//! `flywheel settings get [KEY]` and `flywheel settings set KEY VALUE`: every setting the window's
//! Settings page has, amounts typed as people write them and read by the core's money reader.

use crate::output;
use flywheel_core::settings::{self, KEYS};
use flywheel_core::Result;
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print one setting, or every setting as KEY VALUE lines.
    Get {
        /// One of mql_threshold, sla_hours, currency, decimal_mark, referral_reward, referral_min_order,
        /// monthly_discount (the predicted 12-month value's monthly discount rate, in percent),
        /// friend_offer (what a friend gets for using an advocate's referral code, in words).
        key: Option<String>,
    },
    /// Change one setting; amounts (referral_reward, referral_min_order) in the shop's currency.
    Set { key: String, value: String },
}

pub fn run(path: &Path, command: &Command) -> Result<()> {
    match command {
        Command::Get { key: Some(key) } => {
            let s = settings::get(&crate::open_existing(path)?)?;
            output::emit(&format!("{}\n", s.value_of(key)?))
        }
        Command::Get { key: None } => {
            let s = settings::get(&crate::open_existing(path)?)?;
            let mut text = String::new();
            for key in KEYS {
                text.push_str(&format!("{key} {}\n", s.value_of(key)?));
            }
            output::emit(&text)
        }
        Command::Set { key, value } => {
            let s = settings::set_value(&flywheel_core::db::open(path)?, key, value)?;
            output::emit(&format!("{key} {}\n", s.value_of(key)?))
        }
    }
}
