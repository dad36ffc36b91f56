mod common;

use common::{assert_err, assert_invalid, contact, count, fail_inserts_into, temp_db};
use flywheel_core::followups::{self, FollowupInput, FollowupKind, FollowupQuery};
use flywheel_core::{contacts, time, ErrorCode};

fn input(contact_id: i64, kind: FollowupKind, due_on: &str) -> FollowupInput {
    FollowupInput { contact_id, kind, title: "Ask how the cake went".into(), due_on: due_on.into() }
}

#[test]
fn create_complete_reopen_delete_round_trip() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let f = followups::create(
        &db,
        &FollowupInput {
            title: "  Ask for a testimonial ".into(),
            ..input(ann, FollowupKind::AskTestimonial, " 2024-03-05 ")
        },
    )
    .unwrap();
    assert_eq!(
        (f.contact_id, f.kind, f.title.as_str()),
        (ann, FollowupKind::AskTestimonial, "Ask for a testimonial")
    );
    assert_eq!((f.due_on.as_str(), f.done_at.as_deref()), ("2024-03-05", None));
    assert_eq!(followups::get(&db, f.id).unwrap(), f);

    let done = followups::complete(&db, f.id).unwrap();
    let done_at = done.done_at.clone().unwrap();
    time::parse_instant("done_at", &done_at).unwrap();
    assert_eq!(followups::get(&db, f.id).unwrap(), done);

    let open = followups::reopen(&db, f.id).unwrap();
    assert_eq!(open, f);

    followups::delete(&db, f.id).unwrap();
    assert_err(followups::get(&db, f.id), ErrorCode::NotFound, None);
}

#[test]
fn due_dates_may_be_in_the_future() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let later = time::format_day(time::today() + chrono::Duration::days(400));
    assert_eq!(followups::create(&db, &input(ann, FollowupKind::Call, &later)).unwrap().due_on, later);
}

#[test]
fn each_field_is_validated() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let ok = input(ann, FollowupKind::Call, "2024-03-05");
    assert_invalid(followups::create(&db, &FollowupInput { contact_id: 999, ..ok.clone() }), "contact_id");
    assert_invalid(followups::create(&db, &FollowupInput { title: "   ".into(), ..ok.clone() }), "title");
    assert_invalid(followups::create(&db, &FollowupInput { title: "x".repeat(201), ..ok.clone() }), "title");
    for day in ["2024-02-30", "tomorrow", ""] {
        assert_invalid(followups::create(&db, &FollowupInput { due_on: day.into(), ..ok.clone() }), "due_on");
    }
    assert_eq!(count(&db, "followups"), 0);
}

#[test]
fn missing_followups_are_not_found() {
    let db = temp_db();
    for r in [followups::get(&db, 42), followups::complete(&db, 42), followups::reopen(&db, 42)] {
        assert_err(r, ErrorCode::NotFound, None);
    }
    assert_err(followups::delete(&db, 42), ErrorCode::NotFound, None);
    assert_eq!(count(&db, "followups"), 0);
}

#[test]
fn a_failed_create_leaves_no_row() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    fail_inserts_into(&db, "followups");
    assert!(followups::create(&db, &input(ann, FollowupKind::Call, "2024-03-05")).is_err());
    assert_eq!(count(&db, "followups"), 0);
}

#[test]
fn lists_show_open_ones_soonest_first() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let bob = contact(&db, "bob@x.co");
    let mk = |c, day: &str| followups::create(&db, &input(c, FollowupKind::Other, day)).unwrap().id;
    let late = mk(ann, "2024-05-01");
    let early = mk(bob, "2024-03-01");
    let tie_a = mk(ann, "2024-04-01");
    let tie_b = mk(bob, "2024-04-01");
    let done = mk(ann, "2024-01-01");
    followups::complete(&db, done).unwrap();

    let ids =
        |q: FollowupQuery| followups::list(&db, &q).unwrap().items.iter().map(|f| f.id).collect::<Vec<_>>();
    // By due day, ties by id; the done one is hidden.
    assert_eq!(ids(FollowupQuery::default()), vec![early, tie_a, tie_b, late]);
    assert_eq!(
        ids(FollowupQuery { include_done: true, ..Default::default() }),
        vec![done, early, tie_a, tie_b, late]
    );
    assert_eq!(ids(FollowupQuery { contact_id: Some(ann), ..Default::default() }), vec![tie_a, late]);
    let all_ann = FollowupQuery { contact_id: Some(ann), include_done: true, ..Default::default() };
    assert_eq!(ids(all_ann), vec![done, tie_a, late]);

    let page = followups::list(&db, &FollowupQuery { offset: 2, limit: 1, ..Default::default() }).unwrap();
    // 4 open in all; the third of them is tie_b.
    assert_eq!((page.total, page.offset, page.limit), (4, 2, 1));
    assert_eq!(page.items.iter().map(|f| f.id).collect::<Vec<_>>(), vec![tie_b]);
}

