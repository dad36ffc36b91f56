//! Purchase summaries kept with the data (migration 014): `purchase_days` (a customer's counted
//! purchases by day), `customer_summaries` (one row per customer and currency) and
//! `purchase_gaps` (how often each gap between consecutive purchase days occurs). Triggers keep
//! them in the same transaction as every write to purchases, whatever makes it; the figures as of
//! today read them instead of every purchase (repeat.rs, advocates.rs).
//!
//! A bulk write (the import, the sample) pauses the triggers with [`paused`]: while paused they
//! only note which contacts were touched, and the summaries of those are rebuilt in one pass
//! before the transaction ends.

use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::store::Connection;
use rusqlite::params;
use std::collections::BTreeMap;

/// The summaries of the contacts in `dirty` (a table or subquery of `contact_id`s), or of
/// everyone when `None`, rebuilt from their purchases. The caller has paused the triggers.
fn rebuild(conn: &Connection, dirty: Option<&str>) -> Result<()> {
    let only = |column: &str| match dirty {
        Some(set) => format!("WHERE {column} IN (SELECT contact_id FROM {set})"),
        None => String::new(),
    };
    let days_of = only("contact_id");
    let and_only = match dirty {
        Some(set) => format!("AND contact_id IN (SELECT contact_id FROM {set})"),
        None => String::new(),
    };
    // Their gaps leave the counts before their days are rebuilt, and the new ones come back after.
    let gaps = |sign: i64| {
        format!(
            "INSERT INTO purchase_gaps (currency, gap, n)
             SELECT currency, gap, {sign} * count(*) FROM (
                 SELECT currency,
                        (unixepoch(day) - unixepoch(lag(day) OVER (PARTITION BY contact_id, currency ORDER BY day))) / 86400 AS gap
                 FROM purchase_days {days_of}
             ) AS gaps WHERE gap IS NOT NULL GROUP BY currency, gap
             ON CONFLICT (currency, gap) DO UPDATE SET n = purchase_gaps.n + excluded.n"
        )
    };
    if dirty.is_none() {
        conn.execute_batch(
            "DELETE FROM purchase_gaps; DELETE FROM purchase_days; DELETE FROM customer_summaries;",
        )?;
    } else {
        conn.execute(&gaps(-1), [])?;
        conn.execute(&format!("DELETE FROM purchase_days {days_of}"), [])?;
        conn.execute(&format!("DELETE FROM customer_summaries {days_of}"), [])?;
    }
    conn.execute(
        &format!(
            "INSERT INTO purchase_days (contact_id, currency, day, orders, total)
             SELECT contact_id, currency, purchased_on, count(*), sum(amount_minor - refunded_minor)
             FROM purchases WHERE (refunded_minor < amount_minor OR amount_minor = 0) {and_only}
             GROUP BY contact_id, currency, purchased_on"
        ),
        [],
    )?;
    conn.execute(&gaps(1), [])?;
    conn.execute("DELETE FROM purchase_gaps WHERE n = 0", [])?;
    conn.execute(
        &format!(
            "INSERT INTO customer_summaries
                 (contact_id, currency, first_day, second_day, last_day, days, orders, total, first_total)
             SELECT contact_id, currency, min(day), min(CASE WHEN k = 2 THEN day END), max(day), count(*),
                    sum(orders), sum(total), sum(CASE WHEN k = 1 THEN total ELSE 0 END)
             FROM (SELECT contact_id, currency, day, orders, total,
                          row_number() OVER (PARTITION BY contact_id, currency ORDER BY day) AS k
                   FROM purchase_days {days_of})
             GROUP BY contact_id, currency"
        ),
        [],
    )?;
    rebuild_referral_sales(conn, dirty)?;
    rebuild_customer_products(conn, dirty)
}

