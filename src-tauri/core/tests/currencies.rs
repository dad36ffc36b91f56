//! Purchases in another currency than the shop's never vanish: they are counted aside per currency
//! (`currencies::other`), and a European shop's first import of its own euro file makes EUR the
//! shop currency, so its customers are counted.

mod common;

use common::{buy, contact, purchase, temp_db};
use flywheel_core::currencies::{self, CurrencyFigures};
use flywheel_core::import::{self, batches, ImportKind, ImportReport, ImportRequest};
use flywheel_core::{purchases, repeat, settings, Connection};
use std::sync::atomic::AtomicBool;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn euro_file() -> ImportRequest {
    ImportRequest { path: fixture("euro_orders.csv"), ..ImportRequest::default() }
}

fn run(conn: &Connection, req: &ImportRequest, commit: bool) -> ImportReport {
    import::run(conn, req, commit, &mut |_| {}, &AtomicBool::new(false)).unwrap()
}

fn shop_currency(conn: &Connection) -> String {
    settings::get(conn).unwrap().currency
}

/// A USD shop: ann buys for $50, bob for $20 and again in EUR, eve only once for €30.
fn mixed_shop(conn: &Connection) -> (i64, i64, i64) {
    let (ann, bob, eve) = (
        contact(conn, "ann@example.com"),
        contact(conn, "bob@example.com"),
        contact(conn, "eve@example.com"),
    );
    buy(conn, ann, "2024-01-05", 5000);
    buy(conn, bob, "2024-01-06", 2000);
    let eur = |id: i64, day: &str, minor: i64| {
        purchases::create(
            conn,
            &purchases::PurchaseInput { currency: "EUR".into(), ..purchase(id, day, minor) },
        )
        .unwrap()
    };
    eur(bob, "2024-01-07", 1500);
    eur(eve, "2024-01-08", 3000);
    (ann, bob, eve)
}

#[test]
fn a_euro_order_in_a_usd_shop_is_listed_as_buying_only_in_eur() {
    let db = temp_db();
    let (_, _, eve) = mixed_shop(&db);
    // The USD figures count ann and bob only.
    let t = repeat::totals(&db, Some("2024-02-01")).unwrap();
    assert_eq!((t.customers, t.revenue), (2, 7000));
    assert_eq!(repeat::for_contact(&db, eve, Some("2024-02-01")).unwrap(), None);
    // eve is the one customer who buys only in EUR; bob also bought in EUR but is a USD customer.
    let o = currencies::other(&db, Some("2024-02-01")).unwrap();
    assert_eq!((o.as_of.as_str(), o.shop_currency.as_str()), ("2024-02-01", "USD"));
    assert_eq!(
        o.currencies,
        vec![CurrencyFigures {
            currency: "EUR".into(),
            only_customers: 1,
            customers: 2,
            purchases: 2,
            total_minor: 4500,
        }]
    );
    assert_eq!(
        currencies::sentence(&o.currencies[0], &o.shop_currency),
        "1 customer buys only in EUR, not counted in USD figures (2 purchases, 45.00 EUR); 1 more customer \
         also buys in EUR."
    );
    // Before eve's order day only bob's EUR order stood.
    let before = currencies::other(&db, Some("2024-01-07")).unwrap();
    assert_eq!((before.currencies[0].only_customers, before.currencies[0].purchases), (0, 1));
    // A shop with nothing in other currencies has nothing to say.
    assert!(currencies::other(&temp_db(), None).unwrap().currencies.is_empty());
}

#[test]
fn refunded_orders_count_as_the_repeat_figures_count_them() {
    let db = temp_db();
    let eve = contact(&db, "eve@example.com");
    let p = purchases::create(
        &db,
        &purchases::PurchaseInput { currency: "GBP".into(), ..purchase(eve, "2024-01-08", 3000) },
    )
    .unwrap();
    purchases::create(
        &db,
        &purchases::PurchaseInput { currency: "GBP".into(), ..purchase(eve, "2024-01-09", 1000) },
    )
    .unwrap();
    purchases::refund(&db, p.id, 1000).unwrap();
    let o = currencies::other(&db, Some("2024-02-01")).unwrap();
    // 30.00 − 10.00 refunded + 10.00 = 30.00 on two purchases.
    assert_eq!((o.currencies[0].purchases, o.currencies[0].total_minor), (2, 3000));
}

