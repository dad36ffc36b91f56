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

// ---- The fits on the whole CDNOW sample --------------------------------------------------------
//
// `tests/fixtures/predict/cdnow_summary.csv` is Fader & Hardie's public CDNOW sample (2,357
// customers who first bought in the first quarter of 1997, followed for 39 weeks) summarised in
// weeks: x repeat purchases, t_x recency, T age, zbar the mean value of the repeat purchases in
// dollars. The expected values below were printed by `tests/reference/lifetimes_predict.py`
// (lifetimes 0.11.3, penalizer 0 on both fitters); run it to see them again.

use flywheel_core::predict::clv;
use flywheel_core::predict::gamma_gamma::{self, Spender};

struct Cdnow {
    customers: Vec<Customer>,
    mean_values: Vec<f64>,
}

impl Cdnow {
    /// The spend model's view: repeat purchases and their mean value.
    fn spenders(&self) -> Vec<Spender> {
        self.customers
            .iter()
            .zip(&self.mean_values)
            .map(|(c, &m)| Spender { frequency: c.frequency, mean_value: m })
            .collect()
    }
}

fn cdnow() -> Cdnow {
    let text = include_str!("fixtures/predict/cdnow_summary.csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("ID,x,t_x,T,zbar"));
    let (mut customers, mut mean_values) = (Vec::new(), Vec::new());
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<f64> = line.split(',').skip(1).map(|v| v.parse().expect("a number")).collect();
        customers.push(Customer { frequency: f[0], recency: f[1], t_age: f[2] });
        mean_values.push(f[3]);
    }
    Cdnow { customers, mean_values }
}

fn within(what: &str, got: f64, want: f64, tolerance: f64) {
    let rel = (got - want).abs() / want.abs();
    assert!(
        rel <= tolerance,
        "{what}: {got} against lifetimes' {want} (relative {rel:e}, allowed {tolerance:e})"
    );
}

/// lifetimes' BetaGeoFitter and GammaGammaFitter on the sample.
const LIFETIMES_BG: Params =
    Params { r: 0.242592928279822, alpha: 4.413532265271825, a: 0.7928859664406758, b: 2.4257523826258134 };
const LIFETIMES_BG_LL: f64 = -9582.425560567366;
const LIFETIMES_GG: gamma_gamma::Params =
    gamma_gamma::Params { p: 6.248802496075072, q: 3.744588460923138, gamma: 15.44774806492988 };
const LIFETIMES_GG_LL: f64 = -4055.9232435028675;

/// x, t_x, T, zbar, P(alive), E[purchases in 39 weeks], expected order value, 12-month CLV at a
/// 1 % monthly discount (4.345 weeks a month): rows 0, 1, 2, 5, 17, 100, 1000, 2356, then the
/// most frequent buyer (row 156) and the biggest mean spender (row 1900).
const PREDICTIONS: &[Row] = &[
    (2.0, 30.43, 38.86, 22.35, 0.7266091367990596, 1.2259104241744085, 24.658616189236568, 36.27849576362572),
    (1.0, 1.71, 38.86, 11.77, 0.21222738807220942, 0.20325062425619125, 18.91147986992935, 4.637466328569656),
    (0.0, 0.0, 38.86, 0.0, 1.0, 0.19478085793947736, 35.17100215250669, 8.344093121809827),
    (7.0, 29.43, 38.86, 73.74, 0.6418006393519167, 3.3372396465269505, 71.46285080453441, 283.5235925903879),
    (1.0, 4.86, 38.86, 9.99, 0.3109152809661484, 0.2977642307205768, 17.674697381967082, 6.349622110038317),
    (5.0, 36.14, 38.14, 17.47, 0.8629500407103815, 3.331177739595298, 18.899360577049087, 74.9705042198837),
    (0.0, 0.0, 33.57, 0.0, 1.0, 0.2189398219506658, 35.17100215250669, 9.353455768784492),
    (0.0, 0.0, 27.0, 0.0, 1.0, 0.2589775055748178, 35.17100215250669, 11.017135935941923),
    (29.0, 37.71, 38.0, 26.26, 0.9691335940044051, 20.053665319496677, 26.392947663530574, 625.3500337089641),
    (
        21.0,
        4.71,
        29.29,
        299.63,
        2.489437641892123e-11,
        4.4990668330397913e-10,
        294.2121143305524,
        1.552723631321999e-07,
    ),
];

