mod common;

use common::{assert_err, assert_invalid, contact, count, temp_db};
use flywheel_core::consent::ConsentChannel;
use flywheel_core::store::Connection;
use flywheel_core::testimonials::{
    self, ConsentInput, TestimonialInput, TestimonialQuery, TestimonialStatus as S,
};
use flywheel_core::{time, ErrorCode};

fn input(contact_id: i64) -> TestimonialInput {
    TestimonialInput {
        contact_id,
        headline: " Doubled our repeat orders ".into(),
        quote: "Flywheel showed us who comes back.".into(),
        rating: Some(5),
        product: "Coffee club".into(),
        segment: "cafe".into(),
        tags: vec!["vip".into(), " VIP ".into(), "loyalty".into()],
        consent: ConsentInput {
            publish: true,
            named: false,
            share_figures: false,
            channels: vec!["case_study".into(), "website".into()],
            note: String::new(),
            given_at: Some("2024-03-05".into()),
            incentive: "10% off".into(),
        },
    }
}

/// A testimonial taken from received to approved.
fn approved(conn: &Connection, contact_id: i64) -> i64 {
    let t = testimonials::create(conn, &input(contact_id), None).unwrap();
    testimonials::set_status(conn, t.id, S::Approved).unwrap().id
}

#[test]
fn round_trip_cleans_and_keeps_everything() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let t = testimonials::create(&db, &input(ann), None).unwrap();
    assert_eq!(t.status, S::Received);
    assert_eq!(t.headline, "Doubled our repeat orders");
    assert_eq!(t.tags, vec!["vip", "loyalty"]);
    assert_eq!(
        t.consent.channels,
        vec![ConsentChannel::Website, ConsentChannel::CaseStudy],
        "in the set's order"
    );
    assert_eq!(t.consent.given_at.as_deref(), Some("2024-03-05"));
    assert!(t.consent.publish && !t.consent.named);
    assert_eq!(t.consent.incentive, "10% off");
    assert!(t.received_at.is_some() && t.requested_at.is_none() && t.approved_at.is_none());
    assert_eq!(testimonials::get(&db, t.id).unwrap(), t);

    let mut edit = input(ann);
    edit.quote = "Now with numbers.".into();
    edit.consent.given_at = None;
    let edited = testimonials::update(&db, t.id, &edit).unwrap();
    assert_eq!(edited.quote, "Now with numbers.");
    // A blank consent date keeps the one on record while publishing stays agreed.
    assert_eq!(edited.consent.given_at.as_deref(), Some("2024-03-05"));
}

#[test]
fn consent_to_publish_is_dated_now_when_no_date_is_given() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let mut i = input(ann);
    i.consent.given_at = Some("  ".into());
    let t = testimonials::create(&db, &i, None).unwrap();
    let given = time::parse_instant("given_at", t.consent.given_at.as_deref().unwrap()).unwrap();
    assert!((time::now() - given).num_seconds().abs() < 60);
    i.consent.publish = false;
    assert_eq!(testimonials::create(&db, &i, None).unwrap().consent.given_at, None);
}

#[test]
fn full_lifecycle_stamps_each_step() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let t = testimonials::request(&db, ann, "Coffee club", "cafe").unwrap();
    assert_eq!((t.status, t.product.as_str(), t.segment.as_str()), (S::Requested, "Coffee club", "cafe"));
    assert!(t.requested_at.is_some() && t.received_at.is_none());

    let t = testimonials::set_status(&db, t.id, S::Received).unwrap();
    assert!(t.received_at.is_some());
    assert_invalid(testimonials::set_status(&db, t.id, S::Approved), "quote");

    let mut words = input(ann);
    words.rating = None;
    words.consent.publish = false;
    testimonials::update(&db, t.id, &words).unwrap();
    assert_invalid(testimonials::set_status(&db, t.id, S::Approved), "rating");

    words.rating = Some(4);
    testimonials::update(&db, t.id, &words).unwrap();
    let t = testimonials::set_status(&db, t.id, S::Approved).unwrap();
    assert!(t.approved_at.is_some());
    assert_invalid(testimonials::set_status(&db, t.id, S::Published), "consent");
    assert_eq!(testimonials::get(&db, t.id).unwrap().status, S::Approved);

    words.consent.publish = true;
    testimonials::update(&db, t.id, &words).unwrap();
    let t = testimonials::set_status(&db, t.id, S::Published).unwrap();
    assert_eq!(t.status, S::Published);
    assert!(t.published_at.is_some());

    let t = testimonials::set_status(&db, t.id, S::Withdrawn).unwrap();
    assert_eq!(t.status, S::Withdrawn);
    // Taken down by the shop, not by the customer: consent itself stands.
    assert_eq!(t.consent.withdrawn_at, None);
    assert_invalid(testimonials::set_status(&db, t.id, S::Published), "status");
}

