//! Channels: where contacts first come from (HubSpot's "Original Source" values, plus the shop's
//! own), and what each one cost per month, so return on spend can be worked out per channel.

use crate::db::with_tx;
use crate::error::{Error, ErrorCode, Result};
use crate::store::{Connection, Row};
use crate::time;
use crate::validate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
// Tauri's IPC already owns the name `Channel` in the generated TypeScript.
#[serde(rename = "MarketingChannel")]
pub struct Channel {
    /// Stable id stored on contacts; never changes when the channel is renamed.
    pub key: String,
    pub name: String,
    /// One of the standard sources every import and export knows; these cannot be archived.
    pub builtin: bool,
    /// Hidden from pickers, kept for history.
    pub archived: bool,
}

fn missing(key: &str) -> Error {
    Error::new(ErrorCode::NotFound, format!("There is no channel '{key}'."))
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Channel> {
    Ok(Channel { key: r.get(0)?, name: r.get(1)?, builtin: r.get(2)?, archived: r.get(3)? })
}

pub fn get(conn: &Connection, key: &str) -> Result<Channel> {
    conn.prepare_cached("SELECT key, name, builtin, archived FROM channels WHERE key = ?1")?
        .query_row([key], from_row)
        .optional()?
        .ok_or_else(|| missing(key))
}

/// Built-in channels first, then the shop's own, each by name.
pub fn list(conn: &Connection, include_archived: bool) -> Result<Vec<Channel>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, name, builtin, archived FROM channels WHERE ?1 OR archived = 0
         ORDER BY builtin DESC, name COLLATE NOCASE, key",
    )?;
    let rows = stmt.query_map([include_archived], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Validates a channel name and refuses one another channel already uses (ignoring case).
fn clean_name(conn: &Connection, raw: &str, except_key: Option<&str>) -> Result<String> {
    let name = validate::required_text("name", raw, 60)?;
    // The column is COLLATE NOCASE, so this comparison ignores case too.
    let taken = conn
        .prepare_cached("SELECT 1 FROM channels WHERE name = ?1 AND key IS NOT ?2")?
        .query_row(params![name, except_key], |_| Ok(()))
        .optional()?
        .is_some();
    if taken {
        return Err(Error::conflict_on("name", format!("There is already a channel called '{name}'.")));
    }
    Ok(name)
}

/// The lower-case key a name suggests: letters and digits, runs of anything else as one `_`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_');
    if out.is_empty() {
        "channel".to_owned()
    } else {
        out.to_owned()
    }
}

/// The slug, or the slug with `_2`, `_3`, ... when two names reduce to the same one.
fn free_key(conn: &Connection, base: &str) -> Result<String> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM channels WHERE key = ?1")?;
    let mut key = base.to_owned();
    let mut n = 1;
    while stmt.query_row([&key], |_| Ok(())).optional()?.is_some() {
        n += 1;
        key = format!("{base}_{n}");
    }
    Ok(key)
}

/// Adds a channel of the shop's own (a market stall, a local paper).
pub fn create(conn: &Connection, name: &str) -> Result<Channel> {
    with_tx(conn, |conn| {
        let name = clean_name(conn, name, None)?;
        let key = free_key(conn, &slug(&name))?;
        conn.execute(
            "INSERT INTO channels (key, name, builtin, archived, created_at) VALUES (?1, ?2, 0, 0, ?3)",
            params![key, name, time::now_text()],
        )?;
        get(conn, &key)
    })
}

/// Renames a channel; its key, and so every contact's source, stays the same.
pub fn rename(conn: &Connection, key: &str, name: &str) -> Result<Channel> {
    with_tx(conn, |conn| {
        get(conn, key)?;
        let name = clean_name(conn, name, Some(key))?;
        conn.execute("UPDATE channels SET name = ?2 WHERE key = ?1", params![key, name])?;
        get(conn, key)
    })
}

