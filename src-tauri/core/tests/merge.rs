//! Merging duplicate contacts: suggestions, records following the survivor, undo.

mod common;

use common::{named_contact, temp_db};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::merge::{self, MergeReason};
use flywheel_core::nps::{self, NpsInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::{self, ReferralInput};
use flywheel_core::stages::Stage;
use flywheel_core::{db, Connection, ErrorCode};
use std::sync::atomic::AtomicBool;

/// A cancel flag never raised.
fn go() -> AtomicBool {
    AtomicBool::new(false)
}

/// The suggested pairs as (keep, merge, reason).
fn pairs(conn: &Connection, limit: u32) -> Vec<(i64, i64, MergeReason)> {
    merge::suggest(conn, limit, &go()).unwrap().iter().map(|m| (m.keep.id, m.merge.id, m.reason)).collect()
}

fn person(
    conn: &Connection,
    first: &str,
    last: &str,
    email: Option<&str>,
    phone: &str,
    company: &str,
) -> i64 {
    let input = ContactInput {
        first_name: first.into(),
        last_name: last.into(),
        email: email.map(str::to_owned),
        phone: phone.into(),
        company: company.into(),
        ..ContactInput::default()
    };
    contacts::create(conn, &input).unwrap().id
}

fn dump(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for t in
        ["contacts", "stage_events", "purchases", "nps_answers", "referrals", "testimonials", "followups"]
    {
        let mut stmt =
            conn.prepare(&format!("SELECT * FROM {t} ORDER BY {}", conn.row_order(t).unwrap())).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
            })
            .unwrap();
        out.extend(rows.map(|r| format!("{t}: {}", r.unwrap())));
    }
    out
}

#[test]
fn duplicates_are_suggested_once_with_their_strongest_reason() {
    let db = temp_db();
    let ann = person(&db, "Ann", "Lee", Some("ann@example.com"), "+1 555 0101", "Lee Co");
    let ann_plus = person(&db, "Annie", "", Some("ann+shop@example.com"), "", "");
    let ann_phone = person(&db, "ann", "LEE", None, "+1 (555) 0101", "");
    let bob = person(&db, "Bob", "Stone", None, "", "Stone Ltd");
    let bob2 = person(&db, "Bob", "Stone", Some("bob@example.com"), "", "stone ltd ");
    person(&db, "Cat", "Stone", None, "", "Stone Ltd");
    let s = merge::suggest(&db, 50, &go()).unwrap();
    let found: Vec<(i64, i64, MergeReason)> = s.iter().map(|m| (m.keep.id, m.merge.id, m.reason)).collect();
    assert_eq!(
        found,
        vec![
            (ann, ann_plus, MergeReason::SameEmail),
            (ann, ann_phone, MergeReason::SameNameAndPhone),
            (bob, bob2, MergeReason::SameNameAndCompany),
        ]
    );
}

#[test]
fn a_merge_moves_everything_to_the_survivor_and_undo_puts_it_back() {
    let db = temp_db();
    let keep = person(&db, "Ann", "Lee", None, "", "Lee Co");
    let gone = person(&db, "Ann", "Lee", Some("ann@example.com"), "+1 555 0101", "");
    let friend = named_contact(&db, "Fay", "Wu", Some("fay@example.com"));
    let lead = named_contact(&db, "Gus", "Hale", Some("gus@example.com"));
    purchases::create(
        &db,
        &PurchaseInput {
            contact_id: gone,
            purchased_on: "2024-03-05".into(),
            amount_minor: 900,
            currency: "USD".into(),
            product: "Rye".into(),
            quantity: 1,
            external_id: Some("A-1".into()),
        },
    )
    .unwrap();
    nps::create(
        &db,
        &NpsInput { contact_id: gone, score: 10, comment: String::new(), answered_on: "2024-03-06".into() },
    )
    .unwrap();
    // The duplicate referred Gus and was referred by Fay; the survivor referred the duplicate.
    let refer = |a: i64, b: i64| {
        referrals::create(
            &db,
            &ReferralInput {
                advocate_id: a,
                referred_id: b,
                referred_on: "2024-02-01".into(),
                ..Default::default()
            },
        )
        .unwrap()
    };
    refer(gone, lead);
    refer(keep, gone);
    let before = dump(&db);

    let m = merge::merge(&db, keep, gone).unwrap();
    assert!(contacts::get(&db, gone).is_err());
    let survivor = contacts::get(&db, keep).unwrap();
    assert_eq!(
        survivor.email.as_deref(),
        Some("ann@example.com"),
        "blank fields are filled from the duplicate"
    );
    assert_eq!((survivor.company.as_str(), survivor.phone.as_str()), ("Lee Co", "+1 555 0101"));
    assert_eq!(survivor.stage, Stage::Customer, "the duplicate's purchase made the survivor a customer");
    assert_eq!(purchases::for_contact(&db, keep).unwrap().len(), 1);
    assert_eq!(nps::latest_for_contact(&db, keep).unwrap().unwrap().score, 10);
    assert_eq!(
        referrals::referrer_of(&db, lead).unwrap().unwrap().advocate_id,
        keep,
        "Gus now counts for the survivor"
    );
    assert!(referrals::referrer_of(&db, keep).unwrap().is_none(), "no self-referral appears");
    assert_eq!(merge::list(&db).unwrap()[0].merged_name, "Ann Lee");

    merge::undo(&db, m.id).unwrap();
    assert_eq!(dump(&db), before, "undo restores every row");
    assert_eq!(merge::undo(&db, m.id).unwrap_err().code, ErrorCode::Conflict);
    assert_eq!(merge::merge(&db, keep, keep).unwrap_err().field.as_deref(), Some("merged_id"));
    // Merging a contact referred by someone into a contact referred by someone else keeps one referral.
    let other = named_contact(&db, "Hal", "Ives", Some("hal@example.com"));
    refer(other, friend);
    let twin = named_contact(&db, "Fay", "Wu", None);
    refer(lead, twin);
    merge::merge(&db, friend, twin).unwrap();
    assert_eq!(referrals::referrer_of(&db, friend).unwrap().unwrap().advocate_id, other);
}

