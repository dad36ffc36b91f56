//! Everything about one person in one place: their repeat figures, whether and why they are an
//! advocate, their latest NPS answer, who referred them, and one timeline of what happened
//! (stage moves, purchases, testimonials, NPS answers, referrals both ways, follow-ups).

use crate::advocates::{self, AdvocateStatus};
use crate::chains::{self, ReferralRow};
use crate::error::Result;
use crate::nps::{self, NpsAnswer};
use crate::referrals;
use crate::repeat::{self, CustomerFigures};
use crate::stages::Stage;
use crate::store::{Connection, Row};
use crate::text_enum;
use serde::{Deserialize, Serialize};

text_enum! {
    pub enum TimelineKind {
        Stage => "stage",
        Purchase => "purchase",
        TestimonialRequested => "testimonial_requested",
        TestimonialReceived => "testimonial_received",
        TestimonialApproved => "testimonial_approved",
        TestimonialPublished => "testimonial_published",
        ConsentWithdrawn => "consent_withdrawn",
        Nps => "nps",
        /// This contact referred someone.
        Referred => "referred",
        /// Someone referred this contact.
        ReferredBy => "referred_by",
        FollowupDue => "followup_due",
        FollowupDone => "followup_done",
    }
}

/// One thing that happened. Which optional fields are filled depends on the kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TimelineEntry {
    /// A day (`YYYY-MM-DD`) or an instant; newest first.
    pub at: String,
    pub kind: TimelineKind,
    /// The row it comes from (stage event, purchase, testimonial, answer, referral, follow-up).
    pub ref_id: i64,
    /// The product, headline, comment, reason or title.
    pub text: String,
    pub stage: Option<Stage>,
    pub amount_minor: Option<i64>,
    pub refunded_minor: Option<i64>,
    pub currency: Option<String>,
    pub score: Option<i64>,
    /// The other person of a referral.
    pub other_id: Option<i64>,
    pub other_name: Option<String>,
    /// Who did it, on a team database: the person's name, else their login (a stage move or a
    /// handoff's accept or reject, a testimonial's approval). None on a solo file: "you".
    pub by: Option<String>,
}

/// The lifecycle stamps of a testimonial that become timeline entries: (column, kind, text column,
/// with its rating).
const TESTIMONIAL_STAMPS: [(&str, TimelineKind, &str, bool); 5] = [
    ("requested_at", TimelineKind::TestimonialRequested, "product", false),
    ("received_at", TimelineKind::TestimonialReceived, "headline", true),
    ("approved_at", TimelineKind::TestimonialApproved, "headline", true),
    ("published_at", TimelineKind::TestimonialPublished, "headline", true),
    ("consent_withdrawn_at", TimelineKind::ConsentWithdrawn, "headline", false),
];

/// Every event of contact `?1`, as one `UNION ALL` of (at, kind, ref_id, text, stage, amount,
/// refunded, currency, score, other_id, other_first, other_last, other_email, by).
fn events_sql() -> String {
    let stamps: String = TESTIMONIAL_STAMPS
        .iter()
        .map(|(column, kind, text, rated)| {
            let score = if *rated { "rating" } else { "NULL" };
            let by = if *kind == TimelineKind::TestimonialApproved { by("approved_by") } else { "NULL".into() };
            format!(
                " UNION ALL SELECT {column}, '{}', id, {text}, NULL, NULL, NULL, NULL, {score}, NULL, NULL, NULL, NULL, {by}
                  FROM testimonials WHERE contact_id = ?1 AND {column} IS NOT NULL",
                kind.as_str()
            )
        })
        .collect();
    format!(
        // The first branch names each column's type (PostgreSQL takes a bare NULL for text).
        "SELECT at, 'stage', id, reason, stage, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), NULL,
                CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), NULL, NULL, NULL, {stage_by}
           FROM stage_events WHERE contact_id = ?1
         UNION ALL SELECT purchased_on, 'purchase', id, product, NULL, amount_minor, refunded_minor, currency,
                          NULL, NULL, NULL, NULL, NULL, NULL
           FROM purchases WHERE contact_id = ?1
         {stamps}
         UNION ALL SELECT answered_on, 'nps', id, comment, NULL, NULL, NULL, NULL, score, NULL, NULL, NULL, NULL, NULL
           FROM nps_answers WHERE contact_id = ?1
         UNION ALL SELECT r.referred_on, 'referred', r.id, r.notes, NULL, NULL, NULL, NULL, NULL,
                          c.id, c.first_name, c.last_name, c.email, NULL
           FROM referrals r JOIN contacts c ON c.id = r.referred_id WHERE r.advocate_id = ?1
         UNION ALL SELECT r.referred_on, 'referred_by', r.id, r.notes, NULL, NULL, NULL, NULL, NULL,
                          c.id, c.first_name, c.last_name, c.email, NULL
           FROM referrals r JOIN contacts c ON c.id = r.advocate_id WHERE r.referred_id = ?1
         UNION ALL SELECT CASE WHEN done_at IS NULL THEN due_on ELSE done_at END,
                          CASE WHEN done_at IS NULL THEN 'followup_due' ELSE 'followup_done' END,
                          id, title, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
           FROM followups WHERE contact_id = ?1",
        stage_by = by("done_by"),
    )
}

