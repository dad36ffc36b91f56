//! Which database the window is on, and switching it without restarting: this computer's file or
//! a team database (Settings → Team database).
//!
//! The choice that is not secret (host, port, database, user, CA file, and which one is in use) is
//! kept in a small JSON file in the OS app-config folder ([`SETTINGS_FILE`]); the password only in
//! the OS keyring ([`Secrets`]: Secret Service on Linux, Keychain on macOS, Credential Manager on
//! Windows), never in a file, never in a URL that is written down or shown, never in a log. At
//! start the app opens what was chosen last, unless `--db` or `FLYWHEEL_DB` names a database.

use crate::state::{retire, AppState};
use crate::store::Store;
use flywheel_core::db;
use flywheel_core::team_login::{self, TeamCheck, TeamLogin};
use flywheel_core::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The settings file's name in the app-config folder.
pub const SETTINGS_FILE: &str = "database.json";
/// The keyring's service name for the team database's passwords (one per login).
pub const KEYRING_SERVICE: &str = "dev.flywheel.desktop.team-database";

/// The saved choice: which database is in use, and the team login last used (without password).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    #[serde(default)]
    pub use_team: bool,
    #[serde(default)]
    pub team: Option<TeamLogin>,
}

impl Choice {
    /// The choice saved at `path`; none (this computer's file) when there is no file or it cannot
    /// be read.
    pub fn load(path: &Path) -> Choice {
        std::fs::read_to_string(path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    /// Writes the choice to `path` whole (a new file renamed over the old one).
    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.new");
        std::fs::write(&tmp, serde_json::to_vec_pretty(self)?)?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

/// Where passwords are kept, by account (one per login, [`account`]).
pub trait Secrets: Send + Sync {
    fn get(&self, account: &str) -> Result<Option<String>>;
    fn set(&self, account: &str, password: &str) -> Result<()>;
    fn delete(&self, account: &str) -> Result<()>;
}

/// The OS keyring.
pub struct OsKeyring;

fn keyring_error(e: keyring::Error) -> Error {
    Error::invalid(
        "password",
        format!("This computer's keyring (where Flywheel keeps the password) did not answer: {e}"),
    )
}

impl Secrets for OsKeyring {
    fn get(&self, account: &str) -> Result<Option<String>> {
        match keyring::Entry::new(KEYRING_SERVICE, account).and_then(|e| e.get_password()) {
            Ok(p) => Ok(Some(p)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn set(&self, account: &str, password: &str) -> Result<()> {
        keyring::Entry::new(KEYRING_SERVICE, account)
            .and_then(|e| e.set_password(password))
            .map_err(keyring_error)
    }

    fn delete(&self, account: &str) -> Result<()> {
        match keyring::Entry::new(KEYRING_SERVICE, account).and_then(|e| e.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

/// Passwords in memory, for tests of the shell without a keyring.
#[derive(Default)]
pub struct MemorySecrets(Mutex<HashMap<String, String>>);

impl Secrets for MemorySecrets {
    fn get(&self, account: &str) -> Result<Option<String>> {
        Ok(self.0.lock().map_err(|_| Error::storage("poisoned"))?.get(account).cloned())
    }
    fn set(&self, account: &str, password: &str) -> Result<()> {
        self.0
            .lock()
            .map_err(|_| Error::storage("poisoned"))?
            .insert(account.to_owned(), password.to_owned());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.0.lock().map_err(|_| Error::storage("poisoned"))?.remove(account);
        Ok(())
    }
}

/// The keyring account a login's password is kept under: `user@host:port/database`.
pub fn account(login: &TeamLogin) -> String {
    format!("{}@{}:{}/{}", login.user, login.host, login.port, login.database)
}

/// Which database the window is on, as it shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct DbLocation {
    pub team: bool,
    /// "This computer: flywheel.db" or "Team: sales on db.example.com as ann".
    pub label: String,
    /// The file's whole path; empty on a team database.
    pub file: String,
    /// The team login (no password); none on a file.
    pub login: Option<TeamLogin>,
}

impl DbLocation {
    /// What `target` (a file path or a team URL) is, without any password it holds.
    pub fn of(target: &Path) -> DbLocation {
        let text = target.to_string_lossy();
        if db::is_team_url(&text) {
            let login = TeamLogin::of_url(&text);
            let label = login
                .as_ref()
                .map_or_else(|| "Team database".to_owned(), |l| format!("Team: {}", l.describe()));
            return DbLocation { team: true, label, file: String::new(), login };
        }
        let name = target.file_name().map_or_else(|| text.to_string(), |n| n.to_string_lossy().into_owned());
        DbLocation {
            team: false,
            label: format!("This computer: {name}"),
            file: text.into_owned(),
            login: None,
        }
    }
}

/// What the Team database form starts with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct TeamForm {
    /// The login last used or saved; none the first time.
    pub login: Option<TeamLogin>,
    /// Whether the keyring holds a password for it (the form then may leave the password empty).
    pub password_saved: bool,
}

/// Where the choice is kept and which file "this computer's file" is: app state, set up at start.
pub struct Location {
    /// The settings file; none when the OS gives no app-config folder (then nothing is kept).
    pub settings_file: Option<PathBuf>,
    /// This computer's file: the one `--db`/`FLYWHEEL_DB` named, else `flywheel.db` in app data.
    pub local_file: PathBuf,
    pub secrets: Arc<dyn Secrets>,
    /// One switch at a time.
    switching: tokio::sync::Mutex<()>,
}

/// Whether `--db` or `FLYWHEEL_DB` names the database, which then wins over the saved choice.
fn named_at_start(args: &[String]) -> bool {
    args.iter().any(|a| a == "--db" || a.starts_with("--db="))
        || std::env::var_os("FLYWHEEL_DB").is_some_and(|p| !p.is_empty())
}

impl Location {
    pub fn new(settings_file: Option<PathBuf>, local_file: PathBuf, secrets: Box<dyn Secrets>) -> Location {
        Location {
            settings_file,
            local_file,
            secrets: Arc::from(secrets),
            switching: tokio::sync::Mutex::new(()),
        }
    }

    /// What the app opens at start, and the location state: `--db`/`FLYWHEEL_DB` when given (as
    /// [`crate::database_path`]), else what was chosen last.
    pub fn at_start(
        args: &[String],
        app_data: Option<PathBuf>,
        app_config: Option<PathBuf>,
        secrets: Box<dyn Secrets>,
    ) -> std::result::Result<(PathBuf, Location), String> {
        let settings_file = app_config.map(|d| d.join(SETTINGS_FILE));
        let named = named_at_start(args);
        let target = crate::database_path(args, app_data.clone())?;
        let local_file = if named && db::is_team_url(&target.to_string_lossy()) {
            crate::database_path(&[], app_data)?
        } else {
            target.clone()
        };
        let location = Location::new(settings_file, local_file, secrets);
        if named {
            return Ok((target, location));
        }
        let choice = location.choice();
        match choice.team.filter(|_| choice.use_team) {
            Some(login) => {
                let password = location.secrets.get(&account(&login)).unwrap_or_else(|e| {
                    eprintln!("Flywheel: {}", e.message);
                    None
                });
                Ok((PathBuf::from(login.url(&password.unwrap_or_default())), location))
            }
            None => Ok((target, location)),
        }
    }

    pub fn choice(&self) -> Choice {
        self.settings_file.as_deref().map(Choice::load).unwrap_or_default()
    }

    fn keep(&self, choice: &Choice) -> Result<()> {
        match &self.settings_file {
            Some(path) => choice.save(path),
            None => Ok(()),
        }
    }

    /// The password kept for `login`, if any. The keyring may take a while (a D-Bus call, or a
    /// prompt to unlock it): never on an async worker.
    async fn kept_password(&self, login: &TeamLogin) -> Result<Option<String>> {
        let (secrets, account) = (Arc::clone(&self.secrets), account(login));
        blocking(move || secrets.get(&account)).await
    }

    /// The form's starting values.
    pub async fn form(&self) -> TeamForm {
        let login = self.choice().team;
        let password_saved = match &login {
            Some(l) => matches!(self.kept_password(l).await, Ok(Some(_))),
            None => false,
        };
        TeamForm { login, password_saved }
    }

    /// The password to use: the one typed, else the one kept for this login.
    async fn password(&self, login: &TeamLogin, typed: String) -> String {
        if !typed.is_empty() {
            return typed;
        }
        self.kept_password(login).await.ok().flatten().unwrap_or_default()
    }

    /// Tests a login without switching to it.
    pub async fn test(&self, login: TeamLogin, password: String) -> Result<TeamCheck> {
        let login = login.checked()?;
        let password = self.password(&login, password).await;
        blocking(move || team_login::check(&login, &password)).await
    }

    /// Switches the window to the team database `login` names: tests it, opens it (setting up or
    /// upgrading its schema), keeps the password in the keyring and the choice in the settings
    /// file, and puts it in use. On any failure the database in use stays.
    pub async fn use_team(&self, state: &AppState, login: TeamLogin, password: String) -> Result<DbLocation> {
        let _one = self.switching.lock().await;
        let login = login.checked()?;
        let typed = !password.is_empty();
        let password = self.password(&login, password).await;
        let url = login.url(&password);
        let (l, p) = (login.clone(), password.clone());
        let store = blocking(move || {
            team_login::check(&l, &p)?;
            Ok(Store::open(Path::new(&url)))
        })
        .await?;
        let kept = async {
            store.write(|_| Ok(())).await?;
            if typed {
                let (secrets, account) = (Arc::clone(&self.secrets), account(&login));
                blocking(move || secrets.set(&account, &password)).await?;
            }
            self.keep(&Choice { use_team: true, team: Some(login) })
        };
        if let Err(e) = kept.await {
            retire(store);
            return Err(e);
        }
        let location = DbLocation::of(store.path());
        state.swap(store);
        Ok(location)
    }

    /// Switches the window back to this computer's file; the team login stays filled in.
    pub async fn use_file(&self, state: &AppState) -> Result<DbLocation> {
        let _one = self.switching.lock().await;
        let path = self.local_file.clone();
        let store = blocking(move || Ok(Store::open(&path))).await?;
        let kept = async {
            store.write(|_| Ok(())).await?;
            self.keep(&Choice { use_team: false, team: self.choice().team })
        };
        if let Err(e) = kept.await {
            retire(store);
            return Err(e);
        }
        let location = DbLocation::of(store.path());
        state.swap(store);
        Ok(location)
    }
}

/// Off the UI thread: connecting to a server may take seconds.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| Error::storage(format!("A database task stopped unexpectedly: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> TeamLogin {
        TeamLogin {
            host: "db.example.com".into(),
            port: 5432,
            database: "sales".into(),
            user: "ann@shop".into(),
            ca_file: "/etc/ca.crt".into(),
        }
    }

    #[test]
    fn the_settings_file_holds_the_choice_and_never_the_password() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cfg").join(SETTINGS_FILE);
        assert_eq!(Choice::load(&path), Choice::default(), "no file: this computer's file");
        let loc = Location::new(Some(path.clone()), dir.path().join("f.db"), Box::<MemorySecrets>::default());
        loc.secrets.set(&account(&login()), "hunter2:@/").unwrap();
        let choice = Choice { use_team: true, team: Some(login()) };
        loc.keep(&choice).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("hunter2") && !text.contains("password"), "{text}");
        assert!(text.contains("db.example.com") && text.contains("/etc/ca.crt"), "{text}");
        assert_eq!(Choice::load(&path), choice);
        let form = tauri::async_runtime::block_on(loc.form());
        assert_eq!(form, TeamForm { login: Some(login()), password_saved: true });
        std::fs::write(&path, "not json").unwrap();
        assert_eq!(Choice::load(&path), Choice::default(), "an unreadable file: this computer's file");
    }

    #[test]
    fn the_last_choice_opens_at_start_unless_db_or_flywheel_db_names_one() {
        let dir = tempfile::tempdir().unwrap();
        let (data, config) = (dir.path().join("data"), dir.path().join("config"));
        Choice { use_team: true, team: Some(login()) }.save(&config.join(SETTINGS_FILE)).unwrap();
        let secrets = MemorySecrets::default();
        secrets.set(&account(&login()), "pw").unwrap();
        let args: Vec<String> = vec!["app".into()];
        if std::env::var_os("FLYWHEEL_DB").is_none() {
            let (target, loc) =
                Location::at_start(&args, Some(data.clone()), Some(config.clone()), Box::new(secrets))
                    .unwrap();
            assert_eq!(target, PathBuf::from(login().url("pw")));
            assert_eq!(loc.local_file, data.join("flywheel.db"));
            assert_eq!(DbLocation::of(&target).label, "Team: sales on db.example.com as ann@shop");
        }
        let args: Vec<String> = vec!["app".into(), "--db".into(), "/tmp/x.db".into()];
        let (target, loc) =
            Location::at_start(&args, Some(data), Some(config), Box::<MemorySecrets>::default()).unwrap();
        assert_eq!(target, PathBuf::from("/tmp/x.db"));
        assert_eq!(loc.local_file, PathBuf::from("/tmp/x.db"));
        assert_eq!(DbLocation::of(&target).label, "This computer: x.db");
    }
}
