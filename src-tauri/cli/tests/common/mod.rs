//! The real `flywheel` binary as the CLI tests run it: on a given database file, never on one
//! named by the environment.
// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

pub mod team;

use flywheel_core::testpg;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shop a test runs the binary on: a file in `dir`, or with `FLYWHEEL_TEST_ENGINE=postgres` a
/// team database of the test's own (its URL given to `--db` as the path). Derefs to that path.
pub struct Shop {
    path: PathBuf,
    _team: Option<testpg::TestDatabase>,
}

impl Deref for Shop {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

pub fn shop(dir: &Path, file: &str) -> Shop {
    if testpg::on_postgres() {
        let team = testpg::flywheel_database();
        return Shop { path: PathBuf::from(&team.url), _team: Some(team) };
    }
    Shop { path: dir.join(file), _team: None }
}

pub fn flywheel(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flywheel"))
        .env_remove("FLYWHEEL_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// What a run that must succeed printed.
pub fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
