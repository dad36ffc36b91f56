mod common;

use common::{assert_err, buy, contact_as_of, refer, temp_db};
use flywheel_core::advocates::{self, AdvocateReason, ReadyKind};
use flywheel_core::chains::{self, Generation, ReferralStatus};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::flywheel::{self, LoopQuery};
use flywheel_core::followups::FollowupKind;
use flywheel_core::nps::{self, NpsInput};
use flywheel_core::referrals::ReferralQuery;
use flywheel_core::stages::Stage;
use flywheel_core::store::Connection;
use flywheel_core::testimonials::{self, TestimonialInput, TestimonialStatus};
use flywheel_core::{time, ErrorCode};

fn answer(conn: &Connection, contact_id: i64, score: i64, day: &str) {
    nps::create(conn, &NpsInput { contact_id, score, comment: String::new(), answered_on: day.into() })
        .unwrap();
}

fn person(conn: &Connection, first: &str, last: &str, source: &str, at: &str) -> i64 {
    let input = ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        source: source.into(),
        ..ContactInput::default()
    };
    contacts::create_at(conn, &input, time::parse_instant("at", at).unwrap()).unwrap().id
}

/// An approved testimonial, approved on `at` (entered as it stood then).
fn approved_testimonial(conn: &Connection, contact_id: i64, at: &str) -> i64 {
    let input = TestimonialInput {
        contact_id,
        quote: "They rebuilt our shop in a week.".into(),
        rating: Some(5),
        product: "Website".into(),
        segment: "retail".into(),
        ..TestimonialInput::default()
    };
    let id = testimonials::create(conn, &input, Some(TestimonialStatus::Approved)).unwrap().id;
    conn.execute("UPDATE testimonials SET approved_at = ?2 WHERE id = ?1", rusqlite::params![id, at])
        .unwrap();
    id
}

#[allow(dead_code)]
struct Shop {
    ann: i64,
    bob: i64,
    cy: i64,
    dee: i64,
    eve: i64,
    fay: i64,
    gus: i64,
    hal: i64,
    alias: i64,
    ivy: i64,
}

/// ann (a repeat customer with an approved testimonial) referred bob and cy; bob referred dee,
/// who referred eve: three generations. fay is a promoter, gus a detractor; hal referred himself
/// under another address; ivy came from "Referrals" without a referral on record.
fn shop(conn: &Connection) -> Shop {
    let old = |email: &str| contact_as_of(conn, email, Stage::Lead, "2023-12-01T09:00:00Z");
    let (ann, fay, gus) = (old("ann@example.com"), old("fay@example.com"), old("gus@example.com"));
    let hal = person(conn, "Hal", "Jones", "", "2023-12-01T09:00:00Z");
    let bob = contact_as_of(conn, "bob@example.com", Stage::Lead, "2024-03-01T09:00:00Z");
    let cy = contact_as_of(conn, "cy@example.com", Stage::Lead, "2024-03-05T09:00:00Z");
    let dee = contact_as_of(conn, "dee@example.com", Stage::Lead, "2024-04-01T09:00:00Z");
    let eve = contact_as_of(conn, "eve@example.com", Stage::Lead, "2024-05-01T09:00:00Z");
    let alias = person(conn, "hal", "JONES", "", "2024-02-01T09:00:00Z");
    let ivy = person(conn, "Ivy", "", "referrals", "2024-06-01T09:00:00Z");

    buy(conn, ann, "2024-01-10", 5000);
    buy(conn, ann, "2024-02-10", 5000);
    buy(conn, fay, "2024-01-05", 2000);
    buy(conn, gus, "2024-02-01", 4000);
    buy(conn, hal, "2024-01-20", 1500);
    approved_testimonial(conn, ann, "2024-02-15T10:00:00Z");
    refer(conn, ann, bob, "2024-03-01");
    refer(conn, ann, cy, "2024-03-05");
    refer(conn, hal, alias, "2024-02-01");
    buy(conn, bob, "2024-03-10", 6000);
    refer(conn, bob, dee, "2024-04-01");
    buy(conn, dee, "2024-04-15", 3000);
    refer(conn, dee, eve, "2024-05-01");
    buy(conn, eve, "2024-05-20", 1000);
    answer(conn, gus, 5, "2024-03-01");
    answer(conn, bob, 8, "2024-04-20");
    answer(conn, ann, 9, "2024-05-01");
    answer(conn, fay, 10, "2024-06-01");
    Shop { ann, bob, cy, dee, eve, fay, gus, hal, alias, ivy }
}

fn first_half() -> LoopQuery {
    LoopQuery { from: Some("2024-01-01".into()), to: Some("2024-06-30".into()) }
}

