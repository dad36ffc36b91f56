//! Opening and upgrading database files: empty → latest, a copy before any upgrade, refusal of a
//! database written by a newer Flywheel, and the pragmas every connection needs.
//!
//! Upgrading a file is SQLite's alone (a team database starts at the PostgreSQL baseline, schema
//! v16): those tests run on SQLite whatever the engine. Their PostgreSQL counterparts, at the end,
//! run whenever a cluster is given in `FLYWHEEL_TEST_PG` (as `pg_schema.rs` does): an empty team
//! database gets the baseline, one marked with a newer schema is refused and left as it was, and
//! desktops opening an empty one at the same moment set it up once.

use flywheel_core::db::{self, SCHEMA_VERSION};
use flywheel_core::store::Connection;
use flywheel_core::{testpg, ErrorCode};
use std::collections::BTreeMap;
use std::path::Path;

/// The schema as of an older version, built from the same migration files the binary embeds.
fn database_at_version(path: &std::path::Path, version: usize) {
    let conn = db::create_at_schema(path, version).unwrap();
    conn.execute(
        "INSERT INTO contacts (first_name, email, created_at, updated_at) VALUES ('Old', 'old@example.com', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
        [],
    )
    .unwrap();
}

fn backups_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".bak"))
        .collect()
}

#[test]
fn an_empty_file_is_brought_to_the_latest_schema_without_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    let conn = db::open(&path).unwrap();
    assert_eq!(db::schema_version(&conn).unwrap(), SCHEMA_VERSION);
    let pragma = |name: &str| -> String { conn.pragma_query_value(None, name, |r| r.get(0)).unwrap() };
    assert_eq!(pragma("journal_mode"), "wal");
    let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
    assert_eq!((fk, sync), (1, 1), "foreign keys on, synchronous = NORMAL");
    let strict: i64 = conn
        .query_row("SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND strict = 0 AND name NOT LIKE 'sqlite_%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(strict, 0, "every table is STRICT");
    assert!(backups_in(dir.path()).is_empty());
}

#[test]
fn an_older_file_is_copied_aside_then_upgraded_keeping_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    database_at_version(&path, 1);

    let conn = db::open(&path).unwrap();
    assert_eq!(db::schema_version(&conn).unwrap(), SCHEMA_VERSION);
    let email: String = conn.query_row("SELECT email FROM contacts", [], |r| r.get(0)).unwrap();
    assert_eq!(email, "old@example.com");

    let backups = backups_in(dir.path());
    assert_eq!(backups.len(), 1, "one copy taken before the upgrade");
    assert!(backups[0].to_string_lossy().contains("schema-v1"));
    let copy = Connection::open(&backups[0]).unwrap();
    assert_eq!(db::schema_version(&copy).unwrap(), 1, "the copy is the file as it was");
    let rows: i64 = copy.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn a_file_from_a_newer_flywheel_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    {
        let conn = db::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let e = db::open(&path).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("newer Flywheel"), "{}", e.message);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(backups_in(dir.path()).is_empty());
    assert_eq!(db::open_existing(&path).unwrap_err().code, ErrorCode::Conflict);
}

#[test]
fn a_file_that_is_not_a_database_is_a_storage_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, b"these are my notes, not a database ".repeat(100)).unwrap();
    assert_eq!(db::open(&path).unwrap_err().code, ErrorCode::Storage);
}

/// An empty database of the test's own on the cluster, as a team's administrator creates it; `None`
/// (the test says so and passes) without a cluster.
fn empty_team_database(test: &str) -> Option<testpg::TestDatabase> {
    let db = testpg::database("flywheel_empty_v1", |_| Ok(()));
    if db.is_none() {
        eprintln!("skipped {test}: {} is not set (a PostgreSQL cluster)", testpg::ENV);
    }
    db
}

