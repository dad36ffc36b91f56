mod common;

use common::{assert_err, assert_invalid, contact_as_of, temp_db};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::coverage::{self, CoverageLine};
use flywheel_core::nps::{self, NpsInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::{self, ReferralInput};
use flywheel_core::stages::Stage;
use flywheel_core::store::Connection;
use flywheel_core::testimonials::{self, ConsentInput, TestimonialInput, TestimonialStatus};
use flywheel_core::timeline::{self, TimelineKind};
use flywheel_core::{time, ErrorCode};

fn buy(conn: &Connection, contact_id: i64, day: &str, product: &str, amount_minor: i64) {
    let input = PurchaseInput { product: product.into(), ..common::purchase(contact_id, day, amount_minor) };
    purchases::create(conn, &input).unwrap();
}

fn in_segment(conn: &Connection, name: &str, segment: &str) -> i64 {
    let input = ContactInput {
        first_name: name.into(),
        email: Some(format!("{name}@example.com")),
        segment: segment.into(),
        ..ContactInput::default()
    };
    contacts::create_at(conn, &input, time::parse_instant("at", "2024-01-01T09:00:00Z").unwrap()).unwrap().id
}

fn testimonial(
    conn: &Connection,
    contact_id: i64,
    segment: &str,
    product: &str,
    status: TestimonialStatus,
) -> i64 {
    let input = TestimonialInput {
        contact_id,
        headline: "Fast and friendly".into(),
        quote: "Worth every penny.".into(),
        rating: Some(5),
        product: product.into(),
        segment: segment.into(),
        consent: ConsentInput { publish: true, named: true, ..ConsentInput::default() },
        ..TestimonialInput::default()
    };
    testimonials::create(conn, &input, Some(status)).unwrap().id
}

fn line(segment: &str, product: &str, approved: i64, customers: i64) -> CoverageLine {
    CoverageLine { segment: segment.into(), product: product.into(), approved, customers }
}

#[test]
fn coverage_per_segment_and_product_and_the_gaps() {
    let db = temp_db();
    let ann = in_segment(&db, "ann", "startup");
    let bob = in_segment(&db, "bob", "startup");
    let cy = in_segment(&db, "cy", "retail");
    let dee = in_segment(&db, "dee", "");
    buy(&db, ann, "2024-02-01", "Website", 100);
    buy(&db, ann, "2024-02-02", "Logo", 100);
    buy(&db, bob, "2024-02-01", "Website", 100);
    buy(&db, cy, "2024-02-01", "Logo", 100);
    buy(&db, dee, "2024-02-01", "Website", 100);
    // Spelled differently from the contacts' segment: names match ignoring case.
    testimonial(&db, ann, "Startup", "Website", TestimonialStatus::Approved);
    testimonial(&db, cy, "retail", "logo", TestimonialStatus::Published);
    // Neither counts: not yet approved, and withdrawn.
    testimonial(&db, bob, "startup", "Website", TestimonialStatus::Received);
    let gone = testimonial(&db, dee, "", "Website", TestimonialStatus::Approved);
    testimonials::withdraw_consent(&db, gone).unwrap();

    let c = coverage::coverage(&db, None).unwrap();
    // dee has no segment; cy's retail has its testimonial; startup has ann's, for 2 customers.
    assert_eq!(c.segments, vec![line("", "", 0, 1), line("retail", "", 1, 1), line("Startup", "", 1, 2)]);
    // Logo: ann and cy bought it, cy's testimonial covers it. Website: ann, bob, dee; ann's.
    assert_eq!(c.products, vec![line("", "logo", 1, 2), line("", "Website", 1, 3)]);
    assert_eq!(
        c.cells,
        vec![
            line("", "Website", 0, 1),
            line("retail", "logo", 1, 1),
            line("startup", "Logo", 0, 1),
            line("Startup", "Website", 1, 2),
        ]
    );
    // The one gap worth asking about: startups who bought a logo (ann). dee's blank segment is no target.
    assert_eq!(c.gaps, vec![line("startup", "Logo", 0, 1)]);
    assert_invalid(coverage::coverage(&db, Some("soon")), "as_of");
}

#[test]
fn nps_score_per_period() {
    let db = temp_db();
    let ids: Vec<i64> = (0..5)
        .map(|i| contact_as_of(&db, &format!("p{i}@example.com"), Stage::Lead, "2024-01-01T00:00:00Z"))
        .collect();
    let answer = |who: usize, score: i64, day: &str| {
        nps::create(
            &db,
            &NpsInput { contact_id: ids[who], score, comment: String::new(), answered_on: day.into() },
        )
        .unwrap();
    };
    // January: 10, 9, 7, 3 → 2 promoters, 1 passive, 1 detractor: (2 − 1) / 4 = 25.
    answer(0, 10, "2024-01-05");
    answer(1, 9, "2024-01-10");
    answer(2, 7, "2024-01-20");
    answer(3, 3, "2024-01-31");
    // February: 6 and 0 → two detractors: −100.
    answer(4, 6, "2024-02-01");
    answer(0, 0, "2024-02-02");
    let jan = nps::score(&db, Some("2024-01-01"), Some("2024-01-31")).unwrap();
    assert_eq!(
        (jan.answers, jan.promoters, jan.passives, jan.detractors, jan.score),
        (4, 2, 1, 1, Some(25.0))
    );
    let feb = nps::score(&db, Some("2024-02-01"), Some("2024-02-29")).unwrap();
    assert_eq!(feb.score, Some(-100.0));
    // Both months: 2 promoters and 3 detractors of 6 → −1/6 × 100.
    let both = nps::score(&db, None, Some("2024-02-29")).unwrap();
    assert_eq!((both.answers, both.from), (6, None));
    assert!((both.score.unwrap() + 100.0 / 6.0).abs() < 1e-9);
    assert_eq!(nps::score(&db, Some("2024-03-01"), Some("2024-03-31")).unwrap().score, None);
    assert_invalid(nps::score(&db, Some("2024-03-01"), Some("2024-02-01")), "from");
}

#[test]
fn a_contact_timeline_has_everything_newest_first() {
    let db = temp_db();
    let ann = contact_as_of(&db, "ann@example.com", Stage::Customer, "2024-01-01T09:00:00Z");
    let bob = contact_as_of(&db, "bob@example.com", Stage::Lead, "2024-03-01T09:00:00Z");
    let cy = contact_as_of(&db, "cy@example.com", Stage::Lead, "2024-04-01T09:00:00Z");
    let referral = |a: i64, b: i64, day: &str| {
        referrals::create(
            &db,
            &ReferralInput { advocate_id: a, referred_id: b, referred_on: day.into(), ..Default::default() },
        )
        .unwrap();
    };
    referral(ann, bob, "2024-03-01");
    buy(&db, bob, "2024-03-10", "Website", 6000);
    nps::create(
        &db,
        &NpsInput { contact_id: bob, score: 9, comment: "Great".into(), answered_on: "2024-03-20".into() },
    )
    .unwrap();
    common::refer(&db, bob, cy, "2024-04-01");
    testimonial(&db, bob, "", "Website", TestimonialStatus::Approved);

    let kinds: Vec<TimelineKind> = timeline::timeline(&db, bob).unwrap().iter().map(|e| e.kind).collect();
    use TimelineKind as K;
    // Testimonial stamps are today's, so they lead; then April's referral, March's answer, the
    // customer stage (an instant sorts after the bare day it falls on), the purchase, bob's first
    // stage and the referral that brought him that day.
    assert_eq!(
        kinds,
        vec![
            K::TestimonialApproved,
            K::TestimonialReceived,
            K::Referred,
            K::Nps,
            K::Stage,
            K::Purchase,
            K::Stage,
            K::ReferredBy
        ]
    );
    let all = timeline::contact_flywheel(&db, bob).unwrap();
    let purchase = all.timeline.iter().find(|e| e.kind == K::Purchase).unwrap();
    assert_eq!(
        (purchase.amount_minor, purchase.currency.as_deref(), purchase.text.as_str()),
        (Some(6000), Some("USD"), "Website")
    );
    let by = all.timeline.iter().find(|e| e.kind == K::ReferredBy).unwrap();
    assert_eq!((by.other_id, by.other_name.as_deref()), (Some(ann), Some("ann")));
    let referred = all.timeline.iter().find(|e| e.kind == K::Referred).unwrap();
    assert_eq!(referred.other_name.as_deref(), Some("cy"));
    // The summary beside it: a customer, an advocate (testimonial, referral, promoter), referred by ann.
    assert_eq!(all.customer.as_ref().map(|c| c.figures.total_spent), Some(6000));
    assert!(all.advocate.advocate);
    assert_eq!(all.advocate.reasons.len(), 3);
    assert_eq!(all.latest_nps.as_ref().map(|a| a.score), Some(9));
    assert_eq!(all.referred_by.as_ref().map(|r| r.advocate_name.as_str()), Some("ann"));
    assert_eq!(all.referrals_made, 1);
    assert_err(timeline::contact_flywheel(&db, 999), ErrorCode::NotFound, None);
}

#[test]
fn board_cards_name_the_giver_and_the_next_moves() {
    let db = temp_db();
    let ann = in_segment(&db, "ann", "startup");
    let id = testimonial(&db, ann, "startup", "Website", TestimonialStatus::Approved);
    let page = coverage::board(&db, &testimonials::TestimonialQuery::default()).unwrap();
    let card = &page.items[0];
    assert_eq!((card.testimonial.id, card.contact_name.as_str()), (id, "ann"));
    assert_eq!(
        card.next,
        vec![TestimonialStatus::Published, TestimonialStatus::Withdrawn, TestimonialStatus::Received]
    );
}

#[test]
fn a_new_contact_can_be_referred_in_one_step() {
    let db = temp_db();
    let ann = in_segment(&db, "ann", "");
    let person = ContactInput {
        first_name: "Zoe".into(),
        email: Some("zoe@example.com".into()),
        ..ContactInput::default()
    };
    let input =
        ReferralInput { advocate_id: ann, referred_on: "2024-03-01".into(), ..ReferralInput::default() };
    let r = referrals::create_for_new_contact(&db, &person, &input).unwrap();
    let zoe = contacts::get(&db, r.referred_id).unwrap();
    assert_eq!((zoe.first_name.as_str(), zoe.source.as_str(), r.advocate_id), ("Zoe", "referrals", ann));
    // Both or neither: a bad referral leaves no contact behind, a bad contact no referral.
    let before = common::count(&db, "contacts");
    let bad_day = ReferralInput { referred_on: "soon".into(), ..input.clone() };
    let other = ContactInput { first_name: "Yan".into(), ..ContactInput::default() };
    assert_invalid(referrals::create_for_new_contact(&db, &other, &bad_day), "referred_on");
    let taken = ContactInput { email: Some("zoe@example.com".into()), ..other };
    assert_err(referrals::create_for_new_contact(&db, &taken, &input), ErrorCode::Conflict, Some("email"));
    assert_eq!((common::count(&db, "contacts"), common::count(&db, "referrals")), (before, 1));
}
