//! Logging in to a team database from the window (Settings → Team database): the connection URL
//! built from the form's fields, a test of the connection that says what it found, and a failed
//! connection told beside the field it concerns.
//!
//! TLS: a server on this machine (`localhost`, a loopback address, a unix socket folder) may be
//! spoken to in the clear; any other host is asked for `sslmode=verify-full` (its certificate
//! checked up to a trusted root and for the host name), and `store/tls.rs` refuses less anyway.
//! A CA file maps to `sslrootcert=`. The password goes into the URL only in memory, to connect: it
//! is never part of a [`TeamLogin`], which is what is saved and shown.

use crate::db::{self, SCHEMA_VERSION};
use crate::store::EngineError;
use crate::{Connection, Error, Result};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// PostgreSQL's own port, the form's default.
pub const DEFAULT_PORT: u16 = 5432;

/// What identifies a team database login, without its password: what the settings file keeps
/// and the window shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TeamLogin {
    /// A host name, an IP address, or the folder of a server's unix socket (`/run/postgresql`).
    pub host: String,
    pub port: u16,
    pub database: String,
    pub user: String,
    /// A PEM file with the CA that signed the server's certificate; empty: this machine's roots.
    #[serde(default)]
    pub ca_file: String,
}

/// What a test of the connection found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TeamCheck {
    /// PostgreSQL's version, as the server gives it (`15.8 (Debian 15.8-0+deb12u1)`).
    pub server_version: String,
    /// The Flywheel schema version in the database; 0 when it is empty.
    pub schema_version: i64,
    /// What using it will do, in a sentence.
    pub note: String,
}

/// A server on this machine: a unix socket folder, `localhost`, or a loopback address.
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim();
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|a| a.to_canonical().is_loopback())
}

/// Every byte but URL's unreserved ones as `%XX`, so any user, password or path is read back exactly.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl TeamLogin {
    /// Trims the fields and refuses an empty one, naming it.
    pub fn checked(&self) -> Result<TeamLogin> {
        let login = TeamLogin {
            host: self.host.trim().to_owned(),
            port: self.port,
            database: self.database.trim().to_owned(),
            user: self.user.trim().to_owned(),
            ca_file: self.ca_file.trim().to_owned(),
        };
        if login.host.is_empty() {
            return Err(Error::invalid(
                "host",
                "Enter the server's host name or address (or its socket folder).",
            ));
        }
        if login.host.chars().any(|c| c.is_whitespace() || c == ',') {
            return Err(Error::invalid("host", "Enter one host name or address, without spaces or commas."));
        }
        if login.port == 0 {
            return Err(Error::invalid("port", "Enter the server's port, 5432 unless told otherwise."));
        }
        if login.database.is_empty() {
            return Err(Error::invalid("database", "Enter the name of the team's database."));
        }
        if login.user.is_empty() {
            return Err(Error::invalid("user", "Enter the user name you log in with."));
        }
        Ok(login)
    }

    /// Whether the server is on this machine, so TLS is not required.
    pub fn is_local(&self) -> bool {
        is_local_host(&self.host)
    }

    /// The connection URL, with `password` when it is not empty. Never write it anywhere: it is
    /// for connecting only.
    pub fn url(&self, password: &str) -> String {
        let mut who = encode(&self.user);
        if !password.is_empty() {
            who = format!("{who}:{}", encode(password));
        }
        let mut params = Vec::new();
        let base = if self.host.starts_with('/') {
            params.push(format!("host={}", encode(&self.host)));
            params.push(format!("port={}", self.port));
            format!("postgresql://{who}@/{}", encode(&self.database))
        } else {
            let host = self.host.trim_start_matches('[').trim_end_matches(']');
            let host = if host.contains(':') { format!("[{host}]") } else { host.to_owned() };
            format!("postgresql://{who}@{host}:{}/{}", self.port, encode(&self.database))
        };
        if !self.is_local() || !self.ca_file.is_empty() {
            params.push("sslmode=verify-full".to_owned());
        }
        if !self.ca_file.is_empty() {
            params.push(format!("sslrootcert={}", encode(&self.ca_file)));
        }
        params.push("application_name=Flywheel".to_owned());
        format!("{base}?{}", params.join("&"))
    }

    /// "sales on db.example.com as ann", as the window's indicator says it.
    pub fn describe(&self) -> String {
        format!("{} on {} as {}", self.database, self.host, self.user)
    }

    /// Reads back what a URL names (a `postgresql://` URL, say from `--db`): the password, if
    /// any, is left out.
    pub fn of_url(url: &str) -> Option<TeamLogin> {
        // The TLS parameters are ours (store/tls.rs); the rest is the postgres crate's to read.
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("sslmode=") && !p.starts_with("sslrootcert="))
            .collect();
        let rest = if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) };
        let config: postgres::Config = rest.parse().ok()?;
        let host = match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
            None => "localhost".to_owned(),
        };
        let user = config.get_user().unwrap_or_default().to_owned();
        Some(TeamLogin {
            port: config.get_ports().first().copied().unwrap_or(DEFAULT_PORT),
            database: config.get_dbname().map_or_else(|| user.clone(), str::to_owned),
            user,
            host,
            ca_file: String::new(),
        })
    }
}

