//! "Would this push run it?" in the editor: code lenses on triggers and at the top of linked
//! templates, and the `northflank.preview.*` commands. Git facts are gathered in the
//! background and recomputed when HEAD or the index changes.
//!
//! The push is read once per document on a blocking thread and cached with a fingerprint of
//! the git files it depends on ([`watch::stamp`]). While documents with lenses are open, a
//! poller compares fingerprints every two seconds (a few `stat` calls); when one changes the
//! push is read again and, if it differs, the client is asked to refresh its code lenses.
//! Requests never wait for git: until the first read finishes, the lens says it is checking.
//! The rules themselves are evaluated from the document's current text (unsaved edits count),
//! which is cheap and pure.

mod watch;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use nfls_triggers::{LinkedObject, Verdict};
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    CodeLens, CodeLensParams, Command, ExecuteCommandParams, MessageType, Uri,
};

use self::watch::Stamp;
use super::Backend;
use super::convert;
use super::documents::Snapshot;
use crate::preview_cli::engine::{self, Anchor, DocumentRules, Push, PushOptions};

/// Shows the full explanation of a preview: `{uri, trigger?}` (a trigger index, or the whole
/// document when absent). Returns `{push, text, verdicts}` and shows `text` to the user.
pub const EXPLAIN: &str = "northflank.preview.explain";

/// The commands this module serves through `workspace/executeCommand`.
pub const COMMANDS: &[&str] = &[EXPLAIN];

/// How often open documents' git fingerprints are compared.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// How long after answering a code lens request an owed refresh waits (see
/// [`PreviewState::refresh_owed`]): long enough for the answer to be written and read first.
const OWED_REFRESH_DELAY: Duration = Duration::from_millis(100);

/// Trigger verdicts cached for the open documents.
#[derive(Debug, Default)]
pub struct PreviewState {
    inner: Mutex<Inner>,
    /// Set when the client rejected `workspace/codeLens/refresh` (or declared no support): stop
    /// sending it.
    no_refresh: AtomicBool,
    /// `textDocument/codeLens` requests being answered.
    answering: AtomicUsize,
    /// A refresh was sent while a lens request was being answered. Some clients (Neovim) drop
    /// a `workspace/codeLens/refresh` that arrives while they wait for lenses, so the answer,
    /// built from the facts before the change, would stay: the refresh is sent again once the
    /// answers are out. (A request that arrives after the facts changed reads the new ones.)
    refresh_owed: AtomicBool,
}

impl PreviewState {
    /// Records whether the client supports `workspace/codeLens/refresh`
    /// (`workspace.codeLens.refreshSupport`). Until told, refreshes are tried and stop at the
    /// first error.
    pub fn set_refresh_support(&self, supported: bool) {
        self.no_refresh.store(!supported, Ordering::Relaxed);
    }
}

#[derive(Debug, Default)]
struct Inner {
    docs: HashMap<Uri, Tracked>,
    polling: bool,
}

/// A code lens request being answered (see [`Backend::answering_lenses`]).
pub(in crate::server) struct AnsweringLenses {
    backend: Backend,
}

impl Drop for AnsweringLenses {
    fn drop(&mut self) {
        self.backend
            .state
            .preview
            .answering
            .fetch_sub(1, Ordering::SeqCst);
        self.backend.send_owed_refresh();
    }
}

/// One document's push and the lenses last built from it.
#[derive(Debug)]
struct Tracked {
    file: PathBuf,
    /// The fingerprint taken just before `push` was read.
    stamp: Option<Stamp>,
    push: Option<Arc<Result<Push, String>>>,
    /// Bumped whenever `push` changes, so that cached lenses can tell they are stale.
    generation: u64,
    computing: bool,
    lenses: Option<CachedLenses>,
}

#[derive(Debug)]
struct CachedLenses {
    snapshot: Weak<Snapshot>,
    generation: u64,
    /// The platform facts the lenses were built with (a finished lookup makes them stale).
    platform_facts: u64,
    lenses: Vec<CodeLens>,
}

impl Backend {
    fn preview(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.state
            .preview
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn handle(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            state: Arc::clone(&self.state),
        }
    }

    /// The platform objects linked to this document (from the platform link's last lookup),
    /// whose triggers apply when the file itself carries none.
    fn linked_platform_objects(&self, uri: &Uri) -> Vec<LinkedObject> {
        self.linked_documents(uri)
            .into_iter()
            .map(|(id, document)| LinkedObject {
                id,
                document,
                run_in_progress: None,
            })
            .collect()
    }

