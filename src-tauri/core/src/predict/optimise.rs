//! The one optimiser the models use: BFGS on a few parameters with a backtracking line search,
//! maximising a mean log-likelihood over the parameters' logarithms (so every parameter stays
//! positive with no bounds). It stops when the gradient is flat, not when the likelihood barely
//! moves: near the top the likelihood changes with the square of the distance, so "almost no
//! change" can leave the parameters several percent off.
//!
//! BFGS gets close fast but, on a likelihood with a long flat ridge (the spend model's p, q and γ
//! trade off against each other), its picture of the curvature can go stale: it then creeps along
//! with steps that change the likelihood by less than its rounding. So once it stops gaining, a few
//! Newton steps with the true curvature (second derivatives by differences of the gradient) finish
//! the job; they aim at a zero gradient directly and need no measurable gain in the likelihood.
//!
//! Written here rather than taken from a crate: the models have three and four parameters and
//! give their own gradients, which is all BFGS needs; the general optimisation crates bring
//! their own traits, solvers and dependencies for a loop of sixty lines.

// Small matrices read best with their indices.
#![allow(clippy::needless_range_loop)]

/// The gradient's largest component (of the mean log-likelihood per customer, with respect to
/// the parameters' logarithms) at which the fit counts as converged.
pub const GRADIENT_TOLERANCE: f64 = 1e-10;
const MAX_ITERATIONS: usize = 1_000;
/// Iterations in a row with no measurable gain after which BFGS hands over to Newton.
const STALL: usize = 3;
const NEWTON_STEPS: usize = 50;

/// What came out of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<const N: usize> {
    /// The parameters' logarithms at the best point found.
    pub log_params: [f64; N],
    /// The objective there.
    pub value: f64,
    /// Whether the gradient was flat there (see `GRADIENT_TOLERANCE`).
    pub converged: bool,
    pub iterations: usize,
}

/// Maximises `f`, which returns the objective and its gradient, or `None` where it is not finite
/// (the line search then steps back).
pub fn maximise<const N: usize>(
    f: impl Fn(&[f64; N]) -> Option<(f64, [f64; N])>,
    start: [f64; N],
) -> Outcome<N> {
    let out = bfgs(&f, start);
    if out.converged || !out.value.is_finite() {
        return out;
    }
    newton(&f, out)
}

fn flat<const N: usize>(g: &[f64; N]) -> bool {
    g.iter().all(|v| v.abs() <= GRADIENT_TOLERANCE)
}

fn largest<const N: usize>(g: &[f64; N]) -> f64 {
    g.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

/// Newton steps from where BFGS stopped, each accepted when it makes the gradient smaller.
fn newton<const N: usize>(f: &impl Fn(&[f64; N]) -> Option<(f64, [f64; N])>, from: Outcome<N>) -> Outcome<N> {
    let Outcome { log_params: mut x, value: mut fx, mut iterations, .. } = from;
    let Some((_, mut g)) = f(&x) else { return from_stop(x, fx, false, iterations) };
    for _ in 0..NEWTON_STEPS {
        if flat(&g) {
            return from_stop(x, fx, true, iterations);
        }
        let Some(hessian) = curvature(f, &x) else { break };
        // Solve H δ = −g; at a maximum H is negative definite, so −H has a Cholesky factor.
        let minus_h: [[f64; N]; N] = std::array::from_fn(|i| std::array::from_fn(|j| -hessian[i][j]));
        let Some(delta) = solve_positive(&minus_h, &g) else { break };
        let mut step = 1.0;
        let mut taken = false;
        for _ in 0..20 {
            let y: [f64; N] = std::array::from_fn(|i| x[i] + step * delta[i]);
            if let Some((fy, gy)) = f(&y) {
                if largest(&gy) < largest(&g) {
                    (x, fx, g) = (y, fy, gy);
                    taken = true;
                    break;
                }
            }
            step *= 0.5;
        }
        iterations += 1;
        if !taken {
            break;
        }
    }
    from_stop(x, fx, flat(&g), iterations)
}

fn from_stop<const N: usize>(
    log_params: [f64; N],
    value: f64,
    converged: bool,
    iterations: usize,
) -> Outcome<N> {
    Outcome { log_params, value, converged, iterations }
}

/// The matrix of second derivatives at `x`, by central differences of the gradient, made symmetric.
fn curvature<const N: usize>(
    f: &impl Fn(&[f64; N]) -> Option<(f64, [f64; N])>,
    x: &[f64; N],
) -> Option<[[f64; N]; N]> {
    let mut h = [[0.0; N]; N];
    for j in 0..N {
        let step = 1e-5 * x[j].abs().max(1.0);
        let (mut up, mut down) = (*x, *x);
        up[j] += step;
        down[j] -= step;
        let (_, gu) = f(&up)?;
        let (_, gd) = f(&down)?;
        for i in 0..N {
            h[i][j] = (gu[i] - gd[i]) / (2.0 * step);
        }
    }
    for i in 0..N {
        for j in 0..i {
            let mean = (h[i][j] + h[j][i]) / 2.0;
            (h[i][j], h[j][i]) = (mean, mean);
        }
    }
    Some(h)
}

/// Solves A z = b for a symmetric positive definite A by Cholesky; `None` when A is not.
fn solve_positive<const N: usize>(a: &[[f64; N]; N], b: &[f64; N]) -> Option<[f64; N]> {
    let mut l = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..=i {
            let sum: f64 = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            if i == j {
                if sum <= 0.0 || !sum.is_finite() {
                    return None;
                }
                l[i][i] = sum.sqrt();
            } else {
                l[i][j] = sum / l[j][j];
            }
        }
    }
    let mut y = [0.0; N];
    for i in 0..N {
        y[i] = (b[i] - (0..i).map(|k| l[i][k] * y[k]).sum::<f64>()) / l[i][i];
    }
    let mut z = [0.0; N];
    for i in (0..N).rev() {
        z[i] = (y[i] - (i + 1..N).map(|k| l[k][i] * z[k]).sum::<f64>()) / l[i][i];
    }
    Some(z)
}

