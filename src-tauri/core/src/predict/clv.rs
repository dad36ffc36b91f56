//! Customer lifetime value over the coming months, discounted month by month, in the scheme of
//! lifetimes' `customer_lifetime_value`: for each month i = 1 … months, the purchases expected in
//! that month (the cumulative expectation at the month's end less that at its start) times the
//! expected order value, divided by (1 + monthly discount rate)ⁱ.

use super::bgnbd::{self, Customer};
use super::gamma_gamma;

/// Days in a month, as lifetimes counts them for daily data.
pub const DAYS_PER_MONTH: f64 = 30.0;

/// The value of `customer` over the next `months`, with `units_per_month` of the models' time unit
/// in a month (`DAYS_PER_MONTH` for days). `None` when a prediction has no finite value.
pub fn lifetime_value(
    purchases: &bgnbd::Params,
    customer: &Customer,
    order_value: f64,
    months: u32,
    monthly_discount: f64,
    units_per_month: f64,
) -> Option<f64> {
    let ends: Vec<f64> = (1..=months).map(|i| f64::from(i) * units_per_month).collect();
    let if_alive = bgnbd::purchases_if_alive(purchases, customer.frequency, customer.t_age, &ends)?;
    Some(discounted(&if_alive, bgnbd::alive_share(purchases, customer), order_value, monthly_discount))
}

/// The discounted sum over months of `order_value` times the purchases expected in each month,
/// from the purchases expected by each month's end if alive (`by_month_end`) and the chance the
/// customer is alive as equation 10 weighs it (`alive_share`).
pub fn discounted(by_month_end: &[f64], alive_share: f64, order_value: f64, monthly_discount: f64) -> f64 {
    let mut total = 0.0;
    let mut before = 0.0;
    for (i, &end) in by_month_end.iter().enumerate() {
        let by_end = end * alive_share;
        total += order_value * (by_end - before) / (1.0 + monthly_discount).powi(i as i32 + 1);
        before = by_end;
    }
    total
}

/// The value over the next `months` for a customer with their spend model's expected order value.
pub fn lifetime_value_with(
    purchases: &bgnbd::Params,
    spend: &gamma_gamma::Params,
    customer: &Customer,
    mean_value: f64,
    months: u32,
    monthly_discount: f64,
    units_per_month: f64,
) -> Option<f64> {
    let value = gamma_gamma::expected_order_value(spend, customer.frequency, mean_value)?;
    lifetime_value(purchases, customer, value, months, monthly_discount, units_per_month)
}
