mod common;

use common::{assert_err, assert_invalid, contact, contact_as_of, count, named_contact, temp_db};
use flywheel_core::referrals::{self, ChainLink, ReferralFlag, ReferralInput, ReferralQuery, RewardStatus};
use flywheel_core::stages::Stage;
use flywheel_core::store::Connection;
use flywheel_core::{db, time, ErrorCode};
use rusqlite::params;

fn referral(advocate_id: i64, referred_id: i64, day: &str) -> ReferralInput {
    ReferralInput { advocate_id, referred_id, referred_on: day.into(), ..ReferralInput::default() }
}

fn refer(conn: &Connection, advocate_id: i64, referred_id: i64, day: &str) -> i64 {
    referrals::create(conn, &referral(advocate_id, referred_id, day)).unwrap().id
}

#[test]
fn round_trip() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let input = ReferralInput {
        notes: " Met at the market ".into(),
        reward_minor: 1500,
        reward_currency: "eur".into(),
        ..referral(ann, bob, "2024-03-05")
    };
    let r = referrals::create(&db, &input).unwrap();
    assert_eq!((r.advocate_id, r.referred_id, r.referred_on.as_str()), (ann, bob, "2024-03-05"));
    assert_eq!(
        (r.notes.as_str(), r.reward_minor, r.reward_currency.as_str()),
        ("Met at the market", 1500, "EUR")
    );
    assert_eq!((r.reward_status, r.flags.clone()), (RewardStatus::None, vec![]));
    assert_eq!(referrals::get(&db, r.id).unwrap(), r);
    assert_eq!(referrals::referrer_of(&db, bob).unwrap(), Some(r.clone()));
    assert_eq!(referrals::referrer_of(&db, ann).unwrap(), None);
    assert_eq!(referrals::for_advocate(&db, ann).unwrap(), vec![r.clone()]);
    assert!(referrals::for_advocate(&db, bob).unwrap().is_empty());

    let noted = referrals::update_notes(&db, r.id, "Bought twice").unwrap();
    assert_eq!(noted.notes, "Bought twice");
    let usd = referrals::create(&db, &referral(ann, contact(&db, "cy@example.com"), "2024-03-06")).unwrap();
    assert_eq!(usd.reward_currency, "USD");
    // A blank currency is the shop's.
    flywheel_core::settings::set_value(&db, "currency", "EUR").unwrap();
    let eur = referrals::create(&db, &referral(bob, contact(&db, "dee@example.com"), "2024-03-06")).unwrap();
    assert_eq!(eur.reward_currency, "EUR");
}

#[test]
fn inputs_are_validated_with_their_field() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    assert_invalid(referrals::create(&db, &referral(999, bob, "2024-03-05")), "advocate_id");
    assert_invalid(referrals::create(&db, &referral(ann, 999, "2024-03-05")), "referred_id");
    let e = referrals::create(&db, &referral(ann, ann, "2024-03-05")).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("referred_id")));
    assert_eq!(e.message, "A contact cannot refer themselves.");
    let next_month = time::format_day(time::today() + chrono::Duration::days(30));
    assert_invalid(referrals::create(&db, &referral(ann, bob, &next_month)), "referred_on");
    assert_invalid(referrals::create(&db, &referral(ann, bob, "yesterday")), "referred_on");
    let bad_currency = ReferralInput { reward_currency: "BUCKS".into(), ..referral(ann, bob, "2024-03-05") };
    assert_invalid(referrals::create(&db, &bad_currency), "reward_currency");
    let negative = ReferralInput { reward_minor: -1, ..referral(ann, bob, "2024-03-05") };
    assert_invalid(referrals::create(&db, &negative), "reward_minor");
    let long = ReferralInput { notes: "x".repeat(5001), ..referral(ann, bob, "2024-03-05") };
    assert_invalid(referrals::create(&db, &long), "notes");
    assert_eq!(count(&db, "referrals"), 0);
}

