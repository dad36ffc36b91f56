//! Property tests over what users type and the files they bring: the CSV import pipeline, the
//! money and date parsers, and the input checks of every create and update. Nothing may panic,
//! and every refusal must say where (row and column, or the form field) and why.
//!
//! Every property takes its number of cases from [`CASES`]; the suite's total is checked below.
//! Inputs are small so the whole run stays within seconds.

mod funnel;
mod import;
mod inputs;
mod summaries;

use flywheel_core::store::Connection;
use flywheel_core::{db, testpg, Error, ErrorCode};
use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

/// Cases per property, by name; the one place the suite's size is set.
const CASES: &[(&str, u32)] = &[
    ("csv_rows", 1500),
    ("csv_bytes", 1500),
    ("money", 2000),
    ("dates", 2000),
    ("contacts", 600),
    ("purchases", 400),
    ("testimonials", 400),
    ("nps", 300),
    ("referrals", 400),
    ("channels", 300),
    ("spend", 300),
    ("followups", 300),
    ("settings", 300),
    ("score_rules", 400),
    ("write_sequences", 300),
    ("funnel_sequences", 120),
];

#[test]
fn the_suite_runs_at_least_ten_thousand_cases() {
    let total: u32 = CASES.iter().map(|(_, n)| n).sum();
    assert!(total >= 10_000, "only {total} cases");
}

/// Runs one property for its share of [`CASES`]; a failure panics with the shrunk input.
fn check<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let cases =
        CASES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).unwrap_or_else(|| panic!("no {name}"));
    // No failure files: a failure prints its input, which is what a fix needs.
    // A team database per case costs a database made from the template: a tenth of the cases
    // there (the SQLite run keeps them all).
    let cases = if testpg::on_postgres() { (cases / 10).max(5) } else { cases };
    let config = Config { cases, failure_persistence: None, ..Config::default() };
    if let Err(e) = TestRunner::new(config).run(&strategy, test) {
        panic!("{name}: {e}");
    }
}

/// A fresh migrated database on the engine the tests run on: in memory, or with
/// `FLYWHEEL_TEST_ENGINE=postgres` a database of its own on the test cluster (dropped with the guard).
fn fresh_db() -> (Connection, Option<testpg::TestDatabase>) {
    if testpg::on_postgres() {
        let team = testpg::flywheel_database();
        let conn = db::open(std::path::Path::new(&team.url)).unwrap();
        return (conn, Some(team));
    }
    (db::open_in_memory().unwrap(), None)
}

/// A refused input names the field at fault (one of `fields`) and says why; nothing else may
/// come back from checking what a user typed.
fn refusal_names_its_field(e: &Error, fields: &[&str]) -> Result<(), TestCaseError> {
    proptest::prop_assert!(
        matches!(e.code, ErrorCode::Invalid | ErrorCode::Conflict),
        "not a refusal: {e:?}"
    );
    let field = e.field.as_deref().unwrap_or_default();
    proptest::prop_assert!(fields.contains(&field), "field {field:?} is not one of {fields:?}: {e:?}");
    proptest::prop_assert!(!e.message.trim().is_empty(), "no reason: {e:?}");
    Ok(())
}
