//! The funnel figures over random sequences of writes through every path that moves a stage or
//! changes what the figures read (new contacts at any stage, moves, the handoff, purchases that
//! place the customer stage, edits of a contact's channel and segment, deletes, merges and their
//! undo, imports and their undo): after each write the funnel report and the channel report equal
//! the same reports computed from every stage event joined with its contact and from every
//! purchase, for several periods, counted up to a moment inside them and after them, with and
//! without a channel or segment.

use super::check;
use chrono::{DateTime, Utc};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::funnel::channel_figures::{self, ChannelQuery};
use flywheel_core::funnel::moves::{self, MoveInput};
use flywheel_core::funnel::{figures, handoff, FunnelQuery};
use flywheel_core::import::{self, ImportKind, ImportRequest};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::stages::{Actor, Stage};
use flywheel_core::{db, merge, time, Connection};
use proptest::prelude::*;
use proptest::sample::select;
use std::sync::atomic::AtomicBool;

const SOURCES: [&str; 3] = ["organic_search", "paid_search", "referrals"];
const SEGMENTS: [&str; 3] = ["", "Retail", "retail"];
const REASONS: [&str; 3] = ["", "too small", "student"];

#[derive(Debug, Clone)]
enum Write {
    Contact { source: usize, segment: usize, stage: Stage, at: u16 },
    Move { who: usize, stage: Stage, actor: Actor, reason: usize, at: u16 },
    Accept { who: usize, at: u16 },
    Reject { who: usize, reason: usize, at: u16 },
    Purchase { who: usize, day: u8, amount: i64, currency: &'static str },
    Edit { which: usize, day: u8, amount: i64 },
    Refund { which: usize, part: u8 },
    DeletePurchase { which: usize },
    Channel { who: usize, source: usize, segment: usize },
    DeleteContact { who: usize },
    Merge { keep: usize, gone: usize },
    UndoMerge { which: usize },
    Import { rows: Vec<(usize, u8, i64, &'static str)> },
    UndoImport { which: usize },
}

/// A moment in March and April 2024, `n` hours after the start (wrapping): every period below
/// sees some writes before it, some inside and some after.
fn moment(n: u16) -> DateTime<Utc> {
    let secs = 1_709_251_200 + i64::from(n % (61 * 24)) * 3_600 + i64::from(n % 7) * 60;
    DateTime::from_timestamp(secs, 0).unwrap()
}

/// A purchase day: on, just before or just after an edge of the periods below, or in between.
fn day(d: u8) -> String {
    const DAYS: [&str; 12] = [
        "2024-02-14",
        "2024-02-15",
        "2024-03-01",
        "2024-03-05",
        "2024-03-09",
        "2024-03-10",
        "2024-03-15",
        "2024-03-20",
        "2024-03-21",
        "2024-04-05",
        "2024-04-06",
        "2024-04-30",
    ];
    DAYS[usize::from(d) % DAYS.len()].to_owned()
}

fn write() -> impl Strategy<Value = Write> {
    let who = 0usize..10;
    let stage = select(Stage::ALL.to_vec());
    let actor = select(vec![Actor::Marketing, Actor::Sales, Actor::System]);
    let amount = prop_oneof![3 => 1i64..5_000, 1 => Just(0i64)];
    let currency = select(vec!["USD", "USD", "USD", "EUR"]);
    prop_oneof![
        4 => (0usize..3, 0usize..3, stage.clone(), any::<u16>())
            .prop_map(|(source, segment, stage, at)| Write::Contact { source, segment, stage, at }),
        6 => (who.clone(), stage, actor, 0usize..3, any::<u16>())
            .prop_map(|(who, stage, actor, reason, at)| Write::Move { who, stage, actor, reason, at }),
        2 => (who.clone(), any::<u16>()).prop_map(|(who, at)| Write::Accept { who, at }),
        2 => (who.clone(), 0usize..3, any::<u16>()).prop_map(|(who, reason, at)| Write::Reject { who, reason, at }),
        4 => (who.clone(), any::<u8>(), amount.clone(), currency.clone())
            .prop_map(|(who, day, amount, currency)| Write::Purchase { who, day, amount, currency }),
        1 => (0usize..32, any::<u8>(), amount.clone()).prop_map(|(which, day, amount)| Write::Edit { which, day, amount }),
        1 => (0usize..32, 0u8..3).prop_map(|(which, part)| Write::Refund { which, part }),
        1 => (0usize..32).prop_map(|which| Write::DeletePurchase { which }),
        1 => (who.clone(), 0usize..3, 0usize..3)
            .prop_map(|(who, source, segment)| Write::Channel { who, source, segment }),
        1 => who.clone().prop_map(|who| Write::DeleteContact { who }),
        1 => (who.clone(), who.clone()).prop_map(|(keep, gone)| Write::Merge { keep, gone }),
        1 => (0usize..8).prop_map(|which| Write::UndoMerge { which }),
        1 => proptest::collection::vec((0usize..10, any::<u8>(), 0i64..5_000, currency), 1..5)
            .prop_map(|rows| Write::Import { rows }),
        1 => (0usize..8).prop_map(|which| Write::UndoImport { which }),
    ]
}

fn ids(conn: &Connection, sql: &str) -> Vec<i64> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn pick(list: &[i64], k: usize) -> Option<i64> {
    (!list.is_empty()).then(|| list[k % list.len()])
}

/// Applies `w`; a write the core refuses (a move that needs a reason, a handoff of a contact that
/// is not an MQL) changes nothing, which the check after it covers as well.
fn apply(conn: &Connection, dir: &std::path::Path, n: usize, w: &Write) {
    let people = ids(conn, "SELECT id FROM contacts ORDER BY id");
    let bought = ids(conn, "SELECT id FROM purchases ORDER BY id");
    let purchase = |who: i64, d: u8, amount: i64, currency: &str| PurchaseInput {
        contact_id: who,
        purchased_on: day(d),
        amount_minor: amount,
        currency: currency.to_owned(),
        product: String::new(),
        quantity: 1,
        external_id: None,
    };
    let _ = match w {
        Write::Contact { source, segment, stage, at } => {
            let input = ContactInput {
                first_name: format!("p{n}"),
                email: Some(format!("buyer{}@example.com", n % 10)),
                source: SOURCES[*source].to_owned(),
                segment: SEGMENTS[*segment].to_owned(),
                stage: Some(*stage),
                ..ContactInput::default()
            };
            contacts::create_at(conn, &input, moment(*at)).map(drop)
        }
        Write::Move { who, stage, actor, reason, at } => match pick(&people, *who) {
            Some(c) => {
                let input = MoveInput { stage: *stage, actor: *actor, reason: REASONS[*reason].to_owned() };
                moves::move_contact(conn, c, &input, moment(*at)).map(drop)
            }
            None => Ok(()),
        },
        Write::Accept { who, at } => {
            pick(&people, *who).map_or(Ok(()), |c| handoff::accept(conn, c, "", moment(*at)).map(drop))
        }
        Write::Reject { who, reason, at } => pick(&people, *who)
            .map_or(Ok(()), |c| handoff::reject(conn, c, REASONS[*reason], moment(*at)).map(drop)),
        Write::Purchase { who, day, amount, currency } => match pick(&people, *who) {
            Some(c) => purchases::create(conn, &purchase(c, *day, *amount, currency)).map(drop),
            None => Ok(()),
        },
        Write::Edit { which, day, amount } => match pick(&bought, *which) {
            Some(p) => {
                let kept = purchases::get(conn, p).unwrap();
                purchases::update(conn, p, &purchase(kept.contact_id, *day, *amount, &kept.currency))
                    .map(drop)
            }
            None => Ok(()),
        },
        Write::Refund { which, part } => match pick(&bought, *which) {
            Some(p) => {
                let amount = purchases::get(conn, p).unwrap().amount_minor;
                purchases::refund(conn, p, amount * i64::from(*part) / 2).map(drop)
            }
            None => Ok(()),
        },
        Write::DeletePurchase { which } => {
            pick(&bought, *which).map_or(Ok(()), |p| purchases::delete(conn, p))
        }
        Write::Channel { who, source, segment } => match pick(&people, *who) {
            Some(c) => {
                let kept = contacts::get(conn, c).unwrap();
                let input = ContactInput {
                    first_name: kept.first_name,
                    email: kept.email,
                    source: SOURCES[*source].to_owned(),
                    segment: SEGMENTS[*segment].to_owned(),
                    ..ContactInput::default()
                };
                contacts::update(conn, c, &input).map(drop)
            }
            None => Ok(()),
        },
        Write::DeleteContact { who } => pick(&people, *who).map_or(Ok(()), |c| contacts::delete(conn, c)),
        Write::Merge { keep, gone } => match (pick(&people, *keep), pick(&people, *gone)) {
            (Some(a), Some(b)) => merge::merge(conn, a, b).map(drop),
            _ => Ok(()),
        },
        Write::UndoMerge { which } => {
            let merges = ids(conn, "SELECT id FROM contact_merges WHERE undone_at IS NULL ORDER BY id");
            pick(&merges, *which).map_or(Ok(()), |m| merge::undo(conn, m).map(drop))
        }
        Write::Import { rows } => {
            let mut csv = String::from("email,date,amount,currency\n");
            for (who, d, amount, currency) in rows {
                csv += &format!(
                    "buyer{who}@example.com,{},{}.{:02},{currency}\n",
                    day(*d),
                    amount / 100,
                    amount % 100
                );
            }
            let path = dir.join(format!("funnel-import-{n}.csv"));
            std::fs::write(&path, csv).unwrap();
            let req = ImportRequest {
                path: path.to_string_lossy().into_owned(),
                kind: Some(ImportKind::Purchases),
                import_again: true,
                ..ImportRequest::default()
            };
            import::run(conn, &req, true, &mut |_| {}, &AtomicBool::new(false)).map(drop)
        }
        Write::UndoImport { which } => {
            let batches = ids(conn, "SELECT id FROM import_batches WHERE undone_at IS NULL ORDER BY id");
            pick(&batches, *which).map_or(Ok(()), |b| import::batches::undo(conn, b).map(drop))
        }
    };
}

/// Periods that start before, inside and after the writes' months; each counted up to a moment
/// inside it and after it.
const PERIODS: [(&str, &str); 3] =
    [("2024-03-01", "2024-04-30"), ("2024-03-10", "2024-03-20"), ("2024-02-15", "2024-04-05")];

fn compare(conn: &Connection) -> Result<(), TestCaseError> {
    for (from, to) in PERIODS {
        // The Funnel page's two reports share their counting, whichever comes first: as of the
        // first moment the funnel reports come first (one narrowed to a channel first of all), as
        // of the second the channel report does.
        for (k, now) in ["2024-03-15T12:00:00Z", "2024-06-01T00:00:00Z"].into_iter().enumerate() {
            let now = time::parse_instant("now", now).unwrap();
            let q = ChannelQuery { from: from.to_owned(), to: to.to_owned() };
            let channels = || -> Result<(), TestCaseError> {
                let read = channel_figures::report(conn, &q, now).unwrap();
                let joined = channel_figures::report_from_joined_events(conn, &q, now).unwrap();
                prop_assert_eq!(&read, &joined, "channels {:?} as of {}", q, now);
                // Inside a bulk write (the summaries paused) the revenue is read from the purchases.
                let paused = db::with_rollback(conn, |c| {
                    c.execute("INSERT INTO summaries_paused (paused) VALUES (1)", [])?;
                    channel_figures::report(c, &q, now)
                })
                .unwrap();
                prop_assert_eq!(paused, read, "channels {:?} as of {}, inside a bulk write", q, now);
                Ok(())
            };
            if k == 1 {
                channels()?;
            }
            for (channel, segment) in [(Some("paid_search"), None), (None, Some("RETAIL")), (None, None)] {
                let q = FunnelQuery {
                    from: from.to_owned(),
                    to: to.to_owned(),
                    channel: channel.map(str::to_owned),
                    segment: segment.map(str::to_owned),
                };
                // Twice: the second may be a kept result, which must be the same.
                for _ in 0..2 {
                    let read = figures::report(conn, &q, now).unwrap();
                    let joined = figures::report_from_joined_events(conn, &q, now).unwrap();
                    prop_assert_eq!(read, joined, "funnel {:?} as of {}", q, now);
                }
            }
            channels()?;
        }
    }
    Ok(())
}

#[test]
fn funnel_figures_equal_those_of_every_stage_event_after_any_sequence_of_writes() {
    let dir = tempfile::tempdir().unwrap();
    check("funnel_sequences", proptest::collection::vec(write(), 1..24), |writes| {
        let (conn, _team) = super::fresh_db();
        for (n, w) in writes.iter().enumerate() {
            apply(&conn, dir.path(), n, w);
            prop_assert!(conn.is_autocommit(), "a write left its transaction open: {w:?}");
            compare(&conn).map_err(|e| TestCaseError::fail(format!("after write {n} ({w:?}): {e}")))?;
        }
        Ok(())
    });
}
