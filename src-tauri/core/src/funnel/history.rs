//! Stage histories as the figures read them, and what one history says about a window of time.
//! Reading is one indexed query; everything after it is pure and tested on hand-built histories.

use super::{instant_text, is_live, LIVE};
use crate::error::{Error, Result};
use crate::stages::Stage;
use crate::store::Connection;
use crate::time;
use chrono::NaiveDate;
use rusqlite::params;
use std::sync::Arc;

/// One stage event: the stage entered, when (seconds since the epoch, UTC) and why.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ev {
    pub stage: Stage,
    pub at: i64,
    /// Read only where a figure shows it (see [`load`]); blank elsewhere.
    pub reason: String,
    /// The event's row.
    pub id: i64,
}

/// One contact's stage events in order, with an event that repeats the stage before it dropped
/// (it moves nothing).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct History {
    pub contact_id: i64,
    pub source: Arc<str>,
    pub events: Vec<Ev>,
}

impl History {
    pub fn new(contact_id: i64, source: Arc<str>, mut events: Vec<Ev>) -> History {
        events.dedup_by(|later, earlier| later.stage == earlier.stage);
        History { contact_id, source, events }
    }
}

/// The stretch of time a figure counts: events from `start` to `as_of`, both included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Window {
    pub start: i64,
    pub as_of: i64,
}

impl Window {
    pub fn contains(&self, t: i64) -> bool {
        (self.start..=self.as_of).contains(&t)
    }
}

/// Index of a live stage in [`LIVE`] (its funnel rank).
pub(crate) fn idx(stage: Stage) -> usize {
    stage.rank() as usize
}

/// Whether arriving in `stage` from `prev` enters it going forward: a first event, a way back in
/// from an exit, or a move up the funnel. Being sent back down does not enter a stage anew.
pub(crate) fn forward_entry(prev: Option<Stage>, stage: Stage) -> bool {
    match prev {
        None => true,
        Some(p) if !is_live(p) => true,
        Some(p) => is_live(stage) && p.rank() < stage.rank(),
    }
}

/// Moves out of a stage during the window, by where they went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Exits {
    pub disqualified: i64,
    pub lost: i64,
    pub sent_back: i64,
}

/// What one history says about a window, per live stage (indexed by funnel rank).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Facts {
    /// Index of the first forward entry into the stage inside the window.
    pub entered: [Option<usize>; 6],
    /// After that entry, the contact reached a later stage by the end of the window.
    pub moved_on: [bool; 6],
    /// The contact jumped over the stage inside the window.
    pub skipped: [bool; 6],
    pub exits: [Exits; 6],
    /// Seconds spent in the stage over every visit that had ended by the end of the window, when
    /// one of them ended inside it (so a contact sent back and re-qualified counts both visits).
    pub time_in: [Option<i64>; 6],
    /// The contact first became a lead (or went straight past lead) inside the window.
    pub new_lead: bool,
}

impl Facts {
    pub fn of(h: &History, w: Window) -> Facts {
        let events = &h.events[..h.events.iter().take_while(|e| e.at <= w.as_of).count()];
        let mut f = Facts::default();
        let mut spent = [0_i64; 6];
        let mut left_in_window = [false; 6];
        for (i, e) in events.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| &events[j]);
            if let Some(p) = prev.filter(|p| is_live(p.stage)) {
                // The visit to the previous stage ends here.
                spent[idx(p.stage)] += e.at - p.at;
                left_in_window[idx(p.stage)] |= w.contains(e.at);
            }
            if !w.contains(e.at) {
                continue;
            }
            let prev_stage = prev.map(|p| p.stage);
            if is_live(e.stage) && forward_entry(prev_stage, e.stage) {
                f.entered[idx(e.stage)].get_or_insert(i);
            }
            if let Some(p) = prev_stage.filter(|p| is_live(*p)) {
                let from = idx(p);
                match e.stage {
                    Stage::Disqualified => f.exits[from].disqualified += 1,
                    Stage::Lost => f.exits[from].lost += 1,
                    s if idx(s) < from => f.exits[from].sent_back += 1,
                    s => f.skipped[from + 1..idx(s)].fill(true),
                }
            }
        }
        for (r, entry) in f.entered.iter().enumerate() {
            if let Some(i) = *entry {
                f.moved_on[r] = events[i + 1..].iter().any(|e| is_live(e.stage) && idx(e.stage) > r);
            }
        }
        for r in 0..LIVE.len() {
            if left_in_window[r] {
                f.time_in[r] = Some(spent[r]);
            }
        }
        let lead = Stage::Lead.rank();
        f.new_lead = events
            .iter()
            .find(|e| is_live(e.stage) && e.stage.rank() >= lead)
            .is_some_and(|e| w.contains(e.at));
        f
    }
}

