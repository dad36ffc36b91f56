-- Purchase summaries kept with the data, so the figures as of today read one row per customer
-- instead of every purchase (docs/ARCHITECTURE.md, "Summaries"). Kept by triggers in the same
-- transaction as every write to purchases, whatever makes it; a bulk write (the import, the
-- sample) pauses them and rebuilds the summaries of the contacts it touched in one pass
-- (`summary::paused`). The Rust step after this file builds them for an existing database.

-- One row per customer, currency and day with a counted purchase (not refunded in full; a free
-- purchase counts): how many orders, and their total net of refunds. The days of the repeat
-- figures (repeat.rs) exactly.
CREATE TABLE purchase_days (
    contact_id INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    day        TEXT NOT NULL,
    orders     INTEGER NOT NULL CHECK (orders > 0),
    total      INTEGER NOT NULL,
    PRIMARY KEY (contact_id, currency, day)
) STRICT, WITHOUT ROWID;

-- One row per customer and currency, from their purchase days.
CREATE TABLE customer_summaries (
    contact_id  INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    first_day   TEXT NOT NULL,
    -- The second purchase day: a customer is a repeat customer from that day on.
    second_day  TEXT,
    last_day    TEXT NOT NULL,
    days        INTEGER NOT NULL,
    orders      INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    -- The first day's total, which the repeat value leaves out.
    first_total INTEGER NOT NULL,
    PRIMARY KEY (contact_id, currency)
) STRICT, WITHOUT ROWID;
CREATE INDEX customer_summaries_currency ON customer_summaries (currency, first_day);

-- How many times each gap between a customer's consecutive purchase days occurs, per currency:
-- the median days between purchases of the whole shop without reading every day.
CREATE TABLE purchase_gaps (
    currency TEXT NOT NULL,
    gap      INTEGER NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (currency, gap)
) STRICT, WITHOUT ROWID;

