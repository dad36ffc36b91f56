//! How a connection to a team database is secured. A server on this machine (a unix socket,
//! `localhost`, a loopback address) may be spoken to in the clear; any other host only over TLS,
//! with the server's certificate checked as libpq's `sslmode=verify-full` does: its chain up to a
//! root this machine trusts (or the CA file named by `sslrootcert=` in the URL) and the host name
//! the URL gives. A URL that asks for less to another machine (`sslmode=disable`, `allow`,
//! `prefer`) is refused before a single packet leaves, so passwords and customers' data never
//! cross a network in the clear.
//!
//! The URL takes libpq's parameters: `sslmode` (`disable`, `allow`, `prefer`, `require`,
//! `verify-ca`, `verify-full`) and `sslrootcert` (a PEM file of one or more CA certificates, or
//! `system` for this machine's roots, which is also what no `sslrootcert` means). To a local
//! server, `require` encrypts without checking the certificate (libpq's meaning) unless a
//! `sslrootcert` is given, and `verify-ca`/`verify-full` check it; to another machine every mode
//! that encrypts is `verify-full`. Certificates come from the system's OpenSSL (`native-tls`).

use super::EngineError;
use native_tls::{Certificate, TlsConnector};
use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};
use postgres_native_tls::MakeTlsConnector;
use std::net::IpAddr;

/// How long reaching a server may take unless the URL says (`connect_timeout=` seconds).
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