/// Parses a stored instant; the fixed layout the core writes is read without the general parser.
pub(crate) fn parse_secs(text: &str) -> Result<i64> {
    let b = text.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> { text.get(r)?.parse().ok() };
    if b.len() == 20 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[19] == b'Z' {
        let parsed = (|| {
            let day = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
            Some(day.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?.and_utc().timestamp())
        })();
        if let Some(secs) = parsed {
            return Ok(secs);
        }
    }
    time::parse_instant("at", text)
        .map(|t| t.timestamp())
        .map_err(|_| Error::storage(format!("A stage event has a damaged time '{text}'.")))
}

/// The histories, up to `as_of`, of every contact with a stage event from `since` to `as_of`,
/// narrowed to one channel and one segment when given.
///
/// Every stage event up to `as_of` is read in contact order from the index `stage_events_path`
/// (contact, time, id, stage: the table is not touched), beside the contacts of the channel and
/// segment asked for, read once each. A contact with no event in the window counts for nothing in
/// any figure, so it is left out here. Only the reasons the figures show are read: those of the
/// answers that did not take an MQL forward (the handoff's rejection reasons).
pub(crate) fn load(
    conn: &Connection,
    since: i64,
    as_of: i64,
    channel: Option<&str>,
    segment: Option<&str>,
) -> Result<Vec<History>> {
    let (since_text, as_of_text) = (instant_text(since), instant_text(as_of));
    let people = channels_of_contacts(conn, channel, segment)?;
    let mut events = conn.prepare_cached(
        "SELECT contact_id, stage, at, id FROM stage_events INDEXED BY stage_events_path
         WHERE at <= ?1 ORDER BY contact_id, at, id",
    )?;
    let mut rows = events.query([&as_of_text])?;
    let mut out: Vec<History> = Vec::new();
    // The contact whose events are being gathered: its id, channel, events, and whether one of
    // them lies in the window.
    let mut current: Option<(i64, Arc<str>, Vec<Ev>, bool)> = None;
    let finish = |current: Option<(i64, Arc<str>, Vec<Ev>, bool)>, out: &mut Vec<History>| {
        if let Some((cid, source, events, true)) = current {
            out.push(History::new(cid, source, events));
        }
    };
    // The next of `people` (ascending ids) to match with the events' contacts.
    let mut next = 0;
    let mut skipping: Option<i64> = None;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        if skipping == Some(id) {
            continue;
        }
        let at_text =
            r.get_ref(2)?.as_str().map_err(|e| Error::storage(format!("A stage event's time: {e}")))?;
        let in_window = at_text >= since_text.as_str();
        let ev = Ev { stage: r.get(1)?, at: parse_secs(at_text)?, reason: String::new(), id: r.get(3)? };
        match &mut current {
            Some((cid, _, events, seen)) if *cid == id => {
                events.push(ev);
                *seen |= in_window;
            }
            _ => {
                finish(current.take(), &mut out);
                while people.get(next).is_some_and(|(pid, _)| *pid < id) {
                    next += 1;
                }
                match people.get(next) {
                    Some((pid, source)) if *pid == id => {
                        // Most paths are a few stages long: one allocation for them.
                        let mut events = Vec::with_capacity(4);
                        events.push(ev);
                        current = Some((id, source.clone(), events, in_window));
                    }
                    // Not a contact of the channel or segment asked for.
                    _ => skipping = Some(id),
                }
            }
        }
    }
    finish(current, &mut out);
    drop(rows);
    read_rejection_reasons(conn, &mut out, since)?;
    Ok(out)
}