-- The shop's sales by currency and day: every purchase, the counted ones and their net total. Small
-- (currencies × days), kept by its own triggers even during a bulk write, and exact for any period.
CREATE TABLE sales_days (
    currency  TEXT NOT NULL,
    day       TEXT NOT NULL,
    purchases INTEGER NOT NULL,
    counted   INTEGER NOT NULL,
    total     INTEGER NOT NULL,
    PRIMARY KEY (currency, day)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER purchases_sales_insert AFTER INSERT ON purchases
BEGIN
    INSERT INTO sales_days (currency, day, purchases, counted, total)
    SELECT NEW.currency, NEW.purchased_on, 1, counts, counts * (NEW.amount_minor - NEW.refunded_minor)
    FROM (SELECT (NEW.refunded_minor < NEW.amount_minor OR NEW.amount_minor = 0) AS counts)
    WHERE true
    ON CONFLICT (currency, day) DO UPDATE
    SET purchases = purchases + 1, counted = counted + excluded.counted, total = total + excluded.total;
END;

CREATE TRIGGER purchases_sales_delete AFTER DELETE ON purchases
BEGIN
    UPDATE sales_days
    SET purchases = purchases - 1,
        counted = counted - (OLD.refunded_minor < OLD.amount_minor OR OLD.amount_minor = 0),
        total = total - (OLD.refunded_minor < OLD.amount_minor OR OLD.amount_minor = 0) * (OLD.amount_minor - OLD.refunded_minor)
    WHERE currency = OLD.currency AND day = OLD.purchased_on;
    DELETE FROM sales_days WHERE currency = OLD.currency AND day = OLD.purchased_on AND purchases = 0;
END;

CREATE TRIGGER purchases_sales_update AFTER UPDATE OF currency, purchased_on, amount_minor, refunded_minor ON purchases
BEGIN
    UPDATE sales_days
    SET purchases = purchases - 1,
        counted = counted - (OLD.refunded_minor < OLD.amount_minor OR OLD.amount_minor = 0),
        total = total - (OLD.refunded_minor < OLD.amount_minor OR OLD.amount_minor = 0) * (OLD.amount_minor - OLD.refunded_minor)
    WHERE currency = OLD.currency AND day = OLD.purchased_on;
    DELETE FROM sales_days WHERE currency = OLD.currency AND day = OLD.purchased_on AND purchases = 0;
    INSERT INTO sales_days (currency, day, purchases, counted, total)
    SELECT NEW.currency, NEW.purchased_on, 1, counts, counts * (NEW.amount_minor - NEW.refunded_minor)
    FROM (SELECT (NEW.refunded_minor < NEW.amount_minor OR NEW.amount_minor = 0) AS counts)
    WHERE true
    ON CONFLICT (currency, day) DO UPDATE
    SET purchases = purchases + 1, counted = counted + excluded.counted, total = total + excluded.total;
END;

-- Present (one row) only inside a bulk write's transaction, which rebuilds what it touched itself.
CREATE TABLE summaries_paused (paused INTEGER PRIMARY KEY CHECK (paused = 1)) STRICT;

-- purchases → purchase_days.
CREATE TRIGGER purchases_days_insert AFTER INSERT ON purchases
WHEN (NEW.refunded_minor < NEW.amount_minor OR NEW.amount_minor = 0)
     AND NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO purchase_days (contact_id, currency, day, orders, total)
    VALUES (NEW.contact_id, NEW.currency, NEW.purchased_on, 1, NEW.amount_minor - NEW.refunded_minor)
    ON CONFLICT (contact_id, currency, day)
    DO UPDATE SET orders = orders + 1, total = total + excluded.total;
END;

CREATE TRIGGER purchases_days_delete AFTER DELETE ON purchases
WHEN (OLD.refunded_minor < OLD.amount_minor OR OLD.amount_minor = 0)
     AND NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    -- The last order of its day takes the day with it; otherwise the day shrinks. (In this order:
    -- a day shrunk from two orders to one must not then be deleted.)
    DELETE FROM purchase_days
    WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND day = OLD.purchased_on AND orders = 1;
    UPDATE purchase_days SET orders = orders - 1, total = total - (OLD.amount_minor - OLD.refunded_minor)
    WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND day = OLD.purchased_on AND orders > 1;
END;

CREATE TRIGGER purchases_days_update AFTER UPDATE OF contact_id, currency, purchased_on, amount_minor, refunded_minor ON purchases
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    -- The old purchase leaves its day (when it counted) ...
    DELETE FROM purchase_days
    WHERE (OLD.refunded_minor < OLD.amount_minor OR OLD.amount_minor = 0)
      AND contact_id = OLD.contact_id AND currency = OLD.currency AND day = OLD.purchased_on AND orders = 1;
    UPDATE purchase_days SET orders = orders - 1, total = total - (OLD.amount_minor - OLD.refunded_minor)
    WHERE (OLD.refunded_minor < OLD.amount_minor OR OLD.amount_minor = 0)
      AND contact_id = OLD.contact_id AND currency = OLD.currency AND day = OLD.purchased_on AND orders > 1;
    -- ... and the new one joins its day (when it counts).
    INSERT INTO purchase_days (contact_id, currency, day, orders, total)
    SELECT NEW.contact_id, NEW.currency, NEW.purchased_on, 1, NEW.amount_minor - NEW.refunded_minor
    WHERE NEW.refunded_minor < NEW.amount_minor OR NEW.amount_minor = 0
    ON CONFLICT (contact_id, currency, day)
    DO UPDATE SET orders = orders + 1, total = total + excluded.total;
END;

-- purchase_days → purchase_gaps: a new day between two others splits their gap in two.
CREATE TRIGGER purchase_days_gaps_insert AFTER INSERT ON purchase_days
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO purchase_gaps (currency, gap, n)
    SELECT NEW.currency, gap, n FROM (
        SELECT (unixepoch(nx) - unixepoch(pv)) / 86400 AS gap, -1 AS n FROM (SELECT
            (SELECT max(day) FROM purchase_days WHERE contact_id = NEW.contact_id AND currency = NEW.currency AND day < NEW.day) AS pv,
            (SELECT min(day) FROM purchase_days WHERE contact_id = NEW.contact_id AND currency = NEW.currency AND day > NEW.day) AS nx)
        UNION ALL
        SELECT (unixepoch(NEW.day) - unixepoch(max(day))) / 86400, 1 FROM purchase_days
        WHERE contact_id = NEW.contact_id AND currency = NEW.currency AND day < NEW.day
        UNION ALL
        SELECT (unixepoch(min(day)) - unixepoch(NEW.day)) / 86400, 1 FROM purchase_days
        WHERE contact_id = NEW.contact_id AND currency = NEW.currency AND day > NEW.day
    ) WHERE gap IS NOT NULL
    ON CONFLICT (currency, gap) DO UPDATE SET n = n + excluded.n;
    DELETE FROM purchase_gaps WHERE currency = NEW.currency AND n = 0;
END;

CREATE TRIGGER purchase_days_gaps_delete AFTER DELETE ON purchase_days
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO purchase_gaps (currency, gap, n)
    SELECT OLD.currency, gap, n FROM (
        SELECT (unixepoch(nx) - unixepoch(pv)) / 86400 AS gap, 1 AS n FROM (SELECT
            (SELECT max(day) FROM purchase_days WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND day < OLD.day) AS pv,
            (SELECT min(day) FROM purchase_days WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND day > OLD.day) AS nx)
        UNION ALL
        SELECT (unixepoch(OLD.day) - unixepoch(max(day))) / 86400, -1 FROM purchase_days
        WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND day < OLD.day
        UNION ALL
        SELECT (unixepoch(min(day)) - unixepoch(OLD.day)) / 86400, -1 FROM purchase_days
        WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND day > OLD.day
    ) WHERE gap IS NOT NULL
    ON CONFLICT (currency, gap) DO UPDATE SET n = n + excluded.n;
    DELETE FROM purchase_gaps WHERE currency = OLD.currency AND n = 0;
END;

-- purchase_days → customer_summaries: the customer's row rebuilt from their few days.
CREATE TRIGGER purchase_days_summary_insert AFTER INSERT ON purchase_days
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    DELETE FROM customer_summaries WHERE contact_id = NEW.contact_id AND currency = NEW.currency;
    INSERT INTO customer_summaries
    SELECT contact_id, currency, min(day),
           (SELECT day FROM purchase_days WHERE contact_id = NEW.contact_id AND currency = NEW.currency ORDER BY day LIMIT 1 OFFSET 1),
           max(day), count(*), sum(orders), sum(total),
           (SELECT total FROM purchase_days WHERE contact_id = NEW.contact_id AND currency = NEW.currency ORDER BY day LIMIT 1)
    FROM purchase_days WHERE contact_id = NEW.contact_id AND currency = NEW.currency
    GROUP BY contact_id, currency;
END;

CREATE TRIGGER purchase_days_summary_update AFTER UPDATE ON purchase_days
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    DELETE FROM customer_summaries WHERE contact_id = NEW.contact_id AND currency = NEW.currency;
    INSERT INTO customer_summaries
    SELECT contact_id, currency, min(day),
           (SELECT day FROM purchase_days WHERE contact_id = NEW.contact_id AND currency = NEW.currency ORDER BY day LIMIT 1 OFFSET 1),
           max(day), count(*), sum(orders), sum(total),
           (SELECT total FROM purchase_days WHERE contact_id = NEW.contact_id AND currency = NEW.currency ORDER BY day LIMIT 1)
    FROM purchase_days WHERE contact_id = NEW.contact_id AND currency = NEW.currency
    GROUP BY contact_id, currency;
END;

CREATE TRIGGER purchase_days_summary_delete AFTER DELETE ON purchase_days
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    DELETE FROM customer_summaries WHERE contact_id = OLD.contact_id AND currency = OLD.currency;
    INSERT INTO customer_summaries
    SELECT contact_id, currency, min(day),
           (SELECT day FROM purchase_days WHERE contact_id = OLD.contact_id AND currency = OLD.currency ORDER BY day LIMIT 1 OFFSET 1),
           max(day), count(*), sum(orders), sum(total),
           (SELECT total FROM purchase_days WHERE contact_id = OLD.contact_id AND currency = OLD.currency ORDER BY day LIMIT 1)
    FROM purchase_days WHERE contact_id = OLD.contact_id AND currency = OLD.currency
    GROUP BY contact_id, currency;
END;

-- While paused, the contacts whose purchases a bulk write touched, rebuilt when it resumes.
CREATE TABLE summaries_dirty (contact_id INTEGER PRIMARY KEY) STRICT;

CREATE TRIGGER purchases_dirty_insert AFTER INSERT ON purchases
WHEN EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO summaries_dirty (contact_id) VALUES (NEW.contact_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER purchases_dirty_delete AFTER DELETE ON purchases
WHEN EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO summaries_dirty (contact_id) VALUES (OLD.contact_id) ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER purchases_dirty_update AFTER UPDATE OF contact_id, currency, purchased_on, amount_minor, refunded_minor ON purchases
WHEN EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    INSERT INTO summaries_dirty (contact_id) VALUES (OLD.contact_id), (NEW.contact_id) ON CONFLICT DO NOTHING;
END;

-- Each contact's latest NPS answer on a day (the advocacy figures' `latest_nps`) read from the
-- index alone, in the order the window asks for.
CREATE INDEX nps_answers_latest ON nps_answers (contact_id, answered_on DESC, id DESC, score);

-- Each contact's latest NPS answer (latest day, then latest id), kept by triggers: the advocacy
-- figures as of a day on or after the last answer read it instead of ranking every answer.
CREATE TABLE nps_latest (
    contact_id  INTEGER PRIMARY KEY,
    answer_id   INTEGER NOT NULL,
    answered_on TEXT NOT NULL,
    score       INTEGER NOT NULL
) STRICT;

CREATE TRIGGER nps_latest_insert AFTER INSERT ON nps_answers
BEGIN
    DELETE FROM nps_latest WHERE contact_id = NEW.contact_id;
    INSERT INTO nps_latest (contact_id, answer_id, answered_on, score)
    SELECT contact_id, id, answered_on, score FROM nps_answers WHERE contact_id = NEW.contact_id
    ORDER BY answered_on DESC, id DESC LIMIT 1;
END;

CREATE TRIGGER nps_latest_delete AFTER DELETE ON nps_answers
BEGIN
    DELETE FROM nps_latest WHERE contact_id = OLD.contact_id;
    INSERT INTO nps_latest (contact_id, answer_id, answered_on, score)
    SELECT contact_id, id, answered_on, score FROM nps_answers WHERE contact_id = OLD.contact_id
    ORDER BY answered_on DESC, id DESC LIMIT 1;
END;

CREATE TRIGGER nps_latest_update AFTER UPDATE OF contact_id, answered_on, score ON nps_answers
BEGIN
    DELETE FROM nps_latest WHERE contact_id IN (OLD.contact_id, NEW.contact_id);
    INSERT INTO nps_latest (contact_id, answer_id, answered_on, score)
    SELECT contact_id, id, answered_on, score FROM (
        SELECT contact_id, id, answered_on, score,
               row_number() OVER (PARTITION BY contact_id ORDER BY answered_on DESC, id DESC) AS k
        FROM nps_answers WHERE contact_id IN (OLD.contact_id, NEW.contact_id)
    ) WHERE k = 1;
END;
