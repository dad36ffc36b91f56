//! The team database's password through this computer's real keyring (Secret Service over D-Bus),
//! as the app keeps it: stored, read back, replaced, deleted. CI and a bare machine have no desktop
//! session, so the test makes its own: a private D-Bus session (`dbus-run-session`) with
//! gnome-keyring unlocked on a keyring folder of its own (both from .ci/setup's packages), and runs
//! its inner half inside it. The machine's own keyrings are never touched.

use flywheel_app::location::{OsKeyring, Secrets};
use std::path::Path;
use std::process::Command;

/// Set for the inner half, which runs inside the private session.
const INNER: &str = "FLYWHEEL_KEYRING_SESSION";
const PASSWORD: &str = "p@ss:w/o?rd é";

#[test]
fn a_password_is_stored_read_replaced_and_deleted_in_the_os_keyring() {
    if std::env::var_os(INNER).is_some() {
        return inner();
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Unlocking with a password makes the login keyring on first use, without asking anyone.
    let script = r#"printf flywheel-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
        exec "$1" --exact a_password_is_stored_read_replaced_and_deleted_in_the_os_keyring --nocapture"#;
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script, "sh"])
        .arg(std::env::current_exe().unwrap())
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", &data)
        .env("XDG_RUNTIME_DIR", dir.path())
        .env(INNER, "1")
        .output()
        .expect("dbus-run-session (Debian's dbus) runs; .ci/setup installs it with gnome-keyring");
    assert!(
        out.status.success(),
        "the test inside the keyring session failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.join("keyrings").exists(), "the session's keyring was used");
}

fn inner() {
    let keyring = OsKeyring;
    let account = format!("flywheel@localhost:5432/test{}", std::process::id());
    assert_eq!(keyring.get(&account).unwrap(), None);
    keyring.set(&account, PASSWORD).unwrap();
    assert_eq!(keyring.get(&account).unwrap().as_deref(), Some(PASSWORD));
    keyring.set(&account, "another").unwrap();
    assert_eq!(keyring.get(&account).unwrap().as_deref(), Some("another"));
    keyring.set(&account, PASSWORD).unwrap();
    assert_eq!(keyring.get("someone@else:5432/x").unwrap(), None, "one password per login");
    let data = std::env::var_os("XDG_DATA_HOME").unwrap();
    assert!(Path::new(&data).join("keyrings").exists());
    assert!(!contains(Path::new(&data), PASSWORD.as_bytes()), "the keyring's files hold it only encrypted");
    keyring.delete(&account).unwrap();
    assert_eq!(keyring.get(&account).unwrap(), None);
    keyring.delete(&account).unwrap();
}

fn contains(dir: &Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).into_iter().flatten().flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            contains(&p, needle)
        } else {
            std::fs::read(&p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
        }
    })
}
