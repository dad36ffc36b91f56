//! Every write path announces the areas of every table it changes: each path runs on the sample
//! shop (SQLite or PostgreSQL) with a trigger on every table recording the tables it wrote
//! (triggers see the rows other triggers and cascades change too), and the areas of those tables
//! must be among the ones the path declares in `areas.rs`. A path that forgets an area fails here.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::TestDb;
use flywheel_core::advocates;
use flywheel_core::areas::{self, Area};
use flywheel_core::channels::{self, SpendInput};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::followups::{self, FollowupKind};
use flywheel_core::funnel::handoff;
use flywheel_core::funnel::moves::{self, MoveInput};
use flywheel_core::funnel::scoring::{self, RuleKind, ScoreRuleInput};
use flywheel_core::import::{self, batches, ImportKind, ImportRequest};
use flywheel_core::nps::{self, NpsInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::{self, ReferralInput, RewardStatus};
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::settings;
use flywheel_core::stages::{Actor, Stage};
use flywheel_core::store::Engine;
use flywheel_core::testimonials::{self, TestimonialInput, TestimonialStatus};
use flywheel_core::{merge, Connection, Result};
use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;

fn seeded() -> TestDb {
    let db = common::temp_db();
    sample::generate(&db.conn, SampleSize::Small, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()).unwrap();
    db
}

fn now() -> DateTime<Utc> {
    "2026-06-30T12:00:00Z".parse().unwrap()
}

/// Puts a trigger on every table of `conn`'s schema that records the table on each insert, update
/// and delete (the full-text index is written only by the contacts' own triggers) into the
/// connection's own TEMP table `written`. SQLite: TEMP triggers. PostgreSQL has none: a row trigger
/// calling a PL/pgSQL function, in the test's own database, that writes into the session's TEMP
/// table (a write from another session would fail for want of it, rather than go unseen).
fn record_writes(conn: &Connection) {
    conn.execute_batch("CREATE TEMP TABLE IF NOT EXISTS written (tbl TEXT NOT NULL)").unwrap();
    let tables: Vec<String> = conn
        .tables()
        .unwrap()
        .into_iter()
        // PostgreSQL keeps the schema version in a table (SQLite in a pragma); no write path touches it.
        .filter(|t| !t.starts_with("contacts_search") && t != "flywheel_schema")
        .collect();
    if conn.engine() == Engine::Postgres {
        conn.execute_batch(
            "CREATE OR REPLACE FUNCTION record_written() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN INSERT INTO pg_temp.written (tbl) VALUES (TG_TABLE_NAME); RETURN NULL; END $$",
        )
        .unwrap();
    }
    for table in tables {
        let sql = match conn.engine() {
            Engine::Sqlite => ["INSERT", "UPDATE", "DELETE"]
                .map(|op| {
                    format!(
                        "CREATE TEMP TRIGGER IF NOT EXISTS \"written_{table}_{op}\" AFTER {op} ON main.\"{table}\"
                         BEGIN INSERT INTO temp.written (tbl) VALUES ('{table}'); END;"
                    )
                })
                .join("\n"),
            Engine::Postgres => format!(
                "CREATE OR REPLACE TRIGGER \"written_{table}\" AFTER INSERT OR UPDATE OR DELETE ON \"{table}\"
                 FOR EACH ROW EXECUTE FUNCTION record_written()"
            ),
        };
        conn.execute_batch(&sql).unwrap();
    }
    conn.execute_batch("DELETE FROM temp.written").unwrap();
}

/// The areas of the tables `write` changed (it must succeed).
fn areas_written<T>(
    conn: &Connection,
    write: impl FnOnce(&Connection) -> Result<T>,
) -> BTreeSet<&'static str> {
    record_writes(conn);
    write(conn).unwrap_or_else(|e| panic!("the write failed: {e:?}"));
    let tables: Vec<String> = conn
        .prepare("SELECT DISTINCT tbl FROM temp.written")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|t| t.unwrap())
        .collect();
    tables
        .iter()
        .map(|t| Area::of_table(t).unwrap_or_else(|| panic!("table {t} has no area")).as_str())
        .collect()
}

