//! Referral codes (issue 16): an advocate's code on an order makes the referral by itself, with the
//! rules of a referral typed in (flags, the reward and its minimum), whatever the code's letter
//! case and spaces; the advocate's own code, a buyer already referred, a shop's ordinary code and
//! a retired code make none. Worked by hand: reward 10.00 for a first order of at least 20.00.

mod common;

use common::{contact, temp_db};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referral_codes::{self, CodeUse};
use flywheel_core::referrals::{self, ReferralFlag, RewardStatus};
use flywheel_core::settings::{self, Settings};
use flywheel_core::store::Connection;
use flywheel_core::ErrorCode;

fn order(conn: &Connection, who: i64, day: &str, amount_minor: i64, code: Option<&str>) -> Option<CodeUse> {
    let input = PurchaseInput { external_id: None, ..common::purchase(who, day, amount_minor) };
    purchases::create_with_code(conn, &input, code).unwrap().1
}

#[test]
fn an_order_with_an_advocates_code_becomes_the_referral_by_the_rules() {
    let db = temp_db();
    let s = Settings {
        referral_reward_minor: 1_000,
        referral_min_order_minor: 2_000,
        ..settings::get(&db).unwrap()
    };
    settings::update(&db, &s).unwrap();
    let rosa = common::named_contact(&db, "Rosa", "Diaz", Some("rosa@example.com"));
    assert_eq!(referral_codes::suggest(&db, rosa).unwrap(), "ROSA10");
    let code = referral_codes::set(&db, rosa, "rosa25").unwrap();
    assert_eq!(code.code, "ROSA25");
    // The message to hand it over names what the friend gets and what Rosa earns.
    settings::set_value(&db, "friend_offer", "10 % off their first order").unwrap();
    let card = referral_codes::card(&db, rosa).unwrap();
    assert_eq!(
        card.message.as_deref(),
        Some(
            "Hi Rosa, thank you for recommending us! Give your friends the code ROSA25 to use at checkout: they get \
             10 % off their first order, and we know they came from you. When they first buy, you earn 10.00 USD."
        )
    );
    assert_eq!(card.suggestion, "ROSA10");
    assert_eq!(referral_codes::of_advocate(&db, rosa).unwrap().unwrap().id, code.id);
    order(&db, rosa, "2026-01-05", 4_000, None);

    // Ben, new, types it in lower case with a space: the referral, dated on the order, reward owed.
    let ben = contact(&db, "ben@example.com");
    let used = order(&db, ben, "2026-02-01", 5_000, Some("rosa 25")).unwrap();
    let CodeUse::Referred { referral_id, advocate_id } = used else { panic!("{used:?}") };
    assert_eq!(advocate_id, rosa);
    let r = referrals::get(&db, referral_id).unwrap();
    assert_eq!((r.advocate_id, r.referred_id, r.referred_on.as_str()), (rosa, ben, "2026-02-01"));
    assert_eq!((r.reward_status, r.reward_minor), (RewardStatus::Owed, 1_000));
    assert!(r.flags.is_empty(), "{:?}", r.flags);
    assert!(r.notes.contains("ROSA25"), "{}", r.notes);

    // Cleo's first order is below the minimum: the referral, flagged, nothing owed.
    let cleo = contact(&db, "cleo@example.com");
    let CodeUse::Referred { referral_id, .. } =
        order(&db, cleo, "2026-02-03", 1_500, Some("ROSA25")).unwrap()
    else {
        panic!()
    };
    let r = referrals::get(&db, referral_id).unwrap();
    assert_eq!(r.flags, [ReferralFlag::BelowMinimum]);
    assert_eq!(r.reward_status, RewardStatus::None);

    // Eve was a customer before: the referral, flagged, nothing owed.
    let eve = contact(&db, "eve@example.com");
    order(&db, eve, "2026-01-10", 3_000, None);
    let CodeUse::Referred { referral_id, .. } = order(&db, eve, "2026-02-04", 3_000, Some("Rosa25")).unwrap()
    else {
        panic!()
    };
    let r = referrals::get(&db, referral_id).unwrap();
    assert_eq!(r.flags, [ReferralFlag::AlreadyCustomer]);
    assert_eq!(r.reward_status, RewardStatus::None);

    // Rosa's own code on her own order, Ben again, a shop's ordinary code: no referral.
    assert_eq!(
        order(&db, rosa, "2026-02-05", 2_500, Some("ROSA25")),
        Some(CodeUse::OwnCode { advocate_id: rosa })
    );
    assert_eq!(
        order(&db, ben, "2026-02-06", 2_500, Some("ROSA25")),
        Some(CodeUse::AlreadyReferred { advocate_id: rosa })
    );
    let dan = contact(&db, "dan@example.com");
    assert_eq!(order(&db, dan, "2026-02-07", 2_500, Some("SUMMER10")), Some(CodeUse::Unknown));
    assert!(referrals::referrer_of(&db, dan).unwrap().is_none());
    assert_eq!(order(&db, dan, "2026-02-08", 2_500, Some("  ")), None, "a blank code is none");

    // A code is never given twice; a new code retires the old one, which then credits no one.
    let olga = contact(&db, "olga@example.com");
    let taken = referral_codes::set(&db, olga, "ROSA25").unwrap_err();
    assert_eq!((taken.code, taken.field.as_deref()), (ErrorCode::Conflict, Some("code")));
    assert!(taken.message.contains("belongs to Rosa Diaz"), "{}", taken.message);
    referral_codes::set(&db, rosa, "ROSA30").unwrap();
    let again = referral_codes::set(&db, olga, "rosa25").unwrap_err();
    assert!(
        again.message.contains("retired") && again.message.contains("never given twice"),
        "{}",
        again.message
    );
    let finn = contact(&db, "finn@example.com");
    assert_eq!(order(&db, finn, "2026-02-09", 2_500, Some("ROSA25")), Some(CodeUse::Retired));
    assert!(referral_codes::set(&db, olga, "R€").is_err());

    // The codes with what they brought: ROSA25 on 6 orders, 3 referrals, all 3 bought, and from
    // their referral days Ben 50.00 + 25.00, Cleo 15.00, Eve 30.00 = 120.00.
    let in_use = referral_codes::results(&db, false).unwrap();
    assert_eq!(in_use.len(), 1);
    assert_eq!((in_use[0].code.code.as_str(), in_use[0].uses), ("ROSA30", 0));
    let all = referral_codes::results(&db, true).unwrap();
    let old = all.iter().find(|c| c.code.code == "ROSA25").unwrap();
    assert!(old.code.retired_at.is_some());
    assert_eq!((old.uses, old.referrals, old.referred_customers, old.revenue), (6, 3, 3, 12_000));
    assert_eq!(old.advocate_name, "Rosa Diaz");
}

