//! TLS to a team database on another machine. Each test starts a cluster of its own
//! (`testpg::Cluster`) listening on this machine's non-loopback address, so that to Flywheel it is
//! "another machine": `ssl = on` with a server certificate signed by a CA made here with the
//! `openssl` command, `hostssl … scram-sha-256` as the only way in over TCP, and login roles with
//! passwords. The cluster is stopped by its pid when the test ends, however it ends.
//!
//! Skipped (saying why) without PostgreSQL's server programs, the `openssl` command or a
//! non-loopback address; in CI (`CI` set) missing programs fail instead.

use chrono::NaiveDate;
use flywheel_core::flywheel::{self, LoopQuery};
use flywheel_core::sample::{self, SampleSize};
use flywheel_core::store::{Connection, EngineError};
use flywheel_core::{db, testpg};
use std::path::Path;
use std::process::Command;

/// The owner's password: characters a URL must escape, so the URL's decoding is tested too.
const PASSWORD: &str = "p@ss w0rd/é";
const PASSWORD_IN_URL: &str = "p%40ss%20w0rd%2F%C3%A9";
/// A name the server's certificate holds besides its address.
const CERT_NAME: &str = "db.flywheel.test";

struct Server {
    cluster: testpg::Cluster,
    /// This machine's address the server listens on (not a loopback one).
    addr: String,
}

impl Server {
    fn file(&self, name: &str) -> String {
        self.cluster.dir.join(name).display().to_string()
    }

    /// The URL of the shop database as its owner over TCP, plus `query` (`sslrootcert=…&…`).
    fn url(&self, password: &str, query: &str) -> String {
        format!("postgresql://shop_owner:{password}@{}:{}/shop?{query}", self.addr, self.cluster.port)
    }

    /// Lines of the server's log that record a connection arriving (`log_connections`).
    fn connections_received(&self) -> usize {
        let log = std::fs::read_to_string(self.cluster.dir.join("log")).unwrap_or_default();
        log.lines().filter(|l| l.contains("connection received")).count()
    }
}

/// A skip (`None`, with the reason printed) or a failure in CI.
fn skip(reason: &str) -> Option<Server> {
    if std::env::var("CI").is_ok_and(|ci| !ci.is_empty()) && !reason.contains("address") {
        panic!("CI must not skip the TLS tests: {reason}");
    }
    eprintln!("skipped: {reason}");
    None
}

/// This machine's first IPv4 address that is not a loopback one (`hostname -I`).
fn non_loopback_address() -> Option<String> {
    let out = Command::new("hostname").arg("-I").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|a| a.parse::<std::net::Ipv4Addr>().ok())
        .find(|a| !a.is_loopback() && !a.is_unspecified() && !a.is_link_local())
        .map(|a| a.to_string())
}

