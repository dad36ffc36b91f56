-- v18 on PostgreSQL: the same as ../018_people.sql, and who did it filled in by the database from
-- the session's login (`current_user`), so no write path can forget it or claim another's name.

CREATE TABLE people (
    login TEXT NOT NULL PRIMARY KEY,
    name  TEXT NOT NULL,
    email TEXT,
    role  TEXT NOT NULL CHECK (role IN ('owner', 'marketing', 'sales'))
);

ALTER TABLE contacts ADD COLUMN owner TEXT REFERENCES people (login) ON UPDATE CASCADE ON DELETE SET NULL;
CREATE INDEX contacts_owner ON contacts (owner) WHERE owner IS NOT NULL;

-- The default is set after the column is added, so the rows already there keep NULL (no one
-- known) rather than the login that runs the upgrade. A row written with the column named (a
-- solo file copied in by `team push`) keeps what it names.
ALTER TABLE stage_events ADD COLUMN done_by TEXT;
ALTER TABLE stage_events ALTER COLUMN done_by SET DEFAULT current_user;
ALTER TABLE import_batches ADD COLUMN done_by TEXT;
ALTER TABLE import_batches ALTER COLUMN done_by SET DEFAULT current_user;
ALTER TABLE testimonials ADD COLUMN approved_by TEXT;
ALTER TABLE referrals ADD COLUMN reward_paid_by TEXT;

-- Whether the session may do what only the owner may: the role that owns the schema (it set the
-- database up), or a member of the group role flywheel_group_owner (`team person … --role owner`).
-- A superuser is a member of every role.
CREATE FUNCTION flywheel_is_owner() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'flywheel_schema'::regclass), 'USAGE') THEN
        RETURN true;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flywheel_group_owner') THEN
        RETURN false;
    END IF;
    RETURN pg_has_role(current_user, 'flywheel_group_owner', 'MEMBER');
END $$;

-- A testimonial's approver: whoever set its approval time, by a move or by recording it approved
-- (testimonials.rs clears the time when it goes back before approval, and then the approver goes
-- too). A row written with its approver (a copy) keeps it; one copied from a solo file, where no
-- one is recorded, counts as approved by whoever copied it.
CREATE FUNCTION testimonials_approved_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.approved_at IS NULL THEN
        NEW.approved_by := NULL;
    ELSIF TG_OP = 'INSERT' THEN
        NEW.approved_by := coalesce(NEW.approved_by, current_user);
    ELSIF OLD.approved_at IS NULL THEN
        NEW.approved_by := current_user;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER testimonials_approved_by BEFORE INSERT OR UPDATE OF approved_at ON testimonials
    FOR EACH ROW EXECUTE FUNCTION testimonials_approved_by();

-- Only the owner marks a reward paid (SQLSTATE 42501, insufficient_privilege, which the core turns
-- into words), and the database records who did. Rewards written paid by an insert (the sample,
-- a copied solo file) are not a marking.
CREATE FUNCTION referrals_reward_paid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reward_status = 'paid' AND OLD.reward_status IS DISTINCT FROM 'paid' THEN
        IF NOT flywheel_is_owner() THEN
            RAISE EXCEPTION 'Only the owner marks a reward paid.'
                USING ERRCODE = '42501', COLUMN = 'reward_status', TABLE = 'referrals';
        END IF;
        NEW.reward_paid_by := current_user;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER referrals_reward_paid BEFORE UPDATE OF reward_status ON referrals
    FOR EACH ROW EXECUTE FUNCTION referrals_reward_paid();

-- Other desktops hear of a change to the people, as of the other tables (v17's notices).
CREATE TRIGGER people_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('people');
