//! The shop's own predictions (issue 15): both models fitted on the customers' purchase days as
//! of a day, every customer's predictions beside their figures, the Customers page sorted by them,
//! and no predictions, said in words, when the data is too thin. The formulas and fits themselves
//! are checked against lifetimes in `predict.rs`.

mod common;

use chrono::NaiveDate;
use common::{buy, contact, temp_db};
use flywheel_core::predict::bgnbd::{self, Customer};
use flywheel_core::predict::shop::{MIN_CUSTOMERS, MIN_REPEAT_CUSTOMERS};
use flywheel_core::repeat::{self, CustomerFigures, CustomerQuery, CustomerSort};
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::settings::{self, Settings};
use flywheel_core::store::Connection;

const AS_OF: &str = "2026-06-30";

fn sample_shop() -> common::TestDb {
    let db = temp_db();
    sample::generate(&db, SampleSize::Small, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).unwrap();
    db
}

fn everyone(conn: &Connection, as_of: &str) -> Vec<CustomerFigures> {
    let mut all = Vec::new();
    repeat::each(conn, Some(as_of), |c| {
        all.push(c.clone());
        Ok(())
    })
    .unwrap();
    all
}

fn within(what: &str, got: f64, want: f64, tolerance: f64) {
    let rel = (got - want).abs() / want.abs();
    assert!(rel <= tolerance, "{what}: {got} against {want} (relative {rel:e})");
}

#[test]
fn the_sample_shop_gets_both_models_and_every_customer_a_prediction() {
    let db = sample_shop();
    let p = repeat::predictions(&db, Some(AS_OF)).unwrap();
    let r = &p.report;
    assert!(r.predicts_purchases && r.predicts_value, "{:?}", r.problems);
    assert!(r.problems.is_empty());
    assert_eq!(r.time_unit, "days");

    // lifetimes 0.11.3 on the same customers (tests/reference/lifetimes_sample_shop.py): the
    // purchase model on whole days, the spend model on the report's cents.
    let m = r.purchases.as_ref().unwrap();
    within("r", m.r, 0.2501312087265984, 1e-5);
    within("α", m.alpha, 6.6609022531480635, 1e-5);
    within("a", m.a, 1.8324126595185233, 1e-5);
    within("b", m.b, 53.47981508081795, 1e-5);
    let s = r.spend.as_ref().unwrap();
    within("p", s.p, 3.1121266344363017, 1e-4);
    within("q", s.q, 3.8630957490578655, 1e-4);
    within("γ", s.gamma, 65441.06424063426, 1e-4);

    // The models are fitted on exactly the customers' figures as the report gives them (read
    // from the purchases here, from the kept summaries by the predictions).
    let all = everyone(&db, AS_OF);
    assert_eq!(r.customers, all.len() as i64);
    assert_eq!(r.repeat_customers, all.iter().filter(|c| c.figures.frequency > 0).count() as i64);
    let customers: Vec<Customer> = all
        .iter()
        .map(|c| Customer {
            frequency: c.figures.frequency as f64,
            recency: c.figures.recency_days as f64,
            t_age: c.figures.t_days as f64,
        })
        .collect();
    // (The app starts each fit from the last one's parameters; both end on a flat gradient.)
    let refit = bgnbd::fit(&customers).params;
    for (got, want) in [(m.r, refit.r), (m.alpha, refit.alpha), (m.a, refit.a), (m.b, refit.b)] {
        within("refit", got, want, 1e-6);
    }
    let fitted = bgnbd::Params { r: m.r, alpha: m.alpha, a: m.a, b: m.b };

    let mut revenue = 0.0;
    for (c, model) in all.iter().zip(&customers) {
        let pr = c.prediction.unwrap_or_else(|| panic!("{} has no prediction", c.name));
        assert_eq!(pr.p_alive, bgnbd::p_alive(&fitted, model), "{}", c.name);
        let e90 = bgnbd::expected_purchases(&fitted, model, 90.0).unwrap();
        assert!((pr.expected_purchases_90d - e90).abs() <= 1e-12 * e90.max(1.0), "{}", c.name);
        if c.figures.frequency == 0 {
            assert_eq!(pr.p_alive, 1.0, "{} bought once: nothing to have dropped out after", c.name);
        }
        assert!((0.0..=1.0).contains(&pr.p_alive));
        assert!(pr.expected_purchases_90d >= 0.0);
        let value = pr.expected_order_value.unwrap();
        assert!(value > 0.0);
        assert!(pr.clv_12m.unwrap() >= 0.0);
        revenue += pr.expected_purchases_90d * value;
    }
    let tile = p.revenue_next_90_days().unwrap();
    assert!((tile - revenue).abs() < 1e-6 * revenue, "{tile} against {revenue}");
    // One-time buyers are expected to spend the population's mean order value.
    let once = all.iter().find(|c| c.figures.frequency == 0).unwrap();
    let mean = s.population_mean.unwrap();
    assert!((once.prediction.unwrap().expected_order_value.unwrap() - mean).abs() < 1e-9 * mean);
}

