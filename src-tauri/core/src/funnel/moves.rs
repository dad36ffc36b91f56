//! The stage machine: which moves are allowed, which need a reason, and moving one contact or a
//! selection. Every move is a stage event with its time, actor and reason; the current stage is
//! always the latest event.
//!
//! The rules: moving forward is always allowed, skipping stages too (the move is recorded as it
//! happened; the stages in between are simply not entered). Leaving the funnel (disqualified,
//! lost) is allowed from any stage before customer. Everything else needs a reason: moving back
//! down the funnel (sales rejecting an MQL, a customer moved back), moving a customer anywhere,
//! and bringing a contact back from an exit.

use super::{is_live, scoring};
use crate::contacts;
use crate::db::with_tx;
use crate::error::{Error, ErrorCode, Result};
use crate::stages::{self, Actor, Stage, StageEvent};
use crate::store::Connection;
use crate::text_enum;
use crate::time;
use crate::validate;
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

text_enum! {
    /// What kind of move a stage change is.
    pub enum MoveKind {
        /// To the next stage of the funnel.
        Forward => "forward",
        /// Forward over one or more stages.
        Skip => "skip",
        /// Back down the funnel ("sent back").
        Back => "back",
        /// Out of the funnel: disqualified or lost.
        Exit => "exit",
        /// From an exit back into the funnel, or from one exit to the other.
        Reopen => "reopen",
    }
}

/// The kind of the move from `from` to `to`, or `None` when they are the same stage.
pub fn classify(from: Stage, to: Stage) -> Option<MoveKind> {
    if from == to {
        return None;
    }
    Some(match (is_live(from), is_live(to)) {
        (false, _) => MoveKind::Reopen,
        (true, false) => MoveKind::Exit,
        (true, true) if to.rank() == from.rank() + 1 => MoveKind::Forward,
        (true, true) if to.rank() > from.rank() => MoveKind::Skip,
        (true, true) => MoveKind::Back,
    })
}

/// Whether a move of this kind out of `from` must say why.
pub fn needs_reason(from: Stage, kind: MoveKind) -> bool {
    from == Stage::Customer || matches!(kind, MoveKind::Back | MoveKind::Reopen)
}

/// One stage a contact in some stage could be moved to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MoveOption {
    pub stage: Stage,
    pub kind: MoveKind,
    pub needs_reason: bool,
}

/// Every move out of `from`, in funnel order.
pub fn options(from: Stage) -> Vec<MoveOption> {
    Stage::ALL
        .iter()
        .filter_map(|&to| {
            classify(from, to).map(|kind| MoveOption {
                stage: to,
                kind,
                needs_reason: needs_reason(from, kind),
            })
        })
        .collect()
}

/// What a person asks for when moving contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MoveInput {
    pub stage: Stage,
    pub actor: Actor,
    /// Why; required when the move needs a reason (see [`needs_reason`]).
    pub reason: String,
}

/// Checks one move and returns its kind; errors name the field at fault.
pub fn check(from: Stage, to: Stage, reason: &str) -> Result<MoveKind> {
    let kind = classify(from, to).ok_or_else(|| {
        Error::conflict_on("stage", format!("The contact is already at this stage ({}).", to.as_str()))
    })?;
    if needs_reason(from, kind) && reason.trim().is_empty() {
        let why = match kind {
            _ if from == Stage::Customer => "Moving a customer needs a reason.",
            MoveKind::Reopen => "Bringing a contact back from an exit needs a reason.",
            _ => "Moving a contact back needs a reason.",
        };
        return Err(Error::invalid("reason", why));
    }
    Ok(kind)
}

/// A move that was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Moved {
    pub event: StageEvent,
    pub kind: MoveKind,
    /// The stages jumped over, for a skip.
    pub skipped: Vec<Stage>,
    /// When the move made a lead whose score is at the threshold, the MQL event that followed.
    pub qualified: Option<StageEvent>,
}

