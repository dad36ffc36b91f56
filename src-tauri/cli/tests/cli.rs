//! The real `flywheel` binary on a temporary database: a file, or with
//! `FLYWHEEL_TEST_ENGINE=postgres` a team database of the test's own (`common::shop`).

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn flywheel(db: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flywheel"));
    cmd.env_remove("FLYWHEEL_DB");
    if let Some(db) = db {
        cmd.arg("--db").arg(db);
    }
    cmd.args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn list_json(db: &Path, extra: &[&str]) -> serde_json::Value {
    let out = flywheel(Some(db), &[&["contacts", "list", "--json"], extra].concat());
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn seed_then_list_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let shop = common::shop(dir.path(), "flywheel.db");
    let db: &Path = &shop;
    let out = flywheel(Some(db), &["seed", "--size", "small", "--as-of", "2025-06-30"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(summary.contains("contacts") && summary.contains("300") && summary.contains("Took"), "{summary}");

    let all = list_json(db, &[]);
    let total = all["total"].as_i64().unwrap();
    assert!(total > 0);
    assert_eq!(all["items"].as_array().unwrap().len(), 50);

    let last = all["items"][0]["last_name"].as_str().unwrap().to_lowercase();
    let found = list_json(db, &["--search", &last, "--limit", "500"]);
    let n = found["total"].as_i64().unwrap();
    assert!(n > 0 && n < total, "{n} of {total}");
    for c in found["items"].as_array().unwrap() {
        let haystack = format!("{} {} {} {}", c["first_name"], c["last_name"], c["email"], c["company"]);
        assert!(haystack.to_lowercase().contains(&last), "{haystack}");
    }

    let out = flywheel(Some(db), &["contacts", "list", "--limit", "5"]);
    let table = text(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("NAME") && lines[0].ends_with("SOURCE"), "{table}");
    assert_eq!(lines.len(), 7, "{table}");
    assert_eq!(lines[6], format!("5 of {total} contacts"));
    // The columns line up: every row has its email where the header says EMAIL.
    let email_at = lines[0].find("EMAIL").unwrap();
    assert!(
        lines[1..6].iter().all(|l| l[email_at..].contains('@') && !l[..email_at].contains('@')),
        "{table}"
    );
}

#[test]
fn seeding_twice_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let shop = common::shop(dir.path(), "flywheel.db");
    let db: &Path = &shop;
    assert!(flywheel(Some(db), &["seed", "--as-of", "2025-06-30"]).status.success());
    let out = flywheel(Some(db), &["seed", "--as-of", "2025-06-30"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("error: ") && err.contains("already has contacts"), "{err}");
    assert_eq!(list_json(db, &[])["total"], 300);
}

#[test]
fn the_database_can_come_from_the_environment() {
    // A file's path, or a team database's URL.
    let dir = tempfile::tempdir().unwrap();
    let shop = common::shop(dir.path(), "env.db");
    let db: &Path = &shop;
    let out = Command::new(env!("CARGO_BIN_EXE_flywheel"))
        .env("FLYWHEEL_DB", db)
        .args(["seed", "--as-of", "2025-06-30"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(list_json(db, &[])["total"], 300, "the shop seeded is the one FLYWHEEL_DB names");
    let out = Command::new(env!("CARGO_BIN_EXE_flywheel"))
        .env("FLYWHEEL_DB", db)
        .args(["contacts", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["total"], 300);
}

#[test]
fn usage_and_missing_files_are_errors() {
    // No --db and no FLYWHEEL_DB: a usage error.
    let out = flywheel(None, &["contacts", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--db"), "{}", text(&out.stderr));

    let dir = tempfile::tempdir().unwrap();
    let shop = common::shop(dir.path(), "shop.db");
    let out = flywheel(Some(&shop), &["seed", "--size", "huge"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("small, large"), "{}", text(&out.stderr));
    let out = flywheel(Some(&shop), &["seed", "--as-of", "2025-02-30"]);
    assert_eq!(out.status.code(), Some(2));
    // Neither touched the shop: no file made, no contact seeded in the team database.
    if flywheel_core::testpg::on_postgres() {
        assert_eq!(list_json(&shop, &[])["total"], 0);
    } else {
        assert!(!shop.exists());
    }

    // Listing a file that does not exist does not create it.
    let db = &dir.path().join("missing.db");
    let out = flywheel(Some(db), &["contacts", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).starts_with("error: There is no database"), "{}", text(&out.stderr));
    assert!(!db.exists());

    // A team database that is not there: the server's refusal, and none is created.
    if let Some(cluster) = flywheel_core::testpg::cluster() {
        let missing = flywheel_core::testpg::url_for(&cluster, "flywheel_no_such_database");
        let out = flywheel(Some(Path::new(&missing)), &["contacts", "list"]);
        assert_eq!(out.status.code(), Some(1));
        let err = text(&out.stderr);
        assert!(
            err.starts_with("error: Could not reach the team database") && err.contains("does not exist"),
            "{err}"
        );
        let mut admin = flywheel_core::testpg::connect(&flywheel_core::testpg::url_for(&cluster, "postgres"));
        let made = admin
            .query("SELECT 1 FROM pg_database WHERE datname = 'flywheel_no_such_database'", &[])
            .unwrap();
        assert!(made.is_empty());
    }
}
