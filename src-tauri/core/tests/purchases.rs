mod common;

use common::{assert_err, assert_invalid, contact, contact_as_of, count, fail_inserts_into, temp_db};
use flywheel_core::purchases::{self, PurchaseInput, PurchaseQuery, PurchaseSort};
use flywheel_core::stages::{self, Actor, Stage};
use flywheel_core::{contacts, time, ErrorCode};

fn input(contact_id: i64, day: &str, amount_minor: i64) -> PurchaseInput {
    PurchaseInput {
        contact_id,
        purchased_on: day.into(),
        amount_minor,
        currency: "USD".into(),
        product: "Sourdough loaf".into(),
        quantity: 1,
        external_id: None,
    }
}

#[test]
fn create_get_update_delete_round_trip() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let bob = contact(&db, "bob@x.co");
    let p = purchases::create(
        &db,
        &PurchaseInput {
            currency: " eur ".into(),
            product: "  Rye  ".into(),
            quantity: 3,
            external_id: Some("  ORD-1 ".into()),
            purchased_on: " 2024-03-05 ".into(),
            ..input(ann, "", 1250)
        },
    )
    .unwrap();
    assert_eq!(
        (p.contact_id, p.purchased_on.as_str(), p.amount_minor, p.refunded_minor),
        (ann, "2024-03-05", 1250, 0)
    );
    assert_eq!((p.currency.as_str(), p.product.as_str(), p.quantity), ("EUR", "Rye", 3));
    assert_eq!(p.external_id.as_deref(), Some("ORD-1"));
    assert_eq!(purchases::get(&db, p.id).unwrap(), p);

    let edited = purchases::update(
        &db,
        p.id,
        &PurchaseInput { external_id: Some("ORD-1".into()), quantity: 2, ..input(bob, "2024-03-06", 900) },
    )
    .unwrap();
    assert_eq!((edited.contact_id, edited.purchased_on.as_str()), (bob, "2024-03-06"));
    assert_eq!((edited.amount_minor, edited.quantity, edited.currency.as_str()), (900, 2, "USD"));
    assert_eq!(edited.created_at, p.created_at);
    // The purchase moved to Bob, which makes Bob a customer too.
    assert_eq!(contacts::get(&db, bob).unwrap().stage, Stage::Customer);

    purchases::delete(&db, p.id).unwrap();
    assert_err(purchases::get(&db, p.id), ErrorCode::NotFound, None);
    assert_eq!(count(&db, "purchases"), 0);
}

#[test]
fn blank_external_ids_are_none_and_never_clash() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let a = purchases::create(
        &db,
        &PurchaseInput { external_id: Some("   ".into()), ..input(ann, "2024-03-05", 1) },
    )
    .unwrap();
    let b = purchases::create(
        &db,
        &PurchaseInput { external_id: Some(String::new()), ..input(ann, "2024-03-05", 1) },
    )
    .unwrap();
    assert_eq!((a.external_id, b.external_id), (None, None));
}

