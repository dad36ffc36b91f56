//! `flywheel report ...`: the figures the window shows, as tables or as the very same JSON.

use crate::output;
use flywheel_core::funnel::channel_figures::{self, ChannelQuery, ChannelReport};
use flywheel_core::funnel::figures::{self, FunnelReport};
use flywheel_core::funnel::FunnelQuery;
use flywheel_core::validate::display_money;
use flywheel_core::{time, Result};
use std::path::Path;

#[derive(clap::Subcommand)]
pub enum Command {
    /// The marketing funnel of a period: stages, conversion, time in stage, exits, the handoff
    /// and the monthly cohorts.
    Funnel(FunnelArgs),
    /// Per channel: leads, MQLs, customers, revenue, spend, cost per lead and customer, return on spend.
    Channels(ChannelArgs),
    /// The flipped funnel and the loop: customers, repeat customers, advocates, referrals, loop
    /// closure, viral coefficient K, NPS and the advocate leaderboard.
    Flywheel(crate::flywheel_report::FlywheelArgs),
    /// Every customer's repeat figures (frequency, recency, T, monetary value, ...), as lifetimes
    /// computes them, with what the models predict (chance still active, expected purchases in
    /// 90 days, expected order value, 12-month value).
    Customers(crate::flywheel_report::CustomersArgs),
    /// The prediction models fitted on the customers as of a day: BG/NBD (purchases, chance
    /// still active) and Gamma-Gamma (order values), with their log-likelihoods and whether they
    /// converged.
    Model(crate::flywheel_report::ModelArgs),
}

#[derive(clap::Args)]
pub struct FunnelArgs {
    /// First day, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    from: String,
    /// Last day (included), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    to: String,
    /// Only contacts from this channel (its key, e.g. paid_search).
    #[arg(long, value_name = "C")]
    channel: Option<String>,
    /// Only contacts in this segment (any case).
    #[arg(long, value_name = "S")]
    segment: Option<String>,
    /// Print the report as JSON, exactly as the window receives it.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct ChannelArgs {
    /// First day, YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    from: String,
    /// Last day (included), YYYY-MM-DD.
    #[arg(long, value_name = "DATE")]
    to: String,
    /// Print the report as JSON, exactly as the window receives it.
    #[arg(long)]
    json: bool,
}

pub fn run(path: &Path, command: &Command) -> Result<()> {
    let conn = crate::open_existing(path)?;
    match command {
        Command::Funnel(a) => {
            let query = FunnelQuery {
                from: a.from.clone(),
                to: a.to.clone(),
                channel: a.channel.clone(),
                segment: a.segment.clone(),
            };
            let report = figures::report(&conn, &query, time::now())?;
            if a.json {
                return output::emit(&format!("{}\n", serde_json::to_string_pretty(&report)?));
            }
            output::emit(&funnel_text(&report))
        }
        Command::Channels(a) => {
            let query = ChannelQuery { from: a.from.clone(), to: a.to.clone() };
            let report = channel_figures::report(&conn, &query, time::now())?;
            if a.json {
                return output::emit(&format!("{}\n", serde_json::to_string_pretty(&report)?));
            }
            output::emit(&channels_text(&report))
        }
        Command::Flywheel(a) => crate::flywheel_report::flywheel(&conn, a),
        Command::Customers(a) => crate::flywheel_report::customers(&conn, a),
        Command::Model(a) => crate::flywheel_report::model(&conn, a),
    }
}

/// A fraction as a percentage with one decimal, or "—" when there is none.
pub(crate) fn pct(rate: Option<f64>) -> String {
    rate.map_or("—".to_owned(), |r| format!("{:.1} %", r * 100.0))
}

/// Hours as hours up to two days, else as days.
fn duration(hours: Option<f64>) -> String {
    match hours {
        None => "—".to_owned(),
        Some(h) if h < 48.0 => format!("{h:.1} h"),
        Some(h) => format!("{:.1} d", h / 24.0),
    }
}

