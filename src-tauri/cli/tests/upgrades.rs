//! Databases written by released Flywheels open in this one with the very same figures.
//!
//! Each fixture in tests/fixtures/upgrades is the small sample shop as a released `flywheel`
//! binary seeded it (`vN.db`, schema version N), with the read commands that binary then ran and
//! what they printed (`vN.json`). `make.sh` there regenerates them and says which commits the old
//! binaries were built from (no released binary ever wrote schema v6). Here the current binary
//! runs the same commands on a copy, the first of them upgrading it, and every value the old
//! binary printed must come out again: JSON keys may be added but none lost or changed, CSV
//! columns likewise. The upgrade must leave a copy of the old file beside it and a sound database
//! at the current schema version with every row still there, and every report the current binary
//! has must run on it.
//!
//! SQLite files only, whatever `FLYWHEEL_TEST_ENGINE` says: released Flywheels wrote files, and a
//! team database on PostgreSQL starts at the baseline of schema v16 with no older version to
//! upgrade from (so this file is not in `.ci/test-all`'s `PG_CLI`).

mod common;

use common::flywheel;
use flywheel_core::db::SCHEMA_VERSION;
use flywheel_core::Connection;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every report the current binary has, run on each upgraded shop whatever its version printed.
const CURRENT_REPORTS: &[&[&str]] = &[
    &["contacts", "list", "--json", "--limit", "500"],
    &["report", "funnel", "--from", "2025-07-01", "--to", "2026-06-30", "--json"],
    &["report", "channels", "--from", "2025-07-01", "--to", "2026-06-30", "--json"],
    &["report", "flywheel", "--as-of", "2026-06-30", "--json"],
    &["report", "customers", "--as-of", "2026-06-30", "--csv"],
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upgrades").join(name)
}

fn user_version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

fn integrity(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

/// The row count of each table the fixture recorded one for.
fn rows(conn: &Connection, tables: &BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    tables
        .keys()
        .map(|t| {
            let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
            (t.clone(), Value::from(n))
        })
        .collect()
}

/// Adds to `diffs` every value of `old` that `new` lacks or holds otherwise; objects may have
/// gained keys, arrays must be as long and match element by element.
fn json_kept(path: &str, old: &Value, new: &Value, diffs: &mut Vec<String>) {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) => {
            for (key, value) in o {
                let at = format!("{path}.{key}");
                match n.get(key) {
                    Some(found) => json_kept(&at, value, found, diffs),
                    None => diffs.push(format!("{at}: {value} is gone")),
                }
            }
        }
        (Value::Array(o), Value::Array(n)) if o.len() != n.len() => {
            diffs.push(format!("{path}: {} elements, now {}", o.len(), n.len()));
        }
        (Value::Array(o), Value::Array(n)) => {
            for (i, (a, b)) in o.iter().zip(n).enumerate() {
                json_kept(&format!("{path}[{i}]"), a, b, diffs);
            }
        }
        _ if old != new => diffs.push(format!("{path}: {old}, now {new}")),
        _ => {}
    }
}

/// Adds to `diffs` every cell of `old`'s columns that `new` lacks or holds otherwise.
fn csv_kept(old: &str, new: &str, diffs: &mut Vec<String>) {
    let read = |s: &str| -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::Reader::from_reader(s.as_bytes());
        let header = r.headers().unwrap().iter().map(str::to_owned).collect();
        let rows = r.records().map(|row| row.unwrap().iter().map(str::to_owned).collect()).collect();
        (header, rows)
    };
    let ((old_header, old_rows), (new_header, new_rows)) = (read(old), read(new));
    if old_rows.len() != new_rows.len() {
        diffs.push(format!("{} rows, now {}", old_rows.len(), new_rows.len()));
        return;
    }
    for (i, column) in old_header.iter().enumerate() {
        let Some(j) = new_header.iter().position(|c| c == column) else {
            diffs.push(format!("column {column} is gone"));
            continue;
        };
        for (row, (o, n)) in old_rows.iter().zip(&new_rows).enumerate() {
            if o[i] != n[j] {
                diffs.push(format!("row {} {column}: {}, now {}", row + 1, o[i], n[j]));
            }
        }
    }
}

/// Upgrades a copy of `vN.db` with the current binary and checks it against `vN.json`.
fn upgrades_with_identical_figures(version: i64) {
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(&format!("v{version}.json"))).unwrap())
            .unwrap();
    assert_eq!(recorded["schema_version"], version);
    assert!(version < SCHEMA_VERSION, "v{version} is no older than this binary's v{SCHEMA_VERSION}");
    let tables: BTreeMap<String, Value> = recorded["rows"].as_object().unwrap().clone().into_iter().collect();

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    std::fs::copy(fixture(&format!("v{version}.db")), &db).unwrap();
    {
        let conn = Connection::open(&db).unwrap();
        assert_eq!(user_version(&conn), version, "the fixture is at the version it is named for");
        assert_eq!(rows(&conn, &tables), tables, "the fixture holds the rows make.sh counted");
    }

    let commands = recorded["commands"].as_array().unwrap();
    assert!(!commands.is_empty());
    for command in commands {
        let args: Vec<&str> =
            command["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        let old = command["stdout"].as_str().unwrap();
        let out = flywheel(&db, &args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        let new = text(&out.stdout);
        let mut diffs = Vec::new();
        if args.contains(&"--json") {
            let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap();
            json_kept("", &parse(old), &parse(&new), &mut diffs);
        } else if args.contains(&"--csv") {
            csv_kept(old, &new, &mut diffs);
        } else if old != new {
            diffs.push(format!("printed\n{old}\nnow\n{new}"));
        }
        let shown = diffs.iter().take(20).cloned().collect::<Vec<_>>().join("\n");
        assert!(diffs.is_empty(), "v{version} {args:?}: {} differences\n{shown}", diffs.len());
    }

    let conn = Connection::open(&db).unwrap();
    assert_eq!(user_version(&conn), SCHEMA_VERSION);
    assert_eq!(integrity(&conn), "ok");
    assert_eq!(rows(&conn, &tables), tables, "the upgrade kept every row");
    drop(conn);

    let prefix = format!("shop.db.schema-v{version}-");
    let backups: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(&prefix) && name.ends_with(".bak")
        })
        .collect();
    assert_eq!(backups.len(), 1, "one copy taken before the upgrade: {backups:?}");
    let backup = Connection::open(&backups[0]).unwrap();
    assert_eq!(user_version(&backup), version, "the copy is the file as it was");
    assert_eq!(integrity(&backup), "ok");
    assert_eq!(rows(&backup, &tables), tables);
    drop(backup);

    for args in CURRENT_REPORTS {
        let out = flywheel(&db, args);
        assert!(out.status.success(), "v{version} {args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn a_schema_v4_shop_upgrades_with_identical_figures() {
    upgrades_with_identical_figures(4);
}

#[test]
fn a_schema_v5_shop_upgrades_with_identical_figures() {
    upgrades_with_identical_figures(5);
}

#[test]
fn a_schema_v7_shop_upgrades_with_identical_figures() {
    upgrades_with_identical_figures(7);
}
