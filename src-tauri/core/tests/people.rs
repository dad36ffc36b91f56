//! People, owners and who did it, on both engines (a solo file and, with
//! `FLYWHEEL_TEST_ENGINE=postgres`, a team database): a contact's owner through the contacts'
//! write path, the handoff queue of "mine" and "everyone's", the handoff per salesperson with
//! figures worked by hand, the timeline naming who moved a stage, and HubSpot's `Contact Owner` in
//! the leads export. The grants of each role are `cli/tests/people.rs`'s (real logins).

mod common;

use common::{assert_invalid, contact_as_of, named_contact, temp_db};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::export::leads::{self, LeadFilter, LeadFormat};
use flywheel_core::export::{self, Watch};
use flywheel_core::funnel::by_person::{handoff_by_person, PersonHandoff};
use flywheel_core::funnel::handoff;
use flywheel_core::people::{self, Role};
use flywheel_core::referrals::{self, ReferralInput};
use flywheel_core::stages::{self, Stage};
use flywheel_core::store::Engine;
use flywheel_core::testimonials::{self, ConsentInput, TestimonialInput, TestimonialStatus};
use flywheel_core::timeline::{self, TimelineKind};
use flywheel_core::{time, Connection};
use std::sync::atomic::AtomicBool;

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    time::parse_instant("at", text).unwrap()
}

fn team(conn: &Connection) {
    people::upsert(conn, "sam", "Sam Sales", Some("sam@shop.example"), Role::Sales).unwrap();
    people::upsert(conn, "kim", "Kim Keen", Some("kim@shop.example"), Role::Sales).unwrap();
}

fn own(conn: &Connection, id: i64, owner: Option<&str>) -> contacts::Contact {
    let c = contacts::get(conn, id).unwrap();
    let input = ContactInput {
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        source: c.source,
        owner: owner.map(str::to_owned),
        ..ContactInput::default()
    };
    contacts::update(conn, id, &input).unwrap()
}

/// The login recorded on the stage events of `id` that entered `stage`.
fn done_by(conn: &Connection, id: i64, stage: Stage, login: &str) {
    conn.execute(
        "UPDATE stage_events SET done_by = ?3 WHERE contact_id = ?1 AND stage = ?2",
        flywheel_core::store::params_from_iter([id.to_string(), stage.as_str().to_owned(), login.to_owned()]),
    )
    .unwrap();
}

#[test]
fn a_contact_has_an_owner_among_the_people_or_none() {
    let db = temp_db();
    let ann = named_contact(&db, "Ann", "Lee", Some("ann@example.com"));
    assert_eq!(contacts::get(&db, ann).unwrap().owner, None);
    // No such person (a solo file has none at all).
    let c = contacts::get(&db, ann).unwrap();
    let input =
        ContactInput { first_name: c.first_name, owner: Some("sam".into()), ..ContactInput::default() };
    assert_invalid(contacts::update(&db, ann, &input), "owner");
    team(&db);
    assert_eq!(own(&db, ann, Some(" sam ")).owner.as_deref(), Some("sam"));
    let bob = contacts::create(
        &db,
        &ContactInput { first_name: "Bob".into(), owner: Some("kim".into()), ..ContactInput::default() },
    )
    .unwrap();
    assert_eq!(bob.owner.as_deref(), Some("kim"));
    // Blank is none.
    assert_eq!(own(&db, ann, Some("")).owner, None);
    // A person removed leaves their contacts unowned.
    db.execute("DELETE FROM people WHERE login = 'kim'", []).unwrap();
    assert_eq!(contacts::get(&db, bob.id).unwrap().owner, None);
}

#[test]
fn the_queue_is_mine_or_everyones() {
    let db = temp_db();
    team(&db);
    let now = at("2026-03-02T12:00:00Z");
    let a = contact_as_of(&db, "a@example.com", Stage::Mql, "2026-03-01T09:00:00Z");
    let b = contact_as_of(&db, "b@example.com", Stage::Mql, "2026-03-02T09:00:00Z");
    let c = contact_as_of(&db, "c@example.com", Stage::Mql, "2026-02-20T09:00:00Z");
    own(&db, a, Some("sam"));
    own(&db, b, Some("kim"));
    let everyone = handoff::queue(&db, now).unwrap();
    assert_eq!((everyone.total, everyone.breached), (3, 2));
    let owners: Vec<(i64, Option<String>)> =
        everyone.items.iter().map(|i| (i.contact_id, i.owner.clone())).collect();
    assert_eq!(owners, [(c, None), (a, Some("Sam Sales".into())), (b, Some("Kim Keen".into()))]);
    let sams = handoff::queue_of(&db, now, Some("sam")).unwrap();
    assert_eq!((sams.total, sams.breached), (1, 1));
    assert_eq!(sams.items.iter().map(|i| i.contact_id).collect::<Vec<_>>(), [a]);
    assert_eq!(handoff::queue_of(&db, now, Some("nobody")).unwrap().total, 0);
}