/// Hides a channel the shop no longer uses, or brings it back.
pub fn set_archived(conn: &Connection, key: &str, archived: bool) -> Result<Channel> {
    with_tx(conn, |conn| {
        let channel = get(conn, key)?;
        if channel.builtin && archived {
            return Err(Error::invalid(
                "archived",
                format!("'{}' is a standard channel and cannot be archived.", channel.name),
            ));
        }
        conn.execute("UPDATE channels SET archived = ?2 WHERE key = ?1", params![key, archived])?;
        get(conn, key)
    })
}

/// What one channel cost in one month, and how many visitors it brought.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChannelSpend {
    pub id: i64,
    pub channel_key: String,
    /// `YYYY-MM`.
    pub month: String,
    pub amount_minor: i64,
    pub currency: String,
    pub visitors: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SpendInput {
    pub channel_key: String,
    pub month: String,
    pub amount_minor: i64,
    pub currency: String,
    pub visitors: i64,
}

const SPEND_SELECT: &str =
    "SELECT id, channel_key, month, amount_minor, currency, visitors FROM channel_spend";

fn spend_from_row(r: &Row<'_>) -> rusqlite::Result<ChannelSpend> {
    Ok(ChannelSpend {
        id: r.get(0)?,
        channel_key: r.get(1)?,
        month: r.get(2)?,
        amount_minor: r.get(3)?,
        currency: r.get(4)?,
        visitors: r.get(5)?,
    })
}

/// Records a channel's spend for a month, replacing what was there: one row per channel and month.
pub fn set_spend(conn: &Connection, input: &SpendInput) -> Result<ChannelSpend> {
    let key = input.channel_key.trim();
    match get(conn, key) {
        Err(e) if e.code == ErrorCode::NotFound => {
            return Err(Error::invalid("channel_key", format!("'{key}' is not a known channel.")));
        }
        other => other?,
    };
    let month = time::parse_month("month", &input.month)?;
    let amount = validate::money("amount_minor", input.amount_minor)?;
    let currency = validate::currency("currency", &input.currency)?;
    let visitors = validate::range("visitors", input.visitors, 0, 1_000_000_000_000)?;
    let id: i64 = conn.query_row(
        "INSERT INTO channel_spend (channel_key, month, amount_minor, currency, visitors)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (channel_key, month) DO UPDATE SET
             amount_minor = excluded.amount_minor, currency = excluded.currency, visitors = excluded.visitors
         RETURNING id",
        params![key, month, amount, currency, visitors],
        |r| r.get(0),
    )?;
    Ok(ChannelSpend { id, channel_key: key.to_owned(), month, amount_minor: amount, currency, visitors })
}

pub fn delete_spend(conn: &Connection, id: i64) -> Result<()> {
    let n = conn.execute("DELETE FROM channel_spend WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::not_found("channel spend", id));
    }
    Ok(())
}

/// Spend rows from `from_month` to `to_month` inclusive (either end open), by month then channel.
pub fn list_spend(
    conn: &Connection,
    from_month: Option<&str>,
    to_month: Option<&str>,
) -> Result<Vec<ChannelSpend>> {
    let from = from_month.map(|m| time::parse_month("from_month", m)).transpose()?;
    let to = to_month.map(|m| time::parse_month("to_month", m)).transpose()?;
    if let (Some(f), Some(t)) = (&from, &to) {
        if f > t {
            return Err(Error::invalid("to_month", "The last month comes before the first month."));
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "{SPEND_SELECT} WHERE (?1 IS NULL OR month >= ?1) AND (?2 IS NULL OR month <= ?2)
         ORDER BY month, channel_key"
    ))?;
    let rows = stmt.query_map(params![from, to], spend_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_with_underscores() {
        assert_eq!(slug("Farmers Market"), "farmers_market");
        assert_eq!(slug("  Radio -- 101.5 FM! "), "radio_101_5_fm");
        assert_eq!(slug("Café Événements"), "café_événements");
        assert_eq!(slug("!!!"), "channel");
    }

    #[test]
    fn keys_that_clash_get_a_number() {
        let conn = crate::db::open_in_memory().unwrap();
        assert_eq!(free_key(&conn, "market").unwrap(), "market");
        assert_eq!(free_key(&conn, "paid_search").unwrap(), "paid_search_2");
    }
}
