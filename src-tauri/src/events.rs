//! Events the shell sends the window. A write tells every open view what changed so it can refresh.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
pub struct DataChanged {
    /// The areas touched, e.g. "contacts", "purchases".
    pub areas: Vec<String>,
}