/// The contacts of a channel and a segment (each optional) with their channels, by id. Without a
/// segment they are read from the index of contacts by channel, not from the table.
pub(crate) fn channels_of_contacts(
    conn: &Connection,
    channel: Option<&str>,
    segment: Option<&str>,
) -> Result<Vec<(i64, Arc<str>)>> {
    let mut stmt = match segment {
        None => conn.prepare_cached(
            "SELECT id, source FROM contacts INDEXED BY contacts_source
             WHERE ?1 IS NULL OR source = ?1",
        )?,
        Some(_) => conn.prepare_cached(
            "SELECT id, source FROM contacts
             WHERE (?1 IS NULL OR source = ?1) AND segment = ?2 COLLATE NOCASE",
        )?,
    };
    let mut rows = match segment {
        None => stmt.query(params![channel])?,
        Some(s) => stmt.query(params![channel, s])?,
    };
    // A few channels among many contacts: each name is kept once.
    let mut names: Vec<Arc<str>> = Vec::new();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let source =
            r.get_ref(1)?.as_str().map_err(|e| Error::storage(format!("A contact's channel: {e}")))?;
        let name = match names.iter().find(|n| &***n == source) {
            Some(n) => n.clone(),
            None => {
                names.push(Arc::from(source));
                names[names.len() - 1].clone()
            }
        };
        out.push((r.get(0)?, name));
    }
    out.sort_unstable_by_key(|(id, _)| *id);
    Ok(out)
}

/// The histories as they were read before [`load`] walked the index: one join of every event with
/// its contact, every reason read. What the tests compare [`load`] with.
pub(crate) fn load_joined(
    conn: &Connection,
    since: i64,
    as_of: i64,
    channel: Option<&str>,
    segment: Option<&str>,
) -> Result<Vec<History>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.contact_id, c.source, e.stage, e.at, e.reason, e.id
         FROM stage_events e JOIN contacts c ON c.id = e.contact_id
         WHERE e.at <= ?2
           AND e.contact_id IN (SELECT contact_id FROM stage_events WHERE at >= ?1 AND at <= ?2)
           AND (?3 IS NULL OR c.source = ?3)
           AND (?4 IS NULL OR c.segment = ?4 COLLATE NOCASE)
         ORDER BY e.contact_id, e.at, e.id",
    )?;
    let mut rows = stmt.query(params![instant_text(since), instant_text(as_of), channel, segment])?;
    let mut out: Vec<History> = Vec::new();
    let mut current: Option<(i64, Arc<str>, Vec<Ev>)> = None;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let at = r.get_ref(3)?.as_str().map_err(|e| Error::storage(format!("A stage event's time: {e}")))?;
        let ev = Ev { stage: r.get(2)?, at: parse_secs(at)?, reason: r.get(4)?, id: r.get(5)? };
        match &mut current {
            Some((cid, _, events)) if *cid == id => events.push(ev),
            _ => {
                if let Some((cid, source, events)) = current.take() {
                    out.push(History::new(cid, source, events));
                }
                current = Some((id, r.get::<_, String>(1)?.into(), vec![ev]));
            }
        }
    }
    if let Some((cid, source, events)) = current {
        out.push(History::new(cid, source, events));
    }
    Ok(out)
}

/// Fills in the reason of every answer to an MQL (from `since` on) that did not take it forward.
fn read_rejection_reasons(conn: &Connection, histories: &mut [History], since: i64) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT reason FROM stage_events WHERE id = ?1")?;
    for h in histories {
        for i in 1..h.events.len() {
            let (asked, answer) = (&h.events[i - 1], &h.events[i]);
            let forward = is_live(answer.stage) && answer.stage.rank() > Stage::Mql.rank();
            if asked.stage == Stage::Mql && asked.at >= since && !forward {
                let id = answer.id;
                h.events[i].reason = stmt.query_row([id], |r| r.get(0))?;
            }
        }
    }
    Ok(())
}

