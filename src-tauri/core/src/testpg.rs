//! Test support: a fresh PostgreSQL database for every test, cloned from a template that is built
//! once per cluster. Not part of the app; public (and hidden from the docs) only so the
//! integration tests in `core/tests/` and the other crates' tests can use it.
//!
//! # The cluster
//! Tests never start PostgreSQL themselves. They are handed a throwaway cluster in the environment
//! variable `FLYWHEEL_TEST_PG`, a connection URL such as
//! `postgresql:///postgres?host=/tmp/pg&port=5432&user=flywheel` (a unix socket in `/tmp/pg`,
//! user `flywheel` with trust authentication, database `postgres` for administration). Its
//! databases are UTF8 with the locale `C.UTF-8`: text sorts by code point, as SQLite's default
//! collation does, while `lower()` and pg_trgm still know non-ASCII letters.
//! `.ci/pg start DIR` makes one and writes that URL to `DIR/url`; `.ci/pg stop DIR` removes it.
//! `npm test` (`.ci/test-all`, which CI runs) starts one before the Rust tests and stops it when
//! the run ends, however it ends. By hand:
//!
//! ```sh
//! .ci/pg start /tmp/pg
//! FLYWHEEL_TEST_PG=$(cat /tmp/pg/url) cargo test -p flywheel-core --test pg_harness
//! .ci/pg stop /tmp/pg
//! ```
//!
//! Without `FLYWHEEL_TEST_PG` a PostgreSQL test prints why and returns (it passes without
//! checking anything), so `cargo test` still works on a machine without PostgreSQL. In CI (the
//! variable `CI` is set) a missing cluster is a failure instead: [`cluster`] panics, so
//! PostgreSQL can never be skipped there without anyone noticing.
//!
//! # In a test
//! ```text
//! use flywheel_core::testpg;
//!
//! #[test]
//! fn something_on_postgres() {
//!     // The template's name must change when what `build` does changes (put a hash of the
//!     // schema in it): a template, once built, stays in the cluster for every later test.
//!     let Some(db) = testpg::database("flywheel_v1_0123abcd", |c| {
//!         c.batch_execute(SCHEMA).map_err(|e| e.to_string())
//!     }) else {
//!         return println!("skipped: FLYWHEEL_TEST_PG not set");
//!     };
//!     let mut client = db.connect(); // or connect to `db.url` any other way
//!     // ... the database is the test's own, and is dropped when `db` is.
//! }
//! ```
//!
//! Many test binaries and threads run at once: the first caller to ask for a template builds it
//! while the others wait on an advisory lock in the `postgres` database, then each gets its own
//! copy (`CREATE DATABASE .. TEMPLATE ..`, a block copy: much faster than running the schema
//! again).
//! A template whose build failed or was interrupted is dropped and built again by the next caller.

use postgres::{Client, NoTls};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable that hands the tests a cluster.
pub const ENV: &str = "FLYWHEEL_TEST_PG";

/// The advisory lock (in the `postgres` database) held while a template is checked or built.
const TEMPLATE_LOCK: i64 = 0x466c_7977_6865_656c; // "Flywheel"

/// The cluster's URL from `FLYWHEEL_TEST_PG`, or `None` when it is not set (the caller prints
/// "skipped: FLYWHEEL_TEST_PG not set" and returns).
///
/// # Panics
/// When the variable is not set in CI (the variable `CI` is set and not empty): there, a test
/// that needs PostgreSQL must fail rather than pass without running.
pub fn cluster() -> Option<String> {
    let url = std::env::var(ENV).ok().filter(|url| !url.trim().is_empty());
    if url.is_none() && std::env::var("CI").is_ok_and(|ci| !ci.is_empty()) {
        panic!(
            "{ENV} is not set, and CI must not skip the PostgreSQL tests: start a cluster with \
             `.ci/pg start DIR` and export {ENV}=$(cat DIR/url) (.ci/test-all does this)"
        );
    }
    url
}

/// The URL of database `dbname` on the cluster at `cluster_url`: a URL
/// (`postgresql://…/db?…`) gets its path replaced, a `key=value` conninfo gets `dbname=`
/// appended (a later key wins in libpq and in the `postgres` crate).
///
/// # Panics
/// When `dbname` is not a name [`database`] accepts.
pub fn url_for(cluster_url: &str, dbname: &str) -> String {
    check_name(dbname);
    for scheme in ["postgresql://", "postgres://"] {
        if let Some(rest) = cluster_url.strip_prefix(scheme) {
            let (before_query, query) = rest.split_at(rest.find('?').unwrap_or(rest.len()));
            let authority = &before_query[..before_query.find('/').unwrap_or(before_query.len())];
            return format!("{scheme}{authority}/{dbname}{query}");
        }
    }
    format!("{cluster_url} dbname={dbname}")
}