#[test]
fn the_loop_of_a_period() {
    let db = temp_db();
    shop(&db);
    let f = flywheel::figures(&db, &first_half()).unwrap();
    // Customers by 30 June: ann, bob, dee, eve, fay, gus, hal. Only ann bought on two days.
    assert_eq!((f.customers, f.repeat_customers, f.repeat_customer_rate), (7, 1, Some(1.0 / 7.0)));
    // Advocates: ann (testimonial, referrals, promoter), bob and dee (referred someone), fay
    // (promoter). Not gus (detractor), not hal (his only referral is of himself), not eve.
    assert_eq!((f.advocates, f.advocate_rate), (4, Some(4.0 / 7.0)));
    // Referrals of the period: ann→bob, ann→cy, bob→dee, dee→eve (hal's is flagged); by ann, bob, dee.
    assert_eq!((f.referrers, f.referred_leads), (3, 4));
    // bob, dee and eve bought after being referred; cy did not: 3 of 4.
    assert_eq!((f.referred_customers, f.referral_conversion), (3, Some(0.75)));
    // K = 4 referrals / 7 customers × 3/4 = 3/7.
    assert_eq!(f.referrals_per_customer, Some(4.0 / 7.0));
    assert!((f.viral_k.unwrap() - 3.0 / 7.0).abs() < 1e-12);
    // New contacts in the period: bob, cy, dee, eve, hal's alias, ivy. From referrals: bob, cy,
    // dee, eve (a referral names them) and ivy (source Referrals); not the self-referred alias.
    assert_eq!((f.new_leads, f.referred_new_leads, f.loop_closure), (6, 5, Some(5.0 / 6.0)));
    // Revenue: ann 50 + 50, fay 20, gus 40, hal 15, bob 60, dee 30, eve 10 = 275.00; the referred
    // bob, dee and eve spent 100.00 of it.
    assert_eq!((f.revenue, f.referred_revenue), (27_500, 10_000));
    assert_eq!(f.referred_revenue_share, Some(10_000.0 / 27_500.0));
    assert_eq!(
        (f.from.as_deref(), f.to.as_str(), f.currency.as_str()),
        (Some("2024-01-01"), "2024-06-30", "USD")
    );
}

#[test]
fn a_past_period_reproduces_the_loop_then() {
    let db = temp_db();
    shop(&db);
    let q = LoopQuery { from: Some("2024-01-01".into()), to: Some("2024-03-31".into()) };
    let f = flywheel::figures(&db, &q).unwrap();
    // By 31 March: ann, fay, gus, hal and bob had bought; only ann was an advocate yet (fay's
    // promoter answer and bob's referral came later).
    assert_eq!((f.customers, f.advocates, f.referred_leads, f.referred_customers), (5, 1, 2, 1));
    // New contacts: the alias, bob and cy; bob and cy were referred.
    assert_eq!((f.new_leads, f.referred_new_leads), (3, 2));
    // Without a start, the period runs from the beginning: ann, fay, gus and hal are new too.
    let all = flywheel::figures(&db, &LoopQuery { from: None, to: Some("2024-03-31".into()) }).unwrap();
    assert_eq!((all.new_leads, all.referred_new_leads, all.from), (7, 2, None));
    let bad = LoopQuery { from: Some("2024-04-01".into()), to: Some("2024-03-31".into()) };
    common::assert_invalid(flywheel::figures(&db, &bad), "from");
}

#[test]
fn an_empty_shop_has_no_rates_and_k_zero_without_referrals() {
    let db = temp_db();
    let f = flywheel::figures(&db, &first_half()).unwrap();
    assert_eq!((f.customers, f.advocate_rate, f.loop_closure, f.viral_k), (0, None, None, None));
    let ann = contact_as_of(&db, "ann@example.com", Stage::Lead, "2024-01-01T09:00:00Z");
    buy(&db, ann, "2024-01-10", 100);
    let f = flywheel::figures(&db, &first_half()).unwrap();
    assert_eq!((f.customers, f.referral_conversion, f.viral_k), (1, None, Some(0.0)));
}