#[test]
fn merging_contacts_moves_their_codes_and_undo_puts_them_back() {
    use flywheel_core::merge;
    let db = temp_db();
    let rosa = common::named_contact(&db, "Rosa", "Diaz", Some("rosa@example.com"));
    let rosa_again = common::named_contact(&db, "Rosa", "D", Some("rosa.d@example.com"));
    referral_codes::set(&db, rosa, "ROSA25").unwrap();
    let record = merge::merge(&db, rosa_again, rosa).unwrap();
    assert_eq!(referral_codes::of_advocate(&db, rosa_again).unwrap().unwrap().code, "ROSA25");
    let ben = contact(&db, "ben@example.com");
    assert_eq!(
        order(&db, ben, "2026-02-01", 5_000, Some("rosa25"))
            .map(|u| matches!(u, CodeUse::Referred { advocate_id, .. } if advocate_id == rosa_again)),
        Some(true)
    );
    referrals::delete(&db, referrals::referrer_of(&db, ben).unwrap().unwrap().id).unwrap();
    merge::undo(&db, record.id).unwrap();
    assert_eq!(referral_codes::of_advocate(&db, rosa).unwrap().unwrap().code, "ROSA25");
    assert!(referral_codes::of_advocate(&db, rosa_again).unwrap().is_none());

    // A survivor with a code of their own keeps it in use; the merged one's is retired, still theirs.
    referral_codes::set(&db, rosa_again, "ROSAD10").unwrap();
    merge::merge(&db, rosa_again, rosa).unwrap();
    assert_eq!(referral_codes::of_advocate(&db, rosa_again).unwrap().unwrap().code, "ROSAD10");
    let all = referral_codes::results(&db, true).unwrap();
    let old = all.iter().find(|c| c.code.code == "ROSA25").unwrap();
    assert_eq!((old.code.advocate_id, old.code.retired_at.is_some()), (Some(rosa_again), true));
}

