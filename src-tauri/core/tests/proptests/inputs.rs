//! Every create and update over generated input, good and bad: each is accepted, or refused with
//! the form field at fault and a reason — never a panic, a bare database error, or a half write.

use super::{check, refusal_names_its_field};
use flywheel_core::channels::{self, SpendInput};
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::followups::{self, FollowupInput, FollowupKind};
use flywheel_core::funnel::scoring::{self, RuleKind, ScoreRuleInput};
use flywheel_core::nps::{self, NpsInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::{self, ReferralInput};
use flywheel_core::settings::{self, Settings};
use flywheel_core::stages::Stage;
use flywheel_core::testimonials::{self, ConsentInput, TestimonialInput, TestimonialStatus};
use flywheel_core::{db, time, Connection};
use proptest::prelude::*;
use proptest::sample::select;

/// Free text: mostly short and odd, sometimes just around `max` characters.
fn text(max: usize) -> BoxedStrategy<String> {
    let near = format!("[a-z]{{{},{}}}", max.saturating_sub(1), max + 1);
    if max > 500 {
        return "\\PC{0,16}".boxed();
    }
    let near = proptest::string::string_regex(&near).expect("a valid pattern");
    prop_oneof![4 => "\\PC{0,16}".boxed(), 1 => " [a-zA-Z]{0,4}\t".boxed(), 1 => near.boxed()].boxed()
}

fn number(lo: i64, hi: i64) -> BoxedStrategy<i64> {
    prop_oneof![3 => lo..=hi, 1 => any::<i64>(), 1 => select(vec![lo - 1, hi + 1, 0, i64::MIN, i64::MAX])]
        .boxed()
}

fn money() -> BoxedStrategy<i64> {
    number(0, 1_000_000_000_000)
}

fn day() -> BoxedStrategy<String> {
    prop_oneof![
        3 => (2000i32..2026, 1u32..13, 1u32..29).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
        1 => select(vec!["2999-01-01", "1850-06-01", "2024-02-30", "2024-13-01", "", " 2024-03-05 ", "05/03/2024"])
            .prop_map(str::to_owned),
        1 => "\\PC{0,12}",
    ]
    .boxed()
}

fn currency() -> BoxedStrategy<String> {
    prop_oneof![3 => select(vec!["USD", "eur", " JPY ", "XYZ", "", "US"]).prop_map(str::to_owned), 1 => "\\PC{0,4}"]
        .boxed()
}

fn tags() -> BoxedStrategy<Vec<String>> {
    prop_oneof![
        4 => proptest::collection::vec(text(60), 0..4),
        1 => proptest::collection::vec("[a-z]{1,3}", 48..56),
    ]
    .boxed()
}

/// An id: one of `known`, or any number at all.
fn id(known: Vec<i64>) -> BoxedStrategy<i64> {
    prop_oneof![3 => select(known), 1 => any::<i64>(), 1 => -2i64..3].boxed()
}

/// A small book to write against: contacts (one with a taken email), a purchase, a testimonial,
/// a referral, a score rule. Every case runs in a transaction that is rolled back.
struct Book {
    conn: Connection,
    /// The book's own database on PostgreSQL, kept as long as the book.
    _team: Option<flywheel_core::testpg::TestDatabase>,
    contacts: Vec<i64>,
    purchase: i64,
    testimonial: i64,
}

fn book() -> Book {
    let (conn, team) = super::fresh_db();
    let contacts: Vec<i64> = ["taken@example.com", "b@example.com", "c@example.com"]
        .iter()
        .map(|e| {
            let input = ContactInput { email: Some((*e).to_owned()), ..ContactInput::default() };
            contacts::create(&conn, &input).unwrap().id
        })
        .collect();
    let purchase = purchases::create(
        &conn,
        &PurchaseInput {
            contact_id: contacts[1],
            purchased_on: "2024-03-05".into(),
            amount_minor: 5000,
            currency: "USD".into(),
            product: "Loaf".into(),
            quantity: 1,
            external_id: Some("ORD-1".into()),
        },
    )
    .unwrap();
    purchases::refund(&conn, purchase.id, 1000).unwrap();
    let input =
        TestimonialInput { contact_id: contacts[1], quote: "Good".into(), ..TestimonialInput::default() };
    let testimonial = testimonials::create(&conn, &input, None).unwrap().id;
    let referral = ReferralInput {
        advocate_id: contacts[0],
        referred_id: contacts[2],
        referred_on: "2024-01-01".into(),
        ..ReferralInput::default()
    };
    referrals::create(&conn, &referral).unwrap();
    let rule = ScoreRuleInput { kind: RuleKind::Tag, value: "vip".into(), points: 10 };
    scoring::create_rule(&conn, &rule, time::now()).unwrap();
    channels::create(&conn, "Market stall").unwrap();
    Book { conn, _team: team, contacts, purchase: purchase.id, testimonial }
}

/// Rows in every table, to see that a refused write left nothing.
fn counts(conn: &Connection) -> Vec<i64> {
    let tables = conn.tables().unwrap();
    tables
        .iter()
        .map(|t| conn.query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0)).unwrap())
        .collect()
}