/// The contact's current stage and when it was entered.
pub(crate) fn current(conn: &Connection, contact_id: i64) -> Result<(Stage, Option<String>)> {
    conn.prepare_cached("SELECT stage, stage_entered_at FROM contacts WHERE id = ?1")?
        .query_row([contact_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| Error::not_found("contact", contact_id))
}

/// Records a stage event at `at`, or just after the contact's latest event when that is later, so
/// the history never runs backwards.
pub(crate) fn record_after(
    conn: &Connection,
    contact_id: i64,
    latest: Option<&str>,
    stage: Stage,
    actor: Actor,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<StageEvent> {
    let latest = latest
        .map(|t| {
            time::parse_instant("stage_entered_at", t)
                .map_err(|_| Error::storage(format!("Contact {contact_id} has a damaged stage time '{t}'.")))
        })
        .transpose()?;
    let at = latest.map_or(at, |l| l.max(at));
    stages::record(conn, contact_id, stage, actor, reason, at)
}

/// Moves one contact; a lead moved forward whose score is at the threshold goes on to MQL.
pub fn move_contact(
    conn: &Connection,
    contact_id: i64,
    input: &MoveInput,
    at: DateTime<Utc>,
) -> Result<Moved> {
    let reason = validate::text("reason", &input.reason, 500)?;
    with_tx(conn, |conn| {
        let (from, entered) = current(conn, contact_id)?;
        let kind = check(from, input.stage, &reason)?;
        let event =
            record_after(conn, contact_id, entered.as_deref(), input.stage, input.actor, &reason, at)?;
        let skipped = if kind == MoveKind::Skip {
            Stage::ALL
                .iter()
                .copied()
                .filter(|s| s.rank() > from.rank() && s.rank() < input.stage.rank())
                .collect()
        } else {
            Vec::new()
        };
        let qualified = scoring::qualify(conn, contact_id, at)?;
        Ok(Moved { event, kind, skipped, qualified })
    })
}

/// The outcome of moving a selection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BulkMoved {
    /// Contacts moved.
    pub moved: i64,
    /// Contacts left alone because they already were at the stage.
    pub unchanged: Vec<i64>,
}

/// Moves a selection in one transaction: all of them, or none when one cannot be moved (a missing
/// contact, or a move that needs a reason and has none). Contacts already there are left alone.
pub fn move_many(
    conn: &Connection,
    contact_ids: &[i64],
    input: &MoveInput,
    at: DateTime<Utc>,
) -> Result<BulkMoved> {
    let mut ids = contact_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(Error::invalid("contact_ids", "Choose at least one contact to move."));
    }
    if ids.len() > 10_000 {
        return Err(Error::invalid("contact_ids", "Move at most 10,000 contacts at a time."));
    }
    with_tx(conn, |conn| {
        let mut out = BulkMoved { moved: 0, unchanged: Vec::new() };
        for &id in &ids {
            match move_contact(conn, id, input, at) {
                Ok(_) => out.moved += 1,
                Err(e) if e.code == ErrorCode::Conflict && e.field.as_deref() == Some("stage") => {
                    out.unchanged.push(id);
                }
                Err(e) if e.field.as_deref() == Some("reason") => {
                    let name = contacts::get(conn, id).map(|c| c.display_name()).unwrap_or_default();
                    return Err(Error::invalid("reason", format!("{} ({name})", e.message)));
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn moves_are_classified() {
        assert_eq!(classify(Lead, Lead), None);
        assert_eq!(classify(Lead, Mql), Some(MoveKind::Forward));
        assert_eq!(classify(Lead, Customer), Some(MoveKind::Skip));
        assert_eq!(classify(Mql, Lead), Some(MoveKind::Back));
        assert_eq!(classify(Opportunity, Lost), Some(MoveKind::Exit));
        assert_eq!(classify(Lost, Opportunity), Some(MoveKind::Reopen));
        assert_eq!(classify(Lost, Disqualified), Some(MoveKind::Reopen));
    }

    #[test]
    fn reasons_are_needed_to_go_back_reopen_or_move_a_customer() {
        assert!(check(Lead, Sql, "").is_ok(), "skipping forward needs no reason");
        assert!(check(Sql, Disqualified, "").is_ok(), "leaving the funnel needs no reason");
        for (from, to) in [(Mql, Lead), (Customer, Opportunity), (Customer, Lost), (Disqualified, Lead)] {
            let e = check(from, to, "  ").unwrap_err();
            assert_eq!(e.field.as_deref(), Some("reason"), "{from:?} -> {to:?}");
            assert!(check(from, to, "asked to").is_ok());
        }
        assert!(check(Customer, Lead, "").unwrap_err().message.contains("customer"));
        let same = check(Mql, Mql, "x").unwrap_err();
        assert_eq!((same.code, same.field.as_deref()), (ErrorCode::Conflict, Some("stage")));
    }

    #[test]
    fn options_list_every_other_stage_in_order() {
        let o = options(Mql);
        assert_eq!(o.len(), 7);
        assert_eq!(o[0], MoveOption { stage: Subscriber, kind: MoveKind::Back, needs_reason: true });
        assert_eq!(o[2], MoveOption { stage: Sql, kind: MoveKind::Forward, needs_reason: false });
        assert!(options(Customer).iter().all(|m| m.needs_reason));
    }
}
