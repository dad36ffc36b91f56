//! A team database with login roles of a test's own on the throwaway cluster of
//! `FLYWHEEL_TEST_PG`, as the README's "Team database" makes them: the server's administrator
//! creates the logins and an empty database the owner owns. Dropped at the end however the test
//! ends. None (the test skips) without the cluster outside CI.

use flywheel_core::testpg;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct Team {
    cluster: String,
    /// The database's owner (may create roles: it makes the group roles of `team person`).
    pub owner: String,
    /// The other logins, in the order asked for, each named `<name>_<n>`.
    pub logins: Vec<String>,
    pub database: String,
}

impl Team {
    pub fn new(logins: &[&str]) -> Option<Team> {
        let Some(cluster) = testpg::cluster() else {
            eprintln!("skipped: FLYWHEEL_TEST_PG not set");
            return None;
        };
        static N: AtomicU32 = AtomicU32::new(0);
        let n = format!("{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed));
        let team = Team {
            cluster,
            owner: format!("owner_{n}"),
            logins: logins.iter().map(|l| format!("{l}_{n}")).collect(),
            database: format!("shop_{n}"),
        };
        let mut admin = testpg::connect(&testpg::url_for(&team.cluster, "postgres"));
        let mut sql = format!("CREATE ROLE {} LOGIN CREATEROLE;", team.owner);
        for login in &team.logins {
            sql.push_str(&format!("CREATE ROLE {login} LOGIN;"));
        }
        admin.batch_execute(&sql).unwrap();
        admin
            .batch_execute(&format!(
                "CREATE DATABASE {} OWNER {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
                team.database, team.owner
            ))
            .unwrap();
        Some(team)
    }

    /// The login named `name` in [`Team::new`].
    pub fn login(&self, name: &str) -> &str {
        self.logins.iter().find(|l| l.starts_with(&format!("{name}_"))).expect("a login of the team")
    }

    /// The URL of the database for `role` (the cluster trusts its socket: no password).
    pub fn url(&self, role: &str) -> String {
        let url = testpg::url_for(&self.cluster, &self.database);
        let sep = if url.contains('?') {
            '&'
        } else if url.starts_with("postgres") {
            '?'
        } else {
            ' '
        };
        let sep = if sep == ' ' { " user=".to_owned() } else { format!("{sep}user=") };
        format!("{url}{sep}{role}")
    }
}

impl Drop for Team {
    fn drop(&mut self) {
        if let Ok(mut admin) =
            postgres::Client::connect(&testpg::url_for(&self.cluster, "postgres"), postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database));
            for login in &self.logins {
                let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {login}"));
            }
            let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {}", self.owner));
        }
    }
}
