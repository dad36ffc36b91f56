//! Referrals: an advocate brought in a new contact. Each contact is referred at most once and
//! the chain never loops, so "who brought whom" is a forest the downstream figures can walk.
//! Suspicious referrals are saved but flagged for a human to look at.

use crate::contacts::{self, Contact, ContactInput};
use crate::db::with_tx;
use crate::error::{Error, Result};
use crate::page::{self, Filter, Page};
use crate::store::{Connection, Row};
use crate::text_enum;
use crate::time;
use crate::validate;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

text_enum! {
    pub enum RewardStatus {
        None => "none",
        Owed => "owed",
        Paid => "paid",
        Void => "void",
    }
}

impl RewardStatus {
    /// What a person may mark a reward from this status, as [`set_reward`] allows it: owed, paid
    /// or void, but paid only once owed, and never the status it already has.
    pub fn moves(self) -> Vec<RewardStatus> {
        use RewardStatus as R;
        [R::Owed, R::Paid, R::Void]
            .into_iter()
            .filter(|s| *s != self && (*s != R::Paid || self == R::Owed))
            .collect()
    }
}

text_enum! {
    /// Why a referral needs a human look; it is saved all the same.
    pub enum ReferralFlag {
        /// Advocate and referred look like the same person (same mailbox or same name).
        SelfReferral => "self_referral",
        /// The referred contact was already a customer before the referral day.
        AlreadyCustomer => "already_customer",
        /// The referred contact's first order was below the minimum that earns a reward.
        BelowMinimum => "below_minimum",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Referral {
    pub id: i64,
    pub advocate_id: i64,
    pub referred_id: i64,
    /// `YYYY-MM-DD`.
    pub referred_on: String,
    pub notes: String,
    pub flags: Vec<ReferralFlag>,
    /// In minor units of `reward_currency`.
    pub reward_minor: i64,
    pub reward_currency: String,
    pub reward_status: RewardStatus,
    pub reward_note: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReferralInput {
    pub advocate_id: i64,
    pub referred_id: i64,
    /// `YYYY-MM-DD`, not in the future.
    pub referred_on: String,
    pub notes: String,
    pub reward_minor: i64,
    /// Blank means the shop's currency (Settings).
    pub reward_currency: String,
}

/// One referral in an advocate's downstream tree; depth 1 is a direct referral.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChainLink {
    pub referral_id: i64,
    pub advocate_id: i64,
    pub referred_id: i64,
    pub depth: i64,
}

/// Records a referral after checking both contacts exist, the referred one was not referred
/// before, and the chain would not loop back on itself. The reward starts as `none`.
pub fn create(conn: &Connection, input: &ReferralInput) -> Result<Referral> {
    with_tx(conn, |conn| {
        let advocate_id = validate::contact_id(conn, "advocate_id", input.advocate_id)?;
        let referred_id = validate::contact_id(conn, "referred_id", input.referred_id)?;
        if advocate_id == referred_id {
            return Err(Error::invalid("referred_id", "A contact cannot refer themselves."));
        }
        let referred_on = time::format_day(time::past_day("referred_on", &input.referred_on)?);
        let notes = validate::text("notes", &input.notes, 5000)?;
        let reward_minor = validate::money("reward_minor", input.reward_minor)?;
        let reward_currency = match input.reward_currency.trim() {
            "" => crate::settings::get(conn)?.currency,
            c => validate::currency("reward_currency", c)?,
        };
        let advocate = contacts::get(conn, advocate_id)?;
        let referred = contacts::get(conn, referred_id)?;
        if let Some(earlier) = referrer_of(conn, referred_id)? {
            let by = contacts::get(conn, earlier.advocate_id)?;
            return Err(Error::conflict_on(
                "referred_id",
                format!(
                    "{} was already referred by {} on {}; a contact can be referred only once.",
                    referred.display_name(),
                    by.display_name(),
                    earlier.referred_on
                ),
            ));
        }
        if is_upstream(conn, referred_id, advocate_id)? {
            return Err(Error::invalid(
                "referred_id",
                format!(
                    "{} is already up {}'s referral chain (they brought them in, directly or through \
                     others), so this referral would go round in a circle.",
                    referred.display_name(),
                    advocate.display_name()
                ),
            ));
        }
        let mut flags = Vec::new();
        if same_person(&advocate, &referred) {
            flags.push(ReferralFlag::SelfReferral);
        }
        if customer_before(conn, referred_id, &referred_on)? {
            flags.push(ReferralFlag::AlreadyCustomer);
        }
        conn.execute(
            "INSERT INTO referrals (advocate_id, referred_id, referred_on, notes, flags, reward_minor,
                                    reward_currency, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                advocate_id,
                referred_id,
                referred_on,
                notes,
                serde_json::to_string(&flags)?,
                reward_minor,
                reward_currency,
                time::now_text()
            ],
        )?;
        let id = conn.last_insert_rowid();
        // Entered late, after the referred contact already bought: the reward is due now.
        crate::rewards::review(conn, id)?;
        get(conn, id)
    })
}

/// Records the referral of someone not yet in the book: creates the contact (their source
/// Referrals unless another is given) and the referral, both or neither.
pub fn create_for_new_contact(
    conn: &Connection,
    contact: &ContactInput,
    input: &ReferralInput,
) -> Result<Referral> {
    with_tx(conn, |conn| {
        let mut person = contact.clone();
        if person.source.trim().is_empty() {
            person.source = "referrals".to_owned();
        }
        let referred = contacts::create(conn, &person)?;
        create(conn, &ReferralInput { referred_id: referred.id, ..input.clone() })
    })
}

/// Whether `candidate` referred `advocate_id`, directly or further up the chain.
fn is_upstream(conn: &Connection, candidate: i64, advocate_id: i64) -> Result<bool> {
    // UNION (not UNION ALL) stops the walk even if bad data already holds a loop.
    Ok(conn
        .prepare_cached(
            "WITH RECURSIVE up(id) AS (
                 SELECT advocate_id FROM referrals WHERE referred_id = ?1
                 UNION
                 SELECT r.advocate_id FROM referrals r JOIN up ON r.referred_id = up.id
             )
             SELECT EXISTS (SELECT 1 FROM up WHERE id = ?2)",
        )?
        .query_row(params![advocate_id, candidate], |r| r.get(0))?)
}