/// The time of the first stage event after `secs`, if any.
pub(crate) fn first_event_after(conn: &Connection, secs: i64) -> Result<Option<i64>> {
    let next: Option<String> = conn
        .prepare_cached("SELECT min(at) FROM stage_events WHERE at > ?1")?
        .query_row([instant_text(secs)], |r| r.get(0))?;
    next.as_deref().map(parse_secs).transpose()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const H: i64 = 3_600;
    pub const D: i64 = 86_400;

    /// A history from (stage, seconds) pairs.
    pub fn hist(id: i64, steps: &[(Stage, i64)]) -> History {
        let events =
            steps.iter().map(|&(stage, at)| Ev { stage, at, reason: String::new(), id: 0 }).collect();
        History::new(id, "organic_search".into(), events)
    }

    #[test]
    fn stored_instants_parse_fast_and_slow() {
        assert_eq!(parse_secs("1970-01-02T00:00:01Z").unwrap(), D + 1);
        assert_eq!(parse_secs("1970-01-02T01:00:01+01:00").unwrap(), D + 1);
        assert!(parse_secs("yesterday").is_err());
        assert!(parse_secs("1970-13-02T00:00:01Z").is_err());
    }

    #[test]
    fn repeated_stages_are_one_visit() {
        let h = hist(1, &[(Stage::Lead, 0), (Stage::Lead, 5), (Stage::Mql, 10)]);
        assert_eq!(h.events.len(), 2);
        assert_eq!(h.events[1].at, 10);
    }

    #[test]
    fn entering_forward_not_when_sent_back() {
        assert!(forward_entry(None, Stage::Mql));
        assert!(forward_entry(Some(Stage::Lead), Stage::Mql));
        assert!(forward_entry(Some(Stage::Disqualified), Stage::Lead));
        assert!(!forward_entry(Some(Stage::Mql), Stage::Lead));
    }

    #[test]
    fn facts_of_a_contact_sent_back_and_requalified() {
        // Lead at 0; MQL at day 1 for 10 h; sent back; lead 5 days; MQL again for 6 h; SQL.
        let mql1 = D;
        let back = mql1 + 10 * H;
        let mql2 = back + 5 * D;
        let sql = mql2 + 6 * H;
        let h = hist(
            7,
            &[
                (Stage::Lead, 0),
                (Stage::Mql, mql1),
                (Stage::Lead, back),
                (Stage::Mql, mql2),
                (Stage::Sql, sql),
            ],
        );
        let f = Facts::of(&h, Window { start: 0, as_of: 30 * D });
        assert_eq!(f.entered[idx(Stage::Lead)], Some(0), "being sent back is not a new entry");
        assert_eq!(f.entered[idx(Stage::Mql)], Some(1));
        assert!(f.moved_on[idx(Stage::Lead)] && f.moved_on[idx(Stage::Mql)]);
        assert!(!f.moved_on[idx(Stage::Sql)]);
        assert_eq!(f.exits[idx(Stage::Mql)], Exits { sent_back: 1, ..Exits::default() });
        // Both visits count: 10 h + 6 h in MQL; 1 day + 5 days as a lead.
        assert_eq!(f.time_in[idx(Stage::Mql)], Some(16 * H));
        assert_eq!(f.time_in[idx(Stage::Lead)], Some(6 * D));
        assert_eq!(f.time_in[idx(Stage::Sql)], None, "still in SQL: not finished, not timed");
        assert!(f.new_lead);
    }

    #[test]
    fn facts_only_count_what_happened_in_the_window() {
        // A lead from before the window qualifies inside it; SQL comes after the window ends.
        let h = hist(1, &[(Stage::Lead, 0), (Stage::Mql, 10 * D), (Stage::Sql, 40 * D)]);
        let f = Facts::of(&h, Window { start: 5 * D, as_of: 30 * D });
        assert_eq!(f.entered[idx(Stage::Lead)], None);
        assert_eq!(f.entered[idx(Stage::Mql)], Some(1));
        assert!(!f.moved_on[idx(Stage::Mql)], "SQL came after the window");
        assert_eq!(f.time_in[idx(Stage::Lead)], Some(10 * D), "the whole visit, begun before the window");
        assert!(!f.new_lead);
    }

    #[test]
    fn facts_of_skips_and_exits() {
        let h = hist(1, &[(Stage::Subscriber, 0), (Stage::Sql, D), (Stage::Lost, 2 * D)]);
        let f = Facts::of(&h, Window { start: 0, as_of: 3 * D });
        assert_eq!(f.skipped, [false, true, true, false, false, false]);
        assert_eq!(f.entered[idx(Stage::Lead)], None);
        assert!(f.moved_on[idx(Stage::Subscriber)]);
        assert_eq!(f.exits[idx(Stage::Sql)].lost, 1);
        assert!(f.new_lead, "going straight past lead makes a new lead");
    }
}
