//! The commands the window may call: each is a one-line delegation to flywheel-core.

pub mod app;
pub mod channels;
pub mod contacts;
pub mod funnel;
pub mod settings;
