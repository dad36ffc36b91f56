//! Testimonials: a customer's words, with the consent that says whether, how and where they may be
//! published. The lifecycle is enforced here so no screen can publish what was never approved or
//! what the customer never agreed to (or took back).

use crate::consent::{self, ConsentChannel};
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
    /// requested → received → approved → published; declined and withdrawn are the exits.
    pub enum TestimonialStatus {
        Requested => "requested",
        Received => "received",
        Approved => "approved",
        Published => "published",
        Declined => "declined",
        Withdrawn => "withdrawn",
    }
}

impl TestimonialStatus {
    /// The statuses a testimonial may move to from this one; declined and withdrawn are final.
    /// Approved may go back to received when the quote needs edits.
    pub fn next(self) -> &'static [TestimonialStatus] {
        use TestimonialStatus as S;
        match self {
            S::Requested => &[S::Received, S::Declined],
            S::Received => &[S::Approved, S::Declined],
            S::Approved => &[S::Published, S::Withdrawn, S::Received],
            S::Published => &[S::Withdrawn],
            S::Declined | S::Withdrawn => &[],
        }
    }
}

/// What the customer agreed to. Publishing needs `publish` and no withdrawal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Consent {
    pub publish: bool,
    /// False means quote them anonymously.
    pub named: bool,
    /// The customer agreed to show their figures (amounts and dates of their orders) beside their
    /// words; without it a case study tells only the story (how long, how often).
    pub share_figures: bool,
    /// Where it may appear: channels of the closed set in `consent.rs`, in the set's order.
    pub channels: Vec<ConsentChannel>,
    /// Free text about the consent: what an older Flywheel stored as channels and that named no
    /// channel of the set is kept here word for word. Empty when there is none.
    pub note: String,
    /// A day (`YYYY-MM-DD`) or an instant; recorded automatically when `publish` is ticked.
    pub given_at: Option<String>,
    pub withdrawn_at: Option<String>,
    /// What the customer got for it (a discount, a gift), so it can be disclosed beside the quote.
    pub incentive: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Testimonial {
    pub id: i64,
    pub contact_id: i64,
    pub status: TestimonialStatus,
    pub headline: String,
    pub quote: String,
    /// 1 to 5 stars.
    pub rating: Option<i64>,
    pub product: String,
    /// The kind of customer (e.g. "startup"), so case studies can match the prospect.
    pub segment: String,
    pub tags: Vec<String>,
    pub requested_at: Option<String>,
    pub received_at: Option<String>,
    pub approved_at: Option<String>,
    pub published_at: Option<String>,
    pub consent: Consent,
    pub created_at: String,
    pub updated_at: String,
}

/// The consent part of a form; a withdrawal is recorded only through [`withdraw_consent`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ConsentInput {
    pub publish: bool,
    pub named: bool,
    /// May show amounts and dates of their orders; absent in older callers means no.
    #[serde(default)]
    pub share_figures: bool,
    /// Keys of the consent channels (`case_study`); anything else is refused (field `consent_channels`).
    pub channels: Vec<String>,
    /// Errors name the field `consent_note`.
    pub note: String,
    /// Blank means "now" when `publish` is ticked. Errors name the field `consent_given_at`.
    pub given_at: Option<String>,
    pub incentive: String,
}

/// What a form or an import gives to create or edit a testimonial.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TestimonialInput {
    pub contact_id: i64,
    pub headline: String,
    pub quote: String,
    pub rating: Option<i64>,
    pub product: String,
    pub segment: String,
    pub tags: Vec<String>,
    pub consent: ConsentInput,
}

struct Clean {
    contact_id: i64,
    headline: String,
    quote: String,
    rating: Option<i64>,
    product: String,
    segment: String,
    tags: String,
    publish: bool,
    named: bool,
    share_figures: bool,
    channels: String,
    note: String,
    given_at: Option<String>,
    incentive: String,
}

