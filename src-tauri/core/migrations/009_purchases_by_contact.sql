-- Schema v9: one covering index of purchases by customer instead of two. Every figure that reads a
-- customer's purchases (repeat days, chains, readiness, coverage) finds them here in order without
-- touching the table; with the currency second, not first, a shop's single currency costs nothing
-- and a one-off purchase in another currency is skipped in place. Two such indexes made every
-- imported purchase land in both, which doubled the work and the memory of a large import
-- (docs/BENCHMARKS.md).

DROP INDEX purchases_contact_day;
DROP INDEX purchases_currency_contact_day;
CREATE INDEX purchases_contact_currency_day
    ON purchases (contact_id, currency, purchased_on, amount_minor, refunded_minor, product);
