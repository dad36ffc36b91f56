//! `flywheel referrals code set`, `purchases add --code` and `referrals codes [--csv]`: a code given
//! to an advocate, an order carrying it in another letter case becoming the referral with its
//! reward, a shop's ordinary code kept without one, and the codes' results.

mod common;

use common::{flywheel, ok};
use std::path::Path;

fn refused(db: &Path, args: &[&str]) -> String {
    let out = flywheel(db, args);
    assert!(!out.status.success(), "{args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_code_set_from_the_command_line_turns_an_order_into_a_referral() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "codes.db");
    ok(&flywheel(&db, &["contacts", "add", "--email", "rosa@example.com", "--name", "Rosa Diaz"]));
    ok(&flywheel(&db, &["contacts", "add", "--email", "ben@example.com", "--name", "Ben Ito"]));
    ok(&flywheel(&db, &["contacts", "add", "--email", "dan@example.com", "--name", "Dan Oak"]));
    ok(&flywheel(&db, &["settings", "set", "referral_reward", "10"]));
    ok(&flywheel(&db, &["settings", "set", "referral_min_order", "20"]));
    assert_eq!(ok(&flywheel(&db, &["referrals", "code", "suggest", "rosa@example.com"])), "ROSA10\n");
    assert_eq!(
        ok(&flywheel(&db, &["referrals", "code", "set", "rosa@example.com", "rosa25"])),
        "ROSA25 is Rosa Diaz's referral code.\n"
    );
    let why = refused(&db, &["referrals", "code", "set", "ben@example.com", "Rosa25"]);
    assert!(why.contains("belongs to Rosa Diaz") && why.contains("(field: CODE)"), "{why}");

    let said = ok(&flywheel(
        &db,
        &[
            "purchases",
            "add",
            "--email",
            "ben@example.com",
            "--amount",
            "50",
            "--date",
            "2026-02-01",
            "--code",
            "rosa 25",
        ],
    ));
    assert!(
        said.contains("ROSA25 is Rosa Diaz's code: recorded as their referral; reward owed: 10.00 USD."),
        "{said}"
    );
    let said = ok(&flywheel(
        &db,
        &[
            "purchases",
            "add",
            "--email",
            "dan@example.com",
            "--amount",
            "30",
            "--date",
            "2026-02-02",
            "--code",
            "summer10",
        ],
    ));
    assert!(said.contains("SUMMER10 is no advocate's code: kept on the order, no referral."), "{said}");

    let csv = ok(&flywheel(&db, &["referrals", "codes", "--csv"]));
    assert_eq!(
        csv,
        "code,advocate,advocate_email,uses,referrals,referred_customers,revenue,retired\nROSA25,Rosa Diaz,rosa@example.com,1,1,1,50.00,\n"
    );
    let table = ok(&flywheel(&db, &["referrals", "codes"]));
    assert!(table.starts_with("CODE") && table.trim_end().ends_with("1 code"), "{table}");
}