/// What a URL asks for, once read.
#[derive(Debug)]
pub(super) struct Plan {
    pub(super) config: Config,
    /// Encrypt, and how much of the certificate to check; `None`: in the clear (local only).
    pub(super) tls: Option<Checks>,
    /// The host named in messages: the first one on another machine, else the first one.
    pub(super) host: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Checks {
    pub(super) chain: bool,
    pub(super) host_name: bool,
    /// `sslrootcert`: the only roots trusted; `None` for this machine's own.
    pub(super) root_cert: Option<String>,
}

/// Connects to the team database at `url` (a `postgresql://` URL or a `key=value` string).
pub(super) fn connect(url: &str) -> rusqlite::Result<Client> {
    let plan = plan(url)?;
    let connected = match &plan.tls {
        None => plan.config.connect(NoTls),
        Some(checks) => plan.config.connect(MakeTlsConnector::new(connector(checks)?)),
    };
    connected.map_err(|e| connect_error(&plan, &e).into())
}

/// Reads `url` and decides how to connect, refusing what would cross a network in the clear.
pub(super) fn plan(url: &str) -> Result<Plan, EngineError> {
    let (rest, taken) = take_params(url, &["sslmode", "sslrootcert", "sslcert", "sslkey"]);
    let value = |key: &str| taken.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    if value("sslcert").is_some() || value("sslkey").is_some() {
        return Err(EngineError::new(
            "Flywheel does not log in to a team database with a client certificate (sslcert, sslkey): \
             log in with a password (scram-sha-256) over TLS instead.",
        ));
    }
    let mode = match value("sslmode").as_deref() {
        None => None,
        Some("disable") => Some(Mode::Disable),
        Some("allow") => Some(Mode::Allow),
        Some("prefer") => Some(Mode::Prefer),
        Some("require") => Some(Mode::Require),
        Some("verify-ca") => Some(Mode::VerifyCa),
        Some("verify-full") => Some(Mode::VerifyFull),
        Some(other) => {
            return Err(EngineError::new(format!(
                "sslmode={other:?} is not one of disable, allow, prefer, require, verify-ca, verify-full."
            )))
        }
    };
    let root_cert = value("sslrootcert").filter(|r| !r.is_empty() && r != "system");
    let mut config: Config = rest.parse().map_err(|e: postgres::Error| EngineError::new(e.to_string()))?;

    let remote = remote_host(&config);
    let host = remote.clone().or_else(|| config.get_hosts().first().map(host_text)).unwrap_or_default();
    let tls = match (&remote, mode) {
        (Some(host), Some(m @ (Mode::Disable | Mode::Allow | Mode::Prefer))) => {
            let m = format!("{m:?}").to_lowercase();
            return Err(EngineError::new(format!(
                "The team database at {host} is on another machine, and Flywheel speaks to one only over \
                 TLS with its certificate checked; sslmode={m} would let passwords and customers' data \
                 cross the network in the clear. Remove sslmode={m} from the URL."
            )));
        }
        (Some(_), _) => Some(Checks { chain: true, host_name: true, root_cert }),
        (None, None | Some(Mode::Disable | Mode::Allow | Mode::Prefer)) => None,
        (None, Some(Mode::Require)) => {
            Some(Checks { chain: root_cert.is_some(), host_name: false, root_cert })
        }
        (None, Some(Mode::VerifyCa)) => Some(Checks { chain: true, host_name: false, root_cert }),
        (None, Some(Mode::VerifyFull)) => Some(Checks { chain: true, host_name: true, root_cert }),
    };
    config.ssl_mode(if tls.is_some() { SslMode::Require } else { SslMode::Disable });
    if config.get_connect_timeout().is_none() {
        // A wrong address or a closed firewall says so in seconds, not after the system's minutes.
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    Ok(Plan { config, tls, host })
}

/// The first host (or `hostaddr`) that is not on this machine, as the URL wrote it.
fn remote_host(config: &Config) -> Option<String> {
    let by_name = config.get_hosts().iter().find(|h| !is_local(h)).map(host_text);
    by_name.or_else(|| config.get_hostaddrs().iter().find(|a| !is_loopback(**a)).map(IpAddr::to_string))
}

fn host_text(host: &Host) -> String {
    match host {
        Host::Tcp(name) => name.clone(),
        Host::Unix(path) => path.display().to_string(),
    }
}

/// A server on this machine: a unix socket, `localhost`, or a loopback address.
fn is_local(host: &Host) -> bool {
    match host {
        Host::Unix(_) => true,
        Host::Tcp(name) => {
            name.eq_ignore_ascii_case("localhost")
                || name.trim_start_matches('[').trim_end_matches(']').parse().is_ok_and(is_loopback)
        }
    }
}

fn is_loopback(addr: IpAddr) -> bool {
    addr.to_canonical().is_loopback()
}

/// The TLS settings `checks` asks for.
fn connector(checks: &Checks) -> Result<TlsConnector, EngineError> {
    let mut builder = TlsConnector::builder();
    builder.danger_accept_invalid_certs(!checks.chain).danger_accept_invalid_hostnames(!checks.host_name);
    if let Some(path) = &checks.root_cert {
        // As libpq: the file's CAs are the only ones trusted.
        builder.disable_built_in_roots(true);
        for cert in read_roots(path)? {
            builder.add_root_certificate(cert);
        }
    }
    builder.build().map_err(|e| EngineError::new(format!("Could not set up TLS: {e}")))
}

/// Every certificate in the PEM file at `path`.
fn read_roots(path: &str) -> Result<Vec<Certificate>, EngineError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        EngineError::new(format!("Could not read the CA certificate file {path} (sslrootcert): {e}"))
    })?;
    const END: &str = "-----END CERTIFICATE-----";
    let mut certs = Vec::new();
    let mut rest = text.as_str();
    while let (Some(start), Some(end)) = (rest.find("-----BEGIN CERTIFICATE-----"), rest.find(END)) {
        if end < start {
            rest = &rest[end + END.len()..];
            continue;
        }
        let pem = &rest[start..end + END.len()];
        certs.push(Certificate::from_pem(pem.as_bytes()).map_err(|e| {
            EngineError::new(format!(
                "The CA certificate file {path} (sslrootcert) holds a certificate that cannot be read: {e}"
            ))
        })?);
        rest = &rest[end + END.len()..];
    }
    if certs.is_empty() {
        return Err(EngineError::new(format!(
            "The CA certificate file {path} (sslrootcert) holds no PEM certificate (-----BEGIN CERTIFICATE-----)."
        )));
    }
    Ok(certs)
}