/// The query that found suggestions before schema v13 (every contact joined with every other),
/// kept here as the reference the indexed keys must agree with.
const BEFORE_V13: &str = "WITH k AS (
        SELECT id,
               CASE WHEN email IS NULL THEN NULL
                    WHEN instr(substr(email, 1, instr(email, '@')), '+') > 0
                    THEN substr(email, 1, instr(email, '+') - 1) || substr(email, instr(email, '@'))
                    ELSE email END AS mailbox,
               nullif(lower(replace(first_name || last_name, ' ', '')), '') AS name,
               nullif(replace(replace(replace(replace(replace(phone, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '') AS phone,
               nullif(lower(trim(company)), '') AS company
        FROM contacts WHERE archived_at IS NULL
    ),
    pairs AS (
        SELECT a.id AS keep, b.id AS merge, 'same_email' AS reason, 1 AS strength
          FROM k a JOIN k b ON a.mailbox = b.mailbox AND a.id < b.id
        UNION ALL
        SELECT a.id, b.id, 'same_name_and_phone', 2 FROM k a JOIN k b ON a.name = b.name AND a.phone = b.phone AND a.id < b.id
        UNION ALL
        SELECT a.id, b.id, 'same_name_and_company', 3 FROM k a JOIN k b ON a.name = b.name AND a.company = b.company AND a.id < b.id
    )
    SELECT keep, merge, reason, min(strength) FROM pairs GROUP BY keep, merge ORDER BY keep, merge LIMIT ?1";

fn before_v13(conn: &Connection, limit: u32) -> Vec<(i64, i64, MergeReason)> {
    conn.prepare(BEFORE_V13)
        .unwrap()
        .query_map([limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Contacts written straight into the table, many of them sharing a mailbox (+tags), a name
/// (in other cases and spacing), a phone (in other punctuation) or a company; some archived.
fn crowd(conn: &Connection, n: u64) {
    let firsts = ["Ann", "ann", "Bob", "Cat", "", "Mary Jo"];
    let lasts = ["Lee", "LEE", "Stone", "", "Jo", "MaryJo"];
    let phones = ["", "+1 555 0101", "+1 (555) 0101", "555-0101", "555.0102", " "];
    let companies = ["", "Lee Co", "lee co ", "Stone Ltd", "  ", "STONE LTD"];
    let mut seed: u64 = 12_345;
    let mut pick = |m: usize| {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % m
    };
    for i in 0..n {
        let email = match pick(4) {
            0 => None,
            1 => Some(format!("p{}@example.com", pick(20))),
            2 => Some(format!("p{}+{i}@example.com", pick(20))),
            _ => Some(format!("u{i}@example.com")),
        };
        let archived = (pick(10) == 0).then_some("2024-01-01T00:00:00Z");
        conn.execute(
            "INSERT OR IGNORE INTO contacts (first_name, last_name, email, phone, company, archived_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
            rusqlite::params![
                firsts[pick(firsts.len())],
                lasts[pick(lasts.len())],
                email,
                phones[pick(phones.len())],
                companies[pick(companies.len())],
                archived
            ],
        )
        .unwrap();
    }
}

#[test]
fn the_indexed_keys_suggest_what_the_whole_table_join_suggested() {
    let db = temp_db();
    if db.team.is_some() {
        // The old query is SQLite's own (a bare column beside min()); the keys it is compared with
        // are the same tables on PostgreSQL, checked by the other tests here.
        return;
    }
    crowd(&db, 400);
    for limit in [1, 7, 50, 500] {
        let expected = before_v13(&db, limit);
        assert_eq!(expected.len(), limit as usize, "the crowd has more than {limit} pairs");
        assert_eq!(pairs(&db, limit), expected, "limit {limit}");
    }
    // Edits, archiving and deletes move the keys with them.
    db.execute("UPDATE contacts SET email = NULL WHERE id % 3 = 0", []).unwrap();
    db.execute("UPDATE contacts SET archived_at = NULL WHERE id % 5 = 0", []).unwrap();
    db.execute("UPDATE contacts SET company = 'Lee Co' WHERE id % 7 = 0", []).unwrap();
    db.execute("DELETE FROM contacts WHERE id % 11 = 0", []).unwrap();
    assert_eq!(pairs(&db, 500), before_v13(&db, 500));
    assert_eq!(counted(&db, "duplicate_groups"), counted(&db, COUNTED_AGAIN), "the kept counts stay right");
}

/// The counts of contacts per key, as `duplicate_groups` keeps them, counted from the keys again.
const COUNTED_AGAIN: &str =
    "(SELECT 'same_email' AS reason, mailbox AS key1, '' AS key2, count(*) AS contacts
       FROM contact_keys WHERE mailbox IS NOT NULL GROUP BY mailbox
     UNION ALL SELECT 'same_name_and_phone', name, phone, count(*)
       FROM contact_keys WHERE name IS NOT NULL AND phone IS NOT NULL GROUP BY name, phone
     UNION ALL SELECT 'same_name_and_company', name, company, count(*)
       FROM contact_keys WHERE name IS NOT NULL AND company IS NOT NULL GROUP BY name, company)";

fn counted(conn: &Connection, from: &str) -> Vec<(String, String, String, i64)> {
    conn.prepare(&format!("SELECT reason, key1, key2, contacts FROM {from} ORDER BY 1, 2, 3"))
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_pair_comes_and_goes_with_the_edit_that_makes_it() {
    let db = temp_db();
    let ann = person(&db, "Ann", "Lee", Some("ann@example.com"), "", "");
    let other = person(&db, "Zoe", "Park", Some("zoe@example.com"), "", "");
    assert_eq!(pairs(&db, 50), vec![]);
    let mut input = ContactInput {
        first_name: "Zoe".into(),
        last_name: "Park".into(),
        email: Some("ann+work@example.com".into()),
        ..ContactInput::default()
    };
    contacts::update(&db, other, &input).unwrap();
    assert_eq!(pairs(&db, 50), vec![(ann, other, MergeReason::SameEmail)], "a new email makes a pair");
    input.email = Some("zoe@example.com".into());
    contacts::update(&db, other, &input).unwrap();
    assert_eq!(pairs(&db, 50), vec![], "changing it back unmakes it");
    input.first_name = "ANN".into();
    input.last_name = "lee".into();
    input.company = "Lee Co".into();
    contacts::update(&db, other, &input).unwrap();
    contacts::update(
        &db,
        ann,
        &ContactInput {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: Some("ann@example.com".into()),
            company: " lee co".into(),
            ..ContactInput::default()
        },
    )
    .unwrap();
    assert_eq!(pairs(&db, 50), vec![(ann, other, MergeReason::SameNameAndCompany)]);

    // A merge removes the pair; its undo brings it back.
    let m = merge::merge(&db, ann, other).unwrap();
    assert_eq!(pairs(&db, 50), vec![]);
    merge::undo(&db, m.id).unwrap();
    assert_eq!(pairs(&db, 50), vec![(ann, other, MergeReason::SameNameAndCompany)]);
}

#[test]
fn archived_contacts_are_not_suggested() {
    let db = temp_db();
    let ann = person(&db, "Ann", "Lee", Some("ann@example.com"), "", "");
    let twin = person(&db, "Ann", "Lee", Some("ann+2@example.com"), "", "");
    contacts::set_archived(&db, twin, true).unwrap();
    assert_eq!(pairs(&db, 50), vec![]);
    contacts::set_archived(&db, twin, false).unwrap();
    assert_eq!(pairs(&db, 50), vec![(ann, twin, MergeReason::SameEmail)]);
}

#[test]
fn the_upgrade_finds_the_duplicates_of_an_older_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flywheel.db");
    {
        let old = db::create_at_schema(&path, 12).unwrap();
        for (first, email, archived) in [
            ("Ann", "ann@example.com", None),
            ("Bea", "ann+x@example.com", None),
            ("Cy", "cy@example.com", None),
            ("Dee", "cy+y@example.com", Some("2024-02-01T00:00:00Z")),
        ] {
            old.execute(
                "INSERT INTO contacts (first_name, email, archived_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
                rusqlite::params![first, email, archived],
            )
            .unwrap();
        }
    }
    let conn = db::open(&path).unwrap();
    assert_eq!(pairs(&conn, 50), vec![(1, 2, MergeReason::SameEmail)]);
    assert_eq!(pairs(&conn, 50), before_v13(&conn, 50));
    assert_eq!(counted(&conn, "duplicate_groups"), counted(&conn, COUNTED_AGAIN));
}

#[test]
fn a_raised_cancel_flag_stops_the_search() {
    let db = temp_db();
    person(&db, "Ann", "Lee", Some("ann@example.com"), "", "");
    person(&db, "Ann", "Lee", Some("ann+2@example.com"), "", "");
    let err = merge::suggest(&db, 50, &AtomicBool::new(true)).unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
}
