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
        Some("email,name,purchases,purchase_days,frequency,recency_days,t_days,monetary_value,total_spent,avg_order_value,first_purchase,last_purchase,p_alive,expected_purchases_90d,expected_order_value,clv_12m")
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

#[test]
fn the_model_report_and_the_prediction_columns_agree() {
    let (_dir, db) = seeded();
    let model: serde_json::Value = serde_json::from_slice(
        &flywheel(&db, &["report", "model", "--as-of", "2025-06-30", "--json"]).stdout,
    )
    .unwrap();
    assert_eq!(model["time_unit"], "days");
    assert_eq!(model["predicts_purchases"], true, "{model}");
    assert_eq!(model["predicts_value"], true, "{model}");
    let bg = &model["purchases"];
    assert_eq!(bg["converged"], true);
    for k in ["r", "alpha", "a", "b"] {
        assert!(bg[k].as_f64().unwrap() > 0.0, "{k}: {model}");
    }
    assert!(bg["log_likelihood"].as_f64().unwrap() < 0.0);
    let gg = &model["spend"];
    assert_eq!(gg["converged"], true);
    assert!(gg["q"].as_f64().unwrap() > 1.0);

    let csv =
        String::from_utf8(flywheel(&db, &["report", "customers", "--as-of", "2025-06-30", "--csv"]).stdout)
            .unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|c| *c == name).unwrap();
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(model["customers"].as_i64(), Some(rows.len() as i64));
    let n =
        |r: &Vec<&str>, name: &str| r[col(name)].parse::<f64>().unwrap_or_else(|_| panic!("{name} in {r:?}"));
    let spenders = rows.iter().filter(|r| n(r, "frequency") > 0.0 && n(r, "monetary_value") > 0.0).count();
    assert_eq!(gg["customers"].as_i64(), Some(spenders as i64));
    let mut revenue = 0.0;
    for r in &rows {
        let alive = n(r, "p_alive");
        assert!((0.0..=1.0).contains(&alive), "{r:?}");
        if n(r, "frequency") == 0.0 {
            assert_eq!(r[col("p_alive")], "1.000000", "one purchase, still active: {r:?}");
        }
        assert!(n(r, "expected_purchases_90d") >= 0.0 && n(r, "clv_12m") >= 0.0, "{r:?}");
        revenue += n(r, "expected_purchases_90d") * n(r, "expected_order_value");
    }
    // The text report's revenue tile is the sum over the customers (the CSV rounds each term).
    let text =
        String::from_utf8(flywheel(&db, &["report", "model", "--as-of", "2025-06-30"]).stdout).unwrap();
    assert!(text.contains("Purchases (BG/NBD): r = ") && text.contains("converged in"), "{text}");
    let line = text.lines().find(|l| l.starts_with("Predicted revenue from existing customers")).unwrap();
    let said: f64 = line
        .rsplit(": ")
        .next()
        .unwrap()
        .trim_end_matches('.')
        .split(' ')
        .next()
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    assert!((said - revenue).abs() <= 1e-3 * revenue, "{said} against {revenue}");
}

#[test]
fn too_few_customers_predict_nothing_and_the_reports_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::shop(dir.path(), "thin.db");
    flywheel(&db, &["contacts", "add", "--email", "ann@example.com", "--name", "Ann Lee"]);
    for day in ["2026-01-05", "2026-02-05"] {
        flywheel(
            &db,
            &["purchases", "add", "--email", "ann@example.com", "--amount", "12.50", "--date", day],
        );
    }
    let text =
        String::from_utf8(flywheel(&db, &["report", "model", "--as-of", "2026-06-30"]).stdout).unwrap();
    assert!(
        text.contains("Predictions need at least 20 customers")
            && text.contains("there is 1 customer, 1 of whom bought again"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_slice(
        &flywheel(&db, &["report", "model", "--as-of", "2026-06-30", "--json"]).stdout,
    )
    .unwrap();
    assert_eq!((json["predicts_purchases"].as_bool(), json["purchases"].is_null()), (Some(false), true));
    let csv =
        String::from_utf8(flywheel(&db, &["report", "customers", "--as-of", "2026-06-30", "--csv"]).stdout)
            .unwrap();
    assert!(csv.lines().nth(1).unwrap().ends_with("2026-02-05,,,,"), "no predictions: {csv}");
    let table =
        String::from_utf8(flywheel(&db, &["report", "customers", "--as-of", "2026-06-30"]).stdout).unwrap();
    assert!(table.contains("Predictions need at least"), "{table}");
}