#[test]
fn each_field_is_validated() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let ok = input(ann, "2024-03-05", 1000);
    let next_year = time::format_day(time::today() + chrono::Duration::days(400));

    assert_invalid(purchases::create(&db, &PurchaseInput { contact_id: 999, ..ok.clone() }), "contact_id");
    for day in ["2024-02-30", "05/03/2024", "", next_year.as_str(), "1850-06-01"] {
        assert_invalid(
            purchases::create(&db, &PurchaseInput { purchased_on: day.into(), ..ok.clone() }),
            "purchased_on",
        );
    }
    assert_invalid(purchases::create(&db, &PurchaseInput { amount_minor: -1, ..ok.clone() }), "amount_minor");
    assert_invalid(
        purchases::create(&db, &PurchaseInput { amount_minor: 2_000_000_000_000, ..ok.clone() }),
        "amount_minor",
    );
    for cur in ["XYZ", "dollars", ""] {
        assert_invalid(
            purchases::create(&db, &PurchaseInput { currency: cur.into(), ..ok.clone() }),
            "currency",
        );
    }
    assert_invalid(purchases::create(&db, &PurchaseInput { quantity: 0, ..ok.clone() }), "quantity");
    assert_invalid(purchases::create(&db, &PurchaseInput { quantity: -2, ..ok.clone() }), "quantity");
    assert_invalid(
        purchases::create(&db, &PurchaseInput { product: "x".repeat(201), ..ok.clone() }),
        "product",
    );

    // None of the refused purchases was stored, nor did Ann become a customer.
    assert_eq!(count(&db, "purchases"), 0);
    assert_eq!(contacts::get(&db, ann).unwrap().stage, Stage::Lead);

    // A zero amount (a free sample) and tomorrow (a time zone ahead of UTC) are fine.
    let tomorrow = time::format_day(time::today() + chrono::Duration::days(1));
    purchases::create(&db, &PurchaseInput { amount_minor: 0, purchased_on: tomorrow, ..ok }).unwrap();
}

#[test]
fn external_ids_are_unique() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let with_id = |id: &str| PurchaseInput { external_id: Some(id.into()), ..input(ann, "2024-03-05", 500) };
    let first = purchases::create(&db, &with_id("ORD-7")).unwrap();
    assert_err(purchases::create(&db, &with_id(" ORD-7 ")), ErrorCode::Conflict, Some("external_id"));
    let second = purchases::create(&db, &with_id("ORD-8")).unwrap();
    assert_err(
        purchases::update(&db, second.id, &with_id("ORD-7")),
        ErrorCode::Conflict,
        Some("external_id"),
    );
    // A purchase keeps its own id when edited.
    purchases::update(&db, first.id, &with_id("ORD-7")).unwrap();
    assert_eq!(count(&db, "purchases"), 2);
}

#[test]
fn missing_purchases_are_not_found() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    assert_err(purchases::get(&db, 42), ErrorCode::NotFound, None);
    assert_err(purchases::update(&db, 42, &input(ann, "2024-03-05", 1)), ErrorCode::NotFound, None);
    assert_err(purchases::delete(&db, 42), ErrorCode::NotFound, None);
    assert_err(purchases::refund(&db, 42, 1), ErrorCode::NotFound, None);
    assert_err(purchases::for_contact(&db, 999), ErrorCode::NotFound, None);
    // Nothing was created by the failed update.
    assert_eq!(count(&db, "purchases"), 0);
}

#[test]
fn refunds_add_up_to_the_amount_and_no_further() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let p = purchases::create(&db, &input(ann, "2024-03-05", 10_000)).unwrap();

    assert_invalid(purchases::refund(&db, p.id, 0), "amount_minor");
    assert_invalid(purchases::refund(&db, p.id, -5), "amount_minor");
    assert_eq!(purchases::refund(&db, p.id, 2_500).unwrap().refunded_minor, 2_500);
    // 10,000 - 2,500 = 7,500 left; 7,501 is one cent too many.
    let too_much = purchases::refund(&db, p.id, 7_501).unwrap_err();
    assert_eq!((too_much.code, too_much.field.as_deref()), (ErrorCode::Invalid, Some("amount_minor")));
    assert!(too_much.message.contains("75.00 USD"), "{}", too_much.message);
    assert_eq!(purchases::get(&db, p.id).unwrap().refunded_minor, 2_500);
    // 2,500 + 7,500 = 10,000: a full refund.
    assert_eq!(purchases::refund(&db, p.id, 7_500).unwrap().refunded_minor, 10_000);
    assert_invalid(purchases::refund(&db, p.id, 1), "amount_minor");

    // The amount can no longer drop below what was refunded.
    assert_invalid(purchases::update(&db, p.id, &input(ann, "2024-03-05", 9_999)), "amount_minor");
    assert_eq!(
        purchases::update(&db, p.id, &input(ann, "2024-03-05", 12_000)).unwrap().refunded_minor,
        10_000
    );
}

