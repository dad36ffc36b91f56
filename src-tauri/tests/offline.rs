//! A team database that goes away and comes back, as the app's store sees it: a command while it
//! is away fails with `offline` (nothing written), and once it is back the next command works
//! without a restart — also when it was already away when the app started. PostgreSQL only: a
//! cluster of the test's own, stopped and started; skipped where the server programs are missing,
//! except in CI.

use flywheel_app::store::Store;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::testpg;
use flywheel_core::{db, ErrorCode};
use std::path::Path;
use std::time::{Duration, Instant};

fn lead(email: &str) -> ContactInput {
    ContactInput { first_name: "Lena".into(), email: Some(email.into()), ..ContactInput::default() }
}

/// Contacts counted through the store (a command's read).
fn count(store: &std::sync::Arc<Store>) -> flywheel_core::Result<i64> {
    tauri::async_runtime::block_on(
        store.read(|c| Ok(c.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?)),
    )
}

/// Retries `f` until it succeeds; the store tries a lost server again at most once a second.
fn eventually<T>(what: &str, f: impl Fn() -> flywheel_core::Result<T>) -> T {
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        match f() {
            Ok(v) => return v,
            Err(e) if Instant::now() < until => {
                assert_eq!(e.code, ErrorCode::Offline, "{what}: {e}");
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("{what}: still {e}"),
        }
    }
}

#[test]
fn the_store_works_again_when_the_server_is_back_even_if_it_was_away_at_start() {
    let Some(mut server) = testpg::own_cluster() else { return };
    testpg::connect(&server.socket_url("postgres"))
        .batch_execute(
            "CREATE DATABASE shop TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
        )
        .unwrap();
    let url = server.socket_url("shop");
    db::open(Path::new(&url)).unwrap();

    // Away in the middle of the work: a write says nothing was saved, and works once it is back.
    let store = Store::open(Path::new(&url));
    assert_eq!(count(&store).unwrap(), 0);
    server.stop().unwrap();
    let write = |email: &'static str| {
        tauri::async_runtime::block_on(store.write(move |c| contacts::create(c, &lead(email))))
    };
    let refused = write("ann@example.com").unwrap_err();
    assert_eq!(refused.code, ErrorCode::Offline, "{refused}");
    assert!(refused.message.contains("nothing was saved"), "{}", refused.message);
    server.start_again().unwrap();
    eventually("the write after the restart", || write("bob@example.com"));
    eventually("the read after the restart", || count(&store));
    assert_eq!(count(&store).unwrap(), 1, "Ann's refused write is not there, Bob's is");

    // Away when the app starts: the store opens it later, with no new store.
    server.stop().unwrap();
    let late = Store::open(Path::new(&url));
    assert_eq!(count(&late).unwrap_err().code, ErrorCode::Offline);
    server.start_again().unwrap();
    assert_eq!(eventually("the first read of a store opened while away", || count(&late)), 1);
}
