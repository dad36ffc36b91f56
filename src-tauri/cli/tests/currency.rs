//! `flywheel import` adopts the currency of a first file whose amounts are all in one other
//! currency (saying so in one line) or follows `--currency`; `flywheel report customers` names the
//! customers who buy only in another currency.

mod common;

use common::{flywheel, ok};

fn euro_file() -> String {
    format!("{}/../core/tests/fixtures/import/euro_orders.csv", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_first_euro_file_makes_eur_the_shop_currency_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "f.db");
    let dry = ok(&flywheel(&db, &["import", &euro_file(), "--dry-run"]));
    assert!(
        dry.contains(
            "The file's amounts are all in EUR and the shop had no purchases yet: EUR would become the shop \
             currency (was USD; --currency USD keeps it)."
        ),
        "{dry}"
    );
    let done = ok(&flywheel(&db, &["import", &euro_file()]));
    assert!(done.contains("EUR is now the shop currency (was USD;"), "{done}");
    assert_eq!(done.matches("shop currency").count(), 1, "one line: {done}");
    let report = ok(&flywheel(&db, &["report", "customers", "--as-of", "2024-04-01"]));
    // anna, jonas and claire, all counted in EUR; nothing left out.
    assert!(report.contains("3 customers\n"), "{report}");
    assert!(report.contains("1369.40") && report.contains("269.99") && report.contains("75.50"), "{report}");
    assert!(!report.contains("not counted"), "{report}");
}

#[test]
fn currency_keeps_the_shop_currency_and_the_report_names_who_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "f.db");
    let done = ok(&flywheel(&db, &["import", &euro_file(), "--currency", "USD"]));
    assert!(!done.contains("shop currency"), "{done}");
    assert!(
        done.contains("3 customers buy only in EUR, not counted in USD figures (6 purchases, 1714.89 EUR)."),
        "{done}"
    );
    let report = ok(&flywheel(&db, &["report", "customers", "--as-of", "2024-04-01"]));
    assert_eq!(
        report,
        "No customers yet.\n3 customers buy only in EUR, not counted in USD figures (6 purchases, 1714.89 EUR).\n"
    );
}
