//! The marketing funnel on a real database: moves, the lead score and auto-MQL, the handoff with
//! its SLA, and the funnel and channel reports.

mod common;

use chrono::{DateTime, Utc};
use common::{assert_err, assert_invalid, temp_db};
use flywheel_core::channels::{self, SpendInput};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::funnel::channel_figures::{self, ChannelQuery};
use flywheel_core::funnel::figures;
use flywheel_core::funnel::moves::{self, MoveInput, MoveKind};
use flywheel_core::funnel::scoring::{self, RuleKind, ScoreRuleInput};
use flywheel_core::funnel::{self, handoff, FunnelQuery};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::settings;
use flywheel_core::stages::{self, Actor, Stage};
use flywheel_core::{time, Connection, ErrorCode};

fn at(text: &str) -> DateTime<Utc> {
    time::parse_instant("at", text).unwrap()
}

struct New<'a> {
    name: &'a str,
    score: i64,
    source: &'a str,
    segment: &'a str,
    tags: &'a [&'a str],
    stage: Stage,
}

impl Default for New<'_> {
    fn default() -> Self {
        New { name: "ann", score: 0, source: "organic_search", segment: "", tags: &[], stage: Stage::Lead }
    }
}

fn add(conn: &Connection, n: New<'_>, when: &str) -> i64 {
    let input = ContactInput {
        first_name: n.name.to_owned(),
        email: Some(format!("{}@example.com", n.name)),
        lead_score: n.score,
        source: n.source.to_owned(),
        segment: n.segment.to_owned(),
        tags: n.tags.iter().map(|t| t.to_string()).collect(),
        stage: Some(n.stage),
        ..ContactInput::default()
    };
    contacts::create_at(conn, &input, at(when)).unwrap().id
}

fn mv(conn: &Connection, id: i64, stage: Stage, actor: Actor, reason: &str, when: &str) -> moves::Moved {
    moves::move_contact(conn, id, &MoveInput { stage, actor, reason: reason.into() }, at(when)).unwrap()
}

fn stage_of(conn: &Connection, id: i64) -> Stage {
    contacts::get(conn, id).unwrap().stage
}

#[test]
fn a_lead_whose_score_reaches_the_threshold_becomes_mql_as_the_system() {
    let db = temp_db();
    let hot = add(&db, New { name: "hot", score: 80, ..New::default() }, "2025-03-01T09:00:00Z");
    let warm = add(&db, New { name: "warm", score: 74, ..New::default() }, "2025-03-01T09:00:00Z");
    assert_eq!(stage_of(&db, hot), Stage::Mql);
    assert_eq!(stage_of(&db, warm), Stage::Lead);
    let last = stages::history(&db, hot).unwrap().pop().unwrap();
    assert_eq!(
        (last.actor, last.reason.as_str(), last.at.as_str()),
        (Actor::System, "score ≥ 75", "2025-03-01T09:00:00Z")
    );

    // Editing the score up to the threshold qualifies too.
    let mut input = ContactInput {
        first_name: "warm".into(),
        email: Some("warm@example.com".into()),
        lead_score: 75,
        ..ContactInput::default()
    };
    contacts::update(&db, warm, &input).unwrap();
    assert_eq!(stage_of(&db, warm), Stage::Mql);
    // A customer is never qualified by score.
    let customer = add(
        &db,
        New { name: "buyer", score: 99, stage: Stage::Customer, ..New::default() },
        "2025-03-01T09:00:00Z",
    );
    assert_eq!(stage_of(&db, customer), Stage::Customer);
    input.lead_score = 101;
    assert_invalid(contacts::update(&db, warm, &input), "lead_score");
}

