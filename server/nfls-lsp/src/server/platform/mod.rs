//! The platform link in the editor: which Northflank object the open file is, its status as a
//! code lens, drift diagnostics, and the `northflank.remote.*` commands and code actions.
//! Network and git work runs in background tasks; requests only read the cached facts.
//!
//! Facts are gathered per file by [`refresh`] (on open, when the file on disk changes, i.e. on
//! save, and on the `refresh`/`status` commands) and kept in [`PlatformState`]. Lenses, code
//! actions and diagnostics read that cache and never wait for the network. Commands that talk to
//! the user (`link`, `replace`, showing documents) make their client requests from spawned
//! tasks, because awaiting a client request inside a handler can deadlock tower-lsp-server.

mod commands;
mod refresh;
mod requests;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;

use nfls_ide::platform as ide_platform;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeLens, CodeLensParams, Command,
    ExecuteCommandParams, Position, Range, Uri,
};

use super::Backend;
use super::convert;
use super::documents::Snapshot;
use crate::remote::engine::{self, LinkedObject};

pub use self::refresh::LinkStatus;

pub const LINK: &str = "northflank.remote.link";
pub const FETCH: &str = "northflank.remote.fetch";
pub const DIFF: &str = "northflank.remote.diff";
pub const REPLACE: &str = "northflank.remote.replace";
pub const STATUS: &str = "northflank.remote.status";
pub const REFRESH: &str = "northflank.remote.refresh";

/// The commands this module serves through `workspace/executeCommand`.
pub const COMMANDS: &[&str] = &[LINK, FETCH, DIFF, REPLACE, STATUS, REFRESH];

/// The custom request that serves the text of `northflank-remote:` documents.
pub const REMOTE_CONTENT: &str = "northflank/remoteContent";

/// The URI scheme of the read-only documents holding remote versions.
pub const SCHEME: &str = "northflank-remote";

/// The diagnostic code of drift notes.
pub const DRIFT_CODE: &str = "platform/drift";

/// Platform facts cached for the open documents.
#[derive(Debug, Default)]
pub struct PlatformState {
    files: Mutex<HashMap<Uri, refresh::FileEntry>>,
    /// Text of the `northflank-remote:` documents, by URI.
    remote_docs: Mutex<HashMap<String, String>>,
    /// Templates fetched recently, shared by the refreshes of all files (one list per minute
    /// instead of one per opened file). An async lock, so that concurrent refreshes wait for
    /// one fetch instead of each starting their own.
    templates: tokio::sync::Mutex<Option<refresh::TemplateCache>>,
    generation: AtomicU64,
    /// Bumped whenever a lookup finishes with new facts, so that what was built from the old
    /// ones (the push preview's lenses) can tell it is stale.
    facts_version: AtomicU64,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `[{"uri": …}]` command arguments.
fn uri_argument(uri: &Uri) -> Option<Vec<Value>> {
    Some(vec![json!({ "uri": uri.as_str() })])
}

fn lens(title: String, command: &str, arguments: Option<Vec<Value>>) -> CodeLens {
    CodeLens {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        command: Some(Command {
            title,
            command: command.to_owned(),
            arguments,
        }),
        data: None,
    }
}

impl Backend {
    pub(in crate::server) async fn platform_code_lenses(
        &self,
        params: &CodeLensParams,
    ) -> Vec<CodeLens> {
        let uri = &params.text_document.uri;
        let Some(snapshot) = self.snapshot(uri) else {
            return Vec::new();
        };
        if snapshot.path.is_none() || snapshot.analysis().await.classification.is_none() {
            return Vec::new();
        }
        self.ensure_platform_refresh(&snapshot);
        let Some(status) = self.platform_status(uri) else {
            return Vec::new();
        };
        let args = uri_argument(uri);
        match status {
            LinkStatus::Pending => vec![lens(
                "Northflank: looking up the platform link…".to_owned(),
                REFRESH,
                args,
            )],
            LinkStatus::NoToken => vec![lens(
                format!("Northflank: {}", engine::NO_TOKEN),
                REFRESH,
                args,
            )],
            LinkStatus::Unavailable(reason) => {
                vec![lens(
                    format!("Not linked to Northflank: {reason}"),
                    REFRESH,
                    args,
                )]
            }
            LinkStatus::Failed(message) => vec![lens(
                format!("Northflank: {message} — click to retry"),
                REFRESH,
                args,
            )],
            LinkStatus::Unlinked { .. } => {
                vec![lens(
                    "Not linked to Northflank — Link…".to_owned(),
                    LINK,
                    args,
                )]
            }
            LinkStatus::Linked { objects, .. } => objects
                .iter()
                .map(|object| lens(engine::linked_summary(object), FETCH, args.clone()))
                .collect(),
        }
    }

