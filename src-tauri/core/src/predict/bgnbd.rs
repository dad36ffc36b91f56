//! The BG/NBD model at given parameters: each customer's log-likelihood, the chance they are still
//! active, and the purchases they are expected to make in the next `t`. Formulas from Fader, Hardie
//! & Lee (2005), written as the Python package `lifetimes` 0.11.3 evaluates them (its
//! `BetaGeoFitter`), which `tests/predict.rs` checks against.

use super::optimise::maximise;
use super::special::{digamma, ln_gamma, ln_hyp2f1_many};

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
/// where the model gives no finite answer (a = 1, or a series that does not settle).
pub fn expected_purchases(p: &Params, c: &Customer, t: f64) -> Option<f64> {
    Some(purchases_if_alive(p, c.frequency, c.t_age, &[t])?[0] * alive_share(p, c))
}

/// Equation 10 without its last factor, for each horizon in `ts`: what a customer with
/// `frequency` repeat purchases and age `t_age` is expected to buy if still active. It depends on
/// neither recency nor anything else, so customers alike share it.
pub fn purchases_if_alive(p: &Params, frequency: f64, t_age: f64, ts: &[f64]) -> Option<Vec<f64>> {
    let x = frequency;
    let (ha, hb, hc) = (p.r + x, p.b + x, p.a + p.b + x - 1.0);
    let zs: Vec<f64> = ts.iter().map(|t| t / (p.alpha + t_age + t)).collect();
    let ln_hyps = ln_hyp2f1_many(ha, hb, hc, &zs)?;
    let first = (p.a + p.b + x - 1.0) / (p.a - 1.0);
    let out: Vec<f64> = ts
        .iter()
        .zip(ln_hyps)
        .map(|(t, ln_hyp)| {
            first * (1.0 - (ln_hyp + (p.r + x) * ((p.alpha + t_age) / (p.alpha + t + t_age)).ln()).exp())
        })
        .collect();
    out.iter().all(|e| e.is_finite()).then_some(out)
}

/// Equation 10's last factor, 1 / (1 + δ(x > 0) a/(b + x − 1) ((α + T)/(α + tₓ))^(r + x)).
pub fn alive_share(p: &Params, c: &Customer) -> f64 {
    let Customer { frequency: x, recency: tx, t_age: big_t } = *c;
    let alive_odds = if x > 0.0 {
        (p.a / (p.b + x - 1.0)) * ((p.alpha + big_t) / (p.alpha + tx)).powf(p.r + x)
    } else {
        0.0
    };
    1.0 / (1.0 + alive_odds)
}

/// A fitted BG/NBD model.
pub type Fit = super::Fit<Params>;

/// Customers who share a number of repeat purchases, with what the likelihood needs of each.
struct SameFrequency {
    x: f64,
    /// (recency, T, how many customers) after scaling.
    rows: Vec<(f64, f64, f64)>,
}

/// Fits r, α, a and b by maximum likelihood. Time is first scaled so the oldest customer is 10
/// units old (as lifetimes does; it evens out the parameters' sizes), and α scaled back after.
/// Customers with the same history are counted once with a weight; the terms that depend only on
/// the number of repeat purchases are worked out once per number.
pub fn fit(customers: &[Customer]) -> Fit {
    fit_from(customers, None)
}

/// [`fit`] starting the search at `start` (an earlier fit's parameters, say: after one new purchase
/// the top is close by) instead of lifetimes' starting point. It ends where the gradient is flat,
/// wherever it starts.
pub fn fit_from(customers: &[Customer], start: Option<Params>) -> Fit {
    let oldest = customers.iter().fold(0.0f64, |m, c| m.max(c.t_age));
    let scale = if oldest > 0.0 { 10.0 / oldest } else { 1.0 };
    let mut sorted: Vec<(f64, f64, f64)> =
        customers.iter().map(|c| (c.frequency, c.recency * scale, c.t_age * scale)).collect();
    sorted.sort_by(|p, q| p.partial_cmp(q).unwrap_or(std::cmp::Ordering::Equal));
    let mut groups: Vec<SameFrequency> = Vec::new();
    for (x, tx, t) in sorted {
        match groups.last_mut() {
            Some(g) if g.x == x => match g.rows.last_mut() {
                Some(last) if last.0 == tx && last.1 == t => last.2 += 1.0,
                _ => g.rows.push((tx, t, 1.0)),
            },
            _ => groups.push(SameFrequency { x, rows: vec![(tx, t, 1.0)] }),
        }
    }
    let n = customers.len().max(1) as f64;
    let objective = |lp: &[f64; 4]| {
        let (value, grad) = mean_log_likelihood(lp, &groups, n);
        (value.is_finite() && grad.iter().all(|v| v.is_finite())).then_some((value, grad))
    };
    let from = start
        .filter(|s| [s.r, s.alpha, s.a, s.b].iter().all(|v| v.is_finite() && *v > 0.0))
        .map_or([0.1; 4], |s| [s.r.ln(), (s.alpha * scale).ln(), s.a.ln(), s.b.ln()]);
    let out = maximise(objective, from);
    let [r, alpha, a, b] = out.log_params.map(f64::exp);
    let params = Params { r, alpha: alpha / scale, a, b };
    let log_likelihood = customers.iter().map(|c| log_likelihood(&params, c)).sum();
    Fit { params, log_likelihood, converged: out.converged, iterations: out.iterations }
}

