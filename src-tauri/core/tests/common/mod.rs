//! Helpers shared by the core's integration tests: a temporary database file and quick contacts.
// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::stages::Stage;
use flywheel_core::store::{Connection, Engine};
use flywheel_core::{db, testpg, time, Error, ErrorCode};
use std::ops::Deref;
use std::path::PathBuf;
use tempfile::TempDir;

/// A migrated database in a temporary folder, removed when dropped. Derefs to the connection.
pub struct TestDb {
    // Declared first so the connection closes before the database or the folder goes.
    pub conn: Connection,
    /// The test's own database on PostgreSQL, when the tests run there (`testpg::on_postgres`).
    pub team: Option<testpg::TestDatabase>,
    pub dir: TempDir,
}

impl TestDb {
    /// Where the database is: the file, or the team database's URL (which `db::open` takes too).
    pub fn path(&self) -> PathBuf {
        match &self.team {
            Some(team) => PathBuf::from(&team.url),
            None => self.dir.path().join("flywheel.db"),
        }
    }

    /// A second connection to the same file, as the app's reader threads have.
    pub fn reopen(&self) -> Connection {
        db::open(&self.path()).unwrap()
    }
}

impl Deref for TestDb {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

/// A fresh migrated database: a file in a temporary folder, or with `FLYWHEEL_TEST_ENGINE=postgres`
/// a database of its own on the test cluster.
pub fn temp_db() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    if testpg::on_postgres() {
        let team = testpg::flywheel_database();
        let conn = db::open(std::path::Path::new(&team.url)).unwrap();
        return TestDb { conn, team: Some(team), dir };
    }
    let conn = db::open(&dir.path().join("flywheel.db")).unwrap();
    TestDb { conn, team: None, dir }
}

/// A new lead with this email, created now; returns its id.
pub fn contact(conn: &Connection, email: &str) -> i64 {
    contact_as_of(conn, email, Stage::Lead, &time::now_text())
}

/// A new contact with this email whose first stage event is `stage` at `at` (RFC 3339).
pub fn contact_as_of(conn: &Connection, email: &str, stage: Stage, at: &str) -> i64 {
    let input = ContactInput {
        first_name: email.split('@').next().unwrap_or_default().to_owned(),
        email: Some(email.to_owned()),
        stage: Some(stage),
        ..ContactInput::default()
    };
    contacts::create_at(conn, &input, time::parse_instant("at", at).unwrap()).unwrap().id
}

/// Asserts an error's code and field, the two things the UI branches on.
#[track_caller]
pub fn assert_err<T: std::fmt::Debug>(result: Result<T, Error>, code: ErrorCode, field: Option<&str>) {
    let e = result.unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (code, field), "{}", e.message);
}

/// Asserts an `invalid` error on `field`.
#[track_caller]
pub fn assert_invalid<T: std::fmt::Debug>(result: Result<T, Error>, field: &str) {
    assert_err(result, ErrorCode::Invalid, Some(field));
}

/// Rows in `table`, to check that a refused write left nothing behind.
pub fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

/// Makes every later insert into `table` on this connection fail, to prove a write is atomic.
pub fn fail_inserts_into(conn: &Connection, table: &str) {
    fail_inserts_into_when(conn, table, "1 = 1");
}

/// Makes this connection's later inserts into `table` fail when `when` (SQL on `NEW`) holds.
pub fn fail_inserts_into_when(conn: &Connection, table: &str, when: &str) {
    let sql = match conn.engine() {
        Engine::Sqlite => format!(
            "CREATE TEMP TRIGGER fail_{table} BEFORE INSERT ON main.{table} WHEN {when}
             BEGIN SELECT RAISE(ABORT, 'test failure'); END;"
        ),
        // PostgreSQL has no temporary triggers: this one fails only this connection's inserts.
        Engine::Postgres => {
            let me: i64 = conn.query_row("SELECT pg_backend_pid()", [], |r| r.get(0)).unwrap();
            format!(
                "CREATE FUNCTION fail_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                   IF pg_backend_pid() = {me} AND ({when}) THEN RAISE EXCEPTION 'test failure'; END IF;
                   RETURN NEW; END $$;
                 CREATE TRIGGER fail_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION fail_{table}();"
            )
        }
    };
    conn.execute_batch(&sql).unwrap();
}

/// A new lead with this name and optional email, created now; returns its id.
pub fn named_contact(conn: &Connection, first: &str, last: &str, email: Option<&str>) -> i64 {
    let input = ContactInput {
        first_name: first.to_owned(),
        last_name: last.to_owned(),
        email: email.map(str::to_owned),
        ..ContactInput::default()
    };
    contacts::create(conn, &input).unwrap().id
}

/// A purchase of a website for `amount_minor` US cents on `day`; change fields with `..`.
pub fn purchase(contact_id: i64, day: &str, amount_minor: i64) -> flywheel_core::purchases::PurchaseInput {
    flywheel_core::purchases::PurchaseInput {
        contact_id,
        purchased_on: day.into(),
        amount_minor,
        currency: "USD".into(),
        product: "Website".into(),
        quantity: 1,
        external_id: None,
    }
}

/// Records [`purchase`]; returns its id.
pub fn buy(conn: &Connection, contact_id: i64, day: &str, amount_minor: i64) -> i64 {
    flywheel_core::purchases::create(conn, &purchase(contact_id, day, amount_minor)).unwrap().id
}

/// Records that `advocate_id` referred `referred_id` on `day`; returns the referral's id.
pub fn refer(conn: &Connection, advocate_id: i64, referred_id: i64, day: &str) -> i64 {
    let input = flywheel_core::referrals::ReferralInput {
        advocate_id,
        referred_id,
        referred_on: day.into(),
        ..Default::default()
    };
    flywheel_core::referrals::create(conn, &input).unwrap().id
}