#[test]
fn advocate_status_is_derived() {
    let db = temp_db();
    let s = shop(&db);
    let day = Some("2024-06-30");
    let ann = advocates::status(&db, s.ann, day).unwrap();
    assert!(ann.customer && ann.advocate);
    assert_eq!(
        ann.reasons,
        vec![AdvocateReason::Testimonial, AdvocateReason::Referral, AdvocateReason::Promoter]
    );
    let gus = advocates::status(&db, s.gus, day).unwrap();
    assert!(gus.customer && !gus.advocate && gus.reasons.is_empty());
    // A self-referral is no advocacy.
    assert!(!advocates::status(&db, s.hal, day).unwrap().advocate);
    // cy never bought: not a customer, so not an advocate.
    let cy = advocates::status(&db, s.cy, day).unwrap();
    assert!(!cy.customer && !cy.advocate);
    // On 1 February ann had bought but not yet been approved or referred anyone.
    let early = advocates::status(&db, s.ann, Some("2024-02-01")).unwrap();
    assert!(early.customer && !early.advocate);
    // Withdrawing the testimonial today leaves the past as it was, and today without it.
    let t = testimonials::list(&db, &Default::default()).unwrap().items[0].id;
    testimonials::withdraw_consent(&db, t).unwrap();
    assert!(advocates::status(&db, s.ann, day).unwrap().reasons.contains(&AdvocateReason::Testimonial));
    assert!(!advocates::status(&db, s.ann, None).unwrap().reasons.contains(&AdvocateReason::Testimonial));
    assert_err(advocates::status(&db, 999, day), ErrorCode::NotFound, None);
}

#[test]
fn a_chain_of_three_generations() {
    let db = temp_db();
    let s = shop(&db);
    let view = chains::chain(&db, s.ann, Some("2024-06-30")).unwrap();
    let gen = |depth, referrals, leads, customers, revenue| Generation {
        depth,
        referrals,
        leads,
        customers,
        lost: 0,
        revenue,
    };
    // 1st: bob (bought 60.00) and cy (still a lead); 2nd: dee (30.00); 3rd: eve (10.00).
    assert_eq!(view.generations, vec![gen(1, 2, 1, 1, 6000), gen(2, 1, 0, 1, 3000), gen(3, 1, 0, 1, 1000)]);
    assert_eq!(view.total, gen(0, 4, 1, 3, 10_000));
    let people: Vec<(i64, i64, ReferralStatus)> =
        view.nodes.iter().map(|n| (n.depth, n.referred_id, n.status)).collect();
    assert_eq!(
        people,
        vec![
            (1, s.bob, ReferralStatus::Customer),
            (1, s.cy, ReferralStatus::Lead),
            (2, s.dee, ReferralStatus::Customer),
            (3, s.eve, ReferralStatus::Customer),
        ]
    );
    assert_eq!(view.advocate_name, "ann");
    // As of 10 April, eve had not been referred and dee had not bought.
    let then = chains::chain(&db, s.ann, Some("2024-04-10")).unwrap();
    assert_eq!(then.total, gen(0, 3, 2, 1, 6000));
    // The self-referral is shown but counted nowhere.
    let hal = chains::chain(&db, s.hal, Some("2024-06-30")).unwrap();
    assert_eq!((hal.nodes.len(), hal.nodes[0].flagged_self_referral, hal.total.referrals), (1, true, 0));
}

#[test]
fn referral_rows_carry_names_status_and_revenue() {
    let db = temp_db();
    let s = shop(&db);
    let q = ReferralQuery { advocate_id: Some(s.ann), ..Default::default() };
    let page = chains::rows(&db, &q, Some("2024-06-30")).unwrap();
    let got: Vec<(&str, &str, ReferralStatus, bool, i64)> = page
        .items
        .iter()
        .map(|r| (r.advocate_name.as_str(), r.referred_name.as_str(), r.status, r.converted, r.revenue))
        .collect();
    // Newest first: cy (5 March), bob (1 March).
    assert_eq!(
        got,
        vec![
            ("ann", "cy", ReferralStatus::Lead, false, 0),
            ("ann", "bob", ReferralStatus::Customer, true, 6000)
        ]
    );
    assert_eq!(page.total, 2);
    // Before bob bought he was a lead.
    let early = chains::rows(&db, &q, Some("2024-03-05")).unwrap();
    assert_eq!((early.items[1].status, early.items[1].converted), (ReferralStatus::Lead, false));
}