/// The mean log-likelihood per customer and its gradient with respect to ln r, ln α, ln a, ln b.
fn mean_log_likelihood(lp: &[f64; 4], groups: &[SameFrequency], n: f64) -> (f64, [f64; 4]) {
    let [r, alpha, a, b] = lp.map(f64::exp);
    let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
    let (mut total, mut g) = (0.0, [0.0; 4]);
    let (lg_r, lg_ab, lg_b) = (ln_gamma(r), ln_gamma(a + b), ln_gamma(b));
    let (dg_r, dg_ab, dg_b) = (digamma(r), digamma(a + b), digamma(b));
    for group in groups {
        let x = group.x;
        // The parts of A1 + A2 (FHL 2005's appendix) that depend only on x.
        let constant =
            ln_gamma(r + x) - lg_r + r * ln_alpha + lg_ab + ln_gamma(b + x) - lg_b - ln_gamma(a + b + x);
        let d_r0 = digamma(r + x) - dg_r + ln_alpha;
        let d_a0 = dg_ab - digamma(a + b + x);
        let d_b0 = dg_ab + digamma(b + x) - dg_b - digamma(a + b + x);
        let a4_constant = if x > 0.0 { ln_a - (b + x - 1.0).ln() } else { f64::NEG_INFINITY };
        for &(tx, t, weight) in &group.rows {
            let (ln_t, ln_tx) = ((alpha + t).ln(), (alpha + tx).ln());
            let a3 = -(r + x) * ln_t;
            let (ll, w4) = if x > 0.0 {
                let a4 = a4_constant - (r + x) * ln_tx;
                let m = a3.max(a4);
                let (e3, e4) = ((a3 - m).exp(), (a4 - m).exp());
                (m + (e3 + e4).ln(), e4 / (e3 + e4))
            } else {
                (a3, 0.0)
            };
            let w3 = 1.0 - w4;
            total += weight * (constant + ll);
            g[0] += weight * (d_r0 - w3 * ln_t - w4 * ln_tx);
            g[1] += weight * (r / alpha - (r + x) * (w3 / (alpha + t) + w4 / (alpha + tx)));
            g[2] += weight * (d_a0 + w4 / a);
            g[3] += weight * (d_b0 - if x > 0.0 { w4 / (b + x - 1.0) } else { 0.0 });
        }
    }
    // With respect to the logarithms: d/d ln θ = θ d/dθ.
    let grad = [g[0] * r / n, g[1] * alpha / n, g[2] * a / n, g[3] * b / n];
    (total / n, grad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gradient_is_the_likelihood_s_slope() {
        let customers = [
            Customer { frequency: 0.0, recency: 0.0, t_age: 7.0 },
            Customer { frequency: 3.0, recency: 5.5, t_age: 9.0 },
            Customer { frequency: 1.0, recency: 1.0, t_age: 10.0 },
        ];
        let groups: Vec<SameFrequency> = customers
            .iter()
            .map(|c| SameFrequency { x: c.frequency, rows: vec![(c.recency, c.t_age, 1.0)] })
            .collect();
        let at = [0.3f64.ln(), 2.0f64.ln(), 0.8f64.ln(), 2.5f64.ln()];
        let (value, _) = mean_log_likelihood(&at, &groups, 3.0);
        let p = Params { r: 0.3, alpha: 2.0, a: 0.8, b: 2.5 };
        let direct: f64 = customers.iter().map(|c| log_likelihood(&p, c)).sum::<f64>() / 3.0;
        assert!((value - direct).abs() < 1e-13);
        super::super::optimise::assert_gradient(|lp| mean_log_likelihood(lp, &groups, 3.0), at, 1e-8);
    }
}