/// `given_before` is the consent date already on record, kept when the form leaves it blank.
fn clean(conn: &Connection, input: &TestimonialInput, given_before: Option<String>) -> Result<Clean> {
    let c = &input.consent;
    let given_at = match c.given_at.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => Some(consent_given_at(text)?),
        None if c.publish => Some(given_before.unwrap_or_else(time::now_text)),
        None => None,
    };
    Ok(Clean {
        contact_id: validate::contact_id(conn, "contact_id", input.contact_id)?,
        headline: validate::text("headline", &input.headline, 200)?,
        quote: validate::text("quote", &input.quote, 5000)?,
        rating: input.rating.map(|r| validate::range("rating", r, 1, 5)).transpose()?,
        product: validate::text("product", &input.product, 200)?,
        segment: validate::text("segment", &input.segment, 100)?,
        tags: serde_json::to_string(&validate::tags("tags", &input.tags)?)?,
        publish: c.publish,
        named: c.named,
        share_figures: c.share_figures,
        channels: serde_json::to_string(&consent::parse_channels(&c.channels)?)?,
        note: validate::text("consent_note", &c.note, 1000)?,
        given_at,
        incentive: validate::text("incentive", &c.incentive, 500)?,
    })
}

/// Consent may be dated by day or to the second, but never ahead of now.
fn consent_given_at(text: &str) -> Result<String> {
    const FIELD: &str = "consent_given_at";
    if !text.contains('T') {
        return Ok(time::format_day(time::past_day(FIELD, text)?));
    }
    let at = time::parse_instant(FIELD, text)?;
    // A few minutes of grace for a clock that runs slightly ahead.
    if at > time::now() + chrono::Duration::minutes(5) {
        return Err(Error::invalid(FIELD, format!("{text} is in the future.")));
    }
    Ok(time::format_instant(at))
}

/// The rules a testimonial must meet to hold `status`: approval needs words and a rating,
/// publication also needs the customer's standing consent.
fn check_rules(t: &Testimonial, status: TestimonialStatus) -> Result<()> {
    use TestimonialStatus as S;
    if matches!(status, S::Approved | S::Published) {
        if t.quote.is_empty() {
            return Err(Error::invalid("quote", "Add the customer's quote before approving it."));
        }
        if t.rating.is_none() {
            return Err(Error::invalid("rating", "Add a rating from 1 to 5 before approving it."));
        }
    }
    if status == S::Published {
        if let Some(at) = &t.consent.withdrawn_at {
            return Err(Error::invalid(
                "consent",
                format!("The customer withdrew their consent on {at}, so it cannot be published."),
            ));
        }
        if !t.consent.publish {
            return Err(Error::invalid("consent", "The customer has not agreed to have this published."));
        }
    }
    Ok(())
}

/// Records that a testimonial was asked of a contact; the words come later.
pub fn request(conn: &Connection, contact_id: i64, product: &str, segment: &str) -> Result<Testimonial> {
    let input = TestimonialInput {
        contact_id,
        product: product.to_owned(),
        segment: segment.to_owned(),
        ..TestimonialInput::default()
    };
    create(conn, &input, Some(TestimonialStatus::Requested))
}

