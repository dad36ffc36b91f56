-- The loop figures (flywheel.rs) kept with the data: what each referral brought, read as one row
-- per converted referral instead of looking up every referred contact's purchases; the new and
-- the referred new contacts of each day; and covering indexes so the advocacy signals
-- (referrers, approved testimonials) are read from an index alone.

-- One row per real referral (a self-referral counts nowhere) and currency in which the referred
-- contact bought on or after the referral day: the first and last such purchase day and what they
-- spent from the referral day on, net of refunds. From `purchase_days` (migration 014), so a
-- purchase day counts here exactly when it counts in the repeat figures.
CREATE TABLE referral_sales (
    referral_id INTEGER NOT NULL,
    currency    TEXT NOT NULL,
    advocate_id INTEGER NOT NULL,
    referred_id INTEGER NOT NULL,
    referred_on TEXT NOT NULL,
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL,
    total       INTEGER NOT NULL,
    PRIMARY KEY (referral_id, currency)
) STRICT, WITHOUT ROWID;
-- The loop figures of a period: the referrals made in it that converted, and what they brought.
CREATE INDEX referral_sales_day ON referral_sales
    (currency, referred_on, first_day, last_day, total, advocate_id, referred_id);
CREATE INDEX referral_sales_referred ON referral_sales (referred_id);

-- The real referrals by day, with who made them and whom they named (a period's referrals), and by
-- advocate (the referrers as of a day, in order, without a sort): from the index alone. Queries
-- must spell the condition exactly so (advocates::REAL_REFERRAL).
-- (`flags` is in them too: SQLite reads the column a partial index's condition names, even when
-- the index guarantees it.)
CREATE INDEX referrals_real ON referrals (referred_on, advocate_id, referred_id, flags)
    WHERE instr(flags, '"self_referral"') = 0;
CREATE INDEX referrals_real_advocate ON referrals (advocate_id, referred_on, flags)
    WHERE instr(flags, '"self_referral"') = 0;

-- Every contact's segment, read whole from the index (the Testimonials page's coverage).
CREATE INDEX contacts_segment ON contacts (segment);

-- The archived contacts, few: who to ask next leaves them out without reading every customer's row.
CREATE INDEX contacts_archived ON contacts (archived_at) WHERE archived_at IS NOT NULL;

-- The testimonials that make an advocate as of a day (advocates::APPROVED), from the index alone.
CREATE INDEX testimonials_approved ON testimonials (status, approved_at, consent_withdrawn_at, contact_id);

-- Brings one referred contact's rows in one currency up to date. Triggers cannot call a shared
-- body, so each trigger below repeats these two statements for its own contact and currency.
-- purchase_days → referral_sales (not during a bulk write: `summary::rebuild` does its contacts).
CREATE TRIGGER purchase_days_referral_insert AFTER INSERT ON purchase_days
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
     AND EXISTS (SELECT 1 FROM referrals WHERE referred_id = NEW.contact_id)
BEGIN
    DELETE FROM referral_sales WHERE referred_id = NEW.contact_id AND currency = NEW.currency;
    INSERT INTO referral_sales
        (referral_id, currency, advocate_id, referred_id, referred_on, first_day, last_day, total)
    SELECT r.id, d.currency, r.advocate_id, r.referred_id, r.referred_on, min(d.day), max(d.day), sum(d.total)
    FROM referrals r JOIN purchase_days d
         ON d.contact_id = r.referred_id AND d.currency = NEW.currency AND d.day >= r.referred_on
    WHERE r.referred_id = NEW.contact_id AND instr(r.flags, '"self_referral"') = 0
    GROUP BY r.id, d.currency;
END;

CREATE TRIGGER purchase_days_referral_update AFTER UPDATE ON purchase_days
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
     AND EXISTS (SELECT 1 FROM referrals WHERE referred_id = NEW.contact_id)
