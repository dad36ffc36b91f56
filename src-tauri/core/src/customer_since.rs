//! When a contact became a customer, derived from their purchases. Every write that touches
//! purchases (record, edit, refund, delete, import and its undo, merge, sample data) calls
//! [`rederive`] for the contacts concerned inside its transaction, so the customer stage always
//! stands where the purchases put it, however late or in whatever order they were entered.
//!
//! The rules (docs/METRICS.md, "Customer since"):
//! - A purchase *counts* unless it is fully refunded; a purchase of 0 counts.
//! - The contact's first customer event is placed at 00:00:00 UTC of the day of their first
//!   counted purchase. An earlier purchase recorded later moves it back.
//! - Stage events of the stages before customer (subscriber, lead, MQL, SQL, opportunity) dated
//!   after that instant move back to it, so the history stays in order, except a move made after
//!   the contact became a customer (recorded after the customer event and dated after it, such as
//!   sending a customer back). Exits and later customer events are kept.
//! - A customer event is *from a purchase* when Flywheel recorded it for one: actor `system` and
//!   reason [`FROM_PURCHASE`]. stage_events has no origin column; these two values are what the
//!   purchase paths have always written and what nothing else writes. Any other customer event
//!   was given by hand (a move, a contact form, a contacts import): it is never moved forward nor
//!   removed, and it moves back only to an earlier day of purchase (on the same day its time is
//!   kept).
//! - When no counted purchase remains, customer events from a purchase are removed; one that
//!   directly follows another customer event (two merged histories) is removed too.
//! - A contact who left after becoming a customer (lost, disqualified, or sent back to an earlier
//!   stage) and has a counted purchase on or after the day they left is a customer again, from a
//!   purchase: at the start of that purchase's day, or at the leaving instant when it is that day.
//!
//! `contacts.stage` follows by the stage_events triggers (insert, delete and, since schema v10,
//! update of `at`, `stage` or `contact_id`).

use crate::db::with_tx;
use crate::error::Result;
use crate::stages::Stage;
use crate::store::Connection;
use rusqlite::{params, OptionalExtension};

/// The reason of the customer event Flywheel records for a first purchase.
pub const FROM_PURCHASE: &str = "first purchase";

struct Event {
    id: i64,
    stage: Stage,
    at: String,
    from_purchase: bool,
}

