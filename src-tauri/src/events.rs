//! Events the shell sends the window. A write tells every open view what changed so it can refresh.

use flywheel_core::areas::Area;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct DataChanged {
    /// The areas touched (`flywheel_core::areas`); `all` when the whole database changed.
    pub areas: Vec<Area>,
}

/// Whether the team database can be reached: sent when its server goes away and when it is back
/// (a file is always reachable and never sends it). While it is away the window keeps what it
/// shows, says so, and every write answers that nothing was saved.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct Reachability {
    pub online: bool,
    /// Why it cannot be reached; empty when online.
    pub reason: String,
}

impl From<&crate::store::Reachable> for Reachability {
    fn from(r: &crate::store::Reachable) -> Self {
        match r {
            crate::store::Reachable::Yes => Self { online: true, reason: String::new() },
            crate::store::Reachable::No(why) => Self { online: false, reason: why.clone() },
        }
    }
}
