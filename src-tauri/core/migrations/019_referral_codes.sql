-- Referral codes: each advocate may carry a personal code (ROSA25) that friends give at checkout.
-- An order carrying a code becomes the referral by itself (referral_codes.rs).
--
-- A code is matched by its key (upper case, no spaces), unique over every code ever given: a code
-- retired (replaced, or its advocate gone) is never handed to anyone else, so an old order's code
-- still names one advocate. At most one code per advocate is in use.
CREATE TABLE referral_codes (
    id          INTEGER PRIMARY KEY,
    advocate_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
    -- As the owner wrote it, e.g. Rosa25; shown as given.
    code        TEXT NOT NULL CHECK (length(code) BETWEEN 3 AND 20),
    code_key    TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
) STRICT;
CREATE UNIQUE INDEX referral_codes_in_use ON referral_codes (advocate_id)
    WHERE retired_at IS NULL AND advocate_id IS NOT NULL;

-- The code an order carried, as it came (a shop's ordinary discount codes too).
ALTER TABLE purchases ADD COLUMN referral_code TEXT;
-- The code that made a referral, when an order's code did.
ALTER TABLE referrals ADD COLUMN code_id INTEGER REFERENCES referral_codes (id) ON DELETE SET NULL;
CREATE INDEX referrals_code ON referrals (code_id) WHERE code_id IS NOT NULL;
