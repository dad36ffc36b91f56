use super::*;
use crate::db::open_in_memory;

const AS_OF: &str = "2025-06-30";

fn as_of() -> NaiveDate {
    time::parse_day("as_of", AS_OF).unwrap()
}

fn small() -> (Connection, SampleSummary) {
    let conn = open_in_memory().unwrap();
    let summary = generate(&conn, SampleSize::Small, as_of()).unwrap();
    (conn, summary)
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn column(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| r.get(0)).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn dump(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    for table in [
        "contacts",
        "stage_events",
        "purchases",
        "referrals",
        "testimonials",
        "nps_answers",
        "followups",
        "channel_spend",
    ] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY id")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            out.push(format!("{table}:{:?}", (0..n).map(|i| r.get_ref(i).unwrap()).collect::<Vec<_>>()));
        }
    }
    out
}

#[test]
fn small_has_every_table_with_the_planned_counts() {
    let (conn, s) = small();
    let spec = SampleSize::Small.spec();
    assert_eq!(s.contacts, spec.contacts as i64);
    assert_eq!(s.purchases, spec.purchases as i64);
    assert_eq!(s.referrals, spec.referrals as i64);
    assert_eq!(s.testimonials, spec.testimonials as i64);
    assert_eq!(s.nps_answers, spec.nps_answers as i64);
    assert_eq!(s.followups, spec.followups as i64);
    assert!(s.stage_events > s.contacts);
    for (table, n) in [
        ("contacts", s.contacts),
        ("purchases", s.purchases),
        ("testimonials", s.testimonials),
        ("nps_answers", s.nps_answers),
        ("referrals", s.referrals),
        ("stage_events", s.stage_events),
        ("followups", s.followups),
    ] {
        assert_eq!(count(&conn, &format!("SELECT count(*) FROM {table}")), n, "{table}");
    }
    assert_eq!(count(&conn, "SELECT count(*) FROM channel_spend"), 12 * words::PAID_CHANNELS.len() as i64);
    assert!(!is_empty(&conn).unwrap());
}

#[test]
fn every_stage_channel_status_and_reward_is_present() {
    let (conn, _) = small();
    let stages = column(&conn, "SELECT DISTINCT stage FROM contacts ORDER BY 1");
    assert_eq!(stages.len(), crate::stages::Stage::ALL.len(), "{stages:?}");
    let sources = column(&conn, "SELECT DISTINCT source FROM contacts");
    assert_eq!(sources.len() as i64, count(&conn, "SELECT count(*) FROM channels"), "{sources:?}");
    let statuses = column(&conn, "SELECT DISTINCT status FROM testimonials");
    assert_eq!(statuses.len(), 6, "{statuses:?}");
    let rewards = column(&conn, "SELECT DISTINCT reward_status FROM referrals");
    assert_eq!(rewards.len(), 4, "{rewards:?}");
    for (lo, hi) in [(9, 10), (7, 8), (0, 6)] {
        assert!(
            count(&conn, &format!("SELECT count(*) FROM nps_answers WHERE score BETWEEN {lo} AND {hi}")) > 0
        );
    }
    let kinds = column(&conn, "SELECT DISTINCT kind FROM followups");
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    // Emails are unique and lower-case, and every referred contact came from referrals.
    assert_eq!(count(&conn, "SELECT count(DISTINCT email) FROM contacts WHERE email = lower(email)"), 300);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM referrals r JOIN contacts c ON c.id = r.referred_id WHERE c.source <> 'referrals'"),
        0
    );
}

#[test]
fn stage_histories_are_ordered_and_realistic() {
    let (conn, _) = small();
    let out_of_order = "SELECT count(*) FROM stage_events a JOIN stage_events b
                        ON b.contact_id = a.contact_id AND b.id > a.id AND b.at <= a.at";
    assert_eq!(count(&conn, out_of_order), 0);
    // Sales sent some MQLs back to marketing, with a reason.
    let rejected =
        "SELECT count(*) FROM stage_events WHERE stage = 'lead' AND actor = 'sales' AND reason <> ''";
    assert!(count(&conn, rejected) > 0);
    // Some skipped stages: customers who were never an opportunity.
    let skipped = "SELECT count(*) FROM contacts c WHERE stage = 'customer'
                   AND NOT EXISTS (SELECT 1 FROM stage_events WHERE contact_id = c.id AND stage = 'opportunity')";
    assert!(count(&conn, skipped) > 0);
    let full = "SELECT count(*) FROM contacts c WHERE stage = 'customer' AND (SELECT count(DISTINCT stage)
                FROM stage_events WHERE contact_id = c.id AND stage IN ('lead', 'mql', 'sql', 'opportunity')) = 4";
    assert!(count(&conn, full) > 0);
    // The first purchase is on the day the contact became a customer.
    let mismatched = "SELECT count(*) FROM contacts c WHERE stage = 'customer' AND
        (SELECT min(purchased_on) FROM purchases WHERE contact_id = c.id) IS NOT
        (SELECT substr(at, 1, 10) FROM stage_events WHERE contact_id = c.id AND stage = 'customer')";
    assert_eq!(count(&conn, mismatched), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM purchases p JOIN contacts c ON c.id = p.contact_id WHERE c.stage <> 'customer'"), 0);
}

