-- Team mode: who the people are, whose contact each one is, and who did what.
--
-- On a solo file there are no people (only a team database's owner adds them, `flywheel team
-- person`), so a contact's owner stays empty and every "who did it" column stays NULL: "you". The
-- PostgreSQL half (pg/018_people.sql) fills the "who did it" columns with the session's login.

-- A person of the team: their database login, the name the window shows, the email HubSpot's
-- "Contact Owner" holds, and their role (what the database's grants let them do).
CREATE TABLE people (
    login TEXT NOT NULL PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT,
    role  TEXT NOT NULL CHECK (role IN ('owner', 'marketing', 'sales'))
) STRICT;

-- HubSpot's "Contact owner": the person whose contact it is (the handoff queue's "Mine").
ALTER TABLE contacts ADD COLUMN owner TEXT REFERENCES people (login) ON UPDATE CASCADE ON DELETE SET NULL;
CREATE INDEX contacts_owner ON contacts (owner) WHERE owner IS NOT NULL;

-- Who did it (a login): a stage move or a handoff's accept or reject, an import, a testimonial's
-- approval, a reward's payment.
ALTER TABLE stage_events ADD COLUMN done_by TEXT;
ALTER TABLE import_batches ADD COLUMN done_by TEXT;
ALTER TABLE testimonials ADD COLUMN approved_by TEXT;
ALTER TABLE referrals ADD COLUMN reward_paid_by TEXT;
