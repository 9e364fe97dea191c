//! The language server: tower-lsp-server on tokio, over stdio.
//!
//! Request flow: tower-lsp-server decodes a message and calls a `LanguageServer` method on
//! [`Backend`]. Notifications that change state (open, change, close, configuration) mutate
//! [`State`] synchronously, before any `.await`, under short non-async locks. Requests take an
//! immutable [`documents::Snapshot`], ask it for its analysis (computed once per version on a
//! blocking thread) and call the pure feature functions of `nfls-ide`; `convert` turns the
//! results into LSP types. Every handler runs inside [`guard`], so a panic becomes an error
//! response and the server keeps serving. No handler awaits a request to the client: those run
//! in spawned tasks that feed their answers back as state.

mod convert;
pub mod documents;
mod features;
mod framing;
mod output;
mod platform;
mod preview;
pub mod settings;

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use futures::FutureExt;
use nfls_ide::AnalysisConfig;
use nfls_syntax::text::Encoding;
use serde_json::Value;
use tokio::task::JoinHandle;
use tower_lsp_server::jsonrpc::{self, Error as RpcError};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use self::documents::{ChangeOutcome, Documents, Snapshot};
use self::settings::{DiagnosticsMode, Settings};
use crate::repo_config::{self, RepoConfig};

/// Runs the server on stdin/stdout until the client says `exit` (or closes the stream).
pub async fn run() {
    // Build the schema validation plan while the client starts up, off the request path, so
    // that the first diagnostics do not pay for it, then compile the validators of the node
    // kinds most templates use. Other kinds compile as documents need them: compiling every
    // kind up front takes longer than a first document needs and holds memory for kinds it
    // never uses.
    std::thread::spawn(|| {
        let start = std::time::Instant::now();
        let schemas = nfls_schema::SchemaSet::embedded();
        schemas.prepare();
        tracing::debug!(elapsed = ?start.elapsed(), "validation plan ready");
        schemas.warm_up_common();
        tracing::debug!(elapsed = ?start.elapsed(), "common validators compiled");
    });
    let (stdout, output, writer) = match output::start() {
        Ok(started) => started,
        Err(err) => {
            tracing::error!("cannot start writing stdout: {err}");
            return;
        }
    };
    let inbox = Arc::new(framing::Inbox::default());
    let stdin = match framing::start(Arc::clone(&inbox), output.clone()) {
        Ok(stdin) => stdin,
        Err(err) => {
            tracing::error!("cannot start reading stdin: {err}");
            return;
        }
    };
    let test_hooks =
        std::env::var_os("NORTHFLANK_LSP_TEST_HOOKS").is_some_and(|value| value == "1");
    let mut builder = LspService::build(move |client| Backend::new(client, inbox, output))
        .custom_method(framing::SYNC_METHOD, Backend::document_sync)
        .custom_method(platform::REMOTE_CONTENT, Backend::remote_content);
    if test_hooks {
        builder = builder
            .custom_method("northflank/test/panic", Backend::test_panic)
            .custom_method("northflank/test/sleep", Backend::test_sleep)
            .custom_method("northflank/test/holdLenses", Backend::test_hold_lenses)
            .custom_method("northflank/test/text", Backend::test_text);
    }
    let (service, socket) = builder.finish();
    Server::new(stdin, stdout, socket).serve(service).await;
    // Whatever was sent before `exit` (the `shutdown` answer included) reaches the client.
    let _ = tokio::task::spawn_blocking(move || writer.finish(Duration::from_secs(2))).await;
}

/// What the client told us at `initialize`, resolved once.
#[derive(Clone, Copy, Debug)]
struct ClientInfo {
    encoding: Encoding,
    pull_diagnostics: bool,
    configuration: bool,
    /// The client asked (`experimental.northflankDocumentKind`) to be told each document's kind.
    document_kind: bool,
    /// Completion items may be snippets.
    snippets: bool,
    /// `textDocument/documentSymbol` may answer with a tree.
    hierarchical_symbols: bool,
    /// Workspace edits may create files (`documentChanges` with the `create` operation).
    create_files: bool,
}

