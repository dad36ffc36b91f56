//! Whole rows kept as JSON and put back exactly: what lets an import or a merge be undone without
//! a copy of the database. Tables and columns come from the code and the schema, never from data.

use crate::error::{Error, Result};
use crate::store::{params_from_iter, Connection};
use rusqlite::types::{Value, ValueRef};
use rusqlite::OptionalExtension;
use serde_json::{Map, Number, Value as Json};

/// Every column of one row as a JSON object (text), or an error if the row is missing.
pub fn row_json(conn: &Connection, table: &'static str, id: i64) -> Result<String> {
    let mut stmt = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE id = ?1"))?;
    let names: Vec<String> = stmt.column_names().iter().map(|n| (*n).to_owned()).collect();
    let row = stmt
        .query_row([id], |r| {
            let mut map = Map::new();
            for (i, name) in names.iter().enumerate() {
                map.insert(name.clone(), to_json(r.get_ref(i)?));
            }
            Ok(map)
        })
        .optional()?
        .ok_or_else(|| Error::not_found(table, id))?;
    Ok(serde_json::to_string(&row)?)
}

/// A stored value as JSON (integers stay integers, text stays text).
pub fn to_json(v: ValueRef<'_>) -> Json {
    match v {
        ValueRef::Null => Json::Null,
        ValueRef::Integer(i) => Json::from(i),
        ValueRef::Real(f) => Number::from_f64(f).map_or(Json::Null, Json::Number),
        ValueRef::Text(t) => Json::String(String::from_utf8_lossy(t).into_owned()),
        // No Flywheel table holds blobs.
        ValueRef::Blob(_) => Json::Null,
    }
}

fn to_sql(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => n.as_i64().map_or_else(|| Value::Real(n.as_f64().unwrap_or(0.0)), Value::Integer),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// The columns of `table`, from the schema.
fn columns(conn: &Connection, table: &'static str) -> Result<Vec<String>> {
    Ok(conn.columns(table)?)
}

/// Puts a row back as `json` recorded it: updated in place when its id still exists, re-inserted
/// with the same id when it was deleted.
pub fn restore_row(conn: &Connection, table: &'static str, json: &str) -> Result<()> {
    let map: Map<String, Json> = serde_json::from_str(json)?;
    let id = map.get("id").and_then(Json::as_i64).ok_or_else(|| Error::storage("A kept row has no id."))?;
    let known = columns(conn, table)?;
    let cols: Vec<&String> = known.iter().filter(|c| map.contains_key(c.as_str())).collect();
    let mut values: Vec<Value> = cols.iter().map(|c| to_sql(&map[c.as_str()])).collect();
    let exists = crate::validate::exists(conn, table, id)?;
    let sql = if exists {
        let sets: Vec<String> =
            cols.iter().enumerate().map(|(i, c)| format!("\"{c}\" = ?{}", i + 1)).collect();
        values.push(Value::Integer(id));
        // The id a parameter too: one statement per table and set of columns, prepared once.
        format!("UPDATE {table} SET {} WHERE id = ?{}", sets.join(", "), values.len())
    } else {
        let names: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), marks.join(", "))
    };
    conn.execute(&sql, params_from_iter(values))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_exactly_updated_or_reinserted() {
        let conn = crate::db::open_in_memory().unwrap();
        conn.execute(
            "INSERT INTO contacts (id, first_name, email, tags, lead_score, created_at, updated_at)
             VALUES (7, 'Ann', 'ann@x.co', '[\"vip\"]', 40, 't1', 't1')",
            [],
        )
        .unwrap();
        let kept = row_json(&conn, "contacts", 7).unwrap();
        conn.execute(
            "UPDATE contacts SET first_name = 'Zed', lead_score = 1, archived_at = 'x' WHERE id = 7",
            [],
        )
        .unwrap();
        restore_row(&conn, "contacts", &kept).unwrap();
        assert_eq!(row_json(&conn, "contacts", 7).unwrap(), kept);
        conn.execute("DELETE FROM contacts WHERE id = 7", []).unwrap();
        restore_row(&conn, "contacts", &kept).unwrap();
        assert_eq!(row_json(&conn, "contacts", 7).unwrap(), kept);
        assert!(row_json(&conn, "contacts", 8).is_err());
    }
}