#[test]
fn the_fits_on_the_cdnow_sample_match_lifetimes() {
    let data = cdnow();
    assert_eq!(data.customers.len(), 2357);
    let bg = bgnbd::fit(&data.customers);
    assert!(bg.converged, "{bg:?}");
    let got = bg.params;
    for (name, g, w) in [
        ("r", got.r, LIFETIMES_BG.r),
        ("α", got.alpha, LIFETIMES_BG.alpha),
        ("a", got.a, LIFETIMES_BG.a),
        ("b", got.b, LIFETIMES_BG.b),
    ] {
        within(name, g, w, 1e-4);
    }
    within("BG/NBD log-likelihood", bg.log_likelihood, LIFETIMES_BG_LL, 1e-9);

    let spenders = data.spenders();
    let gg = gamma_gamma::fit(&spenders);
    assert!(gg.converged, "{gg:?}");
    let got = gg.params;
    for (name, g, w) in
        [("p", got.p, LIFETIMES_GG.p), ("q", got.q, LIFETIMES_GG.q), ("γ", got.gamma, LIFETIMES_GG.gamma)]
    {
        within(name, g, w, 1e-4);
    }
    within("Gamma-Gamma log-likelihood", gg.log_likelihood, LIFETIMES_GG_LL, 1e-9);

    for &(x, tx, t, m, alive, e39, value, clv12) in PREDICTIONS {
        let c = Customer { frequency: x, recency: tx, t_age: t };
        let who = format!("customer ({x}, {tx}, {t}, {m})");
        let p_alive = bgnbd::p_alive(&bg.params, &c);
        assert!((p_alive - alive).abs() <= 1e-4, "{who} P(alive): {p_alive} against lifetimes' {alive}");
        let e = bgnbd::expected_purchases(&bg.params, &c, 39.0).unwrap();
        // Where lifetimes' own figure is below 1e-6 of a purchase, 1e-3 relative of it is noise of
        // the optimiser's last digits; both must still be that small.
        let tolerance = |want: f64| if want.abs() < 1e-6 { 1.0 } else { 1e-3 };
        within(&format!("{who} purchases in 39 weeks"), e, e39, tolerance(e39));
        let v = gamma_gamma::expected_order_value(&gg.params, x, m).unwrap();
        within(&format!("{who} order value"), v, value, 1e-3);
        let l = clv::lifetime_value_with(&bg.params, &gg.params, &c, m, 12, 0.01, 4.345).unwrap();
        within(&format!("{who} 12-month value"), l, clv12, tolerance(clv12));
    }
}

#[test]
fn the_fit_in_weeks_reproduces_the_published_estimates() {
    // Fader, Hardie & Lee (2005), Marketing Science 24(2), p. 279: r = 0.243, α = 4.414,
    // a = 0.793, b = 2.426; and Fader & Hardie's note 025 for the spend model: p = 6.25,
    // q = 3.74, γ = 15.44.
    let data = cdnow();
    let bg = bgnbd::fit(&data.customers).params;
    let three = |v: f64| (v * 1000.0).round() / 1000.0;
    assert_eq!([three(bg.r), three(bg.alpha), three(bg.a), three(bg.b)], [0.243, 4.414, 0.793, 2.426]);
    let spenders = data.spenders();
    let gg = gamma_gamma::fit(&spenders).params;
    let two = |v: f64| (v * 100.0).round() / 100.0;
    assert_eq!([two(gg.p), two(gg.q)], [6.25, 3.74]);
    // The note's γ = 15.44 is where its spreadsheet's solver stopped; the maximum is at 15.448
    // (lifetimes finds it too, above), which rounds to 15.45: within 0.01 of the note.
    assert!((gg.gamma - 15.44).abs() < 0.01, "γ {}", gg.gamma);
}
