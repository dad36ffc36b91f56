//! The BG/NBD formulas at given parameters against the Python package `lifetimes` 0.11.3, to
//! 1e-9 relative. How the expected values were produced (Python 3.11, lifetimes 0.11.3, numpy,
//! scipy 1.x):
//!
//! ```python
//! from lifetimes import BetaGeoFitter
//! from lifetimes.datasets import load_cdnow_summary   # the CDNOW sample, 2,357 customers, weeks
//! df = load_cdnow_summary(index_col=[0])
//! rows = df.iloc[[0, 1, 2, 5, 17, 100, 1000, 2356]]   # plus three made-up customers below
//! params = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)  # FHL 2005's published estimates
//! bgf = BetaGeoFitter(); bgf.params_ = pd.Series(params)
//! logp = np.log([0.243, 4.414, 0.793, 2.426])
//! ll = -BetaGeoFitter._negative_log_likelihood(logp, [x], [t_x], [T], [1.0], 0.0)
//! bgf.conditional_probability_alive(x, t_x, T)
//! bgf.conditional_expected_number_of_purchases_up_to_time(t, x, t_x, T)   # t = 10, 39, 200
//! ```
//!
//! The customers: the CDNOW sample's rows 0, 1, 2, 5, 17, 100, 1000 and 2356 (x, t_x, T), then a
//! customer with no repeat half a week in (the series' z near 0.98 at t = 200), one who bought in
//! every week, and one with three repeats in two weeks.

use flywheel_core::predict::bgnbd::{self, Customer, Params};

/// frequency, recency, T, log-likelihood, P(alive), E[purchases] in the next 10, 39, 200 weeks.
type Row = (f64, f64, f64, f64, f64, f64, f64, f64);

const LIFETIMES: &[Row] = &[
    (
        2.0,
        30.43,
        38.86,
        -9.45860630706627,
        0.726578570080673,
        0.3569733602656501,
        1.226028174767135,
        4.185927065957676,
    ),
    (
        1.0,
        1.71,
        38.86,
        -4.469093275032588,
        0.2121009853773791,
        0.05818583967862392,
        0.20318698707975183,
        0.7244339329723768,
    ),
    (0.0, 0.0, 38.86, -0.5547132764381585, 1.0, 0.05429984838044943, 0.19509805201125396, 0.7559129066405761),
    (
        7.0,
        29.43,
        38.86,
        -21.86327627146352,
        0.6417563459461072,
        1.0027225865863933,
        3.3370532748513577,
        10.614568461200843,
    ),
    (
        1.0,
        4.86,
        38.86,
        -4.851124288684435,
        0.3107825653963674,
        0.0852572395780726,
        0.2977212622914035,
        1.0614822734027098,
    ),
    (
        5.0,
        36.14,
        38.14,
        -17.833284979331495,
        0.8629356078637427,
        0.9953029222244971,
        3.331236208075295,
        10.725281449075228,
    ),
    (0.0, 0.0, 33.57, -0.5230292416740292, 1.0, 0.06158960997845938, 0.219295115688186, 0.8322208427392035),
    (0.0, 0.0, 27.0, -0.4768807799774698, 1.0, 0.07391995113150766, 0.2593953814922083, 0.9541333682759618),
    (0.0, 0.0, 0.5, -0.026075592802259517, 1.0, 0.3957258456104265, 1.1126087658981536, 2.9730892308205528),
    (
        14.0,
        38.86,
        39.0,
        -32.96930834749478,
        0.9489224442449163,
        2.888506976042499,
        9.501024673918646,
        29.543637988804992,
    ),
    (
        3.0,
        1.5,
        2.0,
        -6.501908521753171,
        0.8109544987910331,
        3.0292932218624373,
        7.655314130131152,
        17.378000710099222,
    ),
];

const CDNOW: Params = Params { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

fn close(what: &str, got: f64, want: f64) {
    let rel = (got - want).abs() / want.abs().max(f64::MIN_POSITIVE);
    assert!(rel <= 1e-9, "{what}: {got} against lifetimes' {want} (relative {rel:e})");
}

#[test]
fn the_formulas_at_given_parameters_match_lifetimes() {
    for &(x, tx, t, ll, alive, e10, e39, e200) in LIFETIMES {
        let c = Customer { frequency: x, recency: tx, t_age: t };
        let who = format!("customer ({x}, {tx}, {t})");
        close(&format!("{who} log-likelihood"), bgnbd::log_likelihood(&CDNOW, &c), ll);
        close(&format!("{who} P(alive)"), bgnbd::p_alive(&CDNOW, &c), alive);
        for (weeks, want) in [(10.0, e10), (39.0, e39), (200.0, e200)] {
            let got = bgnbd::expected_purchases(&CDNOW, &c, weeks).expect("a finite expectation");
            close(&format!("{who} purchases in {weeks} weeks"), got, want);
        }
    }
}