#[test]
fn a_contact_is_referred_only_once() {
    let db = temp_db();
    let ann = named_contact(&db, "Ann", "Lee", Some("ann@example.com"));
    let bob = contact(&db, "bob@example.com");
    let cy = contact(&db, "cy@example.com");
    refer(&db, ann, cy, "2024-03-05");
    let e = referrals::create(&db, &referral(bob, cy, "2024-03-06")).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some("referred_id")));
    assert!(e.message.contains("Ann Lee"), "{}", e.message);
    assert_eq!(count(&db, "referrals"), 1);
}

#[test]
fn a_referral_chain_cannot_loop() {
    let db = temp_db();
    let a = contact(&db, "ann@example.com");
    let b = contact(&db, "bob@example.com");
    let c = contact(&db, "cy@example.com");
    refer(&db, a, b, "2024-01-01");
    refer(&db, b, c, "2024-02-01");
    let e = referrals::create(&db, &referral(c, a, "2024-03-01")).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Invalid, Some("referred_id")));
    assert!(e.message.contains("circle"), "{}", e.message);
    // The direct loop is refused too.
    assert_invalid(referrals::create(&db, &referral(b, a, "2024-03-01")), "referred_id");
    assert_eq!(count(&db, "referrals"), 2);
    // Someone outside the chain can still be referred by its end.
    let d = contact(&db, "dee@example.com");
    refer(&db, c, d, "2024-03-01");
}

#[test]
fn a_failed_batch_of_referrals_is_rolled_back() {
    let db = temp_db();
    let a = contact(&db, "ann@example.com");
    let b = contact(&db, "bob@example.com");
    let c = contact(&db, "cy@example.com");
    let result = db::with_tx(&db, |conn| {
        referrals::create(conn, &referral(a, b, "2024-01-01"))?;
        referrals::create(conn, &referral(b, c, "2024-01-02"))?;
        referrals::create(conn, &referral(c, a, "2024-01-03"))
    });
    assert_invalid(result, "referred_id");
    assert_eq!(count(&db, "referrals"), 0);
    assert_eq!(referrals::referrer_of(&db, b).unwrap(), None);
}

#[test]
fn self_referrals_are_saved_but_flagged() {
    let db = temp_db();
    let ann = named_contact(&db, "Ann", "Lee", Some("ann@example.com"));
    let alias = named_contact(&db, "A.", "L.", Some("Ann+Deals@Example.com"));
    let twin = named_contact(&db, " ann", "LEE ", None);
    let stranger = named_contact(&db, "Ann", "Leeds", Some("leeds@example.com"));
    let flags = |advocate: i64, referred: i64| {
        referrals::create(&db, &referral(advocate, referred, "2024-03-05")).unwrap().flags
    };
    assert_eq!(flags(ann, alias), vec![ReferralFlag::SelfReferral]);
    assert_eq!(flags(ann, twin), vec![ReferralFlag::SelfReferral]);
    assert_eq!(flags(ann, stranger), vec![]);
}

#[test]
fn referring_an_existing_customer_is_flagged() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    // A customer since February, before the referral.
    let won = contact_as_of(&db, "won@example.com", Stage::Customer, "2024-02-10T09:00:00Z");
    // Bought in February, before the referral.
    let buyer = contact(&db, "buyer@example.com");
    // Became a customer on the referral day itself: the referral may well be why.
    let same_day = contact_as_of(&db, "sameday@example.com", Stage::Customer, "2024-03-05T08:00:00Z");
    // Bought only after the referral.
    let later = contact(&db, "later@example.com");
    for (who, day) in [(buyer, "2024-02-20"), (later, "2024-03-05")] {
        db.execute(
            "INSERT INTO purchases (contact_id, purchased_on, amount_minor, currency, created_at)
             VALUES (?1, ?2, 1000, 'USD', '2024-03-05T00:00:00Z')",
            params![who, day],
        )
        .unwrap();
    }
    let flags = |referred: i64| referrals::create(&db, &referral(ann, referred, "2024-03-05")).unwrap().flags;
    assert_eq!(flags(won), vec![ReferralFlag::AlreadyCustomer]);
    assert_eq!(flags(buyer), vec![ReferralFlag::AlreadyCustomer]);
    assert_eq!(flags(same_day), vec![]);
    assert_eq!(flags(later), vec![]);

    let flagged = referrals::list(&db, &ReferralQuery { flagged_only: true, ..Default::default() }).unwrap();
    let mut referred: Vec<i64> = flagged.items.iter().map(|r| r.referred_id).collect();
    referred.sort();
    assert_eq!(referred, vec![won, buyer]);
}