/// A failed connection, said plainly: the server's own message (a wrong password, a missing
/// database, no `pg_hba.conf` line), a certificate that did not verify, a server without TLS, or
/// one that could not be reached. The SQLSTATE is kept.
fn connect_error(plan: &Plan, e: &postgres::Error) -> EngineError {
    let host = &plan.host;
    let mut code = e.code().map(|c| c.code().to_owned());
    if let Some(db) = e.as_db_error() {
        let message = format!("The team database at {host} refused the connection: {}", db.message());
        return EngineError { message, code };
    }
    let mut chain = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        chain += &format!(": {cause}");
        source = cause.source();
    }
    let message = if chain.contains("certificate verify failed") {
        // OpenSSL's text gives the reason after it: "…certificate verify failed:…: (hostname mismatch)".
        let reason = chain
            .split("certificate verify failed")
            .nth(1)
            .and_then(|after| {
                let open = after.find(" (")? + 2;
                Some(&after[open..open + after[open..].find(')')?])
            })
            .unwrap_or("certificate verify failed");
        let hint = if plan.tls.as_ref().is_some_and(|c| c.root_cert.is_some()) {
            "Check that the CA file in sslrootcert is the one that signed the server's certificate, and \
             that the certificate names the host exactly as the URL does."
        } else {
            "If the server's certificate comes from your own CA, name that CA's file in the URL \
             (sslrootcert=/path/to/ca.crt); the certificate must name the host exactly as the URL does."
        };
        format!(
            "The team database server at {host} did not prove who it is: its TLS certificate did not \
             verify ({reason}), so Flywheel did not log in. {hint}"
        )
    } else if chain.contains("server does not support TLS") {
        format!(
            "The server at {host} answered that it does not speak TLS, and Flywheel speaks to a database on \
             another machine only over TLS: if it is the team database, turn on `ssl` in its \
             postgresql.conf (README, Team database)."
        )
    } else if chain.contains("password missing") {
        format!(
            "The team database server at {host} asks for a password, and the URL gives none: write it as \
             postgresql://USER:PASSWORD@HOST/DATABASE (characters such as @ : / as %40 %3A %2F)."
        )
    } else if chain.contains("TLS") || chain.contains("SSL") {
        format!("Could not set up TLS with the team database server at {host}: {chain}")
    } else {
        // Refused, unreachable, timed out: the server is not there (now); trying later may work.
        code.get_or_insert_with(|| super::pg::CONNECTION_LOST.to_owned());
        format!("No connection to the server at {host}: {chain}")
    };
    EngineError { message, code }
}

/// `url` without the parameters named in `keys`, and those parameters' values (decoded), in
/// order. A `postgresql://` URL keeps them in its query (`?a=1&b=2`); a `key=value` string
/// anywhere. Our own reading of libpq's parameters the `postgres` crate does not know.
fn take_params(url: &str, keys: &[&str]) -> (String, Vec<(String, String)>) {
    let mut taken = Vec::new();
    if url.starts_with("postgresql://") || url.starts_with("postgres://") {
        let Some((base, query)) = url.split_once('?') else {
            return (url.to_owned(), taken);
        };
        let mut kept = Vec::new();
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let k = percent_decode(k);
            if keys.contains(&k.as_str()) {
                taken.push((k, percent_decode(v)));
            } else if !pair.is_empty() {
                kept.push(pair);
            }
        }
        let rest = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
        return (rest, taken);
    }
    // key = value pairs, a value bare or in single quotes with backslash escapes.
    let mut rest = String::new();
    let mut chars = url.char_indices().peekable();
    let mut last = 0;
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else { break };
        let mut key = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        if chars.next_if(|(_, c)| *c == '=').is_none() {
            return (url.to_owned(), Vec::new()); // not ours to judge: the crate says what is wrong
        }
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if(|(_, c)| *c == '\'').is_some() {
            loop {
                match chars.next() {
                    Some((_, '\\')) => value.extend(chars.next().map(|(_, c)| c)),
                    Some((_, '\'')) => break,
                    Some((_, c)) => value.push(c),
                    None => return (url.to_owned(), Vec::new()),
                }
            }
        } else {
            while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.next().map(|(_, c)| c));
                } else {
                    value.push(c);
                }
            }
        }
        let end = chars.peek().map_or(url.len(), |(i, _)| *i);
        if keys.contains(&key.as_str()) {
            rest.push_str(&url[last..start]);
            last = end;
            taken.push((key, value));
        }
    }
    rest.push_str(&url[last..]);
    (rest, taken)
}

