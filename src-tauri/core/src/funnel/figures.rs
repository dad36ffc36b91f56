//! Funnel figures for a range of days: per stage, contacts entering it, conversion to the next
//! stage, time in stage and exits; the close rate; the handoff; and the monthly cohorts. This is
//! the one report the Funnel page and `flywheel report funnel` both show.

use super::channel_figures;
use super::cohorts::{self, Cohort};
use super::handoff::{self, HandoffFigures};
use super::history::{self, Facts};
use super::{channel_filter, segment_filter, FunnelQuery, Period, LIVE};
use crate::cache;
use crate::error::Result;
use crate::settings;
use crate::stages::Stage;
use crate::stats;
use crate::store::Connection;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One stage of the funnel over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct StageFigures {
    pub stage: Stage,
    /// Contacts who entered the stage in the period, coming from an earlier stage, from an exit,
    /// or new. Being sent back down into it is not entering it.
    pub entered: i64,
    /// Of those, the ones that reached a later stage by the end of the period.
    pub moved_on: i64,
    /// moved_on ÷ entered; `None` for customer (the last stage) and when nobody entered.
    pub conversion: Option<f64>,
    /// Contacts that jumped over this stage in the period.
    pub skipped: i64,
    /// Contacts whose time in the stage is measured: they left it in the period.
    pub timed: i64,
    /// Median and 90th percentile of their time in the stage, in hours, every visit counted.
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// Moves out of the stage in the period, by where they went.
    pub disqualified: i64,
    pub lost: i64,
    pub sent_back: i64,
}

/// Everything the Funnel page shows for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FunnelReport {
    pub from: String,
    pub to: String,
    pub channel: Option<String>,
    pub segment: Option<String>,
    /// What was counted up to: the end of `to`, or the time of the report when that is earlier.
    pub as_of: String,
    /// Subscriber, lead, MQL, SQL, opportunity, customer.
    pub stages: Vec<StageFigures>,
    /// Of the contacts that became opportunities in the period, the share that became customers
    /// by its end.
    pub close_rate: Option<f64>,
    pub handoff: HandoffFigures,
    /// One per calendar month the period touches.
    pub cohorts: Vec<Cohort>,
}

/// Per-stage figures from the facts of every history (as the worked examples count them).
#[cfg(test)]
pub(crate) fn stage_figures(facts: &[Facts]) -> Vec<StageFigures> {
    let mut tally = Tally::default();
    facts.iter().for_each(|f| tally.add(f));
    tally.figures()
}

/// The per-stage figures counted one history's facts at a time, so the facts of a hundred thousand
/// contacts need not be kept together.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Per live stage: entered, moved on, skipped, disqualified, lost, sent back.
    counts: [[i64; 6]; 6],
    /// Per live stage: the hours of every timed contact, in the order they were added.
    hours: [Vec<f64>; 6],
}

impl Tally {
    pub fn add(&mut self, f: &Facts) {
        for r in 0..LIVE.len() {
            let c = &mut self.counts[r];
            c[0] += i64::from(f.entered[r].is_some());
            c[1] += i64::from(f.moved_on[r]);
            c[2] += i64::from(f.skipped[r]);
            c[3] += f.exits[r].disqualified;
            c[4] += f.exits[r].lost;
            c[5] += f.exits[r].sent_back;
            if let Some(secs) = f.time_in[r] {
                self.hours[r].push(secs as f64 / 3_600.0);
            }
        }
    }

    pub fn figures(mut self) -> Vec<StageFigures> {
        LIVE.iter()
            .enumerate()
            .map(|(r, &stage)| {
                let [entered, moved_on, skipped, disqualified, lost, sent_back] = self.counts[r];
                let hours = &mut self.hours[r];
                // Sorted once here; the median and the percentile then sort what is in order.
                hours.sort_by(f64::total_cmp);
                StageFigures {
                    stage,
                    entered,
                    moved_on,
                    conversion: if stage == Stage::Customer { None } else { stats::rate(moved_on, entered) },
                    skipped,
                    timed: hours.len() as i64,
                    median_hours: stats::median(hours),
                    p90_hours: stats::percentile(hours, 90.0),
                    disqualified,
                    lost,
                    sent_back,
                }
            })
            .collect()
    }
}

/// The funnel report for a query, counted as of `now`.
pub fn report(conn: &Connection, query: &FunnelQuery, now: DateTime<Utc>) -> Result<FunnelReport> {
    build(conn, query, now, Read::Index)
}

/// The same report with nothing kept and every stage event read joined with its contact, as it
/// was read before the index walk: what the property tests compare [`report`] with.
#[doc(hidden)]
pub fn report_from_joined_events(
    conn: &Connection,
    query: &FunnelQuery,
    now: DateTime<Utc>,
) -> Result<FunnelReport> {
    build(conn, query, now, Read::Joined)
}

/// How the stage histories are read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Read {
    /// [`history::load`]: walked from the index; the channels' counts are left for the channel
    /// report.
    Index,
    /// [`history::load_joined`], nothing kept.
    Joined,
}