/// A connection to `url`.
///
/// # Panics
/// When the server cannot be reached, with the URL and the reason.
pub fn connect(url: &str) -> Client {
    Client::connect(url, NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to PostgreSQL at {url}: {}", describe(&e)))
}

/// A database of the test's own, dropped (`DROP DATABASE .. WITH (FORCE)`, which also ends
/// any session still connected to it) when this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    /// Connection URL of this database.
    pub url: String,
    /// Its name, unique on the cluster.
    pub name: String,
    cluster: String,
}

impl TestDatabase {
    /// A new connection to this database.
    pub fn connect(&self) -> Client {
        connect(&self.url)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Errors are ignored: a database left behind goes with the throwaway cluster.
        if let Ok(mut admin) = Client::connect(&url_for(&self.cluster, "postgres"), NoTls) {
            let _ =
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(&self.name)));
        }
    }
}

/// A new database of the test's own, a copy of the template database `template`; `None` when no
/// cluster is set (see [`cluster`]).
///
/// The template is made once for the whole cluster, by the first caller: an empty database is
/// created, `build` runs on a connection to it (say, the schema and some rows), then it is marked
/// as a template that takes no connections. Name the template after what `build` does (include a
/// hash of the schema text): a template, once there, is reused by every later test and run on
/// that cluster.
///
/// # Panics
/// When `template` is not a plain name (lowercase ASCII letters, digits and `_`, not starting
/// with a digit, at most 63 bytes), when the cluster cannot be reached, and when `build` fails
/// (with its message; the half-built template is dropped first).
pub fn database(
    template: &str,
    build: impl FnOnce(&mut Client) -> Result<(), String>,
) -> Option<TestDatabase> {
    let cluster = cluster()?;
    check_name(template);
    let admin_url = url_for(&cluster, "postgres");
    let mut admin = connect(&admin_url);
    ensure_template(&cluster, &mut admin, template, build);

    let name = unique_name();
    admin
        .batch_execute(&format!("CREATE DATABASE {} TEMPLATE {}", ident(&name), ident(template)))
        .unwrap_or_else(|e| {
            panic!("cannot create database {name} from template {template}: {}", describe(&e))
        });
    Some(TestDatabase { url: url_for(&cluster, &name), name, cluster })
}

/// Makes sure template `template` exists on the cluster, building it if it does not.
fn ensure_template(
    cluster: &str,
    admin: &mut Client,
    template: &str,
    build: impl FnOnce(&mut Client) -> Result<(), String>,
) {
    // Templates this process has seen ready, so later tests skip the lock and the look-up.
    static READY: OnceLock<Mutex<HashSet<(String, String)>>> = OnceLock::new();
    let key = (cluster.to_owned(), template.to_owned());
    let ready = READY.get_or_init(Mutex::default);
    if ready.lock().unwrap_or_else(|e| e.into_inner()).contains(&key) {
        return;
    }

    let fail =
        |what: &str, e: postgres::Error| -> ! { panic!("template {template}: {what}: {}", describe(&e)) };
    // A session lock: released by the unlock below, or by the server if this process dies or
    // `build` panics (the connection closes), so a crashed build never blocks the others.
    admin
        .execute("SELECT pg_advisory_lock($1)", &[&TEMPLATE_LOCK])
        .unwrap_or_else(|e| fail("cannot take the template lock", e));
    let state: Option<bool> = admin
        .query_opt("SELECT datistemplate FROM pg_database WHERE datname = $1", &[&template])
        .unwrap_or_else(|e| fail("cannot look it up", e))
        .map(|row| row.get("datistemplate"));
    if state != Some(true) {
        if state == Some(false) {
            // Left half-built by a caller that died or panicked while building it.
            drop_database(admin, template).unwrap_or_else(|e| fail("cannot drop the half-built one", e));
        }
        admin
            .batch_execute(&format!("CREATE DATABASE {} TEMPLATE template0", ident(template)))
            .unwrap_or_else(|e| fail("cannot create it", e));
        let built = {
            let mut client = connect(&url_for(cluster, template));
            build(&mut client)
            // The connection closes here: a template with a session on it cannot be copied.
        };
        if let Err(message) = built {
            let _ = drop_database(admin, template);
            let _ = admin.execute("SELECT pg_advisory_unlock($1)", &[&TEMPLATE_LOCK]);
            panic!("building template {template} failed: {message}");
        }
        admin
            .batch_execute(&format!(
                "ALTER DATABASE {} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false",
                ident(template)
            ))
            .unwrap_or_else(|e| fail("cannot mark it as a template", e));
    }
    admin
        .execute("SELECT pg_advisory_unlock($1)", &[&TEMPLATE_LOCK])
        .unwrap_or_else(|e| fail("cannot release the template lock", e));
    ready.lock().unwrap_or_else(|e| e.into_inner()).insert(key);
}