fn openssl(dir: &Path, args: &[&str]) -> Result<(), String> {
    let out =
        Command::new("openssl").args(args).current_dir(dir).output().map_err(|e| format!("openssl: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!("openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// A CA (`NAME.crt`, `NAME.key`) in `dir`.
fn make_ca(dir: &Path, name: &str) -> Result<(), String> {
    let (crt, key, subject) =
        (format!("{name}.crt"), format!("{name}.key"), format!("/CN=Flywheel test {name}"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
        ]
        .into_iter()
        .chain(["-keyout", &key, "-out", &crt, "-subj", &subject])
        .collect::<Vec<_>>(),
    )
}

/// The server's key and certificate, for its address and [`CERT_NAME`], signed by the CA `ca`.
fn make_server_cert(dir: &Path, addr: &str) -> Result<(), String> {
    openssl(
        dir,
        &["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
            .into_iter()
            .chain(["-keyout", "server.key", "-out", "server.csr", "-subj", &format!("/CN={addr}")])
            .collect::<Vec<_>>(),
    )?;
    std::fs::write(dir.join("server.ext"), format!("subjectAltName=IP:{addr},DNS:{CERT_NAME}\n"))
        .map_err(|e| e.to_string())?;
    openssl(
        dir,
        &["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial"]
            .into_iter()
            .chain(["-days", "2", "-out", "server.crt", "-extfile", "server.ext"])
            .collect::<Vec<_>>(),
    )?;
    // The server refuses a key others may read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.join("server.key"), std::fs::Permissions::from_mode(0o600))
        .map_err(|e| e.to_string())
}

/// A server on this machine's non-loopback address that takes only TLS with a password over TCP,
/// with an empty database `shop` owned by the login role `shop_owner`.
fn server() -> Option<Server> {
    if testpg::server_programs().is_none() {
        return skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed");
    }
    if Command::new("openssl").arg("version").output().is_err() {
        return skip("the openssl command is not installed");
    }
    let Some(addr) = non_loopback_address() else {
        return skip("this machine has no non-loopback IPv4 address to serve TLS on");
    };
    let conf = "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n\
                password_encryption = scram-sha-256\nlog_connections = on\n";
    let hba = format!("hostssl all all {addr}/32 scram-sha-256");
    let cluster = testpg::Cluster::start(&addr, conf, &hba, |dir| {
        make_ca(dir, "ca")?;
        make_ca(dir, "other_ca")?;
        make_server_cert(dir, &addr)?;
        // The data folder holds the paths the configuration names relative to it.
        for f in ["server.crt", "server.key"] {
            std::fs::rename(dir.join(f), dir.join("data").join(f)).map_err(|e| e.to_string())?;
        }
        Ok(())
    })
    .unwrap_or_else(|e| panic!("the TLS cluster did not start: {e}"));
    let mut admin = testpg::connect(&cluster.socket_url("postgres"));
    admin
        .batch_execute(&format!(
            "CREATE ROLE shop_owner LOGIN PASSWORD '{}';
             CREATE ROLE staff_nopass LOGIN;",
            PASSWORD.replace('\'', "''")
        ))
        .unwrap();
    admin
        .batch_execute(
            "CREATE DATABASE shop OWNER shop_owner TEMPLATE template0 ENCODING 'UTF8' \
             LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
        )
        .unwrap();
    Some(Server { cluster, addr })
}

/// What a refused connection said: the message and the SQLSTATE.
#[derive(Debug)]
struct Refusal {
    message: String,
    code: Option<String>,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({:?})", self.message, self.code)
    }
}

fn refused(url: &str) -> Refusal {
    match Connection::connect_postgres(url) {
        Ok(_) => panic!("{url} connected"),
        Err(e) => match EngineError::of(&e) {
            Some(x) => Refusal { message: x.message.clone(), code: x.code.clone() },
            None => panic!("{url}: not the engine's error: {e}"),
        },
    }
}

#[test]
fn over_tls_with_the_ca_file_the_shop_opens_and_reports_as_a_solo_file_does() {
    let Some(server) = server() else { return };
    let url = server.url(PASSWORD_IN_URL, &format!("sslrootcert={}", server.file("ca.crt")));

    // The server itself says the session is encrypted.
    let conn = Connection::connect_postgres(&url).unwrap();
    let (ssl, user): (bool, String) = conn
        .query_row("SELECT ssl, current_user FROM pg_stat_ssl WHERE pid = pg_backend_pid()", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(ssl, "the session is not encrypted");
    assert_eq!(user, "shop_owner");
    drop(conn);

    // The certificate's other name, reached at the same address (`hostaddr`), verifies too.
    let named = format!(
        "host={CERT_NAME} hostaddr={} port={} user=shop_owner password='{}' dbname=shop sslrootcert={}",
        server.addr,
        server.cluster.port,
        PASSWORD.replace('\'', "\\'"),
        server.file("ca.crt")
    );
    Connection::connect_postgres(&named).unwrap();

    // db::open sets the empty database up through TLS, and the figures are the solo file's.
    let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    let q = LoopQuery { from: Some("2025-07-01".into()), to: Some("2026-06-30".into()) };
    let team = db::open(Path::new(&url)).unwrap();
    let written = sample::generate(&team, SampleSize::Small, as_of).unwrap();
    let solo = db::open_in_memory().unwrap();
    assert_eq!(sample::generate(&solo, SampleSize::Small, as_of).unwrap(), written);
    let shared = flywheel::report(&team, &q).unwrap();
    assert_eq!(shared, flywheel::report(&solo, &q).unwrap());
    let contacts: i64 = team.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0)).unwrap();
    assert_eq!(contacts, written.contacts);
    assert!(written.contacts > 100, "{written:?}");
}

#[test]
fn what_would_cross_the_network_unchecked_is_refused_with_a_clear_message() {
    let Some(server) = server() else { return };
    let ca = format!("sslrootcert={}", server.file("ca.crt"));

    // In the clear: refused before a packet leaves (the server logs every connection it receives).
    let before = server.connections_received();
    for mode in ["disable", "allow", "prefer"] {
        let e = refused(&server.url(PASSWORD_IN_URL, &format!("sslmode={mode}")));
        assert!(e.message.contains(&server.addr) && e.message.contains("another machine"), "{e}");
        assert!(e.message.contains(&format!("sslmode={mode}")), "{e}");
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(server.connections_received(), before, "a connection reached the server");
    // The server agrees: its pg_hba.conf lets nobody in over TCP without TLS.
    let plain = format!(
        "host={} port={} user=shop_owner password='{}' dbname=shop sslmode=disable",
        server.addr,
        server.cluster.port,
        PASSWORD.replace('\'', "\\'")
    );
    let e = postgres::Client::connect(&plain, postgres::NoTls).err().unwrap();
    assert!(e.as_db_error().unwrap().message().contains("no encryption"), "{e}");

    // A certificate that does not chain to the CA given, or to this machine's roots.
    for query in
        [format!("sslrootcert={}", server.file("other_ca.crt")), String::new(), "sslmode=require".into()]
    {
        let e = refused(&server.url(PASSWORD_IN_URL, &query));
        assert!(
            e.message.contains("did not prove who it is") && e.message.contains(&server.addr),
            "{query}: {e}"
        );
        assert!(e.message.contains("unable to get local issuer certificate"), "{query}: {e}");
        assert!(!e.message.contains("error:0A"), "OpenSSL's raw text: {e}");
    }

    // A certificate for another name: the right CA, but the URL's host is not in it.
    let other_name = format!(
        "host=other.flywheel.test hostaddr={} port={} user=shop_owner password=x dbname=shop {ca}",
        server.addr, server.cluster.port
    );
    let e = refused(&other_name);
    assert!(
        e.message.contains("did not prove who it is") && e.message.contains("other.flywheel.test"),
        "{e}"
    );
    assert!(e.message.to_lowercase().contains("hostname mismatch"), "{e}");

    // A wrong password, and a role with none: the server's reason, and its SQLSTATE.
    let e = refused(&server.url("wrong", &ca));
    assert!(e.message.contains("password authentication failed for user \"shop_owner\""), "{e}");
    assert_eq!(e.code.as_deref(), Some("28P01"));
    let e =
        refused(&format!("postgresql://staff_nopass:x@{}:{}/shop?{ca}", server.addr, server.cluster.port));
    assert!(e.message.contains("password authentication failed for user \"staff_nopass\""), "{e}");

    let e = refused(&format!("postgresql://shop_owner@{}:{}/shop?{ca}", server.addr, server.cluster.port));
    assert!(e.message.contains("asks for a password, and the URL gives none"), "{e}");

    // A server without TLS (PostgreSQL with ssl = off answers the TLS request with "N"): refused, and
    // nothing but that request was sent.
    let listener = std::net::TcpListener::bind((server.addr.as_str(), 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let fake = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = [0u8; 8];
        socket.read_exact(&mut request).unwrap();
        socket.write_all(b"N").unwrap();
        let mut rest = Vec::new();
        let _ = socket.read_to_end(&mut rest);
        (request, rest)
    });
    let e = refused(&format!("postgresql://shop_owner:{PASSWORD_IN_URL}@{}:{port}/shop", server.addr));
    assert!(e.message.contains("does not speak TLS") && e.message.contains("turn on `ssl`"), "{e}");
    let (request, rest) = fake.join().unwrap();
    assert_eq!(request, [0, 0, 0, 8, 4, 210, 22, 47], "not PostgreSQL's TLS request");
    assert!(rest.is_empty(), "sent after the refusal: {rest:?}");

    // A CA file that is not there.
    let e = refused(&server.url(PASSWORD_IN_URL, "sslrootcert=/nonexistent/ca.crt"));
    assert!(e.message.contains("/nonexistent/ca.crt") && e.message.contains("sslrootcert"), "{e}");

    // And with all of it right, it connects.
    Connection::connect_postgres(&server.url(PASSWORD_IN_URL, &format!("{ca}&sslmode=verify-full"))).unwrap();
}

#[test]
fn the_windows_login_form_connects_over_checked_tls_and_puts_each_failure_beside_its_field() {
    use flywheel_core::team_login::{self, TeamLogin};
    let Some(server) = server() else { return };
    let login = TeamLogin {
        host: server.addr.clone(),
        port: server.cluster.port,
        database: "shop".into(),
        user: "shop_owner".into(),
        ca_file: server.file("ca.crt"),
    };
    // The URL the form builds (verify-full, the CA file, the password's characters encoded) gets in.
    let found = team_login::check(&login, PASSWORD).unwrap();
    assert_eq!(found.schema_version, 0, "{found:?}");
    assert!(found.server_version.starts_with(char::is_numeric), "{found:?}");

    let field = |l: &TeamLogin, password: &str| {
        let e = team_login::check(l, password).unwrap_err();
        (e.field.clone().unwrap_or_default(), e.message)
    };
    let (f, m) = field(&login, "wrong");
    assert_eq!(f, "password", "{m}");
    assert!(m.contains("password authentication failed"), "{m}");
    let (f, m) = field(&login, "");
    assert_eq!(f, "password", "{m}");
    let (f, m) = field(&TeamLogin { database: "no_such_shop".into(), ..login.clone() }, PASSWORD);
    assert_eq!(f, "database", "{m}");
    let (f, m) = field(&TeamLogin { ca_file: server.file("other_ca.crt"), ..login.clone() }, PASSWORD);
    assert_eq!(f, "host", "a certificate that does not verify: {m}");
    assert!(m.contains("did not prove who it is"), "{m}");
    let (f, m) = field(&TeamLogin { ca_file: server.file("no_such_ca.crt"), ..login.clone() }, PASSWORD);
    assert_eq!(f, "ca_file", "{m}");
    // Without a CA file: this machine's roots, which do not hold the test's CA.
    let (f, m) = field(&TeamLogin { ca_file: String::new(), ..login.clone() }, PASSWORD);
    assert_eq!(f, "host", "{m}");
    let (f, m) = field(&TeamLogin { host: "no-such-host.invalid".into(), ..login.clone() }, PASSWORD);
    assert_eq!(f, "host", "{m}");
    assert!(m.contains("no-such-host.invalid"), "{m}");
}
