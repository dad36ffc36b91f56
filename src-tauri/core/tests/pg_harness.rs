//! The PostgreSQL test harness (`flywheel_core::testpg`): each test gets a database of its own,
//! copied from a template built once per cluster however many tests ask at once, and dropped
//! afterwards. Needs a cluster in FLYWHEEL_TEST_PG (`.ci/pg start DIR`); without one the tests
//! skip, except in CI, where they fail (the last test checks both).

use flywheel_core::testpg::{self, TestDatabase};
use postgres::Client;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const SKIPPED: &str = "skipped: FLYWHEEL_TEST_PG not set";

/// A template name no earlier test or run has used, so its build is this test's to count.
fn fresh_template(tag: &str) -> String {
    let micros = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_micros();
    format!("pgh_{tag}_{}_{micros}", std::process::id())
}

fn admin(cluster: &str) -> Client {
    testpg::connect(&testpg::url_for(cluster, "postgres"))
}

fn exists(cluster: &str, name: &str) -> bool {
    let row =
        admin(cluster).query_one("SELECT count(*) FROM pg_database WHERE datname = $1", &[&name]).unwrap();
    row.get::<_, i64>(0) == 1
}

/// Removes a template this file made (the harness keeps templates for the cluster's life).
fn drop_template(cluster: &str, name: &str) {
    let mut admin = admin(cluster);
    admin.batch_execute(&format!("ALTER DATABASE \"{name}\" WITH IS_TEMPLATE false")).unwrap();
    admin.batch_execute(&format!("DROP DATABASE \"{name}\" WITH (FORCE)")).unwrap();
}

/// The schema and one row every copy starts with.
fn notes_schema(c: &mut Client) -> Result<(), String> {
    c.batch_execute(
        "CREATE TABLE notes (id bigint PRIMARY KEY, body text NOT NULL);
         INSERT INTO notes (id, body) VALUES (1, 'from the template');",
    )
    .map_err(|e| e.to_string())
}

fn notes(db: &TestDatabase) -> Vec<String> {
    let rows = db.connect().query("SELECT body FROM notes ORDER BY id", &[]).unwrap();
    rows.iter().map(|row| row.get("body")).collect()
}

#[test]
fn two_databases_from_one_template_are_independent() {
    let Some(cluster) = testpg::cluster() else { return println!("{SKIPPED}") };
    let template = fresh_template("independent");
    let first = testpg::database(&template, notes_schema).unwrap();
    let second = testpg::database(&template, |_| panic!("the template is built already")).unwrap();
    assert_ne!(first.name, second.name);
    assert_ne!(first.url, second.url);

    first.connect().execute("INSERT INTO notes (id, body) VALUES (2, 'only in the first')", &[]).unwrap();
    second.connect().execute("DELETE FROM notes WHERE id = 1", &[]).unwrap();

    assert_eq!(notes(&first), ["from the template", "only in the first"]);
    assert_eq!(notes(&second), Vec::<String>::new());
    // The template itself is untouched by either.
    let third = testpg::database(&template, |_| panic!("the template is built already")).unwrap();
    assert_eq!(notes(&third), ["from the template"]);

    drop((first, second, third));
    drop_template(&cluster, &template);
}

#[test]
fn a_template_is_built_once_when_eight_threads_ask_at_once() {
    let Some(cluster) = testpg::cluster() else { return println!("{SKIPPED}") };
    let template = fresh_template("once");
    let builds = Arc::new(AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (template, builds, start) = (template.clone(), builds.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                testpg::database(&template, |c| {
                    builds.fetch_add(1, Ordering::SeqCst);
                    // A slow build, so the other threads are sure to ask while it runs.
                    std::thread::sleep(Duration::from_millis(300));
                    notes_schema(c)
                })
                .unwrap()
            })
        })
        .collect();
    let dbs: Vec<TestDatabase> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    assert_eq!(builds.load(Ordering::SeqCst), 1);
    let mut names: Vec<&str> = dbs.iter().map(|db| db.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 8, "every thread gets a database of its own");
    for db in &dbs {
        assert_eq!(notes(db), ["from the template"], "{}", db.name);
    }

    drop(dbs);
    drop_template(&cluster, &template);
}

#[test]
fn dropping_a_test_database_removes_it_from_the_cluster() {
    let Some(cluster) = testpg::cluster() else { return println!("{SKIPPED}") };
    let template = fresh_template("dropped");
    let db = testpg::database(&template, notes_schema).unwrap();
    let name = db.name.clone();
    // A session still open on it does not keep it alive.
    let mut session = db.connect();
    session.execute("SELECT 1", &[]).unwrap();
    assert!(exists(&cluster, &name));

    drop(db);
    assert!(!exists(&cluster, &name));
    assert!(exists(&cluster, &template), "the template stays for later tests");
    drop_template(&cluster, &template);
}

#[test]
fn a_failed_build_leaves_no_template_and_the_next_caller_builds_it() {
    let Some(cluster) = testpg::cluster() else { return println!("{SKIPPED}") };
    let template = fresh_template("failed");
    let failed = std::panic::catch_unwind(|| {
        testpg::database(&template, |c| {
            c.batch_execute("CREATE TABLE half (id int)").unwrap();
            Err("the schema did not apply".to_owned())
        })
    });
    let message = *failed.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains(&template) && message.contains("the schema did not apply"), "{message}");
    assert!(!exists(&cluster, &template));

    let db = testpg::database(&template, notes_schema).unwrap();
    assert_eq!(notes(&db), ["from the template"]);
    drop(db);
    drop_template(&cluster, &template);
}

/// Runs one test of this file in a child process with FLYWHEEL_TEST_PG removed; its stdout and
/// stderr, each line indented (so the child's own "test result:" line is never mistaken for this
/// run's in npm test's count).
fn without_cluster(ci: Option<&str>) -> (bool, String, String) {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child.args(["--exact", "dropping_a_test_database_removes_it_from_the_cluster", "--nocapture"]);
    child.env_remove(testpg::ENV).env_remove("CI");
    if let Some(ci) = ci {
        child.env("CI", ci);
    }
    let out = child.output().unwrap();
    let indent = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace('\n', "\n  | ");
    (out.status.success(), indent(&out.stdout), indent(&out.stderr))
}

#[test]
fn without_a_cluster_the_tests_skip_except_in_ci_where_they_fail() {
    let (passed, stdout, _) = without_cluster(None);
    assert!(passed, "{stdout}");
    assert!(stdout.contains(SKIPPED), "{stdout}");

    let (passed, stdout, stderr) = without_cluster(Some("true"));
    assert!(!passed, "{stdout}");
    assert!(stderr.contains("FLYWHEEL_TEST_PG is not set, and CI must not skip"), "{stderr}");
}