/// Shopify's orders export with its Discount Code column: Ben and Cleo, new, use Rosa's code (Cleo
/// in lower case), Rosa uses her own, Dan the shop's SPRING10, Fay none. By hand: two referrals
/// found by code, each owed the 10.00 reward (first orders 60.00 and 45.00, over the 20.00
/// minimum), none for Rosa's own order, SPRING10 listed and kept on Dan's order.
#[test]
fn a_shopify_orders_file_with_codes_makes_the_referrals_and_undo_takes_them_back() {
    use flywheel_core::import::{self, batches, ImportKind, ImportRequest};
    use std::sync::atomic::AtomicBool;
    let db = temp_db();
    let s = Settings {
        referral_reward_minor: 1_000,
        referral_min_order_minor: 2_000,
        ..settings::get(&db).unwrap()
    };
    settings::update(&db, &s).unwrap();
    let rosa = common::named_contact(&db, "Rosa", "Diaz", Some("rosa@example.com"));
    order(&db, rosa, "2026-01-05", 4_000, None);
    referral_codes::set(&db, rosa, "ROSA25").unwrap();
    let path = format!("{}/tests/fixtures/import/shopify_orders_codes.csv", env!("CARGO_MANIFEST_DIR"));
    let req = ImportRequest { path, kind: Some(ImportKind::Purchases), ..ImportRequest::default() };

    // The preview says it all and keeps nothing.
    let preview = import::run(&db, &req, false, &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!((preview.codes.referrals, preview.codes.own_code), (2, 1));
    assert_eq!(preview.codes.unknown.len(), 1);
    assert_eq!((preview.codes.unknown[0].code.as_str(), preview.codes.unknown[0].orders), ("SPRING10", 1));
    assert!(preview.notes.iter().any(|n| n == "2 referrals found by code."), "{:?}", preview.notes);
    assert!(
        preview
            .notes
            .iter()
            .any(|n| n == "Codes that are no advocate's, kept on their orders: SPRING10 (1)."),
        "{:?}",
        preview.notes
    );
    assert_eq!(common::count(&db, "referrals"), 0);

    let done = import::run(&db, &req, true, &mut |_| {}, &AtomicBool::new(false)).unwrap();
    assert_eq!((done.inserted, done.rejected), (5, 0));
    assert_eq!(done.codes, preview.codes);
    let by = |email: &str| flywheel_core::contacts::find_by_email(&db, email).unwrap().unwrap().id;
    for (email, day) in [("ben@example.com", "2026-03-02"), ("cleo@example.com", "2026-03-03")] {
        let r = referrals::referrer_of(&db, by(email)).unwrap().unwrap_or_else(|| panic!("{email} referred"));
        assert_eq!((r.advocate_id, r.referred_on.as_str()), (rosa, day), "{email}");
        assert_eq!((r.reward_status, r.reward_minor), (RewardStatus::Owed, 1_000), "{email}");
        assert!(r.flags.is_empty(), "{email}: {:?}", r.flags);
    }
    for email in ["dan@example.com", "fay@example.com"] {
        assert!(referrals::referrer_of(&db, by(email)).unwrap().is_none(), "{email}");
    }
    assert!(referrals::referrer_of(&db, rosa).unwrap().is_none());
    let dan_orders = purchases::list(
        &db,
        &purchases::PurchaseQuery { contact_id: Some(by("dan@example.com")), ..Default::default() },
    )
    .unwrap();
    assert_eq!(dan_orders.items[0].referral_code.as_deref(), Some("SPRING10"));
    let rosa25 = &referral_codes::results(&db, false).unwrap()[0];
    // Three orders carried it (Rosa's own included); two referrals, both bought: 60.00 + 45.00.
    assert_eq!((rosa25.uses, rosa25.referrals, rosa25.referred_customers, rosa25.revenue), (3, 2, 2, 10_500));

    // Undo takes the referrals and their rewards with the orders; the code stays Rosa's.
    batches::undo(&db, done.batch_id.unwrap()).unwrap();
    assert_eq!(common::count(&db, "referrals"), 0);
    assert_eq!(referral_codes::of_advocate(&db, rosa).unwrap().unwrap().code, "ROSA25");
    let rosa25 = &referral_codes::results(&db, false).unwrap()[0];
    assert_eq!((rosa25.uses, rosa25.referrals, rosa25.revenue), (0, 0, 0));
}

/// The sample shop hands out codes: its loop figures count the referrals found by code among the
/// referred leads, and the codes' own results add up to the same referrals.
#[test]
fn the_sample_shops_loop_figures_count_the_referrals_found_by_code() {
    use flywheel_core::flywheel::{self, LoopQuery};
    use flywheel_core::sample::{self, SampleSize};
    let db = temp_db();
    sample::generate(&db, SampleSize::Small, chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).unwrap();
    let codes = referral_codes::results(&db, false).unwrap();
    assert!(codes.len() >= 5, "{} codes", codes.len());
    let by_code: i64 = codes.iter().map(|c| c.referrals).sum();
    assert!(by_code > 0);
    let report = flywheel::report(&db, &LoopQuery { from: None, to: Some("2026-06-30".into()) }).unwrap();
    let f = &report.figures;
    // By hand from the rows: real referrals whose code_id is set, on or before the day.
    let counted: i64 = db
        .query_row(
            "SELECT count(*) FROM referrals WHERE code_id IS NOT NULL AND referred_on <= '2026-06-30'
               AND instr(flags, '\"self_referral\"') = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(f.referred_by_code, counted);
    assert!(f.referred_by_code > 0 && f.referred_by_code <= f.referred_leads, "{f:?}");
    assert!(by_code >= f.referred_by_code);
    // Each code's referred customers bought on or after their referral day; they are among the
    // loop's referred customers.
    let customers: i64 = codes.iter().map(|c| c.referred_customers).sum();
    assert!(customers > 0 && customers <= f.referred_customers);
    // And the shop's own SPRING10 is on orders without making any referral.
    let spring: i64 = db
        .query_row("SELECT count(*) FROM purchases WHERE referral_code = 'SPRING10'", [], |r| r.get(0))
        .unwrap();
    assert!(spring > 0);
}
