//! Events the shell sends the window. A write tells every open view what changed so it can refresh.

use flywheel_core::areas::Area;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct DataChanged {
    /// The areas touched (`flywheel_core::areas`); `all` when the whole database changed.
    pub areas: Vec<Area>,
}
