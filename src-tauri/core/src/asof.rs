//! The as-of day every flipped-funnel figure is computed for, and the named SQL parameters it
//! gives: `:as_of` (the day), `:end` (the start of the next day, so a stored instant `< :end` lies
//! on or before the day) and `:currency` (the shop's, which money figures are in).

use crate::error::Result;
use crate::settings;
use crate::store::Connection;
use crate::time;
use chrono::{Days, NaiveDate};
use rusqlite::ToSql;

pub(crate) struct AsOf {
    pub day: NaiveDate,
    pub as_of: String,
    pub end: String,
    pub currency: String,
}

/// A list of named SQL parameters.
pub(crate) type Args<'a> = Vec<(&'a str, &'a dyn ToSql)>;

impl AsOf {
    /// The day typed in `field` (today when blank) with the shop's currency.
    pub fn parse(conn: &Connection, field: &str, text: Option<&str>) -> Result<AsOf> {
        Self::on(conn, time::as_of(field, text)?)
    }

    pub fn on(conn: &Connection, day: NaiveDate) -> Result<AsOf> {
        let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
        Ok(AsOf {
            day,
            as_of: time::format_day(day),
            end: time::format_day(next),
            currency: settings::get(conn)?.currency,
        })
    }

    /// The parameters `sql` names, among this day's and `extra`: SQLite refuses a named parameter
    /// the statement does not use, so each statement gets exactly its own.
    pub fn args<'a>(&'a self, sql: &str, extra: &[(&'a str, &'a dyn ToSql)]) -> Args<'a> {
        let own: [(&'a str, &'a dyn ToSql); 3] =
            [(":as_of", &self.as_of), (":end", &self.end), (":currency", &self.currency)];
        own.into_iter().chain(extra.iter().copied()).filter(|(name, _)| uses(sql, name)).collect()
    }
}

/// Whether `sql` names the parameter `name` (and not merely a longer one starting with it).
fn uses(sql: &str, name: &str) -> bool {
    sql.match_indices(name).any(|(at, _)| {
        sql[at + name.len()..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_matched_by_whole_name() {
        assert!(uses("a <= :as_of AND", ":as_of"));
        assert!(uses("a <= :as_of", ":as_of"));
        assert!(!uses("a <= :as_of_day", ":as_of"));
        assert!(!uses("a <= :end", ":as_of"));
    }

    #[test]
    fn the_end_is_the_next_day() {
        let conn = crate::db::open_in_memory().unwrap();
        let a = AsOf::parse(&conn, "as_of", Some("2024-02-29")).unwrap();
        assert_eq!(
            (a.as_of.as_str(), a.end.as_str(), a.currency.as_str()),
            ("2024-02-29", "2024-03-01", "USD")
        );
        let sql = "SELECT :as_of, :currency";
        let names: Vec<&str> = a.args(sql, &[(":from", &1)]).iter().map(|(n, _)| *n).collect();
        assert_eq!(names, vec![":as_of", ":currency"]);
    }
}