#[test]
fn open_for_contact_finds_the_soonest_open_one_of_a_kind() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let bob = contact(&db, "bob@x.co");
    assert_eq!(followups::open_for_contact(&db, ann, FollowupKind::AskReferral).unwrap(), None);
    let later = followups::create(&db, &input(ann, FollowupKind::AskReferral, "2024-06-01")).unwrap();
    let sooner = followups::create(&db, &input(ann, FollowupKind::AskReferral, "2024-05-01")).unwrap();
    followups::create(&db, &input(ann, FollowupKind::Call, "2024-01-01")).unwrap();
    followups::create(&db, &input(bob, FollowupKind::AskReferral, "2024-01-01")).unwrap();

    assert_eq!(
        followups::open_for_contact(&db, ann, FollowupKind::AskReferral).unwrap(),
        Some(sooner.clone())
    );
    followups::complete(&db, sooner.id).unwrap();
    assert_eq!(
        followups::open_for_contact(&db, ann, FollowupKind::AskReferral).unwrap(),
        Some(later.clone())
    );
    followups::complete(&db, later.id).unwrap();
    assert_eq!(followups::open_for_contact(&db, ann, FollowupKind::AskReferral).unwrap(), None);
}

#[test]
fn deleting_a_contact_deletes_their_followups() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    followups::create(&db, &input(ann, FollowupKind::Call, "2024-03-05")).unwrap();
    contacts::delete(&db, ann).unwrap();
    assert_eq!(count(&db, "followups"), 0);
}

fn day(offset: i64) -> String {
    time::format_day(time::today() + chrono::Duration::days(offset))
}

#[test]
fn the_agenda_splits_overdue_today_and_upcoming() {
    let db = temp_db();
    let ann = contacts::create(
        &db,
        &contacts::ContactInput {
            first_name: "Ann".into(),
            email: Some("ann@x.co".into()),
            ..Default::default()
        },
    )
    .unwrap()
    .id;
    let mk = |d: &str| followups::create(&db, &input(ann, FollowupKind::Call, d)).unwrap().id;
    let old = mk("2024-03-01");
    let late = mk("2024-03-09");
    let due = mk("2024-03-10");
    let soon = mk("2024-03-13");
    let far = mk("2024-03-30");
    let done = mk("2024-03-10");
    followups::complete(&db, done).unwrap();

    let a = followups::agenda(&db, Some("2024-03-10"), 7).unwrap();
    let ids = |v: &Vec<followups::DueFollowup>| v.iter().map(|d| d.followup.id).collect::<Vec<_>>();
    assert_eq!(a.as_of, "2024-03-10");
    assert_eq!(ids(&a.overdue), vec![old, late]);
    assert_eq!(ids(&a.today), vec![due]);
    assert_eq!(ids(&a.upcoming), vec![soon]);
    assert_eq!(a.today[0].contact_name, "Ann");
    // Nothing upcoming when not asked for; a later day sees the far one.
    assert!(followups::agenda(&db, Some("2024-03-10"), 0).unwrap().upcoming.is_empty());
    assert_eq!(ids(&followups::agenda(&db, Some("2024-03-30"), 0).unwrap().today), vec![far]);
    assert_invalid(followups::agenda(&db, Some("soon"), 7), "as_of");
}

#[test]
fn done_leaves_the_agenda_and_snooze_moves_the_day() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let a = followups::create(&db, &input(ann, FollowupKind::Call, &day(-3))).unwrap();
    let b = followups::create(&db, &input(ann, FollowupKind::Call, &day(0))).unwrap();
    let agenda = followups::agenda(&db, None, 7).unwrap();
    assert_eq!((agenda.as_of.as_str(), agenda.overdue.len(), agenda.today.len()), (day(0).as_str(), 1, 1));

    // Snoozed by a day from today: no longer overdue, upcoming tomorrow.
    assert_eq!(followups::snooze(&db, a.id, &day(1)).unwrap().due_on, day(1));
    followups::complete(&db, b.id).unwrap();
    let agenda = followups::agenda(&db, None, 7).unwrap();
    assert!(agenda.overdue.is_empty() && agenda.today.is_empty());
    assert_eq!(agenda.upcoming.iter().map(|d| d.followup.id).collect::<Vec<_>>(), vec![a.id]);

    // A bad day, a done one and a missing one are refused, and nothing moves.
    assert_invalid(followups::snooze(&db, a.id, "next week"), "due_on");
    assert_invalid(followups::snooze(&db, b.id, &day(7)), "due_on");
    assert_eq!(followups::get(&db, b.id).unwrap().due_on, day(0));
    assert_err(followups::snooze(&db, 42, &day(1)), ErrorCode::NotFound, None);
}

#[test]
fn asking_in_n_days_makes_a_follow_up_due_that_day() {
    use flywheel_core::advocates;
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let bob = contact(&db, "bob@x.co");
    let f = advocates::ask_in_days(&db, ann, FollowupKind::AskTestimonial, 3).unwrap();
    assert_eq!((f.kind, f.due_on.clone()), (FollowupKind::AskTestimonial, day(3)));
    let upcoming = followups::agenda(&db, None, 7).unwrap().upcoming;
    assert_eq!(upcoming.iter().map(|d| d.followup.id).collect::<Vec<_>>(), vec![f.id]);
    assert_eq!(advocates::ask_in_days(&db, bob, FollowupKind::AskReferral, 0).unwrap().due_on, day(0));
    assert_invalid(advocates::ask_in_days(&db, bob, FollowupKind::AskReferral, 400), "days");
    assert_eq!(followups::due_in(7, Some("2024-02-26")).unwrap(), "2024-03-04");
}
