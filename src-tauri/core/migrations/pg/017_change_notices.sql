-- v17: change notices between desktops (migrations/017_change_notices.sql is the file's side).
-- A statement that writes one of the tables people change notes that table's area (the core's
-- `areas.rs`: the words the window listens for) on the channel `flywheel_changes`. PostgreSQL
-- delivers a transaction's notices when it commits, each distinct one once, to every session that
-- LISTENs, so each desktop refreshes the views showing those areas. A rolled-back write says
-- nothing. Tables kept by triggers (summaries, keys, days) change only with one of these.

CREATE FUNCTION flywheel_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('flywheel_changes', TG_ARGV[0]);
    RETURN NULL;
END
$$;

CREATE TRIGGER contacts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contacts
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('contacts');
CREATE TRIGGER stage_events_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stage_events
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('stages');
CREATE TRIGGER purchases_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON purchases
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('purchases');
CREATE TRIGGER testimonials_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON testimonials
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('testimonials');
CREATE TRIGGER nps_answers_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON nps_answers
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('nps');
CREATE TRIGGER referrals_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON referrals
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('referrals');
CREATE TRIGGER followups_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON followups
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('followups');
CREATE TRIGGER channels_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON channels
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('channels');
CREATE TRIGGER channel_spend_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON channel_spend
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('spend');
CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('settings');
CREATE TRIGGER score_rules_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON score_rules
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('scoring');
CREATE TRIGGER import_batches_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON import_batches
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('imports');
CREATE TRIGGER import_mappings_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON import_mappings
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('imports');
CREATE TRIGGER contact_merges_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON contact_merges
    FOR EACH STATEMENT EXECUTE FUNCTION flywheel_changed('merges');
