-- The three roles a person of the team may have (owner, marketing, sales: people.rs), as group
-- roles of the server, and a person's login made a member of theirs. Run by the schema's owner
-- through `flywheel --db postgresql://OWNER@HOST/DB team person LOGIN --name … --role …`
-- (`team_roles::add_person`), which puts the quoted names in place of {login} and {group}, and
-- runs `staff_grants.sql` for each group first: a group has every right a staff role has, except
-- what is taken below. A person's rights are their group's.
--
-- The groups are made when missing; making a role needs CREATEROLE (or the server's administrator
-- makes them first: CREATE ROLE flywheel_group_owner NOLOGIN; and the same for the other two).
-- They are the server's, shared by its databases; what each may do is granted in each database.
-- (Named flywheel_group_*, not flywheel_owner: the README's server setup names the database's
-- owner login flywheel_owner, and a login must never stand for a group.)
DO $$
DECLARE
    login_named TEXT;
BEGIN
    SELECT rolname INTO login_named FROM pg_roles
     WHERE rolname IN ('flywheel_group_owner', 'flywheel_group_marketing', 'flywheel_group_sales') AND rolcanlogin
     LIMIT 1;
    IF login_named IS NOT NULL THEN
        RAISE EXCEPTION 'The role % can log in: it is someone''s login, not Flywheel''s group role. Rename it first.', login_named;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flywheel_group_owner') THEN
        BEGIN CREATE ROLE flywheel_group_owner NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flywheel_group_marketing') THEN
        BEGIN CREATE ROLE flywheel_group_marketing NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'flywheel_group_sales') THEN
        BEGIN CREATE ROLE flywheel_group_sales NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    END IF;
END $$;
--[staff grants of each group]--
-- Channel spend: only the owner and marketing change it; sales read it.
REVOKE INSERT, UPDATE, DELETE ON channel_spend FROM flywheel_group_sales;
-- A reward marked paid is the owner's alone: the trigger referrals_reward_paid (pg/018_people.sql)
-- refuses anyone who is neither the schema's owner nor a member of flywheel_group_owner.

-- The login: a member of its one group (a new role replaces the old), and no right of its own to
-- change channel spend (a login given `team staff` before has one).
REVOKE flywheel_group_owner, flywheel_group_marketing, flywheel_group_sales FROM {login};
GRANT {group} TO {login};
REVOKE INSERT, UPDATE, DELETE ON channel_spend FROM {login};
