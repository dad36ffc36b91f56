mod common;

use common::{assert_err, assert_invalid, count, fail_inserts_into, temp_db};
use flywheel_core::channels::{self, SpendInput};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::ErrorCode;

fn spend(key: &str, month: &str, amount_minor: i64, visitors: i64) -> SpendInput {
    SpendInput {
        channel_key: key.into(),
        month: month.into(),
        amount_minor,
        currency: "USD".into(),
        visitors,
    }
}

#[test]
fn the_nine_standard_channels_come_first() {
    let db = temp_db();
    channels::create(&db, "Anvil Fair").unwrap();
    let all = channels::list(&db, false).unwrap();
    assert_eq!(all.len(), 10);
    assert!(all[..9].iter().all(|c| c.builtin && !c.archived));
    assert_eq!(all[0].name, "Direct Traffic"); // alphabetical among the standard ones
    assert_eq!(all[9].key, "anvil_fair");
    assert_eq!(channels::get(&db, "paid_search").unwrap().name, "Paid Search");
}

#[test]
fn create_rename_archive_round_trip() {
    let db = temp_db();
    let c = channels::create(&db, "  Farmers Market ").unwrap();
    assert_eq!(
        c,
        channels::Channel {
            key: "farmers_market".into(),
            name: "Farmers Market".into(),
            builtin: false,
            archived: false
        }
    );
    assert_eq!(channels::get(&db, "farmers_market").unwrap(), c);

    let renamed = channels::rename(&db, "farmers_market", "Saturday Market").unwrap();
    assert_eq!((renamed.key.as_str(), renamed.name.as_str()), ("farmers_market", "Saturday Market"));
    // Changing only the case of its own name is not a clash with itself.
    assert_eq!(channels::rename(&db, "farmers_market", "saturday market").unwrap().name, "saturday market");

    let archived = channels::set_archived(&db, "farmers_market", true).unwrap();
    assert!(archived.archived);
    assert!(!channels::list(&db, false).unwrap().iter().any(|c| c.key == "farmers_market"));
    assert!(channels::list(&db, true).unwrap().iter().any(|c| c.key == "farmers_market"));
    assert!(!channels::set_archived(&db, "farmers_market", false).unwrap().archived);
    assert_eq!(channels::list(&db, false).unwrap().len(), 10);
}

#[test]
fn contacts_can_use_a_new_channel_and_keep_it_through_a_rename() {
    let db = temp_db();
    let c = channels::create(&db, "Radio Ad").unwrap();
    let input =
        ContactInput { email: Some("ann@x.co".into()), source: c.key.clone(), ..ContactInput::default() };
    let ann = contacts::create(&db, &input).unwrap();
    channels::rename(&db, &c.key, "Radio (FM)").unwrap();
    assert_eq!(contacts::get(&db, ann.id).unwrap().source, "radio_ad");
}

#[test]
fn names_are_required_and_unique_ignoring_case() {
    let db = temp_db();
    assert_invalid(channels::create(&db, "   "), "name");
    assert_invalid(channels::create(&db, &"x".repeat(61)), "name");
    assert_err(channels::create(&db, "paid search"), ErrorCode::Conflict, Some("name"));
    channels::create(&db, "Farmers Market").unwrap();
    assert_err(channels::create(&db, "FARMERS MARKET"), ErrorCode::Conflict, Some("name"));
    assert_err(channels::rename(&db, "farmers_market", "Referrals"), ErrorCode::Conflict, Some("name"));
    assert_invalid(channels::rename(&db, "farmers_market", ""), "name");
    // A different name whose key would clash gets a numbered key.
    assert_eq!(channels::create(&db, "Farmers-Market").unwrap().key, "farmers_market_2");
    assert_eq!(channels::create(&db, "Paid  Search!").unwrap().key, "paid_search_2");
    assert_eq!(count(&db, "channels"), 9 + 3);
}

#[test]
fn standard_channels_cannot_be_archived() {
    let db = temp_db();
    assert_invalid(channels::set_archived(&db, "referrals", true), "archived");
    assert!(!channels::get(&db, "referrals").unwrap().archived);
    // Un-archiving one is harmless, and renaming one keeps its key.
    assert!(!channels::set_archived(&db, "referrals", false).unwrap().archived);
    assert_eq!(channels::rename(&db, "referrals", "Word of Mouth").unwrap().key, "referrals");
}