#[test]
fn moves_outside_the_lifecycle_are_refused() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let requested = testimonials::request(&db, ann, "", "").unwrap();
    for to in [S::Approved, S::Published, S::Withdrawn, S::Requested] {
        assert_invalid(testimonials::set_status(&db, requested.id, to), "status");
    }
    let declined = testimonials::set_status(&db, requested.id, S::Declined).unwrap();
    assert_eq!(declined.status, S::Declined);
    for to in S::ALL {
        assert_invalid(testimonials::set_status(&db, declined.id, *to), "status");
    }

    let published = approved(&db, ann);
    testimonials::set_status(&db, published, S::Published).unwrap();
    for to in [S::Received, S::Approved, S::Declined] {
        assert_invalid(testimonials::set_status(&db, published, to), "status");
    }
    let received = testimonials::create(&db, &input(ann), None).unwrap();
    let e = testimonials::set_status(&db, received.id, S::Published).unwrap_err();
    assert_eq!(
        e.message,
        "A testimonial that is received can move to approved or declined, not to published."
    );
}

#[test]
fn back_to_received_for_edits_clears_the_approval() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let id = approved(&db, ann);
    let before = testimonials::get(&db, id).unwrap();
    let back = testimonials::set_status(&db, id, S::Received).unwrap();
    assert_eq!(back.status, S::Received);
    assert_eq!(back.approved_at, None);
    assert_eq!(back.received_at, before.received_at);
    assert!(testimonials::set_status(&db, id, S::Approved).unwrap().approved_at.is_some());
}

#[test]
fn withdrawing_consent_takes_it_out_of_use_for_good() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let id = approved(&db, ann);
    testimonials::set_status(&db, id, S::Published).unwrap();
    let t = testimonials::withdraw_consent(&db, id).unwrap();
    assert_eq!(t.status, S::Withdrawn);
    let first = t.consent.withdrawn_at.clone().unwrap();
    assert_eq!(
        testimonials::withdraw_consent(&db, id).unwrap().consent.withdrawn_at.as_deref(),
        Some(&*first)
    );
    assert_invalid(testimonials::set_status(&db, id, S::Approved), "status");

    // Even if a row were put back to approved behind the core's back, it could not be published.
    db.execute("UPDATE testimonials SET status = 'approved' WHERE id = ?1", [id]).unwrap();
    let e = testimonials::set_status(&db, id, S::Published).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("consent"));
    assert!(e.message.contains("withdrew"), "{}", e.message);
}

#[test]
fn inputs_are_validated_with_their_field() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let check = |field: &str, change: &dyn Fn(&mut TestimonialInput)| {
        let mut i = input(ann);
        change(&mut i);
        assert_invalid(testimonials::create(&db, &i, None), field);
    };
    check("rating", &|i| i.rating = Some(0));
    check("rating", &|i| i.rating = Some(6));
    check("quote", &|i| i.quote = "x".repeat(5001));
    check("headline", &|i| i.headline = "x".repeat(201));
    check("tags", &|i| i.tags = (0..51).map(|n| format!("tag{n}")).collect());
    check("contact_id", &|i| i.contact_id = 999);
    check("consent_given_at", &|i| {
        i.consent.given_at = Some(time::format_day(time::today() + chrono::Duration::days(30)))
    });
    check("consent_given_at", &|i| i.consent.given_at = Some("2099-01-01T00:00:00Z".into()));
    check("consent_given_at", &|i| i.consent.given_at = Some("March 5th".into()));
    assert_invalid(testimonials::request(&db, 999, "", ""), "contact_id");
    assert_invalid(testimonials::create(&db, &input(ann), Some(S::Withdrawn)), "status");
    assert_eq!(count(&db, "testimonials"), 0);

    let mut ok = input(ann);
    ok.quote = "x".repeat(5000);
    ok.rating = Some(1);
    assert!(testimonials::create(&db, &ok, None).is_ok());
}