/// The day of the contact's first counted purchase, `YYYY-MM-DD`.
pub fn first_counted_day(conn: &Connection, contact_id: i64) -> Result<Option<String>> {
    // GROUP BY keeps PostgreSQL from reading min() off the index of every purchase's day (until
    // one of this contact's turns up: a whole pass per contact in an import); no row is no day.
    Ok(conn
        .prepare_cached(
            "SELECT min(purchased_on) FROM purchases
             WHERE contact_id = ?1 AND (amount_minor = 0 OR refunded_minor < amount_minor) GROUP BY contact_id",
        )?
        .query_row([contact_id], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Places the contact's customer stage by their purchases (the rules above), in one transaction.
/// A contact that does not exist (any more) is left alone.
pub fn rederive(conn: &Connection, contact_id: i64) -> Result<()> {
    with_tx(conn, |conn| rederive_keeping(conn, contact_id, &mut |_| Ok(())))
}

/// [`rederive`] inside the caller's transaction; `keep` is called with the id of every existing
/// stage event just before it is changed or deleted, so an undoable write can keep it as it was.
pub(crate) fn rederive_keeping(
    conn: &Connection,
    contact_id: i64,
    keep: &mut dyn FnMut(i64) -> Result<()>,
) -> Result<()> {
    let events: Vec<Event> = conn
        .prepare_cached(
            "SELECT id, stage, at, actor = 'system' AND reason = ?2 FROM stage_events
             WHERE contact_id = ?1 ORDER BY at, id",
        )?
        .query_map(params![contact_id, FROM_PURCHASE], |r| {
            Ok(Event { id: r.get(0)?, stage: r.get(1)?, at: r.get(2)?, from_purchase: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let first = events.iter().position(|e| e.stage == Stage::Customer);
    let Some(day) = first_counted_day(conn, contact_id)? else {
        for e in events.iter().filter(|e| e.stage == Stage::Customer && e.from_purchase) {
            keep(e.id)?;
            conn.prepare_cached("DELETE FROM stage_events WHERE id = ?1")?.execute([e.id])?;
        }
        return Ok(());
    };
    let since = format!("{day}T00:00:00Z");
    let at = match first.map(|i| &events[i]) {
        None => since,
        Some(e) if e.from_purchase => since,
        // By hand: back to an earlier day of purchase, never forward.
        Some(e) if e.at.get(..10).unwrap_or(&e.at) > day.as_str() => since,
        Some(e) => e.at.clone(),
    };
    // The stages before customer dated after the sale move back to it, unless they are a move made
    // after the contact became a customer (recorded after the customer event and dated after it).
    let after_sale = |e: &Event| first.is_some_and(|i| e.id > events[i].id && e.at >= events[i].at);
    let mut last_at_instant: Option<i64> = None;
    for e in events.iter().filter(|e| e.stage.rank() < Stage::Customer.rank() && !after_sale(e)) {
        if e.at > at {
            keep(e.id)?;
            conn.prepare_cached("UPDATE stage_events SET at = ?2 WHERE id = ?1")?
                .execute(params![e.id, at])?;
        }
        if e.at >= at {
            last_at_instant = last_at_instant.max(Some(e.id));
        }
    }
    match first.map(|i| &events[i]) {
        None => {
            if !contact_exists(conn, contact_id)? {
                return Ok(());
            }
            conn.prepare_cached(
                "INSERT INTO stage_events (contact_id, stage, at, actor, reason) VALUES (?1, 'customer', ?2, 'system', ?3)",
            )?
            .execute(params![contact_id, at, FROM_PURCHASE])?;
        }
        // Events on one instant are ordered by id: the customer event must come after those it
        // now shares its instant with, so it is recorded again.
        Some(e) if last_at_instant.is_some_and(|id| id > e.id) => {
            keep(e.id)?;
            conn.prepare_cached(
                "INSERT INTO stage_events (contact_id, stage, at, actor, reason, import_batch_id)
                 SELECT contact_id, stage, ?2, actor, reason, import_batch_id FROM stage_events WHERE id = ?1",
            )?
            .execute(params![e.id, at])?;
            conn.prepare_cached("DELETE FROM stage_events WHERE id = ?1")?.execute([e.id])?;
        }
        Some(e) if e.at != at => {
            keep(e.id)?;
            conn.prepare_cached("UPDATE stage_events SET at = ?2 WHERE id = ?1")?
                .execute(params![e.id, at])?;
        }
        Some(_) => {}
    }
    drop_repeated(conn, contact_id, keep)?;
    win_back(conn, contact_id)
}

/// A contact whose latest stage is not customer, with a counted purchase on or after the day of
/// that stage, bought again after leaving: they are a customer again from that purchase's day.
fn win_back(conn: &Connection, contact_id: i64) -> Result<()> {
    let latest: Option<(Stage, String)> = conn
        .prepare_cached(
            "SELECT stage, at FROM stage_events WHERE contact_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
        )?
        .query_row([contact_id], |r| Ok((r.get("stage")?, r.get("at")?)))
        .optional()?;
    let Some((stage, left_at)) = latest else { return Ok(()) };
    if stage == Stage::Customer {
        return Ok(());
    }
    let left_day = left_at.get(..10).unwrap_or(&left_at).to_owned();
    let bought: Option<String> = conn
        .prepare_cached(
            "SELECT min(purchased_on) AS day FROM purchases
             WHERE contact_id = ?1 AND purchased_on >= ?2 AND (amount_minor = 0 OR refunded_minor < amount_minor)",
        )?
        .query_row(params![contact_id, left_day], |r| r.get("day"))?;
    let Some(day) = bought else { return Ok(()) };
    let at = format!("{day}T00:00:00Z").max(left_at);
    conn.prepare_cached(
        "INSERT INTO stage_events (contact_id, stage, at, actor, reason) VALUES (?1, 'customer', ?2, 'system', ?3)",
    )?
    .execute(params![contact_id, at, FROM_PURCHASE])?;
    Ok(())
}

/// Removes a customer event from a purchase that directly follows another customer event: it says
/// nothing new (two contacts' histories merged, each with its first purchase).
fn drop_repeated(conn: &Connection, contact_id: i64, keep: &mut dyn FnMut(i64) -> Result<()>) -> Result<()> {
    let events: Vec<(i64, Stage, bool)> = conn
        .prepare_cached(
            "SELECT id, stage, actor = 'system' AND reason = ?2 FROM stage_events
             WHERE contact_id = ?1 ORDER BY at, id",
        )?
        .query_map(params![contact_id, FROM_PURCHASE], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for pair in events.windows(2) {
        let ((_, before, _), (id, stage, from_purchase)) = (pair[0], pair[1]);
        if before == Stage::Customer && stage == Stage::Customer && from_purchase {
            keep(id)?;
            conn.prepare_cached("DELETE FROM stage_events WHERE id = ?1")?.execute([id])?;
        }
    }
    Ok(())
}

fn contact_exists(conn: &Connection, contact_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM contacts WHERE id = ?1")?
        .query_row([contact_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// [`rederive`] for many contacts in the caller's transaction (an import, sample data).
pub(crate) fn rederive_many(conn: &Connection, contact_ids: &[i64]) -> Result<()> {
    with_tx(conn, |conn| {
        for &id in contact_ids {
            rederive_keeping(conn, id, &mut |_| Ok(()))?;
        }
        Ok(())
    })
}

/// Every contact that has purchases or a customer event from a purchase, placed by the rules: the
/// step of the schema v10 migration that fixes databases written before them, public so tests can
/// run it on a database they built in the old way.
pub fn rederive_all(conn: &Connection) -> Result<i64> {
    let ids: Vec<i64> = conn
        .prepare(
            "SELECT contact_id FROM purchases
             UNION SELECT contact_id FROM stage_events WHERE stage = 'customer' AND actor = 'system' AND reason = ?1
             ORDER BY 1",
        )?
        .query_map([FROM_PURCHASE], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    rederive_many(conn, &ids)?;
    Ok(ids.len() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = crate::db::open_in_memory().unwrap();
        conn.execute(
            "INSERT INTO contacts (id, first_name, created_at, updated_at) VALUES (1, 'Ann', 't', 't')",
            [],
        )
        .unwrap();
        conn
    }

    fn event(conn: &Connection, stage: &str, at: &str, actor: &str, reason: &str) {
        conn.execute(
            "INSERT INTO stage_events (contact_id, stage, at, actor, reason) VALUES (1, ?1, ?2, ?3, ?4)",
            params![stage, at, actor, reason],
        )
        .unwrap();
    }

    fn buy(conn: &Connection, day: &str, amount: i64, refunded: i64) {
        conn.execute(
            "INSERT INTO purchases (contact_id, purchased_on, amount_minor, refunded_minor, currency, created_at)
             VALUES (1, ?1, ?2, ?3, 'USD', 't')",
            params![day, amount, refunded],
        )
        .unwrap();
    }

    fn history(conn: &Connection) -> Vec<(String, String)> {
        conn.prepare("SELECT stage, at FROM stage_events WHERE contact_id = 1 ORDER BY at, id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn cache(conn: &Connection) -> (String, Option<String>) {
        conn.query_row("SELECT stage, stage_entered_at FROM contacts WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    #[test]
    fn a_zero_purchase_counts_and_a_full_refund_does_not() {
        let conn = db();
        buy(&conn, "2025-03-01", 500, 500);
        buy(&conn, "2025-03-04", 0, 0);
        assert_eq!(first_counted_day(&conn, 1).unwrap().as_deref(), Some("2025-03-04"));
        assert_eq!(first_counted_day(&conn, 2).unwrap(), None);
    }

    #[test]
    fn pre_customer_events_after_the_sale_move_back_and_the_cache_follows() {
        let conn = db();
        event(&conn, "lead", "2025-03-01T09:00:00Z", "marketing", "");
        event(&conn, "mql", "2025-03-20T10:00:00Z", "marketing", "score");
        event(&conn, "customer", "2025-04-02T08:00:00Z", "system", FROM_PURCHASE);
        // Sent back after the sale: a move of its own, kept.
        event(&conn, "opportunity", "2025-04-10T08:00:00Z", "sales", "refunded in full");
        event(&conn, "lost", "2025-05-01T08:00:00Z", "sales", "gone quiet");
        buy(&conn, "2025-03-10", 1000, 0);
        rederive(&conn, 1).unwrap();
        assert_eq!(
            history(&conn),
            pairs(&[
                ("lead", "2025-03-01T09:00:00Z"),
                ("mql", "2025-03-10T00:00:00Z"),
                ("customer", "2025-03-10T00:00:00Z"),
                ("opportunity", "2025-04-10T08:00:00Z"),
                ("lost", "2025-05-01T08:00:00Z"),
            ])
        );
        assert_eq!(cache(&conn), ("lost".to_owned(), Some("2025-05-01T08:00:00Z".to_owned())));
    }

    #[test]
    fn a_customer_event_sharing_its_instant_with_a_later_recorded_event_is_recorded_again() {
        let conn = db();
        event(&conn, "customer", "2025-04-02T08:00:00Z", "system", FROM_PURCHASE);
        // Recorded after the customer event, but dated before it.
        event(&conn, "opportunity", "2025-04-01T08:00:00Z", "sales", "");
        buy(&conn, "2025-03-10", 1000, 0);
        rederive(&conn, 1).unwrap();
        assert_eq!(
            history(&conn),
            pairs(&[("opportunity", "2025-03-10T00:00:00Z"), ("customer", "2025-03-10T00:00:00Z")])
        );
        assert_eq!(cache(&conn).0, "customer");
    }

    #[test]
    fn rederiving_twice_changes_nothing_more() {
        let conn = db();
        event(&conn, "lead", "2025-03-12T09:00:00Z", "marketing", "");
        buy(&conn, "2025-03-10", 1000, 0);
        rederive(&conn, 1).unwrap();
        let once = history(&conn);
        rederive(&conn, 1).unwrap();
        assert_eq!(history(&conn), once);
        assert_eq!(once, pairs(&[("lead", "2025-03-10T00:00:00Z"), ("customer", "2025-03-10T00:00:00Z")]));
    }
}
