//! `flywheel settings get|set` for every setting, amounts read by the core's money reader.

mod common;

use common::{flywheel, ok};
use flywheel_core::{db, settings};

#[test]
fn every_setting_can_be_set_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "shop.db");
    for (key, value, shown) in [
        ("mql_threshold", "60", "60"),
        ("sla_hours", "48", "48"),
        ("currency", "eur", "EUR"),
        ("decimal_mark", "comma", "comma"),
        ("referral_reward", "25,00", "25.00"),
        ("referral_min_order", "1.234", "1234.00"),
        ("monthly_discount", "1,5", "1.5"),
    ] {
        assert_eq!(ok(&flywheel(&db, &["settings", "set", key, value])), format!("{key} {shown}\n"));
        assert_eq!(ok(&flywheel(&db, &["settings", "get", key])), format!("{shown}\n"));
    }
    let all = ok(&flywheel(&db, &["settings", "get"]));
    assert_eq!(
        all,
        "mql_threshold 60\nsla_hours 48\ncurrency EUR\ndecimal_mark comma\nreferral_reward 25.00\nreferral_min_order 1234.00\nmonthly_discount 1.5\nfriend_offer \n"
    );
    let s = settings::get(&db::open(&db).unwrap()).unwrap();
    assert_eq!((s.referral_reward_minor, s.referral_min_order_minor), (2500, 123_400));
    assert_eq!(s.monthly_discount_percent, 1.5);
}

#[test]
fn refusals_name_the_setting_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "shop.db");
    ok(&flywheel(&db, &["settings", "set", "referral_reward", "25"]));
    for (key, value, says) in [
        ("referral_reward", "1,234", "decimal mark in Settings"),
        ("referral_reward", "12,50 EUR", "in EUR"),
        ("referral_reward", "abc", "not an amount"),
        ("sla_hours", "0", "sla_hours"),
        ("sla_hours", "a day", "whole number"),
        ("currency", "BUCKS", "currency code"),
        ("decimal_mark", "semicolon", "dot, comma or auto"),
    ] {
        let out = flywheel(&db, &["settings", "set", key, value]);
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && why.contains(&format!("(field: {key})")) && why.contains(says),
            "{key} {value}: {why}"
        );
    }
    let out = flywheel(&db, &["settings", "get", "theme"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("referral_min_order"),
        "the error lists the settings"
    );
    assert_eq!(ok(&flywheel(&db, &["settings", "get", "referral_reward"])), "25.00\n");
    let missing = flywheel(&dir.path().join("none.db"), &["settings", "get"]);
    assert!(!missing.status.success());
}