#[test]
fn entering_a_finished_testimonial_must_meet_its_rules_or_leaves_nothing() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let mut i = input(ann);
    i.consent.publish = false;
    assert_invalid(testimonials::create(&db, &i, Some(S::Published)), "consent");
    i.rating = None;
    assert_invalid(testimonials::create(&db, &i, Some(S::Approved)), "rating");
    assert_eq!(count(&db, "testimonials"), 0);

    let t = testimonials::create(&db, &input(ann), Some(S::Published)).unwrap();
    assert!(t.received_at.is_some() && t.approved_at.is_some() && t.published_at.is_some());
    assert_eq!(t.requested_at, None);
}

#[test]
fn an_edit_that_breaks_the_current_status_is_rolled_back() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let id = approved(&db, ann);
    let before = testimonials::get(&db, id).unwrap();
    let mut i = input(ann);
    i.headline = "Changed".into();
    i.quote = "   ".into();
    assert_invalid(testimonials::update(&db, id, &i), "quote");
    assert_eq!(testimonials::get(&db, id).unwrap(), before);

    testimonials::set_status(&db, id, S::Published).unwrap();
    let mut i = input(ann);
    i.consent.publish = false;
    assert_invalid(testimonials::update(&db, id, &i), "consent");
    assert!(testimonials::get(&db, id).unwrap().consent.publish);
}

#[test]
fn missing_testimonials_are_not_found() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    assert_err(testimonials::get(&db, 42), ErrorCode::NotFound, None);
    assert_err(testimonials::update(&db, 42, &input(ann)), ErrorCode::NotFound, None);
    assert_err(testimonials::set_status(&db, 42, S::Approved), ErrorCode::NotFound, None);
    assert_err(testimonials::withdraw_consent(&db, 42), ErrorCode::NotFound, None);
    assert_err(testimonials::delete(&db, 42), ErrorCode::NotFound, None);

    let t = testimonials::create(&db, &input(ann), None).unwrap();
    testimonials::delete(&db, t.id).unwrap();
    assert_err(testimonials::get(&db, t.id), ErrorCode::NotFound, None);
}

#[test]
fn list_filters_sorts_and_pages() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let mut a = input(ann);
    a.tags = vec!["VIP".into()];
    a.quote = "Saved 50% on beans".into();
    let first = testimonials::create(&db, &a, None).unwrap();
    let mut b = input(bob);
    b.segment = "startup".into();
    b.product = "Espresso kit".into();
    b.tags = vec!["vips".into()];
    b.headline = "Fast".into();
    b.quote = "Saved 50 hours".into();
    let second = testimonials::create(&db, &b, Some(S::Approved)).unwrap();
    let third = testimonials::request(&db, bob, "Espresso kit", "startup").unwrap();

    let ids = |q: TestimonialQuery| -> Vec<i64> {
        testimonials::list(&db, &q).unwrap().items.iter().map(|t| t.id).collect()
    };
    assert_eq!(ids(TestimonialQuery::default()), vec![third.id, second.id, first.id]);
    assert_eq!(
        ids(TestimonialQuery { oldest_first: true, ..Default::default() }),
        vec![first.id, second.id, third.id]
    );
    assert_eq!(ids(TestimonialQuery { status: Some(S::Approved), ..Default::default() }), vec![second.id]);
    assert_eq!(ids(TestimonialQuery { contact_id: Some(ann), ..Default::default() }), vec![first.id]);
    assert_eq!(
        ids(TestimonialQuery { segment: Some("STARTUP".into()), ..Default::default() }),
        vec![third.id, second.id]
    );
    assert_eq!(
        ids(TestimonialQuery { product: Some("coffee club".into()), ..Default::default() }),
        vec![first.id]
    );
    // A tag matches a whole tag, ignoring case: "vip" is not "vips".
    assert_eq!(ids(TestimonialQuery { tag: Some("vip".into()), ..Default::default() }), vec![first.id]);
    // "%" is matched literally, over headline and quote.
    assert_eq!(ids(TestimonialQuery { search: Some("50%".into()), ..Default::default() }), vec![first.id]);
    assert_eq!(ids(TestimonialQuery { search: Some("FAST".into()), ..Default::default() }), vec![second.id]);

    let page =
        testimonials::list(&db, &TestimonialQuery { offset: 1, limit: 1, ..Default::default() }).unwrap();
    assert_eq!((page.total, page.items.len(), page.items[0].id), (3, 1, second.id));
}