/// Drops a database, template or not, ending the sessions still on it.
fn drop_database(admin: &mut Client, name: &str) -> Result<(), postgres::Error> {
    // Two statements: one query string would run them in one transaction, which DROP refuses.
    admin.batch_execute(&format!("ALTER DATABASE {} WITH IS_TEMPLATE false", ident(name)))?;
    admin.batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", ident(name)))
}

/// A name no other test, thread or process on the cluster uses: the process id, a counter, and
/// the time (pids are reused across runs on a long-lived cluster).
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let micros = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros());
    format!("test_{}_{n}_{micros}", std::process::id())
}

/// Panics unless `name` is safe as a database name: lowercase ASCII letters, digits and `_`,
/// not starting with a digit, 1 to 63 bytes (PostgreSQL's limit; longer names are cut short).
fn check_name(name: &str) {
    let plain = name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    let starts_well = name.bytes().next().is_some_and(|b| !b.is_ascii_digit());
    assert!(
        plain && starts_well && name.len() <= 63,
        "{name:?} is not a usable database name: use 1 to 63 of a-z, 0-9 and _, not starting \
         with a digit"
    );
}

/// A checked name, double-quoted as an SQL identifier.
fn ident(name: &str) -> String {
    check_name(name);
    format!("\"{name}\"")
}

/// The server's message (with its detail and hint) rather than the bare "db error".
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{} ({})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                text += &format!("; {detail}");
            }
            if let Some(hint) = db.hint() {
                text += &format!("; hint: {hint}");
            }
            text
        }
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                text += &format!(": {cause}");
                source = cause.source();
            }
            text
        }
    }
}