#[test]
fn the_customers_page_sorts_by_each_prediction() {
    let db = sample_shop();
    let page = |sort, ascending| {
        let q = CustomerQuery {
            as_of: Some(AS_OF.into()),
            sort: Some(sort),
            ascending,
            limit: 500,
            ..Default::default()
        };
        repeat::list(&db, &q).unwrap().items
    };
    type Of = fn(&CustomerFigures) -> f64;
    let cases: [(CustomerSort, Of); 3] = [
        (CustomerSort::PAlive, |c| c.prediction.unwrap().p_alive),
        (CustomerSort::ExpectedPurchases, |c| c.prediction.unwrap().expected_purchases_90d),
        (CustomerSort::PredictedValue, |c| c.prediction.unwrap().clv_12m.unwrap()),
    ];
    for (sort, of) in cases {
        let down: Vec<f64> = page(sort, false).iter().map(of).collect();
        assert!(down.len() > 50);
        assert!(down.windows(2).all(|w| w[0] >= w[1]), "{sort:?} highest first: {down:?}");
        assert!(down[0] > *down.last().unwrap(), "{sort:?} tells customers apart");
        let up: Vec<f64> = page(sort, true).iter().map(of).collect();
        assert!(up.windows(2).all(|w| w[0] <= w[1]), "{sort:?} lowest first");
    }
    // A customer's own figures carry the same prediction as the list.
    let first = &page(CustomerSort::PredictedValue, false)[0];
    let one = repeat::for_contact(&db, first.contact_id, Some(AS_OF)).unwrap().unwrap();
    assert_eq!(one.prediction, first.prediction);
}

#[test]
fn the_monthly_discount_setting_discounts_the_twelve_month_value() {
    let db = sample_shop();
    let value = |db: &Connection| {
        let p = repeat::predictions(db, Some(AS_OF)).unwrap();
        p.by_customer.values().map(|p| p.clv_12m.unwrap()).sum::<f64>()
    };
    let at_one = value(&db);
    let s = settings::get(&db).unwrap();
    assert_eq!(s.monthly_discount_percent, 1.0);
    settings::update(&db, &Settings { monthly_discount_percent: 0.0, ..s.clone() }).unwrap();
    let at_zero = value(&db);
    settings::update(&db, &Settings { monthly_discount_percent: 5.0, ..s }).unwrap();
    let at_five = value(&db);
    assert!(at_zero > at_one && at_one > at_five, "{at_zero} > {at_one} > {at_five}");
    // Undiscounted, twelve months' value is the purchases expected in 360 days at each
    // customer's expected order value.
    let p = repeat::predictions(&db, Some(AS_OF)).unwrap();
    let m = p.report.purchases.clone().unwrap();
    let params = bgnbd::Params { r: m.r, alpha: m.alpha, a: m.a, b: m.b };
    let mut by_hand = 0.0;
    for c in everyone(&db, AS_OF) {
        let f = &c.figures;
        let model = Customer {
            frequency: f.frequency as f64,
            recency: f.recency_days as f64,
            t_age: f.t_days as f64,
        };
        by_hand += bgnbd::expected_purchases(&params, &model, 360.0).unwrap()
            * p.of(c.contact_id).unwrap().expected_order_value.unwrap();
    }
    assert!((at_zero - by_hand).abs() < 1e-9 * by_hand, "{at_zero} against {by_hand}");
}

