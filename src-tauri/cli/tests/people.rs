//! People and roles on a team database: the owner makes each login a person with a role
//! (`flywheel team person LOGIN --name … --role …`), and the database's own grants enforce it:
//! only the owner and marketing change channel spend, only the owner marks a reward paid; a
//! refusal reaches the person as words naming what was refused, not a storage error. Runs on the
//! throwaway cluster of `FLYWHEEL_TEST_PG` with logins of its own; skipped without it outside CI.

mod common;

use common::team::Team;
use flywheel_core::channels::{self, SpendInput};
use flywheel_core::people::{self, Person, Role};
use flywheel_core::referrals::{self, ReferralInput, RewardStatus};
use flywheel_core::{db, Connection, ErrorCode};
use std::path::Path;

#[track_caller]
fn ok(db: &str, args: &[&str]) -> String {
    common::ok(&common::flywheel(Path::new(db), args))
}

#[track_caller]
fn fails(db: &str, args: &[&str]) -> String {
    let out = common::flywheel(Path::new(db), args);
    assert!(!out.status.success(), "{args:?} succeeded: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn open(url: &str) -> Connection {
    db::open(Path::new(url)).unwrap()
}

fn spend(amount_minor: i64) -> SpendInput {
    SpendInput {
        channel_key: "paid_search".into(),
        month: "2026-05".into(),
        amount_minor,
        currency: "EUR".into(),
        visitors: 100,
    }
}

#[test]
fn each_role_may_do_what_its_grants_allow_and_a_refusal_is_told_in_words() {
    let Some(team) = Team::new(&["sam", "mia", "olga"]) else { return };
    let owner = team.url(&team.owner);
    let (sam, mia, olga) = (team.login("sam"), team.login("mia"), team.login("olga"));

    // The owner makes the three logins people; again changes nothing.
    let said = ok(
        &owner,
        &["team", "person", sam, "--name", "Sam Sales", "--email", "sam@shop.example", "--role", "sales"],
    );
    assert!(said.contains("Sam Sales") && said.contains("sales"), "{said}");
    ok(
        &owner,
        &["team", "person", sam, "--name", "Sam Sales", "--email", "sam@shop.example", "--role", "sales"],
    );
    ok(
        &owner,
        &[
            "team",
            "person",
            mia,
            "--name",
            "Mia Marketing",
            "--email",
            "mia@shop.example",
            "--role",
            "marketing",
        ],
    );
    ok(&owner, &["team", "person", olga, "--name", "Olga Owner", "--role", "owner"]);
    // The groups are roles no one logs in as, apart from the owner login of the README's setup
    // (flywheel_owner), and a person is a member of their group, not of the schema's owner.
    let groups: Vec<(String, bool)> = open(&owner)
        .prepare("SELECT rolname::text, rolcanlogin FROM pg_roles WHERE rolname LIKE 'flywheel\\_group\\_%' ORDER BY 1")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected = ["flywheel_group_marketing", "flywheel_group_owner", "flywheel_group_sales"]
        .map(|g| (g.to_owned(), false));
    assert_eq!(groups, expected);
    let member_of_owner: bool = open(&owner)
        .query_row("SELECT pg_has_role(?1, ?2, 'MEMBER')", [olga, team.owner.as_str()], |r| r.get(0))
        .unwrap();
    assert!(!member_of_owner);
    // Sales may not load the sample shop: it writes channel spend. Told in words, nothing written.
    let e = fails(&team.url(sam), &["seed", "--size", "small", "--as-of", "2026-06-30"]);
    assert!(e.contains("Your role may not change channel spend; ask the owner or marketing."), "{e}");
    assert!(!e.contains("permission denied") && !e.contains("Database error"), "{e}");
    ok(&owner, &["seed", "--size", "small", "--as-of", "2026-06-30"]);

    let (as_sam, as_mia, as_olga, as_owner) =
        (open(&team.url(sam)), open(&team.url(mia)), open(&team.url(olga)), open(&owner));
    assert_eq!(
        people::me(&as_sam).unwrap(),
        Some(Person {
            login: sam.into(),
            name: "Sam Sales".into(),
            email: Some("sam@shop.example".into()),
            role: Role::Sales
        })
    );
    assert_eq!(people::me(&as_owner).unwrap(), None, "the schema's owner is no person until added");
    let names: Vec<String> = people::list(&as_sam).unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["Mia Marketing", "Olga Owner", "Sam Sales"]);

    // Channel spend: sales refused in words, marketing and the owner allowed.
    let e = channels::set_spend(&as_sam, &spend(1000)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden, "{e:?}");
    assert_eq!(e.message, "Your role may not change channel spend; ask the owner or marketing.");
    let row = channels::set_spend(&as_mia, &spend(2000)).unwrap();
    assert_eq!(channels::delete_spend(&as_sam, row.id).unwrap_err().code, ErrorCode::Forbidden);
    channels::set_spend(&as_olga, &spend(3000)).unwrap();
    // Sales still read it, and do the rest of the app's work.
    assert!(!channels::list_spend(&as_sam, None, None).unwrap().is_empty());
    ok(&team.url(sam), &["contacts", "add", "--email", "new@example.com", "--name", "New Lead"]);

    // A reward: owed by anyone, paid only by the owner (a person of role owner, or the schema's).
    let id_of = |email: &str| -> i64 {
        as_owner.query_row("SELECT id FROM contacts WHERE email = ?1", [email], |r| r.get(0)).unwrap()
    };
    ok(&owner, &["contacts", "add", "--email", "adv@example.com", "--name", "Ada Advocate"]);
    ok(&owner, &["contacts", "add", "--email", "ref1@example.com", "--name", "Rae One"]);
    ok(&owner, &["contacts", "add", "--email", "ref2@example.com", "--name", "Rae Two"]);
    let mut owed = Vec::new();
    for referred in ["ref1@example.com", "ref2@example.com"] {
        let r = referrals::create(
            &as_owner,
            &ReferralInput {
                advocate_id: id_of("adv@example.com"),
                referred_id: id_of(referred),
                referred_on: "2026-06-01".into(),
                notes: String::new(),
                reward_minor: 500,
                reward_currency: String::new(),
            },
        )
        .unwrap();
        referrals::set_reward(&as_sam, r.id, RewardStatus::Owed, "", None).unwrap();
        owed.push(r.id);
    }
    for who in [&as_sam, &as_mia] {
        let e = referrals::set_reward(who, owed[0], RewardStatus::Paid, "", None).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::Forbidden, "Only the owner marks a reward paid.")
        );
        assert_eq!(e.field.as_deref(), Some("reward_status"));
    }
    assert_eq!(
        referrals::get(&as_owner, owed[0]).unwrap().reward_status,
        RewardStatus::Owed,
        "nothing written"
    );
    referrals::set_reward(&as_olga, owed[0], RewardStatus::Paid, "", None).unwrap();
    referrals::set_reward(&as_owner, owed[1], RewardStatus::Paid, "", None).unwrap();
    let paid_by = |id: i64| -> Option<String> {
        as_owner.query_row("SELECT reward_paid_by FROM referrals WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    };
    assert_eq!(paid_by(owed[0]).as_deref(), Some(olga));
    assert_eq!(paid_by(owed[1]).as_deref(), Some(team.owner.as_str()));

    // A new role replaces the old: Sam moved to marketing may now change spend.
    ok(
        &owner,
        &["team", "person", sam, "--name", "Sam Sales", "--email", "sam@shop.example", "--role", "marketing"],
    );
    channels::set_spend(&open(&team.url(sam)), &spend(4000)).unwrap();
    assert_eq!(people::me(&as_sam).unwrap().unwrap().role, Role::Marketing);
}

#[test]
fn only_the_owner_adds_people_and_only_on_a_team_database() {
    let Some(team) = Team::new(&["sam", "mia"]) else { return };
    let owner = team.url(&team.owner);
    let (sam, mia) = (team.login("sam"), team.login("mia"));
    ok(&owner, &["team", "person", sam, "--name", "Sam Sales", "--role", "sales"]);
    let e = fails(&team.url(sam), &["team", "person", mia, "--name", "Mia", "--role", "owner"]);
    assert!(e.contains("Only the owner") && e.contains(&team.owner), "{e}");
    let e = fails(&owner, &["team", "person", mia, "--name", "Mia", "--role", "boss"]);
    assert!(e.contains("not a role"), "{e}");
    let e = fails(&owner, &["team", "person", mia, "--name", "  ", "--role", "sales"]);
    assert!(e.contains("name"), "{e}");
    let e = fails(&owner, &["team", "person", "nobody_by_this_name", "--name", "No One", "--role", "sales"]);
    assert!(e.contains("There is no role \"nobody_by_this_name\""), "{e}");
    let e = fails(
        &owner,
        &["team", "person", mia, "--name", "Mia", "--email", "not an email", "--role", "sales"],
    );
    assert!(e.contains("email"), "{e}");
    assert_eq!(people::list(&open(&owner)).unwrap().len(), 1, "nothing written by a refusal");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("solo.db");
    let e = fails(file.to_str().unwrap(), &["team", "person", sam, "--name", "Sam", "--role", "sales"]);
    assert!(e.contains("--db postgresql://"), "{e}");
    // A solo file has no people, and no one is "me".
    let solo = db::open(&file).unwrap();
    assert_eq!((people::list(&solo).unwrap(), people::me(&solo).unwrap()), (vec![], None));
}
