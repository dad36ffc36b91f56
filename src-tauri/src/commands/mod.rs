//! The commands the window may call: each is a one-line delegation to flywheel-core.

pub mod app;
pub mod channels;
pub mod contacts;
pub mod export;
pub mod flywheel;
pub mod funnel;
pub mod import;
pub mod nps;
pub mod people;
pub mod purchases;
pub mod referrals;
pub mod settings;
pub mod team;
pub mod testimonials;
