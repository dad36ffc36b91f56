//! The PostgreSQL baseline (migrations/pg/016_baseline.sql) against a fresh SQLite database of the
//! same version: the same tables, columns, keys, indexes and triggers, and the same rows in every
//! table after the same writes on both engines, so the triggers that keep the summaries are proven
//! to keep the same figures.
//!
//! Needs a PostgreSQL 15+ cluster: `FLYWHEEL_TEST_PG` holds its connection string (for instance
//! `host=/tmp/x port=55461 user=flywheel dbname=postgres`, a user that may create databases). Each
//! test makes its own database and drops it. Without the variable the tests say so and pass, but
//! fail under CI (`CI` set), where the cluster must be there.

use flywheel_core::db;
use flywheel_core::store::{params_from_iter, Connection};
use postgres::types::ToSql;
use postgres::{Client, NoTls};
use std::collections::{BTreeMap, BTreeSet};

const BASELINE: &str = include_str!("../migrations/pg/016_baseline.sql");

/// The FTS5 table of migration 008 and its shadow tables: PostgreSQL has a GIN trigram index
/// (`contacts_search`, on contacts) instead.
const FTS_TABLES: &[&str] = &[
    "contacts_search",
    "contacts_search_config",
    "contacts_search_content",
    "contacts_search_data",
    "contacts_search_docsize",
    "contacts_search_idx",
];

/// PostgreSQL's indexes that SQLite has no index of its own for (besides those of PRIMARY KEY and
/// UNIQUE constraints, compared as constraints).
const PG_ONLY_INDEXES: &[&str] = &["contacts_search", "flywheel_schema_one_row"];

/// PostgreSQL's tables that SQLite has not.
const PG_ONLY_TABLES: &[&str] = &["flywheel_schema", "summary_days_dirty"];

/// PostgreSQL's triggers that SQLite has not: the pause noted where a trigger's WHEN can read it,
/// the days a paused bulk write touched (`summary_days_dirty`), and who approved a testimonial or
/// marked a reward paid (v18: the session's login; a solo file has no logins), and the change notices
/// to other desktops (v17), one per table people change.
const PG_ONLY_TRIGGERS: &[&str] = &[
    "summaries_paused_note",
    "purchases_sales_dirty",
    "contacts_days_dirty",
    "referrals_days_dirty",
    "contacts_changed",
    "stage_events_changed",
    "purchases_changed",
    "testimonials_changed",
    "nps_answers_changed",
    "referrals_changed",
    "followups_changed",
    "channels_changed",
    "channel_spend_changed",
    "settings_changed",
    "score_rules_changed",
    "import_batches_changed",
    "import_mappings_changed",
    "contact_merges_changed",
    "testimonials_approved_by",
    "referrals_reward_paid",
    "people_changed",
    "referral_codes_changed",
];

/// The columns saying who did it (v18). On PostgreSQL the database writes the session's login
/// there (a default, or a trigger above); on a solo file they stay NULL, "you". So their defaults
/// differ, and in the rows compared the test's own login counts as NULL.
const ACTOR_COLUMNS: &[(&str, &str)] = &[
    ("stage_events", "done_by"),
    ("import_batches", "done_by"),
    ("testimonials", "approved_by"),
    ("referrals", "reward_paid_by"),
];

/// The default PostgreSQL gives a column of `ACTOR_COLUMNS`, if any.
fn actor_default(table: &str, column: &str) -> Option<&'static str> {
    match (table, column) {
        ("stage_events" | "import_batches", "done_by") => Some("CURRENT_USER"),
        _ => None,
    }
}

/// Every SQLite trigger and its PostgreSQL counterpart, a trigger on the same table firing at the
/// same time on the same event (and the same UPDATE OF columns), or None with the reason.
const TRIGGERS: &[(&str, Option<&str>)] = &[
    // v1, v10: the stage cache.
    ("stage_events_after_insert", Some("stage_events_after_insert")),
    ("stage_events_after_delete", Some("stage_events_after_delete")),
    ("stage_events_after_update", Some("stage_events_after_update")),
    // v5: rule points.
    ("contacts_rule_points_after_insert", Some("contacts_rule_points_after_insert")),
    ("contacts_rule_points_after_update", Some("contacts_rule_points_after_update")),
    // v8: none, the GIN index contacts_search is kept with the row by PostgreSQL.
    ("contacts_search_insert", None),
    ("contacts_search_update", None),
    ("contacts_search_delete", None),
    // v11: consent channels.
    ("testimonials_consent_channels_insert", Some("testimonials_consent_channels_insert")),
    ("testimonials_consent_channels_update", Some("testimonials_consent_channels_update")),
    // v13: duplicate keys.
    ("contact_keys_count_insert", Some("contact_keys_count_insert")),
    ("contact_keys_count_delete", Some("contact_keys_count_delete")),
    ("contact_keys_insert", Some("contact_keys_insert")),
    ("contact_keys_update", Some("contact_keys_update")),
    ("contact_keys_delete", Some("contact_keys_delete")),
    // v14: purchase summaries.
    ("purchases_sales_insert", Some("purchases_sales_insert")),
    ("purchases_sales_delete", Some("purchases_sales_delete")),
    ("purchases_sales_update", Some("purchases_sales_update")),
    ("purchases_days_insert", Some("purchases_days_insert")),
    ("purchases_days_delete", Some("purchases_days_delete")),
    ("purchases_days_update", Some("purchases_days_update")),
    ("purchase_days_gaps_insert", Some("purchase_days_gaps_insert")),
    ("purchase_days_gaps_delete", Some("purchase_days_gaps_delete")),
    ("purchase_days_summary_insert", Some("purchase_days_summary_insert")),
    ("purchase_days_summary_update", Some("purchase_days_summary_update")),
    ("purchase_days_summary_delete", Some("purchase_days_summary_delete")),
    ("purchases_dirty_insert", Some("purchases_dirty_insert")),
    ("purchases_dirty_delete", Some("purchases_dirty_delete")),
    ("purchases_dirty_update", Some("purchases_dirty_update")),
    ("nps_latest_insert", Some("nps_latest_insert")),
    ("nps_latest_delete", Some("nps_latest_delete")),
    ("nps_latest_update", Some("nps_latest_update")),
    // v16: loop summaries.
    ("purchase_days_referral_insert", Some("purchase_days_referral_insert")),
    ("purchase_days_referral_update", Some("purchase_days_referral_update")),
    ("purchase_days_referral_delete", Some("purchase_days_referral_delete")),
    ("referrals_sales_insert", Some("referrals_sales_insert")),
    ("referrals_sales_update", Some("referrals_sales_update")),
    ("referrals_sales_delete", Some("referrals_sales_delete")),
    ("contacts_days_insert", Some("contacts_days_insert")),
    ("contacts_days_delete", Some("contacts_days_delete")),
    ("contacts_days_update", Some("contacts_days_update")),
    ("referrals_days_insert", Some("referrals_days_insert")),
    ("referrals_days_delete", Some("referrals_days_delete")),
    ("referrals_days_update", Some("referrals_days_update")),
    ("purchases_products_insert", Some("purchases_products_insert")),
    ("purchases_products_delete", Some("purchases_products_delete")),
    ("purchases_products_update", Some("purchases_products_update")),
];

/// A database of its own on the cluster of `FLYWHEEL_TEST_PG` with the baseline applied, dropped
/// when the test ends; None (the test skips) when the variable is unset outside CI.
struct PgDb {
    client: Option<Client>,
    admin: Client,
    name: String,
}