/// Every table of a team database and its rows, each row as text, in key order.
fn team_contents(conn: &Connection) -> BTreeMap<String, Vec<String>> {
    let mut contents = BTreeMap::new();
    for table in conn.tables().unwrap() {
        let sql = format!(
            "SELECT CAST(t AS TEXT) FROM \"{table}\" AS t ORDER BY {}",
            conn.row_order(&table).unwrap()
        );
        let rows =
            conn.prepare(&sql).unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        contents.insert(table, rows);
    }
    contents
}

#[test]
fn an_empty_team_database_is_given_the_baseline_once() {
    let Some(team) = empty_team_database("an_empty_team_database_is_given_the_baseline_once") else { return };
    let url = Path::new(&team.url);
    let conn = db::open(url).unwrap();
    assert_eq!(db::schema_version(&conn).unwrap(), SCHEMA_VERSION);
    // The same tables and rows (the built-in channels, the settings) as the baseline itself gives.
    let baseline = testpg::flywheel_database();
    let expected = team_contents(&db::open(Path::new(&baseline.url)).unwrap());
    assert!(expected.contains_key("contacts") && !expected["channels"].is_empty(), "{expected:?}");
    assert_eq!(team_contents(&conn), expected);
    // Opening it again finds it set up: nothing is added, and a row written in between stays.
    conn.execute(
        "INSERT INTO channels (key, name, builtin, created_at) VALUES ('podcast', 'Podcast', 0, 't')",
        [],
    )
    .unwrap();
    let before = team_contents(&conn);
    let again = db::open(url).unwrap();
    assert_eq!(db::schema_version(&again).unwrap(), SCHEMA_VERSION);
    assert_eq!(team_contents(&again), before);
    db::open_existing(url).unwrap();
}

#[test]
fn a_team_database_from_a_newer_flywheel_is_refused_and_left_untouched() {
    let test = "a_team_database_from_a_newer_flywheel_is_refused_and_left_untouched";
    let Some(team) = empty_team_database(test) else { return };
    let url = Path::new(&team.url);
    {
        let conn = db::open(url).unwrap();
        conn.execute_batch(&format!(
            "UPDATE flywheel_schema SET version = {};
             CREATE TABLE things_of_a_later_version (id BIGINT PRIMARY KEY, what TEXT NOT NULL);
             INSERT INTO things_of_a_later_version VALUES (1, 'kept');",
            SCHEMA_VERSION + 1
        ))
        .unwrap();
    }
    let admin = Connection::connect_postgres(&team.url).unwrap();
    let before = team_contents(&admin);
    for e in [db::open(url).unwrap_err(), db::open_existing(url).unwrap_err()] {
        assert_eq!(e.code, ErrorCode::Conflict, "{}", e.message);
        assert!(e.message.contains("newer Flywheel"), "{}", e.message);
        assert!(e.message.contains(&format!("schema version {}", SCHEMA_VERSION + 1)), "{}", e.message);
    }
    assert_eq!(team_contents(&admin), before);
    assert_eq!(db::schema_version(&admin).unwrap(), SCHEMA_VERSION + 1);
}

#[test]
fn desktops_opening_an_empty_team_database_together_set_it_up_once() {
    let test = "desktops_opening_an_empty_team_database_together_set_it_up_once";
    // A few rounds, each on a new empty database, so the openings do meet.
    for _ in 0..3 {
        let Some(team) = empty_team_database(test) else { return };
        let desktops = 6;
        let start = std::sync::Barrier::new(desktops);
        let opened: Vec<Result<i64, String>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..desktops)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        let conn = db::open(Path::new(&team.url)).map_err(|e| e.message)?;
                        db::schema_version(&conn).map_err(|e| e.message)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(opened.iter().all(|v| v == &Ok(SCHEMA_VERSION)), "{opened:?}");
        let conn = Connection::connect_postgres(&team.url).unwrap();
        let baseline = testpg::flywheel_database();
        let expected = team_contents(&db::open(Path::new(&baseline.url)).unwrap());
        assert_eq!(team_contents(&conn), expected, "set up once: the baseline's rows, not twice over");
    }
}