#[derive(Debug)]
struct State {
    documents: Mutex<Documents>,
    client_info: RwLock<ClientInfo>,
    settings: RwLock<Settings>,
    /// The workspace root (the first workspace folder, else `rootUri`), for the repository file.
    root: RwLock<Option<PathBuf>>,
    /// The repository's `.northflank-lsp.json`, if it has one (see [`crate::repo_config`]).
    repo_config: RwLock<Option<RepoConfig>>,
    /// That file's path and text as last read, valid JSON or not (the "turn off" quick fix
    /// edits it without reading the disk on the request).
    repo_file: RwLock<Option<(PathBuf, String)>>,
    /// The globs and severity rules `analysis_config` was last built from (the repository
    /// file's, then the editor's).
    effective: RwLock<(settings::Pairs, settings::Pairs)>,
    analysis_config: RwLock<Arc<AnalysisConfig>>,
    /// The pending debounced diagnostics task of each document; a newer change aborts it.
    pending_diagnostics: Mutex<HashMap<Uri, PendingDiagnostics>>,
    /// The document kind last announced to the client, per document.
    announced_kinds: Mutex<HashMap<Uri, Option<&'static str>>>,
    platform: platform::PlatformState,
    preview: preview::PreviewState,
    /// Test hook (`northflank/test/holdLenses`): how long code lens answers are held.
    test_lens_hold_ms: AtomicU64,
    /// Sync notifications the stdin reader decoded (see [`framing`]).
    inbox: Arc<framing::Inbox>,
    /// Where diagnostics are published (see [`output`]).
    output: output::Output,
    /// Between the answer to `initialize` and `shutdown`: documents opened then are parsed
    /// by the stdin reader (see [`State::prepare`]).
    serving: AtomicBool,
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

impl Backend {
    fn new(client: Client, inbox: Arc<framing::Inbox>, output: output::Output) -> Backend {
        let state = Arc::new(State {
            serving: AtomicBool::new(false),
            inbox,
            output,
            documents: Mutex::new(Documents::default()),
            client_info: RwLock::new(ClientInfo {
                encoding: Encoding::Utf16,
                pull_diagnostics: false,
                configuration: false,
                document_kind: false,
                snippets: false,
                hierarchical_symbols: false,
                create_files: false,
            }),
            settings: RwLock::new(Settings::default()),
            root: RwLock::new(None),
            repo_config: RwLock::new(None),
            repo_file: RwLock::new(None),
            effective: RwLock::new((Vec::new(), Vec::new())),
            analysis_config: RwLock::new(Arc::new(AnalysisConfig::default())),
            pending_diagnostics: Mutex::new(HashMap::new()),
            announced_kinds: Mutex::new(HashMap::new()),
            platform: platform::PlatformState::default(),
            preview: preview::PreviewState::default(),
            test_lens_hold_ms: AtomicU64::new(0),
        });
        let weak = Arc::downgrade(&state);
        state.inbox.set_preparer(Box::new(move |message| {
            if let Some(state) = weak.upgrade() {
                state.prepare(message);
            }
        }));
        Backend { client, state }
    }

    fn client_info(&self) -> ClientInfo {
        *self
            .state
            .client_info
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn documents(&self) -> std::sync::MutexGuard<'_, Documents> {
        self.state
            .documents
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The current snapshot of a document, after applying any changes still parked because
    /// the client skipped a version number.
    /// The newest version of a document, with any parked changes applied first (and its
    /// diagnostics scheduled then: whoever flushes first — this, or the flush a parked change
    /// schedules — leaves nothing for the other).
    fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        let encoding = self.client_info().encoding;
        let (flushed, snapshot) = {
            let mut documents = self.documents();
            let flushed = documents.flush_parked(uri, encoding);
            (flushed, documents.snapshot(uri))
        };
        if flushed.is_some() {
            self.schedule_diagnostics(uri.clone());
        }
        snapshot
    }

    fn pushes_diagnostics(&self) -> bool {
        self.state.pushes_diagnostics()
    }

    /// Publishes the diagnostics of `uri` after a change, unless a newer version arrives first
    /// (then that version's task does it).
    fn schedule_diagnostics(&self, uri: Uri) {
        self.publish_diagnostics_after(uri, After::Change);
    }

    /// Publishes the diagnostics of `uri` as soon as they are computed. After a change
    /// (`debounce`) that arrives while the previous version's diagnostics are still being
    /// computed — keystrokes in a burst — it waits the configured pause first, so that a
    /// burst is analysed at its start and at its end rather than at every keystroke; a lone
    /// change goes straight to analysis.
    ///
    /// After an open (nothing was published for the document yet), a Northflank document's
    /// syntax errors are published as soon as it is parsed, before the schema and semantic
    /// checks, without a version (LSP makes it optional): the complete diagnostics follow,
    /// with the version. A large file shows its syntax errors at once; a change never
    /// publishes early, so the diagnostics on screen never drop to the syntax errors alone.
    fn publish_diagnostics_after(&self, uri: Uri, after: After) {
        let push = self.pushes_diagnostics();
        let announce = self.client_info().document_kind;
        if !push && !announce {
            return;
        }
        let in_flight = self
            .state
            .pending_diagnostics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&uri)
            .is_some_and(|pending| {
                !pending.analysed.load(Ordering::Acquire) && !pending.task.is_finished()
            });
        let debounce = if after == After::Change && in_flight {
            self.state
                .settings
                .read()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .debounce_ms
        } else {
            0
        };
        let client = self.client.clone();
        let state = Arc::clone(&self.state);
        let encoding = self.client_info().encoding;
        let task_uri = uri.clone();
        let analysed = Arc::new(AtomicBool::new(false));
        let task_analysed = Arc::clone(&analysed);
        let task = tokio::spawn(async move {
            if debounce > 0 {
                tokio::time::sleep(Duration::from_millis(debounce)).await;
            }
            let Some(snapshot) = state
                .documents
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .snapshot(&task_uri)
            else {
                return;
            };
            let early = (after == After::Open && push && !snapshot.syntax_published)
                .then(|| early_syntax_publish(&state, encoding));
            let analysis = snapshot.analysis_reporting(early).await;
            // Set before anything is published, so a change that arrives after the client has
            // these diagnostics is never taken for one in a burst.
            task_analysed.store(true, Ordering::Release);
            // The newest version wins: if the text moved on while we analysed, leave it to the
            // newer task.
            if !state.is_current(&snapshot) {
                return;
            }
            if announce {
                let kind = analysis
                    .classification
                    .as_ref()
                    .map(|classification| classification.kind.id());
                let previous = state
                    .announced_kinds
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(task_uri.clone(), kind);
                if previous != Some(kind) {
                    state.output.notify(
                        <DocumentKindNotification as notification::Notification>::METHOD,
                        &DocumentKindParams {
                            uri: task_uri.clone(),
                            kind: kind.map(str::to_owned),
                        },
                    );
                }
            }
            if !push {
                return;
            }
            let backend = Backend {
                client: client.clone(),
                state: Arc::clone(&state),
            };
            let start = std::time::Instant::now();
            let diagnostics = backend.diagnostics_of(&snapshot, &analysis, encoding);
            tracing::debug!(
                version = snapshot.version,
                count = diagnostics.len(),
                elapsed = ?start.elapsed(),
                "diagnostics converted"
            );
            state.publish_if_current(
                &snapshot,
                &PublishDiagnosticsParams::new(task_uri, diagnostics, Some(snapshot.version)),
            );
        });
        let previous = self
            .state
            .pending_diagnostics
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(uri, PendingDiagnostics { task, analysed });
        if let Some(previous) = previous {
            previous.task.abort();
        }
    }