/// Same mailbox or same full name: emails are unique, so a self-referral hides behind a variant.
fn same_person(a: &Contact, b: &Contact) -> bool {
    let mailbox_a = a.email.as_deref().map(mailbox);
    let same_mailbox = mailbox_a.is_some() && mailbox_a == b.email.as_deref().map(mailbox);
    let name_a = name_key(a);
    same_mailbox || (!name_a.is_empty() && name_a == name_key(b))
}

/// Where mail to this address lands: lower-cased, without a `+tag` (ann+2@x.com is ann@x.com).
fn mailbox(email: &str) -> String {
    let email = email.trim().to_lowercase();
    match email.split_once('@') {
        Some((local, domain)) => {
            let local = local.split_once('+').map_or(local, |(base, _)| base);
            format!("{local}@{domain}")
        }
        None => email,
    }
}

/// The full name lower-cased with every space removed ("Ann  Lee" = "ann lee" = "AnnLee").
fn name_key(c: &Contact) -> String {
    format!("{}{}", c.first_name, c.last_name)
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A customer stage event or a purchase dated before the referral day.
pub(crate) fn customer_before(conn: &Connection, contact_id: i64, day: &str) -> Result<bool> {
    // Stage events are instants, which sort after their own day, so `at < day` means an earlier day.
    // `+stage` keeps SQLite on the contact's own events: through the (stage, at) index it would walk
    // every customer event before the day (minutes over a 1M-row import's referrals).
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM stage_events WHERE contact_id = ?1 AND +stage = 'customer' AND at < ?2)
                 OR EXISTS (SELECT 1 FROM purchases WHERE contact_id = ?1 AND purchased_on < ?2)",
        )?
        .query_row(params![contact_id, day], |r| r.get(0))?)
}

pub fn update_notes(conn: &Connection, id: i64, notes: &str) -> Result<Referral> {
    let notes = validate::text("notes", notes, 5000)?;
    let n = conn.execute("UPDATE referrals SET notes = ?2 WHERE id = ?1", params![id, notes])?;
    if n == 0 {
        return Err(Error::not_found("referral", id));
    }
    get(conn, id)
}

/// Marks the reward owed, paid or void with a note; only an owed reward can be paid. `amount_minor`
/// (in the referral's reward currency) sets the reward first, as [`set_reward_amount`] does; a
/// reward can be marked owed only with an amount.
pub fn set_reward(
    conn: &Connection,
    id: i64,
    status: RewardStatus,
    note: &str,
    amount_minor: Option<i64>,
) -> Result<Referral> {
    with_tx(conn, |conn| {
        let mut current = get(conn, id)?;
        match status {
            RewardStatus::None => {
                return Err(Error::invalid("reward_status", "Choose owed, paid or void."));
            }
            RewardStatus::Paid if current.reward_status != RewardStatus::Owed => {
                return Err(Error::invalid(
                    "reward_status",
                    "Only an owed reward can be marked paid; mark it owed first.",
                ));
            }
            same if same == current.reward_status => {
                return Err(Error::invalid(
                    "reward_status",
                    format!("The reward is already {}.", same.as_str()),
                ));
            }
            _ => {}
        }
        debug_assert!(current.reward_status.moves().contains(&status));
        let note = validate::text("reward_note", note, 500)?;
        if let Some(amount) = amount_minor {
            current = set_reward_amount(conn, id, amount)?;
        }
        if status == RewardStatus::Owed && current.reward_minor == 0 {
            return Err(Error::invalid(
                "reward_minor",
                "Enter the reward owed: this referral has no amount yet.",
            ));
        }
        conn.execute(
            "UPDATE referrals SET reward_status = ?2, reward_note = ?3 WHERE id = ?1",
            params![id, status, note],
        )?;
        get(conn, id)
    })
}