#[test]
fn first_purchase_makes_a_lead_a_customer_once() {
    let db = temp_db();
    let ann = contact_as_of(&db, "ann@x.co", Stage::Lead, "2024-01-10T09:00:00Z");
    purchases::create(&db, &input(ann, "2024-03-05", 3_000)).unwrap();

    let c = contacts::get(&db, ann).unwrap();
    assert_eq!(c.stage, Stage::Customer);
    assert_eq!(c.stage_entered_at.as_deref(), Some("2024-03-05T00:00:00Z"));
    let history = stages::history(&db, ann).unwrap();
    assert_eq!(history.len(), 2);
    let last = &history[1];
    assert_eq!(
        (last.stage, last.actor, last.reason.as_str()),
        (Stage::Customer, Actor::System, "first purchase")
    );
    assert_eq!(last.at, "2024-03-05T00:00:00Z");

    // A second purchase adds no event; an earlier one moves the customer day back to its own.
    purchases::create(&db, &input(ann, "2024-02-01", 1_000)).unwrap();
    let history = stages::history(&db, ann).unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].at, "2024-02-01T00:00:00Z");
}

#[test]
fn a_backdated_purchase_moves_the_history_back_to_its_day() {
    let db = temp_db();
    // The contact was entered on 1 June at noon; the purchase is backdated to 1 May. (This test
    // used to expect the customer event at the moment of entry, 1 June 12:00: the bug of issue 10.)
    let ann = contact_as_of(&db, "ann@x.co", Stage::Lead, "2024-06-01T12:00:00Z");
    purchases::create(&db, &input(ann, "2024-05-01", 3_000)).unwrap();
    let history = stages::history(&db, ann).unwrap();
    assert_eq!(history.iter().map(|e| e.stage).collect::<Vec<_>>(), vec![Stage::Lead, Stage::Customer]);
    assert_eq!(history[0].at, "2024-05-01T00:00:00Z", "the lead event moves back with it");
    assert_eq!(history[1].at, "2024-05-01T00:00:00Z");
    assert_eq!(contacts::get(&db, ann).unwrap().stage, Stage::Customer);
}

#[test]
fn lost_contacts_who_buy_become_customers_and_customers_stay_put() {
    let db = temp_db();
    let lost = contact_as_of(&db, "lost@x.co", Stage::Lead, "2024-01-01T00:00:00Z");
    let at = time::parse_instant("at", "2024-02-01T08:00:00Z").unwrap();
    stages::record(&db, lost, Stage::Lost, Actor::Sales, "went quiet", at).unwrap();
    purchases::create(&db, &input(lost, "2024-04-01", 100)).unwrap();
    assert_eq!(contacts::get(&db, lost).unwrap().stage, Stage::Customer);

    let cust = contact_as_of(&db, "cust@x.co", Stage::Customer, "2024-01-01T00:00:00Z");
    purchases::create(&db, &input(cust, "2024-04-01", 100)).unwrap();
    assert_eq!(stages::history(&db, cust).unwrap().len(), 1);
}

#[test]
fn a_failed_create_leaves_no_purchase_and_no_stage_event() {
    let db = temp_db();
    let ann = contact_as_of(&db, "ann@x.co", Stage::Lead, "2024-01-10T09:00:00Z");
    // The purchase row goes in first; the stage event after it then fails.
    fail_inserts_into(&db, "stage_events");
    assert!(purchases::create(&db, &input(ann, "2024-03-05", 3_000)).is_err());
    assert_eq!(count(&db, "purchases"), 0);
    assert_eq!(stages::history(&db, ann).unwrap().len(), 1);
    assert_eq!(contacts::get(&db, ann).unwrap().stage, Stage::Lead);

    // A refused duplicate also leaves nothing behind, on a fresh connection.
    let conn = db.reopen();
    let bob = contact(&conn, "bob@x.co");
    let dup = PurchaseInput { external_id: Some("ORD-1".into()), ..input(bob, "2024-03-05", 1) };
    purchases::create(&conn, &dup).unwrap();
    let cat = contact(&conn, "cat@x.co");
    assert!(purchases::create(&conn, &PurchaseInput { contact_id: cat, ..dup }).is_err());
    assert_eq!(contacts::get(&conn, cat).unwrap().stage, Stage::Lead);
    assert_eq!(count(&conn, "purchases"), 1);
}