/// What the contacts in `dirty` (everyone when `None`) bought, from their purchases (from schema
/// v16 on; its own SQL fills it on the upgrade).
fn rebuild_customer_products(conn: &Connection, dirty: Option<&str>) -> Result<()> {
    if !has_table(conn, "customer_products")? {
        return Ok(());
    }
    let (delete, only) = match dirty {
        Some(set) => (
            format!("DELETE FROM customer_products WHERE contact_id IN (SELECT contact_id FROM {set})"),
            format!("AND contact_id IN (SELECT contact_id FROM {set})"),
        ),
        None => ("DELETE FROM customer_products".to_owned(), String::new()),
    };
    conn.execute(&delete, [])?;
    // One customer at a time, in the order of the index that covers the read: no sort of a
    // chunk's purchases by product (an import's memory goal).
    let mut read = conn.prepare_cached(&format!(
        "SELECT contact_id, currency, product, purchased_on FROM purchases
         WHERE (refunded_minor < amount_minor OR amount_minor = 0) {only}
         ORDER BY contact_id"
    ))?;
    let mut write = conn.prepare_cached(
        "INSERT INTO customer_products (contact_id, currency, product, first_day) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut flush = |id: i64, firsts: &mut BTreeMap<(String, String), String>| -> Result<()> {
        for ((currency, product), day) in std::mem::take(firsts) {
            write.execute(params![id, currency, product, day])?;
        }
        Ok(())
    };
    let mut rows = read.query([])?;
    let mut current: Option<i64> = None;
    let mut firsts: BTreeMap<(String, String), String> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let id: i64 = r.get("contact_id")?;
        if current.is_some_and(|c| c != id) {
            flush(current.unwrap_or(id), &mut firsts)?;
        }
        current = Some(id);
        let day: String = r.get("purchased_on")?;
        let first = firsts.entry((r.get("currency")?, r.get("product")?)).or_insert_with(|| day.clone());
        if day < *first {
            *first = day;
        }
    }
    if let Some(id) = current {
        flush(id, &mut firsts)?;
    }
    Ok(())
}

/// What the referrals of the contacts in `dirty` (of everyone when `None`) brought, from their
/// purchase days. Before schema v16 (an upgrade running v14's step) there is no such table yet:
/// v16 fills it itself.
fn rebuild_referral_sales(conn: &Connection, dirty: Option<&str>) -> Result<()> {
    if !has_table(conn, "referral_sales")? {
        return Ok(());
    }
    let only = match dirty {
        Some(set) => format!("AND r.referred_id IN (SELECT contact_id FROM {set})"),
        None => String::new(),
    };
    match dirty {
        Some(set) => conn.execute(
            &format!("DELETE FROM referral_sales WHERE referred_id IN (SELECT contact_id FROM {set})"),
            [],
        )?,
        None => conn.execute("DELETE FROM referral_sales", [])?,
    };
    conn.execute(
        &format!(
            "INSERT INTO referral_sales
                 (referral_id, currency, advocate_id, referred_id, referred_on, first_day, last_day, total)
             SELECT r.id, d.currency, r.advocate_id, r.referred_id, r.referred_on, min(d.day), max(d.day), sum(d.total)
             FROM referrals r JOIN purchase_days d ON d.contact_id = r.referred_id AND d.day >= r.referred_on
             WHERE {} {only}
             GROUP BY r.id, d.currency",
            crate::advocates::REAL_REFERRAL.replace("flags", "r.flags")
        ),
        [],
    )?;
    Ok(())
}

/// Runs the bulk write `f` with the summary triggers paused, then rebuilds the summaries of every
/// contact whose purchases it touched; all in the caller's transaction, or in one of its own.
///
/// No savepoint of its own: SQLite journals every page a statement changes inside a savepoint,
/// and an import's million statements made that journal's upkeep grow with its length (an
/// import of 100,000 rows took minutes). When `f` fails, the summaries are brought up to date
/// with what it left and its error is returned, for the caller to roll back or not.
pub(crate) fn paused<T>(conn: &Connection, mut f: impl FnMut(&Connection) -> Result<T>) -> Result<T> {
    if conn.is_autocommit() {
        return with_tx(conn, |conn| paused_inside(conn, &mut f));
    }
    paused_inside(conn, &mut f)
}

/// [`paused`] inside a transaction.
fn paused_inside<T>(conn: &Connection, f: &mut dyn FnMut(&Connection) -> Result<T>) -> Result<T> {
    let already: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM summaries_paused)", [], |r| r.get(0))?;
    if already {
        // An enclosing bulk write resumes them.
        return f(conn);
    }
    conn.execute("INSERT INTO summaries_paused (paused) VALUES (1)", [])?;
    let out = f(conn);
    let resumed = resume(conn);
    let out = out?;
    resumed?;
    Ok(out)
}

/// Contacts rebuilt together: enough to pay each statement once for many, few enough that the
/// sorts behind the rebuild stay small (an import's memory goal, docs/BENCHMARKS.md).
const REBUILD_CHUNK: i64 = 4096;

