mod common;

use common::{assert_err, assert_invalid, count, temp_db};
use flywheel_core::money::DecimalMarkSetting;
use flywheel_core::settings::{self, Settings};
use flywheel_core::ErrorCode;

fn custom() -> Settings {
    Settings {
        mql_threshold: 60,
        sla_hours: 48,
        currency: "eur".into(),
        referral_reward_minor: 1_500,
        referral_min_order_minor: 5_000,
        decimal_mark: DecimalMarkSetting::Comma,
        monthly_discount_percent: 1.5,
        referral_friend_offer: "10 % off their first order".into(),
    }
}

#[test]
fn a_new_database_has_the_defaults() {
    let db = temp_db();
    let s = settings::get(&db).unwrap();
    assert_eq!(s, Settings::default());
    assert_eq!((s.mql_threshold, s.sla_hours, s.currency.as_str()), (75, 24, "USD"));
    assert_eq!((s.referral_reward_minor, s.referral_min_order_minor), (0, 0));
    assert_eq!(s.decimal_mark, DecimalMarkSetting::Auto);
}

#[test]
fn update_saves_every_setting_and_survives_reopening() {
    let db = temp_db();
    let saved = settings::update(&db, &custom()).unwrap();
    let expected = Settings { currency: "EUR".into(), ..custom() };
    assert_eq!(saved, expected);
    assert_eq!(count(&db, "settings"), 8);
    assert_eq!(settings::get(&db.reopen()).unwrap(), expected);
    // Saving again overwrites rather than adding rows.
    settings::update(&db, &Settings { sla_hours: 2, ..expected }).unwrap();
    assert_eq!(settings::get(&db).unwrap().sla_hours, 2);
    assert_eq!(count(&db, "settings"), 8);
}

#[test]
fn each_setting_is_validated() {
    let db = temp_db();
    let ok = Settings::default();
    for (bad, field) in [
        (Settings { mql_threshold: 0, ..ok.clone() }, "mql_threshold"),
        (Settings { mql_threshold: 101, ..ok.clone() }, "mql_threshold"),
        (Settings { sla_hours: 0, ..ok.clone() }, "sla_hours"),
        (Settings { sla_hours: 721, ..ok.clone() }, "sla_hours"),
        (Settings { currency: "XYZ".into(), ..ok.clone() }, "currency"),
        (Settings { referral_reward_minor: -1, ..ok.clone() }, "referral_reward_minor"),
        (Settings { referral_min_order_minor: -1, ..ok.clone() }, "referral_min_order_minor"),
        (Settings { monthly_discount_percent: -0.5, ..ok.clone() }, "monthly_discount_percent"),
        (Settings { monthly_discount_percent: 100.5, ..ok.clone() }, "monthly_discount_percent"),
        (Settings { monthly_discount_percent: f64::NAN, ..ok.clone() }, "monthly_discount_percent"),
    ] {
        assert_invalid(settings::update(&db, &bad), field);
    }
    assert_eq!(count(&db, "settings"), 0);
    // The edges of each range are allowed.
    let edges = Settings { mql_threshold: 100, sla_hours: 720, ..ok.clone() };
    assert_eq!(settings::update(&db, &edges).unwrap(), edges);
    let low = Settings { mql_threshold: 1, sla_hours: 1, ..ok };
    assert_eq!(settings::update(&db, &low).unwrap(), low);
}

#[test]
fn missing_keys_read_as_defaults() {
    let db = temp_db();
    db.execute("INSERT INTO settings (key, value) VALUES ('sla_hours', '12'), ('theme', 'dark')", [])
        .unwrap();
    assert_eq!(settings::get(&db).unwrap(), Settings { sla_hours: 12, ..Settings::default() });
}

#[test]
fn damaged_stored_values_are_storage_errors_naming_the_key() {
    let db = temp_db();
    db.execute("INSERT INTO settings (key, value) VALUES ('mql_threshold', 'high')", []).unwrap();
    let e = settings::get(&db).unwrap_err();
    assert_eq!(e.code, ErrorCode::Storage);
    assert!(e.message.contains("mql_threshold"), "{}", e.message);

    // A number out of its range is just as unusable.
    db.execute("UPDATE settings SET key = 'sla_hours', value = '0'", []).unwrap();
    let e = settings::get(&db).unwrap_err();
    assert_eq!(e.code, ErrorCode::Storage);
    assert!(e.message.contains("sla_hours"), "{}", e.message);

    // Saving good settings repairs it.
    settings::update(&db, &Settings::default()).unwrap();
    assert_eq!(settings::get(&db).unwrap(), Settings::default());
}

#[test]
fn a_failed_update_changes_nothing() {
    let db = temp_db();
    settings::update(&db, &Settings::default()).unwrap();
    // The last of the five rows fails, after the first four have been written.
    common::fail_inserts_into_when(&db, "settings", "NEW.key = 'referral_min_order_minor'");
    assert!(settings::update(&db, &custom()).is_err());
    assert_eq!(settings::get(&db).unwrap(), Settings::default());
    assert_err(
        settings::update(&db, &Settings { sla_hours: 0, ..custom() }),
        ErrorCode::Invalid,
        Some("sla_hours"),
    );
}

#[test]
fn each_key_reads_and_writes_as_text_and_amounts_go_through_the_money_reader() {
    let db = temp_db();
    for (key, value, shown) in [
        ("mql_threshold", "60", "60"),
        ("sla_hours", "48", "48"),
        ("currency", "eur", "EUR"),
        ("referral_reward", "25,00", "25.00"),
        ("referral_min_order", "€1.234,50", "1234.50"),
        ("decimal_mark", "Comma", "comma"),
        ("referral_min_order", "1.234", "1234.00"),
        ("monthly_discount", "1,5 %", "1.5"),
        ("friend_offer", "  a free loaf with their first order ", "a free loaf with their first order"),
    ] {
        let s = settings::set_value(&db, key, value).unwrap();
        assert_eq!(s.value_of(key).unwrap(), shown, "{key}");
        assert_eq!(settings::get(&db).unwrap().value_of(key).unwrap(), shown, "{key}");
    }
    let s = settings::get(&db).unwrap();
    assert_eq!((s.referral_reward_minor, s.referral_min_order_minor), (2_500, 123_400));
    for key in settings::KEYS {
        s.value_of(key).unwrap();
    }
    // Refusals name the key and change nothing.
    settings::set_value(&db, "decimal_mark", "auto").unwrap();
    for (key, value) in [
        ("referral_reward", "1,234"),
        ("referral_reward", "12.505"),
        ("referral_reward", "abc"),
        ("referral_min_order", "-5"),
        ("sla_hours", "0"),
        ("sla_hours", "a day"),
        ("currency", "XYZ"),
        ("decimal_mark", "semicolon"),
        ("monthly_discount", "150"),
        ("friend_offer", &"x".repeat(121)),
        ("monthly_discount", "lots"),
    ] {
        assert_invalid(settings::set_value(&db, key, value), key);
    }
    assert_invalid(settings::set_value(&db, "theme", "dark"), "key");
    assert_eq!(settings::get(&db).unwrap(), Settings { decimal_mark: DecimalMarkSetting::Auto, ..s });
}

#[test]
fn a_damaged_decimal_mark_is_reported() {
    let db = temp_db();
    db.execute("INSERT INTO settings (key, value) VALUES ('decimal_mark', 'semicolon')", []).unwrap();
    let e = settings::get(&db).unwrap_err();
    assert_eq!(e.code, ErrorCode::Storage);
    assert!(e.message.contains("decimal_mark"), "{}", e.message);
}
