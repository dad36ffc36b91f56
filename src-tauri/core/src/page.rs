//! Pagination shared by every list.

use crate::error::Result;
use crate::store::{params_from_iter, Connection, Row};
use rusqlite::types::{Type, Value};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One page of a list, with the total count of rows that match the filter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub offset: u32,
    pub limit: u32,
}

/// Clamps a requested page size; zero means the default.
pub fn limit(requested: u32) -> u32 {
    match requested {
        0 => 50,
        n => n.min(500),
    }
}

/// Escapes `%`, `_` and `\` so user search text is matched literally by `LIKE ... ESCAPE '\'`.
pub fn like_pattern(search: &str) -> String {
    let mut p = String::from("%");
    for c in search.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The conditions of a list query and their arguments, built together so every `?` placeholder
/// stays bound to its value and user text never enters the SQL.
#[derive(Debug, Default)]
pub struct Filter {
    clauses: Vec<&'static str>,
    args: Vec<Value>,
}

impl Filter {
    /// Adds a condition written with exactly one `?`, bound to `arg`.
    pub fn and(&mut self, clause: &'static str, arg: impl Into<Value>) {
        self.clauses.push(clause);
        self.args.push(arg.into());
    }

    /// Adds a condition that takes several arguments, in the order of its `?`s.
    pub fn and_each(&mut self, clause: &'static str, args: impl IntoIterator<Item = impl Into<Value>>) {
        self.clauses.push(clause);
        self.args.extend(args.into_iter().map(Into::into));
    }

    /// Adds a condition that takes no argument.
    pub fn and_fixed(&mut self, clause: &'static str) {
        self.clauses.push(clause);
    }

    /// The WHERE clause and its arguments, for queries [`fetch`] does not fit (joins, exports).
    pub fn into_parts(self) -> (String, Vec<Value>) {
        (self.where_sql(), self.args)
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// One page of `select` (a `SELECT ... FROM table` without WHERE) under `filter` and `order`, with
/// the total count of matches so the UI can show "41–60 of 230". `order` should end in a unique
/// column so paging is stable.
pub fn fetch<T>(
    conn: &Connection,
    select: &str,
    filter: &Filter,
    order: &str,
    offset: u32,
    requested_limit: u32,
    row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    fetch_ordered(conn, select, filter, &Order::fixed(order), offset, requested_limit, row)
}

/// A list's order as terms, each ascending or not; the last names a unique column, so the order is
/// total and its exact reverse is every term turned round (SQLite's NULLs sort first ascending and
/// last descending, so they turn round too).
#[derive(Debug, Clone, Default)]
pub struct Order {
    terms: Vec<(String, bool)>,
    /// Written whole by the caller ([`Order::fixed`]): never turned round.
    fixed: bool,
}

impl Order {
    /// Adds a term, descending when `descending`.
    pub fn then(mut self, term: impl Into<String>, descending: bool) -> Order {
        self.terms.push((term.into(), descending));
        self
    }

    /// An ORDER BY text as it is, read from the start only.
    fn fixed(order: &str) -> Order {
        Order { terms: vec![(order.to_owned(), false)], fixed: true }
    }

    fn sql(&self, reversed: bool) -> String {
        if self.fixed {
            return self.terms.iter().map(|(t, _)| t.as_str()).collect();
        }
        let term =
            |(t, desc): &(String, bool)| format!("{t} {}", if *desc != reversed { "DESC" } else { "ASC" });
        self.terms.iter().map(term).collect::<Vec<_>>().join(", ")
    }
}

/// As [`fetch`], in a total `order`; a page nearer the end than the start is read from the end in
/// the reverse order, so the last page costs what the first does instead of walking every row
/// before it.
pub fn fetch_ordered<T>(
    conn: &Connection,
    select: &str,
    filter: &Filter,
    order: &Order,
    offset: u32,
    requested_limit: u32,
    row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Page<T>> {
    let limit = limit(requested_limit);
    let filtered = format!("{select} {}", filter.where_sql());
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM ({filtered}) AS filtered"))?
        .query_row(params_from_iter(filter.args.iter()), |r| r.get(0))?;
    // The page is rows offset .. offset + n of the order; from the end, rows `back` .. back + n of
    // the reverse order.
    let n = (total - i64::from(offset)).clamp(0, i64::from(limit));
    let back = total - i64::from(offset) - n;
    let reversed = !order.fixed && back < i64::from(offset);
    let (skip, take) = if reversed { (back, n) } else { (i64::from(offset), i64::from(limit)) };
    let sql = format!("{filtered} ORDER BY {} LIMIT {take} OFFSET {skip}", order.sql(reversed));
    let mut items: Vec<T> = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(filter.args.iter()), row)?
        .collect::<Result<_, _>>()?;
    if reversed {
        items.reverse();
    }
    Ok(Page { items, total, offset, limit })
}

/// Reads a JSON list column (tags, channels, flags); a malformed one is an error, not an empty list.
pub fn json_list<T: DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<Vec<T>> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(like_pattern(" 50%_off "), "%50\\%\\_off%");
        assert_eq!(limit(0), 50);
        assert_eq!(limit(10_000), 500);
    }

    #[test]
    fn fetch_counts_every_match_and_returns_one_page() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO t (name) VALUES ('a%'), ('b'), ('a%x'), ('c'), ('a%y');",
        )
        .unwrap();
        let mut f = Filter::default();
        f.and("name LIKE ? ESCAPE '\\'", like_pattern("a%"));
        f.and_fixed("id > 1");
        // Matches: 'a%x' (id 3) and 'a%y' (id 5); 'a%' (id 1) is cut by id > 1.
        let p = fetch(&conn, "SELECT id FROM t", &f, "id DESC", 1, 1, |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(p.total, 2);
        assert_eq!(p.items, vec![3]);
        assert_eq!((p.offset, p.limit), (1, 1));
    }

    #[test]
    fn every_page_read_from_either_end_is_the_same_slice_of_the_order() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
             INSERT INTO t (name, email) VALUES ('b', NULL), ('A', 'x'), ('a', NULL), ('c', 'y'), ('B', 'x'),
                 ('a', 'z'), (NULL, 'y'), ('c', NULL), ('b', 'w'), ('A', NULL), ('d', 'x');",
        )
        .unwrap();
        let f = Filter::default();
        for desc in [false, true] {
            let orders = [
                Order::default().then("name COLLATE NOCASE", desc).then("id", desc),
                Order::default().then("email IS NULL", false).then("email", desc).then("id", desc),
            ];
            for order in orders {
                let all: Vec<i64> =
                    fetch(&conn, "SELECT id FROM t", &f, &order.sql(false), 0, 100, |r| r.get(0))
                        .unwrap()
                        .items;
                assert_eq!(all.len(), 11);
                for limit in [1u32, 3, 4, 11] {
                    for offset in 0..13u32 {
                        let page: Page<i64> =
                            fetch_ordered(&conn, "SELECT id FROM t", &f, &order, offset, limit, |r| r.get(0))
                                .unwrap();
                        let start = (offset as usize).min(all.len());
                        let end = (start + limit as usize).min(all.len());
                        assert_eq!(
                            page.items,
                            all[start..end].to_vec(),
                            "{order:?} offset {offset} limit {limit}"
                        );
                        assert_eq!(page.total, 11);
                    }
                }
            }
        }
    }

    #[test]
    fn json_lists_read_or_fail_loudly() {
        let conn = Connection::open_in_memory().unwrap();
        let ok: Vec<String> = conn.query_row(r#"SELECT '["a","b"]'"#, [], |r| json_list(r, 0)).unwrap();
        assert_eq!(ok, vec!["a", "b"]);
        assert!(conn.query_row("SELECT 'not json'", [], |r| json_list::<String>(r, 0)).is_err());
    }
}