    /// Gives a parked change's predecessor a moment to arrive; if it does not (the client skips
    /// version numbers), applies what is parked and publishes.
    fn flush_parked_later(&self, uri: Uri) {
        let backend = Backend {
            client: self.client.clone(),
            state: Arc::clone(&self.state),
        };
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            let encoding = backend.client_info().encoding;
            let flushed = backend.documents().flush_parked(&uri, encoding);
            if flushed.is_some() {
                backend.schedule_diagnostics(uri);
            }
        });
    }

    /// Applies new settings: problems go to the user; open documents are re-analysed when the
    /// file associations or severity rules changed, and re-published when the diagnostics mode
    /// did.
    fn apply_settings(&self, value: &Value) {
        let (settings, mut problems) = Settings::from_json(value);
        tracing::info!(?settings, "settings applied");
        let mode_changed = self
            .state
            .settings
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .diagnostics_mode
            != settings.diagnostics_mode;
        write(&self.state.settings, settings);
        let (config_problems, reanalysed) = self.refresh_analysis_config();
        problems.extend(config_problems);
        if mode_changed && !reanalysed {
            let uris = self.documents().uris();
            for uri in uris {
                self.schedule_diagnostics(uri);
            }
        }
        self.settings_problems(problems);
        self.refresh_pulled_diagnostics();
    }

    /// Builds the analysis configuration from the editor's settings over the repository file's
    /// and, when the globs or rules it comes from changed, re-analyses the open documents.
    /// Returns the problems with the globs and rules, and whether it re-analysed.
    fn refresh_analysis_config(&self) -> (Vec<String>, bool) {
        let settings = read(&self.state.settings);
        let repo = read(&self.state.repo_config);
        let merged = settings.over(repo.as_ref());
        let (config, problems) = merged.analysis_config();
        let changed = {
            let mut effective = self
                .state
                .effective
                .write()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let now = (merged.files, merged.severity);
            let changed = *effective != now;
            *effective = now;
            changed
        };
        if changed {
            write(&self.state.analysis_config, Arc::clone(&config));
            let snapshots = self.documents().reconfigure(&config);
            for snapshot in snapshots {
                self.schedule_diagnostics(snapshot.uri.clone());
            }
        }
        (problems, changed)
    }

    /// Reads the repository file again (the nearest one at or above the workspace root) and
    /// re-analyses the open documents if what it says changed.
    fn reload_repo_config(&self) {
        let root = read(&self.state.root);
        let mut problems = self.load_repo_config(root.as_deref());
        let (config_problems, reanalysed) = self.refresh_analysis_config();
        problems.extend(config_problems);
        self.settings_problems(problems);
        if reanalysed {
            self.refresh_pulled_diagnostics();
        }
    }

    /// Finds and reads the repository file for `root` into the state; returns its problems.
    fn load_repo_config(&self, root: Option<&std::path::Path>) -> Vec<String> {
        let found = root.and_then(repo_config::find);
        let read = found
            .as_deref()
            .map(|path| repo_config::read(path).map(|text| (path.to_owned(), text)));
        let (repo, problems) = match &read {
            None => (None, Vec::new()),
            Some(Ok((path, text))) => match repo_config::parse(path, text) {
                Ok((repo, problems)) => (Some(repo), problems),
                Err(message) => (None, vec![message]),
            },
            Some(Err(message)) => (None, vec![message.clone()]),
        };
        tracing::info!(path = ?found, "repository settings read");
        write(&self.state.repo_config, repo);
        write(&self.state.repo_file, read.and_then(Result::ok));
        problems
    }

    /// Shows problems with the settings (the editor's or the repository file's), if any.
    fn settings_problems(&self, problems: Vec<String>) {
        if !problems.is_empty() {
            let client = self.client.clone();
            tokio::spawn(async move {
                client
                    .show_message(
                        MessageType::WARNING,
                        format!("northflank-lsp settings: {}", problems.join("; ")),
                    )
                    .await;
            });
        }
    }

    /// Asks a pull-mode client to pull diagnostics again (settings changed what they are).
    fn refresh_pulled_diagnostics(&self) {
        if !self.pushes_diagnostics() {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(
                    Duration::from_secs(5),
                    client.workspace_diagnostic_refresh(),
                )
                .await;
            });
        }
    }

    /// Asks the client for the `northflank` section, in the background (awaiting a client
    /// request inside a handler can deadlock tower-lsp-server), and applies the answer.
    fn fetch_configuration(&self) {
        if !self.client_info().configuration {
            return;
        }
        let backend = Backend {
            client: self.client.clone(),
            state: Arc::clone(&self.state),
        };
        tokio::spawn(async move {
            let request = backend.client.configuration(vec![ConfigurationItem {
                scope_uri: None,
                section: Some("northflank".to_owned()),
            }]);
            match tokio::time::timeout(Duration::from_secs(10), request).await {
                Ok(Ok(mut values)) if !values.is_empty() => {
                    let value = values.swap_remove(0);
                    if !value.is_null() {
                        backend.apply_settings(&value);
                    }
                }
                Ok(Ok(_)) => {}
                Ok(Err(err)) => tracing::warn!("workspace/configuration failed: {err}"),
                Err(_) => tracing::warn!("workspace/configuration timed out"),
            }
        });
    }

    /// All diagnostics of a snapshot in LSP form: the analysis's own and those that depend on
    /// platform facts.
    fn diagnostics_of(
        &self,
        snapshot: &Snapshot,
        analysis: &nfls_ide::Analysis,
        encoding: Encoding,
    ) -> Vec<Diagnostic> {
        let mut diagnostics: Vec<Diagnostic> = analysis
            .diagnostics
            .iter()
            .map(|diagnostic| convert::diagnostic(&snapshot.index, diagnostic, encoding))
            .collect();
        if analysis.classification.is_some() {
            let mut platform = self.platform_diagnostics(snapshot);
            snapshot.config.severity.apply(&mut platform);
            diagnostics.extend(
                platform
                    .iter()
                    .map(|diagnostic| convert::diagnostic(&snapshot.index, diagnostic, encoding)),
            );
        }
        diagnostics
    }

    async fn test_panic(&self, _params: Value) -> jsonrpc::Result<Value> {
        guard("northflank/test/panic", async {
            panic!("test hook: deliberate panic")
        })
        .await
    }

    /// A `didOpen` or `didChange` the stdin reader decoded: handled exactly like one decoded
    /// by tower-lsp-server, in the same place in the message order.
    async fn document_sync(&self, params: framing::Ticket) {
        match self.state.inbox.take(params.ticket) {
            Some(framing::SyncMessage::Open(params)) => self.did_open(params).await,
            Some(framing::SyncMessage::Prepared(prepared)) => {
                let (params, prepared) = *prepared;
                guard_notification("textDocument/didOpen", || {
                    self.open(params.text_document, Some(prepared));
                });
            }
            Some(framing::SyncMessage::Change(params)) => self.did_change(params).await,
            None => tracing::warn!(ticket = params.ticket, "no document sync for this ticket"),
        }
    }

    /// Stores a just-opened document (from the stdin reader's parse, if it made one) and
    /// schedules its diagnostics.
    fn open(&self, document: TextDocumentItem, prepared: Option<documents::Prepared>) {
        let config = read(&self.state.analysis_config);
        let uri = document.uri;
        let bytes = {
            let mut documents = self.documents();
            match prepared {
                Some(prepared) => {
                    documents.open_prepared(uri.clone(), document.version, prepared, config)
                }
                None => documents.open(uri.clone(), document.version, document.text, config),
            }
            .text
            .len()
        };
        tracing::debug!(bytes, "document stored");
        self.publish_diagnostics_after(uri, After::Open);
    }

    /// The server's copy of a document and its version, so tests can compare it with theirs.
    async fn test_text(&self, params: Value) -> jsonrpc::Result<Value> {
        guard("northflank/test/text", async {
            let uri: Uri = params
                .get("uri")
                .and_then(Value::as_str)
                .and_then(|uri| uri.parse().ok())
                .ok_or_else(|| RpcError::invalid_params("expected {\"uri\": …}"))?;
            Ok(match self.snapshot(&uri) {
                Some(snapshot) => {
                    serde_json::json!({"version": snapshot.version, "text": &*snapshot.text})
                }
                None => Value::Null,
            })
        })
        .await
    }

    /// Holds every later code lens answer this long after it is built (`{"ms": …}`), so that
    /// a test can change the facts while an answer is on its way.
    async fn test_hold_lenses(&self, params: Value) -> jsonrpc::Result<Value> {
        let millis = params.get("ms").and_then(Value::as_u64).unwrap_or(0);
        self.state
            .test_lens_hold_ms
            .store(millis, Ordering::Relaxed);
        Ok(Value::Null)
    }

    async fn test_sleep(&self, params: Value) -> jsonrpc::Result<Value> {
        let millis = params.get("ms").and_then(Value::as_u64).unwrap_or(1000);
        guard("northflank/test/sleep", async move {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            Ok(Value::String("slept".to_owned()))
        })
        .await
    }
}

