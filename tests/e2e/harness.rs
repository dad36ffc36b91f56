//! Starts the real app binary on a fresh database through tauri-driver (which drives
//! WebKitWebDriver) and gives the test a WebDriver client. Each `App` has its own driver on free
//! ports and its own database, so tests never share state.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct App {
    pub client: Client,
    driver: Child,
    _dir: tempfile::TempDir,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("FLYWHEEL_APP_BIN") {
        return PathBuf::from(p);
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or(workspace_root().join("target"));
    let bin = target.join("debug").join("flywheel-app");
    assert!(bin.exists(), "build the app first: cargo build -p flywheel-app (looked for {})", bin.display());
    bin
}

fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let local = home.join(".cargo/bin/tauri-driver");
    if local.exists() {
        local
    } else {
        PathBuf::from("tauri-driver")
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not start on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl App {
    /// Opens the app on a new, empty database.
    pub async fn start() -> App {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("e2e.db");
        Self::start_on(dir, db).await
    }

    /// Opens the app on a team database (`postgresql://` URL), as one desktop of a team.
    pub async fn start_team(url: &str) -> App {
        Self::start_on(tempfile::tempdir().unwrap(), PathBuf::from(url)).await
    }

    /// Opens the app on a database the test prepared in `dir`.
    pub async fn start_on(dir: tempfile::TempDir, db: PathBuf) -> App {
        Self::start_with_env(dir, db, &[]).await
    }

    /// As [`App::start_on`], with environment variables for the app (its config folder, a D-Bus session).
    pub async fn start_with_env(dir: tempfile::TempDir, db: PathBuf, env: &[(&str, &str)]) -> App {
        let (port, native_port) = (free_port(), free_port());
        let driver = Command::new(tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .envs(env.iter().copied())
            .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            // Its own process group, so dropping the App ends WebKitWebDriver and the app with it.
            .process_group(0)
            .spawn()
            .expect("tauri-driver is installed by .ci/setup");
        wait_for_port(port);
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_binary(), "args": ["--db", db] }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("WebDriver session with the app");
        App { client, driver, _dir: dir }
    }

    /// The element with `data-testid`, waiting for it to appear.
    pub async fn el(&self, testid: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(&format!("[data-testid=\"{testid}\"]")))
            .await
            .unwrap_or_else(|e| panic!("no element [data-testid={testid}]: {e}"))
    }

    pub async fn all(&self, testid: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(&format!("[data-testid=\"{testid}\"]"))).await.unwrap()
    }

    pub async fn click(&self, testid: &str) {
        self.el(testid).await.click().await.unwrap();
    }

    /// Replaces an input's text.
    pub async fn fill(&self, testid: &str, text: &str) {
        let input = self.el(testid).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    pub async fn text(&self, testid: &str) -> String {
        let el = self.el(testid).await;
        self.text_of(&el).await
    }

    /// The element's rendered text as the page computes it (`innerText`). WebKitWebDriver's own
    /// text call reports table cells with `overflow: hidden` as empty.
    pub async fn text_of(&self, el: &Element) -> String {
        let arg = serde_json::to_value(el).unwrap();
        let v = self.client.execute("return arguments[0].innerText;", vec![arg]).await.unwrap();
        v.as_str().unwrap_or_default().to_owned()
    }

    /// The `textContent` of every element `css` matches: the text exactly as stored, also for
    /// cells whose rendered text WebKitWebDriver reports as empty.
    pub async fn text_contents(&self, css: &str) -> Vec<String> {
        let script = "return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);";
        let v = self.client.execute(script, vec![serde_json::json!(css)]).await.unwrap();
        serde_json::from_value(v).unwrap()
    }

    /// The `textContent` of each cell of every table row `css` matches.
    pub async fn cells(&self, css: &str) -> Vec<Vec<String>> {
        let script = "return [...document.querySelectorAll(arguments[0])]
            .map((r) => [...r.children].map((c) => c.textContent));";
        let v = self.client.execute(script, vec![serde_json::json!(css)]).await.unwrap();
        serde_json::from_value(v).unwrap()
    }

    /// Polls `probe` until it returns true, for UI that updates after a command returns.
    pub async fn until<F, Fut>(&self, what: &str, mut probe: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !probe().await {
            assert!(Instant::now() < deadline, "timed out waiting for: {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for App {
    /// Ends tauri-driver's whole process group (WebKitWebDriver, the app) even when a test panics;
    /// an orphan would keep the test log's pipe open and hang the run.
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(200));
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.driver.wait();
    }
}
