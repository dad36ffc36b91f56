//! The people of the sample business: who they are, how they came, how far down the funnel they
//! went and who referred whom. Planned in memory first, because a referral needs an advocate who
//! was already a customer when the referred contact arrived.

use super::rng::Rng;
use super::words::*;
use super::{json_list, Clock, DAY, END, SPAN};
use crate::error::Result;
use crate::stages::{Actor, Stage};
use crate::store::Connection;
use rusqlite::params;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

pub(super) struct Event {
    pub stage: Stage,
    pub at: i64,
    pub actor: Actor,
    pub reason: &'static str,
}

/// How a contact feels about the business; drives NPS, ratings, repeat buying and referring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Mood {
    Detractor,
    Passive,
    Promoter,
}

pub(super) struct Person {
    pub first: &'static str,
    pub last: &'static str,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub segment: &'static str,
    pub tags: String,
    pub source: &'static str,
    pub lead_score: i64,
    pub notes: &'static str,
    /// What they came for: their first purchase and their testimonial are about it.
    pub product: usize,
    pub mood: Mood,
    pub referred_by: Option<usize>,
    /// Oldest first; never empty.
    pub events: Vec<Event>,
}

impl Person {
    pub fn created(&self) -> i64 {
        self.events.first().map_or(0, |e| e.at)
    }
    pub fn stage(&self) -> Stage {
        self.events.last().map_or(Stage::Lead, |e| e.stage)
    }
    pub fn customer_at(&self) -> Option<i64> {
        self.events.iter().find(|e| e.stage == Stage::Customer).map(|e| e.at)
    }
}

/// `n` people in order of arrival, exactly `referrals` of them referred by an earlier customer.
pub(super) fn plan(rng: &mut Rng, n: usize, referrals: usize) -> Vec<Person> {
    // A growing business: arrivals get denser towards the end of the window.
    let mut starts: Vec<i64> =
        (0..n).map(|_| ((SPAN - 1) as f64 * rng.unit().sqrt()) as i64 * DAY + office_hours(rng)).collect();
    starts.sort_unstable();
    let companies = companies(rng, n);
    let mut emails = HashMap::new();
    // Customers who may refer, released into `advocates` once they are customers at the time.
    let mut pending = BinaryHeap::new();
    let mut advocates: Vec<usize> = Vec::new();
    let mut needed = referrals;
    let mut people = Vec::with_capacity(n);
    for (i, &start) in starts.iter().enumerate() {
        while let Some(&Reverse((at, who))) = pending.peek() {
            if at >= start {
                break;
            }
            pending.pop();
            advocates.push(who);
        }
        // Selection sampling: each remaining contact is referred with probability needed / left.
        let referred_by = if !advocates.is_empty() && rng.below((n - i) as u64) < needed as u64 {
            needed -= 1;
            // Earlier customers have had longer to refer, so they lead the leaderboard.
            let u = rng.unit();
            Some(advocates[(advocates.len() as f64 * u * (1.0 + u) / 2.0) as usize])
        } else {
            None
        };
        let p = person(rng, &companies, &mut emails, start, referred_by);
        if let Some(at) = p.customer_at() {
            if p.mood == Mood::Promoter || (p.mood == Mood::Passive && rng.chance(0.2)) {
                pending.push(Reverse((at, i)));
            }
        }
        people.push(p);
    }
    people
}

fn office_hours(rng: &mut Rng) -> i64 {
    rng.range(8 * 3600, 18 * 3600)
}

/// Company names and web domains per segment; several contacts may work at one company.
fn companies(rng: &mut Rng, n: usize) -> Vec<Vec<(String, String)>> {
    let per_segment = (n / 8).max(12);
    SEGMENTS
        .iter()
        .map(|s| {
            (0..per_segment)
                .map(|_| {
                    let ((a, b), end) = (rng.pick_two(COMPANY_WORDS), rng.pick(s.endings));
                    let name = format!("{a} {b} {end}");
                    let domain = format!("{}{}.{}", slug(a), slug(b), s.tld);
                    (name, domain)
                })
                .collect()
        })
        .collect()
}

