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

/// The median of values given as (value, how many times it occurs), ascending by value: the same
/// as [`median`] of the values written out, without writing them out.
pub fn median_of_counts(counts: &[(i64, i64)]) -> Option<f64> {
    let n: i64 = counts.iter().map(|(_, k)| k).sum();
    if n <= 0 {
        return None;
    }
    // The values at the 0-based ranks (n − 1) / 2 and n / 2, averaged (equal when n is odd).
    let at = |rank: i64| {
        let mut seen = 0;
        counts.iter().find(|(_, k)| {
            seen += k;
            seen > rank
        })
    };
    let (lo, hi) = (at((n - 1) / 2)?.0 as f64, at(n / 2)?.0 as f64);
    Some(lo + (hi - lo) * 0.5)
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_counts_is_the_median_of_the_values_written_out() {
        let cases: &[&[(i64, i64)]] =
            &[&[(3, 1)], &[(1, 1), (9, 1)], &[(1, 2), (4, 1), (30, 3)], &[(2, 5), (7, 5)], &[(0, 1), (5, 2)]];
        for counts in cases {
            let written: Vec<f64> =
                counts.iter().flat_map(|(v, k)| std::iter::repeat_n(*v as f64, *k as usize)).collect();
            assert_eq!(median_of_counts(counts), median(&written), "{counts:?}");
        }
        assert_eq!(median_of_counts(&[]), None);
        // Worked by hand: 1, 1, 4, 30, 30, 30 → (4 + 30) / 2 = 17.
        assert_eq!(median_of_counts(&[(1, 2), (4, 1), (30, 3)]), Some(17.0));
    }

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