/// A copy of what `lock` holds (a poisoned lock still holds usable data: every writer replaces
/// the whole value).
fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

/// Replaces what `lock` holds.
fn write<T>(lock: &RwLock<T>, value: T) {
    *lock
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = value;
}

/// Whether `uri` names a repository settings file (see [`crate::repo_config`]).
fn is_repo_config(uri: &Uri) -> bool {
    documents::file_path(uri)
        .is_some_and(|path| path.rsplit('/').next() == Some(repo_config::FILE_NAME))
}

/// The diagnostics task of a document's newest version.
#[derive(Debug)]
struct PendingDiagnostics {
    task: JoinHandle<()>,
    /// The analysis is done: what is left is publishing it.
    analysed: Arc<AtomicBool>,
}

/// What diagnostics are published after (see [`Backend::publish_diagnostics_after`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    Open,
    /// A change of the text or of the settings.
    Change,
}

impl State {
    fn pushes_diagnostics(&self) -> bool {
        let mode = read(&self.settings).diagnostics_mode;
        match mode {
            DiagnosticsMode::Push => true,
            DiagnosticsMode::Pull => false,
            DiagnosticsMode::Auto => !read(&self.client_info).pull_diagnostics,
        }
    }

    /// Run by the stdin reader on each sync notification it decodes (see
    /// [`framing::Inbox::set_preparer`]): a document opened while the server is serving and
    /// pushing diagnostics is parsed there and then, and its syntax errors are published at
    /// once if it is a Northflank document; its analysis later starts from that parse. This
    /// saves a large file the hand-over to the notification's handler and the analysis task
    /// before its syntax errors show. The publication cannot overtake newer diagnostics of
    /// the document: those need this notification handled first, and the reader hands it on
    /// only afterwards.
    fn prepare(&self, message: &mut framing::SyncMessage) {
        let framing::SyncMessage::Open(params) = message else {
            return;
        };
        if !self.serving.load(Ordering::Acquire) || !self.pushes_diagnostics() {
            return;
        }
        let text = Arc::new(std::mem::take(&mut params.text_document.text));
        let document = &params.text_document;
        let config = Arc::clone(&read(&self.analysis_config));
        let encoding = read(&self.client_info).encoding;
        let prepared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let start = std::time::Instant::now();
            let path = documents::file_path(&document.uri);
            let parsed = nfls_ide::parse_and_classify(Arc::clone(&text), path.as_deref(), &config);
            tracing::debug!(elapsed = ?start.elapsed(), "parsed and classified by the reader");
            let line_index = || nfls_syntax::text::LineIndex::from_shared(Arc::clone(&text));
            // No syntax errors (the usual case): they are out before the line index is built.
            let mut index = None;
            let published = parsed.classification.is_some() && {
                let diagnostics = parsed.syntax_diagnostics();
                let index = if diagnostics.is_empty() {
                    None
                } else {
                    Some(&*index.insert(line_index()))
                };
                let params = syntax_publication(&document.uri, &diagnostics, index, encoding);
                self.output.notify(
                    <notification::PublishDiagnostics as notification::Notification>::METHOD,
                    &params,
                );
                tracing::debug!(version = document.version, "syntax errors published");
                true
            };
            (parsed, index.unwrap_or_else(line_index), published)
        }));
        match prepared {
            Ok((parsed, index, published)) => {
                // The params without their text: cheap to copy.
                *message = framing::SyncMessage::Prepared(Box::new((
                    params.clone(),
                    documents::Prepared {
                        text,
                        index,
                        config,
                        parsed,
                        published,
                    },
                )));
            }
            Err(panic) => {
                tracing::error!(
                    "parsing an opened document panicked: {}",
                    panic_message(panic.as_ref())
                );
                params.text_document.text = Arc::unwrap_or_clone(text);
            }
        }
    }

    /// Whether `snapshot` is still the newest version of its document.
    fn is_current(&self, snapshot: &Snapshot) -> bool {
        Self::is_current_in(
            &self.documents.lock().unwrap_or_else(|p| p.into_inner()),
            snapshot,
        )
    }

    fn is_current_in(documents: &Documents, snapshot: &Snapshot) -> bool {
        documents
            .snapshot(&snapshot.uri)
            .is_some_and(|current| current.version == snapshot.version)
    }

    /// Publishes `params`, the diagnostics of `snapshot`, if it is still the newest version
    /// of its document; returns whether it did. The check and the sending happen under the
    /// documents' lock, so a newer version cannot be stored — nor its diagnostics published —
    /// in between: an older version's diagnostics never reach the client after a newer one's.
    fn publish_if_current(&self, snapshot: &Snapshot, params: &PublishDiagnosticsParams) -> bool {
        let Some(frame) = output::Frame::notification(
            <notification::PublishDiagnostics as notification::Notification>::METHOD,
            params,
        ) else {
            return false;
        };
        let documents = self.documents.lock().unwrap_or_else(|p| p.into_inner());
        if !Self::is_current_in(&documents, snapshot) {
            return false;
        }
        self.output.send(frame);
        true
    }
}