/// The name of the person whose login is in `column`, else the login itself (one no longer among
/// the people); NULL where no one is recorded.
fn by(column: &str) -> String {
    format!("coalesce((SELECT p.name FROM people p WHERE p.login = {column}), {column})")
}

fn entry(r: &Row<'_>) -> rusqlite::Result<TimelineEntry> {
    let other_id: Option<i64> = r.get(9)?;
    let other_name = match other_id {
        Some(_) => {
            let (first, last, email): (String, String, Option<String>) = (r.get(10)?, r.get(11)?, r.get(12)?);
            Some(crate::contacts::display_name(&first, &last, email.as_deref()))
        }
        None => None,
    };
    Ok(TimelineEntry {
        at: r.get(0)?,
        kind: r.get(1)?,
        ref_id: r.get(2)?,
        text: r.get(3)?,
        stage: r.get(4)?,
        amount_minor: r.get(5)?,
        refunded_minor: r.get(6)?,
        currency: r.get(7)?,
        score: r.get(8)?,
        other_id,
        other_name,
        by: r.get(13)?,
    })
}

/// A contact's timeline, newest first (an instant sorts after the bare day it falls on).
pub fn timeline(conn: &Connection, contact_id: i64) -> Result<Vec<TimelineEntry>> {
    crate::contacts::get(conn, contact_id)?;
    let sql = format!("SELECT * FROM ({}) AS events ORDER BY 1 DESC, 2, 3 DESC", events_sql());
    let rows = conn.prepare_cached(&sql)?.query_map([contact_id], entry)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// What the contact detail shows of the flipped funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ContactFlywheel {
    pub contact_id: i64,
    /// `None` for someone who has not bought (in the shop's currency).
    pub customer: Option<CustomerFigures>,
    pub advocate: AdvocateStatus,
    pub latest_nps: Option<NpsAnswer>,
    pub referred_by: Option<ReferralRow>,
    /// How many people they referred (self-referrals included, as the timeline shows them).
    pub referrals_made: i64,
    pub timeline: Vec<TimelineEntry>,
}

/// Everything about one contact as of today.
pub fn contact_flywheel(conn: &Connection, contact_id: i64) -> Result<ContactFlywheel> {
    let timeline = timeline(conn, contact_id)?;
    let referred_by = match referrals::referrer_of(conn, contact_id)? {
        Some(r) => Some(chains::row(conn, r.id, None)?),
        None => None,
    };
    Ok(ContactFlywheel {
        contact_id,
        customer: repeat::for_contact(conn, contact_id, None)?,
        advocate: advocates::status(conn, contact_id, None)?,
        latest_nps: nps::latest_for_contact(conn, contact_id)?,
        referred_by,
        referrals_made: timeline.iter().filter(|e| e.kind == TimelineKind::Referred).count() as i64,
        timeline,
    })
}