/// Two salespeople answer January's MQLs (SLA 24 h). Worked by hand:
/// - Sam accepts in 2 h and sends one back after 30 h (6 h late); he owns an MQL waiting since
///   20 January, past the SLA at the end of the month: answered 2, median (2 + 30) / 2 = 16 h,
///   1 breach, 1 waiting past the SLA.
/// - Kim accepts in 4 h, 48 h (late) and 1 h: answered 3, median 4 h, 1 breach.
#[test]
fn the_handoff_per_salesperson_has_the_figures_worked_by_hand() {
    let db = temp_db();
    team(&db);
    let answers: [(&str, &str, &str, Option<&str>); 5] = [
        ("2026-01-05T09:00:00Z", "2026-01-05T11:00:00Z", "sam", None),
        ("2026-01-06T09:00:00Z", "2026-01-07T15:00:00Z", "sam", Some("no budget")),
        ("2026-01-08T09:00:00Z", "2026-01-08T13:00:00Z", "kim", None),
        ("2026-01-09T09:00:00Z", "2026-01-11T09:00:00Z", "kim", None),
        ("2026-01-10T09:00:00Z", "2026-01-10T10:00:00Z", "kim", None),
    ];
    for (i, (mql, answered, by, rejected)) in answers.into_iter().enumerate() {
        let id = contact_as_of(&db, &format!("lead{i}@example.com"), Stage::Mql, mql);
        let stage = match rejected {
            Some(why) => handoff::reject(&db, id, why, at(answered)).unwrap().stage,
            None => handoff::accept(&db, id, "", at(answered)).unwrap().stage,
        };
        done_by(&db, id, stage, by);
    }
    let waiting = contact_as_of(&db, "waiting@example.com", Stage::Mql, "2026-01-20T09:00:00Z");
    own(&db, waiting, Some("sam"));
    let rows = handoff_by_person(&db, "2026-01-01", "2026-01-31", at("2026-02-15T00:00:00Z")).unwrap();
    assert_eq!(
        rows,
        [
            PersonHandoff {
                login: "kim".into(),
                name: "Kim Keen".into(),
                answered: 3,
                accepted: 3,
                rejected: 0,
                median_response_hours: Some(4.0),
                breaches: 1,
                waiting_past_sla: 0,
            },
            PersonHandoff {
                login: "sam".into(),
                name: "Sam Sales".into(),
                answered: 2,
                accepted: 1,
                rejected: 1,
                median_response_hours: Some(16.0),
                breaches: 1,
                waiting_past_sla: 1,
            },
        ]
    );
    // Up to the 9th: Sam's two answers and Kim's first (her second MQL, of the 9th, is answered on
    // the 11th: at the end of the 9th it waits, 15 h in, within the SLA; the third came on the 10th).
    let week = handoff_by_person(&db, "2026-01-01", "2026-01-09", at("2026-02-15T00:00:00Z")).unwrap();
    let counts: Vec<(&str, i64)> = week.iter().map(|r| (r.login.as_str(), r.answered)).collect();
    assert_eq!(counts, [("kim", 1), ("sam", 2)]);
}

#[test]
fn the_timeline_names_who_moved_the_stage() {
    let db = temp_db();
    let id = contact_as_of(&db, "lead@example.com", Stage::Mql, "2026-01-05T09:00:00Z");
    let accepted = handoff::accept(&db, id, "", at("2026-01-05T11:00:00Z")).unwrap();
    // The accept names who did it: the login on a team database, no one on a solo file.
    assert_eq!(accepted.by, people::login(&db).unwrap());
    // And its own row's id (on PostgreSQL an INSERT … SELECT once handed back a stale one).
    let newest: i64 =
        db.query_row("SELECT max(id) FROM stage_events WHERE contact_id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(accepted.id, newest);
    let by = |db: &Connection| -> Vec<Option<String>> {
        timeline::timeline(db, id)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == TimelineKind::Stage)
            .map(|e| e.by)
            .collect()
    };
    match db.engine() {
        // A solo file records no one: "you".
        Engine::Sqlite => assert_eq!(by(&db), [None, None]),
        // A team database records the login, and shows the person's name once there is one.
        Engine::Postgres => {
            let me = people::login(&db).unwrap().unwrap();
            assert_eq!(by(&db), [Some(me.clone()), Some(me.clone())]);
            people::upsert(&db, &me, "Pat Lead", None, Role::Owner).unwrap();
            assert_eq!(by(&db), [Some("Pat Lead".into()), Some("Pat Lead".into())]);
            assert_eq!(people::me(&db).unwrap().map(|p| p.name).as_deref(), Some("Pat Lead"));
        }
    }
    // Whoever the row names, by their name among the people, else their login.
    team(&db);
    done_by(&db, id, Stage::Sql, "sam");
    done_by(&db, id, Stage::Mql, "gone");
    assert_eq!(by(&db), [Some("Sam Sales".into()), Some("gone".into())]);
    // The contact's stage history says the same, oldest first.
    let history: Vec<Option<String>> = stages::history(&db, id).unwrap().into_iter().map(|e| e.by).collect();
    assert_eq!(history, [Some("gone".into()), Some("Sam Sales".into())]);
}