    pub(in crate::server) async fn preview_code_lenses(
        &self,
        params: &CodeLensParams,
    ) -> Vec<CodeLens> {
        let uri = &params.text_document.uri;
        let Some(snapshot) = self.snapshot(uri) else {
            return Vec::new();
        };
        // Git needs a file on disk; untitled buffers have no repository.
        let Some(file) = snapshot.path.as_deref().map(PathBuf::from) else {
            return Vec::new();
        };
        let analysis = snapshot.analysis().await;
        let Some(classification) = &analysis.classification else {
            return Vec::new();
        };
        let (push, generation) = self.track(uri, file);
        let platform_facts = self.platform_facts_version();
        if push.is_some()
            && let Some(cached) = self.cached_lenses(uri, &snapshot, generation, platform_facts)
        {
            return cached;
        }
        let rules = engine::read_rules(
            &analysis.parse.tree,
            classification.kind,
            self.linked_platform_objects(uri),
        );
        let encoding = self.client_info().encoding;
        let range = |range| convert::range(&snapshot.index, range, encoding);
        let lens = |anchor: Anchor, title: String| {
            let (text_range, arguments) = match anchor {
                Anchor::Trigger(i) => (
                    rules.trigger_ranges[i],
                    json!({"uri": uri.as_str(), "trigger": i}),
                ),
                Anchor::Top => (rules.top, json!({"uri": uri.as_str()})),
            };
            CodeLens {
                range: range(text_range),
                command: Some(Command {
                    title,
                    command: EXPLAIN.to_owned(),
                    arguments: Some(vec![arguments]),
                }),
                data: None,
            }
        };
        let Some(push) = push else {
            // Not cached: the answer replaces this one when the git read finishes.
            return vec![lens(
                Anchor::Top,
                "… checking what a push would run".to_owned(),
            )];
        };
        let lenses = match &*push {
            Err(message) => vec![lens(
                Anchor::Top,
                format!("○ no push to preview: {message}"),
            )],
            Ok(push) => engine::evaluate(&rules, &push.event)
                .into_iter()
                .map(|(anchor, verdict)| {
                    lens(anchor, engine::lens_title(&rules, &verdict, &push.phrase))
                })
                .collect(),
        };
        if let Some(tracked) = self.preview().docs.get_mut(uri)
            && tracked.generation == generation
        {
            tracked.lenses = Some(CachedLenses {
                snapshot: Arc::downgrade(&snapshot),
                generation,
                platform_facts,
                lenses: lenses.clone(),
            });
        }
        lenses
    }

    fn cached_lenses(
        &self,
        uri: &Uri,
        snapshot: &Arc<Snapshot>,
        generation: u64,
        platform_facts: u64,
    ) -> Option<Vec<CodeLens>> {
        let inner = self.preview();
        let cached = inner.docs.get(uri)?.lenses.as_ref()?;
        let same_text = cached
            .snapshot
            .upgrade()
            .is_some_and(|cached| Arc::ptr_eq(&cached, snapshot));
        (same_text && cached.generation == generation && cached.platform_facts == platform_facts)
            .then(|| cached.lenses.clone())
    }

    /// The cached push of a document and its generation; starts reading it (and the poller)
    /// when the document is new here.
    fn track(&self, uri: &Uri, file: PathBuf) -> (Option<Arc<Result<Push, String>>>, u64) {
        let start = {
            let mut inner = self.preview();
            let tracked = inner.docs.entry(uri.clone()).or_insert_with(|| Tracked {
                file: file.clone(),
                stamp: None,
                push: None,
                generation: 0,
                computing: false,
                lenses: None,
            });
            if tracked.file != file {
                tracked.file = file.clone();
                tracked.stamp = None;
            }
            let answer = (tracked.push.clone(), tracked.generation);
            (tracked.push.is_none() && !tracked.computing, answer)
        };
        let (must_start, answer) = start;
        if must_start {
            self.start_reading(uri.clone());
        }
        self.ensure_polling();
        answer
    }