#[test]
fn purchases_have_repeat_buyers_baskets_refunds_and_order_ids() {
    let (conn, _) = small();
    let customers = count(&conn, "SELECT count(*) FROM contacts WHERE stage = 'customer'");
    let repeat = count(
        &conn,
        "SELECT count(*) FROM (SELECT contact_id FROM purchases GROUP BY contact_id HAVING count(DISTINCT purchased_on) >= 2)",
    );
    assert!(repeat * 3 > customers && repeat < customers, "{repeat} of {customers}");
    let baskets = "SELECT count(*) FROM (SELECT 1 FROM purchases GROUP BY contact_id, purchased_on HAVING count(*) > 1)";
    assert!(count(&conn, baskets) > 0);
    assert!(count(&conn, "SELECT count(*) FROM purchases WHERE refunded_minor > 0") > 0);
    let first = "SELECT external_id FROM purchases WHERE external_id IS NOT NULL ORDER BY id LIMIT 1";
    assert_eq!(column(&conn, first), vec!["#1001"]);
}

#[test]
fn referrals_chain_across_two_generations_from_earlier_customers() {
    let (conn, _) = small();
    let chains =
        "SELECT count(*) FROM referrals r1 JOIN contacts b ON b.id = r1.referred_id AND b.stage = 'customer'
                  JOIN referrals r2 ON r2.advocate_id = b.id";
    assert!(count(&conn, chains) > 0);
    let premature = "SELECT count(*) FROM referrals r WHERE NOT EXISTS (SELECT 1 FROM stage_events e
                     WHERE e.contact_id = r.advocate_id AND e.stage = 'customer' AND e.at < r.created_at)";
    assert_eq!(count(&conn, premature), 0);
}

#[test]
fn testimonial_consent_matches_status() {
    let (conn, _) = small();
    for bad in [
        "status = 'published' AND (consent_publish = 0 OR published_at IS NULL OR consent_given_at IS NULL)",
        "status = 'withdrawn' AND (consent_withdrawn_at IS NULL OR consent_publish = 1)",
        "status IN ('requested', 'declined') AND (quote <> '' OR rating IS NOT NULL OR consent_publish = 1)",
        "status <> 'withdrawn' AND consent_withdrawn_at IS NOT NULL",
        "status NOT IN ('requested', 'declined') AND (quote = '' OR rating IS NULL)",
    ] {
        assert_eq!(count(&conn, &format!("SELECT count(*) FROM testimonials WHERE {bad}")), 0, "{bad}");
    }
    let anonymous = "SELECT count(*) FROM testimonials WHERE status = 'published' AND consent_named = 0";
    assert!(count(&conn, anonymous) > 0);
}

#[test]
fn nothing_is_dated_after_as_of() {
    let (conn, _) = small();
    let columns = [
        ("contacts", "created_at"),
        ("contacts", "updated_at"),
        ("contacts", "stage_entered_at"),
        ("stage_events", "at"),
        ("purchases", "purchased_on"),
        ("purchases", "created_at"),
        ("referrals", "referred_on"),
        ("referrals", "created_at"),
        ("nps_answers", "answered_on"),
        ("nps_answers", "created_at"),
        ("followups", "due_on"),
        ("followups", "done_at"),
        ("followups", "created_at"),
        ("testimonials", "updated_at"),
        ("testimonials", "consent_withdrawn_at"),
        ("channel_spend", "month"),
    ];
    for (table, col) in columns {
        let late =
            count(&conn, &format!("SELECT count(*) FROM {table} WHERE substr({col}, 1, 10) > '{AS_OF}'"));
        assert_eq!(late, 0, "{table}.{col}");
    }
    let first = count(&conn, "SELECT min(created_at) >= '2024-01-01' FROM contacts");
    assert_eq!(first, 1);
}

#[test]
fn same_inputs_give_identical_data() {
    let (a, _) = small();
    let (b, _) = small();
    let (da, db) = (dump(&a), dump(&b));
    assert!(da.len() > 2_000);
    assert_eq!(da, db);
    let c = open_in_memory().unwrap();
    generate(&c, SampleSize::Small, as_of() + Days::new(1)).unwrap();
    assert_ne!(dump(&c), da);
}

#[test]
fn refuses_a_database_with_contacts() {
    let (conn, s) = small();
    let e = generate(&conn, SampleSize::Small, as_of()).unwrap_err();
    assert_eq!(e.code, crate::ErrorCode::Conflict);
    assert_eq!(count(&conn, "SELECT count(*) FROM contacts"), s.contacts);
}

#[test]
fn allocate_is_exact() {
    assert_eq!(allocate(10, &[1, 1, 1]), vec![4, 3, 3]);
    assert_eq!(allocate(7, &[0, 2, 0, 1]), vec![0, 5, 0, 2]);
    assert_eq!(allocate(5, &[0, 0]), vec![3, 2]);
    assert!(allocate(5, &[]).is_empty());
    let shares = allocate(1_000_003, &[3, 17, 0, 99, 1]);
    assert_eq!(shares.iter().sum::<usize>(), 1_000_003);
}

#[test]
fn settings_agree_with_the_sample_referrals() {
    let (conn, _) = small();
    let s = crate::settings::get(&conn).unwrap();
    assert_eq!((s.currency.as_str(), s.referral_reward_minor), (CURRENCY, REWARD_MINOR));
    let rewards = column(
        &conn,
        "SELECT DISTINCT reward_minor || ' ' || reward_currency FROM referrals WHERE reward_status <> 'none'",
    );
    assert_eq!(rewards, vec![format!("{REWARD_MINOR} {CURRENCY}")]);
    let currencies = column(&conn, "SELECT DISTINCT currency FROM purchases");
    assert_eq!(currencies, vec![CURRENCY.to_owned()]);
}
