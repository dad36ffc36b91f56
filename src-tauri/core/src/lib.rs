//! Flywheel's domain core: storage, rules, figures, import and export. It knows nothing of Tauri
//! or the UI; the desktop shell and the `flywheel` CLI are thin layers over it.

pub mod advocates;
pub mod areas;
mod asof;
pub mod at_risk;
pub mod backup;
mod cache;
pub mod chains;
pub mod channels;
pub mod consent;
pub mod contacts;
pub mod coverage;
pub mod currencies;
pub mod customer_since;
pub mod db;
pub mod error;
pub mod export;
pub mod flywheel;
pub mod followups;
pub mod funnel;
pub mod import;
pub mod merge;
pub mod money;
pub mod nps;
pub mod page;
pub mod people;
pub mod pool;
pub mod predict;
pub mod purchases;
pub mod referral_codes;
pub mod referrals;
pub mod repeat;
mod rewards;
pub mod sample;
mod search;
pub mod settings;
pub mod snapshot;
pub mod stages;
pub mod stale;
pub mod stats;
pub mod store;
pub mod summary;
pub mod team;
pub mod team_login;
pub mod team_roles;
pub mod testimonials;
#[doc(hidden)]
pub mod testpg;
mod text_enum;
pub mod time;
pub mod timeline;
pub mod validate;
pub mod words;

pub use error::{Error, ErrorCode, Result};
/// The connection every core function takes, on either engine (`store`).
pub use store::Connection;
