//! Opening and upgrading database files: empty → latest, a copy before any upgrade, refusal of a
//! database written by a newer Flywheel, and the pragmas every connection needs.

use flywheel_core::db::{self, SCHEMA_VERSION};
use flywheel_core::store::Connection;
use flywheel_core::ErrorCode;

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
