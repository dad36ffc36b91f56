//! Other desktops' writes reach this one on a team database: the change notices of
//! migrations/pg/017 (one per area a committed write changed) are heard by `store::notices`,
//! this desktop's own writer's are left out, and a lost server is said to be lost, retried, and
//! said to be back with everything to reload. The pool's sessions recover after the server's
//! sessions were ended. PostgreSQL only (a file has one desktop): skipped without a cluster,
//! except in CI.

mod common;

use common::contact;
use flywheel_core::areas::Area;
use flywheel_core::db;
use flywheel_core::pool::Pool;
use flywheel_core::store::notices::{self, Notice};
use flywheel_core::testpg;
use std::path::Path;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SKIPPED: &str = "skipped: FLYWHEEL_TEST_PG not set";
/// Only reached when a notice never comes.
const STUCK: Duration = Duration::from_secs(20);

/// The next notice for which `want` holds, skipping others; panics after `STUCK`.
fn wait_for(rx: &Receiver<Notice>, what: &str, want: impl Fn(&Notice) -> bool) -> Notice {
    let until = Instant::now() + STUCK;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(n) if want(&n) => return n,
            Ok(_) => {}
            Err(_) => panic!("no {what} within {STUCK:?}"),
        }
    }
}

fn changed(n: &Notice, area: Area) -> bool {
    matches!(n, Notice::Changed(areas) if areas.contains(&area))
}

/// Ends every session on the test's database but the caller's: what a server restart does to
/// the desktops' sessions.
fn end_other_sessions(team: &testpg::TestDatabase) {
    let mut admin = team.connect();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap();
}

#[test]
fn another_sessions_write_is_heard_and_the_own_writers_is_not() {
    if testpg::cluster().is_none() {
        return eprintln!("{SKIPPED}");
    }
    let team = testpg::flywheel_database();
    let desk = db::open(Path::new(&team.url)).unwrap();
    let own = Arc::new(AtomicI32::new(0));
    let (tx, rx) = mpsc::channel();
    let _listening = notices::listen(&team.url, Arc::clone(&own), move |n| {
        let _ = tx.send(n);
    });
    wait_for(&rx, "Online", |n| *n == Notice::Online);

    // A colleague's new lead: contacts and its first stage event, in one commit.
    contact(&desk, "ada@lovelace.test");
    let heard = wait_for(&rx, "the contact's notice", |n| changed(n, Area::Contacts));
    assert!(changed(&heard, Area::Stages), "the stage event came in the same batch: {heard:?}");

    // A rolled-back write says nothing; a write by this desktop's own writer neither.
    desk.execute_batch("BEGIN").unwrap();
    desk.execute("UPDATE contacts SET notes = 'draft'", []).unwrap();
    desk.execute_batch("ROLLBACK").unwrap();
    own.store(desk.session_pid().unwrap(), Ordering::Relaxed);
    desk.execute("UPDATE contacts SET notes = 'mine'", []).unwrap();
    // Then another session's write to another area, which must be the next notice heard.
    let other = db::open(Path::new(&team.url)).unwrap();
    other.execute("INSERT INTO channels (key, name, created_at) VALUES ('podcast', 'Podcast', '2026-12-03T00:00:00Z')", []).unwrap();
    let next = wait_for(&rx, "the channel's notice", |n| matches!(n, Notice::Changed(_)));
    assert_eq!(next, Notice::Changed(vec![Area::Channels]), "nothing of the rollback or of the own writer");
}

#[test]
fn a_lost_server_is_reported_retried_and_back_with_everything_to_reload() {
    if testpg::cluster().is_none() {
        return eprintln!("{SKIPPED}");
    }
    let team = testpg::flywheel_database();
    let (tx, rx) = mpsc::channel();
    let _listening = notices::listen(&team.url, Arc::new(AtomicI32::new(0)), move |n| {
        let _ = tx.send(n);
    });
    wait_for(&rx, "Online", |n| *n == Notice::Online);
    end_other_sessions(&team);
    let lost = wait_for(&rx, "Offline", |n| matches!(n, Notice::Offline(_)));
    assert!(matches!(&lost, Notice::Offline(why) if !why.is_empty()), "{lost:?}");
    wait_for(&rx, "Online again", |n| *n == Notice::Online);
    assert_eq!(rx.recv_timeout(STUCK).unwrap(), Notice::Changed(vec![Area::All]));

    // And it hears writes again.
    let desk = db::open(Path::new(&team.url)).unwrap();
    contact(&desk, "grace@hopper.test");
    wait_for(&rx, "a notice after the recovery", |n| changed(n, Area::Contacts));
}

#[test]
fn the_pool_writes_and_reads_again_after_its_sessions_were_ended() {
    if testpg::cluster().is_none() {
        return eprintln!("{SKIPPED}");
    }
    let team = testpg::flywheel_database();
    let pool = Pool::open(Path::new(&team.url), 2).unwrap();
    let count = |c: &flywheel_core::Connection| -> flywheel_core::Result<i64> {
        Ok(c.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?)
    };
    pool.write(|c| Ok(contact(c, "ada@lovelace.test"))).unwrap();
    assert_eq!(pool.read(count).unwrap(), 1);
    let pid_before = pool.writer_pid().load(Ordering::Relaxed);

    end_other_sessions(&team);
    // The writer's session is dead: the write goes through a new one, not into an error.
    pool.write(|c| Ok(contact(c, "grace@hopper.test"))).unwrap();
    let pid_after = pool.writer_pid().load(Ordering::Relaxed);
    assert_ne!(pid_after, pid_before, "the writer's new session is the one its notices come from");

    // The idle reader's session is dead too: its read says the server is gone, not a storage
    // error, and the reader is closed, so the next read works.
    let first = pool.read(count);
    if let Err(e) = &first {
        assert!(e.is_offline(), "{e:?}");
        assert_eq!(pool.read(count).unwrap(), 2);
    } else {
        assert_eq!(first.unwrap(), 2);
    }

    // After a recovery the shell closes the idle readers at once.
    end_other_sessions(&team);
    pool.forget_idle_readers();
    assert_eq!(pool.read(count).unwrap(), 2);
}