fn build(conn: &Connection, query: &FunnelQuery, now: DateTime<Utc>, read: Read) -> Result<FunnelReport> {
    let period = Period::parse(&query.from, &query.to, now)?;
    let channel = channel_filter(conn, query.channel.as_deref())?;
    let segment = segment_filter(query.segment.as_deref())?;
    let compute = || settle(conn, &period, channel.as_deref(), segment.as_deref(), read);
    let key = format!("funnel|{}|{}|{channel:?}|{segment:?}", period.from, period.to);
    let settled = match read {
        Read::Joined => compute()?,
        Read::Index => {
            let kept = cache::cached(conn, key, compute)?;
            if kept.holds_at(period.as_of) {
                kept
            } else {
                compute()?
            }
        }
    };
    let mut handoff = settled.handoff.as_of(period.as_of);
    handoff::name_breaches(conn, &mut handoff)?;
    Ok(FunnelReport {
        from: crate::time::format_day(period.from),
        to: crate::time::format_day(period.to),
        channel,
        segment,
        as_of: period.as_of_text(),
        close_rate: settled.stages[Stage::Opportunity.rank() as usize].conversion,
        stages: settled.stages,
        handoff,
        cohorts: settled.cohorts,
    })
}

/// A period's figures once its events are read: everything but how long the waiting MQLs have
/// waited. A period that ends today is counted up to the present second, but these figures only
/// change when a stage event comes into the window, so they are kept until then.
#[derive(Debug, Clone)]
struct Settled {
    stages: Vec<StageFigures>,
    cohorts: Vec<Cohort>,
    handoff: handoff::Answered,
    /// The moment counted up to, and the first stage event after it (seconds).
    as_of: i64,
    next_event: Option<i64>,
}

impl Settled {
    /// Whether these are also the figures as of `as_of`: no stage event lies in between.
    fn holds_at(&self, as_of: i64) -> bool {
        as_of >= self.as_of && self.next_event.is_none_or(|t| t > as_of)
    }
}

