//! Contacts on a real database file: round trip, every validation rule, atomic creation, the list's
//! search, filter, sort and pages, archiving, and the stage history behind the current stage.

mod common;

use common::*;
use flywheel_core::contacts::{self, ContactInput, ContactQuery, ContactSort};
use flywheel_core::stages::{self, Actor, Stage};
use flywheel_core::{time, ErrorCode};

fn input(first: &str, last: &str, email: Option<&str>) -> ContactInput {
    ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(Into::into),
        source: "organic_search".into(),
        ..ContactInput::default()
    }
}

#[test]
fn round_trip_keeps_every_field_and_normalises_email_and_tags() {
    let db = temp_db();
    let mut i = input("  Ann ", "Lee", Some(" Ann.Lee@Example.COM "));
    i.phone = "+1 555 0100".into();
    i.company = "Lee & Co".into();
    i.segment = "startup".into();
    i.tags = vec!["vip".into(), " VIP ".into(), "wholesale".into()];
    i.lead_score = 40;
    i.notes = "Met at the fair.".into();
    i.stage = Some(Stage::Mql);
    let c = contacts::create(&db, &i).unwrap();
    assert_eq!(c.first_name, "Ann");
    assert_eq!(c.email.as_deref(), Some("ann.lee@example.com"));
    assert_eq!(c.tags, vec!["vip", "wholesale"]);
    assert_eq!(c.stage, Stage::Mql);
    assert_eq!(contacts::get(&db, c.id).unwrap(), c);

    let mut edit = i.clone();
    edit.company = "Lee Holdings".into();
    edit.stage = Some(Stage::Customer); // ignored on edit: stages move only by events
    let updated = contacts::update(&db, c.id, &edit).unwrap();
    assert_eq!(updated.company, "Lee Holdings");
    assert_eq!(updated.stage, Stage::Mql);
    assert_eq!(contacts::find_by_email(&db, "ANN.LEE@example.com").unwrap().map(|c| c.id), Some(c.id));
}

#[test]
fn each_validation_rule_names_its_field() {
    let db = temp_db();
    assert_invalid(contacts::create(&db, &input("Ann", "", Some("ann@"))), "email");
    assert_invalid(contacts::create(&db, &input("", "", None)), "first_name");
    let mut i = input("Ann", "", None);
    i.source = "carrier_pigeon".into();
    assert_invalid(contacts::create(&db, &i), "source");
    let mut i = input("Ann", "", None);
    i.lead_score = 101;
    assert_invalid(contacts::create(&db, &i), "lead_score");
    i.lead_score = -1;
    assert_invalid(contacts::create(&db, &i), "lead_score");
    assert_invalid(contacts::create(&db, &input(&"x".repeat(101), "", None)), "first_name");
    let mut i = input("Ann", "", None);
    i.tags = (0..51).map(|n| format!("t{n}")).collect();
    assert_invalid(contacts::create(&db, &i), "tags");
    assert_eq!(count(&db, "contacts"), 0);
}

#[test]
fn a_second_contact_with_the_same_email_is_a_conflict_on_email() {
    let db = temp_db();
    contacts::create(&db, &input("Ann", "", Some("ann@example.com"))).unwrap();
    assert_err(
        contacts::create(&db, &input("Annie", "", Some(" ANN@example.com"))),
        ErrorCode::Conflict,
        Some("email"),
    );
    let bob = contacts::create(&db, &input("Bob", "", Some("bob@example.com"))).unwrap();
    assert_err(
        contacts::update(&db, bob.id, &input("Bob", "", Some("ann@example.com"))),
        ErrorCode::Conflict,
        Some("email"),
    );
}

#[test]
fn a_failed_create_leaves_neither_contact_nor_stage_event() {
    let db = temp_db();
    fail_inserts_into(&db, "stage_events");
    assert!(contacts::create(&db, &input("Ann", "", Some("ann@example.com"))).is_err());
    assert_eq!(count(&db, "contacts"), 0);
    assert_eq!(count(&db, "stage_events"), 0);
}

#[test]
fn missing_contacts_are_not_found() {
    let db = temp_db();
    assert_err(contacts::get(&db, 42), ErrorCode::NotFound, None);
    assert_err(contacts::update(&db, 42, &input("A", "", None)), ErrorCode::NotFound, None);
    assert_err(contacts::delete(&db, 42), ErrorCode::NotFound, None);
    assert_err(
        stages::record(&db, 42, Stage::Mql, Actor::Marketing, "", time::now()),
        ErrorCode::NotFound,
        None,
    );
}

#[test]
fn list_searches_filters_sorts_and_pages() {
    let db = temp_db();
    for (first, last, company) in [
        ("Ann", "Lee", "Acme"),
        ("Bob", "Brown", "Bakery 50%"),
        ("Cid", "Adams", "Acme"),
        ("Dee", "Zhou", "Zeta"),
    ] {
        let mut i = input(first, last, Some(&format!("{}@example.com", first.to_lowercase())));
        i.company = company.into();
        contacts::create(&db, &i).unwrap();
    }
    let q = |search: Option<&str>| ContactQuery { search: search.map(Into::into), ..ContactQuery::default() };

    let all = contacts::list(&db, &q(None)).unwrap();
    let names: Vec<_> = all.items.iter().map(|c| c.last_name.as_str()).collect();
    assert_eq!(names, ["Adams", "Brown", "Lee", "Zhou"], "default sort is by last name");
    assert_eq!(all.total, 4);

    assert_eq!(contacts::list(&db, &q(Some("acme"))).unwrap().total, 2, "company, ignoring case");
    assert_eq!(contacts::list(&db, &q(Some("ann lee"))).unwrap().total, 1, "full name");
    assert_eq!(contacts::list(&db, &q(Some("dee@"))).unwrap().total, 1, "email");
    // % and _ in the search are literal characters, not wildcards.
    assert_eq!(contacts::list(&db, &q(Some("50%"))).unwrap().total, 1);
    assert_eq!(contacts::list(&db, &q(Some("%"))).unwrap().total, 1);

    let by_company_desc = contacts::list(
        &db,
        &ContactQuery { sort: Some(ContactSort::Company), descending: true, ..ContactQuery::default() },
    )
    .unwrap();
    assert_eq!(by_company_desc.items[0].company, "Zeta");

    let page2 =
        contacts::list(&db, &ContactQuery { offset: 2, limit: 2, ..ContactQuery::default() }).unwrap();
    assert_eq!((page2.total, page2.items.len()), (4, 2));
    assert_eq!(page2.items[0].last_name, "Lee");
}