/// The hook that publishes a just-opened document's syntax errors from its analysis's first
/// stage (see [`Backend::publish_diagnostics_after`]), unless the document is not ours or has
/// moved on to a newer version meanwhile.
fn early_syntax_publish(state: &Arc<State>, encoding: Encoding) -> documents::EarlyHook {
    let state = Arc::clone(state);
    Box::new(move |snapshot: &Snapshot, parsed: &nfls_ide::Parsed| {
        if parsed.classification.is_none() {
            return;
        }
        if !state.is_current(snapshot) {
            return;
        }
        let params = syntax_publication(
            &snapshot.uri,
            &parsed.syntax_diagnostics(),
            Some(&snapshot.index),
            encoding,
        );
        if state.publish_if_current(snapshot, &params) {
            tracing::debug!(version = snapshot.version, "syntax errors published");
        }
    })
}

/// A document's syntax errors alone, without a version (see
/// [`Backend::publish_diagnostics_after`]); `index` may be `None` when there are none.
fn syntax_publication(
    uri: &Uri,
    diagnostics: &[nfls_ide::Diagnostic],
    index: Option<&nfls_syntax::text::LineIndex>,
    encoding: Encoding,
) -> PublishDiagnosticsParams {
    let diagnostics = match index {
        Some(index) => diagnostics
            .iter()
            .map(|diagnostic| convert::diagnostic(index, diagnostic, encoding))
            .collect(),
        None => {
            debug_assert!(diagnostics.is_empty(), "syntax errors without a line index");
            Vec::new()
        }
    };
    PublishDiagnosticsParams::new(uri.clone(), diagnostics, None)
}