/// Creates a testimonial in `status` (received when `None`), stamping every step up to it, so an
/// already-approved or published testimonial can be entered as it stands.
pub fn create(
    conn: &Connection,
    input: &TestimonialInput,
    status: Option<TestimonialStatus>,
) -> Result<Testimonial> {
    use TestimonialStatus as S;
    let status = status.unwrap_or(S::Received);
    if status == S::Withdrawn {
        return Err(Error::invalid("status", "A new testimonial cannot start out withdrawn."));
    }
    with_tx(conn, |conn| {
        let c = clean(conn, input, None)?;
        let now = time::now_text();
        let stamp = |reached: bool| reached.then(|| now.clone());
        conn.execute(
            "INSERT INTO testimonials (contact_id, status, headline, quote, rating, product, segment, tags,
                 requested_at, received_at, approved_at, published_at, consent_publish, consent_named,
                 consent_channels, consent_given_at, incentive, created_at, updated_at, consent_note,
                 consent_share_figures)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?19, ?20)",
            params![
                c.contact_id,
                status,
                c.headline,
                c.quote,
                c.rating,
                c.product,
                c.segment,
                c.tags,
                stamp(status == S::Requested),
                stamp(matches!(status, S::Received | S::Approved | S::Published)),
                stamp(matches!(status, S::Approved | S::Published)),
                stamp(status == S::Published),
                c.publish,
                c.named,
                c.channels,
                c.given_at,
                c.incentive,
                now,
                c.note,
                c.share_figures
            ],
        )?;
        let t = get(conn, conn.last_insert_rowid())?;
        check_rules(&t, status)?;
        Ok(t)
    })
}

/// Edits the words and the consent. The result must still meet the rules of the current status
/// (an approved testimonial keeps a quote and a rating; a published one keeps its consent).
pub fn update(conn: &Connection, id: i64, input: &TestimonialInput) -> Result<Testimonial> {
    update_from(conn, id, input, None)
}

/// As [`update`], refused (`stale::check`) when the testimonial is no longer as `opened` (what the
/// form showed when it opened) says: someone else changed it since.
pub fn update_from(
    conn: &Connection,
    id: i64,
    input: &TestimonialInput,
    opened: Option<&TestimonialInput>,
) -> Result<Testimonial> {
    with_tx(conn, |conn| {
        let before = get(conn, id)?;
        if let Some(o) = opened {
            let now = &before;
            let channels: Vec<String> = now.consent.channels.iter().map(|c| c.as_str().to_owned()).collect();
            let yes_no = |b: bool| if b { "yes" } else { "no" }.to_owned();
            let stars = |r: Option<i64>| r.map(|r| r.to_string()).unwrap_or_default();
            crate::stale::check(
                "testimonial",
                &[
                    ("Headline", o.headline.clone(), now.headline.clone()),
                    ("Quote", o.quote.clone(), now.quote.clone()),
                    ("Rating", stars(o.rating), stars(now.rating)),
                    ("Product", o.product.clone(), now.product.clone()),
                    ("Segment", o.segment.clone(), now.segment.clone()),
                    ("Tags", o.tags.join(", "), now.tags.join(", ")),
                    ("May publish", yes_no(o.consent.publish), yes_no(now.consent.publish)),
                    ("Named", yes_no(o.consent.named), yes_no(now.consent.named)),
                    ("May show figures", yes_no(o.consent.share_figures), yes_no(now.consent.share_figures)),
                    ("Channels", o.consent.channels.join(", "), channels.join(", ")),
                    ("Consent note", o.consent.note.clone(), now.consent.note.clone()),
                    ("Incentive", o.consent.incentive.clone(), now.consent.incentive.clone()),
                ],
            )?;
        }
        let c = clean(conn, input, before.consent.given_at)?;
        conn.execute(
            "UPDATE testimonials SET contact_id = ?2, headline = ?3, quote = ?4, rating = ?5, product = ?6,
                    segment = ?7, tags = ?8, consent_publish = ?9, consent_named = ?10,
                    consent_channels = ?11, consent_given_at = ?12, incentive = ?13, updated_at = ?14,
                    consent_note = ?15, consent_share_figures = ?16
             WHERE id = ?1",
            params![
                id,
                c.contact_id,
                c.headline,
                c.quote,
                c.rating,
                c.product,
                c.segment,
                c.tags,
                c.publish,
                c.named,
                c.channels,
                c.given_at,
                c.incentive,
                time::now_text(),
                c.note,
                c.share_figures
            ],
        )?;
        let t = get(conn, id)?;
        check_rules(&t, t.status)?;
        Ok(t)
    })
}

