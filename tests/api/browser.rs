//! Browser tests: a headless Chromium (Debian's `chromium`) driven over the DevTools protocol.
//!
//! ```ignore
//! let Some(page) = Browser::open(&format!("{}/graphql", app.address)).await else { return };
//! page.wait_for("document.querySelector('.graphiql-container') !== null", Duration::from_secs(20)).await;
//! let title = page.eval("document.title").await;
//! ```
//!
//! Chromium runs with `--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"`, so no name
//! outside loopback resolves: a page that needs the internet fails here. Every request the page makes
//! is recorded ([`Page::requested_urls`]), and so are console errors and uncaught exceptions
//! ([`Page::errors`]). Without Chromium the tests are skipped with a printed reason, except with
//! `CI=true`, where that is a failure. Every wait is bounded; Chromium is killed when the page drops.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_codec::Framed;
use actix_http::ws::Item;
use awc::ws::{Codec, Frame, Message};
use awc::BoxedSocket;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};

/// How long one DevTools command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// The flags every browser test runs with (the resolver rule keeps the page on loopback).
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--window-size=1400,1000",
];

/// The Chromium binary: `$CHROMIUM` if that file exists (a path that does not counts as "not
/// installed", to try the skip), else Debian's `/usr/lib/chromium/chromium` (the real binary
/// behind the `/usr/bin/chromium` wrapper), else `chromium` or `chromium-browser` on `PATH`.
fn chromium_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    let debian = PathBuf::from("/usr/lib/chromium/chromium");
    if debian.is_file() {
        return Some(debian);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// A running headless Chromium, killed (with its child processes) on drop.
pub struct Browser {
    child: Child,
    /// Its fresh profile folder (removed after the process is gone).
    profile: Option<tempfile::TempDir>,
    /// `127.0.0.1:<port>` of its DevTools endpoint.
    devtools: String,
}

impl Browser {
    /// Starts Chromium and opens `url` in a fresh tab. `None` when Chromium is not installed (the
    /// reason is printed), which fails the test instead under `CI=true`.
    pub async fn open(url: &str) -> Option<Page> {
        let browser = Self::launch()?;
        Some(browser.new_page(url).await)
    }

    /// Starts Chromium on `about:blank`; `None` (printed) when it is not installed.
    pub fn launch() -> Option<Self> {
        let Some(binary) = chromium_binary() else {
            let reason = "chromium is not installed (apt-get install -y chromium), or $CHROMIUM names no file";
            assert!(
                std::env::var("CI").map(|v| v != "true").unwrap_or(true),
                "CI=true but {reason}: browser tests must run in CI"
            );
            eprintln!("skipped: browser test: {reason}");
            return None;
        };
        let profile = tempfile::tempdir().expect("a temporary Chromium profile");
        let mut command = Command::new(&binary);
        command
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        {
            use std::os::unix::process::CommandExt;
            // Its own process group, so that drop can end the renderer and GPU processes too.
            command.process_group(0);
        }
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
        let mut browser = Self { child, profile: Some(profile), devtools: String::new() };
        // Chromium writes the port it picked to DevToolsActivePort in the profile folder.
        let port_file = browser.profile.as_ref().expect("profile").path().join("DevToolsActivePort");
        let started = Instant::now();
        loop {
            if let Some(port) =
                std::fs::read_to_string(&port_file).ok().and_then(|s| s.lines().next().map(str::to_owned))
            {
                if !port.is_empty() {
                    browser.devtools = format!("127.0.0.1:{port}");
                    break;
                }
            }
            if let Ok(Some(status)) = browser.child.try_wait() {
                panic!("{} exited before opening DevTools: {status}", binary.display());
            }
            assert!(
                started.elapsed() < COMMAND_TIMEOUT,
                "{} did not open DevTools within {COMMAND_TIMEOUT:?}",
                binary.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(browser)
    }

    /// Opens a new tab, starts recording its network requests, console and exceptions, and loads
    /// `url` in it.
    pub async fn new_page(self, url: &str) -> Page {
        let client = awc::Client::builder().timeout(COMMAND_TIMEOUT).finish();
        let mut response = client
            .put(format!("http://{}/json/new?about:blank", self.devtools))
            .send()
            .await
            .expect("DevTools answers /json/new");
        let target: Value = response.json().await.expect("a DevTools target");
        let ws_url = target["webSocketDebuggerUrl"].as_str().expect("webSocketDebuggerUrl").to_owned();
        let (_, ws) = client.ws(ws_url).max_frame_size(256 * 1024 * 1024).connect().await.expect("DevTools WebSocket");
        let mut page = Page { ws, next_id: 0, events: Vec::new(), _browser: self };
        for domain in ["Page.enable", "Runtime.enable", "Network.enable"] {
            page.command(domain, json!({})).await;
        }
        page.navigate(url).await;
        page
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let pid = self.child.id();
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pid}")]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(profile) = self.profile.take() {
            let _ = profile.close();
        }
    }
}

/// One tab of a [`Browser`] (which it owns: dropping the page ends the browser).
pub struct Page {
    ws: Framed<BoxedSocket, Codec>,
    next_id: u64,
    /// DevTools events received so far (`{"method", "params"}`).
    events: Vec<Value>,
    _browser: Browser,
}

impl Page {
    /// Sends one DevTools command and returns its `result`; panics on a protocol error or after
    /// [`COMMAND_TIMEOUT`]. Events that arrive meanwhile are kept.
    pub async fn command(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        self.ws.send(Message::Text(message.into())).await.expect("send a DevTools command");
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let text = actix_web::rt::time::timeout(left, self.next_text())
                .await
                .unwrap_or_else(|_| panic!("DevTools did not answer {method} within {COMMAND_TIMEOUT:?}"));
            let reply: Value = serde_json::from_slice(&text).expect("DevTools sends JSON");
            if reply["id"] == json!(id) {
                if let Some(error) = reply.get("error") {
                    panic!("DevTools {method} failed: {error}");
                }
                return reply["result"].clone();
            }
            if reply.get("method").is_some() {
                self.events.push(reply);
            }
        }
    }

    /// The next whole text message (joining continuation frames).
    async fn next_text(&mut self) -> Vec<u8> {
        let mut partial = Vec::new();
        loop {
            let frame = self.ws.next().await.expect("the DevTools WebSocket stays open").expect("a DevTools frame");
            match frame {
                Frame::Text(b) => return b.to_vec(),
                Frame::Continuation(Item::FirstText(b) | Item::Continue(b)) => partial.extend_from_slice(&b),
                Frame::Continuation(Item::Last(b)) => {
                    partial.extend_from_slice(&b);
                    return partial;
                }
                Frame::Ping(p) => self.ws.send(Message::Pong(p)).await.expect("pong"),
                Frame::Close(reason) => panic!("DevTools closed the WebSocket: {reason:?}"),
                _ => {}
            }
        }
    }

    /// Loads `url` and waits until its document has loaded.
    pub async fn navigate(&mut self, url: &str) {
        let result = self.command("Page.navigate", json!({ "url": url })).await;
        if let Some(error) = result.get("errorText") {
            panic!("cannot load {url}: {error}");
        }
        self.wait_for("document.readyState === 'complete'", COMMAND_TIMEOUT).await;
    }

    /// Evaluates a JavaScript expression in the page (awaiting a promise) and returns its value as
    /// JSON; an exception fails the test.
    pub async fn eval(&mut self, expression: &str) -> Value {
        let params = json!({ "expression": expression, "returnByValue": true, "awaitPromise": true });
        let result = self.command("Runtime.evaluate", params).await;
        if let Some(exception) = result.get("exceptionDetails") {
            panic!("`{expression}` threw: {exception}");
        }
        result["result"]["value"].clone()
    }

    /// Waits until `condition` (a JavaScript expression) is truthy and returns its value; after
    /// `timeout` fails the test with the page's text and errors.
    pub async fn wait_for(&mut self, condition: &str, timeout: Duration) -> Value {
        let started = Instant::now();
        loop {
            let value = self.eval(condition).await;
            let truthy = match &value {
                Value::Null | Value::Bool(false) => false,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            if started.elapsed() > timeout {
                let text = self.eval("document.body ? document.body.innerText.slice(0, 2000) : ''").await;
                panic!(
                    "waited {timeout:?} for `{condition}`\npage text: {text}\nerrors: {:#?}\nrequests: {:#?}",
                    self.errors(),
                    self.requested_urls()
                );
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the first element matching a CSS selector (fails the test if there is none).
    pub async fn click(&mut self, selector: &str) {
        let selector_js = serde_json::to_string(selector).expect("a JSON string");
        let found = self
            .eval(&format!(
                "(() => {{ const el = document.querySelector({selector_js}); if (!el) return false; el.scrollIntoView(); el.click(); return true; }})()"
            ))
            .await;
        assert_eq!(found, json!(true), "nothing to click at `{selector}`");
    }

    /// Every URL the page requested so far.
    pub fn requested_urls(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_owned))
            .collect()
    }

    /// Console errors, uncaught exceptions and failed requests so far.
    pub fn errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e["method"].as_str() {
                Some("Runtime.exceptionThrown") => Some(format!("exception: {}", e["params"]["exceptionDetails"])),
                Some("Runtime.consoleAPICalled") if e["params"]["type"] == "error" => {
                    Some(format!("console.error: {}", e["params"]["args"]))
                }
                Some("Network.loadingFailed") => Some(format!("request failed: {}", e["params"])),
                _ => None,
            })
            .collect()
    }
}

#[actix_web::test]
async fn the_test_browser_reaches_loopback_and_nothing_else() {
    let app = crate::helpers::spawn_app(crate::helpers::backends()[0], false).await;
    let health = format!("{}/health", app.address);
    let Some(mut page) = Browser::open(&health).await else { return };
    let probe = |url: &str| {
        format!("fetch('{url}', {{ mode: 'no-cors', cache: 'no-store' }}).then(() => 'reached', () => 'failed')")
    };
    assert_eq!(page.eval(&probe(&health)).await, json!("reached"), "loopback is reachable");
    for outside in ["https://cdn.jsdelivr.net/npm/graphiql/", "http://example.com/", "http://localhost:9/"] {
        assert_eq!(page.eval(&probe(outside)).await, json!("failed"), "{outside} must not resolve");
    }
    assert!(page.requested_urls().iter().any(|u| u == &health), "{:?}", page.requested_urls());
}