#[test]
fn too_few_customers_predict_nothing_and_say_why() {
    let db = temp_db();
    for i in 0..5 {
        let id = contact(&db, &format!("c{i}@example.com"));
        buy(&db, id, "2026-01-10", 2_000);
        if i < 3 {
            buy(&db, id, "2026-03-01", 3_000);
        }
    }
    let p = repeat::predictions(&db, Some(AS_OF)).unwrap();
    assert!(!p.report.predicts_purchases && !p.report.predicts_value);
    assert!(p.report.purchases.is_none() && p.by_customer.is_empty());
    let words = p.report.problems.join(" ");
    assert!(
        words.contains(&format!("at least {MIN_CUSTOMERS} customers"))
            && words.contains(&format!("{MIN_REPEAT_CUSTOMERS} bought on two"))
            && words.contains("there are 5 customers, 3 of whom bought again"),
        "{words}"
    );
    assert!(everyone(&db, AS_OF).iter().all(|c| c.prediction.is_none()));
    assert_eq!(p.revenue_next_90_days(), None);
}

#[test]
fn order_values_spread_over_decades_predict_no_values_and_say_why() {
    // The sample shop with each customer's orders set around 1.00, 8.00, 64.00 … up to about
    // 21,000.00 by customer: customers' typical orders spread so widely that the spend model's q
    // comes out below 1, where its population mean is infinite. The purchase model still fits.
    let db = sample_shop();
    db.execute(
        "UPDATE purchases SET refunded_minor = 0, amount_minor = (100 + id % 50) * CASE contact_id % 8
             WHEN 0 THEN 1 WHEN 1 THEN 8 WHEN 2 THEN 64 WHEN 3 THEN 512 WHEN 4 THEN 4096
             WHEN 5 THEN 32768 WHEN 6 THEN 262144 ELSE 2097152 END",
        [],
    )
    .unwrap();
    let p = repeat::predictions(&db, Some(AS_OF)).unwrap();
    assert!(p.report.predicts_purchases, "{:?}", p.report.problems);
    assert!(!p.report.predicts_value);
    let q = p.report.spend.as_ref().unwrap().q;
    assert!(q <= 1.0 && p.report.spend.as_ref().unwrap().population_mean.is_none());
    let words = p.report.problems.join(" ");
    assert!(
        words.contains("Order values differ so much") && words.contains(&format!("q is {q:.2}, at most 1")),
        "{words}"
    );
    let c = everyone(&db, AS_OF);
    assert!(c
        .iter()
        .all(|c| c.prediction.is_some_and(|p| p.expected_order_value.is_none() && p.clv_12m.is_none())));
    assert_eq!(p.revenue_next_90_days(), None);
}

