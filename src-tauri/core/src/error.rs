//! The one error type of Flywheel. It crosses to the UI as `{code, message, field}` so a form can
//! put the message beside the field that caused it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The closed set of error kinds the front end may branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    Invalid,
    Conflict,
    Storage,
    Io,
    Cancelled,
    /// The team database cannot be reached (its server stopped, the network gone): nothing was
    /// written, and the window shows what it had while the app keeps trying.
    Offline,
    /// The team database's grants do not let this person's role do it (`team_roles`).
    Forbidden,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
// Named AppError in TypeScript so it does not shadow the global Error.
#[serde(rename = "AppError")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// The input field at fault, for `invalid` (and `conflict` on a unique field).
    pub field: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), field: None }
    }
    pub fn not_found(what: &str, id: i64) -> Self {
        Self::new(ErrorCode::NotFound, format!("No {what} with id {id}."))
    }
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        Self { code: ErrorCode::Invalid, message: reason.into(), field: Some(field.to_owned()) }
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
    pub fn conflict_on(field: &str, message: impl Into<String>) -> Self {
        Self { code: ErrorCode::Conflict, message: message.into(), field: Some(field.to_owned()) }
    }
    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Storage, message)
    }
    pub fn cancelled() -> Self {
        Self::new(ErrorCode::Cancelled, "Cancelled; nothing was written.")
    }
    pub fn offline() -> Self {
        Self::new(ErrorCode::Offline, OFFLINE)
    }
    pub fn is_offline(&self) -> bool {
        self.code == ErrorCode::Offline
    }
    /// Two people's writes met on a team database and the engine kept one: the other is tried
    /// again by `db::with_tx`, and reaches the user only when it keeps meeting others.
    pub fn concurrent() -> Self {
        Self::conflict(CONCURRENT)
    }
    pub fn is_concurrent(&self) -> bool {
        self.code == ErrorCode::Conflict && self.message == CONCURRENT
    }
}

const OFFLINE: &str =
    "The team database cannot be reached, so nothing was saved. Flywheel keeps trying to reconnect; try again once it is back.";
impl Error {
    /// What a team database refused this login's role (SQLSTATE 42501), in words naming what was
    /// refused and whom to ask, with the field when there is one.
    fn refused(engine: &str) -> Self {
        let (message, field) = if engine.starts_with(REWARD_PAID) {
            (REWARD_PAID.to_owned(), Some("reward_status"))
        } else if engine.contains("table channel_spend") {
            ("Your role may not change channel spend; ask the owner or marketing.".to_owned(), None)
        } else if let Some(table) = engine.strip_prefix("permission denied for table ") {
            (format!("Your role may not change {}; ask the owner.", table.replace('_', " ")), None)
        } else {
            (format!("Your role may not do that on the team database ({engine}); ask the owner."), None)
        };
        Self { code: ErrorCode::Forbidden, message, field: field.map(str::to_owned) }
    }
}

/// The words of the team database's trigger `referrals_reward_paid` (pg/018_people.sql).
const REWARD_PAID: &str = "Only the owner marks a reward paid.";

const CONCURRENT: &str =
    "Someone else changed the same records at the same moment, and trying again did not get through; nothing was written. Try again.";

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as Sq;
        match &e {
            rusqlite::Error::QueryReturnedNoRows => Self::new(ErrorCode::NotFound, "Not found."),
            rusqlite::Error::SqliteFailure(f, _) if f.code == Sq::ConstraintViolation => {
                Self::conflict(format!("That would break a rule of the data: {e}"))
            }
            _ if crate::store::EngineError::is_connection_lost(&e) => Self::offline(),
            // PostgreSQL's serialization failure and deadlock: the transaction can be run again.
            _ if crate::store::EngineError::of(&e)
                .and_then(|x| x.code.as_deref())
                .is_some_and(|c| c == "40001" || c == "40P01") =>
            {
                Self::concurrent()
            }
            // PostgreSQL's insufficient_privilege: a grant or the owner's trigger refused the role.
            _ if crate::store::EngineError::of(&e)
                .and_then(|x| x.code.as_deref())
                .is_some_and(|c| c == "42501") =>
            {
                Self::refused(&crate::store::EngineError::of(&e).expect("an engine error").message)
            }
            // PostgreSQL's class 23: integrity constraint violations.
            _ if crate::store::EngineError::of(&e)
                .and_then(|x| x.code.as_deref())
                .is_some_and(|c| c.starts_with("23")) =>
            {
                Self::conflict(format!("That would break a rule of the data: {e}"))
            }
            _ => Self::storage(format!("Database error: {e}")),
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Self::new(ErrorCode::Io, format!("File error: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::storage(format!("Stored data could not be read: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_as_code_message_field() {
        let e = Error::invalid("email", "Enter an email like name@example.com.");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], "invalid");
        assert_eq!(json["field"], "email");
        assert_eq!(json["message"], "Enter an email like name@example.com.");
    }

    #[test]
    fn missing_row_is_not_found() {
        let e: Error = rusqlite::Error::QueryReturnedNoRows.into();
        assert_eq!(e.code, ErrorCode::NotFound);
    }
}
