-- The rights a staff role needs to use Flywheel on a team database, and no more: read and write the
-- rows, never change the schema. Run by the database's owner (the role that set the schema up and
-- runs its upgrades), through `flywheel --db postgresql://OWNER@HOST/DB team staff ROLE`
-- (`team_roles.rs`), which puts the quoted names in place of {role}, {database} and {schema}.
--
-- Not granted, so refused to the staff role: CREATE on the database or the schema (no tables,
-- functions or extensions of its own), ownership (no ALTER, DROP, COMMENT, GRANT), TRUNCATE,
-- REFERENCES, TRIGGER, and any write to the schema's version row.

-- Only the owner and the roles granted here may log in or use the schema: what PostgreSQL lets
-- every role do on a new database (CONNECT, TEMPORARY, USAGE of the schema, CREATE in it before
-- version 15, EXECUTE of functions) is taken from PUBLIC, so the grants below are all there is.
REVOKE ALL ON DATABASE {database} FROM PUBLIC;
REVOKE ALL ON SCHEMA {schema} FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
-- Log in, and the temporary tables a connection keeps for itself (cache.rs, summary.rs).
GRANT CONNECT, TEMPORARY ON DATABASE {database} TO {role};
-- See the schema's objects.
GRANT USAGE ON SCHEMA {schema} TO {role};
-- The rows: every table holds what people enter or what triggers derive from it.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
-- The version is the owner's to write, when it upgrades the schema.
REVOKE INSERT, UPDATE, DELETE ON flywheel_schema FROM {role};
-- Identity columns: after rows written with ids of their own (the sample, `team push`) each
-- sequence moves past the highest id (`setval`, `Connection::resync_ids`).
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
-- The schema's functions (SQLite's built-ins, the triggers' bodies) and pg_trgm's.
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {role};
-- The same on what the owner creates later (an upgrade's new tables, sequences and functions).
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role};
ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role};