/// The PostgreSQL half of every version after the baseline, as `db::open_team` runs them.
fn apply_upgrades(client: &mut Client) {
    for (i, sql) in db::PG_UPGRADES.iter().enumerate() {
        let version = 17 + i as i64;
        let mut tx = client.transaction().unwrap();
        tx.batch_execute(sql).unwrap_or_else(|e| panic!("version {version} applies: {e}"));
        tx.execute("UPDATE flywheel_schema SET version = $1", &[&version]).unwrap();
        tx.commit().unwrap();
    }
}

impl PgDb {
    fn create(test: &str) -> Option<PgDb> {
        Self::create_with(test, "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'", true)
    }

    /// A database made with `locale` (CREATE DATABASE's locale options); the baseline applied when
    /// `apply`.
    fn create_with(test: &str, locale: &str, apply: bool) -> Option<PgDb> {
        let url = match std::env::var("FLYWHEEL_TEST_PG") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => {
                if std::env::var("CI").is_ok_and(|v| !v.is_empty()) {
                    panic!("FLYWHEEL_TEST_PG is not set: CI must run the PostgreSQL schema tests");
                }
                eprintln!("skipped {test}: FLYWHEEL_TEST_PG is not set (a PostgreSQL connection string)");
                return None;
            }
        };
        let config: postgres::Config = url.parse().expect("FLYWHEEL_TEST_PG is a connection string");
        let mut admin = config.connect(NoTls).expect("connect to FLYWHEEL_TEST_PG");
        let name = format!("flywheel_pg_schema_{}_{test}", std::process::id());
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' {locale}"))
            .unwrap();
        let mut config = config.clone();
        config.dbname(&name);
        let mut client = config.connect(NoTls).unwrap();
        if apply {
            client.batch_execute(BASELINE).expect("the baseline applies");
            apply_upgrades(&mut client);
        }
        Some(PgDb { client: Some(client), admin, name })
    }

    fn client(&mut self) -> &mut Client {
        self.client.as_mut().expect("open")
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        drop(self.client.take());
        let _ = self.admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

fn sqlite() -> Connection {
    db::open_in_memory().unwrap()
}

fn lite_strings(conn: &Connection, sql: &str, arg: &str) -> Vec<Vec<Option<String>>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let rows = stmt
        .query_map(params_from_iter(std::iter::once(arg).filter(|a| !a.is_empty())), |r| {
            (0..n)
                .map(|i| {
                    Ok(match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(i) => Some(i.to_string()),
                        rusqlite::types::ValueRef::Real(f) => Some(f.to_string()),
                        rusqlite::types::ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
                        rusqlite::types::ValueRef::Blob(b) => Some(format!("{b:?}")),
                    })
                })
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// Every column of the result read as text (the query casts them).
fn pg_strings(client: &mut Client, sql: &str, arg: &str) -> Vec<Vec<Option<String>>> {
    let rows = if arg.is_empty() { client.query(sql, &[]) } else { client.query(sql, &[&arg]) }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|r| (0..r.len()).map(|i| r.get::<_, Option<String>>(i)).collect()).collect()
}

fn s(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("NULL")
}

fn lite_tables(conn: &Connection) -> Vec<String> {
    lite_strings(
        conn,
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        "",
    )
    .into_iter()
    .map(|r| s(&r[0]).to_owned())
    .filter(|t| !FTS_TABLES.contains(&t.as_str()))
    .collect()
}

fn lite_columns(conn: &Connection, table: &str) -> Vec<String> {
    lite_strings(conn, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", table)
        .into_iter()
        .map(|r| s(&r[0]).to_owned())
        .collect()
}

/// Each column as `name type notnull=… default=… pk=…`, in order; SQLite's types and defaults as
/// PostgreSQL spells them (INTEGER is bigint; `id INTEGER PRIMARY KEY` is an identity).
fn lite_column_shapes(conn: &Connection, table: &str) -> Vec<String> {
    let rows = lite_strings(
        conn,
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid",
        table,
    );
    rows.iter()
        .map(|r| {
            let (name, ty, pk) = (s(&r[0]), s(&r[1]), s(&r[4]));
            let ty = match ty {
                "INTEGER" => "bigint",
                "TEXT" => "text",
                "REAL" => "double precision",
                other => panic!("{table}.{name}: type {other} has no mapping"),
            };
            let notnull = s(&r[2]) == "1" || pk != "0";
            let default = if name == "id" && pk == "1" && ty == "bigint" {
                "identity".to_owned()
            } else if let Some(default) = actor_default(table, name) {
                default.to_owned()
            } else {
                s(&r[3]).to_owned()
            };
            format!("{name} {ty} notnull={notnull} default={default} pk={pk}")
        })
        .collect()
}

fn pg_column_shapes(client: &mut Client, table: &str) -> Vec<String> {
    let rows = pg_strings(
        client,
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                CASE WHEN a.attidentity <> '' THEN 'identity'
                     ELSE replace(pg_get_expr(d.adbin, d.adrelid), '::text', '') END,
                coalesce((SELECT k.ord FROM pg_index i, unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
                          WHERE i.indrelid = c.oid AND i.indisprimary AND k.attnum = a.attnum), 0)::text
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE c.relname = $1 AND c.relnamespace = current_schema()::regnamespace
           AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum",
        table,
    );
    rows.iter()
        .map(|r| {
            format!("{} {} notnull={} default={} pk={}", s(&r[0]), s(&r[1]), s(&r[2]), s(&r[3]), s(&r[4]))
        })
        .collect()
}

fn lite_foreign_keys(conn: &Connection, table: &str) -> BTreeSet<String> {
    lite_strings(
        conn,
        "SELECT \"from\", \"table\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?1)",
        table,
    )
    .iter()
    .map(|r| {
        format!("{} -> {}({}) on update {} on delete {}", s(&r[0]), s(&r[1]), s(&r[2]), s(&r[3]), s(&r[4]))
    })
    .collect()
}

fn pg_foreign_keys(client: &mut Client, table: &str) -> BTreeSet<String> {
    let action = |c: &str| match c {
        "a" => "NO ACTION",
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        other => panic!("action {other}"),
    };
    pg_strings(
        client,
        "SELECT a.attname::text, cf.relname::text, af.attname::text, con.confupdtype::text, con.confdeltype::text
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class cf ON cf.oid = con.confrelid
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
         JOIN pg_attribute af ON af.attrelid = con.confrelid AND af.attnum = con.confkey[1]
         WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND c.relname = $1
           AND c.relnamespace = current_schema()::regnamespace",
        table,
    )
    .iter()
    .map(|r| {
        format!(
            "{} -> {}({}) on update {} on delete {}",
            s(&r[0]),
            s(&r[1]),
            s(&r[2]),
            action(s(&r[3])),
            action(s(&r[4]))
        )
    })
    .collect()
}

/// The UNIQUE constraints of a table, as their column lists.
fn lite_uniques(conn: &Connection, table: &str) -> BTreeSet<String> {
    lite_strings(conn, "SELECT name FROM pragma_index_list(?1) WHERE origin = 'u'", table)
        .iter()
        .map(|r| {
            lite_strings(conn, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno", s(&r[0]))
                .iter()
                .map(|c| s(&c[0]).to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

fn pg_uniques(client: &mut Client, table: &str) -> BTreeSet<String> {
    pg_strings(
        client,
        "SELECT (SELECT string_agg(a.attname::text, ', ' ORDER BY k.ord)
                 FROM unnest(con.conkey) WITH ORDINALITY AS k (attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)
         FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
         WHERE con.contype = 'u' AND c.relname = $1 AND c.relnamespace = current_schema()::regnamespace",
        table,
    )
    .iter()
    .map(|r| s(&r[0]).to_owned())
    .collect()
}

/// How many CHECK constraints a table has (SQLite keeps them only in its CREATE TABLE text).
fn lite_checks(conn: &Connection, table: &str) -> usize {
    let sql = lite_strings(conn, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", table);
    let text = s(&sql[0][0]).to_uppercase();
    text.lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .map(|l| l.matches("CHECK (").count() + l.matches("CHECK(").count())
        .sum()
}

fn pg_checks(client: &mut Client, table: &str) -> usize {
    let n: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
             WHERE con.contype = 'c' AND c.relname = $1 AND c.relnamespace = current_schema()::regnamespace",
            &[&table],
        )
        .unwrap()
        .get(0);
    n as usize
}

/// The indexes created by name: name -> `table (columns) unique=… partial=…`, an expression
/// column as `<expr>`, a descending one with ` desc`.
fn lite_indexes(conn: &Connection) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for table in lite_tables(conn) {
        for r in lite_strings(
            conn,
            "SELECT name, \"unique\", partial FROM pragma_index_list(?1) WHERE origin = 'c'",
            &table,
        ) {
            let name = s(&r[0]).to_owned();
            let columns = lite_strings(
                conn,
                "SELECT coalesce(name, '<expr>') || CASE WHEN \"desc\" THEN ' desc' ELSE '' END
                 FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno",
                &name,
            )
            .iter()
            .map(|c| s(&c[0]).to_owned())
            .collect::<Vec<_>>()
            .join(", ");
            let shape = format!("{table} ({columns}) unique={} partial={}", s(&r[1]) == "1", s(&r[2]) == "1");
            out.insert(name, shape);
        }
    }
    out
}

/// PostgreSQL's indexes but those of constraints (primary keys, UNIQUE).
fn pg_indexes(client: &mut Client) -> BTreeMap<String, String> {
    pg_strings(
        client,
        "SELECT ic.relname::text, t.relname::text,
                (SELECT string_agg(coalesce(a.attname::text, '<expr>')
                                   || CASE WHEN (i.indoption[k.ord - 1] & 1) = 1 THEN ' desc' ELSE '' END,
                                   ', ' ORDER BY k.ord)
                 FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord)
                 LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                 WHERE k.ord <= i.indnkeyatts),
                i.indisunique::text, (i.indpred IS NOT NULL)::text
         FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
         WHERE t.relnamespace = current_schema()::regnamespace
           AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid)",
        "",
    )
    .iter()
    .map(|r| {
        (s(&r[0]).to_owned(), format!("{} ({}) unique={} partial={}", s(&r[1]), s(&r[2]), s(&r[3]), s(&r[4])))
    })
    .collect()
}

/// A trigger as `table timing event [columns]`, from SQLite's CREATE TRIGGER text.
fn lite_triggers(conn: &Connection) -> BTreeMap<String, String> {
    lite_strings(conn, "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger'", "")
        .iter()
        .map(|r| {
            let sql = s(&r[2]).to_uppercase();
            let words: Vec<&str> = sql.split_whitespace().collect();
            let at = words.iter().position(|w| matches!(*w, "BEFORE" | "AFTER")).expect("a timing");
            let (timing, event) = (words[at], words[at + 1]);
            let columns = if event == "UPDATE" && words[at + 2] == "OF" {
                let on = words[at + 3..].iter().position(|w| *w == "ON").unwrap() + at + 3;
                let mut cols: Vec<String> =
                    words[at + 3..on].join(" ").split(',').map(|c| c.trim().to_lowercase()).collect();
                cols.sort();
                cols.join(", ")
            } else {
                String::new()
            };
            (s(&r[0]).to_owned(), format!("{} {timing} {event} [{columns}]", s(&r[1])))
        })
        .collect()
}

fn pg_triggers(client: &mut Client) -> BTreeMap<String, String> {
    pg_strings(
        client,
        "SELECT t.trigger_name::text, t.event_object_table::text, t.action_timing::text,
                t.event_manipulation::text,
                coalesce((SELECT string_agg(u.event_object_column::text, ', ' ORDER BY u.event_object_column::text)
                          FROM information_schema.triggered_update_columns u
                          WHERE u.trigger_name = t.trigger_name AND u.event_object_table = t.event_object_table
                            AND u.trigger_schema = t.trigger_schema), '')
         FROM information_schema.triggers t WHERE t.trigger_schema = current_schema()",
        "",
    )
    .iter()
    .map(|r| (s(&r[0]).to_owned(), format!("{} {} {} [{}]", s(&r[1]), s(&r[2]), s(&r[3]), s(&r[4]))))
    .collect()
}

#[test]
fn the_baseline_has_every_table_column_key_index_trigger_and_view_of_sqlite() {
    let Some(mut pg) = PgDb::create("shape") else { return };
    let lite = sqlite();
    let pg = pg.client();

    // Tables and their columns, in order, with types, NOT NULL, defaults and primary keys.
    let lite_names = lite_tables(&lite);
    let pg_names: Vec<String> = pg_strings(
        pg,
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
        "",
    )
    .iter()
    .map(|r| s(&r[0]).to_owned())
    .filter(|t| !PG_ONLY_TABLES.contains(&t.as_str()))
    .collect();
    assert_eq!(lite_names, pg_names, "the same tables");
    for table in &lite_names {
        assert_eq!(lite_column_shapes(&lite, table), pg_column_shapes(pg, table), "columns of {table}");
        assert_eq!(lite_foreign_keys(&lite, table), pg_foreign_keys(pg, table), "foreign keys of {table}");
        assert_eq!(lite_uniques(&lite, table), pg_uniques(pg, table), "UNIQUE constraints of {table}");
        assert_eq!(lite_checks(&lite, table), pg_checks(pg, table), "how many CHECKs {table} has");
    }

    // Indexes by name, on the same columns, as unique and as partial as in SQLite.
    let mut pg_idx = pg_indexes(pg);
    for name in PG_ONLY_INDEXES {
        assert!(pg_idx.remove(*name).is_some(), "PostgreSQL has the index {name}");
    }
    assert_eq!(lite_indexes(&lite), pg_idx, "the same indexes");

    // Triggers: each SQLite trigger mapped, each counterpart on the same table, timing, event and
    // columns, and no other trigger in PostgreSQL.
    let lite_trg = lite_triggers(&lite);
    let mapped: BTreeSet<&str> = TRIGGERS.iter().map(|(t, _)| *t).collect();
    let in_sqlite: BTreeSet<&str> = lite_trg.keys().map(String::as_str).collect();
    assert_eq!(in_sqlite, mapped, "every SQLite trigger is in TRIGGERS, and only those");
    let mut pg_trg = pg_triggers(pg);
    for name in PG_ONLY_TRIGGERS {
        assert!(pg_trg.remove(*name).is_some(), "PostgreSQL has the trigger {name}");
    }
    let mut expected = BTreeMap::new();
    for (sqlite_name, counterpart) in TRIGGERS {
        if let Some(pg_name) = counterpart {
            expected.insert(pg_name.to_string(), lite_trg[*sqlite_name].clone());
        }
    }
    assert_eq!(expected, pg_trg, "the same triggers (table, timing, event, columns)");

    // Views and their columns.
    let lite_views: Vec<String> =
        lite_strings(&lite, "SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name", "")
            .iter()
            .map(|r| s(&r[0]).to_owned())
            .collect();
    let pg_views: Vec<String> = pg_strings(
        pg,
        "SELECT table_name::text FROM information_schema.views WHERE table_schema = current_schema()
         ORDER BY table_name",
        "",
    )
    .iter()
    .map(|r| s(&r[0]).to_owned())
    .collect();
    assert_eq!(lite_views, pg_views);
    for view in &lite_views {
        let pg_cols: Vec<String> = pg_strings(
            pg,
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name::text = $1 ORDER BY ordinal_position",
            view,
        )
        .iter()
        .map(|r| s(&r[0]).to_owned())
        .collect();
        assert_eq!(lite_columns(&lite, view), pg_cols, "columns of the view {view}");
    }

    // The version.
    let version: i64 = pg.query_one("SELECT version FROM flywheel_schema", &[]).unwrap().get(0);
    assert_eq!(version, db::SCHEMA_VERSION);
    assert!(pg.execute("INSERT INTO flywheel_schema (version) VALUES (99)", &[]).is_err(), "one row only");
}

/// Text must sort by its bytes, as SQLite's does: a database sorting by ICU is refused, and the
/// refusal leaves nothing behind (one transaction).
#[test]
fn the_baseline_refuses_a_database_that_sorts_text_otherwise() {
    let Some(mut pg) = PgDb::create_with(
        "icu",
        "LOCALE_PROVIDER icu ICU_LOCALE 'en' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'",
        false,
    ) else {
        return;
    };
    let err = pg.client().batch_execute(BASELINE).unwrap_err();
    assert!(err.as_db_error().is_some_and(|e| e.message().contains("LC_COLLATE")), "{err}");
    let tables: i64 = pg
        .client()
        .query_one("SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

/// A value bound to a placeholder.
#[derive(Clone, Copy)]
enum Arg {
    I(i64),
    T(&'static str),
}
use Arg::{I, T};

/// One SQLite connection and one PostgreSQL database, written with the same statements.
struct Both {
    lite: Connection,
    pg: PgDb,
    /// Compare every table after each statement `run` makes: a trigger's mistake shows before a
    /// later write's trigger rebuilds the same rows.
    check_each: bool,
    /// Inside a bulk write: the per-day counts PostgreSQL leaves to the end of it (the baseline's
    /// `summary_days_dirty`) are not compared.
    paused_days: bool,
}

fn args_text(args: &[Arg]) -> String {
    let texts: Vec<String> = args
        .iter()
        .map(|a| match a {
            I(i) => i.to_string(),
            T(t) => format!("'{t}'"),
        })
        .collect();
    format!("[{}]", texts.join(", "))
}

/// `?N` placeholders as PostgreSQL's `$N`.
fn dollar(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl Both {
    fn create(test: &str) -> Option<Both> {
        Some(Both { pg: PgDb::create(test)?, lite: sqlite(), check_each: false, paused_days: false })
    }

    fn lite_run(&self, sql: &str, args: &[Arg]) -> rusqlite::Result<usize> {
        let values = args.iter().map(|a| match a {
            I(i) => rusqlite::types::Value::Integer(*i),
            T(t) => rusqlite::types::Value::Text((*t).to_owned()),
        });
        self.lite.execute(sql, params_from_iter(values))
    }

    fn pg_run(
        client: &mut impl postgres::GenericClient,
        sql: &str,
        args: &[Arg],
    ) -> Result<u64, postgres::Error> {
        let owned: Vec<Box<dyn ToSql + Sync>> = args
            .iter()
            .map(|a| -> Box<dyn ToSql + Sync> {
                match a {
                    I(i) => Box::new(*i),
                    T(t) => Box::new((*t).to_owned()),
                }
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = owned.iter().map(|b| b.as_ref()).collect();
        client.execute(dollar(sql).as_str(), &refs)
    }

    /// Runs `sql` (placeholders `?1`, `?2`, ...) on both; both must take it and change as many rows.
    fn run(&mut self, sql: &str, args: &[Arg]) {
        let lite = self.lite_run(sql, args).unwrap_or_else(|e| panic!("SQLite: {sql}: {e}"));
        let pg =
            Self::pg_run(self.pg.client(), sql, args).unwrap_or_else(|e| panic!("PostgreSQL: {sql}: {e}"));
        assert_eq!(lite as u64, pg, "rows changed by {sql}");
        if self.check_each {
            self.same_everywhere(&format!("after {sql} {}", args_text(args)));
        }
    }

    fn batch(&mut self, sql: &str) {
        self.lite.execute_batch(sql).unwrap_or_else(|e| panic!("SQLite: {sql}: {e}"));
        self.pg.client().batch_execute(sql).unwrap_or_else(|e| panic!("PostgreSQL: {sql}: {e}"));
    }

    /// Whether each engine takes `sql`; what it wrote is rolled back.
    fn verdict(&mut self, sql: &str, args: &[Arg]) -> (bool, bool) {
        self.lite.execute_batch("SAVEPOINT verdict").unwrap();
        let lite = self.lite_run(sql, args).is_ok();
        self.lite.execute_batch("ROLLBACK TO verdict; RELEASE verdict").unwrap();
        let mut tx = self.pg.client().transaction().unwrap();
        let pg = Self::pg_run(&mut tx, sql, args).is_ok();
        tx.rollback().unwrap();
        (lite, pg)
    }

    /// Every row of `table` on one engine, each as its columns' text joined by `|`, sorted.
    fn lite_rows(&self, table: &str) -> Vec<String> {
        let columns = lite_columns(&self.lite, table);
        let select = columns.iter().map(|c| format!("CAST(\"{c}\" AS TEXT)")).collect::<Vec<_>>().join(", ");
        let mut rows: Vec<String> = lite_strings(&self.lite, &format!("SELECT {select} FROM {table}"), "")
            .iter()
            .map(|r| r.iter().map(s).collect::<Vec<_>>().join("|"))
            .collect();
        rows.sort();
        rows
    }

    fn pg_rows(&mut self, table: &str) -> Vec<String> {
        let columns = lite_columns(&self.lite, table);
        let select = columns
            .iter()
            .map(|c| match ACTOR_COLUMNS.contains(&(table, c.as_str())) {
                true => format!("nullif(\"{c}\", current_user)"),
                false => format!("\"{c}\"::text"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        let mut rows: Vec<String> =
            pg_strings(self.pg.client(), &format!("SELECT {select} FROM {table}"), "")
                .iter()
                .map(|r| r.iter().map(s).collect::<Vec<_>>().join("|"))
                .collect();
        rows.sort();
        rows
    }

    /// Every table holds the same rows on both engines (`when` names the moment in a failure).
    fn same_everywhere(&mut self, when: &str) {
        for table in lite_tables(&self.lite) {
            if self.paused_days && (table == "sales_days" || table == "contact_days") {
                continue;
            }
            let lite = self.lite_rows(&table);
            let pg = self.pg_rows(&table);
            assert_eq!(lite, pg, "{table} {when} (left SQLite, right PostgreSQL)");
        }
    }

    fn count(&mut self, table: &str) -> usize {
        let lite = self.lite_rows(table).len();
        assert_eq!(lite, self.pg_rows(table).len());
        lite
    }
}

const CONTACT: &str = "INSERT INTO contacts
    (id, first_name, last_name, email, phone, company, segment, tags, source, created_at, updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";
const PURCHASE: &str = "INSERT INTO purchases
    (id, contact_id, purchased_on, amount_minor, refunded_minor, currency, product, created_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '2026-03-01T00:00:00Z')";
const REFERRAL: &str = "INSERT INTO referrals (id, advocate_id, referred_id, referred_on, flags, created_at)
    VALUES (?1, ?2, ?3, ?4, ?5, '2026-03-01T00:00:00Z')";
const NPS: &str = "INSERT INTO nps_answers (id, contact_id, score, answered_on, created_at)
    VALUES (?1, ?2, ?3, ?4, '2026-03-01T00:00:00Z')";

#[test]
fn the_triggers_keep_the_same_rows_as_sqlite_through_inserts_updates_deletes_and_a_bulk_write() {
    let Some(mut both) = Both::create("triggers") else { return };
    let b = &mut both;
    b.same_everywhere("when new");
    b.check_each = true;

    // Rules first, so the contacts' rule points count them: a tag matched ignoring case.
    b.run(
        "INSERT INTO score_rules (id, kind, value, points, created_at) VALUES (1, 'tag', 'vip', 10, 't'),
         (2, 'source', 'organic_search', 5, 't')",
        &[],
    );
    // Ann and Bob; Ann's double (the same mailbox, name and phone, spelt otherwise); Zoë beyond A-Z.
    b.run(
        CONTACT,
        &[
            I(1),
            T("Ann"),
            T("Robson"),
            T("ann+shop@bakery.test"),
            T("(555) 123-4567"),
            T(" Sunny Bakery "),
            T("Retail"),
            T(r#"["VIP", "early"]"#),
            T("organic_search"),
            T("2026-01-05T09:00:00Z"),
        ],
    );
    b.run(
        CONTACT,
        &[
            I(2),
            T("Bob"),
            T("Stone"),
            T("bob@stone.test"),
            T(""),
            T("sunny bakery"),
            T("retail"),
            T("[]"),
            T("paid_search"),
            T("2026-01-06T10:00:00Z"),
        ],
    );
    b.run(
        CONTACT,
        &[
            I(3),
            T("ANN"),
            T("Rob son"),
            T("ann@bakery.test"),
            T("555.123.4567"),
            T(""),
            T(""),
            T(r#"["vip"]"#),
            T("referrals"),
            T("2026-01-06T11:00:00Z"),
        ],
    );
    b.run(
        CONTACT,
        &[
            I(4),
            T("Zoë"),
            T("ÉLAN"),
            T("zoe@elan.test"),
            T(""),
            T("Élan SA"),
            T(""),
            T("[]"),
            T("other_campaigns"),
            T("2026-01-07T12:00:00Z"),
        ],
    );
    b.run(
        "INSERT INTO stage_events (id, contact_id, stage, at, actor) VALUES
         (1, 1, 'lead', '2026-01-05T09:00:00Z', 'marketing'), (2, 1, 'customer', '2026-01-10T00:00:00Z', 'system'),
         (3, 2, 'mql', '2026-01-06T10:00:00Z', 'marketing')",
        &[],
    );
    b.same_everywhere("after the contacts");

    // Bob was referred by Ann on the 8th; Zoë by Ann too, but flagged as a self-referral.
    b.run(REFERRAL, &[I(1), I(1), I(2), T("2026-01-08"), T("[]")]);
    b.run(REFERRAL, &[I(2), I(1), I(4), T("2026-01-07"), T(r#"["self_referral"]"#)]);
    // Ann buys on three days, twice on the 10th; one order refunded in full, one in part, one free.
    for (id, contact, day, amount, refunded, currency, product) in [
        (1, 1, "2026-01-10", 1000, 0, "USD", "Bread"),
        (2, 1, "2026-01-10", 500, 100, "USD", "Cake"),
        (3, 1, "2026-01-20", 700, 0, "USD", "Bread"),
        (4, 1, "2026-02-03", 300, 300, "USD", "Cake"),
        (5, 1, "2026-01-30", 0, 0, "USD", "Sample"),
        (6, 1, "2026-01-15", 900, 0, "EUR", "Bread"),
        // Bob: before his referral day (not the referral's), on it, and after.
        (7, 2, "2026-01-07", 100, 0, "USD", "Bread"),
        (8, 2, "2026-01-08", 2000, 0, "USD", "Cake"),
        (9, 2, "2026-01-09", 400, 0, "USD", "Cake"),
        (10, 2, "2026-01-08", 250, 0, "EUR", "Bread"),
        (11, 4, "2026-01-12", 800, 0, "USD", "Bread"),
        (12, 3, "2026-01-11", 50, 0, "USD", "Bread"),
    ] {
        b.run(PURCHASE, &[I(id), I(contact), T(day), I(amount), I(refunded), T(currency), T(product)]);
    }
    b.run(
        "INSERT INTO testimonials (id, contact_id, status, quote, approved_at, consent_publish,
             consent_channels, consent_given_at, created_at, updated_at)
         VALUES (1, 1, 'approved', 'Lovely bread.', '2026-01-21T00:00:00Z', 1, '[\"website\",\"case_study\"]',
             '2026-01-21T00:00:00Z', 't', 't')",
        &[],
    );
    // A referral made after its contact bought, on the day of one purchase and before another.
    b.run(REFERRAL, &[I(5), I(4), I(3), T("2026-01-11"), T("[]")]);
    b.run(PURCHASE, &[I(13), I(3), T("2026-01-10"), I(70), I(0), T("USD"), T("Bread")]);
    b.run(PURCHASE, &[I(14), I(3), T("2026-01-13"), I(90), I(0), T("USD"), T("Bread")]);
    b.run(NPS, &[I(1), I(1), I(9), T("2026-01-12")]);
    b.run(NPS, &[I(2), I(1), I(6), T("2026-01-12")]);
    b.run(NPS, &[I(3), I(2), I(10), T("2026-01-11")]);
    b.run(NPS, &[I(4), I(2), I(3), T("2026-01-01")]);
    b.same_everywhere("after the purchases, referrals, testimonial and answers");
    assert!(b.count("purchase_gaps") > 0 && b.count("referral_sales") > 0 && b.count("duplicate_groups") > 0);

    // Updates: a later refund in full, a purchase moved to another day and currency, a product
    // renamed, a contact renamed, archived and moved to another source, a referral flagged and
    // moved, an answer and a stage event moved in time.
    b.run("UPDATE purchases SET refunded_minor = 1000 WHERE id = 1", &[]);
    b.run("UPDATE purchases SET purchased_on = '2026-01-25', currency = 'EUR' WHERE id = 3", &[]);
    b.run("UPDATE purchases SET product = 'Rye' WHERE id = 9", &[]);
    b.run("UPDATE purchases SET contact_id = 3 WHERE id = 11", &[]);
    b.run("UPDATE contacts SET last_name = 'Robson', phone = '555 123 4567' WHERE id = 3", &[]);
    b.run("UPDATE contacts SET archived_at = '2026-02-01T00:00:00Z' WHERE id = 4", &[]);
    b.run("UPDATE contacts SET source = 'referrals', tags = '[\"Vip\"]' WHERE id = 2", &[]);
    b.run("UPDATE contacts SET created_at = '2026-01-09T00:00:00Z' WHERE id = 1", &[]);
    b.run("UPDATE referrals SET flags = '[]', referred_on = '2026-01-06' WHERE id = 2", &[]);
    b.run("UPDATE referrals SET flags = '[\"self_referral\"]' WHERE id = 1", &[]);
    b.run(
        "UPDATE referrals SET flags = '[\"already_customer\"]', referred_on = '2026-01-09' WHERE id = 1",
        &[],
    );
    b.run("UPDATE nps_answers SET answered_on = '2026-01-13' WHERE id = 2", &[]);
    b.run("UPDATE nps_answers SET contact_id = 3 WHERE id = 4", &[]);
    b.run("UPDATE stage_events SET at = '2026-01-04T00:00:00Z' WHERE id = 2", &[]);
    b.run("UPDATE stage_events SET contact_id = 3 WHERE id = 3", &[]);
    b.run("UPDATE score_rules SET points = 20 WHERE id = 1", &[]);
    b.same_everywhere("after the updates");

    // Deletes: an order refunded in full beside a counted one of its day, one of two orders of a
    // day, the only order of a day; then a referred contact with their purchases, referral and
    // answers (the cascade), then the advocate.
    b.run("DELETE FROM purchases WHERE id = 1", &[]);
    b.run(PURCHASE, &[I(15), I(3), T("2026-01-13"), I(40), I(10), T("USD"), T("Cake")]);
    b.run("DELETE FROM purchases WHERE id = 14", &[]);
    b.run("DELETE FROM purchases WHERE id = 2", &[]);
    b.run("DELETE FROM purchases WHERE id = 5", &[]);
    b.same_everywhere("after deleting purchases");
    b.run("DELETE FROM contacts WHERE id = 2", &[]);
    b.same_everywhere("after deleting a referred contact");
    b.run("DELETE FROM nps_answers WHERE id = 2", &[]);
    b.run("DELETE FROM stage_events WHERE id = 2", &[]);
    b.run("DELETE FROM contacts WHERE id = 1", &[]);
    b.same_everywhere("after deleting the advocate");

    // A bulk write as summary::paused does it: the paused row, writes, and what the triggers note
    // (the touched contacts; the sales and contact days, kept all the same) before the rebuild.
    b.run(
        CONTACT,
        &[
            I(5),
            T("Cy"),
            T("Young"),
            T("cy@young.test"),
            T(""),
            T(""),
            T(""),
            T("[]"),
            T("referrals"),
            T("2026-02-02T08:00:00Z"),
        ],
    );
    b.run(REFERRAL, &[I(3), I(3), I(5), T("2026-02-02"), T("[]")]);
    b.batch("BEGIN");
    b.run("INSERT INTO summaries_paused (paused) VALUES (1)", &[]);
    b.paused_days = true;
    b.run(PURCHASE, &[I(20), I(5), T("2026-02-03"), I(100), I(0), T("USD"), T("Bread")]);
    b.run(PURCHASE, &[I(21), I(5), T("2026-02-05"), I(100), I(100), T("USD"), T("Bread")]);
    b.run(PURCHASE, &[I(22), I(3), T("2026-02-05"), I(60), I(0), T("USD"), T("Cake")]);
    b.run("UPDATE purchases SET purchased_on = '2026-02-06' WHERE id = 12", &[]);
    b.run("DELETE FROM purchases WHERE id = 11", &[]);
    b.run(
        CONTACT,
        &[
            I(6),
            T("Dee"),
            T("Young"),
            T("cy+2@young.test"),
            T(""),
            T(""),
            T(""),
            T("[]"),
            T("paid_social"),
            T("2026-02-02T09:00:00Z"),
        ],
    );
    b.run(REFERRAL, &[I(4), I(5), I(6), T("2026-02-05"), T("[]")]);
    b.same_everywhere("inside a bulk write");
    assert_eq!(b.count("summaries_dirty"), 2, "the touched contacts are noted");
    let days: Vec<String> =
        pg_strings(b.pg.client(), "SELECT kind, currency, day FROM summary_days_dirty ORDER BY 1, 2, 3", "")
            .iter()
            .map(|r| r.iter().map(s).collect::<Vec<_>>().join("|"))
            .collect();
    // Dee's day (created, then referred); the three new orders' days; purchase 12 moved from the
    // 11th to the 6th; purchase 11's day, deleted.
    assert_eq!(
        days,
        [
            "contacts||2026-02-02",
            "sales|USD|2026-01-11",
            "sales|USD|2026-01-12",
            "sales|USD|2026-02-03",
            "sales|USD|2026-02-05",
            "sales|USD|2026-02-06"
        ],
        "the days the bulk write touched are marked on PostgreSQL"
    );
    // What summary.rs `resume` does on PostgreSQL before it lifts the pause.
    b.pg.client().execute("SELECT summary_days_recount()", &[]).unwrap();
    b.paused_days = false;
    b.same_everywhere("with the marked days counted again");
    b.run("DELETE FROM summaries_paused", &[]);
    b.batch("COMMIT");
    b.run(
        "INSERT INTO purchases (id, contact_id, purchased_on, amount_minor, currency, created_at)
           VALUES (23, 5, '2026-02-04', 10, 'USD', 't')",
        &[],
    );
    b.same_everywhere("after the bulk write");
    // A contact referred by a real referral, not from the Referrals source: their day loses a
    // referred contact (the BEFORE DELETE trigger sees the referral the cascade takes).
    b.run("DELETE FROM contacts WHERE id = 6", &[]);
    b.run("DELETE FROM referrals WHERE id = 5", &[]);
    b.run("DELETE FROM contacts WHERE id = 3", &[]);

    // Statements of many rows: PostgreSQL runs a row's AFTER triggers when the statement ends,
    // SQLite right after the row; the summaries must end the same.
    b.run(
        "INSERT INTO contacts (id, first_name, email, source, created_at, updated_at) VALUES
         (7, 'Eve', 'eve@x.test', 'paid_search', '2026-02-10T00:00:00Z', 't'),
         (8, 'Fay', 'eve+fay@x.test', 'paid_search', '2026-02-10T01:00:00Z', 't'),
         (9, 'Gus', NULL, 'referrals', '2026-02-11T00:00:00Z', 't')",
        &[],
    );
    b.run(
        "INSERT INTO referrals (id, advocate_id, referred_id, referred_on, created_at) VALUES
         (6, 7, 8, '2026-02-10', 't'), (7, 8, 9, '2026-02-12', 't'), (8, 9, 7, '2026-02-11', 't')",
        &[],
    );
    b.run(
        "INSERT INTO purchases (id, contact_id, purchased_on, amount_minor, refunded_minor, currency, product, created_at)
         VALUES (30, 8, '2026-02-12', 100, 0, 'USD', 'Bread', 't'), (31, 8, '2026-02-12', 200, 0, 'USD', 'Cake', 't'),
                (32, 8, '2026-02-10', 300, 300, 'USD', 'Cake', 't'), (33, 8, '2026-02-20', 400, 0, 'USD', 'Bread', 't'),
                (34, 9, '2026-02-12', 500, 0, 'USD', 'Bread', 't'), (35, 9, '2026-02-15', 600, 0, 'EUR', 'Bread', 't'),
                (36, 7, '2026-02-11', 0, 0, 'USD', 'Sample', 't'), (37, 8, '2026-02-16', 50, 0, 'USD', 'Rye', 't')",
        &[],
    );
    b.run(
        "INSERT INTO nps_answers (id, contact_id, score, answered_on, created_at) VALUES
           (10, 8, 5, '2026-02-12', 't'), (11, 8, 8, '2026-02-12', 't'), (12, 9, 9, '2026-02-13', 't')",
        &[],
    );
    b.run("UPDATE purchases SET purchased_on = '2026-02-14' WHERE contact_id = 8 AND product = 'Cake'", &[]);
    b.run("UPDATE purchases SET refunded_minor = amount_minor WHERE purchased_on = '2026-02-12'", &[]);
    b.run("UPDATE referrals SET referred_on = '2026-02-01', flags = '[]' WHERE id IN (6, 7)", &[]);
    b.run("UPDATE contacts SET source = 'referrals', last_name = 'Ng' WHERE id IN (7, 8)", &[]);
    b.run("DELETE FROM purchases WHERE contact_id = 8 AND purchased_on < '2026-02-17'", &[]);
    b.run("DELETE FROM nps_answers WHERE contact_id = 8", &[]);
    b.run("DELETE FROM contacts WHERE id IN (7, 8, 9)", &[]);
    assert_eq!(b.count("contact_days"), 2, "the days of Zoë (archived) and Cy are left");
}

#[test]
fn both_engines_refuse_and_take_the_same_rows_and_read_the_same_answers() {
    let Some(mut both) = Both::create("verdicts") else { return };
    let b = &mut both;
    b.run(
        CONTACT,
        &[
            I(1),
            T("Ann"),
            T("Lee"),
            T("ann@x.test"),
            T(""),
            T(""),
            T(""),
            T("[]"),
            T("paid_search"),
            T("2026-01-01T00:00:00Z"),
        ],
    );
    b.run(
        CONTACT,
        &[
            I(2),
            T("Bo"),
            T("Lee"),
            T("bo@x.test"),
            T(""),
            T(""),
            T(""),
            T("[]"),
            T("paid_search"),
            T("2026-01-01T00:00:00Z"),
        ],
    );
    b.run(PURCHASE, &[I(1), I(1), T("2026-01-02"), I(100), I(0), T("USD"), T("")]);
    let statements: &[(&str, &[Arg], bool)] = &[
        // A channel name differing only in case (COLLATE NOCASE), and one that does not.
        ("INSERT INTO channels (key, name, created_at) VALUES ('x', 'organic SEARCH', 't')", &[], false),
        ("INSERT INTO channels (key, name, created_at) VALUES ('x', 'Organic Searches', 't')", &[], true),
        ("INSERT INTO score_rules (kind, value, points, created_at) VALUES ('tag', 'a', 1, 't'), ('tag', 'A', 2, 't')", &[], false),
        ("INSERT INTO score_rules (kind, value, points, created_at) VALUES ('tag', 'a', 0, 't')", &[], false),
        ("INSERT INTO score_rules (kind, value, points, created_at) VALUES ('tag', 'a', -100, 't')", &[], true),
        // JSON, ranges, lengths, the month's pattern, the referral's two sides.
        ("UPDATE contacts SET tags = '[\"a\"' WHERE id = 1", &[], false),
        ("UPDATE contacts SET tags = '{\"a\": [1, 2.5e3, null, true]}' WHERE id = 1", &[], true),
        ("UPDATE contacts SET tags = '' WHERE id = 1", &[], false),
        ("UPDATE contacts SET tags = '[1,]' WHERE id = 1", &[], false),
        ("UPDATE contacts SET tags = ' [\"a\", {\"b\": \"\\u00e9\"}] ' WHERE id = 1", &[], true),
        ("UPDATE contacts SET tags = '\"just text\"' WHERE id = 1", &[], true),
        ("UPDATE contacts SET tags = '{a: 1}' WHERE id = 1", &[], false),
        ("UPDATE contacts SET lead_score = 101 WHERE id = 1", &[], false),
        ("UPDATE contacts SET source = 'nowhere' WHERE id = 1", &[], false),
        ("UPDATE contacts SET email = 'bo@x.test' WHERE id = 1", &[], false),
        ("UPDATE contacts SET email = NULL WHERE id IN (1, 2)", &[], true),
        ("UPDATE purchases SET refunded_minor = 101 WHERE id = 1", &[], false),
        ("UPDATE purchases SET currency = 'US' WHERE id = 1", &[], false),
        ("UPDATE purchases SET currency = 'ÉUR' WHERE id = 1", &[], true),
        ("UPDATE purchases SET quantity = 0 WHERE id = 1", &[], false),
        ("INSERT INTO channel_spend (channel_key, month, amount_minor, currency) VALUES ('paid_search', '2026-13', 1, 'USD')", &[], true),
        ("INSERT INTO channel_spend (channel_key, month, amount_minor, currency) VALUES ('paid_search', '2026-1', 1, 'USD')", &[], false),
        ("INSERT INTO channel_spend (channel_key, month, amount_minor, currency) VALUES ('paid_search', '2026-01x', 1, 'USD')", &[], false),
        ("INSERT INTO channel_spend (channel_key, month, amount_minor, currency) VALUES ('paid_search', '2026-21', 1, 'USD')", &[], false),
        ("INSERT INTO referrals (advocate_id, referred_id, referred_on, created_at) VALUES (1, 1, 'd', 't')", &[], false),
        ("INSERT INTO referrals (advocate_id, referred_id, referred_on, created_at) VALUES (1, 2, 'd', 't')", &[], true),
        ("INSERT INTO referrals (advocate_id, referred_id, referred_on, reward_status, created_at) VALUES (1, 2, 'd', 'maybe', 't')", &[], false),
        ("INSERT INTO stage_events (contact_id, stage, at, actor) VALUES (1, 'champion', 'd', 'system')", &[], false),
        ("INSERT INTO stage_events (contact_id, stage, at, actor) VALUES (9, 'lead', 'd', 'system')", &[], false),
        // Consent channels: only those of the set, whatever writes.
        ("INSERT INTO testimonials (contact_id, status, consent_channels, created_at, updated_at) VALUES (1, 'requested', '[\"website\", \"pigeon\"]', 't', 't')", &[], false),
        ("INSERT INTO testimonials (contact_id, status, consent_channels, created_at, updated_at) VALUES (1, 'requested', '[\"website\", \"sales_deck\"]', 't', 't')", &[], true),
        ("INSERT INTO testimonials (contact_id, status, rating, created_at, updated_at) VALUES (1, 'requested', 6, 't', 't')", &[], false),
        ("INSERT INTO import_prior_values (batch_id, table_name, row_id, row_json) VALUES (1, 'stage_events', 1, '{}')", &[], false),
        ("INSERT INTO summaries_paused (paused) VALUES (2)", &[], false),
        ("UPDATE channels SET builtin = 2 WHERE key = 'referrals'", &[], false),
        ("UPDATE channels SET archived = 1 WHERE key = 'referrals'", &[], true),
        ("UPDATE purchases SET amount_minor = -1, refunded_minor = 0 WHERE id = 1", &[], false),
        ("UPDATE purchases SET amount_minor = 0, refunded_minor = 0 WHERE id = 1", &[], true),
        ("INSERT INTO channel_spend (channel_key, month, amount_minor, currency, visitors) VALUES ('paid_search', '2026-01', 1, 'USD', -1)", &[], false),
        ("INSERT INTO channel_spend (channel_key, month, amount_minor, currency) VALUES ('paid_search', '2026-01', -1, 'USD')", &[], false),
        ("INSERT INTO testimonials (contact_id, status, consent_publish, created_at, updated_at) VALUES (1, 'requested', 2, 't', 't')", &[], false),
        ("INSERT INTO testimonials (contact_id, status, consent_named, created_at, updated_at) VALUES (1, 'requested', -1, 't', 't')", &[], false),
        ("INSERT INTO testimonials (contact_id, status, created_at, updated_at) VALUES (1, 'pending', 't', 't')", &[], false),
        ("INSERT INTO testimonials (contact_id, status, tags, created_at, updated_at) VALUES (1, 'requested', 'x', 't', 't')", &[], false),
        ("INSERT INTO testimonials (contact_id, status, consent_share_figures, created_at, updated_at) VALUES (1, 'requested', 7, 't', 't')", &[], true),
        ("INSERT INTO nps_answers (contact_id, score, answered_on, created_at) VALUES (1, 11, 'd', 't')", &[], false),
        ("INSERT INTO nps_answers (contact_id, score, answered_on, created_at) VALUES (1, 0, 'd', 't')", &[], true),
        ("INSERT INTO referrals (advocate_id, referred_id, referred_on, reward_minor, created_at) VALUES (1, 2, 'd', -1, 't')", &[], false),
        ("INSERT INTO referrals (advocate_id, referred_id, referred_on, reward_currency, created_at) VALUES (1, 2, 'd', 'EURO', 't')", &[], false),
        ("INSERT INTO referrals (advocate_id, referred_id, referred_on, flags, created_at) VALUES (1, 2, 'd', '[', 't')", &[], false),
        ("INSERT INTO followups (contact_id, kind, title, due_on, created_at) VALUES (1, 'email', 'x', 'd', 't')", &[], false),
        ("INSERT INTO followups (contact_id, kind, title, due_on, created_at) VALUES (1, 'call', 'x', 'd', 't')", &[], true),
        ("INSERT INTO score_rules (kind, value, points, created_at) VALUES ('segment', 'a', 1, 't')", &[], false),
        ("INSERT INTO score_rules (kind, value, points, created_at) VALUES ('tag', 'a', 101, 't')", &[], false),
        ("INSERT INTO import_mappings (shape, mapping, updated_at) VALUES ('s', '{', 't')", &[], false),
        ("INSERT INTO import_mappings (shape, mapping, updated_at) VALUES ('s', '{}', 't')", &[], true),
        ("INSERT INTO contact_merges (survivor_id, merged_id, merged_name, merged_at, snapshot) VALUES (1, 2, 'n', 't', 'nope')", &[], false),
        ("INSERT INTO purchase_days (contact_id, currency, day, orders, total) VALUES (1, 'USD', 'd', 0, 0)", &[], false),
        ("INSERT INTO import_batches (id, kind, file_name, file_hash, format, started_at) VALUES (1, 'contacts', 'f', 'h', 'csv', 't')", &[], true),
        ("INSERT INTO duplicate_groups (reason, key1, key2, contacts) VALUES ('same_email', 'a', '', 0)", &[], false),
        ("DELETE FROM channels WHERE key = 'paid_search'", &[], false),
        ("UPDATE channels SET key = 'paid' WHERE key = 'paid_search'", &[], true),
    ];
    for (sql, args, takes) in statements {
        assert_eq!(b.verdict(sql, args), (*takes, *takes), "{sql} (SQLite, PostgreSQL)");
    }
    // A channel's key renamed cascades to its contacts on both.
    b.run("UPDATE channels SET key = 'paid' WHERE key = 'paid_search'", &[]);
    b.same_everywhere("after renaming a channel's key");

    // json_values gives what json_each's value column gives (for the JSON the core stores).
    for doc in [
        r#"["website", "B", 1, -20, true, false, null, "é\u00e9"]"#,
        r#"{"k": "v", "n": 2}"#,
        r#""solo""#,
        "7",
        "[]",
    ] {
        let lite = lite_strings(&b.lite, "SELECT CAST(value AS TEXT) FROM json_each(?1)", doc);
        let pg = pg_strings(b.pg.client(), "SELECT value FROM json_values($1)", doc);
        assert_eq!(lite, pg, "{doc}");
    }

    // Answers that depend on NOCASE: a name looked up ignoring case, an order ignoring case.
    let reads = [
        "SELECT key FROM channels WHERE name = 'paid SEARCH' ORDER BY key",
        "SELECT key FROM channels ORDER BY builtin DESC, name COLLATE NOCASE, key",
        "SELECT first_name FROM contacts ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE, id",
    ];
    for sql in reads {
        assert_eq!(lite_strings(&b.lite, sql, ""), pg_strings(b.pg.client(), sql, ""), "{sql}");
    }
}

/// search.rs's condition on SQLite (the FTS5 table for three characters or more, LIKE below) and
/// the PostgreSQL one written at `contacts_search` in the baseline find the same contacts.
#[test]
fn the_trigram_index_finds_what_the_fts5_table_finds() {
    let Some(mut both) = Both::create("search") else { return };
    let b = &mut both;
    for (id, first, last, email, company) in [
        (1, "Ann", "Robson", "ann@bakery.test", "Sunny Bakery"),
        (2, "Jason", "Lee", "jlee@example.com", ""),
        (3, "Zoë", "Quote\"s", "", "Harbour \"Co\""),
        (4, "Bob", "Stone", "bob@stone.test", "Madison & Sons"),
        (5, "Cy", "Per%cent_", "cy@x.test", "100% Natural"),
    ] {
        b.run(
            CONTACT,
            &[
                I(id),
                T(first),
                T(last),
                T(email),
                T(""),
                T(company),
                T(""),
                T("[]"),
                T("paid_search"),
                T("2026-01-01T00:00:00Z"),
            ],
        );
    }
    b.run("UPDATE contacts SET email = NULL WHERE email = ''", &[]);
    b.run("UPDATE contacts SET last_name = 'Marsh' WHERE id = 1", &[]);
    let like = |text: &str| {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    };
    for text in [
        "son", "SON", "so", "ann mar", "@example", "quote\"s", "\"co\"", "e", "nobody", "sonann", "n%a",
        "0%", "t_", "robson", "marsh", "ZOË",
    ] {
        for with_company in [true, false] {
            let lite_sql = if text.chars().count() >= 3 {
                let phrase = format!("\"{}\"", text.replace('"', "\"\""));
                let query = if with_company { phrase } else { format!("{{name email}} : {phrase}") };
                (
                    "SELECT id FROM contacts WHERE id IN (SELECT rowid FROM contacts_search WHERE contacts_search MATCH ?1) ORDER BY id",
                    query,
                )
            } else if with_company {
                (
                    "SELECT id FROM contacts WHERE (first_name || ' ' || last_name || char(31) || coalesce(email, '') || char(31) || company) LIKE ?1 ESCAPE '\\' ORDER BY id",
                    like(text),
                )
            } else {
                (
                    "SELECT id FROM contacts WHERE (first_name || ' ' || last_name || char(31) || coalesce(email, '')) LIKE ?1 ESCAPE '\\' ORDER BY id",
                    like(text),
                )
            };
            let lite: Vec<i64> = b
                .lite
                .prepare(lite_sql.0)
                .unwrap()
                .query_map([&lite_sql.1], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let pg_sql = if with_company {
                "SELECT id FROM contacts WHERE ((first_name || ' ' || last_name) ILIKE $1 ESCAPE '\\'
                     OR coalesce(email, '') ILIKE $1 ESCAPE '\\' OR company ILIKE $1 ESCAPE '\\') ORDER BY id"
            } else {
                "SELECT id FROM contacts WHERE ((first_name || ' ' || last_name) ILIKE $1 ESCAPE '\\'
                     OR coalesce(email, '') ILIKE $1 ESCAPE '\\') ORDER BY id"
            };
            let pg: Vec<i64> =
                b.pg.client().query(pg_sql, &[&like(text)]).unwrap().iter().map(|r| r.get(0)).collect();
            assert_eq!(lite, pg, "{text:?} with company {with_company}");
        }
    }

    // The index serves that condition, and the partial indexes the core's REAL_REFERRAL, once the
    // planner may not read the whole table.
    let client = b.pg.client();
    client.batch_execute("SET enable_seqscan = off").unwrap();
    let plan = |client: &mut Client, sql: &str| -> String {
        client
            .query(&format!("EXPLAIN {sql}"), &[])
            .unwrap()
            .iter()
            .map(|r| r.get::<_, String>(0))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let search = plan(
        client,
        "SELECT id FROM contacts WHERE ((first_name || ' ' || last_name) ILIKE '%obso%' ESCAPE '\\'
             OR coalesce(email, '') ILIKE '%obso%' ESCAPE '\\' OR company ILIKE '%obso%' ESCAPE '\\')",
    );
    assert!(search.contains("contacts_search"), "{search}");
    let real = plan(
        client,
        "SELECT referred_on, advocate_id, referred_id FROM referrals
         WHERE instr(flags, '\"self_referral\"') = 0 AND referred_on >= '2026-01-01'",
    );
    assert!(real.contains("referrals_real"), "{real}");
}