/// `northflank/documentKind`: tells a client that opted in which kind of Northflank document
/// an open file is (`null`: not ours), so that it can show it and route the file. Sent when the
/// kind of a document is first known and whenever it changes.
enum DocumentKindNotification {}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct DocumentKindParams {
    uri: Uri,
    kind: Option<String>,
}

impl notification::Notification for DocumentKindNotification {
    type Params = DocumentKindParams;
    const METHOD: &'static str = "northflank/documentKind";
}

/// Runs a request handler, turning a panic into an internal-error response (logged) so that
/// one bad request never takes the server down.
async fn guard<T, F>(method: &'static str, handler: F) -> jsonrpc::Result<T>
where
    F: Future<Output = jsonrpc::Result<T>>,
{
    match AssertUnwindSafe(handler).catch_unwind().await {
        Ok(result) => result,
        Err(panic) => {
            let message = panic_message(panic.as_ref());
            tracing::error!("{method} panicked: {message}");
            let mut error = RpcError::internal_error();
            error.message = format!("northflank-lsp: internal error in {method}: {message}").into();
            Err(error)
        }
    }
}

/// Runs a notification handler, logging a panic instead of propagating it.
fn guard_notification(method: &'static str, handler: impl FnOnce()) {
    if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(handler)) {
        tracing::error!("{method} panicked: {}", panic_message(panic.as_ref()));
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|message| (*message).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned())
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> jsonrpc::Result<InitializeResult> {
        guard("initialize", async {
            let capabilities = &params.capabilities;
            let offers_utf8 = capabilities
                .general
                .as_ref()
                .and_then(|general| general.position_encodings.as_ref())
                .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
            let encoding = if offers_utf8 {
                Encoding::Utf8
            } else {
                Encoding::Utf16
            };
            let pull_diagnostics = capabilities
                .text_document
                .as_ref()
                .is_some_and(|text_document| text_document.diagnostic.is_some());
            let configuration = capabilities
                .workspace
                .as_ref()
                .and_then(|workspace| workspace.configuration)
                .unwrap_or(false);
            let document_kind = capabilities
                .experimental
                .as_ref()
                .and_then(|experimental| experimental.get("northflankDocumentKind"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let text_document = capabilities.text_document.as_ref();
            let snippets = text_document
                .and_then(|text_document| text_document.completion.as_ref())
                .and_then(|completion| completion.completion_item.as_ref())
                .and_then(|item| item.snippet_support)
                .unwrap_or(false);
            let hierarchical_symbols = text_document
                .and_then(|text_document| text_document.document_symbol.as_ref())
                .and_then(|symbols| symbols.hierarchical_document_symbol_support)
                .unwrap_or(false);
            let create_files = capabilities
                .workspace
                .as_ref()
                .and_then(|workspace| workspace.workspace_edit.as_ref())
                .is_some_and(|edit| {
                    edit.document_changes == Some(true)
                        && edit.resource_operations.as_ref().is_some_and(|operations| {
                            operations.contains(&ResourceOperationKind::Create)
                        })
                });
            write(
                &self.state.client_info,
                ClientInfo {
                    encoding,
                    pull_diagnostics,
                    configuration,
                    document_kind,
                    snippets,
                    hierarchical_symbols,
                    create_files,
                },
            );
            let code_lens_refresh = capabilities
                .workspace
                .as_ref()
                .and_then(|workspace| workspace.code_lens.as_ref())
                .and_then(|code_lens| code_lens.refresh_support)
                .unwrap_or(false);
            self.state.preview.set_refresh_support(code_lens_refresh);
            // The repository file first, so that the editor's settings apply over it.
            let root = params
                .workspace_folders
                .as_ref()
                .and_then(|folders| folders.first())
                .map(|folder| &folder.uri)
                .or({
                    #[allow(deprecated)]
                    params.root_uri.as_ref()
                })
                .and_then(documents::file_path)
                .map(PathBuf::from);
            let problems = self.load_repo_config(root.as_deref());
            write(&self.state.root, root);
            self.settings_problems(problems);
            match &params.initialization_options {
                Some(options) => self.apply_settings(options),
                None => {
                    let (problems, _) = self.refresh_analysis_config();
                    self.settings_problems(problems);
                }
            }
            let diagnostic_provider = (!self.pushes_diagnostics()).then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("northflank".to_owned()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: false,
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })
            });
            let commands: Vec<String> = platform::COMMANDS
                .iter()
                .chain(preview::COMMANDS)
                .map(|command| (*command).to_owned())
                .collect();
            self.state.serving.store(true, Ordering::Release);
            Ok(InitializeResult {
                capabilities: ServerCapabilities {
                    position_encoding: Some(match encoding {
                        Encoding::Utf8 => PositionEncodingKind::UTF8,
                        Encoding::Utf16 => PositionEncodingKind::UTF16,
                    }),
                    text_document_sync: Some(TextDocumentSyncCapability::Options(
                        TextDocumentSyncOptions {
                            open_close: Some(true),
                            change: Some(TextDocumentSyncKind::INCREMENTAL),
                            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                            ..TextDocumentSyncOptions::default()
                        },
                    )),
                    diagnostic_provider,
                    completion_provider: Some(CompletionOptions {
                        trigger_characters: Some(
                            features::COMPLETION_TRIGGERS
                                .iter()
                                .map(|c| (*c).to_owned())
                                .collect(),
                        ),
                        ..CompletionOptions::default()
                    }),
                    hover_provider: Some(HoverProviderCapability::Simple(true)),
                    definition_provider: Some(OneOf::Left(true)),
                    references_provider: Some(OneOf::Left(true)),
                    rename_provider: Some(OneOf::Right(RenameOptions {
                        prepare_provider: Some(true),
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })),
                    document_highlight_provider: Some(OneOf::Left(true)),
                    document_symbol_provider: Some(OneOf::Left(true)),
                    folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                    selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                    document_formatting_provider: Some(OneOf::Left(true)),
                    document_range_formatting_provider: Some(OneOf::Left(true)),
                    code_action_provider: Some(CodeActionProviderCapability::Options(
                        CodeActionOptions {
                            code_action_kinds: Some(vec![
                                CodeActionKind::QUICKFIX,
                                CodeActionKind::REFACTOR,
                                CodeActionKind::SOURCE,
                            ]),
                            ..CodeActionOptions::default()
                        },
                    )),
                    code_lens_provider: (!commands.is_empty()).then_some(CodeLensOptions {
                        resolve_provider: Some(false),
                    }),
                    execute_command_provider: (!commands.is_empty()).then(|| {
                        ExecuteCommandOptions {
                            commands: commands.clone(),
                            work_done_progress_options: WorkDoneProgressOptions::default(),
                        }
                    }),
                    semantic_tokens_provider: Some(
                        SemanticTokensServerCapabilities::SemanticTokensOptions(
                            SemanticTokensOptions {
                                legend: SemanticTokensLegend {
                                    token_types: features::TOKEN_TYPES.to_vec(),
                                    token_modifiers: Vec::new(),
                                },
                                full: Some(SemanticTokensFullOptions::Bool(true)),
                                range: None,
                                work_done_progress_options: WorkDoneProgressOptions::default(),
                            },
                        ),
                    ),
                    ..ServerCapabilities::default()
                },
                server_info: Some(ServerInfo {
                    name: "northflank-lsp".to_owned(),
                    version: Some(env!("CARGO_PKG_VERSION").to_owned()),
                }),
                offset_encoding: None,
            })
        })
        .await
    }

    async fn initialized(&self, _params: InitializedParams) {
        guard_notification("initialized", || self.fetch_configuration());
    }

    async fn shutdown(&self) -> jsonrpc::Result<()> {
        self.state.serving.store(false, Ordering::Release);
        for (_, pending) in self
            .state
            .pending_diagnostics
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .drain()
        {
            pending.task.abort();
        }
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        guard_notification("textDocument/didOpen", || {
            self.open(params.text_document, None);
        });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        guard_notification("textDocument/didChange", || {
            let encoding = self.client_info().encoding;
            let uri = params.text_document.uri;
            let version = params.text_document.version;
            let outcome = self
                .documents()
                .change(&uri, version, params.content_changes, encoding);
            match outcome {
                ChangeOutcome::Applied(_) => self.schedule_diagnostics(uri),
                ChangeOutcome::Parked => {
                    tracing::debug!(%version, "change parked until its predecessor arrives");
                    self.flush_parked_later(uri);
                }
                ChangeOutcome::Stale { current } => {
                    tracing::warn!(%version, %current, "dropped a change for an older version")
                }
                ChangeOutcome::Unknown => tracing::warn!("change for a document that is not open"),
            }
        });
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        guard_notification("textDocument/didSave", || {
            if is_repo_config(&params.text_document.uri) {
                self.reload_repo_config();
            }
            if let Some(snapshot) = self.snapshot(&params.text_document.uri) {
                self.platform_saved(&snapshot);
            }
        });
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        guard_notification("workspace/didChangeWatchedFiles", || {
            if params
                .changes
                .iter()
                .any(|change| is_repo_config(&change.uri))
            {
                self.reload_repo_config();
            }
        });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let closed = self.documents().close(&uri);
        self.state
            .announced_kinds
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&uri);
        if let Some(pending) = self
            .state
            .pending_diagnostics
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&uri)
        {
            pending.task.abort();
        }
        if closed && self.pushes_diagnostics() {
            self.state.output.notify(
                <notification::PublishDiagnostics as notification::Notification>::METHOD,
                &PublishDiagnosticsParams::new(uri, Vec::new(), None),
            );
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let has_section = params
            .settings
            .get("northflank")
            .is_some_and(|section| !section.is_null());
        guard_notification("workspace/didChangeConfiguration", || {
            if has_section {
                self.apply_settings(&params.settings);
            } else {
                // Pull-style clients send `null` and expect us to ask.
                self.fetch_configuration();
            }
        });
    }

    async fn completion(
        &self,
        params: CompletionParams,
    ) -> jsonrpc::Result<Option<CompletionResponse>> {
        guard("textDocument/completion", self.handle_completion(params)).await
    }

    async fn hover(&self, params: HoverParams) -> jsonrpc::Result<Option<Hover>> {
        guard("textDocument/hover", self.handle_hover(params)).await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> jsonrpc::Result<Option<GotoDefinitionResponse>> {
        guard("textDocument/definition", self.handle_definition(params)).await
    }

    async fn references(&self, params: ReferenceParams) -> jsonrpc::Result<Option<Vec<Location>>> {
        guard("textDocument/references", self.handle_references(params)).await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> jsonrpc::Result<Option<PrepareRenameResponse>> {
        guard(
            "textDocument/prepareRename",
            self.handle_prepare_rename(params),
        )
        .await
    }

    async fn rename(&self, params: RenameParams) -> jsonrpc::Result<Option<WorkspaceEdit>> {
        guard("textDocument/rename", self.handle_rename(params)).await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> jsonrpc::Result<Option<Vec<DocumentHighlight>>> {
        guard(
            "textDocument/documentHighlight",
            self.handle_document_highlight(params),
        )
        .await
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> jsonrpc::Result<Option<DocumentSymbolResponse>> {
        guard(
            "textDocument/documentSymbol",
            self.handle_document_symbol(params),
        )
        .await
    }

    async fn folding_range(
        &self,
        params: FoldingRangeParams,
    ) -> jsonrpc::Result<Option<Vec<FoldingRange>>> {
        guard(
            "textDocument/foldingRange",
            self.handle_folding_range(params),
        )
        .await
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> jsonrpc::Result<Option<Vec<SelectionRange>>> {
        guard(
            "textDocument/selectionRange",
            self.handle_selection_range(params),
        )
        .await
    }

    async fn formatting(
        &self,
        params: DocumentFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<TextEdit>>> {
        guard("textDocument/formatting", self.handle_formatting(params)).await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> jsonrpc::Result<Option<Vec<TextEdit>>> {
        guard(
            "textDocument/rangeFormatting",
            self.handle_range_formatting(params),
        )
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> jsonrpc::Result<Option<SemanticTokensResult>> {
        guard(
            "textDocument/semanticTokens/full",
            self.handle_semantic_tokens(params),
        )
        .await
    }

    async fn code_action(
        &self,
        params: CodeActionParams,
    ) -> jsonrpc::Result<Option<CodeActionResponse>> {
        guard("textDocument/codeAction", self.handle_code_action(params)).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> jsonrpc::Result<Option<Vec<CodeLens>>> {
        let _answering = self.answering_lenses();
        guard("textDocument/codeLens", async {
            let mut lenses = self.platform_code_lenses(&params).await;
            lenses.extend(self.preview_code_lenses(&params).await);
            let hold = self.state.test_lens_hold_ms.load(Ordering::Relaxed);
            if hold > 0 {
                tokio::time::sleep(Duration::from_millis(hold)).await;
            }
            Ok((!lenses.is_empty()).then_some(lenses))
        })
        .await
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> jsonrpc::Result<Option<Value>> {
        guard("workspace/executeCommand", async {
            if platform::COMMANDS.contains(&params.command.as_str()) {
                self.platform_command(params).await
            } else if preview::COMMANDS.contains(&params.command.as_str()) {
                self.preview_command(params).await
            } else {
                Err(RpcError::invalid_params(format!(
                    "unknown command `{}`",
                    params.command
                )))
            }
        })
        .await
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> jsonrpc::Result<DocumentDiagnosticReportResult> {
        guard("textDocument/diagnostic", async {
            let encoding = self.client_info().encoding;
            let items = match self.snapshot(&params.text_document.uri) {
                Some(snapshot) => {
                    let analysis = snapshot.analysis().await;
                    self.diagnostics_of(&snapshot, &analysis, encoding)
                }
                None => Vec::new(),
            };
            Ok(DocumentDiagnosticReportResult::Report(
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items,
                    },
                }),
            ))
        })
        .await
    }
}
