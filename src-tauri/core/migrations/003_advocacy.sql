-- Schema v3: what turns customers into advocates: testimonials with consent, NPS, referrals.

CREATE TABLE testimonials (
    id                   INTEGER PRIMARY KEY,
    contact_id           INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    status               TEXT NOT NULL CHECK (status IN
                             ('requested', 'received', 'approved', 'published', 'declined', 'withdrawn')),
    headline             TEXT NOT NULL DEFAULT '',
    quote                TEXT NOT NULL DEFAULT '',
    rating               INTEGER CHECK (rating BETWEEN 1 AND 5),
    product              TEXT NOT NULL DEFAULT '',
    segment              TEXT NOT NULL DEFAULT '',
    tags                 TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    requested_at         TEXT,
    received_at          TEXT,
    approved_at          TEXT,
    published_at         TEXT,
    -- The consent record: may we publish, under the name or anonymously, where, and since when.
    consent_publish      INTEGER NOT NULL DEFAULT 0 CHECK (consent_publish IN (0, 1)),
    consent_named        INTEGER NOT NULL DEFAULT 0 CHECK (consent_named IN (0, 1)),
    consent_channels     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(consent_channels)),
    consent_given_at     TEXT,
    consent_withdrawn_at TEXT,
    incentive            TEXT NOT NULL DEFAULT '',
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    import_batch_id      INTEGER REFERENCES import_batches (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX testimonials_contact ON testimonials (contact_id, status);
CREATE INDEX testimonials_status ON testimonials (status, segment, product);

CREATE TABLE nps_answers (
    id              INTEGER PRIMARY KEY,
    contact_id      INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    score           INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment         TEXT NOT NULL DEFAULT '',
    answered_on     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    import_batch_id INTEGER REFERENCES import_batches (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX nps_contact ON nps_answers (contact_id, answered_on);
CREATE INDEX nps_day ON nps_answers (answered_on, score);

CREATE TABLE referrals (
    id              INTEGER PRIMARY KEY,
    advocate_id     INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    -- A referred contact has at most one referral.
    referred_id     INTEGER NOT NULL UNIQUE REFERENCES contacts (id) ON DELETE CASCADE,
    referred_on     TEXT NOT NULL,
    notes           TEXT NOT NULL DEFAULT '',
    -- Why this referral needs a human look (self-referral, already a customer, ...); JSON list.
    flags           TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(flags)),
    reward_minor    INTEGER NOT NULL DEFAULT 0 CHECK (reward_minor >= 0),
    reward_currency TEXT NOT NULL DEFAULT 'USD' CHECK (length(reward_currency) = 3),
    reward_status   TEXT NOT NULL DEFAULT 'none' CHECK (reward_status IN ('none', 'owed', 'paid', 'void')),
    reward_note     TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    import_batch_id INTEGER REFERENCES import_batches (id) ON DELETE SET NULL,
    CHECK (advocate_id <> referred_id)
) STRICT;
CREATE INDEX referrals_advocate ON referrals (advocate_id, referred_on);
CREATE INDEX referrals_day ON referrals (referred_on);