BEGIN
    DELETE FROM referral_sales WHERE referred_id = NEW.contact_id AND currency = NEW.currency;
    INSERT INTO referral_sales
        (referral_id, currency, advocate_id, referred_id, referred_on, first_day, last_day, total)
    SELECT r.id, d.currency, r.advocate_id, r.referred_id, r.referred_on, min(d.day), max(d.day), sum(d.total)
    FROM referrals r JOIN purchase_days d
         ON d.contact_id = r.referred_id AND d.currency = NEW.currency AND d.day >= r.referred_on
    WHERE r.referred_id = NEW.contact_id AND instr(r.flags, '"self_referral"') = 0
    GROUP BY r.id, d.currency;
END;

CREATE TRIGGER purchase_days_referral_delete AFTER DELETE ON purchase_days
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
     AND EXISTS (SELECT 1 FROM referrals WHERE referred_id = OLD.contact_id)
BEGIN
    DELETE FROM referral_sales WHERE referred_id = OLD.contact_id AND currency = OLD.currency;
    INSERT INTO referral_sales
        (referral_id, currency, advocate_id, referred_id, referred_on, first_day, last_day, total)
    SELECT r.id, d.currency, r.advocate_id, r.referred_id, r.referred_on, min(d.day), max(d.day), sum(d.total)
    FROM referrals r JOIN purchase_days d
         ON d.contact_id = r.referred_id AND d.currency = OLD.currency AND d.day >= r.referred_on
    WHERE r.referred_id = OLD.contact_id AND instr(r.flags, '"self_referral"') = 0
    GROUP BY r.id, d.currency;
END;

-- referrals → referral_sales, always: a referral written during a bulk write reads purchase days
-- that are either current or rebuilt, with this referral, before the bulk write ends.
CREATE TRIGGER referrals_sales_insert AFTER INSERT ON referrals
BEGIN
    INSERT INTO referral_sales
        (referral_id, currency, advocate_id, referred_id, referred_on, first_day, last_day, total)
    SELECT NEW.id, d.currency, NEW.advocate_id, NEW.referred_id, NEW.referred_on, min(d.day), max(d.day), sum(d.total)
    FROM purchase_days d
    WHERE d.contact_id = NEW.referred_id AND d.day >= NEW.referred_on AND instr(NEW.flags, '"self_referral"') = 0
    GROUP BY d.currency;
END;

CREATE TRIGGER referrals_sales_update AFTER UPDATE OF advocate_id, referred_id, referred_on, flags ON referrals
BEGIN
    DELETE FROM referral_sales WHERE referral_id = OLD.id;
    INSERT INTO referral_sales
        (referral_id, currency, advocate_id, referred_id, referred_on, first_day, last_day, total)
    SELECT NEW.id, d.currency, NEW.advocate_id, NEW.referred_id, NEW.referred_on, min(d.day), max(d.day), sum(d.total)
    FROM purchase_days d
    WHERE d.contact_id = NEW.referred_id AND d.day >= NEW.referred_on AND instr(NEW.flags, '"self_referral"') = 0
    GROUP BY d.currency;
END;

CREATE TRIGGER referrals_sales_delete AFTER DELETE ON referrals
BEGIN
    DELETE FROM referral_sales WHERE referral_id = OLD.id;
END;

-- The referrals already there.
INSERT INTO referral_sales
    (referral_id, currency, advocate_id, referred_id, referred_on, first_day, last_day, total)
SELECT r.id, d.currency, r.advocate_id, r.referred_id, r.referred_on, min(d.day), max(d.day), sum(d.total)
FROM referrals r JOIN purchase_days d ON d.contact_id = r.referred_id AND d.day >= r.referred_on
WHERE instr(r.flags, '"self_referral"') = 0
GROUP BY r.id, d.currency;

