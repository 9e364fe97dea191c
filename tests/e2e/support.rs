//! The end-to-end harness: starts the built `northflank-lsp` binary and speaks LSP to it over
//! its stdin/stdout, as an editor would.
//!
//! Fixture markers (see [`Fixture`]): `$0` marks a cursor; `⟦…⟧` marks a range. Markers are
//! removed from the text before it is sent; positions are computed here, independently of the
//! server's own position code, in UTF-16 or UTF-8 as the test negotiates.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A document with markers removed and the marked offsets kept.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub text: String,
    /// Byte offsets of `$0` markers, in order.
    #[allow(dead_code)] // not every test binary that shares this module uses cursors
    pub cursors: Vec<usize>,
    /// Byte ranges of `⟦…⟧` markers, in order of their opening marker.
    pub ranges: Vec<(usize, usize)>,
}

impl Fixture {
    pub fn parse(marked: &str) -> Fixture {
        let mut text = String::with_capacity(marked.len());
        let mut cursors = Vec::new();
        let mut ranges = Vec::new();
        let mut open = Vec::new();
        let mut rest = marked;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix("$0") {
                cursors.push(text.len());
                rest = after;
            } else if let Some(after) = rest.strip_prefix('⟦') {
                open.push(ranges.len());
                ranges.push((text.len(), usize::MAX));
                rest = after;
            } else if let Some(after) = rest.strip_prefix('⟧') {
                let index = open.pop().expect("`⟧` without `⟦`");
                ranges[index].1 = text.len();
                rest = after;
            } else {
                let ch = rest.chars().next().unwrap();
                text.push(ch);
                rest = &rest[ch.len_utf8()..];
            }
        }
        assert!(open.is_empty(), "`⟦` without `⟧`");
        Fixture {
            text,
            cursors,
            ranges,
        }
    }
}

/// LSP position of a byte offset, counting `\n`, `\r\n` and `\r` as line breaks.
pub fn position(text: &str, offset: usize, utf8: bool) -> Value {
    let mut line = 0;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < offset {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let prefix = &text[line_start..offset];
    let character = if utf8 {
        prefix.len()
    } else {
        prefix.encode_utf16().count()
    };
    json!({"line": line, "character": character})
}

pub fn range(text: &str, (start, end): (usize, usize), utf8: bool) -> Value {
    json!({"start": position(text, start, utf8), "end": position(text, end, utf8)})
}

/// How a test starts the server.
#[derive(Debug, Clone)]
pub struct Options {
    pub capabilities: Value,
    pub initialization_options: Option<Value>,
    /// Answer to `workspace/configuration` for the `northflank` section.
    pub configuration: Value,
    pub env: Vec<(String, String)>,
    /// `rootUri` of `initialize` (`null` by default).
    pub root_uri: Value,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            capabilities: vscode_like_capabilities(),
            initialization_options: None,
            configuration: Value::Null,
            env: Vec::new(),
            root_uri: Value::Null,
        }
    }
}

/// What VS Code's client declares, trimmed to what matters here: UTF-16 only, push
/// diagnostics, configuration support.
pub fn vscode_like_capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-16"]},
        "workspace": {"configuration": true, "didChangeConfiguration": {"dynamicRegistration": true}},
        "textDocument": {
            "synchronization": {"didSave": true},
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true},
            "completion": {"completionItem": {"snippetSupport": true}},
            "hover": {"contentFormat": ["markdown", "plaintext"]}
        }
    })
}

/// What Helix declares: UTF-8 first, no pull diagnostics.
pub fn helix_like_capabilities() -> Value {
    json!({
        "general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]},
        "workspace": {"configuration": true},
        "textDocument": {"publishDiagnostics": {"versionSupport": true}}
    })
}

enum Incoming {
    Message(Value),
    Closed,
}

pub struct TestServer {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Incoming>,
    /// Notifications (and anything else not yet consumed) in arrival order.
    queue: VecDeque<Value>,
    next_id: i64,
    options: Options,
    pub utf8: bool,
    pub stderr_path: std::path::PathBuf,
    _stderr_dir: tempfile::TempDir,
    /// Every line the server wrote to stdout, for tests that scan all output.
    pub transcript: Vec<String>,
}

impl TestServer {
    /// Starts the server and completes `initialize` / `initialized`.
    pub fn start(options: Options) -> (TestServer, Value) {
        let mut server = TestServer::spawn(options);
        let init = json!({
            "processId": std::process::id(),
            "rootUri": server.options.root_uri.clone(),
            "capabilities": server.options.capabilities.clone(),
            "initializationOptions": server.options.initialization_options.clone(),
        });
        let result = server
            .request("initialize", init)
            .expect("initialize succeeds");
        server.utf8 = result["capabilities"]["positionEncoding"] == "utf-8";
        server.notify("initialized", json!({}));
        (server, result)
    }