#[test]
fn stage_filter_and_sort_follow_the_latest_event() {
    let db = temp_db();
    let ann = contact_as_of(&db, "ann@example.com", Stage::Lead, "2024-01-01T00:00:00Z");
    let bob = contact_as_of(&db, "bob@example.com", Stage::Lead, "2024-01-01T00:00:00Z");
    let at = |s: &str| time::parse_instant("at", s).unwrap();
    stages::record(&db, ann, Stage::Mql, Actor::Marketing, "score", at("2024-01-05T00:00:00Z")).unwrap();
    stages::record(&db, ann, Stage::Sql, Actor::Sales, "accepted", at("2024-01-06T00:00:00Z")).unwrap();
    // An event recorded late but dated earlier does not become the current stage.
    stages::record(&db, bob, Stage::Customer, Actor::System, "", at("2024-02-01T00:00:00Z")).unwrap();
    stages::record(&db, bob, Stage::Mql, Actor::Marketing, "backfill", at("2024-01-10T00:00:00Z")).unwrap();

    assert_eq!(contacts::get(&db, ann).unwrap().stage, Stage::Sql);
    let bob_now = contacts::get(&db, bob).unwrap();
    assert_eq!(
        (bob_now.stage, bob_now.stage_entered_at.as_deref()),
        (Stage::Customer, Some("2024-02-01T00:00:00Z"))
    );

    let sqls =
        contacts::list(&db, &ContactQuery { stage: Some(Stage::Sql), ..ContactQuery::default() }).unwrap();
    assert_eq!(sqls.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ann]);
    let by_stage =
        contacts::list(&db, &ContactQuery { sort: Some(ContactSort::Stage), ..ContactQuery::default() })
            .unwrap();
    assert_eq!(
        by_stage.items.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ann, bob],
        "SQL comes before customer"
    );

    let history: Vec<_> = stages::history(&db, bob).unwrap().iter().map(|e| e.stage).collect();
    assert_eq!(history, vec![Stage::Lead, Stage::Mql, Stage::Customer], "history is in time order");
}

#[test]
fn archived_contacts_leave_the_list_but_keep_their_history() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    contact(&db, "bob@example.com");
    contacts::set_archived(&db, ann, true).unwrap();
    assert_eq!(contacts::list(&db, &ContactQuery::default()).unwrap().total, 1);
    let with_archived = ContactQuery { include_archived: true, ..ContactQuery::default() };
    assert_eq!(contacts::list(&db, &with_archived).unwrap().total, 2);
    assert!(contacts::get(&db, ann).unwrap().archived);
    assert_eq!(stages::history(&db, ann).unwrap().len(), 1);
    contacts::set_archived(&db, ann, false).unwrap();
    assert_eq!(contacts::list(&db, &ContactQuery::default()).unwrap().total, 2);
}

#[test]
fn deleting_a_contact_removes_what_belongs_to_them() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    contacts::delete(&db, ann).unwrap();
    assert_eq!(count(&db, "contacts"), 0);
    assert_eq!(count(&db, "stage_events"), 0);
}

#[test]
fn a_save_over_a_contact_someone_changed_since_it_opened_is_refused_with_what_changed() {
    let db = temp_db();
    let id = contacts::create(&db, &input("Ada", "Lovelace", Some("ada@example.com"))).unwrap().id;
    // What the form shows when it opens.
    let c = contacts::get(&db, id).unwrap();
    let opened = ContactInput {
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        phone: c.phone,
        company: c.company,
        segment: c.segment,
        tags: c.tags,
        source: c.source,
        lead_score: c.lead_score,
        notes: c.notes,
        stage: None,
        owner: c.owner,
    };

    // A colleague changes the phone while this form is open.
    let theirs = ContactInput { phone: "555-0199".into(), ..opened.clone() };
    contacts::update_from(&db, id, &theirs, Some(&opened)).unwrap();

    // This form saves its notes, from what it opened: refused, saying what changed, nothing written.
    let mine = ContactInput { notes: "prefers email".into(), ..opened.clone() };
    let e = contacts::update_from(&db, id, &mine, Some(&opened)).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some(flywheel_core::stale::FIELD)));
    assert!(e.message.contains("Phone is now “555-0199” (was empty)"), "{}", e.message);
    assert_eq!(contacts::get(&db, id).unwrap().notes, "");

    // "Keep mine": saved again with their version as what it opened.
    let now = ContactInput { phone: "555-0199".into(), ..opened.clone() };
    let saved = contacts::update_from(&db, id, &mine, Some(&now)).unwrap();
    assert_eq!((saved.notes.as_str(), saved.phone.as_str()), ("prefers email", ""));
    // Without what it opened (the CLI, an import) a save is not checked.
    contacts::update(&db, id, &theirs).unwrap();
}
