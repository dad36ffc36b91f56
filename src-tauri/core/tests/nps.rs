mod common;

use common::{assert_err, assert_invalid, contact, count, temp_db};
use flywheel_core::nps::{self, NpsCategory, NpsInput, NpsQuery};
use flywheel_core::{db, time, ErrorCode};

fn answer(contact_id: i64, score: i64, day: &str) -> NpsInput {
    NpsInput { contact_id, score, comment: " Great beans ".into(), answered_on: day.into() }
}

#[test]
fn round_trip_with_derived_category() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let a = nps::create(&db, &answer(ann, 9, " 2024-03-05 ")).unwrap();
    assert_eq!((a.contact_id, a.score, a.category), (ann, 9, NpsCategory::Promoter));
    assert_eq!((a.comment.as_str(), a.answered_on.as_str()), ("Great beans", "2024-03-05"));
    assert_eq!(nps::get(&db, a.id).unwrap(), a);
    assert_eq!(nps::create(&db, &answer(ann, 8, "2024-03-06")).unwrap().category, NpsCategory::Passive);
    assert_eq!(nps::create(&db, &answer(ann, 6, "2024-03-07")).unwrap().category, NpsCategory::Detractor);
}

#[test]
fn inputs_are_validated_with_their_field() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    assert_invalid(nps::create(&db, &answer(ann, -1, "2024-03-05")), "score");
    assert_invalid(nps::create(&db, &answer(ann, 11, "2024-03-05")), "score");
    let next_month = time::format_day(time::today() + chrono::Duration::days(30));
    assert_invalid(nps::create(&db, &answer(ann, 5, &next_month)), "answered_on");
    assert_invalid(nps::create(&db, &answer(ann, 5, "05/03/2024")), "answered_on");
    assert_invalid(nps::create(&db, &answer(ann, 5, "")), "answered_on");
    assert_invalid(nps::create(&db, &answer(999, 5, "2024-03-05")), "contact_id");
    let mut long = answer(ann, 5, "2024-03-05");
    long.comment = "x".repeat(5001);
    assert_invalid(nps::create(&db, &long), "comment");
    assert_eq!(count(&db, "nps_answers"), 0);
    assert!(nps::create(&db, &answer(ann, 0, "2024-03-05")).is_ok());
    assert!(nps::create(&db, &answer(ann, 10, "2024-03-05")).is_ok());
}

#[test]
fn missing_answers_are_not_found() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    assert_err(nps::get(&db, 7), ErrorCode::NotFound, None);
    assert_err(nps::delete(&db, 7), ErrorCode::NotFound, None);
    let a = nps::create(&db, &answer(ann, 9, "2024-03-05")).unwrap();
    nps::delete(&db, a.id).unwrap();
    assert_err(nps::get(&db, a.id), ErrorCode::NotFound, None);
}

#[test]
fn a_failed_batch_leaves_no_answers() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let result = db::with_tx(&db, |c| {
        nps::create(c, &answer(ann, 9, "2024-03-05"))?;
        nps::create(c, &answer(ann, 12, "2024-03-06"))
    });
    assert_invalid(result, "score");
    assert_eq!(count(&db, "nps_answers"), 0);
}

#[test]
fn latest_answer_is_by_day_answered_not_by_entry_order() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    assert_eq!(nps::latest_for_contact(&db, ann).unwrap(), None);
    let newer = nps::create(&db, &answer(ann, 10, "2024-06-01")).unwrap();
    nps::create(&db, &answer(ann, 3, "2024-01-01")).unwrap();
    nps::create(&db, &answer(bob, 7, "2024-12-01")).unwrap();
    assert_eq!(nps::latest_for_contact(&db, ann).unwrap(), Some(newer));
}

#[test]
fn list_filters_by_contact_days_and_category() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let a1 = nps::create(&db, &answer(ann, 10, "2024-01-31")).unwrap().id;
    let a2 = nps::create(&db, &answer(ann, 7, "2024-02-01")).unwrap().id;
    let b1 = nps::create(&db, &answer(bob, 2, "2024-02-29")).unwrap().id;
    let b2 = nps::create(&db, &answer(bob, 9, "2024-03-01")).unwrap().id;
    let ids = |q: NpsQuery| -> Vec<i64> { nps::list(&db, &q).unwrap().items.iter().map(|a| a.id).collect() };

    assert_eq!(ids(NpsQuery::default()), vec![b2, b1, a2, a1]);
    assert_eq!(ids(NpsQuery { contact_id: Some(ann), ..Default::default() }), vec![a2, a1]);
    // Both ends of the range are included.
    let feb =
        NpsQuery { from: Some("2024-02-01".into()), to: Some("2024-02-29".into()), ..Default::default() };
    assert_eq!(ids(feb), vec![b1, a2]);
    assert_eq!(ids(NpsQuery { category: Some(NpsCategory::Promoter), ..Default::default() }), vec![b2, a1]);
    assert_eq!(ids(NpsQuery { category: Some(NpsCategory::Passive), ..Default::default() }), vec![a2]);
    assert_eq!(ids(NpsQuery { category: Some(NpsCategory::Detractor), ..Default::default() }), vec![b1]);
    assert_invalid(nps::list(&db, &NpsQuery { from: Some("soon".into()), ..Default::default() }), "from");
    assert_invalid(nps::list(&db, &NpsQuery { to: Some("2024-13-01".into()), ..Default::default() }), "to");

    let page = nps::list(&db, &NpsQuery { offset: 2, limit: 1, ..Default::default() }).unwrap();
    assert_eq!((page.total, page.limit, page.items[0].id), (4, 1, a2));
}
