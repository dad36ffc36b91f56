//! The real `flywheel` binary importing, undoing, exporting, backing up and restoring, on a file
//! or with `FLYWHEEL_TEST_ENGINE=postgres` on a team database (`common::shop`). Backup and restore
//! are of a file: a team database refuses them and points to `flywheel team pull`, which makes the
//! copy; restoring onto a new computer is of a file alone.

mod common;

use common::{flywheel, ok};
use std::path::Path;

fn fixture(name: &str) -> String {
    format!("{}/../core/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn import_dry_run_commit_list_and_undo() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "f.db");
    let orders = fixture("shopify_orders.csv");
    let dry = ok(&flywheel(&db, &["import", &orders, "--dry-run"]));
    assert!(dry.starts_with("Dry run of shopify_orders.csv (Shopify orders"), "{dry}");
    assert!(dry.contains("new 4  updated 0  skipped 2  rejected 1"), "{dry}");
    // Why the format was told, and what is left out.
    assert!(dry.contains("Shopify orders: has Name, Financial Status, Paid at"), "{dry}");
    assert!(dry.contains("not imported: ") && dry.contains("Lineitem sku"), "{dry}");
    assert!(dry.contains("Paid at") && dry.contains("2024-13-45"), "the row error names its column: {dry}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&flywheel(&db, &["import", &orders, "--json"]))).unwrap();
    assert_eq!((json["inserted"].as_i64(), json["committed"].as_bool()), (Some(4), Some(true)));
    let again = flywheel(&db, &["import", &orders]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already imported"));
    let list = ok(&flywheel(&db, &["imports", "list"]));
    assert!(list.lines().nth(1).unwrap().contains("shopify_orders.csv"), "{list}");
    // The batch's id as the import told it (1 in a file; a team database's ids may skip the
    // numbers its dry runs drew, since PostgreSQL never hands a sequence's number out twice).
    let batch = json["batch_id"].as_i64().unwrap().to_string();
    assert!(list.lines().nth(1).unwrap().starts_with(&batch), "{list}");
    let undo = ok(&flywheel(&db, &["imports", "undo", &batch]));
    assert!(undo.contains("4 new records removed"), "{undo}");
    let contacts: serde_json::Value =
        serde_json::from_str(&ok(&flywheel(&db, &["contacts", "list", "--json"]))).unwrap();
    assert_eq!(contacts["total"], 0);
}

#[test]
fn mapping_and_answers_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "f.db");
    let file = fixture("generic_ambiguous_dates.csv");
    let asked = flywheel(&db, &["import", &file, "--kind", "purchases"]);
    assert_eq!(asked.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&asked.stderr).contains("choose the order"));
    let out = ok(&flywheel(
        &db,
        &["import", &file, "--kind", "purchases", "--date-order", "date=dmy", "--map", "amount=amount"],
    ));
    assert!(out.contains("new 2"), "{out}");
    let bad = flywheel(&db, &["import", &file, "--map", "nope=email"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("There is no column 'nope'"));
}

#[test]
fn exports_backup_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "f.db");
    ok(&flywheel(&db, &["seed", "--as-of", "2025-06-30"]));
    let leads = dir.path().join("leads.csv");
    let out = ok(&flywheel(
        &db,
        &[
            "export",
            "referrals",
            "--format",
            "hubspot",
            "-o",
            leads.to_str().unwrap(),
            "--from",
            "2024-01-01",
            "--to",
            "2025-06-30",
        ],
    ));
    assert!(out.starts_with("Wrote "), "{out}");
    let text = std::fs::read_to_string(&leads).unwrap();
    assert!(text.starts_with("First Name,Last Name,Email,Phone Number,Company Name,Lifecycle Stage,Lead Status,Original Source,Referred By,Referred By Email,Referral Date"));
    assert!(text.lines().count() > 1 && text.lines().skip(1).all(|l| l.contains(",Referrals,")), "{text}");
    let mc = dir.path().join("mc.csv");
    ok(&flywheel(&db, &["export", "referrals", "--format", "mailchimp", "-o", mc.to_str().unwrap()]));
    assert!(std::fs::read_to_string(&mc).unwrap().starts_with("Email Address,First Name,Last Name,Tags"));
    let html = dir.path().join("stories.html");
    ok(&flywheel(&db, &["export", "case-study", "-o", html.to_str().unwrap()]));
    assert!(std::fs::read_to_string(&html).unwrap().starts_with("<!doctype html>"));
    let backup = dir.path().join("copy.db");
    if flywheel_core::testpg::on_postgres() {
        return team_backup_and_restore_are_refused_and_pull_makes_the_copy(dir.path(), &db);
    }
    ok(&flywheel(&db, &["backup", backup.to_str().unwrap()]));
    let restored = ok(&flywheel(&db, &["restore", backup.to_str().unwrap()]));
    assert!(restored.contains("Restored 300 contacts"), "{restored}");
}