#[test]
fn the_leaderboard_and_the_sankey() {
    let db = temp_db();
    let s = shop(&db);
    let r = flywheel::report(&db, &first_half()).unwrap();
    let board: Vec<(i64, i64, i64, i64, i64, bool, bool)> = r
        .leaderboard
        .iter()
        .map(|l| {
            (
                l.contact_id,
                l.referrals,
                l.referred_customers,
                l.referred_revenue,
                l.downstream_customers,
                l.testimonial,
                l.promoter,
            )
        })
        .collect();
    // One referred customer each; then by the revenue they brought: ann 60, bob 30, dee 10.
    // Downstream: below ann are dee and eve, below bob eve.
    assert_eq!(
        board,
        vec![
            (s.ann, 2, 1, 6000, 2, true, true),
            (s.bob, 1, 1, 3000, 1, false, false),
            (s.dee, 1, 1, 1000, 0, false, false),
        ]
    );
    let link = |from: String, to: String| {
        r.sankey.links.iter().any(|l| l.source == from && l.target == to && l.value == 1)
    };
    assert!(link(format!("a{}", s.ann), format!("l{}", s.cy)));
    assert!(link(format!("l{}", s.cy), "slead".into()));
    assert!(link(format!("l{}", s.bob), "scustomer".into()));
    assert!(link(format!("a{}", s.dee), format!("l{}", s.eve)));
    assert_eq!(r.sankey.links.len(), 8);
    let statuses: Vec<&str> =
        r.sankey.nodes.iter().filter(|n| n.status.is_some()).map(|n| n.id.as_str()).collect();
    assert_eq!(statuses, vec!["slead", "scustomer"]);
    // The report carries the loop figures at the top level, and NPS of the period: answers 5, 8,
    // 9 and 10 → 2 promoters, 1 detractor of 4 → (2 − 1) / 4 = 25.
    assert_eq!((r.figures.customers, r.repeat.customers), (7, 7));
    assert_eq!(
        (r.nps.answers, r.nps.promoters, r.nps.passives, r.nps.detractors, r.nps.score),
        (4, 2, 1, 1, Some(25.0))
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!((json["customers"].as_i64(), json["repeat_customers"].as_i64()), (Some(7), Some(1)));
    assert_eq!(json["revenue"].as_i64(), Some(27_500));
}

#[test]
fn who_to_ask_next() {
    let db = temp_db();
    let s = shop(&db);
    let list = advocates::readiness(&db, Some("2024-06-30"), 10).unwrap();
    // Not yet acting as advocates: eve, fay and hal (gus is a detractor, ann, bob and dee have
    // referred someone).
    assert_eq!(list.candidates, 3);
    let ranked: Vec<(i64, i64)> = list.items.iter().map(|r| (r.contact_id, r.score)).collect();
    // fay: promoter 29 days ago (3) + not asked (1) = 4. eve and hal: not asked (1); eve bought
    // more recently (20 May against 20 January), so she comes first.
    assert_eq!(ranked, vec![(s.fay, 4), (s.eve, 1), (s.hal, 1)]);
    let fay = &list.items[0];
    assert_eq!(
        fay.reasons.iter().map(|r| r.kind).collect::<Vec<_>>(),
        vec![ReadyKind::RecentPromoter, ReadyKind::NotAsked]
    );
    assert_eq!((fay.reasons[0].value, fay.reasons[0].day.as_deref()), (10, Some("2024-06-01")));
    // Each shown with their name: hal has no email, so his name is all there is.
    let names: Vec<(&str, Option<&str>)> =
        list.items.iter().map(|r| (r.name.as_str(), r.email.as_deref())).collect();
    assert_eq!(
        names,
        vec![("fay", Some("fay@example.com")), ("eve", Some("eve@example.com")), ("Hal Jones", None)]
    );
    // An archived customer is nobody to ask.
    flywheel_core::contacts::set_archived(&db, s.hal, true).unwrap();
    let archived = advocates::readiness(&db, Some("2024-06-30"), 10).unwrap();
    assert_eq!((archived.candidates, archived.items.iter().any(|r| r.contact_id == s.hal)), (2, false));
    flywheel_core::contacts::set_archived(&db, s.hal, false).unwrap();

    // One click: the follow-up, and the testimonial requested for her latest product.
    let f = advocates::ask(&db, s.fay, FollowupKind::AskTestimonial, Some("2024-07-01")).unwrap();
    assert_eq!(
        (f.title.as_str(), f.due_on.as_str(), f.done_at),
        ("Ask fay for a testimonial", "2024-07-01", None)
    );
    let requested = testimonials::list(
        &db,
        &testimonials::TestimonialQuery { contact_id: Some(s.fay), ..Default::default() },
    )
    .unwrap();
    assert_eq!(
        (requested.items[0].status, requested.items[0].product.as_str()),
        (TestimonialStatus::Requested, "Website")
    );
    let after = advocates::readiness(&db, Some("2024-06-30"), 10).unwrap();
    assert_eq!(
        (after.items[0].contact_id, after.items[0].score, after.items[0].open_request),
        (s.fay, 3, true)
    );
    // Nobody is asked twice.
    assert_err(
        advocates::ask(&db, s.fay, FollowupKind::AskReferral, None),
        ErrorCode::Conflict,
        Some("contact_id"),
    );
    common::assert_invalid(advocates::ask(&db, s.eve, FollowupKind::Call, None), "kind");
    common::assert_invalid(advocates::ask(&db, 999, FollowupKind::AskReferral, None), "contact_id");
    let r = advocates::ask(&db, s.eve, FollowupKind::AskReferral, None).unwrap();
    assert_eq!(r.title, "Ask eve for a referral");
}