#[test]
fn at_risk_lists_valuable_customers_drifting_away_and_one_click_makes_the_call() {
    use flywheel_core::at_risk::{self, AT_RISK_BELOW, HIGH_VALUE_SHARE};
    let db = sample_shop();
    let list = at_risk::list(&db, Some(AS_OF), 500).unwrap();
    assert!(list.problems.is_empty(), "{:?}", list.problems);
    assert!(!list.items.is_empty(), "the sample shop has customers who stopped buying");
    // By hand from the customers' figures and predictions: the top quarter by total spent, less
    // than an even chance still active.
    let all = everyone(&db, AS_OF);
    let mut spent: Vec<i64> = all.iter().map(|c| c.figures.total_spent).collect();
    spent.sort_unstable();
    let from = spent[spent.len() - (spent.len() as f64 * HIGH_VALUE_SHARE).ceil() as usize];
    assert_eq!(list.high_value_from, Some(from));
    let mut want: Vec<(i64, i64)> = all
        .iter()
        .filter(|c| c.figures.total_spent >= from && c.prediction.unwrap().p_alive < AT_RISK_BELOW)
        .map(|c| (c.figures.total_spent, c.contact_id))
        .collect();
    want.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let got: Vec<(i64, i64)> = list.items.iter().map(|i| (i.total_spent, i.contact_id)).collect();
    assert_eq!(got, want);
    assert_eq!(list.total, want.len() as i64);
    for i in &list.items {
        let c = all.iter().find(|c| c.contact_id == i.contact_id).unwrap();
        assert_eq!(
            (i.last_purchase.as_str(), i.days_since_last),
            (c.figures.last_purchase.as_str(), c.figures.days_since_last)
        );
        assert!(i.follow_up_due.is_none());
    }

    let first = &list.items[0];
    let call = at_risk::follow_up(&db, first.contact_id).unwrap();
    assert_eq!(call.kind, flywheel_core::followups::FollowupKind::Call);
    assert_eq!(call.title, format!("Win back {}: last bought {}", first.name, first.last_purchase));
    assert_eq!(call.due_on, flywheel_core::time::format_day(flywheel_core::time::today()));
    let again = at_risk::follow_up(&db, first.contact_id).unwrap_err();
    assert_eq!(again.code, flywheel_core::ErrorCode::Conflict);
    assert!(again.message.contains("already has a call to make"), "{}", again.message);
    let after = at_risk::list(&db, Some(AS_OF), 500).unwrap();
    assert_eq!(after.items[0].follow_up_due.as_deref(), Some(call.due_on.as_str()));
}

#[test]
fn at_risk_says_why_when_nothing_is_predicted() {
    let db = temp_db();
    let id = contact(&db, "ann@example.com");
    buy(&db, id, "2026-01-10", 2_000);
    let list = flywheel_core::at_risk::list(&db, Some(AS_OF), 50).unwrap();
    assert!(
        list.items.is_empty() && list.problems.iter().any(|p| p.contains("Predictions need")),
        "{list:?}"
    );
}

#[test]
fn who_to_ask_next_puts_a_likely_to_stay_high_value_promoter_first() {
    use flywheel_core::advocates::{self, ReadyKind};
    use flywheel_core::nps::{self, NpsInput};
    let db = sample_shop();
    let before = advocates::readiness(&db, Some(AS_OF), 500).unwrap();
    let predictions = repeat::predictions(&db, Some(AS_OF)).unwrap();
    let value = |id: i64| predictions.of(id).and_then(|p| p.clv_12m).unwrap_or(0.0);
    // The most valuable candidate likely to stay, not asked yet and not yet an advocate.
    let chosen = before
        .items
        .iter()
        .filter(|r| !r.open_request && r.reasons.iter().any(|x| x.kind == ReadyKind::LikelyToStay))
        .max_by(|a, b| value(a.contact_id).total_cmp(&value(b.contact_id)))
        .unwrap()
        .contact_id;
    // And one who is not of high value.
    let other = before
        .items
        .iter()
        .find(|r| {
            !r.open_request
                && r.contact_id != chosen
                && !r.reasons.iter().any(|x| x.kind == ReadyKind::HighValue)
        })
        .unwrap()
        .contact_id;
    for who in [chosen, other] {
        // Both answer the survey with a 10 and buy again on the day.
        nps::create(
            &db,
            &NpsInput { contact_id: who, score: 10, comment: String::new(), answered_on: AS_OF.into() },
        )
        .unwrap();
        buy(&db, who, AS_OF, 9_000);
    }
    let after = advocates::readiness(&db, Some(AS_OF), 500).unwrap();
    let top = &after.items[0];
    assert_eq!(top.contact_id, chosen, "{after:?}");
    let kinds: Vec<ReadyKind> = top.reasons.iter().map(|r| r.kind).collect();
    for k in [ReadyKind::RecentPromoter, ReadyKind::LikelyToStay, ReadyKind::HighValue, ReadyKind::NotAsked] {
        assert!(kinds.contains(&k), "{k:?} in {kinds:?}");
    }
    let place = after.items.iter().position(|r| r.contact_id == other).unwrap();
    assert!(place > 0 && after.items[place].score < top.score, "the promoter of lower value ranks below");
}