/// On a seeded team database at `url`: `backup` and `restore` are refused with the way to do it
/// instead, leaving no file behind and the database as it was; `team pull` makes the file copy.
fn team_backup_and_restore_are_refused_and_pull_makes_the_copy(dir: &Path, url: &Path) {
    let total = |db: &Path| -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(&ok(&flywheel(db, &["contacts", "list", "--json"])))
            .unwrap()["total"]
            .clone()
    };
    let backup = dir.join("copy.db");
    let refused = flywheel(url, &["backup", backup.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("team database is backed up on its server") && err.contains("flywheel team pull"),
        "{err}"
    );
    assert!(!backup.exists() && !dir.join("copy.db.part").exists());

    // `team pull` is the way to a copy: a solo file with the same contacts.
    let pulled = ok(&flywheel(url, &["team", "pull", url.to_str().unwrap(), backup.to_str().unwrap()]));
    assert!(pulled.starts_with("Copied "), "{pulled}");
    assert_eq!(total(&backup), 300);

    // Restoring a file onto a team database is refused too, and touches nothing, here or on disk.
    let cwd = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flywheel"))
        .env_remove("FLYWHEEL_DB")
        .current_dir(cwd.path())
        .arg("--db")
        .arg(url)
        .args(["restore", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("team database") && err.contains("flywheel team push"), "{err}");
    let left: Vec<_> = std::fs::read_dir(cwd.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "restore made {left:?} in the working folder");
    assert_eq!(total(url), 300);
}

/// A file feature: a backup file becomes the database at a path where there is none. On a team
/// database the counterpart is `flywheel team push FILE URL` (in `cross_engine.rs`).
#[test]
fn restore_onto_a_new_computer_with_no_database_yet() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.db");
    ok(&flywheel(&db, &["seed", "--as-of", "2025-06-30"]));
    let backup = dir.path().join("copy.db");
    ok(&flywheel(&db, &["backup", backup.to_str().unwrap()]));

    // No database there, not even its folder.
    let fresh = dir.path().join("new computer").join("Flywheel").join("flywheel.db");
    let restored = ok(&flywheel(&fresh, &["restore", backup.to_str().unwrap()]));
    assert!(restored.contains("Restored 300 contacts"), "{restored}");
    assert!(fresh.exists());
    let contacts: serde_json::Value =
        serde_json::from_str(&ok(&flywheel(&fresh, &["contacts", "list", "--json"]))).unwrap();
    assert_eq!(contacts["total"], 300);
    let left: Vec<String> = std::fs::read_dir(fresh.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".restore-"))
        .collect();
    assert!(left.is_empty(), "no scratch copy is left behind: {left:?}");

    // The checks still stand: a file that is no backup puts nothing at the path.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "not a database").unwrap();
    let other = dir.path().join("other").join("flywheel.db");
    let refused = flywheel(&other, &["restore", junk.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a Flywheel backup"));
    assert!(!other.exists());

    // Onto an existing database the current one is still kept aside first.
    let again = ok(&flywheel(&fresh, &["restore", backup.to_str().unwrap()]));
    assert!(again.contains("The database as it was is kept at"), "{again}");
}