fn settle(
    conn: &Connection,
    period: &Period,
    channel: Option<&str>,
    segment: Option<&str>,
    read: Read,
) -> Result<Settled> {
    let months = cohorts::months(period.from, period.to);
    let since = period.history_since();
    let histories = match read {
        Read::Index => history::load(conn, since, period.as_of, channel, segment)?,
        Read::Joined => history::load_joined(conn, since, period.as_of, channel, segment)?,
    };
    let window = period.window();
    let mut tally = Tally::default();
    // Over every contact, the channel report of the period counts from the same facts: its counts
    // are left beside this report's (kept only as this report is, in its read transaction).
    let every_contact = read == Read::Index && channel.is_none() && segment.is_none();
    let mut by_channel = channel_figures::Counts::new();
    for h in &histories {
        let facts = Facts::of(h, window);
        tally.add(&facts);
        if every_contact {
            channel_figures::count(&mut by_channel, &h.source, &facts);
        }
    }
    if every_contact {
        let key = channel_figures::counts_key(window);
        cache::keep_beside(conn, channel_figures::COUNTS_SLOT.to_owned(), key, by_channel)?;
    }
    Ok(Settled {
        stages: tally.figures(),
        cohorts: cohorts::cohorts(&histories, &months, period.as_of),
        handoff: handoff::answered(&histories, window, settings::get(conn)?.sla_hours),
        as_of: period.as_of,
        next_event: history::first_event_after(conn, period.as_of)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::history::tests::{hist, D, H};
    use super::super::history::{History, Window};
    use super::*;
    use Stage::*;

    fn figures(histories: &[History], w: Window) -> Vec<StageFigures> {
        stage_figures(&histories.iter().map(|h| Facts::of(h, w)).collect::<Vec<_>>())
    }

    fn row(f: &[StageFigures], stage: Stage) -> &StageFigures {
        &f[stage.rank() as usize]
    }

    const ALL: Window = Window { start: 0, as_of: 100 * D };

    #[test]
    fn the_classic_funnel_1000_prospects_25_qualified_5_buyers() {
        // 1,000 leads; 25 of them become MQLs; 5 of those go on through SQL and opportunity to buy.
        let mut histories = Vec::new();
        for id in 0..1000 {
            let mut steps = vec![(Lead, D)];
            if id < 25 {
                steps.push((Mql, 2 * D));
            }
            if id < 5 {
                steps.extend([(Sql, 3 * D), (Opportunity, 4 * D), (Customer, 5 * D)]);
            }
            histories.push(hist(id, &steps));
        }
        let f = figures(&histories, ALL);
        assert_eq!(row(&f, Lead).entered, 1000);
        assert_eq!(row(&f, Mql).entered, 25);
        assert_eq!(row(&f, Customer).entered, 5);
        assert_eq!(row(&f, Lead).conversion, Some(0.025), "2.5 % of prospects qualify");
        assert_eq!(row(&f, Mql).conversion, Some(0.2), "20 % of the qualified go on");
        assert_eq!(row(&f, Sql).conversion, Some(1.0));
        assert_eq!(row(&f, Customer).conversion, None, "customer is the last stage here");
        // The third step of the seeds' funnel, 2 repeat buyers of 5 (40 %), is the repeat-customer
        // rate of the flipped funnel; its arithmetic is `stats::rate(2, 5)`.
        assert_eq!(stats::rate(2, 5), Some(0.4));
    }

    #[test]
    fn an_empty_period_has_zero_counts_and_no_rates() {
        let f = figures(&[], ALL);
        assert_eq!(f.len(), 6);
        for s in &f {
            assert_eq!((s.entered, s.moved_on, s.timed, s.sent_back), (0, 0, 0, 0));
            assert_eq!((s.conversion, s.median_hours, s.p90_hours), (None, None, None));
        }
        // Events outside the window count for nothing either.
        let outside = [hist(1, &[(Lead, 200 * D), (Mql, 201 * D)])];
        assert!(figures(&outside, ALL).iter().all(|s| s.entered == 0));
    }

    #[test]
    fn skipped_stages_are_not_entered_but_count_as_moving_on() {
        // Bought online at once: lead -> customer.
        let f = figures(&[hist(1, &[(Lead, D), (Customer, 2 * D)])], ALL);
        assert_eq!(row(&f, Lead).moved_on, 1);
        assert_eq!(row(&f, Lead).conversion, Some(1.0));
        for s in [Mql, Sql, Opportunity] {
            assert_eq!((row(&f, s).entered, row(&f, s).skipped), (0, 1), "{s:?}");
        }
        assert_eq!(row(&f, Customer).entered, 1);
        assert_eq!(row(&f, Lead).median_hours, Some(24.0));
    }

    #[test]
    fn sent_back_and_requalified_counts_both_visits() {
        // MQL for 10 h, sent back, a lead for 4 days, MQL again for 6 h, then accepted.
        let h =
            hist(1, &[(Lead, 0), (Mql, D), (Lead, D + 10 * H), (Mql, 5 * D + 10 * H), (Sql, 5 * D + 16 * H)]);
        // A second contact spends 24 h in MQL before being accepted.
        let other = hist(2, &[(Lead, 0), (Mql, D), (Sql, 2 * D)]);
        let f = figures(&[h, other], ALL);
        let mql = row(&f, Mql);
        assert_eq!((mql.entered, mql.moved_on, mql.sent_back, mql.timed), (2, 2, 1, 2));
        // Times in MQL: 16 h (both visits) and 24 h. Median 20 h, p90 16 + 0.9 * 8 = 23.2 h.
        assert_eq!(mql.median_hours, Some(20.0));
        assert!((mql.p90_hours.unwrap() - 23.2).abs() < 1e-9);
        // The lead went back once: the lead stage was entered once, not twice.
        assert_eq!(row(&f, Lead).entered, 2);
    }

    #[test]
    fn exits_are_counted_from_the_stage_they_leave() {
        let histories = [
            hist(1, &[(Lead, 0), (Disqualified, D)]),
            hist(2, &[(Lead, 0), (Mql, D), (Sql, 2 * D), (Disqualified, 3 * D)]),
            hist(3, &[(Lead, 0), (Mql, D), (Sql, 2 * D), (Opportunity, 3 * D), (Lost, 4 * D)]),
            hist(4, &[(Lead, 0), (Mql, D), (Lead, 2 * D)]),
            // Won back after being lost: a reopening, not an exit of anything.
            hist(5, &[(Opportunity, 0), (Lost, D), (Opportunity, 2 * D), (Customer, 3 * D)]),
        ];
        let f = figures(&histories, ALL);
        assert_eq!((row(&f, Lead).disqualified, row(&f, Lead).lost, row(&f, Lead).sent_back), (1, 0, 0));
        assert_eq!(row(&f, Sql).disqualified, 1);
        assert_eq!(row(&f, Opportunity).lost, 2);
        assert_eq!(row(&f, Mql).sent_back, 1);
        // Opportunities entered: 3 and 5 (once: coming back from lost enters it again, but counts once).
        assert_eq!(row(&f, Opportunity).entered, 2);
        assert_eq!(row(&f, Opportunity).conversion, Some(0.5), "the close rate");
        // Lead 1 never moved on, 2-4 did: lead conversion 3 of 4.
        assert_eq!(row(&f, Lead).conversion, Some(0.75));
    }

    #[test]
    fn a_stage_entered_before_the_period() {
        // Lead since day 0 (before the period); MQL on day 12, SQL on day 13, inside it.
        let h = hist(1, &[(Lead, 0), (Mql, 12 * D), (Sql, 13 * D)]);
        let f = figures(&[h], Window { start: 10 * D, as_of: 20 * D });
        let lead = row(&f, Lead);
        assert_eq!((lead.entered, lead.conversion), (0, None), "it entered lead before the period");
        assert_eq!(lead.timed, 1, "but it left lead in the period");
        assert_eq!(lead.median_hours, Some(12.0 * 24.0), "its whole time as a lead counts");
        assert_eq!((row(&f, Mql).entered, row(&f, Mql).conversion), (1, Some(1.0)));
        assert_eq!(row(&f, Mql).median_hours, Some(24.0));
    }
}
