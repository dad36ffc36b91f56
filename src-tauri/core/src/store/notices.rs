//! Hearing of other desktops' writes on a team database. Every committed write notes the areas it
//! changed on the channel `flywheel_changes` (migrations/pg/017_change_notices.sql); one session
//! per desktop LISTENs and hands each batch of areas to the window, which reloads the views that
//! show them. The same session watches the server: when it cannot be reached the listener says
//! so at once, tries again every [`RETRY`], and says when it is back (then everything may have
//! changed, so it hands over [`Area::All`]).

use super::Connection;
use crate::areas::Area;
use postgres::fallible_iterator::FallibleIterator;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The channel the change notices travel on.
pub const CHANNEL: &str = "flywheel_changes";
/// How long the listener waits before trying a lost server again.
pub const RETRY: Duration = Duration::from_secs(1);
/// Notices that arrive this close together are handed over as one batch (one import touches
/// several areas in one commit; each reaches us as its own notice).
const GATHER: Duration = Duration::from_millis(5);
/// How often an idle listener asks the server whether it is still there: a server that stopped
/// is noticed within this (plus one round trip), even with no notices coming.
const PROBE: Duration = Duration::from_millis(500);

/// What the listener tells the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Another session committed writes to these areas.
    Changed(Vec<Area>),
    /// The team database answers (first at start, then after each time it was lost).
    Online,
    /// The team database cannot be reached, and why; the listener keeps trying.
    Offline(String),
}

/// Stops its listener when dropped (within [`PROBE`]).
pub struct Listening {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Listens on the team database at `url` in a thread of its own until the returned handle is
/// dropped, handing `on` every notice. Notices from the session whose server process id is in
/// `own` (this desktop's writer, which announces its writes itself) are left out.
pub fn listen(url: &str, own: Arc<AtomicI32>, on: impl Fn(Notice) + Send + 'static) -> Listening {
    let stop = Arc::new(AtomicBool::new(false));
    let url = url.to_owned();
    let flag = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("team-notices".into())
        .spawn(move || run(&url, &flag, &own, &on))
        .ok();
    if thread.is_none() {
        tracing::error!("could not start the team database listener");
    }
    Listening { stop, thread }
}

fn run(url: &str, stop: &AtomicBool, own: &AtomicI32, on: &dyn Fn(Notice)) {
    // None before the first connection, so the first Online is not taken for a recovery.
    let mut was_online: Option<bool> = None;
    while !stop.load(Ordering::Relaxed) {
        let outcome = Connection::connect_postgres(url).map_err(|e| e.to_string()).and_then(|conn| {
            conn.execute_batch(&format!("LISTEN {CHANNEL}")).map_err(|e| e.to_string())?;
            Ok(conn)
        });
        match outcome {
            Ok(conn) => {
                tracing::info!("team database listener connected");
                on(Notice::Online);
                if was_online == Some(false) {
                    // Whatever changed while we were away was never announced to us.
                    on(Notice::Changed(vec![Area::All]));
                }
                let why = hear(&conn, stop, own, on);
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                tracing::warn!("team database lost: {why}");
                on(Notice::Offline(why));
                was_online = Some(false);
            }
            Err(why) => {
                if was_online != Some(false) {
                    tracing::warn!("team database unreachable: {why}");
                    on(Notice::Offline(why));
                }
                was_online = Some(false);
            }
        }
        let until = Instant::now() + RETRY;
        while Instant::now() < until && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Hands over notices until the session is lost (the reason is returned) or `stop` is set.
fn hear(conn: &Connection, stop: &AtomicBool, own: &AtomicI32, on: &dyn Fn(Notice)) -> String {
    let Some(pg) = conn.postgres() else { return "not a team database".into() };
    let mut last_probe = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let mut areas: Vec<Area> = Vec::new();
        let mut lost = None;
        {
            let mut client = pg.client();
            let mut notifications = client.notifications();
            let mut wait = PROBE;
            loop {
                match notifications.timeout_iter(wait).next() {
                    Ok(Some(n)) => {
                        if n.process_id() != own.load(Ordering::Relaxed) {
                            if let Some(area) = Area::parse(n.payload()) {
                                if !areas.contains(&area) {
                                    areas.push(area);
                                }
                            }
                        }
                        // Gather what comes right after it into the same batch.
                        wait = GATHER;
                    }
                    Err(e) => {
                        lost = Some(e.to_string());
                        break;
                    }
                    Ok(None) => break,
                }
            }
        }
        if !areas.is_empty() {
            on(Notice::Changed(areas));
        }
        if let Some(why) = lost {
            return why;
        }
        if last_probe.elapsed() >= PROBE {
            if !pg.is_alive(PROBE * 4) {
                return "the server stopped answering".into();
            }
            last_probe = Instant::now();
        }
    }
    String::new()
}