/// Connects to the team database `login` names, the connection checked as the app's own are
/// (TLS for another machine, the certificate and host name), a failure told beside its field.
pub fn connect(login: &TeamLogin, password: &str) -> Result<Connection> {
    Connection::connect_postgres(&login.url(password)).map_err(|e| connect_error(&e))
}

/// Tests the login: connects, reads the server's version and the database's schema version, and
/// says what using it would do. Writes nothing (an empty database is set up when it is used).
pub fn check(login: &TeamLogin, password: &str) -> Result<TeamCheck> {
    let login = login.checked()?;
    let conn = connect(&login, password)?;
    let server_version: String =
        conn.query_row("SELECT current_setting('server_version')", [], |r| r.get(0))?;
    let schema_version = db::schema_version(&conn)?;
    let note = if schema_version == 0 {
        "The database is empty: Flywheel sets it up when you use it (the user must be allowed to create in it)."
            .to_owned()
    } else if schema_version > SCHEMA_VERSION {
        return Err(Error::invalid(
            "database",
            format!(
                "This database was written by a newer Flywheel (schema version {schema_version}; this version \
                 understands up to {SCHEMA_VERSION}). Update Flywheel to use it."
            ),
        ));
    } else if schema_version < SCHEMA_VERSION {
        format!(
            "Flywheel upgrades it from schema version {schema_version} to {SCHEMA_VERSION} when you use it."
        )
    } else {
        "Ready to use.".to_owned()
    };
    Ok(TeamCheck { server_version, schema_version, note })
}

/// The form field a failed connection concerns, from PostgreSQL's SQLSTATE when the server
/// answered, else from what failed before it could (unreachable, TLS, a CA file, no password).
pub fn field_of(e: &EngineError) -> &'static str {
    match e.code.as_deref() {
        Some("28P01") => "password",
        // invalid_authorization_specification: no such role, or no pg_hba.conf line for it.
        Some("28000") => "user",
        Some("3D000") => "database",
        Some(_) => "host",
        // The file could not be read; a certificate that does not verify is the host's.
        None if e.message.contains("CA certificate file") => "ca_file",
        None if e.message.contains("asks for a password") => "password",
        None => "host",
    }
}