fn funnel_text(r: &FunnelReport) -> String {
    let mut out = format!("Funnel {} to {} (counted up to {})", r.from, r.to, r.as_of);
    if let Some(c) = &r.channel {
        out.push_str(&format!(", channel {c}"));
    }
    if let Some(s) = &r.segment {
        out.push_str(&format!(", segment {s}"));
    }
    out.push_str("\n\n");
    let rows: Vec<[String; 9]> = r
        .stages
        .iter()
        .map(|s| {
            [
                s.stage.as_str().to_owned(),
                s.entered.to_string(),
                pct(s.conversion),
                s.skipped.to_string(),
                duration(s.median_hours),
                duration(s.p90_hours),
                s.disqualified.to_string(),
                s.lost.to_string(),
                s.sent_back.to_string(),
            ]
        })
        .collect();
    out.push_str(&output::table(
        ["STAGE", "ENTERED", "TO NEXT", "SKIPPED", "MEDIAN", "P90", "DISQUALIFIED", "LOST", "SENT BACK"],
        &rows,
    ));
    out.push_str(&format!("\nClose rate (opportunity → customer): {}\n", pct(r.close_rate)));
    let h = &r.handoff;
    out.push_str(&format!(
        "Handoff (SLA {} h): {} MQLs, {} accepted, {} rejected, {} waiting; acceptance {}; median response {}; {} breaches\n",
        h.sla_hours,
        h.handoffs,
        h.accepted,
        h.rejected,
        h.waiting,
        pct(h.acceptance_rate),
        duration(h.median_response_hours),
        h.breaches
    ));
    for reason in &h.rejection_reasons {
        out.push_str(&format!("  rejected {}×: {}\n", reason.count, reason.reason));
    }
    out.push('\n');
    let rows: Vec<[String; 6]> = r
        .cohorts
        .iter()
        .map(|c| {
            let reached = |i: usize| {
                c.reached.get(i).map_or(String::new(), |s| format!("{} ({})", s.count, pct(s.rate)))
            };
            [c.month.clone(), c.leads.to_string(), reached(0), reached(1), reached(2), reached(3)]
        })
        .collect();
    out.push_str(&output::table(["COHORT", "NEW LEADS", "MQL", "SQL", "OPPORTUNITY", "CUSTOMER"], &rows));
    out
}

fn channels_text(r: &ChannelReport) -> String {
    let money = |m: i64| display_money(m, &r.currency);
    let rows: Vec<[String; 9]> = r
        .channels
        .iter()
        .chain(std::iter::once(&r.total))
        .map(|c| {
            [
                c.name.clone(),
                c.leads.to_string(),
                c.mqls.to_string(),
                c.customers.to_string(),
                money(c.revenue_minor),
                money(c.spend_minor),
                c.cost_per_lead_minor.map_or("—".to_owned(), money),
                c.cost_per_customer_minor.map_or("—".to_owned(), money),
                pct(c.return_on_spend),
            ]
        })
        .collect();
    let mut out = format!("Channels {} to {} (counted up to {})\n\n", r.from, r.to, r.as_of);
    out.push_str(&output::table(
        ["CHANNEL", "LEADS", "MQLS", "CUSTOMERS", "REVENUE", "SPEND", "PER LEAD", "PER CUSTOMER", "RETURN"],
        &rows,
    ));
    if r.other_currency_rows > 0 {
        out.push_str(&format!(
            "\n{} in other currencies than {} {} left out.\n",
            flywheel_core::words::plural(
                r.other_currency_rows,
                "purchase or spend row",
                "purchases or spend rows"
            ),
            r.currency,
            if r.other_currency_rows == 1 { "is" } else { "are" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_durations_read_well() {
        assert_eq!(pct(Some(0.025)), "2.5 %");
        assert_eq!(pct(Some(3.0)), "300.0 %");
        assert_eq!(pct(None), "—");
        assert_eq!(duration(Some(36.0)), "36.0 h");
        assert_eq!(duration(Some(72.0)), "3.0 d");
    }
}