/// `%XX` escapes (and `+`, left as is, as libpq does) decoded; a broken escape stays as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str) -> String {
        plan(url).err().unwrap_or_else(|| panic!("{url} was accepted")).message
    }

    #[test]
    fn another_machine_is_spoken_to_only_over_checked_tls() {
        for url in [
            "postgresql://staff:pw@db.example.com/flywheel",
            "postgresql://staff@10.0.0.5:5433/flywheel?sslmode=require",
            "host=db.example.com user=staff dbname=flywheel sslmode=verify-ca",
            "postgresql://staff@db.example.com/flywheel?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.crt",
        ] {
            let p = plan(url).unwrap();
            let tls = p.tls.unwrap_or_else(|| panic!("{url}: in the clear"));
            assert!(tls.chain && tls.host_name, "{url}: {tls:?}");
            assert_eq!(p.config.get_ssl_mode(), SslMode::Require, "{url}");
        }
        let p =
            plan("postgresql://staff@db.example.com/flywheel?sslrootcert=%2Fetc%2Fca.crt&application_name=x")
                .unwrap();
        assert_eq!(p.tls.unwrap().root_cert.as_deref(), Some("/etc/ca.crt"));
        assert_eq!(p.config.get_application_name(), Some("x"));
        let p = plan("host=db.example.com sslrootcert='/my ca\\'s.crt' user=staff").unwrap();
        assert_eq!(p.tls.unwrap().root_cert.as_deref(), Some("/my ca's.crt"));
        assert_eq!(p.config.get_user(), Some("staff"));
        // libpq's name for this machine's roots.
        let p = plan("postgresql://db.example.com/f?sslrootcert=system").unwrap();
        assert_eq!(p.tls.unwrap().root_cert, None);
    }

    #[test]
    fn asking_another_machine_for_less_than_tls_is_refused_naming_the_host() {
        for (url, host) in [
            ("postgresql://staff@db.example.com/flywheel?sslmode=disable", "db.example.com"),
            ("postgresql://staff@10.0.0.5/flywheel?sslmode=prefer", "10.0.0.5"),
            ("host=localhost,db2.example.com sslmode=allow user=x", "db2.example.com"),
            ("host=localhost hostaddr=192.0.2.9 sslmode=disable user=x", "192.0.2.9"),
        ] {
            let e = refused(url);
            assert!(
                e.contains(host) && e.contains("another machine") && e.contains("sslmode="),
                "{url}: {e}"
            );
        }
        assert!(refused("postgresql://db.example.com/f?sslmode=verify").contains("sslmode"));
        assert!(refused("postgresql://db.example.com/f?sslcert=/c.crt&sslkey=/c.key")
            .contains("client certificate"));
    }

    #[test]
    fn this_machine_may_be_spoken_to_in_the_clear_unless_the_url_asks_for_tls() {
        for url in [
            "postgresql:///flywheel?host=/tmp/pg&port=5432&user=flywheel",
            "postgresql://staff@localhost/flywheel",
            "postgresql://staff@127.0.0.1/flywheel?sslmode=disable",
            "postgresql://staff@[::1]:5433/flywheel",
            "host=127.0.0.5 user=x sslmode=prefer",
            "host=LOCALHOST user=x",
        ] {
            let p = plan(url).unwrap();
            assert_eq!(p.tls, None, "{url}");
            assert_eq!(p.config.get_ssl_mode(), SslMode::Disable, "{url}");
        }
        assert_eq!(plan("host=/tmp/pg user=x").unwrap().config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        let p = plan("host=/tmp/pg user=x connect_timeout=3").unwrap();
        assert_eq!(p.config.get_connect_timeout(), Some(&std::time::Duration::from_secs(3)));
        let p = plan("postgresql://localhost/f?sslmode=require").unwrap();
        assert_eq!(p.tls, Some(Checks { chain: false, host_name: false, root_cert: None }));
        let p = plan("postgresql://localhost/f?sslmode=require&sslrootcert=/ca.crt").unwrap();
        assert_eq!(p.tls.map(|c| (c.chain, c.host_name)), Some((true, false)));
        let p = plan("host=localhost sslmode=verify-full").unwrap();
        assert_eq!(p.tls.map(|c| (c.chain, c.host_name)), Some((true, true)));
    }

    #[test]
    fn percent_escapes_decode_and_broken_ones_stay() {
        assert_eq!(percent_decode("%2Fa%20b"), "/a b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