    /// Reads the push of a document on a blocking thread; when it differs from the cached one,
    /// stores it and asks the client to refresh its lenses.
    fn start_reading(&self, uri: Uri) {
        let file = {
            let mut inner = self.preview();
            let Some(tracked) = inner.docs.get_mut(&uri) else {
                return;
            };
            if tracked.computing {
                return;
            }
            tracked.computing = true;
            tracked.file.clone()
        };
        let backend = self.handle();
        tokio::spawn(async move {
            let read = tokio::task::spawn_blocking(move || read_push(&file)).await;
            let (stamp, push) = match read {
                Ok(read) => read,
                Err(err) => {
                    tracing::error!("reading the push panicked: {err}");
                    (None, Err("reading git failed unexpectedly".to_owned()))
                }
            };
            let changed = {
                let mut inner = backend.preview();
                let Some(tracked) = inner.docs.get_mut(&uri) else {
                    return;
                };
                tracked.computing = false;
                tracked.stamp = stamp;
                let changed = tracked.push.as_deref() != Some(&push);
                if changed {
                    tracked.push = Some(Arc::new(push));
                    tracked.generation += 1;
                    tracked.lenses = None;
                }
                changed
            };
            if changed {
                backend.refresh_lenses();
            }
        });
    }

    fn ensure_polling(&self) {
        {
            let mut inner = self.preview();
            if inner.polling {
                return;
            }
            inner.polling = true;
        }
        let backend = self.handle();
        tokio::spawn(async move { backend.poll().await });
    }

    /// Every [`POLL_INTERVAL`]: forget closed documents, fingerprint the others' git state and
    /// re-read the push of those whose fingerprint moved. Ends when no document is left.
    async fn poll(self) {
        loop {
            tokio::time::sleep(POLL_INTERVAL).await;
            let tracked: Vec<Uri> = self.preview().docs.keys().cloned().collect();
            let closed: Vec<Uri> = tracked
                .into_iter()
                .filter(|uri| self.documents().snapshot(uri).is_none())
                .collect();
            let files: Vec<(Uri, PathBuf)> = {
                let mut inner = self.preview();
                for uri in &closed {
                    inner.docs.remove(uri);
                }
                if inner.docs.is_empty() {
                    inner.polling = false;
                    return;
                }
                inner
                    .docs
                    .iter()
                    .filter(|(_, tracked)| !tracked.computing)
                    .map(|(uri, tracked)| (uri.clone(), tracked.file.clone()))
                    .collect()
            };
            let stamped = tokio::task::spawn_blocking(move || {
                files
                    .into_iter()
                    .map(|(uri, file)| {
                        let stamp = watch::stamp(&file);
                        (uri, stamp)
                    })
                    .collect::<Vec<_>>()
            })
            .await
            .unwrap_or_default();
            let moved: Vec<Uri> = {
                let inner = self.preview();
                stamped
                    .into_iter()
                    .filter(|(uri, stamp)| {
                        inner.docs.get(uri).is_some_and(|tracked| {
                            !tracked.computing && tracked.stamp.as_ref() != Some(stamp)
                        })
                    })
                    .map(|(uri, _)| uri)
                    .collect()
            };
            for uri in moved {
                tracing::debug!(
                    uri = uri.as_str(),
                    "git state moved: reading the push again"
                );
                self.start_reading(uri);
            }
        }
    }

    /// Counts a code lens request as being answered until the returned guard drops; a refresh
    /// sent meanwhile is sent again afterwards (see [`PreviewState::refresh_owed`]).
    pub(in crate::server) fn answering_lenses(&self) -> AnsweringLenses {
        self.state.preview.answering.fetch_add(1, Ordering::SeqCst);
        AnsweringLenses {
            backend: self.handle(),
        }
    }

