//! Least privilege on a team database: the owner sets the schema up and grants a staff role
//! (`flywheel team staff ROLE`, the grants of `migrations/pg/staff_grants.sql`); the staff role
//! then does everything the app does (seed, add, record a purchase, import and undo it, merge,
//! report) and cannot change the schema. Runs on the throwaway cluster of `FLYWHEEL_TEST_PG`
//! (`.ci/test-all` starts one), with roles and a database of the test's own; skipped without it
//! outside CI.

mod common;

use common::team::Team;
use flywheel_core::{db, merge};
use std::path::Path;
use std::process::Output;

fn flywheel(db: &str, args: &[&str]) -> Output {
    common::flywheel(Path::new(db), args)
}

#[track_caller]
fn ok(db: &str, args: &[&str]) -> String {
    let out = flywheel(db, args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[track_caller]
fn fails(db: &str, args: &[&str]) -> String {
    let out = flywheel(db, args);
    assert!(!out.status.success(), "{args:?} succeeded: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn fixture(name: &str) -> String {
    format!("{}/../core/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_staff_role_does_the_apps_work_and_cannot_change_the_schema() {
    let Some(team) = Team::new(&["staff", "outsider"]) else { return };
    let (owner, staff) = (team.url(&team.owner), team.url(team.login("staff")));

    // Staff first, on an empty database: told who can set it up, not a permission error.
    let e = fails(&staff, &["contacts", "list"]);
    assert!(e.contains("ask the database's owner to open it once with Flywheel to set it up"), "{e}");
    assert!(e.contains(team.login("staff")) && !e.contains("permission denied"), "{e}");

    // The owner opens it (the schema is set up) and grants the staff role.
    let granted = ok(&owner, &["team", "staff", team.login("staff")]);
    assert!(granted.contains(team.login("staff")) && granted.contains(&team.database), "{granted}");
    // Twice changes nothing.
    ok(&owner, &["team", "staff", team.login("staff")]);
    // A role no one granted anything may no longer even log in.
    let e = fails(&team.url(team.login("outsider")), &["contacts", "list"]);
    assert!(e.contains("permission denied for database"), "{e}");

    // Everything the app does, as staff.
    ok(&staff, &["seed", "--size", "small", "--as-of", "2026-06-30"]);
    ok(
        &staff,
        &["contacts", "add", "--email", "ann@example.com", "--name", "Ann Lee", "--stage", "customer"],
    );
    ok(&staff, &["contacts", "add", "--email", "ann.lee@example.com", "--name", "Ann Lee"]);
    ok(
        &staff,
        &["purchases", "add", "--email", "ann@example.com", "--amount", "12.50", "--date", "2026-06-01"],
    );
    let imported = ok(&staff, &["import", &fixture("shopify_orders.csv")]);
    let id = imported.lines().find_map(|l| l.strip_prefix("Undo with: flywheel imports undo ")).unwrap();
    let undone = ok(&staff, &["imports", "undo", id.trim()]);
    assert!(undone.contains("new records removed"), "{undone}");
    let report = ok(&staff, &["report", "flywheel", "--from", "2025-07-01", "--json"]);
    assert!(report.len() > 100, "{report}");
    ok(&staff, &["report", "customers", "--csv"]);
    ok(&staff, &["settings", "set", "decimal_mark", "dot"]);
    let conn = db::open(Path::new(&staff)).unwrap();
    let id_of = |email: &str| -> i64 {
        conn.query_row("SELECT id FROM contacts WHERE email = ?1", [email], |r| r.get(0)).unwrap()
    };
    let merged = merge::merge(&conn, id_of("ann@example.com"), id_of("ann.lee@example.com")).unwrap();
    merge::undo(&conn, merged.id).unwrap();
    // Both see the same figures.
    assert_eq!(ok(&owner, &["report", "flywheel", "--from", "2025-07-01", "--json"]), report);

    // What the staff role may not do: change the schema, empty a table, write the version.
    let mut client = postgres::Client::connect(&staff, postgres::NoTls).unwrap();
    for sql in [
        "DROP TABLE contacts",
        "ALTER TABLE contacts ADD COLUMN x INTEGER",
        "CREATE TABLE x (a INTEGER)",
        "TRUNCATE contacts",
        "UPDATE flywheel_schema SET version = 99",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "DROP INDEX contacts_email",
        "CREATE INDEX x ON contacts (phone)",
        "ALTER TABLE purchases DISABLE TRIGGER USER",
        "COMMENT ON TABLE contacts IS 'x'",
        "CREATE SCHEMA x",
        "CREATE EXTENSION IF NOT EXISTS pgcrypto",
    ] {
        let e = client.batch_execute(sql).err().unwrap_or_else(|| panic!("the staff role could: {sql}"));
        assert_eq!(e.code().map(|c| c.code()), Some("42501"), "{sql}: {e:?}");
    }
    // A table the owner adds later (an upgrade) is the staff's to use at once.
    let mut owner_client = postgres::Client::connect(&owner, postgres::NoTls).unwrap();
    owner_client
        .batch_execute("CREATE TABLE later (id BIGINT GENERATED BY DEFAULT AS IDENTITY, a TEXT)")
        .unwrap();
    client
        .batch_execute("INSERT INTO later (a) VALUES ('x'); UPDATE later SET a = 'y'; DELETE FROM later")
        .unwrap();
}

#[test]
fn only_the_owner_grants_and_only_to_an_ordinary_login_role() {
    let Some(team) = Team::new(&["staff", "outsider"]) else { return };
    let (owner, staff) = (team.url(&team.owner), team.url(team.login("staff")));
    ok(&owner, &["team", "staff", team.login("staff")]);
    let e = fails(&staff, &["team", "staff", team.login("staff")]);
    assert!(e.contains("Only the owner") && e.contains(&team.owner), "{e}");
    let e = fails(&owner, &["team", "staff", "nobody_by_this_name"]);
    assert!(e.contains("There is no role \"nobody_by_this_name\""), "{e}");
    let e = fails(&owner, &["team", "staff", "flywheel"]);
    assert!(e.contains("superuser"), "{e}");
    let e = fails(&owner, &["team", "staff", &team.owner]);
    assert!(e.contains("owns the schema"), "{e}");

    // An older schema: staff are sent to the owner for the upgrade.
    let mut owner_client = postgres::Client::connect(&owner, postgres::NoTls).unwrap();
    owner_client.batch_execute("UPDATE flywheel_schema SET version = version - 1").unwrap();
    let e = fails(&staff, &["contacts", "list"]);
    assert!(e.contains("ask the database's owner to open it once with this Flywheel to upgrade it"), "{e}");
    owner_client.batch_execute("UPDATE flywheel_schema SET version = version + 1").unwrap();
    ok(&staff, &["contacts", "list"]);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("solo.db");
    let e = fails(file.to_str().unwrap(), &["team", "staff", team.login("staff")]);
    assert!(e.contains("--db postgresql://"), "{e}");
}