/// Moves a testimonial along its lifecycle and stamps when it got there. Going back from approved
/// to received clears the approval, which then has to be given again.
pub fn set_status(conn: &Connection, id: i64, status: TestimonialStatus) -> Result<Testimonial> {
    use TestimonialStatus as S;
    with_tx(conn, |conn| {
        let mut t = get(conn, id)?;
        if !t.status.next().contains(&status) {
            return Err(Error::invalid("status", move_refused(t.status, status)));
        }
        check_rules(&t, status)?;
        let now = time::now_text();
        match status {
            S::Received => {
                t.received_at.get_or_insert(now.clone());
                t.approved_at = None;
            }
            S::Approved => t.approved_at = Some(now.clone()),
            S::Published => t.published_at = Some(now.clone()),
            S::Requested | S::Declined | S::Withdrawn => {}
        }
        conn.execute(
            "UPDATE testimonials SET status = ?2, received_at = ?3, approved_at = ?4, published_at = ?5,
                    updated_at = ?6
             WHERE id = ?1",
            params![id, status, t.received_at, t.approved_at, t.published_at, now],
        )?;
        get(conn, id)
    })
}

/// Records what came back with a request and moves it to received in one step: the words, the
/// rating and the consent are saved with the move, or nothing is (a failed check leaves the
/// testimonial requested, as it was).
pub fn receive(conn: &Connection, id: i64, input: &TestimonialInput) -> Result<Testimonial> {
    if input.quote.trim().is_empty() {
        return Err(Error::invalid("quote", "Add the words the customer sent."));
    }
    with_tx(conn, |conn| {
        update(conn, id, input)?;
        set_status(conn, id, TestimonialStatus::Received)
    })
}

fn move_refused(from: TestimonialStatus, to: TestimonialStatus) -> String {
    let (from_text, to_text) = (from.as_str(), to.as_str());
    if from == to {
        return format!("This testimonial is already {to_text}.");
    }
    let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
    match allowed.as_slice() {
        [] => format!("A testimonial that is {from_text} cannot change any more."),
        [one] => format!("A testimonial that is {from_text} can only move to {one}, not to {to_text}."),
        [init @ .., last] => format!(
            "A testimonial that is {from_text} can move to {} or {last}, not to {to_text}.",
            init.join(", ")
        ),
    }
}

/// The customer took their consent back: record when, and take the testimonial out of use for
/// good, whatever its status. Withdrawing twice keeps the first date.
pub fn withdraw_consent(conn: &Connection, id: i64) -> Result<Testimonial> {
    let now = time::now_text();
    let n = conn.execute(
        "UPDATE testimonials SET consent_withdrawn_at = coalesce(consent_withdrawn_at, ?2),
                status = 'withdrawn', updated_at = ?2
         WHERE id = ?1",
        params![id, now],
    )?;
    if n == 0 {
        return Err(Error::not_found("testimonial", id));
    }
    get(conn, id)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    let n = conn.execute("DELETE FROM testimonials WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(Error::not_found("testimonial", id));
    }
    Ok(())
}

