//! `flywheel contacts add` and `flywheel purchases add` write what the window's forms write,
//! through the same core functions and the same money reader.

mod common;

use common::{flywheel, ok};
use flywheel_core::{contacts, db, purchases};
use std::path::Path;
use std::process::Output;

fn refused(out: &Output) -> String {
    assert!(!out.status.success(), "should have failed: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn amounts(db: &Path) -> Vec<(i64, String)> {
    let conn = db::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT amount_minor, currency FROM purchases ORDER BY id").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_contact_is_added_with_what_the_form_has() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "shop.db");
    let args = [
        "contacts",
        "add",
        "--email",
        "Ann@Example.com",
        "--name",
        "Ann van Lee",
        "--company",
        "Lee & Co",
        "--phone",
        "+31 6 1234",
        "--segment",
        "retail",
        "--tag",
        "vip",
        "--tag",
        "fair",
        "--source",
        "referrals",
        "--score",
        "40",
        "--notes",
        "Met at the fair",
        "--stage",
        "mql",
    ];
    let said = ok(&flywheel(&db, &args));
    assert!(said.contains("Ann van Lee") && said.contains("mql"), "{said}");
    let conn = db::open(&db).unwrap();
    let c = contacts::find_by_email(&conn, "ann@example.com").unwrap().unwrap();
    assert_eq!(
        (c.first_name.as_str(), c.last_name.as_str(), c.company.as_str()),
        ("Ann", "van Lee", "Lee & Co")
    );
    assert_eq!(
        (c.phone.as_str(), c.segment.as_str(), c.source.as_str()),
        ("+31 6 1234", "retail", "referrals")
    );
    assert_eq!((c.lead_score, c.notes.as_str(), c.stage.as_str()), (40, "Met at the fair", "mql"));
    assert_eq!(c.tags, vec!["vip".to_owned(), "fair".to_owned()]);
}

#[test]
fn contact_errors_name_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "shop.db");
    ok(&flywheel(&db, &["contacts", "add", "--email", "ann@example.com"]));
    for (args, flag) in [
        (&["--email", "ann@"][..], "--email"),
        (&["--email", "ann@example.com"][..], "--email"),
        (&["--email", "bob@example.com", "--score", "abc"][..], "--score"),
        (&["--email", "bob@example.com", "--score", "12.5"][..], "--score"),
        (&["--email", "bob@example.com", "--score", "101"][..], "--score"),
        (&["--email", "bob@example.com", "--stage", "vip"][..], "--stage"),
    ] {
        let why = refused(&flywheel(&db, &[&["contacts", "add"][..], args].concat()));
        assert!(why.contains(&format!("(field: {flag})")), "{args:?}: {why}");
    }
    assert_eq!(
        db::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM contacts", [], |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );
}

#[test]
fn purchase_amounts_are_read_as_typed_never_scaled() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "shop.db");
    ok(&flywheel(&db, &["contacts", "add", "--email", "ann@example.com"]));
    let add = |amount: &str, extra: &[&str]| {
        flywheel(
            &db,
            &[
                &[
                    "purchases",
                    "add",
                    "--email",
                    "ann@example.com",
                    "--date",
                    "2024-03-05",
                    "--amount",
                    amount,
                ][..],
                extra,
            ]
            .concat(),
        )
    };
    let said = ok(&add("12,50", &[]));
    assert!(said.contains("12.50 USD"), "{said}");
    ok(&add("1,234.50", &["--product", "Course", "--order-id", "#1001"]));
    ok(&add("1.234,50 €", &["--currency", "eur"]));
    ok(&add("1200", &["--currency", "JPY"]));
    assert_eq!(
        amounts(&db),
        vec![
            (1250, "USD".to_owned()),
            (123_450, "USD".to_owned()),
            (123_450, "EUR".to_owned()),
            (1200, "JPY".to_owned())
        ]
    );
    let conn = db::open(&db).unwrap();
    let second = purchases::get(&conn, 2).unwrap();
    assert_eq!((second.product.as_str(), second.external_id.as_deref()), ("Course", Some("#1001")));

    // In a shop whose decimal mark is auto, 1,234 could be either: refused, nothing saved.
    for (amount, extra, flag, says) in [
        ("1,234", &[][..], "--amount", "decimal mark"),
        ("12.505", &[][..], "--amount", "decimal mark"),
        ("12.5055", &[][..], "--amount", "more decimals"),
        ("abc", &[][..], "--amount", "not an amount"),
        ("€12,50", &[][..], "--amount", "in EUR"),
        ("12", &["--currency", "BUCKS"][..], "--currency", "currency code"),
        ("12", &["--order-id", "#1001"][..], "--order-id", ""),
    ] {
        let why = refused(&add(amount, extra));
        assert!(why.contains(&format!("(field: {flag})")) && why.contains(says), "{amount} {extra:?}: {why}");
    }
    let why = refused(&flywheel(
        &db,
        &["purchases", "add", "--email", "bob@example.com", "--amount", "5", "--date", "2024-03-05"],
    ));
    assert!(why.contains("(field: --email)") && why.contains("contacts add"), "{why}");
    assert_eq!(amounts(&db).len(), 4);

    // A comma shop reads 1.234 as a thousand; a dot shop reads 1,234 so.
    ok(&flywheel(&db, &["settings", "set", "decimal_mark", "comma"]));
    ok(&add("1.234", &[]));
    ok(&flywheel(&db, &["settings", "set", "decimal_mark", "dot"]));
    ok(&add("1,234", &[]));
    assert_eq!(amounts(&db)[4..].to_vec(), vec![(123_400, "USD".to_owned()), (123_400, "USD".to_owned())]);
}