#[test]
fn rewards_are_owed_before_they_are_paid() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let id = refer(&db, ann, bob, "2024-03-05");
    assert_invalid(referrals::set_reward(&db, id, RewardStatus::Paid, "cash", None), "reward_status");
    assert_invalid(referrals::set_reward(&db, id, RewardStatus::None, "", None), "reward_status");
    assert_invalid(referrals::set_reward(&db, id, RewardStatus::Owed, &"x".repeat(501), None), "reward_note");
    assert_eq!(referrals::get(&db, id).unwrap().reward_status, RewardStatus::None);

    // With no amount yet, marking it owed asks for one.
    assert_invalid(referrals::set_reward(&db, id, RewardStatus::Owed, "", None), "reward_minor");
    assert_invalid(referrals::set_reward(&db, id, RewardStatus::Owed, "", Some(0)), "reward_minor");
    assert_invalid(referrals::set_reward(&db, id, RewardStatus::Owed, "", Some(-1)), "reward_minor");
    assert_eq!(referrals::get(&db, id).unwrap().reward_minor, 0);
    let owed = referrals::set_reward(&db, id, RewardStatus::Owed, " after first order ", Some(2500)).unwrap();
    assert_eq!((owed.reward_status, owed.reward_note.as_str()), (RewardStatus::Owed, "after first order"));
    assert_eq!(owed.reward_minor, 2500);
    // Until it is paid, the amount can change.
    assert_eq!(referrals::set_reward_amount(&db, id, 3000).unwrap().reward_minor, 3000);
    let paid = referrals::set_reward(&db, id, RewardStatus::Paid, "bank transfer", None).unwrap();
    assert_eq!((paid.reward_status, paid.reward_note.as_str()), (RewardStatus::Paid, "bank transfer"));
    assert_invalid(referrals::set_reward(&db, id, RewardStatus::Paid, "again", None), "reward_status");
    assert_invalid(referrals::set_reward_amount(&db, id, 100), "reward_minor");
    assert_eq!(referrals::get(&db, id).unwrap().reward_minor, 3000);
    assert_eq!(
        referrals::set_reward(&db, id, RewardStatus::Void, "refunded", None).unwrap().reward_status,
        RewardStatus::Void
    );
}

#[test]
fn missing_referrals_are_not_found() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    assert_err(referrals::get(&db, 5), ErrorCode::NotFound, None);
    assert_err(referrals::update_notes(&db, 5, "x"), ErrorCode::NotFound, None);
    assert_err(referrals::set_reward(&db, 5, RewardStatus::Owed, "", None), ErrorCode::NotFound, None);
    assert_err(referrals::set_reward_amount(&db, 5, 100), ErrorCode::NotFound, None);
    assert_err(referrals::delete(&db, 5), ErrorCode::NotFound, None);
    let id = refer(&db, ann, bob, "2024-03-05");
    referrals::delete(&db, id).unwrap();
    assert_err(referrals::get(&db, id), ErrorCode::NotFound, None);
    // Once the referral is gone, the contact can be referred again.
    refer(&db, ann, bob, "2024-03-06");
}