#[test]
fn a_euro_file_into_an_empty_shop_proposes_eur_and_adopting_it_counts_every_customer() {
    let db = temp_db();
    assert_eq!(shop_currency(&db), "USD");
    let seen = import::inspect(&db, fixture("euro_orders.csv").as_ref(), None, None).unwrap();
    // German headers, semicolons, comma decimals and dotted dates: a purchases file, no questions.
    assert_eq!(seen.kind, ImportKind::Purchases);
    assert_eq!(seen.delimiter, import::Delimiter::Semicolon);
    assert!(seen.questions.is_empty(), "{:?}", seen.questions);

    // The preview asks (the window's question) and changes nothing.
    let dry = run(&db, &euro_file(), false);
    assert_eq!((dry.inserted, dry.rejected, dry.contacts_created), (6, 0, 3));
    let c = &dry.currencies;
    assert_eq!(
        (c.shop_currency.as_str(), c.proposed.as_deref(), c.adopted.as_deref()),
        ("USD", Some("EUR"), None)
    );
    assert_eq!((c.file[0].currency.as_str(), c.file[0].purchases, c.file[0].customers), ("EUR", 6, 3));
    // Kept as USD, all 3 customers would be in EUR only, beside the USD figures.
    assert_eq!(c.other.currencies[0].only_customers, 3);
    assert_eq!(shop_currency(&db), "USD");

    // "Yes": EUR becomes the shop currency with the import.
    let yes = ImportRequest { shop_currency: Some("EUR".into()), ..euro_file() };
    let done = run(&db, &yes, true);
    assert_eq!(done.currencies.adopted.as_deref(), Some("EUR"));
    assert!(done.currencies.other.currencies.is_empty());
    assert_eq!(shop_currency(&db), "EUR");
    let t = repeat::totals(&db, Some("2024-04-01")).unwrap();
    // anna (12 Jan, 3 Feb, 15 Mar) and jonas (5 Feb, 20 Feb) came back; claire bought once.
    assert_eq!((t.currency.as_str(), t.customers, t.repeat_customers, t.purchases), ("EUR", 3, 2, 6));
    // anna 1234.50 + 89.90 + 45.00 = 1369.40; jonas 250.00 + 19.99 = 269.99; claire 75.50:
    // 1714.89 EUR.
    assert_eq!(t.revenue, 171_489);
    assert!(currencies::other(&db, None).unwrap().currencies.is_empty());

    // Undo puts the shop's currency back with the purchases.
    batches::undo(&db, done.batch_id.unwrap()).unwrap();
    assert_eq!(shop_currency(&db), "USD");
    let left: i64 = db
        .query_row("SELECT count(*) FROM settings WHERE key LIKE 'import_prior%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn the_cli_default_adopts_the_proposal_and_no_keeps_the_currency() {
    let db = temp_db();
    let done = run(&db, &ImportRequest { adopt_file_currency: true, ..euro_file() }, true);
    assert_eq!(done.currencies.adopted.as_deref(), Some("EUR"));
    assert_eq!(shop_currency(&db), "EUR");

    // "No": the shop stays in USD and the preview says who is left out.
    let other = temp_db();
    let kept = run(&other, &euro_file(), true);
    assert_eq!(kept.currencies.adopted, None);
    assert_eq!(shop_currency(&other), "USD");
    assert_eq!(repeat::totals(&other, None).unwrap().customers, 0);
    let o = currencies::other(&other, None).unwrap();
    assert_eq!(
        (o.currencies[0].only_customers, o.currencies[0].purchases, o.currencies[0].total_minor),
        (3, 6, 171_489)
    );
}

#[test]
fn a_file_into_a_shop_with_purchases_does_not_switch_the_currency() {
    let db = temp_db();
    let ann = contact(&db, "ann@example.com");
    buy(&db, ann, "2024-01-05", 5000);
    let dry = run(&db, &ImportRequest { adopt_file_currency: true, ..euro_file() }, false);
    assert_eq!((dry.currencies.proposed.as_deref(), dry.currencies.adopted.as_deref()), (None, None));
    // Even when asked for (the CLI's --currency EUR), the currency stays.
    let done = run(&db, &ImportRequest { shop_currency: Some("EUR".into()), ..euro_file() }, true);
    assert_eq!(done.currencies.adopted, None);
    assert_eq!(shop_currency(&db), "USD");
    // The preview and the Customers page: 3 customers buy only in EUR.
    let o = &done.currencies.other;
    assert_eq!(
        currencies::sentence(&o.currencies[0], &o.shop_currency),
        "3 customers buy only in EUR, not counted in USD figures (6 purchases, 1714.89 EUR)."
    );
    assert_eq!(repeat::totals(&db, None).unwrap().customers, 1);
}
