//! `flywheel report funnel|channels --json` print exactly the core's report structs.

mod common;

use common::{flywheel, ok};
use flywheel_core::funnel::channel_figures::{self, ChannelQuery, ChannelReport};
use flywheel_core::funnel::figures::{self, FunnelReport};
use flywheel_core::funnel::FunnelQuery;
use flywheel_core::{db, time};

#[test]
fn funnel_and_channel_reports_print_the_cores_structs() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::shop(dir.path(), "shop.db");
    ok(&flywheel(&path, &["seed", "--size", "small", "--as-of", "2025-06-30"]));
    let conn = db::open(&path).unwrap();
    // A past period is counted up to its last second, so the report does not depend on today.
    let now = time::now();

    let json =
        ok(&flywheel(&path, &["report", "funnel", "--from", "2025-01-01", "--to", "2025-03-31", "--json"]));
    let query =
        FunnelQuery { from: "2025-01-01".into(), to: "2025-03-31".into(), channel: None, segment: None };
    let core = figures::report(&conn, &query, now).unwrap();
    assert_eq!(json, format!("{}\n", serde_json::to_string_pretty(&core).unwrap()), "the very same JSON");
    let printed: FunnelReport = serde_json::from_str(&json).unwrap();
    assert!(printed.stages[1].entered > 0);

    let json = ok(&flywheel(
        &path,
        &[
            "report",
            "funnel",
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-31",
            "--channel",
            "paid_search",
            "--json",
        ],
    ));
    let paid: FunnelReport = serde_json::from_str(&json).unwrap();
    assert_eq!(paid.channel.as_deref(), Some("paid_search"));
    assert!(paid.stages[1].entered < printed.stages[1].entered);

    let json =
        ok(&flywheel(&path, &["report", "channels", "--from", "2025-01-01", "--to", "2025-03-31", "--json"]));
    let query = ChannelQuery { from: "2025-01-01".into(), to: "2025-03-31".into() };
    let core = channel_figures::report(&conn, &query, now).unwrap();
    assert_eq!(json, format!("{}\n", serde_json::to_string_pretty(&core).unwrap()), "the very same JSON");
    let query = ChannelQuery { from: "2025-01-01".into(), to: "2025-03-31".into() };
    let core = channel_figures::report(&conn, &query, now).unwrap();
    assert_eq!(json, format!("{}\n", serde_json::to_string_pretty(&core).unwrap()), "the very same JSON");
    let printed: ChannelReport = serde_json::from_str(&json).unwrap();
    assert!(printed.total.spend_minor > 0);

    // The tables name every stage and channel.
    let text = ok(&flywheel(&path, &["report", "funnel", "--from", "2025-01-01", "--to", "2025-03-31"]));
    assert!(text.contains("STAGE") && text.contains("opportunity") && text.contains("Close rate"), "{text}");
    let text = ok(&flywheel(&path, &["report", "channels", "--from", "2025-01-01", "--to", "2025-03-31"]));
    assert!(text.contains("Paid Search") && text.contains("All channels"), "{text}");
}

#[test]
fn a_bad_range_or_channel_is_an_error_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = common::shop(dir.path(), "shop.db");
    ok(&flywheel(&path, &["seed", "--as-of", "2025-06-30"]));
    let out = flywheel(&path, &["report", "funnel", "--from", "2025-03-31", "--to", "2025-01-01", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("field: to"));
    let out = flywheel(
        &path,
        &["report", "funnel", "--from", "2025-01-01", "--to", "2025-01-31", "--channel", "tv"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("field: channel"));
}
