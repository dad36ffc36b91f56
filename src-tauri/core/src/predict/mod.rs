//! Predicted customer value (issue 15): who is still with us, how many purchases each customer
//! will make, and what they are worth. The models are public and settled: BG/NBD (Fader, Hardie &
//! Lee 2005, "Counting Your Customers the Easy Way", Marketing Science 24(2)) for purchases and
//! being alive (`bgnbd`), Gamma-Gamma for the value of the orders to come (`gamma_gamma`), and the
//! two together for a customer's value over the coming months (`clv`). Both are fitted by maximum
//! likelihood with one small optimiser (`optimise`).
//!
//! A customer is summarised as lifetimes and the papers do: `frequency` repeat purchase days
//! (purchase days − 1), `recency` the age at the last purchase day, and `t_age` (the papers' T) the
//! age at the day of the figures, both counted from the first purchase day, in one time unit (the
//! parameters' own: days in Flywheel, weeks in the papers' CDNOW example).

pub mod bgnbd;
pub mod clv;
pub mod gamma_gamma;
mod optimise;
pub mod shop;
mod special;

pub use optimise::GRADIENT_TOLERANCE;

/// A model fitted by maximum likelihood.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit<P> {
    pub params: P,
    /// The log-likelihood of all the customers used, at `params`.
    pub log_likelihood: f64,
    /// Whether the search ended on a flat gradient (`GRADIENT_TOLERANCE`).
    pub converged: bool,
    pub iterations: usize,
}
