//! The release binary serving on a free port with JSON logs on stderr, for tests that read the log.

use std::process::{Child, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::Value;

/// A running `techniekpact-api serve` over an SQLite file in a temporary folder.
pub struct Served {
    /// The port it listens on.
    pub port: u16,
    /// The SQLite file's URL (`sqlite://…`).
    pub database_url: String,
    /// Its folder (dropped with it).
    pub dir: tempfile::TempDir,
    child: Child,
    lines: Receiver<String>,
}

/// The binary under test.
pub fn binary() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_techniekpact-api"))
}

impl Served {
    /// Starts the binary with `RUST_LOG=rust_log`, loading the data set when `load_data`.
    pub fn start(rust_log: &str, load_data: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}", dir.path().join("log.db").display());
        let mut child = binary()
            .current_dir(dir.path())
            .env("DATABASE_URL", &database_url)
            .env("DATA_DIR", dir.path().join("state"))
            .env("LOAD_DATA", if load_data { "true" } else { "false" })
            .env("PORT", "0")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", rust_log)
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve");
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = channel::<String>();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Self { port: 0, database_url, dir, child, lines };
        let listening = served.next_json(|v| v["message"] == "listening");
        served.port =
            listening["server.port"].as_u64().and_then(|p| u16::try_from(p).ok()).expect("the port is logged");
        served
    }

    /// The next JSON log line that `wanted` accepts (waiting up to a minute).
    pub fn next_json(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let line = self.lines.recv_timeout(Duration::from_secs(60)).expect("the wanted log line");
            if let Ok(v) = serde_json::from_str::<Value>(&line) {
                if wanted(&v) {
                    return v;
                }
            }
        }
    }

    /// Every JSON log line up to and including the first one `last` accepts.
    pub fn json_until(&self, last: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let v = self.next_json(|_| true);
            let done = last(&v);
            seen.push(v);
            if done {
                return seen;
            }
        }
    }

    /// `http://127.0.0.1:port/graphql`.
    pub fn graphql_url(&self) -> String {
        format!("http://127.0.0.1:{}/graphql", self.port)
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop();
    }
}