/// Brings the summaries of the contacts touched while paused up to date, a chunk at a time, and
/// unpauses.
fn resume(conn: &Connection) -> Result<()> {
    conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS summary_chunk (contact_id INTEGER PRIMARY KEY)")?;
    loop {
        conn.execute("DELETE FROM temp.summary_chunk", [])?;
        let n = conn.execute(
            "INSERT INTO temp.summary_chunk SELECT contact_id FROM summaries_dirty ORDER BY contact_id LIMIT ?1",
            [REBUILD_CHUNK],
        )?;
        if n == 0 {
            break;
        }
        if conn.engine() == crate::store::Engine::Postgres {
            // A temporary table has no figures for the planner until asked: without them it
            // read every purchase day to find a chunk's (PostgreSQL's autovacuum never sees it).
            conn.execute_batch("ANALYZE pg_temp.summary_chunk")?;
        }
        rebuild(conn, Some("temp.summary_chunk"))?;
        conn.execute(
            "DELETE FROM summaries_dirty WHERE contact_id IN (SELECT contact_id FROM temp.summary_chunk)",
            [],
        )?;
    }
    if conn.engine() == crate::store::Engine::Postgres {
        // The shop's sales and the new contacts of each day the bulk write touched, counted again
        // (the PostgreSQL baseline's `summary_days_dirty`: there they are not kept row by row
        // while paused, as one row per day updated thousands of times in one transaction slows
        // PostgreSQL down with every update).
        conn.execute_batch("SELECT summary_days_recount()")?;
    }
    conn.execute_batch("DELETE FROM summaries_paused;")?;
    Ok(())
}

fn has_table(conn: &Connection, name: &str) -> Result<bool> {
    Ok(conn.has_table(name)?)
}

/// The new and referred new contacts of each day, from the contacts and the referrals (from schema
/// v16 on).
fn rebuild_contact_days(conn: &Connection) -> Result<()> {
    if !has_table(conn, "contact_days")? {
        return Ok(());
    }
    conn.execute_batch(&format!(
        "DELETE FROM contact_days;
         INSERT INTO contact_days (day, created, referred)
         SELECT substr(created_at, 1, 10), count(*),
                sum(source = 'referrals' OR EXISTS (SELECT 1 FROM referrals r WHERE r.referred_id = c.id AND {}))
         FROM contacts c GROUP BY substr(created_at, 1, 10);",
        crate::advocates::REAL_REFERRAL.replace("flags", "r.flags")
    ))?;
    Ok(())
}

/// Every summary rebuilt from the purchases (schema v14's step, and a repair).
pub fn rebuild_all(conn: &Connection) -> Result<()> {
    with_tx(conn, |conn| {
        conn.execute("INSERT OR IGNORE INTO summaries_paused (paused) VALUES (1)", [])?;
        rebuild(conn, None)?;
        conn.execute_batch(
            "DELETE FROM sales_days;
             INSERT INTO sales_days (currency, day, purchases, counted, total)
             SELECT currency, purchased_on, count(*),
                    sum(refunded_minor < amount_minor OR amount_minor = 0),
                    sum(CASE WHEN refunded_minor < amount_minor OR amount_minor = 0
                             THEN amount_minor - refunded_minor ELSE 0 END)
             FROM purchases GROUP BY currency, purchased_on;
             DELETE FROM nps_latest;
             INSERT INTO nps_latest (contact_id, answer_id, answered_on, score)
             SELECT contact_id, id, answered_on, score FROM (
                 SELECT contact_id, id, answered_on, score,
                        row_number() OVER (PARTITION BY contact_id ORDER BY answered_on DESC, id DESC) AS k
                 FROM nps_answers
             ) WHERE k = 1;
             DELETE FROM summaries_dirty;",
        )?;
        if conn.engine() == crate::store::Engine::Postgres {
            conn.execute_batch("DELETE FROM summary_days_dirty")?;
        }
        rebuild_contact_days(conn)?;
        // Unpaused last: on PostgreSQL, the contacts' days above were counted while no trigger
        // marked them.
        conn.execute_batch("DELETE FROM summaries_paused")?;
        Ok(())
    })
}

