//! The Gamma-Gamma model of order values (Fader, Hardie & Lee 2005, "RFM and CLV", JMR 42(4);
//! Fader & Hardie's note 025): a customer's orders vary around their own mean, which varies across
//! customers. Fitted on customers who bought again, on the mean of their repeat orders; a
//! customer's expected order value leans towards their own mean the more orders it rests on, and is
//! the population mean for someone who has bought once.

use super::optimise::maximise;
use super::special::{digamma, ln_gamma};

/// p: the shape of the spread of one customer's orders; q and γ: the shape and scale of the spread
/// of customers' means. The population's mean order value is p γ / (q − 1), finite only for q > 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    pub p: f64,
    pub q: f64,
    pub gamma: f64,
}

/// A repeat customer as the spend model sees them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spender {
    /// Repeat purchase days (at least 1).
    pub frequency: f64,
    /// The mean value of the repeat purchase days (positive).
    pub mean_value: f64,
}

/// The log-likelihood of one repeat customer's mean order value (note 025, equation 1a).
pub fn log_likelihood(p: &Params, s: &Spender) -> f64 {
    let (x, m) = (s.frequency, s.mean_value);
    let px = p.p * x;
    ln_gamma(px + p.q) - ln_gamma(px) - ln_gamma(p.q) + p.q * p.gamma.ln() + (px - 1.0) * m.ln() + px * x.ln()
        - (px + p.q) * (x * m + p.gamma).ln()
}

/// The population's mean order value, or `None` when q ≤ 1 gives it no finite mean.
pub fn population_mean(p: &Params) -> Option<f64> {
    (p.q > 1.0).then(|| p.p * p.gamma / (p.q - 1.0))
}

/// The order value to expect from a customer with `frequency` repeat purchase days whose mean
/// was `mean_value` (ignored at frequency 0): the population mean and the customer's own mean,
/// weighted by p x / (p x + q − 1). `None` when q ≤ 1.
pub fn expected_order_value(p: &Params, frequency: f64, mean_value: f64) -> Option<f64> {
    let population = population_mean(p)?;
    let own = p.p * frequency / (p.p * frequency + p.q - 1.0);
    Some((1.0 - own) * population + own * mean_value)
}

/// A fitted Gamma-Gamma model.
pub type Fit = super::Fit<Params>;

/// Fits p, q and γ by maximum likelihood on repeat customers with a positive mean (the others
/// are left out). Money is first scaled so the customers' means average 1 (γ is in money, so cents
/// and dollars would otherwise start the search at very different distances), and γ scaled back.
pub fn fit(spenders: &[Spender]) -> Fit {
    fit_from(spenders, None)
}

/// [`fit`] starting the search at `start`, as `bgnbd::fit_from`.
pub fn fit_from(spenders: &[Spender], start: Option<Params>) -> Fit {
    let mut used: Vec<Spender> =
        spenders.iter().copied().filter(|s| s.frequency > 0.0 && s.mean_value > 0.0).collect();
    used.sort_by(|s, t| s.frequency.total_cmp(&t.frequency));
    let average = used.iter().map(|s| s.mean_value).sum::<f64>() / used.len().max(1) as f64;
    let scale = if average > 0.0 { 1.0 / average } else { 1.0 };
    // Per customer: x, ln x, m, ln m, grouped by x for the terms that depend on x alone.
    let mut groups: Vec<(f64, Vec<(f64, f64)>)> = Vec::new();
    for s in &used {
        let m = s.mean_value * scale;
        match groups.last_mut() {
            Some((x, rows)) if *x == s.frequency => rows.push((m, m.ln())),
            _ => groups.push((s.frequency, vec![(m, m.ln())])),
        }
    }
    let n = used.len().max(1) as f64;
    let objective = |lp: &[f64; 3]| {
        let (value, grad) = mean_log_likelihood(lp, &groups, n);
        (value.is_finite() && grad.iter().all(|v| v.is_finite())).then_some((value, grad))
    };
    let from = start
        .filter(|s| [s.p, s.q, s.gamma].iter().all(|v| v.is_finite() && *v > 0.0))
        .map_or([0.1; 3], |s| [s.p.ln(), s.q.ln(), (s.gamma * scale).ln()]);
    let out = maximise(objective, from);
    let [p, q, gamma] = out.log_params.map(f64::exp);
    let params = Params { p, q, gamma: gamma / scale };
    let log_likelihood = used.iter().map(|s| log_likelihood(&params, s)).sum();
    Fit { params, log_likelihood, converged: out.converged, iterations: out.iterations }
}

/// The mean log-likelihood and its gradient with respect to ln p, ln q, ln γ.
fn mean_log_likelihood(lp: &[f64; 3], groups: &[(f64, Vec<(f64, f64)>)], n: f64) -> (f64, [f64; 3]) {
    let [p, q, gamma] = lp.map(f64::exp);
    let (lg_q, dg_q, ln_gamma_scale) = (ln_gamma(q), digamma(q), gamma.ln());
    let (mut total, mut g) = (0.0, [0.0; 3]);
    for (x, rows) in groups {
        let (x, px) = (*x, p * x);
        let ln_x = x.ln();
        let constant = ln_gamma(px + q) - ln_gamma(px) - lg_q + q * ln_gamma_scale + px * ln_x;
        let (dg_pxq, dg_px) = (digamma(px + q), digamma(px));
        for &(m, ln_m) in rows {
            let ln_xm = (x * m + gamma).ln();
            total += constant + (px - 1.0) * ln_m - (px + q) * ln_xm;
            g[0] += x * (dg_pxq - dg_px + ln_m + ln_x - ln_xm);
            g[1] += dg_pxq - dg_q + ln_gamma_scale - ln_xm;
            g[2] += q / gamma - (px + q) / (x * m + gamma);
        }
    }
    (total / n, [g[0] * p / n, g[1] * q / n, g[2] * gamma / n])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gradient_is_the_likelihood_s_slope() {
        let groups =
            vec![(1.0, vec![(20.0, 20f64.ln()), (35.5, 35.5f64.ln())]), (4.0, vec![(12.25, 12.25f64.ln())])];
        let at = [6f64.ln(), 3.5f64.ln(), 15f64.ln()];
        let (value, _) = mean_log_likelihood(&at, &groups, 3.0);
        let p = Params { p: 6.0, q: 3.5, gamma: 15.0 };
        let direct = [(1.0, 20.0), (1.0, 35.5), (4.0, 12.25)]
            .iter()
            .map(|&(frequency, mean_value)| log_likelihood(&p, &Spender { frequency, mean_value }))
            .sum::<f64>()
            / 3.0;
        assert!((value - direct).abs() < 1e-12);
        super::super::optimise::assert_gradient(|lp| mean_log_likelihood(lp, &groups, 3.0), at, 1e-7);
    }
}