/// Lower-case letters only: "O'Brien" becomes "obrien".
fn slug(word: &str) -> String {
    word.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

fn person(
    rng: &mut Rng,
    companies: &[Vec<(String, String)>],
    emails: &mut HashMap<String, u32>,
    start: i64,
    referred_by: Option<usize>,
) -> Person {
    let (first, last) = (rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
    let seg = rng.weighted(&SEGMENTS.iter().map(|s| s.weight).collect::<Vec<_>>());
    let (company, domain) = if rng.chance(0.1) {
        (String::new(), rng.pick(PERSONAL_DOMAINS).to_owned())
    } else {
        let pool = &companies[seg];
        pool[rng.below(pool.len() as u64) as usize].clone()
    };
    let local = format!("{}.{}", slug(first), slug(last));
    // Namesakes at one domain get a number, as mail providers would insist.
    let seen = emails.entry(format!("{local}@{domain}")).or_insert(0);
    *seen += 1;
    let email = if *seen == 1 { format!("{local}@{domain}") } else { format!("{local}{}@{domain}", *seen) };
    let phone = if rng.chance(0.1) {
        String::new()
    } else {
        format!("+1 {}-555-{:04}", rng.pick(AREA_CODES), rng.below(10_000))
    };
    let tags: Vec<&str> = match rng.weighted(&[50, 35, 15]) {
        0 => vec![],
        1 => vec![rng.pick(CONTACT_TAGS)],
        _ => {
            let (a, b) = rng.pick_two(CONTACT_TAGS);
            vec![a, b]
        }
    };
    let source = match referred_by {
        Some(_) => "referrals",
        None => CHANNELS[rng.weighted(&CHANNELS.iter().map(|c| c.1).collect::<Vec<_>>())].0,
    };
    let events = funnel(rng, start, source, referred_by.is_some());
    let stage = events.last().map_or(Stage::Lead, |e| e.stage);
    let mood = match rng.weighted(&[20, 30, 50]) {
        0 => Mood::Detractor,
        1 => Mood::Passive,
        _ => Mood::Promoter,
    };
    Person {
        first,
        last,
        email,
        phone,
        company,
        segment: SEGMENTS[seg].name,
        tags: json_list(&tags),
        source,
        lead_score: lead_score(rng, stage),
        notes: if rng.chance(0.12) { rng.pick(CONTACT_NOTES) } else { "" },
        product: rng.below(PRODUCTS.len() as u64) as usize,
        mood,
        referred_by,
        events,
    }
}

fn lead_score(rng: &mut Rng, stage: Stage) -> i64 {
    let (lo, hi) = match stage {
        Stage::Subscriber => (5, 35),
        Stage::Lead => (10, 74),
        // The default MQL threshold is 75.
        Stage::Mql => (75, 95),
        Stage::Sql | Stage::Opportunity => (60, 100),
        Stage::Customer => (50, 100),
        Stage::Disqualified => (0, 40),
        Stage::Lost => (30, 80),
    };
    rng.range(lo, hi)
}

/// A funnel history under construction; it stops where the window ends.
struct Path(Vec<Event>);

impl Path {
    /// Moves on after `gap` seconds, unless that falls after the window: then the contact stays put.
    fn step(&mut self, gap: i64, stage: Stage, actor: Actor, reason: &'static str) -> bool {
        let at = self.0.last().map_or(0, |e| e.at) + gap.max(60);
        if at > END {
            return false;
        }
        self.0.push(Event { stage, at, actor, reason });
        true
    }
}

fn hours(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    rng.range(lo * 3600, hi * 3600)
}

fn days(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    rng.range(lo * DAY, hi * DAY)
}

fn funnel(rng: &mut Rng, start: i64, source: &str, referred: bool) -> Vec<Event> {
    let first = |stage, actor, reason| Path(vec![Event { stage, at: start, actor, reason }]);
    let mut p;
    if !referred && rng.chance(0.15) {
        p = first(Stage::Subscriber, Actor::System, "newsletter signup");
        let reason = rng.pick(SUBSCRIBER_TO_LEAD);
        if rng.chance(0.45) || !p.step(days(rng, 3, 90), Stage::Lead, Actor::Marketing, reason) {
            return p.0;
        }
    } else {
        let reason = if referred { "referred by a customer" } else { rng.pick(LEAD_REASONS) };
        p = first(Stage::Lead, Actor::Marketing, reason);
    }
    from_lead(rng, &mut p, source, referred);
    p.0
}

fn from_lead(rng: &mut Rng, p: &mut Path, source: &str, referred: bool) {
    // Outcomes: buy online at once (skipping sales), a warm intro or a trade-show meeting straight
    // to sales, disqualified, stays a lead, or marketing-qualified.
    let direct = if referred { 15 } else { 8 };
    let intro = if referred { 15 } else { 0 };
    let trade_show = if source == "offline_sources" { 25 } else { 0 };
    match rng.weighted(&[direct, intro, trade_show, 8, 14, 55]) {
        0 => {
            p.step(days(rng, 0, 14), Stage::Customer, Actor::System, "first purchase online");
        }
        1 => {
            if p.step(days(rng, 1, 10), Stage::Opportunity, Actor::Sales, "warm intro from a customer") {
                from_opportunity(rng, p, referred);
            }
        }
        2 => {
            if p.step(hours(rng, 2, 72), Stage::Sql, Actor::Sales, "met at a trade show") {
                from_sql(rng, p, referred);
            }
        }
        3 => {
            let reason = rng.pick(DISQUALIFY_REASONS);
            p.step(days(rng, 1, 20), Stage::Disqualified, Actor::Marketing, reason);
        }
        4 => {}
        _ => {
            let (actor, reason) = if rng.chance(0.5) {
                (Actor::System, "lead score reached 75")
            } else {
                (Actor::Marketing, rng.pick(MQL_REASONS))
            };
            if p.step(days(rng, 1, 30), Stage::Mql, actor, reason) {
                from_mql(rng, p, referred, false);
            }
        }
    }
}

fn from_mql(rng: &mut Rng, p: &mut Path, referred: bool, recycled: bool) {
    match rng.weighted(&[6, if recycled { 0 } else { 15 }, 79]) {
        0 => {} // still waiting for sales
        1 => {
            // Sales sends it back to marketing with a reason; some come back after nurturing.
            let reason = rng.pick(REJECTIONS);
            if p.step(hours(rng, 2, 30), Stage::Lead, Actor::Sales, reason)
                && rng.chance(0.4)
                && p.step(days(rng, 14, 90), Stage::Mql, Actor::Marketing, "re-engaged after nurture emails")
            {
                from_mql(rng, p, referred, true);
            }
        }
        _ => {
            // The handoff SLA is 24 hours: most are accepted within it, some late.
            let gap = if rng.chance(0.8) { hours(rng, 1, 23) } else { hours(rng, 25, 96) };
            if p.step(gap, Stage::Sql, Actor::Sales, "accepted by sales") {
                from_sql(rng, p, referred);
            }
        }
    }
}

fn from_sql(rng: &mut Rng, p: &mut Path, referred: bool) {
    match rng.weighted(&[10, 10, 80]) {
        0 => {
            let reason = rng.pick(DISQUALIFY_REASONS);
            p.step(days(rng, 1, 10), Stage::Disqualified, Actor::Sales, reason);
        }
        1 => {}
        _ => {
            let reason = rng.pick(OPPORTUNITY_REASONS);
            if p.step(days(rng, 1, 14), Stage::Opportunity, Actor::Sales, reason) {
                from_opportunity(rng, p, referred);
            }
        }
    }
}

fn from_opportunity(rng: &mut Rng, p: &mut Path, referred: bool) {
    match rng.weighted(&[if referred { 72 } else { 58 }, 30, 10]) {
        0 => {
            p.step(days(rng, 3, 45), Stage::Customer, Actor::Sales, "closed won");
        }
        1 => {
            let reason = rng.pick(LOST_REASONS);
            p.step(days(rng, 5, 60), Stage::Lost, Actor::Sales, reason);
        }
        _ => {}
    }
}

/// Writes contacts, their stage events and the referrals; returns (stage events, referrals).
pub(super) fn write(
    conn: &Connection,
    rng: &mut Rng,
    clock: &Clock,
    people: &[Person],
) -> Result<(i64, i64)> {
    let mut contact = conn.prepare_cached(
        "INSERT INTO contacts (id, first_name, last_name, email, phone, company, segment, tags, source,
                               lead_score, notes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    let mut event = conn.prepare_cached(
        "INSERT INTO stage_events (contact_id, stage, at, actor, reason) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut events = 0;
    for (id, p) in (1i64..).zip(people) {
        let last = p.events.last().map_or(p.created(), |e| e.at);
        contact.execute(params![
            id,
            p.first,
            p.last,
            p.email,
            p.phone,
            p.company,
            p.segment,
            p.tags,
            p.source,
            p.lead_score,
            p.notes,
            clock.instant(p.created()),
            clock.instant(last)
        ])?;
        // Oldest first, so each trigger run finds the new event on top of the contact's index.
        for e in &p.events {
            event.execute(params![id, e.stage, clock.instant(e.at), e.actor, e.reason])?;
            events += 1;
        }
    }
    let mut referral = conn.prepare_cached(
        "INSERT INTO referrals (advocate_id, referred_id, referred_on, notes, reward_minor, reward_status,
                                reward_note, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut referrals = 0;
    for (id, p) in (1i64..).zip(people) {
        let Some(advocate) = p.referred_by else { continue };
        // A $25 credit once the referred contact buys; void when they never will.
        let (status, note) = match (p.stage(), p.customer_at()) {
            (Stage::Customer, Some(at)) if at > END - 30 * DAY || rng.chance(0.25) => ("owed", ""),
            (Stage::Customer, _) => ("paid", "Store credit applied."),
            (Stage::Disqualified | Stage::Lost, _) if rng.chance(0.6) => {
                ("void", "The referred contact did not buy.")
            }
            _ => ("none", ""),
        };
        let reward = if status == "none" { 0 } else { super::REWARD_MINOR };
        referral.execute(params![
            advocate as i64 + 1,
            id,
            clock.day(p.created() / DAY),
            rng.pick(REFERRAL_NOTES),
            reward,
            status,
            note,
            clock.instant(p.created())
        ])?;
        referrals += 1;
    }
    Ok((events, referrals))
}