#[test]
fn rules_add_points_per_source_and_tag_and_qualify_who_they_lift() {
    let db = temp_db();
    let now = at("2025-03-02T00:00:00Z");
    let id = add(
        &db,
        New { name: "ann", score: 40, source: "paid_search", tags: &["Webinar"], ..New::default() },
        "2025-03-01T00:00:00Z",
    );
    let other = add(&db, New { name: "bob", score: 40, ..New::default() }, "2025-03-01T00:00:00Z");

    let tag = scoring::create_rule(
        &db,
        &ScoreRuleInput { kind: RuleKind::Tag, value: "webinar".into(), points: 25 },
        now,
    )
    .unwrap();
    assert_eq!(scoring::breakdown(&db, id).unwrap().score, 65);
    assert_eq!(stage_of(&db, id), Stage::Lead);
    scoring::create_rule(
        &db,
        &ScoreRuleInput { kind: RuleKind::Source, value: "paid_search".into(), points: 10 },
        now,
    )
    .unwrap();
    let b = scoring::breakdown(&db, id).unwrap();
    assert_eq!((b.entered, b.score, b.threshold, b.rules.len()), (40, 75, 75, 2));
    assert_eq!(stage_of(&db, id), Stage::Mql, "the new rule lifted it to the threshold");
    assert_eq!(stages::history(&db, id).unwrap().last().unwrap().at, "2025-03-02T00:00:00Z");
    assert_eq!(scoring::breakdown(&db, other).unwrap().score, 40);

    // A contact created later with the tag gets the points at once.
    let late =
        add(&db, New { name: "cy", score: 50, tags: &["WEBINAR"], ..New::default() }, "2025-03-03T00:00:00Z");
    assert_eq!(scoring::breakdown(&db, late).unwrap().score, 75);
    assert_eq!(stage_of(&db, late), Stage::Mql);

    // Scores stay within 0..100, and removing a rule moves nobody back.
    scoring::update_rule(
        &db,
        tag.id,
        &ScoreRuleInput { kind: RuleKind::Tag, value: "webinar".into(), points: 100 },
        now,
    )
    .unwrap();
    assert_eq!(scoring::breakdown(&db, id).unwrap().score, 100);
    scoring::delete_rule(&db, tag.id, now).unwrap();
    assert_eq!(scoring::breakdown(&db, id).unwrap().score, 50);
    assert_eq!(stage_of(&db, id), Stage::Mql);
    assert_eq!(scoring::list_rules(&db).unwrap().len(), 1);

    let bad = |kind, value: &str, points| ScoreRuleInput { kind, value: value.into(), points };
    assert_invalid(scoring::create_rule(&db, &bad(RuleKind::Source, "tv", 5), now), "value");
    assert_invalid(scoring::create_rule(&db, &bad(RuleKind::Tag, " ", 5), now), "value");
    assert_invalid(scoring::create_rule(&db, &bad(RuleKind::Tag, "vip", 0), now), "points");
    assert_invalid(scoring::create_rule(&db, &bad(RuleKind::Tag, "vip", 101), now), "points");
    assert_err(
        scoring::create_rule(&db, &bad(RuleKind::Source, "paid_search", 5), now),
        ErrorCode::Conflict,
        Some("value"),
    );
    assert_err(scoring::delete_rule(&db, 999, now), ErrorCode::NotFound, None);
}

#[test]
fn a_lower_threshold_qualifies_the_leads_that_now_reach_it() {
    let db = temp_db();
    let id = add(&db, New { score: 60, ..New::default() }, "2025-03-01T00:00:00Z");
    let s = settings::Settings { mql_threshold: 60, ..settings::get(&db).unwrap() };
    settings::update(&db, &s).unwrap();
    assert_eq!(stage_of(&db, id), Stage::Mql);
    assert_eq!(stages::history(&db, id).unwrap().last().unwrap().reason, "score ≥ 60");
    let bad = settings::Settings { sla_hours: 0, ..s };
    assert_invalid(settings::update(&db, &bad), "sla_hours");
}

