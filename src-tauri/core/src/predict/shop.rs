//! The shop's own predictions as of a day: both models fitted on every customer's purchase days
//! (the repeat definitions of `repeat.rs`, in days), and per customer the chance they are still
//! active, the purchases to expect in the next 90 days, the order value to expect and their value
//! over the next 12 months. Honest when the data is thin: a model that cannot be fitted, or whose
//! fit does not settle, predicts nothing and says why in words.
//!
//! This part is pure: `repeat::predictions` reads the customers and keeps the result with the
//! state of the data.

use super::bgnbd::{self, Customer};
use super::clv::{self, DAYS_PER_MONTH};
use super::gamma_gamma::{self, Spender};
use crate::words::plural;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Customers who bought on at least two days, below which neither model is fitted.
pub const MIN_REPEAT_CUSTOMERS: i64 = 10;
/// Customers in all, below which the purchase model is not fitted.
pub const MIN_CUSTOMERS: i64 = 20;
/// The days ahead "expected purchases" looks.
pub const PURCHASE_HORIZON_DAYS: f64 = 90.0;
/// The months ahead the lifetime value looks.
pub const VALUE_MONTHS: u32 = 12;

/// One customer as the models take them: their repeat figures as of the day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Input {
    pub contact_id: i64,
    pub frequency: i64,
    pub recency_days: i64,
    pub t_days: i64,
    /// Mean value of the repeat purchase days, minor units (0 without repeats).
    pub monetary_value: f64,
}

/// The fitted purchase model (BG/NBD), time in days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PurchaseModel {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
    pub log_likelihood: f64,
    pub converged: bool,
    pub iterations: u32,
    /// Customers the fit used.
    pub customers: i64,
}

/// The fitted spend model (Gamma-Gamma), money in minor units of the shop's currency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct SpendModel {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
    pub log_likelihood: f64,
    pub converged: bool,
    pub iterations: u32,
    /// Repeat customers with a positive mean the fit used.
    pub customers: i64,
    /// p γ / (q − 1): the order value to expect from someone who has bought once; `None` for q ≤ 1.
    pub population_mean: Option<f64>,
}

/// What was fitted and whether its predictions are shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ModelReport {
    pub as_of: String,
    pub currency: String,
    /// The models' time unit: always "days".
    pub time_unit: String,
    pub customers: i64,
    pub repeat_customers: i64,
    /// The monthly discount rate of the lifetime value, in percent.
    pub monthly_discount_percent: f64,
    /// `None` when there were too few customers to fit it.
    pub purchases: Option<PurchaseModel>,
    pub spend: Option<SpendModel>,
    /// Whether the chance still active and the expected purchases are shown.
    pub predicts_purchases: bool,
    /// Whether the expected order value and the 12-month value are shown.
    pub predicts_value: bool,
    /// Why something is not shown, in words for the shop owner.
    pub problems: Vec<String>,
}

/// One customer's predictions; money in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Prediction {
    /// The chance the customer is still active (0–1).
    pub p_alive: f64,
    /// Purchase days to expect in the next 90 days.
    pub expected_purchases_90d: f64,
    /// The value to expect of their next purchase day; `None` when the spend model predicts nothing.
    pub expected_order_value: Option<f64>,
    /// Their value over the next 12 months, discounted monthly; `None` as above.
    pub clv_12m: Option<f64>,
}

/// What the window shows of the model: the report and the Dashboard's figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PredictionSummary {
    pub report: ModelReport,
    /// Predicted revenue from existing customers in the next 90 days, minor units; `None` when
    /// values are not predicted.
    pub revenue_next_90_days: Option<f64>,
}

/// The model and every customer's predictions.
#[derive(Debug, Clone, PartialEq)]
pub struct Predictions {
    pub report: ModelReport,
    pub by_customer: HashMap<i64, Prediction>,
}

impl Predictions {
    pub fn summary(&self) -> PredictionSummary {
        PredictionSummary { report: self.report.clone(), revenue_next_90_days: self.revenue_next_90_days() }
    }

    pub fn of(&self, contact_id: i64) -> Option<Prediction> {
        self.by_customer.get(&contact_id).copied()
    }

    /// The purchases expected from every customer in the next 90 days, valued at each one's
    /// expected order value: the Dashboard's "predicted revenue from existing customers". `None`
    /// when values are not predicted.
    pub fn revenue_next_90_days(&self) -> Option<f64> {
        if !self.report.predicts_value {
            return None;
        }
        Some(
            self.by_customer
                .values()
                .map(|p| p.expected_purchases_90d * p.expected_order_value.unwrap_or(0.0))
                .sum(),
        )
    }
}

/// Where the searches start: an earlier fit's parameters, or lifetimes' starting point.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Start {
    pub purchases: Option<bgnbd::Params>,
    pub spend: Option<gamma_gamma::Params>,
}

impl Predictions {
    /// This fit's parameters, to start the next one from.
    pub fn start(&self) -> Start {
        Start {
            purchases: self.report.purchases.as_ref().filter(|m| m.converged).map(|m| bgnbd::Params {
                r: m.r,
                alpha: m.alpha,
                a: m.a,
                b: m.b,
            }),
            spend: self.report.spend.as_ref().filter(|m| m.converged).map(|m| gamma_gamma::Params {
                p: m.p,
                q: m.q,
                gamma: m.gamma,
            }),
        }
    }
}

/// Fits both models on `inputs` and predicts for each customer.
pub fn predict(inputs: &[Input], as_of: &str, currency: &str, monthly_discount_percent: f64) -> Predictions {
    predict_from(inputs, as_of, currency, monthly_discount_percent, Start::default())
}