#[test]
fn three_generations_with_depths() {
    let db = temp_db();
    let [a, b, c, d, e, x] =
        ["ann", "bob", "cy", "dee", "eve", "xan"].map(|n| contact(&db, &format!("{n}@example.com")));
    let ab = refer(&db, a, b, "2024-01-01");
    let ac = refer(&db, a, c, "2024-01-02");
    let bd = refer(&db, b, d, "2024-02-01");
    let de = refer(&db, d, e, "2024-03-01");
    refer(&db, x, contact(&db, "other@example.com"), "2024-01-01");
    let link = |referral_id, advocate_id, referred_id, depth| ChainLink {
        referral_id,
        advocate_id,
        referred_id,
        depth,
    };

    assert_eq!(
        referrals::chain(&db, a, 3).unwrap(),
        vec![link(ab, a, b, 1), link(ac, a, c, 1), link(bd, b, d, 2), link(de, d, e, 3)]
    );
    assert_eq!(
        referrals::chain(&db, a, 2).unwrap(),
        vec![link(ab, a, b, 1), link(ac, a, c, 1), link(bd, b, d, 2)]
    );
    assert_eq!(referrals::chain(&db, b, 10).unwrap(), vec![link(bd, b, d, 1), link(de, d, e, 2)]);
    assert!(referrals::chain(&db, a, 0).unwrap().is_empty());
    assert!(referrals::chain(&db, e, 3).unwrap().is_empty());
}

#[test]
fn list_filters_sorts_and_pages() {
    let db = temp_db();
    let [ann, bob, cy, dee, eve] =
        ["ann", "bob", "cy", "dee", "eve"].map(|n| contact(&db, &format!("{n}@example.com")));
    let r1 = refer(&db, ann, bob, "2024-01-31");
    let r2 = refer(&db, ann, cy, "2024-02-01");
    let r3 = refer(&db, bob, dee, "2024-02-29");
    let r4 = refer(&db, bob, eve, "2024-03-01");
    referrals::set_reward(&db, r2, RewardStatus::Owed, "", Some(1000)).unwrap();
    let ids = |q: ReferralQuery| -> Vec<i64> {
        referrals::list(&db, &q).unwrap().items.iter().map(|r| r.id).collect()
    };
    assert_eq!(ids(ReferralQuery::default()), vec![r4, r3, r2, r1]);
    assert_eq!(ids(ReferralQuery { advocate_id: Some(ann), ..Default::default() }), vec![r2, r1]);
    let feb = ReferralQuery {
        from: Some("2024-02-01".into()),
        to: Some("2024-02-29".into()),
        ..Default::default()
    };
    assert_eq!(ids(feb), vec![r3, r2]);
    assert_eq!(
        ids(ReferralQuery { reward_status: Some(RewardStatus::Owed), ..Default::default() }),
        vec![r2]
    );
    assert!(ids(ReferralQuery { flagged_only: true, ..Default::default() }).is_empty());
    assert_invalid(
        referrals::list(&db, &ReferralQuery { from: Some("02/01".into()), ..Default::default() }),
        "from",
    );
    let page = referrals::list(&db, &ReferralQuery { offset: 3, limit: 2, ..Default::default() }).unwrap();
    assert_eq!((page.total, page.items.len(), page.items[0].id), (4, 1, r1));
    assert_eq!(
        referrals::for_advocate(&db, bob).unwrap().iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![r4, r3]
    );
}

#[test]
fn a_reward_someone_changed_since_its_form_opened_is_not_overwritten() {
    use referrals::RewardOpened;
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let id = refer(&db, ann, bob, "2024-03-05");
    referrals::set_reward(&db, id, RewardStatus::Owed, "", Some(2500)).unwrap();
    let opened = RewardOpened { status: RewardStatus::Owed, amount_minor: 2500, note: String::new() };

    // A colleague pays it while this form is open to change its amount.
    referrals::if_reward_unchanged(&db, id, Some(&opened), |c| {
        referrals::set_reward(c, id, RewardStatus::Paid, "bank transfer", None)
    })
    .unwrap();
    let e =
        referrals::if_reward_unchanged(&db, id, Some(&opened), |c| referrals::set_reward_amount(c, id, 3000))
            .unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (ErrorCode::Conflict, Some(flywheel_core::stale::FIELD)));
    assert!(e.message.contains("Reward is now “paid” (was “owed”)"), "{}", e.message);
    assert!(e.message.contains("Note is now “bank transfer” (was empty)"), "{}", e.message);
    let now = referrals::get(&db, id).unwrap();
    assert_eq!((now.reward_status, now.reward_minor), (RewardStatus::Paid, 2500), "nothing written");
}