/// Runs `write` in a transaction that is always rolled back; a refusal must name one of `fields`
/// and leave every table as it was.
fn attempt<T>(
    conn: &Connection,
    fields: &[&str],
    write: impl FnOnce(&Connection) -> flywheel_core::Result<T>,
) -> Result<(), TestCaseError> {
    let outcome = db::with_rollback(conn, |c| {
        let before = counts(c);
        let result = write(c);
        Ok((result.err(), before == counts(c)))
    });
    let (refusal, untouched) = outcome.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    if let Some(e) = refusal {
        refusal_names_its_field(&e, fields)?;
        prop_assert!(untouched, "a refused write left rows behind: {:?}", e);
    }
    Ok(())
}

const CONTACT_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "company",
    "segment",
    "tags",
    "source",
    "lead_score",
    "notes",
];

#[test]
fn contact_inputs() {
    let b = book();
    let email = prop_oneof![
        Just(None),
        select(vec!["taken@example.com", "TAKEN@example.com ", "new@example.com", "no-at", "a@b", "x@.com"])
            .prop_map(|e| Some(e.to_owned())),
        "\\PC{0,12}".prop_map(Some),
    ];
    let source = prop_oneof![
        select(vec!["", "organic_search", "market_stall", "nope"]).prop_map(str::to_owned),
        text(20)
    ];
    let input = (
        text(100),
        text(100),
        email,
        text(40),
        text(200),
        text(100),
        tags(),
        source,
        number(0, 100),
        text(10_000),
    )
        .prop_map(
            |(first_name, last_name, email, phone, company, segment, tags, source, lead_score, notes)| {
                ContactInput {
                    first_name,
                    last_name,
                    email,
                    phone,
                    company,
                    segment,
                    tags,
                    source,
                    lead_score,
                    notes,
                    stage: Some(Stage::Lead),
                    owner: None,
                }
            },
        );
    check("contacts", (input, any::<bool>(), select(b.contacts.clone())), |(input, edit, id)| {
        if edit {
            attempt(&b.conn, CONTACT_FIELDS, |c| contacts::update(c, id, &input))
        } else {
            attempt(&b.conn, CONTACT_FIELDS, |c| contacts::create(c, &input))
        }
    });
}

#[test]
fn purchase_inputs() {
    let b = book();
    let fields =
        &["contact_id", "purchased_on", "amount_minor", "currency", "product", "quantity", "external_id"];
    let external = prop_oneof![
        Just(None),
        select(vec!["ORD-1", "ORD-2", " "]).prop_map(|e| Some(e.to_owned())),
        text(200).prop_map(Some)
    ];
    let input =
        (id(b.contacts.clone()), day(), money(), currency(), text(200), number(1, 1_000_000), external)
            .prop_map(
                |(contact_id, purchased_on, amount_minor, currency, product, quantity, external_id)| {
                    PurchaseInput {
                        contact_id,
                        purchased_on,
                        amount_minor,
                        currency,
                        product,
                        quantity,
                        external_id,
                    }
                },
            );
    check("purchases", (input, any::<bool>()), |(input, edit)| {
        if edit {
            attempt(&b.conn, fields, |c| purchases::update(c, b.purchase, &input))
        } else {
            attempt(&b.conn, fields, |c| purchases::create(c, &input))
        }
    });
}

#[test]
fn testimonial_inputs() {
    let b = book();
    let fields = &[
        "contact_id",
        "headline",
        "quote",
        "rating",
        "product",
        "segment",
        "tags",
        "consent_channels",
        "consent_note",
        "consent_given_at",
        "incentive",
        "status",
        "consent",
    ];
    let given_at = prop_oneof![
        Just(None),
        day().prop_map(Some),
        Just(Some("2024-03-05T10:00:00Z".to_owned())),
        Just(Some("2999-01-01T00:00:00Z".to_owned()))
    ];
    let keys = select(vec![" case_study", "website", "social", "other", "Case study", "email "])
        .prop_map(str::to_owned);
    let channels = prop_oneof![2 => proptest::collection::vec(keys, 0..4), 1 => tags()];
    let consent = (any::<bool>(), any::<bool>(), channels, given_at, text(500)).prop_map(
        |(publish, named, channels, given_at, incentive)| ConsentInput {
            publish,
            named,
            share_figures: named,
            note: incentive.clone(),
            channels,
            given_at,
            incentive,
        },
    );
    let rating = prop_oneof![Just(None), number(1, 5).prop_map(Some)];
    let input =
        (id(b.contacts.clone()), text(200), text(5000), rating, text(200), text(100), tags(), consent)
            .prop_map(|(contact_id, headline, quote, rating, product, segment, tags, consent)| {
                TestimonialInput { contact_id, headline, quote, rating, product, segment, tags, consent }
            });
    let status = prop_oneof![Just(None), select(TestimonialStatus::ALL).prop_map(Some)];
    check("testimonials", (input, status, any::<bool>()), |(input, status, edit)| {
        if edit {
            attempt(&b.conn, fields, |c| testimonials::update(c, b.testimonial, &input))
        } else {
            attempt(&b.conn, fields, |c| testimonials::create(c, &input, status))
        }
    });
}