#[test]
fn sales_accepts_or_rejects_with_a_reason_and_a_rejected_lead_stays_with_marketing() {
    let db = temp_db();
    let now = at("2025-03-02T12:00:00Z");
    let a = add(&db, New { name: "a", score: 90, ..New::default() }, "2025-03-01T09:00:00Z");
    let b = add(&db, New { name: "b", score: 90, ..New::default() }, "2025-03-02T09:00:00Z");

    assert_invalid(handoff::reject(&db, a, "  ", now), "reason");
    assert_eq!(stage_of(&db, a), Stage::Mql, "a refused rejection changes nothing");
    let ev = handoff::reject(&db, a, "no budget this year", now).unwrap();
    assert_eq!((ev.stage, ev.actor, ev.reason.as_str()), (Stage::Lead, Actor::Sales, "no budget this year"));
    // Still at 90 points, but sales sent it back: it is not re-qualified by score.
    let again = ContactInput {
        first_name: "a".into(),
        email: Some("a@example.com".into()),
        lead_score: 95,
        ..ContactInput::default()
    };
    contacts::update(&db, a, &again).unwrap();
    assert_eq!(stage_of(&db, a), Stage::Lead);
    assert_eq!(scoring::qualify_all(&db, now).unwrap(), 0);
    assert_err(handoff::accept(&db, a, "", now), ErrorCode::Conflict, None);

    let ev = handoff::accept(&db, b, "", now).unwrap();
    assert_eq!((ev.stage, ev.actor, ev.reason.as_str()), (Stage::Sql, Actor::Sales, "accepted by sales"));
    // A colleague's second accept of the same MQL is told who answered it and when.
    let again = handoff::accept(&db, b, "", now).unwrap_err();
    assert_eq!(again.code, ErrorCode::Conflict);
    // On a team database the person (here the test's login, who has no people row) beside the role.
    let who = if flywheel_core::testpg::on_postgres() { "flywheel (sales)" } else { "sales" };
    let told = format!("at stage 'sql' (moved there by {who} at 2025-03-02 12:00:00 UTC)");
    assert!(again.message.contains(&told), "{}", again.message);
    assert_err(handoff::reject(&db, 999, "x", now), ErrorCode::NotFound, None);

    // Marketing re-qualifies by hand; the lead is in the queue again.
    mv(&db, a, Stage::Mql, Actor::Marketing, "asked for a quote", "2025-03-03T00:00:00Z");
    let q = handoff::queue(&db, at("2025-03-03T06:00:00Z")).unwrap();
    assert_eq!(q.items.iter().map(|i| i.contact_id).collect::<Vec<_>>(), vec![a]);
}

#[test]
fn the_queue_shows_time_left_and_breaches() {
    let db = temp_db();
    let old = add(
        &db,
        New { name: "old", score: 80, source: "paid_search", ..New::default() },
        "2025-03-01T00:00:00Z",
    );
    let fresh = add(&db, New { name: "fresh", score: 80, ..New::default() }, "2025-03-02T06:00:00Z");
    add(&db, New { name: "cold", score: 10, ..New::default() }, "2025-03-01T00:00:00Z");
    let q = handoff::queue(&db, at("2025-03-02T12:00:00Z")).unwrap();
    assert_eq!((q.sla_hours, q.total, q.breached), (24, 2, 1));
    assert_eq!(q.items[0].contact_id, old, "due first, first");
    assert_eq!(q.items[0].due_at, "2025-03-02T00:00:00Z");
    assert_eq!(q.items[0].seconds_left, -12 * 3600);
    assert!(q.items[0].breached);
    assert_eq!((q.items[0].score, q.items[0].source.as_str()), (80, "paid_search"));
    assert_eq!(q.items[0].qualified_by, Actor::System);
    assert_eq!(q.items[1].contact_id, fresh);
    assert_eq!(q.items[1].seconds_left, 18 * 3600);
    assert!(!q.items[1].breached);

    let view = funnel::contact_funnel(&db, fresh, at("2025-03-02T12:00:00Z")).unwrap();
    assert_eq!(view.sla_seconds_left, Some(18 * 3600));
    assert_eq!(view.score.score, 80);
    assert!(view.moves.iter().any(|m| m.stage == Stage::Lead && m.needs_reason));
}

#[test]
fn moves_follow_the_rules_and_are_recorded() {
    let db = temp_db();
    let id = add(&db, New::default(), "2025-03-01T00:00:00Z");
    let m = mv(&db, id, Stage::Opportunity, Actor::Sales, "", "2025-03-02T00:00:00Z");
    assert_eq!(m.kind, MoveKind::Skip);
    assert_eq!(m.skipped, vec![Stage::Mql, Stage::Sql]);
    let bought = PurchaseInput {
        contact_id: id,
        purchased_on: "2025-03-05".into(),
        amount_minor: 5000,
        currency: "USD".into(),
        product: "Audit".into(),
        quantity: 1,
        external_id: None,
    };
    purchases::create(&db, &bought).unwrap();
    let last = stages::history(&db, id).unwrap().pop().unwrap();
    assert_eq!(
        (last.stage, last.actor),
        (Stage::Customer, Actor::System),
        "a first purchase makes a customer"
    );

    let back = MoveInput { stage: Stage::Opportunity, actor: Actor::Sales, reason: " ".into() };
    assert_invalid(moves::move_contact(&db, id, &back, at("2025-03-06T00:00:00Z")), "reason");
    let m = mv(&db, id, Stage::Opportunity, Actor::Sales, "refunded in full", "2025-03-06T00:00:00Z");
    assert_eq!(m.kind, MoveKind::Back);
    assert_err(
        moves::move_contact(
            &db,
            id,
            &MoveInput { stage: Stage::Opportunity, actor: Actor::Sales, reason: "x".into() },
            at("2025-03-07T00:00:00Z"),
        ),
        ErrorCode::Conflict,
        Some("stage"),
    );
    mv(&db, id, Stage::Lost, Actor::Sales, "", "2025-03-07T00:00:00Z");
    let reopen = MoveInput { stage: Stage::Opportunity, actor: Actor::Sales, reason: String::new() };
    assert_invalid(moves::move_contact(&db, id, &reopen, at("2025-03-08T00:00:00Z")), "reason");
    // A move dated before the history lands just after it instead.
    let m = mv(&db, id, Stage::Opportunity, Actor::Sales, "came back", "2025-01-01T00:00:00Z");
    assert_eq!((m.kind, m.event.at.as_str()), (MoveKind::Reopen, "2025-03-07T00:00:00Z"));
    assert_eq!(contacts::get(&db, id).unwrap().stage_entered_at.as_deref(), Some("2025-03-07T00:00:00Z"));
}

