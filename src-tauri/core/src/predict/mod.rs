//! Predicted customer value (issue 15): who is still with us, how many purchases each customer
//! will make, and what they are worth. The models are public and settled: BG/NBD (Fader, Hardie &
//! Lee 2005, "Counting Your Customers the Easy Way", Marketing Science 24(2)) for purchases and
//! being alive, with Gamma-Gamma for order values to come. This first part holds the BG/NBD
//! formulas at given parameters; fitting them, the spend model and the window come next.
//!
//! A customer is summarised as lifetimes and the papers do: `frequency` repeat purchase days
//! (purchase days − 1), `recency` the age at the last purchase day, and `t_age` (the papers' T) the
//! age at the day of the figures, both counted from the first purchase day, in one time unit (the
//! parameters' own: days in Flywheel, weeks in the papers' CDNOW example).

pub mod bgnbd;
mod special;
