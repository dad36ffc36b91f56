//! Merging duplicate contacts: suggestions, records following the survivor, undo.

mod common;

use common::{named_contact, temp_db};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::merge::{self, MergeReason};
use flywheel_core::nps::{self, NpsInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::{self, ReferralInput};
use flywheel_core::stages::Stage;
use flywheel_core::{Connection, ErrorCode};

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
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t} ORDER BY rowid")).unwrap();
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
    let s = merge::suggest(&db, 50).unwrap();
    let pairs: Vec<(i64, i64, MergeReason)> = s.iter().map(|m| (m.keep.id, m.merge.id, m.reason)).collect();
    assert_eq!(
        pairs,
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