#[test]
fn bulk_moves_are_all_or_nothing_and_skip_who_is_already_there() {
    let db = temp_db();
    let when = "2025-03-01T00:00:00Z";
    let a = add(&db, New { name: "a", ..New::default() }, when);
    let b = add(&db, New { name: "b", ..New::default() }, when);
    let c = add(&db, New { name: "c", stage: Stage::Sql, ..New::default() }, when);
    let to_sql = MoveInput { stage: Stage::Sql, actor: Actor::Sales, reason: String::new() };
    let out = moves::move_many(&db, &[a, b, c, a], &to_sql, at("2025-03-02T00:00:00Z")).unwrap();
    assert_eq!((out.moved, out.unchanged), (2, vec![c]));
    assert!([a, b, c].iter().all(|&id| stage_of(&db, id) == Stage::Sql));

    let d = add(&db, New { name: "d", ..New::default() }, when);
    // Back to lead needs a reason for the SQLs; d is a lead already; nothing moves.
    let to_lead = MoveInput { stage: Stage::Lead, actor: Actor::Marketing, reason: String::new() };
    assert_invalid(moves::move_many(&db, &[d, a, b], &to_lead, at("2025-03-03T00:00:00Z")), "reason");
    assert_eq!(stage_of(&db, a), Stage::Sql);
    // With a reason, a would move, but 999 does not exist: the whole selection stays put.
    let with_reason = MoveInput { reason: "back to nurture".into(), ..to_lead.clone() };
    assert_err(
        moves::move_many(&db, &[a, 999], &with_reason, at("2025-03-03T00:00:00Z")),
        ErrorCode::NotFound,
        None,
    );
    assert_eq!(stage_of(&db, a), Stage::Sql);
    assert_invalid(moves::move_many(&db, &[], &to_lead, at("2025-03-03T00:00:00Z")), "contact_ids");
}

fn query(from: &str, to: &str) -> FunnelQuery {
    FunnelQuery { from: from.into(), to: to.into(), channel: None, segment: None }
}

