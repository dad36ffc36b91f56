//! Duplicate contacts: suggested (same mailbox; same name and phone; same name and company) and
//! merged, so purchases, testimonials, NPS answers, referrals and stage history follow the
//! survivor. Every merge keeps what it changed and can be undone.

use crate::contacts::{self, Contact};
use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::store::Connection;
use crate::text_enum;
use crate::{customer_since, snapshot, time, validate};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

text_enum! {
    pub enum MergeReason {
        SameEmail => "same_email",
        SameNameAndPhone => "same_name_and_phone",
        SameNameAndCompany => "same_name_and_company",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MergeSuggestion {
    /// The older contact, offered as the survivor.
    pub keep: Contact,
    pub merge: Contact,
    pub reason: MergeReason,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MergeRecord {
    pub id: i64,
    pub survivor_id: i64,
    pub merged_id: i64,
    pub merged_name: String,
    pub merged_at: String,
    pub undone_at: Option<String>,
}

/// The tables whose rows belong to a contact through `contact_id`.
const OWNED: &[&str] = &["purchases", "testimonials", "nps_answers", "stage_events", "followups"];

/// Each reason two contacts may be the same person, strongest first, with the query that lists
/// the contacts sharing that key with another: `(key, key, contact id)` grouped by key, ids
/// ascending. The keys shared by two or more come from an index of the counted keys
/// (`duplicate_groups`, schema v13), their contacts from the keys' indexes (`contact_keys`): the
/// cost follows the number of duplicates, not of contacts.
const REASONS: &[(MergeReason, &str)] = &[
    (
        MergeReason::SameEmail,
        "SELECT g.key1, g.key2, k.contact_id
           FROM duplicate_groups AS g INDEXED BY duplicate_groups_shared
           JOIN contact_keys AS k ON k.mailbox = g.key1 AND k.mailbox IS NOT NULL
          WHERE g.reason = 'same_email' AND g.contacts > 1
          ORDER BY g.key1, g.key2, k.contact_id",
    ),
    (
        MergeReason::SameNameAndPhone,
        "SELECT g.key1, g.key2, k.contact_id
           FROM duplicate_groups AS g INDEXED BY duplicate_groups_shared
           JOIN contact_keys AS k ON k.name = g.key1 AND k.phone = g.key2
                                 AND k.name IS NOT NULL AND k.phone IS NOT NULL
          WHERE g.reason = 'same_name_and_phone' AND g.contacts > 1
          ORDER BY g.key1, g.key2, k.contact_id",
    ),
    (
        MergeReason::SameNameAndCompany,
        "SELECT g.key1, g.key2, k.contact_id
           FROM duplicate_groups AS g INDEXED BY duplicate_groups_shared
           JOIN contact_keys AS k ON k.name = g.key1 AND k.company = g.key2
                                 AND k.name IS NOT NULL AND k.company IS NOT NULL
          WHERE g.reason = 'same_name_and_company' AND g.contacts > 1
          ORDER BY g.key1, g.key2, k.contact_id",
    ),
];

/// Likely duplicates (archived contacts left out), oldest pairs first, at most `limit`; a pair
/// that shares several keys is reported once, under its strongest reason. Stops with `cancelled`
/// when `cancel` is raised.
pub fn suggest(conn: &Connection, limit: u32, cancel: &AtomicBool) -> Result<Vec<MergeSuggestion>> {
    let limit = limit.clamp(1, 500) as usize;
    let stop = || if cancel.load(Ordering::Relaxed) { Err(Error::cancelled()) } else { Ok(()) };
    // The `limit` smallest pairs so far: a pair beyond them never comes back, since pairs only
    // join, so each group offers at most `limit` of its own (its smallest), and the map stays small.
    let mut pairs: BTreeMap<(i64, i64), MergeReason> = BTreeMap::new();
    for (reason, sql) in REASONS {
        stop()?;
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query([])?;
        let mut key: Option<(String, String)> = None;
        let mut group: Vec<i64> = Vec::new();
        let offer = |group: &mut Vec<i64>, pairs: &mut BTreeMap<(i64, i64), MergeReason>| {
            let mut offered = 0;
            'group: for (i, &keep) in group.iter().enumerate() {
                for &merge in &group[i + 1..] {
                    if offered == limit {
                        break 'group;
                    }
                    offered += 1;
                    pairs.entry((keep, merge)).or_insert(*reason);
                    if pairs.len() > limit {
                        pairs.pop_last();
                    }
                }
            }
            group.clear();
        };
        while let Some(row) = rows.next()? {
            let this = (row.get::<_, String>(0)?, row.get::<_, String>(1)?);
            if key.as_ref() != Some(&this) {
                stop()?;
                offer(&mut group, &mut pairs);
                key = Some(this);
            }
            group.push(row.get(2)?);
        }
        offer(&mut group, &mut pairs);
    }
    pairs
        .into_iter()
        .map(|((keep, merge), reason)| {
            stop()?;
            Ok(MergeSuggestion {
                keep: contacts::get(conn, keep)?,
                merge: contacts::get(conn, merge)?,
                reason,
            })
        })
        .collect()
}

/// What a merge changed, kept to undo it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Snapshot {
    survivor: String,
    merged: String,
    /// (table, row id) of rows moved from the merged contact to the survivor.
    moved: Vec<(String, i64)>,
    /// Referrals that changed or were deleted, as they were.
    referrals: Vec<String>,
    /// Stage events the survivor's customer stage moved or removed once the purchases were
    /// together, as they were (after the move to the survivor).
    #[serde(default)]
    events: Vec<String>,
    /// The merged contact's referral codes, as they were (v19).
    #[serde(default)]
    codes: Vec<String>,
}

/// Merges `merged_id` into `survivor_id`: its records move over, the survivor's blank fields are
/// filled from it, tags are joined, and the merged contact is removed.
pub fn merge(conn: &Connection, survivor_id: i64, merged_id: i64) -> Result<MergeRecord> {
    if survivor_id == merged_id {
        return Err(Error::invalid("merged_id", "Choose two different contacts."));
    }
    with_tx(conn, |conn| {
        let keep = contacts::get(conn, survivor_id)?;
        let gone = contacts::get(conn, merged_id)?;
        let mut snap = Snapshot {
            survivor: snapshot::row_json(conn, "contacts", survivor_id)?,
            merged: snapshot::row_json(conn, "contacts", merged_id)?,
            ..Snapshot::default()
        };
        // Referrals first: neither a self-referral nor a second referral of one contact may appear.
        let touching: Vec<(i64, i64, i64)> = conn
            .prepare("SELECT id, advocate_id, referred_id FROM referrals WHERE advocate_id = ?1 OR referred_id = ?1")?
            .query_map([merged_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, advocate, referred) in touching {
            snap.referrals.push(snapshot::row_json(conn, "referrals", id)?);
            let advocate = if advocate == merged_id { survivor_id } else { advocate };
            let referred = if referred == merged_id { survivor_id } else { referred };
            let survivor_already_referred = referred == survivor_id
                && conn
                    .query_row(
                        "SELECT 1 FROM referrals WHERE referred_id = ?1 AND id <> ?2",
                        params![survivor_id, id],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
            if advocate == referred || survivor_already_referred {
                conn.execute("DELETE FROM referrals WHERE id = ?1", [id])?;
            } else {
                conn.execute(
                    "UPDATE referrals SET advocate_id = ?2, referred_id = ?3 WHERE id = ?1",
                    params![id, advocate, referred],
                )?;
            }
        }
        // Their referral codes go to the survivor; a code of theirs in use is retired when the
        // survivor has one (one code in use each), but stays theirs, so old orders still count.
        let codes: Vec<i64> = conn
            .prepare("SELECT id FROM referral_codes WHERE advocate_id = ?1")?
            .query_map([merged_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in codes {
            snap.codes.push(snapshot::row_json(conn, "referral_codes", id)?);
        }
        if crate::referral_codes::of_advocate(conn, survivor_id)?.is_some() {
            crate::referral_codes::retire(conn, merged_id)?;
        }
        conn.execute(
            "UPDATE referral_codes SET advocate_id = ?2 WHERE advocate_id = ?1",
            params![merged_id, survivor_id],
        )?;
        for table in OWNED {
            let ids: Vec<i64> = conn
                .prepare(&format!("SELECT id FROM {table} WHERE contact_id = ?1"))?
                .query_map([merged_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            conn.execute(
                &format!("UPDATE {table} SET contact_id = ?2 WHERE contact_id = ?1"),
                params![merged_id, survivor_id],
            )?;
            snap.moved.extend(ids.into_iter().map(|id| ((*table).to_owned(), id)));
        }
        conn.execute("DELETE FROM contacts WHERE id = ?1", [merged_id])?;
        // Their purchases together may make the survivor a customer earlier.
        let mut events = Vec::new();
        customer_since::rederive_keeping(conn, survivor_id, &mut |event_id| {
            events.push(snapshot::row_json(conn, "stage_events", event_id)?);
            Ok(())
        })?;
        snap.events = events;
        let fill = |a: &str, b: &str| if a.trim().is_empty() { b.to_owned() } else { a.to_owned() };
        let mut tags = keep.tags.clone();
        tags.extend(gone.tags.iter().cloned());
        let notes = match (keep.notes.trim().is_empty(), gone.notes.trim().is_empty()) {
            (_, true) => keep.notes.clone(),
            (true, false) => gone.notes.clone(),
            (false, false) => format!("{}\n\n{}", keep.notes, gone.notes),
        };
        conn.execute(
            "UPDATE contacts SET email = coalesce(email, ?2), first_name = ?3, last_name = ?4, phone = ?5, company = ?6,
                    segment = ?7, tags = ?8, notes = ?9, lead_score = max(lead_score, ?10), updated_at = ?11
             WHERE id = ?1",
            params![
                survivor_id,
                gone.email,
                fill(&keep.first_name, &gone.first_name),
                fill(&keep.last_name, &gone.last_name),
                fill(&keep.phone, &gone.phone),
                fill(&keep.company, &gone.company),
                fill(&keep.segment, &gone.segment),
                serde_json::to_string(&validate::tags("tags", &tags)?)?,
                validate::text("notes", &notes, 10_000).unwrap_or(keep.notes.clone()),
                gone.lead_score,
                time::now_text()
            ],
        )?;
        refresh_stage(conn, survivor_id)?;
        conn.execute(
            "INSERT INTO contact_merges (survivor_id, merged_id, merged_name, merged_at, snapshot) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![survivor_id, merged_id, gone.display_name(), time::now_text(), serde_json::to_string(&snap)?],
        )?;
        get(conn, conn.last_insert_rowid())
    })
}

/// Stage events moved between contacts do not fire the insert trigger that keeps the stage
/// cache; this recomputes it the same way (the latest event by time, then id).
fn refresh_stage(conn: &Connection, contact_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET
             stage = coalesce((SELECT stage FROM stage_events WHERE contact_id = ?1 ORDER BY at DESC, id DESC LIMIT 1), 'lead'),
             stage_entered_at = (SELECT at FROM stage_events WHERE contact_id = ?1 ORDER BY at DESC, id DESC LIMIT 1)
         WHERE id = ?1",
        [contact_id],
    )?;
    Ok(())
}

/// Undoes a merge: the merged contact comes back with its records, the survivor as it was.
pub fn undo(conn: &Connection, id: i64) -> Result<MergeRecord> {
    with_tx(conn, |conn| {
        let record = get(conn, id)?;
        if let Some(at) = record.undone_at {
            return Err(Error::conflict(format!("This merge was already undone on {at}.")));
        }
        let later: Option<i64> = conn
            .query_row(
                "SELECT id FROM contact_merges WHERE id > ?1 AND undone_at IS NULL AND (survivor_id IN (?2, ?3) OR merged_id IN (?2, ?3))",
                params![id, record.survivor_id, record.merged_id],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(later) = later {
            return Err(Error::conflict(format!(
                "A later merge (#{later}) involves these contacts; undo it first."
            )));
        }
        let json: String =
            conn.query_row("SELECT snapshot FROM contact_merges WHERE id = ?1", [id], |r| r.get(0))?;
        let snap: Snapshot = serde_json::from_str(&json)?;
        // The survivor first: it gives back the email it may have taken over.
        snapshot::restore_row(conn, "contacts", &snap.survivor)?;
        snapshot::restore_row(conn, "contacts", &snap.merged)?;
        // Before the rows go back: these were kept once they belonged to the survivor.
        for event in &snap.events {
            snapshot::restore_row(conn, "stage_events", event)?;
        }
        for (table, row) in &snap.moved {
            let table = OWNED
                .iter()
                .find(|t| *t == table)
                .ok_or_else(|| Error::storage("A merge kept an unknown table."))?;
            conn.execute(
                &format!("UPDATE {table} SET contact_id = ?2 WHERE id = ?1"),
                params![row, record.merged_id],
            )?;
        }
        for code in &snap.codes {
            snapshot::restore_row(conn, "referral_codes", code)?;
        }
        for referral in &snap.referrals {
            snapshot::restore_row(conn, "referrals", referral)?;
        }
        customer_since::rederive(conn, record.survivor_id)?;
        customer_since::rederive(conn, record.merged_id)?;
        refresh_stage(conn, record.survivor_id)?;
        refresh_stage(conn, record.merged_id)?;
        conn.execute(
            "UPDATE contact_merges SET undone_at = ?2 WHERE id = ?1",
            params![id, time::now_text()],
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<MergeRecord> {
    conn.query_row(
        "SELECT id, survivor_id, merged_id, merged_name, merged_at, undone_at FROM contact_merges WHERE id = ?1",
        [id],
        |r| {
            Ok(MergeRecord {
                id: r.get(0)?,
                survivor_id: r.get(1)?,
                merged_id: r.get(2)?,
                merged_name: r.get(3)?,
                merged_at: r.get(4)?,
                undone_at: r.get(5)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::not_found("merge", id))
}

/// Past merges, newest first.
pub fn list(conn: &Connection) -> Result<Vec<MergeRecord>> {
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM contact_merges ORDER BY id DESC LIMIT 200")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get(conn, id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_looks_its_keys_up_and_scans_nothing() {
        let conn = crate::db::open_in_memory().unwrap();
        for (reason, sql) in REASONS {
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map([], |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(!plan.iter().any(|d| d.starts_with("SCAN")), "{reason:?}: no scan: {plan:#?}");
            assert!(
                !plan.iter().any(|d| d.contains("contacts ")),
                "{reason:?}: no contact row read: {plan:#?}"
            );
            assert!(
                plan.iter().any(|d| d.starts_with("SEARCH g USING COVERING INDEX duplicate_groups_shared")),
                "{reason:?}: the shared keys from their index: {plan:#?}"
            );
            assert!(
                plan.iter().any(|d| d.starts_with("SEARCH k USING COVERING INDEX contact_keys_")),
                "{reason:?}: their contacts by index lookup: {plan:#?}"
            );
        }
    }
}
