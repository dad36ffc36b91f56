//! `flywheel report flywheel` and `flywheel report customers` on the sample shop: the two reports
//! must tell the same story, customer by customer.

mod common;

use common::ok;
use std::path::Path;
use std::process::{Command, Output};

fn flywheel(db: &Path, args: &[&str]) -> Output {
    let out = common::flywheel(db, args);
    ok(&out);
    out
}

fn seeded() -> (tempfile::TempDir, common::Shop) {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "flywheel.db");
    flywheel(&db, &["seed", "--size", "small", "--as-of", "2025-06-30"]);
    (dir, db)
}

#[test]
fn the_flywheel_json_and_the_customer_csv_agree() {
    let (_dir, db) = seeded();
    let json: serde_json::Value = serde_json::from_slice(
        &flywheel(&db, &["report", "flywheel", "--as-of", "2025-06-30", "--json"]).stdout,
    )
    .unwrap();
    let csv =
        String::from_utf8(flywheel(&db, &["report", "customers", "--as-of", "2025-06-30", "--csv"]).stdout)
            .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("email,name,purchases,purchase_days,frequency,recency_days,t_days,monetary_value,total_spent,avg_order_value,first_purchase,last_purchase")
    );
    let rows: Vec<Vec<String>> = lines.map(|l| l.split(',').map(str::to_owned).collect()).collect();
    let col = |name: &str| csv.lines().next().unwrap().split(',').position(|c| c == name).unwrap();
    let customers = json["customers"].as_i64().unwrap();
    assert!(customers > 50, "the sample shop has customers: {json}");
    assert_eq!(rows.len() as i64, customers);
    let repeat = rows.iter().filter(|r| r[col("frequency")].parse::<i64>().unwrap() >= 1).count() as i64;
    assert_eq!(json["repeat_customers"].as_i64(), Some(repeat));
    let rate = json["repeat_customer_rate"].as_f64().unwrap();
    assert!((rate - repeat as f64 / customers as f64).abs() < 1e-12);
    // Since the beginning, the period's revenue is every customer's total (CSV in dollars, JSON in cents).
    let cents: i64 =
        rows.iter().map(|r| r[col("total_spent")].replace('.', "").parse::<i64>().unwrap()).sum();
    assert_eq!(json["revenue"].as_i64(), Some(cents));
    for key in ["advocates", "referrers", "referred_leads", "referred_customers", "loop_closure", "viral_k"] {
        assert!(!json[key].is_null(), "{key} missing: {json}");
    }
    assert!(json["leaderboard"].as_array().is_some_and(|l| !l.is_empty()));
    // Each row obeys the definitions: frequency = purchase days − 1, recency ≤ T.
    for r in &rows {
        let n = |name: &str| r[col(name)].parse::<i64>().unwrap();
        assert_eq!(n("frequency"), n("purchase_days") - 1, "{r:?}");
        assert!(n("recency_days") <= n("t_days") && n("purchase_days") <= n("purchases"), "{r:?}");
        if n("frequency") == 0 {
            assert_eq!(r[col("monetary_value")], "0.00", "{r:?}");
        }
    }
}

#[test]
fn an_earlier_day_sees_fewer_customers_and_text_reads_well() {
    let (_dir, db) = seeded();
    let count = |as_of: &str| {
        let json: serde_json::Value = serde_json::from_slice(
            &flywheel(&db, &["report", "flywheel", "--as-of", as_of, "--json"]).stdout,
        )
        .unwrap();
        json["customers"].as_i64().unwrap()
    };
    assert!(count("2024-12-31") < count("2025-06-30"));
    let text = String::from_utf8(
        flywheel(&db, &["report", "flywheel", "--as-of", "2025-06-30", "--from", "2025-01-01"]).stdout,
    )
    .unwrap();
    assert!(text.starts_with("Flywheel from 2025-01-01 to 2025-06-30"), "{text}");
    for label in ["Repeat customers", "Loop closure", "Viral coefficient K", "ADVOCATE"] {
        assert!(text.contains(label), "{label} missing:\n{text}");
    }
    let table =
        String::from_utf8(flywheel(&db, &["report", "customers", "--as-of", "2025-06-30"]).stdout).unwrap();
    assert!(table.starts_with("EMAIL") && table.trim_end().ends_with("customers"), "{table}");

    let out = Command::new(env!("CARGO_BIN_EXE_flywheel"))
        .env_remove("FLYWHEEL_DB")
        .arg("--db")
        .arg(&*db)
        .args(["report", "customers", "--as-of", "30/06/2025"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("as_of") && err.contains("not a date"), "{err}");
}
