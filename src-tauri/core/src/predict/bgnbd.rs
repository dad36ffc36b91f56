//! The BG/NBD model at given parameters: each customer's log-likelihood, the chance they are still
//! active, and the purchases they are expected to make in the next `t`. Formulas from Fader, Hardie
//! & Lee (2005), written as the Python package `lifetimes` 0.11.3 evaluates them (its
//! `BetaGeoFitter`), which `tests/predict.rs` checks against.

use super::special::{ln_gamma, ln_hyp2f1};

/// The model's four parameters: purchases while alive follow a Poisson process whose rate is
/// gamma-distributed across customers (shape `r`, scale `alpha`, in the time unit of the customer
/// summaries); after each purchase a customer drops out with a probability that is beta-distributed
/// (`a`, `b`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub r: f64,
    pub alpha: f64,
    pub a: f64,
    pub b: f64,
}

/// One customer as the model sees them (see the module `predict`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Customer {
    /// Repeat purchase days: purchase days − 1.
    pub frequency: f64,
    /// Age at the last purchase day, from the first.
    pub recency: f64,
    /// Age at the day of the figures, from the first purchase day (the papers' T).
    pub t_age: f64,
}

/// The log of the likelihood of one customer's history (FHL 2005, equation 6), summed in logs
/// with the larger of its two terms taken out, so no exponential underflows.
pub fn log_likelihood(p: &Params, c: &Customer) -> f64 {
    let Customer { frequency: x, recency: tx, t_age: t } = *c;
    let a1 = ln_gamma(p.r + x) - ln_gamma(p.r) + p.r * p.alpha.ln();
    let a2 = ln_gamma(p.a + p.b) + ln_gamma(p.b + x) - ln_gamma(p.b) - ln_gamma(p.a + p.b + x);
    let a3 = -(p.r + x) * (p.alpha + t).ln();
    if x <= 0.0 {
        return a1 + a2 + a3;
    }
    let a4 = p.a.ln() - (p.b + x - 1.0).ln() - (p.r + x) * (tx + p.alpha).ln();
    let m = a3.max(a4);
    a1 + a2 + m + ((a3 - m).exp() + (a4 - m).exp()).ln()
}

/// The chance the customer is still active at the day of the figures. One who has not bought again
/// has had no chance to drop out: 1.
pub fn p_alive(p: &Params, c: &Customer) -> f64 {
    let Customer { frequency: x, recency: tx, t_age: t } = *c;
    if x <= 0.0 {
        return 1.0;
    }
    let log_div = (p.r + x) * ((p.alpha + t) / (p.alpha + tx)).ln() + (p.a / (p.b + x - 1.0)).ln();
    1.0 / (1.0 + log_div.exp())
}

/// The purchases the customer is expected to make in the next `t` (FHL 2005, equation 10); `None`
/// where the model gives no finite answer (a ≤ 1 makes the first factor meaningless, and a series
/// that does not settle).
pub fn expected_purchases(p: &Params, c: &Customer, t: f64) -> Option<f64> {
    let Customer { frequency: x, recency: tx, t_age: big_t } = *c;
    let (ha, hb, hc) = (p.r + x, p.b + x, p.a + p.b + x - 1.0);
    let z = t / (p.alpha + big_t + t);
    let ln_hyp = ln_hyp2f1(ha, hb, hc, z)?;
    let first = (p.a + p.b + x - 1.0) / (p.a - 1.0);
    let second = 1.0 - (ln_hyp + (p.r + x) * ((p.alpha + big_t) / (p.alpha + t + big_t)).ln()).exp();
    let alive_odds = if x > 0.0 {
        (p.a / (p.b + x - 1.0)) * ((p.alpha + big_t) / (p.alpha + tx)).powf(p.r + x)
    } else {
        0.0
    };
    let e = first * second / (1.0 + alive_odds);
    e.is_finite().then_some(e)
}
