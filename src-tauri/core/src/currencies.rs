//! Purchases in currencies other than the shop's. Every money figure is in the shop's currency
//! (Settings) and never sums two currencies, so purchases in another currency stay out of it; this
//! module says what stayed out, per currency, so no customer vanishes silently. The Customers page,
//! the Dashboard, `flywheel report customers` and the import preview all show these figures.
//!
//! A purchase counts here as it counts for the repeat figures ([`crate::repeat`]): on or before the
//! as-of day and not refunded in full, at its amount net of refunds.

use crate::asof::AsOf;
use crate::cache;
use crate::error::Result;
use crate::store::Connection;
use crate::summary;
use crate::validate::display_money;
use serde::{Deserialize, Serialize};

/// What the purchases in one other currency add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CurrencyFigures {
    /// An ISO code other than the shop's.
    pub currency: String,
    /// Customers whose every counted purchase is in this currency: they are in no shop-currency
    /// figure, not even the customer count.
    pub only_customers: i64,
    /// Customers with at least one counted purchase in this currency (some also buy in others).
    pub customers: i64,
    /// Counted purchases in this currency.
    pub purchases: i64,
    /// Their total net of refunds, in minor units of `currency`.
    pub total_minor: i64,
}

/// The purchases left out of the shop-currency figures, per other currency.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct OtherCurrencies {
    /// `YYYY-MM-DD`.
    pub as_of: String,
    /// The shop's currency, which every other figure is in.
    pub shop_currency: String,
    /// One entry per other currency with counted purchases, by code.
    pub currencies: Vec<CurrencyFigures>,
}

/// The purchases in other currencies than the shop's, as of a day (today when `None`).
pub fn other(conn: &Connection, as_of: Option<&str>) -> Result<OtherCurrencies> {
    let a = AsOf::parse(conn, "as_of", as_of)?;
    cache::cached(conn, format!("other_currencies|{}|{}", a.as_of, a.currency), || other_as_of(conn, &a))
}

pub(crate) fn other_as_of(conn: &Connection, a: &AsOf) -> Result<OtherCurrencies> {
    other_from(conn, a, summary::covers(conn, None, &a.as_of)?)
}

/// The figures as of a day from every purchase, never from the summaries: what the summaries are
/// checked against.
#[doc(hidden)]
pub fn other_from_history(conn: &Connection, as_of: Option<&str>) -> Result<OtherCurrencies> {
    other_from(conn, &AsOf::parse(conn, "as_of", as_of)?, false)
}

fn other_from(conn: &Connection, a: &AsOf, summed_ok: bool) -> Result<OtherCurrencies> {
    // `kinds`: how many currencies each customer buys in; a customer with one buys only in it.
    // From the summaries when they cover the day in every currency, else from the purchases.
    let summed =
        "WITH kinds AS (SELECT contact_id, count(*) AS n FROM customer_summaries GROUP BY contact_id)
               SELECT s.currency, coalesce(sum(k.n = 1), 0), count(*), sum(s.orders), sum(s.total)
               FROM customer_summaries s JOIN kinds k USING (contact_id)
               WHERE s.currency <> :currency GROUP BY s.currency ORDER BY s.currency";
    let scanned = "WITH counted AS (
                 SELECT contact_id, currency, amount_minor - refunded_minor AS net FROM purchases
                 WHERE purchased_on <= :as_of AND (refunded_minor < amount_minor OR amount_minor = 0)),
               kinds AS (SELECT contact_id, count(DISTINCT currency) AS n FROM counted GROUP BY contact_id)
               SELECT c.currency, count(DISTINCT CASE WHEN k.n = 1 THEN c.contact_id END),
                      count(DISTINCT c.contact_id), count(*), sum(c.net)
               FROM counted c JOIN kinds k USING (contact_id)
               WHERE c.currency <> :currency GROUP BY c.currency ORDER BY c.currency";
    let sql = if summed_ok { summed } else { scanned };
    let args = a.args(sql, &[]);
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args.as_slice(), |r| {
        Ok(CurrencyFigures {
            currency: r.get(0)?,
            only_customers: r.get(1)?,
            customers: r.get(2)?,
            purchases: r.get(3)?,
            total_minor: r.get(4)?,
        })
    })?;
    Ok(OtherCurrencies {
        as_of: a.as_of.clone(),
        shop_currency: a.currency.clone(),
        currencies: rows.collect::<rusqlite::Result<_>>()?,
    })
}

/// The sentence the window and the CLI show for one other currency, e.g. "3 customers buy only in
/// EUR, not counted in USD figures (6 purchases, 1234.50 EUR)."
pub fn sentence(c: &CurrencyFigures, shop_currency: &str) -> String {
    let purchases = plural(c.purchases, "purchase", "purchases");
    let total = display_money(c.total_minor, &c.currency);
    let also = c.customers - c.only_customers;
    if c.only_customers == 0 {
        return format!(
            "{purchases} in {} ({total}), by {} who also buy in another currency, are not counted in \
             {shop_currency} figures.",
            c.currency,
            plural(also, "customer", "customers")
        );
    }
    let mut out = format!(
        "{} only in {}, not counted in {shop_currency} figures ({purchases}, {total})",
        plural_verb(c.only_customers),
        c.currency
    );
    if also > 0 {
        let who = if also == 1 {
            "1 more customer also buys".to_owned()
        } else {
            format!("{also} more customers also buy")
        };
        out.push_str(&format!("; {who} in {}", c.currency));
    }
    out.push('.');
    out
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn plural_verb(n: i64) -> String {
    if n == 1 {
        "1 customer buys".to_owned()
    } else {
        format!("{n} customers buy")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(only: i64, customers: i64, purchases: i64, total: i64) -> CurrencyFigures {
        CurrencyFigures {
            currency: "EUR".into(),
            only_customers: only,
            customers,
            purchases,
            total_minor: total,
        }
    }

    #[test]
    fn sentences() {
        assert_eq!(
            sentence(&eur(3, 3, 6, 123_450), "USD"),
            "3 customers buy only in EUR, not counted in USD figures (6 purchases, 1234.50 EUR)."
        );
        assert_eq!(
            sentence(&eur(1, 1, 1, 3000), "USD"),
            "1 customer buys only in EUR, not counted in USD figures (1 purchase, 30.00 EUR)."
        );
        assert_eq!(
            sentence(&eur(0, 2, 2, 500), "USD"),
            "2 purchases in EUR (5.00 EUR), by 2 customers who also buy in another currency, are not \
             counted in USD figures."
        );
        assert_eq!(
            sentence(&eur(1, 2, 3, 500), "USD"),
            "1 customer buys only in EUR, not counted in USD figures (3 purchases, 5.00 EUR); 1 more \
             customer also buys in EUR."
        );
    }
}