#[test]
fn nps_inputs() {
    let b = book();
    let input = (id(b.contacts.clone()), number(0, 10), text(5000), day()).prop_map(
        |(contact_id, score, comment, answered_on)| NpsInput { contact_id, score, comment, answered_on },
    );
    check("nps", input, |input| {
        attempt(&b.conn, &["contact_id", "score", "comment", "answered_on"], |c| nps::create(c, &input))
    });
}

#[test]
fn referral_inputs() {
    let b = book();
    let fields = &["advocate_id", "referred_id", "referred_on", "notes", "reward_minor", "reward_currency"];
    let input = (id(b.contacts.clone()), id(b.contacts.clone()), day(), text(5000), money(), currency())
        .prop_map(|(advocate_id, referred_id, referred_on, notes, reward_minor, reward_currency)| {
            ReferralInput { advocate_id, referred_id, referred_on, notes, reward_minor, reward_currency }
        });
    check("referrals", input, |input| attempt(&b.conn, fields, |c| referrals::create(c, &input)));
}

#[test]
fn channel_names() {
    let b = book();
    let name = prop_oneof![
        select(vec!["Market stall", "market STALL", "Organic search", "", "  "]).prop_map(str::to_owned),
        text(60)
    ];
    check("channels", (name, any::<bool>()), |(name, rename)| {
        if rename {
            attempt(&b.conn, &["name"], |c| channels::rename(c, "market_stall", &name))
        } else {
            attempt(&b.conn, &["name"], |c| channels::create(c, &name))
        }
    });
}

#[test]
fn spend_inputs() {
    let b = book();
    let key = prop_oneof![
        select(vec!["organic_search", "market_stall", " paid_search ", "nope", ""]).prop_map(str::to_owned),
        text(20)
    ];
    let month = prop_oneof![(2000i32..2030, 0u32..14).prop_map(|(y, m)| format!("{y}-{m:02}")), "\\PC{0,8}"];
    let input = (key, month, money(), currency(), number(0, 1_000_000_000_000)).prop_map(
        |(channel_key, month, amount_minor, currency, visitors)| SpendInput {
            channel_key,
            month,
            amount_minor,
            currency,
            visitors,
        },
    );
    let fields = &["channel_key", "month", "amount_minor", "currency", "visitors"];
    check("spend", input, |input| attempt(&b.conn, fields, |c| channels::set_spend(c, &input)));
}

#[test]
fn followup_inputs() {
    let b = book();
    let input = (id(b.contacts.clone()), select(FollowupKind::ALL), text(200), day())
        .prop_map(|(contact_id, kind, title, due_on)| FollowupInput { contact_id, kind, title, due_on });
    check("followups", input, |input| {
        attempt(&b.conn, &["contact_id", "title", "due_on"], |c| followups::create(c, &input))
    });
}

#[test]
fn settings_inputs() {
    let b = book();
    let fields =
        &["mql_threshold", "sla_hours", "currency", "referral_reward_minor", "referral_min_order_minor"];
    let input = (number(1, 100), number(1, 720), currency(), money(), money()).prop_map(
        |(mql_threshold, sla_hours, currency, referral_reward_minor, referral_min_order_minor)| Settings {
            mql_threshold,
            sla_hours,
            currency,
            referral_reward_minor,
            referral_min_order_minor,
            ..Settings::default()
        },
    );
    check("settings", input, |input| attempt(&b.conn, fields, |c| settings::update(c, &input)));
}

#[test]
fn score_rule_inputs() {
    let b = book();
    let value = prop_oneof![
        select(vec!["vip", "VIP", "organic_search", "market_stall", "nope", "", " "]).prop_map(str::to_owned),
        text(60)
    ];
    let input = (select(RuleKind::ALL), value, number(-100, 100))
        .prop_map(|(kind, value, points)| ScoreRuleInput { kind, value, points });
    let rule = scoring::list_rules(&b.conn).unwrap()[0].id;
    check("score_rules", (input, any::<bool>()), |(input, edit)| {
        if edit {
            attempt(&b.conn, &["value", "points"], |c| scoring::update_rule(c, rule, &input, time::now()))
        } else {
            attempt(&b.conn, &["value", "points"], |c| scoring::create_rule(c, &input, time::now()))
        }
    });
}
