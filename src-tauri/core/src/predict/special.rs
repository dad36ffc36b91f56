//! The special functions the models need. The log-gamma function comes from `libm` (the Rust
//! project's port of musl's maths library); the Gaussian hypergeometric function is summed here
//! from its series, which is all the models ask of it (0 ≤ z < 1, positive parameters).

/// ln Γ(x) for x > 0.
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x lifts x to 10 or more,
/// where the asymptotic series (to x⁻¹²) is good to about 1e-16 relative.
pub fn digamma(x: f64) -> f64 {
    let (mut x, mut shift) = (x, 0.0);
    while x < 10.0 {
        shift -= 1.0 / x;
        x += 1.0;
    }
    let inv2 = 1.0 / (x * x);
    let tail = inv2
        * (1.0 / 12.0
            - inv2
                * (1.0 / 120.0
                    - inv2
                        * (1.0 / 252.0
                            - inv2 * (1.0 / 240.0 - inv2 * (1.0 / 132.0 - inv2 * 691.0 / 32760.0)))));
    shift + x.ln() - 0.5 / x - tail
}

/// ln ₂F₁(a, b; c; z) for 0 ≤ z < 1 and a, b, c > 0 (see [`ln_hyp2f1_many`]); `None` when a
/// series takes more than a million terms (z within about 1e-5 of 1).
#[cfg(test)]
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    Some(ln_hyp2f1_many(a, b, c, &[z])?[0])
}

/// ln ₂F₁(a, b; c; zⱼ) for several zⱼ at once (0 ≤ zⱼ < 1, a, b, c > 0), summed by Euler's
/// transformation ₂F₁(a, b; c; z) = (1 − z)^(c − a − b) ₂F₁(c − a, c − b; c; z): for the models'
/// parameters its terms shrink at least as fast as zᵏ, and much faster when c is large (a frequent
/// buyer's), where the plain series first grows for hundreds of terms (on the Large shop it sums
/// the predictions in 6 million terms instead of 14). The transformed terms may differ in sign;
/// where they cancel to lose more than six digits the plain series is summed instead.
/// Coefficients are shared across the z of each way.
pub fn ln_hyp2f1_many(a: f64, b: f64, c: f64, zs: &[f64]) -> Option<Vec<f64>> {
    if zs.iter().any(|z| !(0.0..1.0).contains(z)) || a <= 0.0 || b <= 0.0 || c <= 0.0 {
        return None;
    }
    let mut out = vec![f64::NAN; zs.len()];
    let (near, far): (Vec<usize>, Vec<usize>) = (0..zs.len()).partition(|&j| zs[j] == 0.0);
    let mut plain = near;
    if !far.is_empty() {
        let far_z: Vec<f64> = far.iter().map(|&j| zs[j]).collect();
        let sums = series_many(c - a, c - b, c, &far_z)?;
        for (&j, (sum, largest)) in far.iter().zip(sums) {
            if sum.0 > 0.0 && largest <= 1e6 * sum.0 {
                out[j] = (c - a - b) * (-zs[j]).ln_1p() + sum.0.ln() + sum.1;
            } else {
                plain.push(j);
            }
        }
    }
    if !plain.is_empty() {
        let plain_z: Vec<f64> = plain.iter().map(|&j| zs[j]).collect();
        for (&j, ((sum, scale), _)) in plain.iter().zip(series_many(a, b, c, &plain_z)?) {
            out[j] = sum.ln() + scale;
        }
    }
    Some(out)
}

/// The series Σ (a)ₖ(b)ₖ/((c)ₖ k!) zᵏ for each z, summed until a term no longer changes the sum:
/// per z the sum as (value, ln of its scale) and the largest term's size relative to that scale
/// (how much cancellation there was). Any real a, b; c > 0. `None` after a million terms.
#[allow(clippy::type_complexity)]
fn series_many(a: f64, b: f64, c: f64, zs: &[f64]) -> Option<Vec<((f64, f64), f64)>> {
    let n = zs.len();
    let (mut term, mut sum, mut scale, mut largest) =
        (vec![1.0f64; n], vec![1.0f64; n], vec![0.0f64; n], vec![1.0f64; n]);
    let mut settled = vec![false; n];
    let mut open = n;
    for k in 0..1_000_000u32 {
        if open == 0 {
            return Some((0..n).map(|j| ((sum[j], scale[j]), largest[j])).collect());
        }
        let k = f64::from(k);
        let ratio = (a + k) * (b + k) / ((c + k) * (k + 1.0));
        for j in 0..n {
            if settled[j] {
                continue;
            }
            term[j] *= ratio * zs[j];
            // Terms are kept relative to a scale, so a long growing stretch never overflows.
            if term[j].abs() > 1e200 {
                let by = term[j].abs();
                scale[j] += by.ln();
                sum[j] /= by;
                largest[j] /= by;
                term[j] /= by;
            }
            largest[j] = largest[j].max(term[j].abs());
            let next = sum[j] + term[j];
            if next == sum[j] {
                settled[j] = true;
                open -= 1;
            } else {
                sum[j] = next;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z.
        for z in [0.0001f64, 0.3, 0.7, 0.99] {
            let want = (-(-z).ln_1p() / z).ln();
            let got = ln_hyp2f1(1.0, 1.0, 2.0, z).unwrap();
            // In logs: an absolute error here is the relative error of ₂F₁ itself.
            assert!((got - want).abs() <= 1e-14, "z {z}: {got} vs {want}");
        }
        // ₂F₁(a, b; b; z) = (1 − z)^(−a).
        let got = ln_hyp2f1(2.5, 3.0, 3.0, 0.6).unwrap();
        assert!((got - (-2.5 * 0.4f64.ln())).abs() < 1e-13);
        assert_eq!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0), None);
        // ψ(1) = −γ (Euler's constant), ψ(1/2) = −γ − 2 ln 2, ψ(x + 1) = ψ(x) + 1/x.
        let euler = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler).abs() < 4e-15);
        assert!((digamma(0.5) + euler + 2.0 * 2f64.ln()).abs() < 1e-14);
        for x in [0.01, 0.3, 2.7, 9.99, 10.0, 55.5, 1e4] {
            let step = digamma(x + 1.0) - digamma(x) - 1.0 / x;
            assert!(step.abs() <= 1e-13 * (1.0 / x).max(1.0), "ψ at {x}: {step:e}");
        }
        // Euler's transformation and the plain series agree, for a one-time buyer's parameters and
        // a frequent buyer's (where the plain series first grows).
        for (a, b, c) in [(0.3, 37.2, 36.5), (50.3, 86.2, 85.5), (2.0, 0.5, 1.5), (0.24, 2.4, 2.2)] {
            for z in [1e-6, 0.1, 0.5, 0.7, 0.9, 0.99] {
                let got = ln_hyp2f1(a, b, c, z).unwrap();
                let ((sum, scale), _) = series_many(a, b, c, &[z]).unwrap()[0];
                let plain = sum.ln() + scale;
                assert!(
                    (got - plain).abs() <= 1e-12 * plain.abs().max(1.0),
                    "({a}, {b}, {c}; {z}): {got} vs {plain}"
                );
            }
        }
        let many = ln_hyp2f1_many(0.3, 37.2, 36.5, &[0.0, 0.2, 0.9]).unwrap();
        assert_eq!(
            many,
            [0.0, ln_hyp2f1(0.3, 37.2, 36.5, 0.2).unwrap(), ln_hyp2f1(0.3, 37.2, 36.5, 0.9).unwrap()]
        );
        // Γ(5) = 24, Γ(1/2) = √π.
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-14);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
    }
}