#[test]
fn missing_channels_are_not_found() {
    let db = temp_db();
    assert_err(channels::get(&db, "carrier_pigeon"), ErrorCode::NotFound, None);
    assert_err(channels::rename(&db, "carrier_pigeon", "Pigeons"), ErrorCode::NotFound, None);
    assert_err(channels::set_archived(&db, "carrier_pigeon", true), ErrorCode::NotFound, None);
    assert_err(channels::delete_spend(&db, 42), ErrorCode::NotFound, None);
    assert_eq!(count(&db, "channels"), 9);
}

#[test]
fn a_failed_create_leaves_no_channel() {
    let db = temp_db();
    fail_inserts_into(&db, "channels");
    assert!(channels::create(&db, "Farmers Market").is_err());
    assert_err(channels::get(&db, "farmers_market"), ErrorCode::NotFound, None);
    assert_eq!(count(&db, "channels"), 9);
}

#[test]
fn spend_is_one_row_per_channel_and_month() {
    let db = temp_db();
    // The design's worked example: $200 for 100 visitors.
    let first = channels::set_spend(&db, &spend("paid_search", "2024-03", 20_000, 100)).unwrap();
    assert_eq!(
        (first.channel_key.as_str(), first.month.as_str(), first.amount_minor, first.visitors),
        ("paid_search", "2024-03", 20_000, 100)
    );
    // Setting the same month again replaces it rather than adding a row.
    let again = channels::set_spend(
        &db,
        &SpendInput { currency: "eur".into(), ..spend(" paid_search ", " 2024-03 ", 25_000, 120) },
    )
    .unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!((again.amount_minor, again.visitors, again.currency.as_str()), (25_000, 120, "EUR"));
    assert_eq!(count(&db, "channel_spend"), 1);
    assert_eq!(channels::list_spend(&db, None, None).unwrap(), vec![again.clone()]);

    channels::delete_spend(&db, again.id).unwrap();
    assert_eq!(count(&db, "channel_spend"), 0);
}

#[test]
fn spend_is_validated() {
    let db = temp_db();
    assert_invalid(channels::set_spend(&db, &spend("carrier_pigeon", "2024-03", 1, 0)), "channel_key");
    for month in ["2024-13", "2024-00", "2024-3", "March", "2024-03-01"] {
        assert_invalid(channels::set_spend(&db, &spend("paid_search", month, 1, 0)), "month");
    }
    assert_invalid(channels::set_spend(&db, &spend("paid_search", "2024-03", -1, 0)), "amount_minor");
    assert_invalid(channels::set_spend(&db, &spend("paid_search", "2024-03", 1, -1)), "visitors");
    let bad_currency = SpendInput { currency: "XYZ".into(), ..spend("paid_search", "2024-03", 1, 0) };
    assert_invalid(channels::set_spend(&db, &bad_currency), "currency");
    assert_eq!(count(&db, "channel_spend"), 0);
    // Zero spend (an organic channel) with zero visitors is fine.
    channels::set_spend(&db, &spend("organic_search", "2024-03", 0, 0)).unwrap();
}

#[test]
fn spend_lists_by_month_range() {
    let db = temp_db();
    for (key, month) in
        [("paid_search", "2024-02"), ("email_marketing", "2024-03"), ("paid_search", "2024-03")]
    {
        channels::set_spend(&db, &spend(key, month, 1_000, 10)).unwrap();
    }
    channels::set_spend(&db, &spend("paid_search", "2024-04", 1_000, 10)).unwrap();
    let keys = |from, to| {
        channels::list_spend(&db, from, to)
            .unwrap()
            .into_iter()
            .map(|s| format!("{} {}", s.month, s.channel_key))
            .collect::<Vec<_>>()
    };
    // Ends are inclusive; within a month, by channel key.
    assert_eq!(
        keys(Some("2024-03"), Some("2024-03")),
        vec!["2024-03 email_marketing", "2024-03 paid_search"]
    );
    assert_eq!(keys(None, Some("2024-02")), vec!["2024-02 paid_search"]);
    assert_eq!(keys(Some("2024-04"), None), vec!["2024-04 paid_search"]);
    assert_eq!(keys(None, None).len(), 4);
    assert_invalid(channels::list_spend(&db, Some("2024-3"), None), "from_month");
    assert_invalid(channels::list_spend(&db, None, Some("2024-13")), "to_month");
    assert_invalid(channels::list_spend(&db, Some("2024-04"), Some("2024-03")), "to_month");
}