    pub(in crate::server) fn platform_code_actions(
        &self,
        uri: &Uri,
        snapshot: &Snapshot,
    ) -> Vec<CodeActionOrCommand> {
        let Some(status) = self.platform_status(uri) else {
            return Vec::new();
        };
        match status {
            LinkStatus::Unlinked { .. } => vec![CodeActionOrCommand::CodeAction(CodeAction {
                title: "Link to Northflank…".to_owned(),
                kind: Some(CodeActionKind::SOURCE),
                command: Some(Command {
                    title: "Link to Northflank…".to_owned(),
                    command: LINK.to_owned(),
                    arguments: uri_argument(uri),
                }),
                ..CodeAction::default()
            })],
            LinkStatus::Linked { .. } => {
                let drift = self.platform_diagnostics(snapshot);
                if drift.is_empty() {
                    return Vec::new();
                }
                let encoding = self.client_info().encoding;
                let diagnostics = drift
                    .iter()
                    .map(|d| convert::diagnostic(&snapshot.index, d, encoding))
                    .collect();
                vec![CodeActionOrCommand::CodeAction(CodeAction {
                    title: "Show difference with the platform".to_owned(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(diagnostics),
                    command: Some(Command {
                        title: "Show difference with the platform".to_owned(),
                        command: DIFF.to_owned(),
                        arguments: Some(vec![json!({"uri": uri.as_str(), "against": "platform"})]),
                    }),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                })]
            }
            _ => Vec::new(),
        }
    }

    /// Diagnostics that depend on platform facts (drift), added to the document's own.
    /// The platform's copies of the objects linked to `uri` (display name, document), as the
    /// last background lookup found them; empty until then.
    /// See [`PlatformState::facts_version`].
    pub(in crate::server) fn platform_facts_version(&self) -> u64 {
        self.state
            .platform
            .facts_version
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    pub(in crate::server) fn linked_documents(&self, uri: &Uri) -> Vec<(String, Value)> {
        match lock(&self.state.platform.files)
            .get(uri)
            .map(|entry| &entry.status)
        {
            Some(refresh::LinkStatus::Linked { objects, .. }) => objects
                .iter()
                .map(|object| (object.name.clone(), object.document.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub(in crate::server) fn platform_diagnostics(
        &self,
        snapshot: &Snapshot,
    ) -> Vec<nfls_ide::Diagnostic> {
        self.ensure_platform_refresh(snapshot);
        let Some(LinkStatus::Linked { objects, facts, .. }) = self.platform_status(&snapshot.uri)
        else {
            return Vec::new();
        };
        drift_diagnostics(&snapshot.text, &objects, facts.head_commit.as_deref())
    }

    pub(in crate::server) async fn platform_command(
        &self,
        params: ExecuteCommandParams,
    ) -> jsonrpc::Result<Option<serde_json::Value>> {
        let argument = params.arguments.into_iter().next().unwrap_or(Value::Null);
        let result = match params.command.as_str() {
            LINK => self.command_link(argument).await,
            FETCH => self.command_fetch(argument).await,
            DIFF => self.command_diff(argument).await,
            REPLACE => self.command_replace(argument).await,
            STATUS | REFRESH => self.command_status(argument).await,
            other => Err(jsonrpc::Error::invalid_params(format!(
                "unknown command `{other}`"
            ))),
        };
        result.map(Some)
    }

    /// `northflank/remoteContent` `{uri}` → `{text}`: the text of a `northflank-remote:`
    /// document shown by the fetch or diff commands.
    pub async fn remote_content(&self, params: Value) -> jsonrpc::Result<Value> {
        super::guard(REMOTE_CONTENT, async {
            let uri = params.get("uri").and_then(Value::as_str).ok_or_else(|| {
                jsonrpc::Error::invalid_params("expected {\"uri\": \"northflank-remote:…\"}")
            })?;
            match lock(&self.state.platform.remote_docs).get(uri) {
                Some(text) => Ok(json!({ "text": text })),
                None => Err(commands::failure(format!(
                    "no remote content for `{uri}`: run “Fetch remote versions” again"
                ))),
            }
        })
        .await
    }

    /// The cached status of a document, if any.
    fn platform_status(&self, uri: &Uri) -> Option<LinkStatus> {
        lock(&self.state.platform.files)
            .get(uri)
            .map(|entry| entry.status.clone())
    }
}

/// One information note per linked object that the buffer differs from, on the first line.
fn drift_diagnostics(
    text: &str,
    objects: &[LinkedObject],
    head: Option<&str>,
) -> Vec<nfls_ide::Diagnostic> {
    objects
        .iter()
        .filter_map(|object| {
            let differences = object.differences(text)?;
            (!differences.is_empty()).then(|| {
                nfls_ide::Diagnostic::new(
                    ide_platform::first_line(text),
                    nfls_ide::Severity::Information,
                    DRIFT_CODE,
                    engine::drift_message(object, &differences, head),
                )
            })
        })
        .collect()
}
