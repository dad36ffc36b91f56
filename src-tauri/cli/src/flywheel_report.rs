//! `flywheel report flywheel` and `flywheel report customers`: the flipped funnel as of a day,
//! printed from the very figures the window shows.

use crate::output;
use crate::report::pct;
use flywheel_core::currencies::{self, OtherCurrencies};
use flywheel_core::flywheel::{self, FlywheelReport, LoopQuery};
use flywheel_core::repeat::{self, CustomerFigures};
use flywheel_core::validate::{display_money, minor_digits};
use flywheel_core::{Connection, Result};

#[derive(clap::Args)]
pub struct FlywheelArgs {
    /// The last day counted, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// The first day of the period for referrals, new leads and revenue (default: the beginning).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Print the report as JSON, exactly as the window receives it (money in minor units).
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct CustomersArgs {
    /// The day the figures are computed as of, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Print CSV, one row per customer (money in major units of the shop's currency).
    #[arg(long)]
    csv: bool,
}

pub fn flywheel(conn: &Connection, args: &FlywheelArgs) -> Result<()> {
    let report = flywheel::report(conn, &LoopQuery { from: args.from.clone(), to: args.as_of.clone() })?;
    if args.json {
        return output::emit(&format!("{}\n", serde_json::to_string_pretty(&report)?));
    }
    let others = currencies::other(conn, Some(report.figures.to.as_str()))?;
    output::emit(&flywheel_text(&report, &others))
}

fn flywheel_text(r: &FlywheelReport, others: &OtherCurrencies) -> String {
    let f = &r.figures;
    let money = |m: i64| display_money(m, &f.currency);
    let since = f.from.as_deref().map_or("the beginning".to_owned(), str::to_owned);
    let mut out = format!("Flywheel from {since} to {}\n\n", f.to);
    let lines: Vec<[String; 2]> = vec![
        ["Customers".into(), f.customers.to_string()],
        ["Repeat customers".into(), format!("{} ({})", f.repeat_customers, pct(f.repeat_customer_rate))],
        ["Advocates".into(), format!("{} ({})", f.advocates, pct(f.advocate_rate))],
        ["Referrers".into(), f.referrers.to_string()],
        ["Referred leads".into(), f.referred_leads.to_string()],
        [
            "Referred customers".into(),
            format!("{} (conversion {})", f.referred_customers, pct(f.referral_conversion)),
        ],
        [
            "Loop closure".into(),
            format!(
                "{} ({} of {} new leads came from referrals)",
                pct(f.loop_closure),
                f.referred_new_leads,
                f.new_leads
            ),
        ],
        ["Viral coefficient K".into(), f.viral_k.map_or("—".to_owned(), |k| format!("{k:.2}"))],
        ["Revenue".into(), money(f.revenue)],
        [
            "Referred revenue".into(),
            format!("{} ({})", money(f.referred_revenue), pct(f.referred_revenue_share)),
        ],
        [
            "NPS".into(),
            format!(
                "{} ({} answers)",
                r.nps.score.map_or("—".to_owned(), |s| format!("{s:.0}")),
                r.nps.answers
            ),
        ],
    ];
    out.push_str(&output::table(["FIGURE", "VALUE"], &lines));
    if !others.currencies.is_empty() {
        out.push('\n');
    }
    for c in &others.currencies {
        out.push_str(&format!("{}\n", currencies::sentence(c, &others.shop_currency)));
    }
    if !r.leaderboard.is_empty() {
        out.push('\n');
        let rows: Vec<[String; 5]> = r
            .leaderboard
            .iter()
            .map(|l| {
                [
                    l.name.clone(),
                    l.referrals.to_string(),
                    l.referred_customers.to_string(),
                    money(l.referred_revenue),
                    l.downstream_customers.to_string(),
                ]
            })
            .collect();
        out.push_str(&output::table(["ADVOCATE", "REFERRALS", "CUSTOMERS", "REVENUE", "DOWNSTREAM"], &rows));
    }
    out
}

/// The CSV columns, in order.
const COLUMNS: [&str; 16] = [
    "email",
    "name",
    "purchases",
    "purchase_days",
    "frequency",
    "recency_days",
    "t_days",
    "monetary_value",
    "total_spent",
    "avg_order_value",
    "first_purchase",
    "last_purchase",
    "p_alive",
    "expected_purchases_90d",
    "expected_order_value",
    "clv_12m",
];

/// Minor units as a plain decimal in major units, e.g. 2549.6 cents → "25.50" (for spreadsheets).
fn major(minor: f64, currency: &str) -> String {
    let digits = minor_digits(currency);
    format!("{:.*}", digits as usize, minor / 10_f64.powi(digits as i32))
}

fn cells(c: &CustomerFigures) -> [String; 16] {
    let f = &c.figures;
    let p = c.prediction.as_ref();
    // Empty where the models predict nothing (see `flywheel report model`).
    let money = |v: Option<f64>| v.map(|v| major(v, &c.currency)).unwrap_or_default();
    [
        c.email.clone().unwrap_or_default(),
        c.name.clone(),
        f.purchases.to_string(),
        f.purchase_days.to_string(),
        f.frequency.to_string(),
        f.recency_days.to_string(),
        f.t_days.to_string(),
        major(f.monetary_value, &c.currency),
        major(f.total_spent as f64, &c.currency),
        major(f.avg_order_value, &c.currency),
        f.first_purchase.clone(),
        f.last_purchase.clone(),
        p.map(|p| format!("{:.6}", p.p_alive)).unwrap_or_default(),
        p.map(|p| format!("{:.6}", p.expected_purchases_90d)).unwrap_or_default(),
        money(p.and_then(|p| p.expected_order_value)),
        money(p.and_then(|p| p.clv_12m)),
    ]
}

pub fn customers(conn: &Connection, args: &CustomersArgs) -> Result<()> {
    if args.csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(COLUMNS).map_err(csv_error)?;
        repeat::each(conn, args.as_of.as_deref(), |c| w.write_record(cells(c)).map_err(csv_error))?;
        let bytes = w.into_inner().map_err(|e| csv_error(e.into_error().into()))?;
        return output::emit(&String::from_utf8_lossy(&bytes));
    }
    let mut rows = Vec::new();
    repeat::each(conn, args.as_of.as_deref(), |c| {
        rows.push(cells(c));
        Ok(())
    })?;
    let other = currencies::other(conn, args.as_of.as_deref())?;
    let model = repeat::predictions(conn, args.as_of.as_deref())?;
    let mut text = if rows.is_empty() {
        "No customers yet.\n".to_owned()
    } else {
        let mut t = output::table(COLUMNS.map(str::to_uppercase).each_ref().map(String::as_str), &rows);
        t.push_str(&format!(
            "{}\n",
            flywheel_core::words::plural(rows.len() as i64, "customer", "customers")
        ));
        t
    };
    for c in &other.currencies {
        text.push_str(&format!("{}\n", currencies::sentence(c, &other.shop_currency)));
    }
    // Why the prediction columns are empty, once there are customers to predict for.
    if !rows.is_empty() {
        for problem in &model.report.problems {
            text.push_str(&format!("{problem}\n"));
        }
    }
    output::emit(&text)
}