#[test]
fn receiving_saves_the_words_and_moves_in_one_step() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let asked = testimonials::request(&db, ann, "Coffee club", "cafe").unwrap();
    assert_eq!(asked.status, S::Requested);

    // No words: refused, and it stays requested.
    let blank = TestimonialInput { quote: "  ".into(), ..input(ann) };
    assert_invalid(testimonials::receive(&db, asked.id, &blank), "quote");
    // A channel outside the set: refused, nothing saved, still requested.
    let mut bad = input(ann);
    bad.consent.channels = vec!["billboard".into()];
    assert_invalid(testimonials::receive(&db, asked.id, &bad), "consent_channels");
    let still = testimonials::get(&db, asked.id).unwrap();
    assert_eq!((still.status, still.quote.as_str()), (S::Requested, ""));

    let got = testimonials::receive(&db, asked.id, &input(ann)).unwrap();
    assert_eq!(
        (got.status, got.quote.as_str(), got.rating),
        (S::Received, "Flywheel showed us who comes back.", Some(5))
    );
    assert_eq!(got.consent.channels, vec![ConsentChannel::Website, ConsentChannel::CaseStudy]);
    assert!(got.received_at.is_some());
    // Received already: it cannot be received again.
    assert_invalid(testimonials::receive(&db, asked.id, &input(ann)), "status");
}

#[test]
fn an_edit_over_someone_elses_change_since_the_form_opened_is_refused_with_what_changed() {
    let db = temp_db();
    let c = contact(&db, "ann@example.com");
    let id = testimonials::create(&db, &input(c), Some(S::Received)).unwrap().id;
    let t = testimonials::get(&db, id).unwrap();
    let opened = TestimonialInput {
        contact_id: t.contact_id,
        headline: t.headline.clone(),
        quote: t.quote.clone(),
        rating: t.rating,
        product: t.product.clone(),
        segment: t.segment.clone(),
        tags: t.tags.clone(),
        consent: ConsentInput {
            publish: t.consent.publish,
            named: t.consent.named,
            share_figures: t.consent.share_figures,
            channels: t.consent.channels.iter().map(|c| c.as_str().to_owned()).collect(),
            note: t.consent.note.clone(),
            given_at: t.consent.given_at.clone(),
            incentive: t.consent.incentive.clone(),
        },
    };
    // Unchanged since it opened: saved.
    let fixed =
        TestimonialInput { quote: "Flywheel showed us who comes back, every week.".into(), ..opened.clone() };
    testimonials::update_from(&db, id, &fixed, Some(&opened)).unwrap();
    // The same form saves again from what it first opened: the quote changed since.
    let mine = TestimonialInput { rating: Some(4), ..opened.clone() };
    let e = testimonials::update_from(&db, id, &mine, Some(&opened)).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some(flywheel_core::stale::FIELD)));
    assert!(
        e.message.contains("Quote is now “Flywheel showed us who comes back, every week.”"),
        "{}",
        e.message
    );
    assert_eq!(testimonials::get(&db, id).unwrap().rating, Some(5), "nothing written");
}