/// Every purchase in another currency than `currency` on or before `as_of`.
pub(crate) fn other_currency_purchases(conn: &Connection, currency: &str, as_of: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(purchases), 0) FROM sales_days WHERE currency <> ?1 AND day <= ?2",
        )?
        .query_row(params![currency, as_of], |r| r.get(0))?)
}

/// Whether the summaries in `currency` (in every currency, with `None`) are the figures as of
/// `as_of`: they hold every counted purchase, so they are from the last day with one on (and
/// always, with none).
/// Never inside a bulk write, whose summaries are rebuilt only as it ends.
pub(crate) fn covers(conn: &Connection, currency: Option<&str>, as_of: &str) -> Result<bool> {
    if !current(conn)? {
        return Ok(false);
    }
    let last: Option<String> = conn
        .prepare_cached("SELECT max(last_day) FROM customer_summaries WHERE ?1 IS NULL OR currency = ?1")?
        .query_row(params![currency], |r| r.get(0))?;
    Ok(last.is_none_or(|last| as_of >= last.as_str()))
}

/// Whether the summaries are up to date: always, but inside a bulk write (this connection's own
/// transaction), where they are rebuilt only as it ends and the history must be read instead.
pub(crate) fn current(conn: &Connection) -> Result<bool> {
    let paused: bool =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM summaries_paused)")?.query_row([], |r| r.get(0))?;
    Ok(!paused)
}

/// Whether `nps_latest` is each contact's latest answer as of `as_of`: on or after the last
/// answer's day (always, with none).
pub(crate) fn nps_covers(conn: &Connection, as_of: &str) -> Result<bool> {
    let last: Option<String> =
        conn.prepare_cached("SELECT max(answered_on) FROM nps_answers")?.query_row([], |r| r.get(0))?;
    Ok(last.is_none_or(|last| as_of >= last.as_str()))
}

/// SQL of the table `(id, days, last_day)`: each customer's purchase days and last one as of
/// `:as_of` in `:currency`: from the summaries when they cover the day, else from the purchases.
pub(crate) fn purchase_days_sql(covered: bool) -> String {
    if covered {
        "SELECT contact_id AS id, days, last_day FROM customer_summaries WHERE currency = :currency"
            .to_owned()
    } else {
        format!(
            "SELECT contact_id AS id, count(DISTINCT purchased_on) AS days, max(purchased_on) AS last_day
             FROM purchases WHERE {} GROUP BY contact_id",
            crate::repeat::COUNTED
        )
    }
}

/// Whether the summaries in `currency` equal a rebuild from the purchases: what the tests check
/// after every write. Gives the first difference found.
pub fn check(conn: &Connection) -> Result<()> {
    let tables = [
        ("purchase_days", "contact_id, currency, day, orders, total"),
        (
            "customer_summaries",
            "contact_id, currency, first_day, second_day, last_day, days, orders, total, first_total",
        ),
        ("purchase_gaps", "currency, gap, n"),
        ("sales_days", "currency, day, purchases, counted, total"),
        ("nps_latest", "contact_id, answer_id, answered_on, score"),
        (
            "referral_sales",
            "referral_id, currency, advocate_id, referred_id, referred_on, first_day, last_day, total",
        ),
        ("contact_days", "day, created, referred"),
        ("customer_products", "contact_id, currency, product, first_day"),
    ];
    // Rebuilt inside a transaction that is always rolled back: the check changes nothing.
    crate::db::with_rollback(conn, |conn| {
        let mut kept = Vec::new();
        for (table, columns) in tables {
            let sql = format!("SELECT {columns} FROM {table} ORDER BY {columns}");
            kept.push(rows_as_text(conn, &sql)?);
        }
        rebuild_all(conn)?;
        for ((table, columns), kept) in tables.iter().zip(kept) {
            let sql = format!("SELECT {columns} FROM {table} ORDER BY {columns}");
            let fresh = rows_as_text(conn, &sql)?;
            if fresh != kept {
                let first = fresh
                    .iter()
                    .zip(&kept)
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| format!("rebuilt {a}, kept {b}"))
                    .unwrap_or_else(|| format!("rebuilt {} rows, kept {}", fresh.len(), kept.len()));
                return Err(Error::storage(format!("{table} differs from a rebuild: {first}")));
            }
        }
        Ok(())
    })
}

fn rows_as_text(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let rows = stmt.query_map([], |r| {
        (0..n)
            .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|v| v.join("|"))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
