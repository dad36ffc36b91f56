//! The arithmetic every figure shares, defined once: rates, median and percentiles.

/// `part / whole` as a fraction (0.25 = 25 %), or `None` when there is nothing to divide by, so an
/// empty period shows "—" rather than 0 %.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The `p`-th percentile (0–100) of `values` by linear interpolation between the two nearest
/// ranks (numpy's default, Excel's PERCENTILE.INC). `None` for no values.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() || !(0.0..=100.0).contains(&p) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let pos = p / 100.0 * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

pub fn median(values: &[f64]) -> Option<f64> {
    percentile(values, 50.0)
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_of_the_classic_funnel() {
        // 1,000 prospects -> 25 qualified -> 5 buyers -> 2 repeat buyers.
        assert_eq!(rate(25, 1000), Some(0.025));
        assert_eq!(rate(5, 25), Some(0.2));
        assert_eq!(rate(2, 5), Some(0.4));
        assert_eq!(rate(3, 0), None);
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        // Sorted 1,2,3,4: median sits halfway between 2 and 3; p90 at rank 2.7 -> 3 + 0.7 * 1.
        let v = [4.0, 1.0, 3.0, 2.0];
        assert_eq!(median(&v), Some(2.5));
        assert!((percentile(&v, 90.0).unwrap() - 3.7).abs() < 1e-12);
        assert_eq!(percentile(&v, 0.0), Some(1.0));
        assert_eq!(percentile(&v, 100.0), Some(4.0));
        assert_eq!(median(&[7.0]), Some(7.0));
        assert_eq!(median(&[]), None);
        assert_eq!(mean(&[1.0, 2.0, 6.0]), Some(3.0));
    }
}
