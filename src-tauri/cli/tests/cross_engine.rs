//! The same Small sample in a solo file and in a team database on PostgreSQL: every report the
//! command line prints, as JSON or CSV, is the same text on both engines. Runs on the throwaway
//! cluster of `FLYWHEEL_TEST_PG` (`.ci/test-all` starts one); skipped without it outside CI.

use flywheel_core::testpg;
use std::process::Command;

/// The sample's last day, so both databases hold the same history whatever today is.
const AS_OF: &str = "2026-06-30";

fn flywheel(db: &str, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_flywheel")).arg("--db").arg(db).args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{args:?} on {db}: {}{text}", String::from_utf8_lossy(&out.stderr));
    text
}

#[test]
fn every_report_of_the_small_sample_is_the_same_on_sqlite_and_postgresql() {
    if testpg::cluster().is_none() {
        eprintln!("skipped: FLYWHEEL_TEST_PG not set");
        return;
    }
    let team = testpg::flywheel_database();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.db");
    let file = file.to_str().unwrap();
    for db in [file, team.url.as_str()] {
        flywheel(db, &["seed", "--size", "small", "--as-of", AS_OF]);
    }
    let reports: [&[&str]; 9] = [
        &["report", "flywheel", "--from", "2025-07-01", "--json"],
        &["report", "flywheel", "--from", "2026-01-01", "--json"],
        &["report", "funnel", "--from", "2025-07-01", "--to", AS_OF, "--json"],
        &["report", "funnel", "--from", "2026-04-01", "--to", "2026-05-31", "--json"],
        &["report", "channels", "--from", "2025-07-01", "--to", AS_OF, "--json"],
        &["report", "customers", "--as-of", AS_OF, "--csv"],
        &["report", "customers", "--as-of", "2026-01-31", "--csv"],
        &["contacts", "list", "--search", "son", "--json"],
        &["settings", "get"],
    ];
    for args in reports {
        let (solo, shared) = (flywheel(file, args), flywheel(&team.url, args));
        assert!(solo.len() > 40, "{args:?} printed almost nothing: {solo}");
        assert_eq!(solo, shared, "{args:?} differs between SQLite and PostgreSQL");
    }
}

#[test]
fn a_solo_file_pushed_to_a_team_database_and_pulled_back_reports_the_same() {
    if testpg::cluster().is_none() {
        eprintln!("skipped: FLYWHEEL_TEST_PG not set");
        return;
    }
    let team = testpg::flywheel_database();
    let dir = tempfile::tempdir().unwrap();
    let (file, pulled) = (dir.path().join("shop.db"), dir.path().join("pulled.db"));
    let (file, pulled) = (file.to_str().unwrap(), pulled.to_str().unwrap());
    flywheel(file, &["seed", "--size", "small", "--as-of", AS_OF]);
    let pushed = flywheel(file, &["team", "push", file, &team.url]);
    assert!(pushed.contains("purchases") && pushed.contains("600"), "{pushed}");
    // A second push would mix two shops: refused, and the team database keeps the first.
    let again = Command::new(env!("CARGO_BIN_EXE_flywheel"))
        .args(["team", "push", file, &team.url])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has contacts"));
    flywheel(file, &["team", "pull", &team.url, pulled]);
    for args in [
        &["report", "flywheel", "--from", "2025-07-01", "--json"][..],
        &["report", "funnel", "--from", "2025-07-01", "--to", AS_OF, "--json"],
        &["report", "channels", "--from", "2025-07-01", "--to", AS_OF, "--json"],
        &["report", "customers", "--as-of", AS_OF, "--csv"],
        &["contacts", "list", "--search", "son", "--json"],
        &["settings", "get"],
    ] {
        let solo = flywheel(file, args);
        assert_eq!(solo, flywheel(&team.url, args), "{args:?}: the pushed team database differs");
        assert_eq!(solo, flywheel(pulled, args), "{args:?}: the pulled file differs");
    }
    // The copy is the data, not a snapshot of derived tables: a new contact gets the next id.
    let added =
        flywheel(&team.url, &["contacts", "add", "--name", "New Person", "--email", "new@example.com"]);
    assert!(added.contains("Added contact 301"), "{added}");
}