/// The engine the core's integration tests run on: `FLYWHEEL_TEST_ENGINE=postgres` puts every
/// test database on the cluster of `FLYWHEEL_TEST_PG`; anything else, SQLite.
pub fn on_postgres() -> bool {
    std::env::var("FLYWHEEL_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

/// A database of the test's own with Flywheel's schema on it, from a template named after the
/// schema's text (a changed schema makes a new template).
///
/// # Panics
/// When no cluster is set: a run that asks for PostgreSQL must not quietly run on nothing.
pub fn flywheel_database() -> TestDatabase {
    let text = crate::db::pg_schema();
    // FNV-1a: a stable name for the schema's text.
    let hash =
        text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    let template = format!("flywheel_schema_{hash:016x}");
    database(&template, |client| client.batch_execute(&text).map_err(|e| describe(&e))).unwrap_or_else(|| {
        panic!("FLYWHEEL_TEST_ENGINE=postgres needs a cluster in {ENV} (.ci/pg start DIR)")
    })
}

/// A plain cluster of the test's own (the socket alone, no settings), for a test that stops and
/// starts its server; `None`, saying why, where PostgreSQL's server programs are missing, except in
/// CI, where it panics as [`cluster`] does.
pub fn own_cluster() -> Option<Cluster> {
    match Cluster::start("", "", "", |_| Ok(())) {
        Ok(c) => Some(c),
        Err(e) if server_programs().is_none() && std::env::var("CI").map_or(true, |v| v.is_empty()) => {
            eprintln!("skipped: {e}");
            None
        }
        Err(e) => panic!("could not start a PostgreSQL cluster: {e}"),
    }
}

/// A cluster a test starts itself, for settings the shared one cannot have (TLS, a TCP address,
/// `pg_hba.conf` lines of its own): initdb into a new folder under the temporary directory
/// (superuser `flywheel`, trust over its unix socket), started with `pg_ctl`, and stopped by its
/// pid and removed when this value is dropped, even when the test panics. As root, the server
/// programs run as the `postgres` user, and the folder is handed to it.
#[derive(Debug)]
pub struct Cluster {
    /// The cluster's folder: its unix socket, `data/`, `log`, and the files `prepare` wrote.
    pub dir: std::path::PathBuf,
    pub port: u16,
    pid: u32,
}

impl Cluster {
    /// Starts a cluster listening on `listen` (an address for `listen_addresses`, or "" for the
    /// socket alone), with `conf` appended to `postgresql.conf` and `hba` after the line that
    /// trusts the socket in `pg_hba.conf`. `prepare` writes what the settings name (certificates)
    /// into the folder before the server starts. `Err` says why it could not start; when the
    /// server programs are missing the caller skips, except in CI (see [`cluster`]).
    pub fn start(
        listen: &str,
        conf: &str,
        hba: &str,
        prepare: impl FnOnce(&std::path::Path) -> Result<(), String>,
    ) -> Result<Cluster, String> {
        use std::process::Command;
        let bindir = server_programs().ok_or_else(|| {
            "PostgreSQL's server programs (initdb, pg_ctl) were not found (Debian: apt-get install postgresql)"
                .to_owned()
        })?;
        let port = std::net::TcpListener::bind((if listen.is_empty() { "127.0.0.1" } else { listen }, 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port on {listen:?}: {e}"))?
            .port();
        let dir = std::env::temp_dir().join(unique_name().replace("test_", "flywheel-cluster-"));
        std::fs::create_dir(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        // From here on, dropping the value stops whatever started and removes the folder.
        let mut cluster = Cluster { dir, port, pid: 0 };
        let root =
            std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
        let run = |program: &str, args: &[&str]| -> Result<(), String> {
            let path = bindir.join(program);
            let mut command = if root { Command::new("runuser") } else { Command::new(&path) };
            if root {
                command.args(["-u", "postgres", "--"]).arg(&path);
            }
            let out = command.args(args).output().map_err(|e| format!("cannot run {program}: {e}"))?;
            if out.status.success() {
                return Ok(());
            }
            Err(format!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        };
        let give_to_postgres = |dir: &std::path::Path| -> Result<(), String> {
            if !root {
                return Ok(());
            }
            let ok =
                Command::new("chown").args(["-R", "postgres"]).arg(dir).status().is_ok_and(|s| s.success());
            ok.then_some(()).ok_or_else(|| format!("cannot hand {} to the postgres user", dir.display()))
        };
        let dir = cluster.dir.clone();
        let text =
            |p: &std::path::Path| p.to_str().map(str::to_owned).ok_or("a folder name that is not UTF-8");
        let data = text(&dir.join("data"))?;
        give_to_postgres(&dir)?;
        run(
            "initdb",
            &["-A", "trust", "-U", "flywheel", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "-D", &data],
        )?;
        prepare(&dir)?;
        give_to_postgres(&dir)?;
        let append = |file: &str, lines: &str| -> Result<(), String> {
            use std::io::Write;
            let path = dir.join("data").join(file);
            let mut f =
                std::fs::OpenOptions::new().append(true).open(&path).map_err(|e| format!("{file}: {e}"))?;
            f.write_all(lines.as_bytes()).map_err(|e| format!("{file}: {e}"))
        };
        append(
            "postgresql.conf",
            &format!(
                "\n# A test's own cluster (testpg::Cluster)\nlisten_addresses = '{listen}'\nunix_socket_directories = '{}'\n\
                 port = {port}\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n{conf}\n",
                dir.display()
            ),
        )?;
        std::fs::write(dir.join("data/pg_hba.conf"), format!("local all all trust\n{hba}\n"))
            .map_err(|e| format!("pg_hba.conf: {e}"))?;
        let log = text(&dir.join("log"))?;
        let started = run("pg_ctl", &["-D", &data, "-l", &log, "-w", "-t", "60", "start"]);
        // The pid, even after a failed start, so the drop can stop what did start.
        let pid_file = std::fs::read_to_string(dir.join("data/postmaster.pid")).unwrap_or_default();
        cluster.pid = pid_file.lines().next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
        if let Err(e) = started {
            let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
            return Err(format!("{e}\nserver log:\n{log}"));
        }
        Ok(cluster)
    }

    /// The URL of database `dbname` for the superuser `flywheel`, over the unix socket.
    pub fn socket_url(&self, dbname: &str) -> String {
        self.socket_url_as(dbname, "flywheel")
    }

    /// The URL of database `dbname` for the login `user`, over the unix socket.
    pub fn socket_url_as(&self, dbname: &str, user: &str) -> String {
        format!("postgresql:///{dbname}?host={}&port={}&user={user}", self.dir.display(), self.port)
    }

    /// Stops the server (fast shutdown: sessions are ended), as when it goes away under the
    /// desktops; [`Cluster::start_again`] brings it back on the same port.
    pub fn stop(&mut self) -> Result<(), String> {
        let data = self.dir.join("data");
        self.pg_ctl(&["-D", &data.display().to_string(), "-m", "fast", "-w", "-t", "60", "stop"])?;
        self.pid = 0;
        Ok(())
    }

    /// Starts the stopped server again.
    pub fn start_again(&mut self) -> Result<(), String> {
        let data = self.dir.join("data").display().to_string();
        let log = self.dir.join("log").display().to_string();
        self.pg_ctl(&["-D", &data, "-l", &log, "-w", "-t", "60", "start"])?;
        let pid_file = std::fs::read_to_string(self.dir.join("data/postmaster.pid")).unwrap_or_default();
        self.pid = pid_file.lines().next().and_then(|l| l.trim().parse().ok()).unwrap_or(0);
        Ok(())
    }

    fn pg_ctl(&self, args: &[&str]) -> Result<(), String> {
        use std::process::Command;
        let bindir = server_programs().ok_or("PostgreSQL's server programs were not found")?;
        let path = bindir.join("pg_ctl");
        let root =
            std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
        let mut command = if root { Command::new("runuser") } else { Command::new(&path) };
        if root {
            command.args(["-u", "postgres", "--"]).arg(&path);
        }
        let out = command.args(args).output().map_err(|e| format!("cannot run pg_ctl: {e}"))?;
        if out.status.success() {
            return Ok(());
        }
        Err(format!(
            "pg_ctl {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        use std::process::Command;
        let alive = |pid: u32| std::path::Path::new(&format!("/proc/{pid}")).exists();
        if self.pid != 0 {
            // Fast shutdown by the pid; killed if it has not gone within ten seconds.
            let _ = Command::new("kill").args(["-INT", &self.pid.to_string()]).status();
            for _ in 0..100 {
                if !alive(self.pid) {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            if alive(self.pid) {
                let _ = Command::new("kill").args(["-KILL", &self.pid.to_string()]).status();
            }
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The folder of the newest PostgreSQL server programs: `PG_BINDIR`, Debian's
/// `/usr/lib/postgresql/N/bin`, or the one on `PATH`.
pub fn server_programs() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let usable = |d: &PathBuf| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(dir) = std::env::var_os("PG_BINDIR").map(PathBuf::from).filter(usable) {
        return Some(dir);
    }
    let mut debian: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, d)| usable(d))
        .collect();
    debian.sort();
    debian.pop().map(|(_, d)| d).or_else(|| std::env::split_paths(&std::env::var_os("PATH")?).find(usable))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_for_replaces_the_database_of_a_url_and_appends_it_to_a_conninfo() {
        let url = "postgresql:///postgres?host=/tmp/pg&port=5432&user=flywheel";
        assert_eq!(url_for(url, "t_1"), "postgresql:///t_1?host=/tmp/pg&port=5432&user=flywheel");
        assert_eq!(url_for("postgres://u@h:5/x", "t_1"), "postgres://u@h:5/t_1");
        assert_eq!(url_for("postgresql://h?sslmode=disable", "t"), "postgresql://h/t?sslmode=disable");
        assert_eq!(url_for("host=/tmp/pg user=flywheel", "t"), "host=/tmp/pg user=flywheel dbname=t");
        for url in [url_for(url, "t_1"), url_for("host=/tmp/pg port=5 dbname=postgres", "t_1")] {
            let config: postgres::Config = url.parse().unwrap();
            assert_eq!(config.get_dbname(), Some("t_1"), "{url}");
        }
    }

    #[test]
    fn only_plain_names_are_accepted() {
        for good in ["postgres", "flywheel_v14_0a1b", "_x", &"a".repeat(63)] {
            check_name(good);
        }
        for bad in ["", "Upper", "has space", "quo\"te", "semi;colon", "9lives", "é", &"a".repeat(64)] {
            let caught = std::panic::catch_unwind(|| check_name(bad));
            assert!(caught.is_err(), "{bad:?} was accepted");
        }
        assert!(unique_name().len() <= 63);
        check_name(&unique_name());
    }
}