#[test]
fn the_funnel_report_counts_a_period_by_channel_and_segment() {
    let db = temp_db();
    let now = at("2025-06-01T00:00:00Z");
    // Before March: a lead that qualifies in March.
    let early = add(
        &db,
        New { name: "early", source: "paid_search", segment: "Startup", ..New::default() },
        "2025-02-20T00:00:00Z",
    );
    mv(&db, early, Stage::Mql, Actor::Marketing, "asked for pricing", "2025-03-02T00:00:00Z");
    handoff::accept(&db, early, "", at("2025-03-02T04:00:00Z")).unwrap();
    // March: one accepted late (30 h), one rejected, one bought online at once.
    let late = add(
        &db,
        New { name: "late", score: 80, segment: "startup", ..New::default() },
        "2025-03-05T00:00:00Z",
    );
    handoff::accept(&db, late, "", at("2025-03-06T06:00:00Z")).unwrap();
    let nope = add(&db, New { name: "nope", score: 80, ..New::default() }, "2025-03-05T00:00:00Z");
    handoff::reject(&db, nope, "student", at("2025-03-05T02:00:00Z")).unwrap();
    let shop =
        add(&db, New { name: "shop", source: "paid_search", ..New::default() }, "2025-03-10T00:00:00Z");
    mv(&db, shop, Stage::Customer, Actor::System, "first purchase", "2025-03-11T00:00:00Z");

    let r = figures::report(&db, &query("2025-03-01", "2025-03-31"), now).unwrap();
    assert_eq!(r.as_of, "2025-03-31T23:59:59Z");
    let entered: Vec<i64> = r.stages.iter().map(|s| s.entered).collect();
    assert_eq!(entered, [0, 3, 3, 2, 0, 1]);
    let lead = &r.stages[1];
    assert_eq!(lead.conversion, Some(1.0), "late, nope and shop all moved on");
    assert_eq!(r.stages[2].conversion, Some(2.0 / 3.0));
    assert_eq!(r.stages[2].sent_back, 1);
    assert_eq!(r.stages[2].skipped, 1, "shop skipped MQL");
    assert_eq!(r.stages[1].timed, 4, "early left lead in March after entering it in February");
    let h = &r.handoff;
    assert_eq!((h.handoffs, h.accepted, h.rejected, h.waiting, h.breaches), (3, 2, 1, 0, 1));
    assert_eq!(h.breached[0].name, "late");
    assert_eq!(h.breached[0].hours_over, 6.0);
    assert_eq!(h.median_response_hours, Some(4.0));
    assert_eq!(h.rejection_reasons[0].reason, "student");
    assert_eq!(r.cohorts.len(), 1);
    assert_eq!((r.cohorts[0].month.as_str(), r.cohorts[0].leads), ("2025-03", 3));

    // One channel; one segment (any case).
    let paid = figures::report(
        &db,
        &FunnelQuery { channel: Some("paid_search".into()), ..query("2025-03-01", "2025-03-31") },
        now,
    )
    .unwrap();
    assert_eq!(paid.stages.iter().map(|s| s.entered).collect::<Vec<_>>(), [0, 1, 1, 1, 0, 1]);
    let startups = figures::report(
        &db,
        &FunnelQuery { segment: Some("STARTUP".into()), ..query("2025-03-01", "2025-03-31") },
        now,
    )
    .unwrap();
    assert_eq!(startups.stages[2].entered, 2);
    assert_eq!(funnel::segments(&db).unwrap().len(), 1, "one segment, whatever its case");

    // The empty period and bad filters.
    let empty = figures::report(&db, &query("2024-01-01", "2024-01-31"), now).unwrap();
    assert!(empty.stages.iter().all(|s| s.entered == 0 && s.conversion.is_none()));
    assert_eq!((empty.close_rate, empty.handoff.acceptance_rate), (None, None));
    assert_invalid(
        figures::report(
            &db,
            &FunnelQuery { channel: Some("tv".into()), ..query("2025-03-01", "2025-03-31") },
            now,
        ),
        "channel",
    );
    assert_invalid(figures::report(&db, &query("2025-03-31", "2025-03-01"), now), "to");
}