#[test]
fn on_a_team_database_the_approver_the_payer_and_the_importer_are_recorded() {
    let db = temp_db();
    let Some(me) = people::login(&db).unwrap() else {
        // A solo file: no one is recorded.
        assert_eq!(people::me(&db).unwrap(), None);
        return;
    };
    let ann = named_contact(&db, "Ann", "Lee", Some("ann@example.com"));
    let bob = named_contact(&db, "Bob", "Stone", Some("bob@example.com"));
    let t = testimonials::create(
        &db,
        &TestimonialInput {
            contact_id: ann,
            headline: "Great".into(),
            quote: "Really.".into(),
            rating: Some(5),
            product: String::new(),
            segment: String::new(),
            tags: vec![],
            consent: ConsentInput {
                publish: true,
                named: false,
                share_figures: false,
                channels: vec!["website".into()],
                note: String::new(),
                given_at: Some("2026-01-05".into()),
                incentive: String::new(),
            },
        },
        None,
    )
    .unwrap();
    let approved_by = |db: &Connection| -> Option<String> {
        db.query_row("SELECT approved_by FROM testimonials WHERE id = ?1", [t.id], |r| r.get(0)).unwrap()
    };
    assert_eq!(approved_by(&db), None, "received, not approved");
    testimonials::set_status(&db, t.id, TestimonialStatus::Approved).unwrap();
    assert_eq!(approved_by(&db).as_deref(), Some(me.as_str()));
    let approved = timeline::timeline(&db, ann).unwrap();
    let entry = approved.iter().find(|e| e.kind == TimelineKind::TestimonialApproved).unwrap();
    assert_eq!(entry.by.as_deref(), Some(me.as_str()));
    testimonials::set_status(&db, t.id, TestimonialStatus::Received).unwrap();
    assert_eq!(approved_by(&db), None, "back before approval: no approver");

    let r = referrals::create(
        &db,
        &ReferralInput {
            advocate_id: ann,
            referred_id: bob,
            referred_on: "2026-01-05".into(),
            notes: String::new(),
            reward_minor: 500,
            reward_currency: String::new(),
        },
    )
    .unwrap();
    referrals::set_reward(&db, r.id, referrals::RewardStatus::Owed, "", None).unwrap();
    referrals::set_reward(&db, r.id, referrals::RewardStatus::Paid, "", None).unwrap();
    let paid_by: Option<String> =
        db.query_row("SELECT reward_paid_by FROM referrals WHERE id = ?1", [r.id], |r| r.get(0)).unwrap();
    assert_eq!(paid_by.as_deref(), Some(me.as_str()));

    let batch: Option<String> = {
        db.execute(
            "INSERT INTO import_batches (kind, file_name, file_hash, format, started_at) VALUES ('contacts', 'f.csv', '', 'csv', 't')",
            [],
        )
        .unwrap();
        db.query_row("SELECT done_by FROM import_batches ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap()
    };
    assert_eq!(batch.as_deref(), Some(me.as_str()));
}

#[test]
fn hubspot_leads_name_their_owner_by_email_once_there_are_people() {
    let db = temp_db();
    let ann = named_contact(&db, "Ann", "Lee", Some("ann@example.com"));
    let bob = named_contact(&db, "Bob", "Stone", Some("bob@example.com"));
    let cat = named_contact(&db, "Cat", "Moss", None);
    for referred in [bob, cat] {
        referrals::create(
            &db,
            &ReferralInput {
                advocate_id: ann,
                referred_id: referred,
                referred_on: "2026-01-05".into(),
                notes: String::new(),
                reward_minor: 0,
                reward_currency: String::new(),
            },
        )
        .unwrap();
    }
    let path = db.dir.path().join("leads.csv");
    let export = |db: &Connection| -> Vec<Vec<String>> {
        let cancel = AtomicBool::new(false);
        let mut progress = |_: &export::ExportProgress| {};
        leads::export(
            db,
            &LeadFilter::default(),
            LeadFormat::Hubspot,
            &path,
            &mut Watch { progress: &mut progress, cancel: &cancel },
        )
        .unwrap();
        let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(&path).unwrap();
        r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
    };
    // No people (a solo file): the file is as it always was.
    assert!(!export(&db)[0].contains(&"Contact Owner".to_owned()));
    team(&db);
    own(&db, bob, Some("sam"));
    let rows = export(&db);
    assert_eq!(rows[0][7..10], ["Original Source", "Contact Owner", "Referred By"]);
    assert_eq!(rows[1][0..2], ["Bob", "Stone"]);
    assert_eq!(rows[1][8], "sam@shop.example");
    assert_eq!((rows[2][0].as_str(), rows[2][8].as_str()), ("Cat", ""));
}