    /// Starts the process without initialising it.
    pub fn spawn(options: Options) -> TestServer {
        let stderr_dir = tempfile::tempdir().unwrap();
        let stderr_path = stderr_dir.path().join("stderr.log");
        let stderr_file = std::fs::File::create(&stderr_path).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_northflank-lsp"));
        command
            .arg("--stdio")
            .env("NORTHFLANK_LSP_TEST_HOOKS", "1")
            .env("NORTHFLANK_LSP_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr_file);
        for (key, value) in &options.env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("the northflank-lsp binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                match read_message(&mut reader) {
                    Some(message) => {
                        if sender.send(Incoming::Message(message)).is_err() {
                            return;
                        }
                    }
                    None => {
                        let _ = sender.send(Incoming::Closed);
                        return;
                    }
                }
            }
        });
        TestServer {
            child,
            stdin: Some(stdin),
            incoming,
            queue: VecDeque::new(),
            next_id: 1,
            options,
            utf8: false,
            stderr_path,
            _stderr_dir: stderr_dir,
            transcript: Vec::new(),
        }
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{}", body.len(), body).as_bytes());
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("server stdin open");
        stdin.write_all(bytes).expect("server stdin open");
        stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id without waiting.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let message = self.wait_for(|message| {
            message.get("id") == Some(&json!(id)) && message.get("method").is_none()
        });
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Waits for a notification with this method whose params satisfy `predicate`.
    pub fn notification(&mut self, method: &str, predicate: impl Fn(&Value) -> bool) -> Value {
        let message = self.wait_for(|message| {
            message.get("id").is_none()
                && message["method"] == method
                && predicate(&message["params"])
        });
        message["params"].clone()
    }

    /// Waits until the server has sent (and we have answered) a request with this method.
    pub fn server_request(&mut self, method: &str) -> Value {
        let message = self.wait_for(|message| message["serverRequest"]["method"] == method);
        message["serverRequest"].clone()
    }

    /// Waits for the diagnostics of `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.notification("textDocument/publishDiagnostics", |params| {
            params["uri"] == uri && params["version"] == version
        });
        params["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The messages received but not yet taken by a wait, oldest first. After a wait they are
    /// the messages that arrived before the one it returned.
    pub fn take_queued(&mut self) -> Vec<Value> {
        self.queue.drain(..).collect()
    }

    /// Every message received so far or within `wait` that matches, without blocking longer.
    pub fn drain_matching(
        &mut self,
        wait: Duration,
        predicate: impl Fn(&Value) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + wait;
        while let Some(message) = self.receive(deadline) {
            self.queue.push_back(message);
        }
        let (matching, rest): (Vec<_>, Vec<_>) =
            self.queue.drain(..).partition(|message| predicate(message));
        self.queue = rest.into();
        matching
    }

    fn wait_for(&mut self, predicate: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.queue.iter().position(&predicate) {
            return self.queue.remove(index).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let Some(message) = self.receive(deadline) else {
                panic!(
                    "timed out waiting for a message; queued: {:#?}\nserver log:\n{}",
                    self.queue,
                    self.stderr()
                );
            };
            if predicate(&message) {
                return message;
            }
            self.queue.push_back(message);
        }
    }

    /// The next message from the server, answering its requests on the way.
    fn receive(&mut self, deadline: Instant) -> Option<Value> {
        let timeout = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(timeout) {
            Ok(Incoming::Message(message)) => message,
            Ok(Incoming::Closed)
            | Err(RecvTimeoutError::Disconnected | RecvTimeoutError::Timeout) => return None,
        };
        self.transcript.push(message.to_string());
        if message.get("id").is_some() && message.get("method").is_some() {
            self.answer_server_request(&message);
            return Some(json!({"serverRequest": message}));
        }
        Some(message)
    }

    fn answer_server_request(&mut self, request: &Value) {
        let result = match request["method"].as_str().unwrap_or_default() {
            "workspace/configuration" => {
                let items = request["params"]["items"].as_array().map_or(0, Vec::len);
                Value::Array(vec![self.options.configuration.clone(); items])
            }
            _ => Value::Null,
        };
        let id = request["id"].clone();
        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
        );
    }

    /// The server's copy of a document (test hook).
    pub fn server_text(&mut self, uri: &str) -> Value {
        self.request("northflank/test/text", json!({"uri": uri}))
            .unwrap()
    }

    /// Closes the server's stdin, as an editor that quits without `exit` would.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    pub fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    /// `shutdown` then `exit`; asserts that the process ends promptly with status 0.
    pub fn shutdown(mut self) -> String {
        self.request("shutdown", Value::Null)
            .expect("shutdown succeeds");
        self.notify("exit", Value::Null);
        let status = self
            .wait_exit(Duration::from_secs(5))
            .expect("the server exits within 5 s after `exit`");
        assert!(status.success(), "exit status {status:?}");
        self.stderr()
    }

    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

// ----- Helpers for tests that answer the server's requests themselves (platform tests) -----

/// Decides the answer to a server request: `Some(result)`, or `None` for the default answer.
pub type Answer<'a> = &'a mut dyn FnMut(&Value) -> Option<Value>;

impl TestServer {
    /// Sends a request and waits for its response, answering the server's requests on the way
    /// with `answer` (falling back to the default answers).
    pub fn request_answering(
        &mut self,
        method: &str,
        params: Value,
        answer: Answer<'_>,
    ) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        let message = self.wait_answering(
            &|message: &Value| {
                message.get("id") == Some(&json!(id)) && message.get("method").is_none()
            },
            answer,
        );
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Waits for a message matching `predicate` (server requests arrive wrapped as
    /// `{"serverRequest": …}`), answering server requests with `answer`.
    pub fn wait_answering(
        &mut self,
        predicate: &dyn Fn(&Value) -> bool,
        answer: Answer<'_>,
    ) -> Value {
        if let Some(index) = self.queue.iter().position(predicate) {
            return self.queue.remove(index).unwrap();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let timeout = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(timeout) {
                Ok(Incoming::Message(message)) => message,
                _ => panic!(
                    "timed out waiting for a message; queued: {:#?}\nserver log:\n{}",
                    self.queue,
                    self.stderr()
                ),
            };
            self.transcript.push(message.to_string());
            let message = if message.get("id").is_some() && message.get("method").is_some() {
                match answer(&message) {
                    Some(result) => {
                        let id = message["id"].clone();
                        self.send(&json!({"jsonrpc": "2.0", "id": id, "result": result}));
                    }
                    None => self.answer_server_request(&message),
                }
                json!({"serverRequest": message})
            } else {
                message
            };
            if predicate(&message) {
                return message;
            }
            self.queue.push_back(message);
        }
    }
}