const SELECT: &str = "SELECT id, contact_id, status, headline, quote, rating, product, segment, tags,
        requested_at, received_at, approved_at, published_at, consent_publish, consent_named,
        consent_channels, consent_given_at, consent_withdrawn_at, incentive, created_at, updated_at,
        consent_note, consent_share_figures
    FROM testimonials";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Testimonial> {
    Ok(Testimonial {
        id: r.get(0)?,
        contact_id: r.get(1)?,
        status: r.get(2)?,
        headline: r.get(3)?,
        quote: r.get(4)?,
        rating: r.get(5)?,
        product: r.get(6)?,
        segment: r.get(7)?,
        tags: page::json_list(r, 8)?,
        requested_at: r.get(9)?,
        received_at: r.get(10)?,
        approved_at: r.get(11)?,
        published_at: r.get(12)?,
        consent: Consent {
            publish: r.get(13)?,
            named: r.get(14)?,
            share_figures: r.get(22)?,
            channels: page::json_list(r, 15)?,
            note: r.get(21)?,
            given_at: r.get(16)?,
            withdrawn_at: r.get(17)?,
            incentive: r.get(18)?,
        },
        created_at: r.get(19)?,
        updated_at: r.get(20)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Testimonial> {
    conn.prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("testimonial", id))
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TestimonialQuery {
    pub status: Option<TestimonialStatus>,
    pub contact_id: Option<i64>,
    /// Segment, product and tag match whole values, ignoring case.
    pub segment: Option<String>,
    pub product: Option<String>,
    pub tag: Option<String>,
    /// Matches the headline or the quote, anywhere, ignoring case.
    pub search: Option<String>,
    /// Newest first unless set.
    pub oldest_first: bool,
    pub offset: u32,
    pub limit: u32,
}

pub fn list(conn: &Connection, q: &TestimonialQuery) -> Result<Page<Testimonial>> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let mut f = Filter::default();
    if let Some(status) = q.status {
        f.and("status = ?", status.as_str().to_owned());
    }
    if let Some(contact_id) = q.contact_id {
        f.and("contact_id = ?", contact_id);
    }
    if let Some(segment) = given(&q.segment) {
        f.and("segment = ? COLLATE NOCASE", segment);
    }
    if let Some(product) = given(&q.product) {
        f.and("product = ? COLLATE NOCASE", product);
    }
    if let Some(tag) = given(&q.tag) {
        f.and(
            "EXISTS (SELECT 1 FROM json_each(testimonials.tags) AS t WHERE t.value = ? COLLATE NOCASE)",
            tag,
        );
    }
    if let Some(search) = given(&q.search) {
        f.and("(headline || char(10) || quote) LIKE ? ESCAPE '\\'", page::like_pattern(&search));
    }
    let order = if q.oldest_first { "created_at, id" } else { "created_at DESC, id DESC" };
    page::fetch(conn, SELECT, &f, order, q.offset, q.limit, from_row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use TestimonialStatus as S;

    #[test]
    fn lifecycle_moves() {
        assert_eq!(S::Requested.next(), &[S::Received, S::Declined]);
        assert!(S::Approved.next().contains(&S::Received));
        assert!(!S::Published.next().contains(&S::Approved));
        assert!(S::Declined.next().is_empty() && S::Withdrawn.next().is_empty());
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(*s));
        }
    }

    #[test]
    fn refusals_say_what_is_possible() {
        assert_eq!(
            move_refused(S::Requested, S::Published),
            "A testimonial that is requested can move to received or declined, not to published."
        );
        assert_eq!(
            move_refused(S::Approved, S::Declined),
            "A testimonial that is approved can move to published, withdrawn or received, not to declined."
        );
        assert_eq!(
            move_refused(S::Published, S::Received),
            "A testimonial that is published can only move to withdrawn, not to received."
        );
        assert_eq!(
            move_refused(S::Declined, S::Received),
            "A testimonial that is declined cannot change any more."
        );
        assert_eq!(move_refused(S::Received, S::Received), "This testimonial is already received.");
    }

    #[test]
    fn consent_dates_are_days_or_instants_in_the_past() {
        assert_eq!(consent_given_at("2024-03-05").unwrap(), "2024-03-05");
        assert_eq!(consent_given_at("2024-03-05T10:00:00+02:00").unwrap(), "2024-03-05T08:00:00Z");
        let in_three_hours = time::format_instant(time::now() + chrono::Duration::hours(3));
        let e = consent_given_at(&in_three_hours).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("consent_given_at"));
        let next_year = time::format_day(time::today() + chrono::Duration::days(400));
        assert_eq!(consent_given_at(&next_year).unwrap_err().field.as_deref(), Some("consent_given_at"));
        assert!(consent_given_at("last tuesday").is_err());
    }
}