-- How many contacts were created each day, and how many of them came from a referral (their
-- source is Referrals, or a real referral names them): the loop's new leads and referred new
-- leads of any period, summed over its days. `day` is the first ten characters of `created_at`,
-- which compare with a period's days exactly as `created_at` itself does. Kept by triggers on
-- the contacts and the referrals, during bulk writes too; each works out a contact's share before
-- and after its write from the other table as it stands then.
CREATE TABLE contact_days (
    day      TEXT PRIMARY KEY,
    created  INTEGER NOT NULL,
    referred INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER contacts_days_insert AFTER INSERT ON contacts
BEGIN
    INSERT INTO contact_days (day, created, referred)
    VALUES (substr(NEW.created_at, 1, 10), 1,
            NEW.source = 'referrals' OR EXISTS (SELECT 1 FROM referrals
                WHERE referred_id = NEW.id AND instr(flags, '"self_referral"') = 0))
    ON CONFLICT (day) DO UPDATE SET created = created + 1, referred = referred + excluded.referred;
END;

-- Before the delete: the contact's own delete takes its referral with it (ON DELETE CASCADE)
-- before any AFTER trigger runs, and that referral's trigger no longer finds the contact.
CREATE TRIGGER contacts_days_delete BEFORE DELETE ON contacts
BEGIN
    UPDATE contact_days
    SET created = created - 1,
        referred = referred - (OLD.source = 'referrals' OR EXISTS (SELECT 1 FROM referrals
            WHERE referred_id = OLD.id AND instr(flags, '"self_referral"') = 0))
    WHERE day = substr(OLD.created_at, 1, 10);
    DELETE FROM contact_days WHERE day = substr(OLD.created_at, 1, 10) AND created = 0;
END;

CREATE TRIGGER contacts_days_update AFTER UPDATE OF created_at, source ON contacts
BEGIN
    UPDATE contact_days
    SET created = created - 1,
        referred = referred - (OLD.source = 'referrals' OR EXISTS (SELECT 1 FROM referrals
            WHERE referred_id = OLD.id AND instr(flags, '"self_referral"') = 0))
    WHERE day = substr(OLD.created_at, 1, 10);
    DELETE FROM contact_days WHERE day = substr(OLD.created_at, 1, 10) AND created = 0;
    INSERT INTO contact_days (day, created, referred)
    VALUES (substr(NEW.created_at, 1, 10), 1,
            NEW.source = 'referrals' OR EXISTS (SELECT 1 FROM referrals
                WHERE referred_id = NEW.id AND instr(flags, '"self_referral"') = 0))
    ON CONFLICT (day) DO UPDATE SET created = created + 1, referred = referred + excluded.referred;
END;

-- A referral makes its contact referred unless their source already did (a contact has at most
-- one referral). A contact already deleted took its share with it.
CREATE TRIGGER referrals_days_insert AFTER INSERT ON referrals
WHEN instr(NEW.flags, '"self_referral"') = 0
BEGIN
    UPDATE contact_days SET referred = referred + 1
    WHERE day = (SELECT substr(created_at, 1, 10) FROM contacts WHERE id = NEW.referred_id AND source <> 'referrals');
END;

CREATE TRIGGER referrals_days_delete AFTER DELETE ON referrals
WHEN instr(OLD.flags, '"self_referral"') = 0
BEGIN
    UPDATE contact_days SET referred = referred - 1
    WHERE day = (SELECT substr(created_at, 1, 10) FROM contacts WHERE id = OLD.referred_id AND source <> 'referrals');
END;

CREATE TRIGGER referrals_days_update AFTER UPDATE OF referred_id, flags ON referrals
BEGIN
    UPDATE contact_days SET referred = referred - 1
    WHERE instr(OLD.flags, '"self_referral"') = 0
      AND day = (SELECT substr(created_at, 1, 10) FROM contacts WHERE id = OLD.referred_id AND source <> 'referrals');
    UPDATE contact_days SET referred = referred + 1
    WHERE instr(NEW.flags, '"self_referral"') = 0
      AND day = (SELECT substr(created_at, 1, 10) FROM contacts WHERE id = NEW.referred_id AND source <> 'referrals');
END;

-- The contacts already there.
INSERT INTO contact_days (day, created, referred)
SELECT substr(created_at, 1, 10), count(*),
       sum(source = 'referrals' OR EXISTS (SELECT 1 FROM referrals r
           WHERE r.referred_id = c.id AND instr(r.flags, '"self_referral"') = 0))
FROM contacts c GROUP BY substr(created_at, 1, 10);

-- What each customer bought: one row per contact, currency and product with a counted purchase
-- (not refunded in full), and the first day they bought it. The Testimonials page's coverage, as
-- of any day (first_day on or before it), without reading every purchase. Kept by triggers on the
-- purchases but during a bulk write, which rebuilds the contacts it touched (`summary::rebuild`).
CREATE TABLE customer_products (
    contact_id INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    product    TEXT NOT NULL,
    first_day  TEXT NOT NULL,
    PRIMARY KEY (contact_id, currency, product)
) STRICT, WITHOUT ROWID;

-- Each trigger brings the rows of the (contact, currency, product) it touched up to date from
-- that customer's purchases (the index purchases_contact_currency_day covers the read).
CREATE TRIGGER purchases_products_insert AFTER INSERT ON purchases
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    DELETE FROM customer_products
    WHERE contact_id = NEW.contact_id AND currency = NEW.currency AND product = NEW.product;
    INSERT INTO customer_products (contact_id, currency, product, first_day)
    SELECT NEW.contact_id, NEW.currency, NEW.product, min(purchased_on) FROM purchases
    WHERE contact_id = NEW.contact_id AND currency = NEW.currency AND product = NEW.product
      AND (refunded_minor < amount_minor OR amount_minor = 0)
    HAVING min(purchased_on) IS NOT NULL;
END;

CREATE TRIGGER purchases_products_delete AFTER DELETE ON purchases
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    DELETE FROM customer_products
    WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND product = OLD.product;
    INSERT INTO customer_products (contact_id, currency, product, first_day)
    SELECT OLD.contact_id, OLD.currency, OLD.product, min(purchased_on) FROM purchases
    WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND product = OLD.product
      AND (refunded_minor < amount_minor OR amount_minor = 0)
    HAVING min(purchased_on) IS NOT NULL;
END;

CREATE TRIGGER purchases_products_update
AFTER UPDATE OF contact_id, currency, purchased_on, amount_minor, refunded_minor, product ON purchases
WHEN NOT EXISTS (SELECT 1 FROM summaries_paused)
BEGIN
    DELETE FROM customer_products
    WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND product = OLD.product;
    INSERT INTO customer_products (contact_id, currency, product, first_day)
    SELECT OLD.contact_id, OLD.currency, OLD.product, min(purchased_on) FROM purchases
    WHERE contact_id = OLD.contact_id AND currency = OLD.currency AND product = OLD.product
      AND (refunded_minor < amount_minor OR amount_minor = 0)
    HAVING min(purchased_on) IS NOT NULL;
    DELETE FROM customer_products
    WHERE contact_id = NEW.contact_id AND currency = NEW.currency AND product = NEW.product;
    INSERT INTO customer_products (contact_id, currency, product, first_day)
    SELECT NEW.contact_id, NEW.currency, NEW.product, min(purchased_on) FROM purchases
    WHERE contact_id = NEW.contact_id AND currency = NEW.currency AND product = NEW.product
      AND (refunded_minor < amount_minor OR amount_minor = 0)
    HAVING min(purchased_on) IS NOT NULL;
END;

-- The purchases already there.
INSERT INTO customer_products (contact_id, currency, product, first_day)
SELECT contact_id, currency, product, min(purchased_on) FROM purchases
WHERE refunded_minor < amount_minor OR amount_minor = 0
GROUP BY contact_id, currency, product;