/// BFGS with a backtracking line search, until the gradient is flat or it stops gaining.
fn bfgs<const N: usize>(f: &impl Fn(&[f64; N]) -> Option<(f64, [f64; N])>, start: [f64; N]) -> Outcome<N> {
    let mut x = start;
    let mut stalled = 0;
    let Some((mut fx, mut g)) = f(&x) else {
        return Outcome { log_params: x, value: f64::NEG_INFINITY, converged: false, iterations: 0 };
    };
    // The inverse Hessian of −f, starting from the identity.
    let mut h = [[0.0; N]; N];
    for (i, row) in h.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for iteration in 0..MAX_ITERATIONS {
        if flat(&g) {
            return Outcome { log_params: x, value: fx, converged: true, iterations: iteration };
        }
        if stalled >= STALL {
            return Outcome { log_params: x, value: fx, converged: false, iterations: iteration };
        }
        // Ascent direction d = H g; fall back to the gradient when H has lost its way.
        let mut d = [0.0; N];
        for i in 0..N {
            d[i] = (0..N).map(|j| h[i][j] * g[j]).sum();
        }
        let mut slope: f64 = (0..N).map(|i| d[i] * g[i]).sum();
        if slope.is_nan() || slope <= 0.0 {
            reset(&mut h);
            d = g;
            slope = (0..N).map(|i| g[i] * g[i]).sum();
        }
        // A step of at most 1 in any log-parameter (a factor of e) per iteration.
        let longest = d.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let mut step = if longest > 1.0 { 1.0 / longest } else { 1.0 };
        let mut next = None;
        for _ in 0..60 {
            let mut y = x;
            for i in 0..N {
                y[i] += step * d[i];
            }
            if let Some((fy, gy)) = f(&y) {
                if fy >= fx + 1e-4 * step * slope {
                    next = Some((y, fy, gy));
                    break;
                }
            }
            step *= 0.5;
        }
        let Some((y, fy, gy)) = next else {
            // No step up along d: at the top to the precision the objective allows, unless the
            // gradient says otherwise.
            if d != g {
                reset(&mut h);
                continue;
            }
            return Outcome { log_params: x, value: fx, converged: false, iterations: iteration };
        };
        // BFGS update of the inverse Hessian of −f with s = y − x and u = −(gy − g).
        let s: [f64; N] = std::array::from_fn(|i| y[i] - x[i]);
        let u: [f64; N] = std::array::from_fn(|i| g[i] - gy[i]);
        let su: f64 = (0..N).map(|i| s[i] * u[i]).sum();
        if su > 1e-300 {
            let hu: [f64; N] = std::array::from_fn(|i| (0..N).map(|j| h[i][j] * u[j]).sum());
            let uhu: f64 = (0..N).map(|i| u[i] * hu[i]).sum();
            for i in 0..N {
                for j in 0..N {
                    h[i][j] += ((su + uhu) * s[i] * s[j]) / (su * su) - (hu[i] * s[j] + s[i] * hu[j]) / su;
                }
            }
        }
        stalled = if fy - fx <= 1e-14 * fx.abs() { stalled + 1 } else { 0 };
        (x, fx, g) = (y, fy, gy);
    }
    let converged = flat(&g);
    Outcome { log_params: x, value: fx, converged, iterations: MAX_ITERATIONS }
}

/// Checks a gradient against central differences of the value, component by component (the
/// models' tests use it on their likelihoods).
#[cfg(test)]
pub(crate) fn assert_gradient<const N: usize>(
    f: impl Fn(&[f64; N]) -> (f64, [f64; N]),
    at: [f64; N],
    tolerance: f64,
) {
    let (_, grad) = f(&at);
    for i in 0..N {
        let h = 1e-6;
        let (mut up, mut down) = (at, at);
        up[i] += h;
        down[i] -= h;
        let slope = (f(&up).0 - f(&down).0) / (2.0 * h);
        assert!((slope - grad[i]).abs() < tolerance, "parameter {i}: {slope} against {}", grad[i]);
    }
}

fn reset<const N: usize>(h: &mut [[f64; N]; N]) {
    for (i, row) in h.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = if i == j { 1.0 } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_top_of_a_narrow_valley_to_the_tolerance() {
        // Rosenbrock's valley, turned upside down: the top is at (1, 1).
        let f = |p: &[f64; 2]| {
            let (x, y) = (p[0], p[1]);
            let v = -((1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2));
            let gx = 2.0 * (1.0 - x) + 400.0 * x * (y - x * x);
            let gy = -200.0 * (y - x * x);
            Some((v, [gx, gy]))
        };
        let out = maximise(f, [-1.2, 1.0]);
        assert!(out.converged, "{out:?}");
        assert!((out.log_params[0] - 1.0).abs() < 1e-9 && (out.log_params[1] - 1.0).abs() < 1e-9, "{out:?}");
    }

    #[test]
    fn says_so_when_there_is_no_top() {
        // Rises for ever: no gradient ever goes flat.
        let out = maximise(|p: &[f64; 1]| Some((p[0], [1.0])), [0.0]);
        assert!(!out.converged);
    }
}