#[test]
fn lists_filter_sort_and_page() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    let bob = contact(&db, "bob@x.co");
    let mk = |c, day: &str, amount, product: &str| {
        purchases::create(&db, &PurchaseInput { product: product.into(), ..input(c, day, amount) })
            .unwrap()
            .id
    };
    let a1 = mk(ann, "2024-01-05", 500, "Rye loaf");
    let a2 = mk(ann, "2024-02-10", 2_000, "Cake 50% off");
    let b1 = mk(bob, "2024-02-10", 800, "Rye rolls");
    let b2 = mk(bob, "2024-03-01", 100, "Coffee");

    let ids =
        |q: PurchaseQuery| purchases::list(&db, &q).unwrap().items.iter().map(|p| p.id).collect::<Vec<_>>();
    // Default: by date ascending, ties by id.
    assert_eq!(ids(PurchaseQuery::default()), vec![a1, a2, b1, b2]);
    assert_eq!(ids(PurchaseQuery { descending: true, ..Default::default() }), vec![b2, b1, a2, a1]);
    assert_eq!(
        ids(PurchaseQuery { sort: Some(PurchaseSort::Amount), ..Default::default() }),
        vec![b2, a1, b1, a2]
    );
    assert_eq!(ids(PurchaseQuery { contact_id: Some(bob), ..Default::default() }), vec![b1, b2]);
    // From and to are inclusive.
    let feb = PurchaseQuery {
        from: Some("2024-02-10".into()),
        to: Some("2024-02-10".into()),
        ..Default::default()
    };
    assert_eq!(ids(feb), vec![a2, b1]);
    assert_eq!(ids(PurchaseQuery { search: Some("rye".into()), ..Default::default() }), vec![a1, b1]);
    // "%" is matched literally, not as a wildcard.
    assert_eq!(ids(PurchaseQuery { search: Some("50%".into()), ..Default::default() }), vec![a2]);
    assert_eq!(ids(PurchaseQuery { search: Some("5%".into()), ..Default::default() }), Vec::<i64>::new());

    let page = purchases::list(&db, &PurchaseQuery { offset: 1, limit: 2, ..Default::default() }).unwrap();
    assert_eq!((page.total, page.offset, page.limit), (4, 1, 2));
    assert_eq!(page.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![a2, b1]);

    assert_invalid(
        purchases::list(&db, &PurchaseQuery { from: Some("2024-13-01".into()), ..Default::default() }),
        "from",
    );
    assert_invalid(
        purchases::list(&db, &PurchaseQuery { to: Some("soon".into()), ..Default::default() }),
        "to",
    );

    let for_ann = purchases::for_contact(&db, ann).unwrap();
    assert_eq!(for_ann.iter().map(|p| p.id).collect::<Vec<_>>(), vec![a1, a2]);
    assert!(purchases::for_contact(&db, contact(&db, "cat@x.co")).unwrap().is_empty());
}

#[test]
fn deleting_a_contact_deletes_their_purchases() {
    let db = temp_db();
    let ann = contact(&db, "ann@x.co");
    purchases::create(&db, &input(ann, "2024-03-05", 100)).unwrap();
    contacts::delete(&db, ann).unwrap();
    assert_eq!(count(&db, "purchases"), 0);
}