/// Changes what the referral's reward is worth, in its reward currency, until it has been paid.
pub fn set_reward_amount(conn: &Connection, id: i64, amount_minor: i64) -> Result<Referral> {
    with_tx(conn, |conn| {
        let current = get(conn, id)?;
        if current.reward_status == RewardStatus::Paid {
            return Err(Error::invalid(
                "reward_minor",
                "This reward has been paid, so its amount can no longer change.",
            ));
        }
        let amount = validate::money("reward_minor", amount_minor)?;
        conn.execute("UPDATE referrals SET reward_minor = ?2 WHERE id = ?1", params![id, amount])?;
        get(conn, id)
    })
}

/// A referral's reward as a form showed it when it opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RewardOpened {
    pub status: RewardStatus,
    pub amount_minor: i64,
    pub note: String,
}

/// Runs `change` (a reward's status or amount) in one transaction, refused first (`stale::check`)
/// when the reward is no longer as `opened` (what its form showed) says: someone else changed it.
pub fn if_reward_unchanged<T>(
    conn: &Connection,
    id: i64,
    opened: Option<&RewardOpened>,
    change: impl Fn(&Connection) -> Result<T>,
) -> Result<T> {
    with_tx(conn, |conn| {
        if let Some(opened) = opened {
            check_reward_opened(conn, id, opened)?;
        }
        change(conn)
    })
}

fn check_reward_opened(conn: &Connection, id: i64, opened: &RewardOpened) -> Result<()> {
    let now = get(conn, id)?;
    let amount = |minor: i64| crate::money::format_major(minor, &now.reward_currency);
    crate::stale::check(
        "referral's reward",
        &[
            ("Reward", opened.status.as_str().to_owned(), now.reward_status.as_str().to_owned()),
            ("Amount", amount(opened.amount_minor), amount(now.reward_minor)),
            ("Note", opened.note.clone(), now.reward_note.clone()),
        ],
    )
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    let n = conn.execute("DELETE FROM referrals WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::not_found("referral", id));
    }
    Ok(())
}

const SELECT: &str = "SELECT id, advocate_id, referred_id, referred_on, notes, flags, reward_minor,
        reward_currency, reward_status, reward_note, created_at
    FROM referrals";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Referral> {
    Ok(Referral {
        id: r.get(0)?,
        advocate_id: r.get(1)?,
        referred_id: r.get(2)?,
        referred_on: r.get(3)?,
        notes: r.get(4)?,
        flags: page::json_list(r, 5)?,
        reward_minor: r.get(6)?,
        reward_currency: r.get(7)?,
        reward_status: r.get(8)?,
        reward_note: r.get(9)?,
        created_at: r.get(10)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Referral> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("referral", id))
}

/// The advocate's direct referrals, newest first.
pub fn for_advocate(conn: &Connection, advocate_id: i64) -> Result<Vec<Referral>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE advocate_id = ?1 ORDER BY referred_on DESC, id DESC"))?
        .query_map([advocate_id], from_row)?
        .collect::<rusqlite::Result<_>>()?)
}

/// The referral that brought this contact in, if any.
pub fn referrer_of(conn: &Connection, contact_id: i64) -> Result<Option<Referral>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE referred_id = ?1"))?
        .query_row([contact_id], from_row)
        .optional()?)
}

/// The walk down the referral forest from the advocates in `:roots` (a JSON list of ids), at most
/// `:max_depth` generations: the table `down(root, referral_id, advocate_id, referred_id,
/// referred_on, depth)`, depth 1 being the roots' own referrals. The depth limit also bounds the
/// walk should bad data ever hold a loop.
pub(crate) const DOWN: &str =
    "WITH RECURSIVE down(root, referral_id, advocate_id, referred_id, referred_on, depth) AS (
         SELECT r.advocate_id, r.id, r.advocate_id, r.referred_id, r.referred_on, 1 FROM referrals r
         WHERE r.advocate_id IN (SELECT CAST(value AS INTEGER) FROM json_each(:roots)) AND :max_depth >= 1
         UNION ALL
         SELECT d.root, r.id, r.advocate_id, r.referred_id, r.referred_on, d.depth + 1
         FROM referrals r JOIN down d ON r.advocate_id = d.referred_id
         WHERE d.depth < :max_depth
     )";