#[derive(clap::Args)]
pub struct ModelArgs {
    /// The day the models are fitted as of, YYYY-MM-DD (default: today).
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Print the report as JSON (time unit: days; money in minor units).
    #[arg(long)]
    json: bool,
}

/// `flywheel report model`: the fitted prediction models, their log-likelihoods, the customers
/// they used and whether they converged.
pub fn model(conn: &Connection, args: &ModelArgs) -> Result<()> {
    let p = repeat::predictions(conn, args.as_of.as_deref())?;
    let r = &p.report;
    if args.json {
        return output::emit(&format!("{}\n", serde_json::to_string_pretty(r)?));
    }
    let mut out = format!(
        "Prediction models as of {} (time in days, money in {}): {} customers, {} of them bought again.\n",
        r.as_of, r.currency, r.customers, r.repeat_customers
    );
    if let Some(m) = &r.purchases {
        out.push_str(&format!(
            "Purchases (BG/NBD): r = {:.6}, alpha = {:.6}, a = {:.6}, b = {:.6}; log-likelihood {:.4}; {}.\n",
            m.r,
            m.alpha,
            m.a,
            m.b,
            m.log_likelihood,
            if m.converged {
                format!("converged in {} steps", m.iterations)
            } else {
                "did not converge".to_owned()
            }
        ));
    }
    if let Some(m) = &r.spend {
        out.push_str(&format!(
            "Order values (Gamma-Gamma): p = {:.6}, q = {:.6}, gamma = {:.6}; log-likelihood {:.4}; {} customers; {}.\n",
            m.p,
            m.q,
            m.gamma,
            m.log_likelihood,
            m.customers,
            if m.converged { format!("converged in {} steps", m.iterations) } else { "did not converge".to_owned() }
        ));
    }
    if let Some(revenue) = p.revenue_next_90_days() {
        out.push_str(&format!(
            "Predicted revenue from existing customers in the next 90 days: {}.\n",
            display_money(revenue.round() as i64, &r.currency)
        ));
    }
    for problem in &r.problems {
        out.push_str(&format!("{problem}\n"));
    }
    output::emit(&out)
}

fn csv_error(e: csv::Error) -> flywheel_core::Error {
    flywheel_core::Error::new(flywheel_core::ErrorCode::Io, format!("Could not write the CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_major_units() {
        assert_eq!(major(2500.0, "USD"), "25.00");
        assert_eq!(major(2549.6, "USD"), "25.50");
        assert_eq!(major(1500.0, "JPY"), "1500");
        assert_eq!(major(1234.0, "BHD"), "1.234");
    }
}
