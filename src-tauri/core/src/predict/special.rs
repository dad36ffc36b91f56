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

/// ln ₂F₁(a, b; c; z) for 0 ≤ z < 1 and a, b, c > 0, from the series Σ (a)ₖ(b)ₖ/((c)ₖ k!) zᵏ,
/// whose terms are then all positive, so the sum loses nothing to cancellation. The series
/// converges like zᵏ; it is summed until a term no longer changes the sum, or `None` when that
/// takes more than a million terms (z within about 1e-5 of 1).
pub fn ln_hyp2f1(a: f64, b: f64, c: f64, z: f64) -> Option<f64> {
    if !(0.0..1.0).contains(&z) || a <= 0.0 || b <= 0.0 || c <= 0.0 {
        return None;
    }
    // Terms are kept relative to the largest so far, so a long sum never overflows.
    let (mut term, mut sum, mut scale) = (1.0f64, 1.0f64, 0.0f64);
    for k in 0..1_000_000u32 {
        let k = f64::from(k);
        term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
        if term > 1e200 {
            scale += term.ln();
            sum /= term;
            term = 1.0;
        }
        let next = sum + term;
        if next == sum {
            return Some(sum.ln() + scale);
        }
        sum = next;
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
        // Γ(5) = 24, Γ(1/2) = √π.
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-14);
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
    }
}