/// Everyone downstream of an advocate up to `max_depth` generations (1 = direct referrals only),
/// nearest generation first.
pub fn chain(conn: &Connection, advocate_id: i64, max_depth: u32) -> Result<Vec<ChainLink>> {
    let roots = serde_json::to_string(&[advocate_id])?;
    Ok(conn
        .prepare_cached(&format!(
            "{DOWN} SELECT referral_id, advocate_id, referred_id, depth FROM down
             ORDER BY depth, referred_on, referral_id"
        ))?
        .query_map(rusqlite::named_params! {":roots": roots, ":max_depth": max_depth}, |r| {
            Ok(ChainLink {
                referral_id: r.get(0)?,
                advocate_id: r.get(1)?,
                referred_id: r.get(2)?,
                depth: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReferralQuery {
    pub advocate_id: Option<i64>,
    /// First referral day included, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last referral day included, `YYYY-MM-DD`.
    pub to: Option<String>,
    pub reward_status: Option<RewardStatus>,
    /// Only referrals that carry a flag.
    pub flagged_only: bool,
    pub offset: u32,
    pub limit: u32,
}

/// Referrals, newest first.
pub fn list(conn: &Connection, q: &ReferralQuery) -> Result<Page<Referral>> {
    let mut f = Filter::default();
    if let Some(advocate_id) = q.advocate_id {
        f.and("advocate_id = ?", advocate_id);
    }
    if let Some(from) = q.from.as_deref() {
        f.and("referred_on >= ?", time::format_day(time::parse_day("from", from)?));
    }
    if let Some(to) = q.to.as_deref() {
        f.and("referred_on <= ?", time::format_day(time::parse_day("to", to)?));
    }
    if let Some(status) = q.reward_status {
        f.and("reward_status = ?", status.as_str().to_owned());
    }
    if q.flagged_only {
        f.and_fixed("json_array_length(flags) > 0");
    }
    page::fetch(conn, SELECT, &f, "referred_on DESC, id DESC", q.offset, q.limit, from_row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(first: &str, last: &str, email: Option<&str>) -> Contact {
        Contact {
            id: 0,
            first_name: first.into(),
            last_name: last.into(),
            email: email.map(str::to_owned),
            phone: String::new(),
            company: String::new(),
            segment: String::new(),
            tags: Vec::new(),
            source: "referrals".into(),
            lead_score: 0,
            notes: String::new(),
            stage: crate::stages::Stage::Lead,
            stage_entered_at: None,
            archived: false,
            created_at: String::new(),
            updated_at: String::new(),
            owner: None,
        }
    }

    #[test]
    fn mailboxes_ignore_case_and_plus_tags() {
        assert_eq!(mailbox("Ann+Shop@Example.com"), "ann@example.com");
        assert_eq!(mailbox("ann@example.com"), "ann@example.com");
        assert_ne!(mailbox("ann@example.com"), mailbox("ann@example.org"));
    }

    #[test]
    fn same_person_by_mailbox_or_name() {
        let ann = person("Ann", "Lee", Some("ann@example.com"));
        assert!(same_person(&ann, &person("Zed", "", Some("ann+2@example.com"))));
        assert!(same_person(&ann, &person(" ann ", "LEE", None)));
        assert!(!same_person(&ann, &person("Ann", "Smith", Some("smith@example.com"))));
        // Two contacts with no name and no email are not evidence of anything.
        assert!(!same_person(&person("", "", None), &person("", "", None)));
    }

    #[test]
    fn reward_moves() {
        use RewardStatus as R;
        assert_eq!(R::None.moves(), vec![R::Owed, R::Void]);
        assert_eq!(R::Owed.moves(), vec![R::Paid, R::Void]);
        assert_eq!(R::Paid.moves(), vec![R::Owed, R::Void]);
        assert_eq!(R::Void.moves(), vec![R::Owed]);
    }

    #[test]
    fn flags_serialise_as_their_stored_text() {
        let json =
            serde_json::to_string(&[ReferralFlag::SelfReferral, ReferralFlag::AlreadyCustomer]).unwrap();
        assert_eq!(json, r#"["self_referral","already_customer"]"#);
        assert_eq!(RewardStatus::parse("none"), Some(RewardStatus::None));
    }
}