/// Runs `write` and asserts it changed something and that `declared` covers every area it changed.
#[track_caller]
fn assert_announces<T>(conn: &Connection, declared: &[Area], write: impl FnOnce(&Connection) -> Result<T>) {
    let written = areas_written(conn, write);
    assert!(!written.is_empty(), "the write changed nothing, so it proves nothing");
    let announced: BTreeSet<&str> = declared.iter().map(|a| a.as_str()).collect();
    let forgotten: Vec<&&str> = written.difference(&announced).collect();
    assert!(
        declared.contains(&Area::All) || forgotten.is_empty(),
        "changed {written:?} but announces {announced:?}: forgets {forgotten:?}"
    );
}

fn one(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A contact with purchases, a testimonial, an NPS answer, a referral and a follow-up if the
/// sample has one; else the one with the most of them.
fn busiest_contact(conn: &Connection) -> i64 {
    one(
        conn,
        "SELECT c.id FROM contacts c ORDER BY
           (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM purchases WHERE contact_id = c.id)
         + (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM testimonials WHERE contact_id = c.id)
         + (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM nps_answers WHERE contact_id = c.id)
         + (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM referrals
            WHERE advocate_id = c.id OR referred_id = c.id)
         + (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM followups WHERE contact_id = c.id) DESC,
           c.id LIMIT 1",
    )
}

fn lead_without_purchases(conn: &Connection) -> i64 {
    one(conn, "SELECT id FROM contacts WHERE stage = 'lead' AND id NOT IN (SELECT contact_id FROM purchases) ORDER BY id LIMIT 1")
}

fn purchase(contact_id: i64, amount_minor: i64) -> PurchaseInput {
    PurchaseInput {
        contact_id,
        purchased_on: "2026-06-01".into(),
        amount_minor,
        currency: "USD".into(),
        product: "Website".into(),
        quantity: 1,
        external_id: None,
    }
}

fn person(email: &str, lead_score: i64) -> ContactInput {
    ContactInput {
        first_name: "New".into(),
        email: Some(email.into()),
        source: "organic_search".into(),
        lead_score,
        ..ContactInput::default()
    }
}

#[test]
fn contact_writes() {
    let db = seeded();
    assert_announces(&db, areas::CONTACT, |c| contacts::create(c, &person("hot@new.test", 99)));
    let id = lead_without_purchases(&db);
    let mut edited = contacts::get(&db, id).unwrap();
    edited.lead_score = 99;
    let input = ContactInput {
        first_name: edited.first_name.clone(),
        last_name: edited.last_name.clone(),
        email: edited.email.clone(),
        source: edited.source.clone(),
        lead_score: 99,
        ..ContactInput::default()
    };
    assert_announces(&db, areas::CONTACT, |c| contacts::update(c, id, &input));
    assert_announces(&db, areas::CONTACT, |c| contacts::set_archived(c, id, true));
    let busy = busiest_contact(&db);
    assert_announces(&db, areas::CONTACT_DELETE, |c| contacts::delete(c, busy));
}

#[test]
fn purchase_writes() {
    let db = seeded();
    // A referred lead's first purchase: it places the customer stage and earns a reward.
    let referred = one(
        &db,
        "SELECT referred_id FROM referrals WHERE referred_id NOT IN (SELECT contact_id FROM purchases)
         ORDER BY id LIMIT 1",
    );
    let mut id = 0;
    assert_announces(&db, areas::PURCHASE, |c| {
        id = purchases::create(c, &purchase(referred, 500_000))?.id;
        Ok(())
    });
    let later = PurchaseInput { purchased_on: "2026-06-20".into(), ..purchase(referred, 400_000) };
    assert_announces(&db, areas::PURCHASE, |c| purchases::update(c, id, &later));
    assert_announces(&db, areas::PURCHASE, |c| purchases::refund(c, id, 400_000));
    assert_announces(&db, areas::PURCHASE, |c| purchases::delete(c, id));
}

#[test]
fn testimonial_writes() {
    let db = seeded();
    let who = one(&db, "SELECT contact_id FROM purchases ORDER BY id LIMIT 1");
    let input = TestimonialInput {
        contact_id: who,
        headline: "Great".into(),
        quote: "They built our site.".into(),
        rating: Some(5),
        ..TestimonialInput::default()
    };
    let mut id = 0;
    assert_announces(&db, areas::TESTIMONIAL, |c| {
        id = testimonials::create(c, &input, Some(TestimonialStatus::Requested))?.id;
        Ok(())
    });
    assert_announces(&db, areas::TESTIMONIAL, |c| testimonials::receive(c, id, &input));
    let edited = TestimonialInput { headline: "Very good".into(), ..input.clone() };
    assert_announces(&db, areas::TESTIMONIAL, |c| testimonials::update(c, id, &edited));
    assert_announces(&db, areas::TESTIMONIAL, |c| {
        testimonials::set_status(c, id, TestimonialStatus::Approved)
    });
    assert_announces(&db, areas::TESTIMONIAL, |c| testimonials::withdraw_consent(c, id));
    assert_announces(&db, areas::TESTIMONIAL, |c| testimonials::delete(c, id));
}

#[test]
fn nps_writes() {
    let db = seeded();
    let who = one(&db, "SELECT id FROM contacts ORDER BY id LIMIT 1");
    let input =
        NpsInput { contact_id: who, score: 10, comment: String::new(), answered_on: "2026-06-01".into() };
    let mut id = 0;
    assert_announces(&db, areas::NPS, |c| {
        id = nps::create(c, &input)?.id;
        Ok(())
    });
    assert_announces(&db, areas::NPS, |c| nps::delete(c, id));
}

#[test]
fn referral_writes() {
    let db = seeded();
    let advocate = one(&db, "SELECT contact_id FROM purchases ORDER BY id LIMIT 1");
    // A referred contact who already bought: the reward is owed at once.
    let referred = one(
        &db,
        &format!(
            "SELECT contact_id FROM purchases WHERE contact_id <> {advocate}
               AND contact_id NOT IN (SELECT referred_id FROM referrals) ORDER BY id LIMIT 1"
        ),
    );
    let input = ReferralInput {
        advocate_id: advocate,
        referred_id: referred,
        referred_on: "2025-01-01".into(),
        ..ReferralInput::default()
    };
    let mut id = 0;
    assert_announces(&db, areas::REFERRAL, |c| {
        id = referrals::create(c, &input)?.id;
        Ok(())
    });
    assert_announces(&db, areas::REFERRAL, |c| referrals::update_notes(c, id, "met at the fair"));
    assert_announces(&db, areas::REFERRAL, |c| referrals::set_reward_amount(c, id, 2_500));
    assert_announces(&db, areas::REFERRAL, |c| referrals::set_reward(c, id, RewardStatus::Paid, "", None));
    assert_announces(&db, areas::REFERRAL, |c| referrals::delete(c, id));
    let fresh = ReferralInput { referred_id: 0, referred_on: "2026-06-01".into(), ..input };
    assert_announces(&db, areas::REFERRAL_FOR_NEW_CONTACT, |c| {
        referrals::create_for_new_contact(c, &person("friend@new.test", 0), &fresh)
    });
}

#[test]
fn asking_and_followup_writes() {
    let db = seeded();
    let unasked = |n: u32| {
        one(
            &db,
            &format!(
                "SELECT DISTINCT contact_id FROM purchases
                 WHERE contact_id NOT IN (SELECT contact_id FROM testimonials)
                   AND contact_id NOT IN (SELECT contact_id FROM followups) ORDER BY contact_id LIMIT 1 OFFSET {n}"
            ),
        )
    };
    let (who, other) = (unasked(0), unasked(1));
    let mut id = 0;
    assert_announces(&db, areas::ASK, |c| {
        id = advocates::ask(c, who, FollowupKind::AskTestimonial, None)?.id;
        Ok(())
    });
    assert_announces(&db, areas::FOLLOWUP, |c| followups::snooze(c, id, "2026-07-15"));
    assert_announces(&db, areas::FOLLOWUP, |c| followups::complete(c, id));
    assert_announces(&db, areas::ASK, |c| advocates::ask_in_days(c, other, FollowupKind::AskTestimonial, 3));
}

#[test]
fn channel_spend_and_settings_writes() {
    let db = seeded();
    assert_announces(&db, areas::CHANNEL, |c| channels::create(c, "Podcast"));
    let spend = SpendInput {
        channel_key: "paid_search".into(),
        month: "2026-05".into(),
        amount_minor: 20_000,
        currency: "USD".into(),
        visitors: 100,
    };
    let mut id = 0;
    assert_announces(&db, areas::SPEND, |c| {
        id = channels::set_spend(c, &spend)?.id;
        Ok(())
    });
    assert_announces(&db, areas::SPEND, |c| channels::delete_spend(c, id));
    let lower = settings::Settings { mql_threshold: 1, ..settings::get(&db).unwrap() };
    assert_announces(&db, areas::SETTINGS, |c| settings::update(c, &lower));
}

#[test]
fn stage_and_scoring_writes() {
    let db = seeded();
    let lead = lead_without_purchases(&db);
    let to_mql = MoveInput { stage: Stage::Mql, actor: Actor::Marketing, reason: String::new() };
    assert_announces(&db, areas::STAGE_MOVE, |c| moves::move_contact(c, lead, &to_mql, now()));
    assert_announces(&db, areas::STAGE_MOVE, |c| handoff::reject(c, lead, "not yet", now()));
    assert_announces(&db, areas::STAGE_MOVE, |c| moves::move_many(c, &[lead], &to_mql, now()));
    assert_announces(&db, areas::STAGE_MOVE, |c| handoff::accept(c, lead, "", now()));
    let rule = ScoreRuleInput { kind: RuleKind::Source, value: "organic_search".into(), points: 90 };
    let mut id = 0;
    assert_announces(&db, areas::SCORING, |c| {
        id = scoring::create_rule(c, &rule, now())?.id;
        Ok(())
    });
    let less = ScoreRuleInput { points: 10, ..rule };
    assert_announces(&db, areas::SCORING, |c| scoring::update_rule(c, id, &less, now()));
    assert_announces(&db, areas::SCORING, |c| scoring::delete_rule(c, id, now()));
}

#[test]
fn an_import_and_its_undo() {
    let db = seeded();
    // A purchase by a referred lead who had none: it makes them a customer and earns a reward.
    let email: String = db
        .query_row(
            "SELECT c.email FROM referrals r JOIN contacts c ON c.id = r.referred_id
             WHERE c.email IS NOT NULL AND r.referred_id NOT IN (SELECT contact_id FROM purchases)
             ORDER BY r.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let file = db.dir.path().join("orders.csv");
    std::fs::write(
        &file,
        format!("Email,Date,Amount,Order ID\n{email},2026-06-01,5000.00,A-1\nnew.person@import.test,2026-06-02,80.00,A-2\n"),
    )
    .unwrap();
    let req = ImportRequest {
        path: file.to_string_lossy().into_owned(),
        kind: Some(ImportKind::Purchases),
        ..ImportRequest::default()
    };
    let mut batch = 0;
    assert_announces(&db, areas::IMPORT, |c| {
        let report = import::run(c, &req, true, &mut |_| {}, &AtomicBool::new(false))?;
        batch = report.batch_id.unwrap_or_default();
        Ok(())
    });
    assert_announces(&db, areas::IMPORT, |c| batches::undo(c, batch));
}

#[test]
fn a_merge_and_its_undo() {
    let db = seeded();
    let survivor = one(&db, "SELECT contact_id FROM purchases ORDER BY id LIMIT 1");
    let merged = busiest_contact(&db);
    assert_ne!(survivor, merged);
    let mut id = 0;
    assert_announces(&db, areas::MERGE, |c| {
        id = merge::merge(c, survivor, merged)?.id;
        Ok(())
    });
    assert_announces(&db, areas::MERGE, |c| merge::undo(c, id));
}

#[test]
fn filling_the_shop_announces_everything() {
    let db = common::temp_db();
    assert_announces(&db, areas::EVERYTHING, |c| {
        sample::generate(c, SampleSize::Small, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap())
    });
}