#[test]
fn the_seeds_channel_spent_200_for_100_visitors_and_returned_600_which_is_300_percent() {
    let db = temp_db();
    let spend = |month: &str, amount_minor, visitors, currency: &str| SpendInput {
        channel_key: "paid_search".into(),
        month: month.into(),
        amount_minor,
        currency: currency.into(),
        visitors,
    };
    channels::set_spend(&db, &spend("2025-03", 20_000, 100, "USD")).unwrap();
    for name in ["ann", "bob"] {
        let id = add(&db, New { name, source: "paid_search", ..New::default() }, "2025-03-05T00:00:00Z");
        let sale = PurchaseInput {
            contact_id: id,
            purchased_on: "2025-03-10".into(),
            amount_minor: 30_000,
            currency: "USD".into(),
            product: "Site".into(),
            quantity: 1,
            external_id: None,
        };
        purchases::create(&db, &sale).unwrap();
    }
    // A lead from another channel, and a purchase in another currency that is left out.
    let other =
        add(&db, New { name: "cy", source: "email_marketing", ..New::default() }, "2025-03-06T00:00:00Z");
    let euro = PurchaseInput {
        contact_id: other,
        purchased_on: "2025-03-12".into(),
        amount_minor: 100,
        currency: "EUR".into(),
        product: "Mug".into(),
        quantity: 1,
        external_id: None,
    };
    purchases::create(&db, &euro).unwrap();

    let now = at("2025-06-01T00:00:00Z");
    let r = channel_figures::report(
        &db,
        &ChannelQuery { from: "2025-03-01".into(), to: "2025-03-31".into() },
        now,
    )
    .unwrap();
    assert_eq!((r.currency.as_str(), r.other_currency_rows), ("USD", 1));
    let paid = r.channels.iter().find(|c| c.channel_key == "paid_search").unwrap();
    assert_eq!((paid.visitors, paid.leads, paid.customers), (100, 2, 2));
    assert_eq!((paid.revenue_minor, paid.spend_minor), (60_000, 20_000));
    assert_eq!(paid.return_on_spend, Some(3.0), "$600 back on $200: 300 %");
    assert_eq!((paid.cost_per_lead_minor, paid.cost_per_customer_minor), (Some(10_000), Some(10_000)));
    let email = r.channels.iter().find(|c| c.channel_key == "email_marketing").unwrap();
    assert_eq!((email.leads, email.customers, email.revenue_minor, email.return_on_spend), (1, 1, 0, None));
    assert_eq!(
        (r.total.leads, r.total.customers, r.total.revenue_minor, r.total.spend_minor),
        (3, 3, 60_000, 20_000)
    );
    assert_eq!(r.channels.len(), 9, "every standard channel is listed");

    // Ten days of March get ten 31sts of its spend.
    let part = channel_figures::report(
        &db,
        &ChannelQuery { from: "2025-03-01".into(), to: "2025-03-10".into() },
        now,
    )
    .unwrap();
    let paid = part.channels.iter().find(|c| c.channel_key == "paid_search").unwrap();
    assert_eq!((paid.spend_minor, paid.visitors), (6452, 32));
    assert_invalid(
        channel_figures::report(&db, &ChannelQuery { from: "x".into(), to: "2025-03-10".into() }, now),
        "from",
    );
}

#[test]
fn a_period_that_ends_today_counts_a_waiting_mql_late_once_its_sla_passes() {
    // The report of a period that runs to today is counted up to the present second; its settled
    // figures are kept between calls, so the clock alone must still turn a waiting MQL into a breach.
    let db = temp_db();
    let waiting = add(&db, New { name: "waiting", score: 80, ..New::default() }, "2025-03-10T08:00:00Z");
    let q = query("2025-03-01", "2025-03-31");
    let soon = figures::report(&db, &q, at("2025-03-10T20:00:00Z")).unwrap();
    assert_eq!((soon.handoff.waiting, soon.handoff.breaches), (1, 0), "12 h of the 24 h SLA gone");
    let late = figures::report(&db, &q, at("2025-03-11T10:00:00Z")).unwrap();
    assert_eq!((late.handoff.waiting, late.handoff.breaches), (1, 1));
    assert_eq!(late.handoff.breached[0].contact_id, waiting);
    assert_eq!(late.handoff.breached[0].hours_over, 2.0, "26 h waited, 2 h past the SLA");
    assert_eq!(late.as_of, "2025-03-11T10:00:00Z");
    assert_eq!(late.stages, soon.stages, "nothing moved in between");

    // An event dated after the first report's moment comes into the window of a later one.
    mv(&db, waiting, Stage::Sql, Actor::Sales, "", "2025-03-12T08:00:00Z");
    let answered = figures::report(&db, &q, at("2025-03-13T00:00:00Z")).unwrap();
    assert_eq!((answered.handoff.waiting, answered.handoff.accepted, answered.handoff.breaches), (0, 1, 1));
    // And the figures as of before that event are still those of before it.
    let before = figures::report(&db, &q, at("2025-03-11T10:00:00Z")).unwrap();
    assert_eq!(before, late);
}

#[test]
fn figures_kept_for_one_moment_are_not_given_for_a_moment_before_a_later_event() {
    let db = temp_db();
    let id = add(&db, New { name: "ann", ..New::default() }, "2025-03-01T00:00:00Z");
    mv(&db, id, Stage::Mql, Actor::Marketing, "asked for pricing", "2025-03-20T00:00:00Z");
    let q = query("2025-03-01", "2025-03-31");
    // Counted as of the 25th the MQL is in; as of the 15th (a clock set back) it is not yet.
    let later = figures::report(&db, &q, at("2025-03-25T00:00:00Z")).unwrap();
    let earlier = figures::report(&db, &q, at("2025-03-15T00:00:00Z")).unwrap();
    assert_eq!(later.stages[Stage::Mql.rank() as usize].entered, 1);
    assert_eq!(earlier.stages[Stage::Mql.rank() as usize].entered, 0);
}