/// [`predict`] with the searches started at `start`. The fits end where their gradients are flat
/// whatever the start, so the predictions agree to the fit's precision; after one write, starting
/// from the last fit saves most of the steps.
pub fn predict_from(
    inputs: &[Input],
    as_of: &str,
    currency: &str,
    monthly_discount_percent: f64,
    start: Start,
) -> Predictions {
    let customers = inputs.len() as i64;
    let repeat_customers = inputs.iter().filter(|i| i.frequency > 0).count() as i64;
    let mut report = ModelReport {
        as_of: as_of.to_owned(),
        currency: currency.to_owned(),
        time_unit: "days".to_owned(),
        customers,
        repeat_customers,
        monthly_discount_percent,
        purchases: None,
        spend: None,
        predicts_purchases: false,
        predicts_value: false,
        problems: Vec::new(),
    };
    if repeat_customers < MIN_REPEAT_CUSTOMERS || customers < MIN_CUSTOMERS {
        report.problems.push(format!(
            "Predictions need at least {MIN_CUSTOMERS} customers of whom {MIN_REPEAT_CUSTOMERS} bought on two \
             different days; so far there {} {}, {} of whom bought again.",
            if customers == 1 { "is" } else { "are" },
            plural(customers, "customer", "customers"),
            repeat_customers,
        ));
        return Predictions { report, by_customer: HashMap::new() };
    }
    let model_customers: Vec<Customer> = inputs.iter().map(customer).collect();
    let bg = bgnbd::fit_from(&model_customers, start.purchases);
    report.purchases = Some(PurchaseModel {
        r: bg.params.r,
        alpha: bg.params.alpha,
        a: bg.params.a,
        b: bg.params.b,
        log_likelihood: bg.log_likelihood,
        converged: bg.converged,
        iterations: bg.iterations as u32,
        customers,
    });
    report.predicts_purchases = bg.converged;
    if !bg.converged {
        report.problems.push(format!(
            "The purchase model did not settle on these customers (after {} steps), so nothing is \
             predicted rather than something unreliable.",
            bg.iterations
        ));
        return Predictions { report, by_customer: HashMap::new() };
    }
    let spenders: Vec<Spender> = inputs
        .iter()
        .map(|i| Spender { frequency: i.frequency as f64, mean_value: i.monetary_value })
        .collect();
    let spending = spenders.iter().filter(|s| s.frequency > 0.0 && s.mean_value > 0.0).count() as i64;
    let gg = (spending >= MIN_REPEAT_CUSTOMERS).then(|| gamma_gamma::fit_from(&spenders, start.spend));
    match &gg {
        None => report.problems.push(format!(
            "Order values need at least {MIN_REPEAT_CUSTOMERS} customers who bought again for more than \
             nothing; so far {spending}."
        )),
        Some(fit) => {
            report.spend = Some(SpendModel {
                p: fit.params.p,
                q: fit.params.q,
                gamma: fit.params.gamma,
                log_likelihood: fit.log_likelihood,
                converged: fit.converged,
                iterations: fit.iterations as u32,
                customers: spending,
                population_mean: gamma_gamma::population_mean(&fit.params),
            });
            if !fit.converged {
                report.problems.push(format!(
                    "The order value model did not settle on these customers (after {} steps), so no \
                     values are predicted.",
                    fit.iterations
                ));
            } else if fit.params.q <= 1.0 {
                report.problems.push(format!(
                    "Order values differ so much from customer to customer that there is no typical \
                     value to lean on (the model's q is {:.2}, at most 1), so no values are predicted.",
                    fit.params.q
                ));
            } else {
                report.predicts_value = true;
            }
        }
    }
    let spend = gg.filter(|_| report.predicts_value).map(|f| f.params);
    let discount = monthly_discount_percent / 100.0;
    // The horizons: 90 days, then each month's end for the 12-month value. What a customer is
    // expected to buy if still active depends only on their frequency and age, which many share.
    let horizons: Vec<f64> = std::iter::once(PURCHASE_HORIZON_DAYS)
        .chain((1..=VALUE_MONTHS).map(|i| f64::from(i) * DAYS_PER_MONTH))
        .collect();
    let mut if_alive: HashMap<(i64, i64), Option<Vec<f64>>> = HashMap::new();
    let mut by_customer = HashMap::with_capacity(inputs.len());
    for (input, c) in inputs.iter().zip(&model_customers) {
        let alike = if_alive
            .entry((input.frequency, input.t_days))
            .or_insert_with(|| bgnbd::purchases_if_alive(&bg.params, c.frequency, c.t_age, &horizons));
        let Some(alike) = alike.as_deref() else {
            // No finite expectation for this customer: said once, and no prediction for them.
            if !report.problems.iter().any(|p| p.starts_with("Some customers")) {
                report.problems.push(
                    "Some customers' expected purchases have no finite value under the fitted model; \
                     they are shown without predictions."
                        .to_owned(),
                );
            }
            continue;
        };
        let share = bgnbd::alive_share(&bg.params, c);
        let order_value =
            spend.and_then(|s| gamma_gamma::expected_order_value(&s, c.frequency, input.monetary_value));
        let value = order_value.map(|v| clv::discounted(&alike[1..], share, v, discount));
        by_customer.insert(
            input.contact_id,
            Prediction {
                p_alive: bgnbd::p_alive(&bg.params, c),
                expected_purchases_90d: alike[0] * share,
                expected_order_value: order_value,
                clv_12m: value,
            },
        );
    }
    Predictions { report, by_customer }
}

fn customer(i: &Input) -> Customer {
    Customer { frequency: i.frequency as f64, recency: i.recency_days as f64, t_age: i.t_days as f64 }
}