/// A failed connection as an `invalid` error on its field, keeping the core's message.
fn connect_error(e: &rusqlite::Error) -> Error {
    match EngineError::of(e) {
        Some(engine) => {
            Error::invalid(field_of(engine), format!("Could not reach the team database: {engine}"))
        }
        None => Error::invalid("host", format!("Could not reach the team database: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(host: &str) -> TeamLogin {
        TeamLogin {
            host: host.to_owned(),
            port: 5432,
            database: "sales".to_owned(),
            user: "ann".to_owned(),
            ca_file: String::new(),
        }
    }

    #[test]
    fn another_machine_gets_verify_full_and_this_one_none() {
        for host in ["db.example.com", "10.0.0.5", "2001:db8::1", "[2001:db8::1]"] {
            let url = login(host).url("pw");
            assert!(url.contains("sslmode=verify-full"), "{host}: {url}");
        }
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.0.0.5", "::1", "[::1]", "/run/postgresql"] {
            let url = login(host).url("pw");
            assert!(!url.contains("sslmode"), "{host}: {url}");
            assert!(login(host).is_local(), "{host}");
        }
        assert_eq!(
            login("db.example.com").url(""),
            "postgresql://ann@db.example.com:5432/sales?sslmode=verify-full&application_name=Flywheel"
        );
        assert_eq!(login("::1").url(""), "postgresql://ann@[::1]:5432/sales?application_name=Flywheel");
        assert_eq!(
            login("/tmp/pg dir").url(""),
            "postgresql://ann@/sales?host=%2Ftmp%2Fpg%20dir&port=5432&application_name=Flywheel"
        );
        let with_ca = TeamLogin { ca_file: "/etc/ssl/our ca.crt".into(), ..login("db.example.com") };
        assert!(with_ca.url("").ends_with(
            "sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Four%20ca.crt&application_name=Flywheel"
        ));
        // A CA file asks for TLS from a local server too.
        let local_ca = TeamLogin { ca_file: "/ca.crt".into(), ..login("localhost") };
        assert!(local_ca.url("").contains("sslmode=verify-full"));
    }

    #[test]
    fn special_characters_are_encoded_and_read_back_exactly() {
        let odd = TeamLogin {
            user: "o'brien@shop:1/x".into(),
            database: "our db/é".into(),
            ..login("db.example.com")
        };
        let password = "p@ss:w/o?r#d&x=1% é";
        let url = odd.url(password);
        assert!(!url.contains(password), "{url}");
        assert_eq!(url.matches('@').count(), 1, "{url}");
        let config: postgres::Config = url.replace("sslmode=verify-full&", "").parse().unwrap();
        assert_eq!(config.get_user(), Some("o'brien@shop:1/x"));
        assert_eq!(config.get_password(), Some(password.as_bytes()));
        assert_eq!(config.get_dbname(), Some("our db/é"));
        assert_eq!(TeamLogin::of_url(&url), Some(odd));
    }

    #[test]
    fn the_password_is_in_no_saved_or_shown_form() {
        let l = TeamLogin { ca_file: "/ca.crt".into(), ..login("db.example.com") };
        let saved = serde_json::to_string(&l).unwrap();
        assert!(!saved.to_lowercase().contains("password") && !saved.contains("hunter2"), "{saved}");
        let read = TeamLogin::of_url(&l.url("hunter2")).unwrap();
        assert_eq!(read.describe(), "sales on db.example.com as ann");
        assert!(!format!("{read:?}").contains("hunter2"));
    }

    #[test]
    fn empty_fields_are_refused_by_name() {
        for (field, l) in [
            ("host", TeamLogin { host: " ".into(), ..login("h") }),
            ("host", TeamLogin { host: "a,b".into(), ..login("h") }),
            ("port", TeamLogin { port: 0, ..login("h") }),
            ("database", TeamLogin { database: "".into(), ..login("h") }),
            ("user", TeamLogin { user: "".into(), ..login("h") }),
        ] {
            assert_eq!(l.checked().unwrap_err().field.as_deref(), Some(field));
        }
        assert_eq!(TeamLogin { host: " db ".into(), ..login("h") }.checked().unwrap().host, "db");
    }

    #[test]
    fn a_failure_goes_beside_its_field() {
        let e =
            |code: Option<&str>, m: &str| EngineError { message: m.into(), code: code.map(str::to_owned) };
        assert_eq!(field_of(&e(Some("28P01"), "password authentication failed")), "password");
        assert_eq!(field_of(&e(Some("28000"), "role \"x\" does not exist")), "user");
        assert_eq!(field_of(&e(Some("3D000"), "database \"x\" does not exist")), "database");
        assert_eq!(
            field_of(&e(None, "No connection to the server at db.invalid: failed to lookup address")),
            "host"
        );
        assert_eq!(
            field_of(&e(None, "The team database server at h did not prove who it is: its TLS certificate")),
            "host"
        );
        assert_eq!(
            field_of(&e(None, "Could not read the CA certificate file /x (sslrootcert): No such file")),
            "ca_file"
        );
        let unverified =
            "The team database server at h did not prove who it is: its TLS certificate did not \
                          verify (x). Check that the CA file in sslrootcert is the one that signed it";
        assert_eq!(field_of(&e(None, unverified)), "host", "a TLS failure goes beside the host");
        assert_eq!(
            field_of(&e(None, "The team database server at h asks for a password, and the URL gives none")),
            "password"
        );
    }

    #[test]
    fn an_unreachable_host_is_told_beside_the_host() {
        // Nothing listens on port 1 of this machine: refused at once, no network needed.
        let err = check(&TeamLogin { port: 1, ..login("127.0.0.1") }, "").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("host"), "{err:?}");
        assert!(err.message.contains("127.0.0.1"), "{err:?}");
    }
}
