//! The purchase summaries kept with the data, over random sequences of writes through every path
//! that changes purchases (record, edit, refund, delete, contact deletion, merge and its undo,
//! import and its undo): after each write they equal a rebuild from the purchases, and the figures
//! read from them equal the figures computed from every purchase.

use super::check;
use flywheel_core::contacts::{self, ContactInput};
use flywheel_core::flywheel::{self, LoopQuery};
use flywheel_core::import::{self, ImportKind, ImportRequest};
use flywheel_core::nps::{self, NpsInput};
use flywheel_core::purchases::{self, PurchaseInput};
use flywheel_core::referrals::{self, ReferralInput, ReferralQuery};
use flywheel_core::repeat::{CustomerFigures, CustomerQuery, CustomerSort};
use flywheel_core::{chains, coverage, currencies, db, merge, repeat, settings, summary, Connection};
use proptest::prelude::*;
use proptest::sample::select;
use std::sync::atomic::AtomicBool;

#[derive(Debug, Clone)]
enum Write {
    Contact,
    Purchase { who: usize, day: u8, amount: i64, currency: &'static str },
    Edit { which: usize, who: usize, day: u8, amount: i64 },
    Refund { which: usize, part: u8 },
    Delete { which: usize },
    DeleteContact { who: usize },
    Merge { keep: usize, gone: usize },
    UndoMerge { which: usize },
    Import { rows: Vec<(usize, u8, i64, &'static str, usize)> },
    Referral { advocate: usize, referred: usize, day: u8 },
    Nps { who: usize, score: i64, day: u8 },
    DeleteNps { which: usize },
    UndoImport { which: usize },
}

/// A few days close together, so purchases share days and gaps repeat.
fn day(d: u8) -> String {
    format!("2024-03-{:02}", 1 + d % 20)
}

fn write() -> impl Strategy<Value = Write> {
    let who = 0usize..8;
    let amount = prop_oneof![3 => 0i64..5_000, 1 => Just(0i64)];
    let currency = select(vec!["USD", "USD", "USD", "EUR"]);
    prop_oneof![
        2 => Just(Write::Contact),
        6 => (who.clone(), any::<u8>(), amount.clone(), currency.clone())
            .prop_map(|(who, day, amount, currency)| Write::Purchase { who, day, amount, currency }),
        2 => (0usize..64, who.clone(), any::<u8>(), amount.clone())
            .prop_map(|(which, who, day, amount)| Write::Edit { which, who, day, amount }),
        2 => (0usize..64, 0u8..3).prop_map(|(which, part)| Write::Refund { which, part }),
        2 => (0usize..64).prop_map(|which| Write::Delete { which }),
        1 => who.clone().prop_map(|who| Write::DeleteContact { who }),
        1 => (who.clone(), who.clone()).prop_map(|(keep, gone)| Write::Merge { keep, gone }),
        1 => (0usize..8).prop_map(|which| Write::UndoMerge { which }),
        2 => proptest::collection::vec((0usize..10, any::<u8>(), 0i64..5_000, currency, 0usize..6), 1..6)
            .prop_map(|rows| Write::Import { rows }),
        1 => (0usize..8).prop_map(|which| Write::UndoImport { which }),
        2 => (who.clone(), who.clone(), any::<u8>())
            .prop_map(|(advocate, referred, day)| Write::Referral { advocate, referred, day }),
        2 => (who.clone(), 0i64..=10, any::<u8>()).prop_map(|(who, score, day)| Write::Nps { who, score, day }),
        1 => (0usize..16).prop_map(|which| Write::DeleteNps { which }),
    ]
}

fn ids(conn: &Connection, sql: &str) -> Vec<i64> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn pick(list: &[i64], k: usize) -> Option<i64> {
    (!list.is_empty()).then(|| list[k % list.len()])
}

/// Applies `w`; a write the core refuses (say, a merge of a contact with itself) changes nothing,
/// which the check after it covers as well.
fn apply(conn: &Connection, dir: &std::path::Path, n: usize, w: &Write) {
    let people = ids(conn, "SELECT id FROM contacts ORDER BY id");
    let bought = ids(conn, "SELECT id FROM purchases ORDER BY id");
    let purchase = |who: i64, d: u8, amount: i64, currency: &str| PurchaseInput {
        contact_id: who,
        purchased_on: day(d),
        amount_minor: amount,
        currency: currency.to_owned(),
        // A few products, two of them one name in two spellings (coverage matches ignoring case).
        product: ["", "Mug", "mug", "Tea"][amount.rem_euclid(4) as usize].to_owned(),
        quantity: 1,
        external_id: None,
    };
    let _ = match w {
        Write::Contact => {
            let input = ContactInput { first_name: format!("p{n}"), ..ContactInput::default() };
            contacts::create(conn, &input).map(drop)
        }
        Write::Purchase { who, day, amount, currency } => match pick(&people, *who) {
            Some(c) => purchases::create(conn, &purchase(c, *day, *amount, currency)).map(drop),
            None => Ok(()),
        },
        Write::Edit { which, who, day, amount } => match (pick(&bought, *which), pick(&people, *who)) {
            (Some(p), Some(c)) => {
                let currency = purchases::get(conn, p).unwrap().currency;
                purchases::update(conn, p, &purchase(c, *day, *amount, &currency)).map(drop)
            }
            _ => Ok(()),
        },
        Write::Refund { which, part } => match pick(&bought, *which) {
            Some(p) => {
                let amount = purchases::get(conn, p).unwrap().amount_minor;
                purchases::refund(conn, p, amount * i64::from(*part) / 2).map(drop)
            }
            None => Ok(()),
        },
        Write::Delete { which } => pick(&bought, *which).map_or(Ok(()), |p| purchases::delete(conn, p)),
        Write::DeleteContact { who } => pick(&people, *who).map_or(Ok(()), |c| contacts::delete(conn, c)),
        Write::Merge { keep, gone } => match (pick(&people, *keep), pick(&people, *gone)) {
            (Some(a), Some(b)) => merge::merge(conn, a, b).map(drop),
            _ => Ok(()),
        },
        Write::UndoMerge { which } => {
            let merges = ids(conn, "SELECT id FROM contact_merges WHERE undone_at IS NULL ORDER BY id");
            pick(&merges, *which).map_or(Ok(()), |m| merge::undo(conn, m).map(drop))
        }
        Write::Import { rows } => {
            let mut csv = String::from("email,date,amount,currency,order_id\n");
            for (who, d, amount, currency, order) in rows {
                let cents = amount % 100;
                csv += &format!(
                    "buyer{who}@example.com,{},{}.{cents:02},{currency},order-{order}\n",
                    day(*d),
                    amount / 100
                );
            }
            let path = dir.join(format!("import-{n}.csv"));
            std::fs::write(&path, csv).unwrap();
            let req = ImportRequest {
                path: path.to_string_lossy().into_owned(),
                kind: Some(ImportKind::Purchases),
                import_again: true,
                ..ImportRequest::default()
            };
            import::run(conn, &req, true, &mut |_| {}, &AtomicBool::new(false)).map(drop)
        }
        Write::Referral { advocate, referred, day: d } => {
            match (pick(&people, *advocate), pick(&people, *referred)) {
                (Some(a), Some(r)) => {
                    let input = ReferralInput {
                        advocate_id: a,
                        referred_id: r,
                        referred_on: day(*d),
                        notes: String::new(),
                        reward_minor: 0,
                        reward_currency: String::new(),
                    };
                    referrals::create(conn, &input).map(drop)
                }
                _ => Ok(()),
            }
        }
        Write::Nps { who, score, day: d } => match pick(&people, *who) {
            Some(c) => {
                let input =
                    NpsInput { contact_id: c, score: *score, comment: String::new(), answered_on: day(*d) };
                nps::create(conn, &input).map(drop)
            }
            None => Ok(()),
        },
        Write::DeleteNps { which } => {
            let answers = ids(conn, "SELECT id FROM nps_answers ORDER BY id");
            pick(&answers, *which).map_or(Ok(()), |a| nps::delete(conn, a))
        }
        Write::UndoImport { which } => {
            let batches = ids(conn, "SELECT id FROM import_batches WHERE undone_at IS NULL ORDER BY id");
            pick(&batches, *which).map_or(Ok(()), |b| import::batches::undo(conn, b).map(drop))
        }
    };
}

#[test]
fn summaries_equal_a_rebuild_after_any_sequence_of_writes() {
    let dir = tempfile::tempdir().unwrap();
    check("write_sequences", proptest::collection::vec(write(), 1..24), |writes| {
        let (conn, _team) = super::fresh_db();
        prop_assert_eq!(settings::get(&conn).unwrap().currency, "USD");
        for (n, w) in writes.iter().enumerate() {
            apply(&conn, dir.path(), n, w);
            prop_assert!(conn.is_autocommit(), "a write left its transaction open: {w:?}");
            if let Err(e) = summary::check(&conn) {
                return Err(TestCaseError::fail(format!("after write {n} ({w:?}): {}", e.message)));
            }
        }
        // The figures read from the summaries are those of every purchase, today and on a day in
        // the middle of the purchases (where the history is read).
        for as_of in [None, Some("2024-03-10")] {
            let kept = repeat::totals(&conn, as_of).unwrap();
            let fresh = repeat::totals_from_history(&conn, as_of).unwrap();
            prop_assert_eq!(kept, fresh);
            let kept = currencies::other(&conn, as_of).unwrap();
            prop_assert_eq!(kept, currencies::other_from_history(&conn, as_of).unwrap());
        }
        // The loop figures, the leaderboard and the referral rows read each referral's conversion
        // and revenue from `referral_sales` and the purchase days; inside a bulk write they read
        // the purchases referral by referral: both must agree, for the whole history and for
        // periods whose bounds cut through the referred contacts' purchase days.
        let periods = [
            (None, None),
            (Some("2024-03-05"), None),
            (None, Some("2024-03-10")),
            (Some("2024-03-05"), Some("2024-03-12")),
        ];
        for (from, to) in periods {
            let q = LoopQuery { from: from.map(str::to_owned), to: to.map(str::to_owned) };
            let kept = (flywheel::figures(&conn, &q).unwrap(), flywheel::leaderboard(&conn, &q, 50).unwrap());
            let history = db::with_rollback(&conn, |c| {
                c.execute("INSERT INTO summaries_paused (paused) VALUES (1)", [])?;
                Ok((flywheel::figures(c, &q)?, flywheel::leaderboard(c, &q, 50)?))
            })
            .unwrap();
            prop_assert_eq!(kept, history, "period {:?}..{:?}", from, to);
        }
        // Coverage reads what each customer bought from `customer_products`; inside a bulk write
        // from the purchases.
        for as_of in [None, Some("2024-03-10")] {
            let kept = coverage::coverage(&conn, as_of).unwrap();
            let history = db::with_rollback(&conn, |c| {
                c.execute("INSERT INTO summaries_paused (paused) VALUES (1)", [])?;
                coverage::coverage(c, as_of)
            })
            .unwrap();
            prop_assert_eq!(kept, history, "coverage as of {:?}", as_of);
        }
        let rq = ReferralQuery { limit: 500, ..ReferralQuery::default() };
        let kept = chains::rows(&conn, &rq, None).unwrap();
        let history = db::with_rollback(&conn, |c| {
            c.execute("INSERT INTO summaries_paused (paused) VALUES (1)", [])?;
            chains::rows(c, &rq, None)
        })
        .unwrap();
        prop_assert_eq!(kept, history);
        // The customer list sorts by the summaries and reads the page's figures from the history:
        // its order is that of everyone's figures from the history.
        let mut everyone = Vec::new();
        repeat::each(&conn, None, |c| {
            everyone.push(c.clone());
            Ok(())
        })
        .unwrap();
        for sort in [
            CustomerSort::TotalSpent,
            CustomerSort::Frequency,
            CustomerSort::MonetaryValue,
            CustomerSort::LastPurchase,
            CustomerSort::FirstPurchase,
        ] {
            let key = |c: &CustomerFigures| {
                let f = &c.figures;
                match sort {
                    CustomerSort::TotalSpent => (f.total_spent as f64, String::new()),
                    CustomerSort::Frequency => (f.frequency as f64, String::new()),
                    CustomerSort::MonetaryValue => (f.monetary_value, String::new()),
                    CustomerSort::LastPurchase => (0.0, f.last_purchase.clone()),
                    _ => (0.0, f.first_purchase.clone()),
                }
            };
            let mut expected = everyone.clone();
            expected.sort_by(|a, b| {
                let (ka, kb) = (key(a), key(b));
                ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1)).then(a.contact_id.cmp(&b.contact_id)).reverse()
            });
            let q = CustomerQuery { sort: Some(sort), limit: 500, ..CustomerQuery::default() };
            let page = repeat::list(&conn, &q).unwrap();
            prop_assert_eq!(page.total, expected.len() as i64);
            prop_assert_eq!(page.items, expected);
        }
        Ok(())
    });
}
