mod common;

use common::{buy, contact, named_contact, purchase, refer, temp_db};
use flywheel_core::purchases;
use flywheel_core::referrals::{self, Referral, ReferralFlag, ReferralInput, RewardStatus};
use flywheel_core::settings::{self, Settings};
use flywheel_core::store::Connection;

/// A 25.00 reward for a first order of at least 50.00.
fn reward_scheme(conn: &Connection) {
    let s = Settings { referral_reward_minor: 2500, referral_min_order_minor: 5000, ..Settings::default() };
    settings::update(conn, &s).unwrap();
}

fn reward(conn: &Connection, id: i64) -> (RewardStatus, i64, String) {
    let r: Referral = referrals::get(conn, id).unwrap();
    (r.reward_status, r.reward_minor, r.reward_currency)
}

#[test]
fn owed_when_the_referred_contact_first_buys() {
    let db = temp_db();
    reward_scheme(&db);
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let id = refer(&db, ann, bob, "2024-03-01");
    assert_eq!(reward(&db, id), (RewardStatus::None, 0, "USD".into()));
    let first = buy(&db, bob, "2024-03-05", 6000);
    assert_eq!(reward(&db, id), (RewardStatus::Owed, 2500, "USD".into()));
    let r = referrals::get(&db, id).unwrap();
    assert_eq!(r.reward_note, "Earned by the order of 60.00 USD on 2024-03-05.");
    // A second order changes nothing; paying it is a human's act.
    buy(&db, bob, "2024-03-20", 9000);
    assert_eq!(reward(&db, id).0, RewardStatus::Owed);
    assert_eq!(
        referrals::set_reward(&db, id, RewardStatus::Paid, "cash", None).unwrap().reward_status,
        RewardStatus::Paid
    );
    // The qualifying order is the first one.
    let earned: i64 =
        db.query_row("SELECT reward_purchase_id FROM referrals WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(earned, first);
}

#[test]
fn the_referrals_own_reward_wins_over_the_settings() {
    let db = temp_db();
    reward_scheme(&db);
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let input = ReferralInput {
        advocate_id: ann,
        referred_id: bob,
        referred_on: "2024-03-01".into(),
        reward_minor: 4000,
        reward_currency: "EUR".into(),
        ..ReferralInput::default()
    };
    let id = referrals::create(&db, &input).unwrap().id;
    buy(&db, bob, "2024-03-02", 5000);
    assert_eq!(reward(&db, id), (RewardStatus::Owed, 4000, "EUR".into()));
}

#[test]
fn a_small_first_order_is_flagged_and_earns_nothing() {
    let db = temp_db();
    reward_scheme(&db);
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let id = refer(&db, ann, bob, "2024-03-01");
    buy(&db, bob, "2024-03-02", 4999);
    let r = referrals::get(&db, id).unwrap();
    assert_eq!((r.reward_status, r.flags.clone()), (RewardStatus::None, vec![ReferralFlag::BelowMinimum]));
    assert!(r.reward_note.contains("49.99 USD") && r.reward_note.contains("50.00 USD"), "{}", r.reward_note);
    // "First buys": a bigger second order does not turn it into a reward; a human may.
    buy(&db, bob, "2024-03-09", 20_000);
    assert_eq!(reward(&db, id).0, RewardStatus::None);
    assert_eq!(
        referrals::set_reward(&db, id, RewardStatus::Owed, "goodwill", Some(2500)).unwrap().reward_status,
        RewardStatus::Owed
    );
}

#[test]
fn a_refund_of_the_qualifying_order_claws_the_reward_back() {
    let db = temp_db();
    reward_scheme(&db);
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let id = refer(&db, ann, bob, "2024-03-01");
    let order = buy(&db, bob, "2024-03-05", 8000);
    // 80.00 − 20.00 = 60.00 still reaches the 50.00 minimum: the reward stands.
    purchases::refund(&db, order, 2000).unwrap();
    assert_eq!(reward(&db, id).0, RewardStatus::Owed);
    // Another 20.00 leaves 40.00: below the minimum, so the reward is void, with the reason.
    purchases::refund(&db, order, 2000).unwrap();
    let r = referrals::get(&db, id).unwrap();
    assert_eq!(r.reward_status, RewardStatus::Void);
    assert!(r.reward_note.starts_with("Clawed back on "), "{}", r.reward_note);
    assert!(
        r.reward_note.contains("20.00 USD of the order of 80.00 USD on 2024-03-05 was refunded"),
        "{}",
        r.reward_note
    );
    assert!(r.reward_note.contains("below the 50.00 USD minimum"), "{}", r.reward_note);
    // Void stays void: buying again earns nothing new.
    buy(&db, bob, "2024-04-01", 9000);
    assert_eq!(reward(&db, id).0, RewardStatus::Void);
}

#[test]
fn a_paid_reward_clawed_back_says_to_recover_it() {
    let db = temp_db();
    // No minimum: only a full refund takes the reward back.
    settings::update(&db, &Settings { referral_reward_minor: 1000, ..Settings::default() }).unwrap();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let id = refer(&db, ann, bob, "2024-03-01");
    let order = buy(&db, bob, "2024-03-05", 3000);
    referrals::set_reward(&db, id, RewardStatus::Paid, "voucher", None).unwrap();
    purchases::refund(&db, order, 2999).unwrap();
    assert_eq!(reward(&db, id).0, RewardStatus::Paid);
    purchases::refund(&db, order, 1).unwrap();
    let r = referrals::get(&db, id).unwrap();
    assert_eq!(r.reward_status, RewardStatus::Void);
    assert!(
        r.reward_note.contains("refunded in full") && r.reward_note.contains("recover it"),
        "{}",
        r.reward_note
    );
}

#[test]
fn deleting_or_moving_the_qualifying_order_voids_the_reward() {
    let db = temp_db();
    reward_scheme(&db);
    let ann = contact(&db, "ann@example.com");
    let [bob, cy, dee] = ["bob", "cy", "dee"].map(|n| contact(&db, &format!("{n}@example.com")));
    let to_bob = refer(&db, ann, bob, "2024-03-01");
    let to_cy = refer(&db, ann, cy, "2024-03-01");
    let bobs = buy(&db, bob, "2024-03-05", 6000);
    let cys = buy(&db, cy, "2024-03-05", 6000);
    purchases::delete(&db, bobs).unwrap();
    let r = referrals::get(&db, to_bob).unwrap();
    assert_eq!(r.reward_status, RewardStatus::Void);
    assert!(r.reward_note.contains("was deleted"), "{}", r.reward_note);

    let mut input = purchase(dee, "2024-03-05", 6000);
    purchases::update(&db, cys, &input).unwrap();
    let r = referrals::get(&db, to_cy).unwrap();
    assert!(r.reward_status == RewardStatus::Void && r.reward_note.contains("moved"), "{r:?}");
    // Lowering an order's amount below the minimum counts as well.
    let eve = contact(&db, "eve@example.com");
    let to_eve = refer(&db, ann, eve, "2024-03-01");
    let eves = buy(&db, eve, "2024-03-05", 6000);
    input.contact_id = eve;
    input.amount_minor = 100;
    purchases::update(&db, eves, &input).unwrap();
    assert_eq!(reward(&db, to_eve).0, RewardStatus::Void);
}

#[test]
fn flagged_referrals_earn_nothing_by_themselves() {
    let db = temp_db();
    reward_scheme(&db);
    let ann = named_contact(&db, "Ann", "Lee", Some("ann@example.com"));
    let alias = named_contact(&db, "Ann", "Lee", Some("ann+2@example.com"));
    let self_referral = refer(&db, ann, alias, "2024-03-01");
    buy(&db, alias, "2024-03-05", 9000);
    let r = referrals::get(&db, self_referral).unwrap();
    assert_eq!((r.reward_status, r.flags), (RewardStatus::None, vec![ReferralFlag::SelfReferral]));

    // A purchase entered later but dated before the referral: already a customer, flagged.
    let bob = contact(&db, "bob@example.com");
    let id = refer(&db, ann, bob, "2024-03-10");
    buy(&db, bob, "2024-03-01", 9000);
    let r = referrals::get(&db, id).unwrap();
    assert_eq!((r.reward_status, r.flags), (RewardStatus::None, vec![ReferralFlag::AlreadyCustomer]));
}

#[test]
fn a_referral_entered_after_the_first_purchase_owes_at_once() {
    let db = temp_db();
    reward_scheme(&db);
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    buy(&db, bob, "2024-03-05", 7000);
    // Referred on the day of the purchase (the referral is why they bought), entered afterwards.
    let id = refer(&db, ann, bob, "2024-03-05");
    assert_eq!(reward(&db, id), (RewardStatus::Owed, 2500, "USD".into()));
}

#[test]
fn without_a_reward_scheme_nothing_is_owed() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    let bob = contact(&db, "bob@example.com");
    let id = refer(&db, ann, bob, "2024-03-01");
    buy(&db, bob, "2024-03-05", 7000);
    assert_eq!(reward(&db, id).0, RewardStatus::None);
    assert!(referrals::get(&db, id).unwrap().flags.is_empty());
}