    /// Asks the client to re-request code lenses, in the background (awaiting a client request
    /// inside a handler can deadlock tower-lsp-server). Call it after storing the new facts.
    pub(in crate::server) fn refresh_lenses(&self) {
        let preview = &self.state.preview;
        if preview.no_refresh.load(Ordering::Relaxed) {
            return;
        }
        if preview.answering.load(Ordering::SeqCst) > 0 {
            preview.refresh_owed.store(true, Ordering::SeqCst);
        }
        let backend = self.handle();
        tokio::spawn(async move {
            let request = backend.client.code_lens_refresh();
            match tokio::time::timeout(Duration::from_secs(10), request).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    tracing::info!(
                        "workspace/codeLens/refresh refused ({err}); not sending it again"
                    );
                    backend
                        .state
                        .preview
                        .no_refresh
                        .store(true, Ordering::Relaxed);
                }
                Err(_) => tracing::warn!("workspace/codeLens/refresh timed out"),
            }
        });
    }

    /// Sends the refresh owed to the client, once the answers being built are out.
    fn send_owed_refresh(&self) {
        let preview = &self.state.preview;
        if preview.answering.load(Ordering::SeqCst) > 0
            || !preview.refresh_owed.swap(false, Ordering::SeqCst)
        {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let backend = self.handle();
        runtime.spawn(async move {
            tokio::time::sleep(OWED_REFRESH_DELAY).await;
            tracing::debug!("sending the code lens refresh owed since a request was answered");
            backend.refresh_lenses();
        });
    }

    pub(in crate::server) async fn preview_command(
        &self,
        params: ExecuteCommandParams,
    ) -> jsonrpc::Result<Option<Value>> {
        match params.command.as_str() {
            EXPLAIN => self.explain(&params.arguments).await.map(Some),
            other => Err(jsonrpc::Error::invalid_params(format!(
                "unknown command `{other}`"
            ))),
        }
    }

    async fn explain(&self, arguments: &[Value]) -> jsonrpc::Result<Value> {
        let invalid = jsonrpc::Error::invalid_params;
        let argument = arguments.first().unwrap_or(&Value::Null);
        let uri: Uri = argument
            .get("uri")
            .and_then(Value::as_str)
            .and_then(|uri| uri.parse().ok())
            .ok_or_else(|| invalid(format!("`{EXPLAIN}` takes {{\"uri\": …, \"trigger\"?: n}}")))?;
        let trigger = match argument.get("trigger") {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .ok_or_else(|| {
                        invalid("`trigger` must be a trigger index (0, 1, …)".to_owned())
                    })?,
            ),
        };
        let snapshot = self
            .snapshot(&uri)
            .ok_or_else(|| invalid(format!("`{}` is not open", uri.as_str())))?;
        let file =
            snapshot.path.as_deref().map(PathBuf::from).ok_or_else(|| {
                invalid("only files on disk belong to a git repository".to_owned())
            })?;
        let analysis = snapshot.analysis().await;
        let classification = analysis
            .classification
            .as_ref()
            .ok_or_else(|| invalid("this file is not a Northflank document".to_owned()))?;
        let rules = engine::read_rules(
            &analysis.parse.tree,
            classification.kind,
            self.linked_platform_objects(&uri),
        );
        let push = self.push_now(&uri, file).await;
        let push = match &*push {
            Ok(push) => push,
            Err(message) => {
                return Err(jsonrpc::Error {
                    code: jsonrpc::ErrorCode::InvalidRequest,
                    message: format!("no push to preview: {message}").into(),
                    data: None,
                });
            }
        };
        let verdicts: Vec<Verdict> = engine::evaluate(&rules, &push.event)
            .into_iter()
            .filter(|(anchor, _)| trigger.is_none_or(|i| *anchor == Anchor::Trigger(i)))
            .map(|(_, verdict)| verdict)
            .collect();
        if verdicts.is_empty() {
            return Err(invalid(format!(
                "the document has no trigger {}",
                trigger.unwrap_or_default()
            )));
        }
        let text = explanation(&rules, push, &verdicts);
        let client = self.client.clone();
        let shown = text.clone();
        tokio::spawn(async move { client.show_message(MessageType::INFO, shown).await });
        Ok(json!({
            "push": push.headline(),
            "text": text,
            "verdicts": verdicts,
        }))
    }

    /// The cached push when there is one; otherwise it is read now (the user asked for it).
    async fn push_now(&self, uri: &Uri, file: PathBuf) -> Arc<Result<Push, String>> {
        let cached = self
            .preview()
            .docs
            .get(uri)
            .filter(|tracked| tracked.file == file)
            .and_then(|tracked| tracked.push.clone());
        if let Some(push) = cached {
            return push;
        }
        let read = tokio::task::spawn_blocking(move || read_push(&file).1).await;
        Arc::new(read.unwrap_or_else(|_| Err("reading git failed unexpectedly".to_owned())))
    }
}

/// Fingerprint first, then the push: a change in between shows up at the next poll.
fn read_push(file: &std::path::Path) -> (Option<Stamp>, Result<Push, String>) {
    let stamp = watch::stamp(file);
    let push = engine::open_repository(file)
        .and_then(|repo| engine::describe_push(&repo, &PushOptions::default()));
    (Some(stamp), push)
}

/// The text the explain command shows: the push, then every verdict with its rules.
fn explanation(rules: &DocumentRules, push: &Push, verdicts: &[Verdict]) -> String {
    format!(
        "{}: {}\n{}",
        rules.document_kind.label(),
        push.headline(),
        nfls_triggers::render_explanation(verdicts)
    )
}
