//! Gathering a file's platform facts in the background: git facts, the `gitops` block it would
//! carry, and the platform objects linked to it. Results are cached per document; a refresh
//! starts when a document is first seen, when the file on disk changes (a save), and on demand.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use nfls_ide::DocumentKind;
use nfls_ide::platform::GitopsBlock;
use nfls_platform::Template;
use tower_lsp_server::ls_types::Uri;

use super::{PlatformState, lock};
use crate::remote::engine::{self, ApiOptions, Failure, FileFacts, LinkedObject};
use crate::server::documents::Snapshot;
use crate::server::{Backend, State};

/// How long a fetched template list is reused by background refreshes.
const TEMPLATE_TTL: Duration = Duration::from_secs(60);

/// What is known about one file's link.
#[derive(Clone, Debug)]
pub enum LinkStatus {
    /// The first lookup is still running.
    Pending,
    /// No API token is configured.
    NoToken,
    /// The file cannot be linked (not in git, no remote, a path the platform refuses, …).
    Unavailable(String),
    /// The lookup failed (network, permissions, …).
    Failed(String),
    /// Linkable, but no platform object points at the file.
    Unlinked {
        facts: FileFacts,
        block: GitopsBlock,
        kind: DocumentKind,
    },
    /// These objects are linked to the file.
    Linked {
        facts: FileFacts,
        block: GitopsBlock,
        kind: DocumentKind,
        objects: Vec<LinkedObject>,
    },
}

#[derive(Debug)]
pub struct FileEntry {
    /// The refresh that produced `status` (later refreshes win).
    generation: u64,
    /// The file's modification time when the lookup started: a save changes it.
    mtime: Option<SystemTime>,
    pub status: LinkStatus,
}

#[derive(Debug)]
pub struct TemplateCache {
    fetched: Instant,
    /// The API the list came from (settings may change).
    base: String,
    templates: Arc<Vec<Template>>,
}

fn mtime(path: &str) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The API options from the current settings.
pub fn api_options(state: &State) -> ApiOptions {
    state
        .settings
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .api
        .clone()
}

impl Backend {
    pub(super) fn clone_handle(&self) -> Backend {
        Backend {
            client: self.client.clone(),
            state: Arc::clone(&self.state),
        }
    }

    /// Starts a background lookup when the document has none yet, or when its file changed on
    /// disk since the last one (it was saved).
    /// A save may change what is linked (the `gitops` block) and what drifted: look again.
    pub(in crate::server) fn platform_saved(&self, snapshot: &Snapshot) {
        self.ensure_platform_refresh(snapshot);
    }

    pub(super) fn ensure_platform_refresh(&self, snapshot: &Snapshot) {
        let Some(path) = snapshot.path.clone() else {
            return;
        };
        let current = mtime(&path);
        {
            let mut files = lock(&self.state.platform.files);
            match files.get(&snapshot.uri) {
                Some(entry) if entry.mtime == current => return,
                Some(_) => {}
                None => {
                    files.insert(
                        snapshot.uri.clone(),
                        FileEntry {
                            generation: 0,
                            mtime: current,
                            status: LinkStatus::Pending,
                        },
                    );
                }
            }
            // Record the new time now so that the diagnostics run this refresh triggers does
            // not start another one.
            if let Some(entry) = files.get_mut(&snapshot.uri) {
                entry.mtime = current;
            }
        }
        let backend = self.clone_handle();
        let uri = snapshot.uri.clone();
        tokio::spawn(async move {
            backend.refresh_platform(uri, path, false).await;
        });
    }

    /// Looks the file up now and caches the result; `force` skips the shared template cache.
    /// Afterwards diagnostics and code lenses are refreshed.
    pub(super) async fn refresh_platform(&self, uri: Uri, path: String, force: bool) -> LinkStatus {
        let platform: &PlatformState = &self.state.platform;
        let generation = platform.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let started_mtime = mtime(&path);
        let status = self
            .with_progress(
                "Northflank: looking up the platform link",
                self.lookup(&uri, &path, force),
            )
            .await;
        let changed = {
            let mut files = lock(&platform.files);
            let entry = files.entry(uri.clone()).or_insert(FileEntry {
                generation: 0,
                mtime: started_mtime,
                status: LinkStatus::Pending,
            });
            if entry.generation < generation {
                entry.generation = generation;
                // Only linked files have platform diagnostics (drift): re-publish when one was
                // or is linked, and leave every other file's diagnostics alone.
                let drift_may_change = matches!(entry.status, LinkStatus::Linked { .. })
                    || matches!(status, LinkStatus::Linked { .. });
                entry.status = status.clone();
                Some(drift_may_change)
            } else {
                None
            }
        };
        if let Some(drift_may_change) = changed {
            self.after_platform_change(&uri, drift_may_change);
        }
        status
    }

    async fn lookup(&self, uri: &Uri, path: &str, force: bool) -> LinkStatus {
        let kind = match self.snapshot(uri) {
            Some(snapshot) => snapshot
                .analysis()
                .await
                .classification
                .as_ref()
                .map_or(DocumentKind::Template, |c| c.kind),
            None => DocumentKind::Template,
        };
        let options = api_options(&self.state);
        let client = match engine::client(&options) {
            Ok(client) => client,
            Err(Failure::NoToken) => return LinkStatus::NoToken,
            Err(err) => return LinkStatus::Failed(err.to_string()),
        };
        let facts = match engine::file_facts(path.into()).await {
            Ok(facts) => facts,
            Err(err) => return LinkStatus::Unavailable(err.to_string()),
        };
        let block = match facts.gitops_block() {
            Ok(block) => block,
            Err(err) => return LinkStatus::Unavailable(err.to_string()),
        };
        let project = engine::project_id(&options);
        let objects = match kind {
            DocumentKind::ReleaseFlow | DocumentKind::PreviewTemplate => {
                let Some(project) = project else {
                    return LinkStatus::Unavailable(engine::no_project(kind, true));
                };
                engine::linked_pipeline_objects(&client, &project, kind, &block).await
            }
            _ => match self.templates(&client, force).await {
                Ok(templates) => Ok(engine::linked_templates(&templates, &block)),
                Err(err) => Err(err),
            },
        };
        match objects {
            Ok(objects) if objects.is_empty() => LinkStatus::Unlinked { facts, block, kind },
            Ok(objects) => LinkStatus::Linked {
                facts,
                block,
                kind,
                objects,
            },
            Err(err) => LinkStatus::Failed(err.to_string()),
        }
    }

    /// All templates: from the shared cache when fresh (and not `force`d), else fetched.
    async fn templates(
        &self,
        client: &nfls_platform::Client,
        force: bool,
    ) -> Result<Arc<Vec<Template>>, nfls_platform::ApiError> {
        let base = format!("{:?}|{}", client.config().team_id, client.config().base_url);
        let mut cache = self.state.platform.templates.lock().await;
        if !force
            && let Some(cached) = cache.as_ref()
            && cached.base == base
            && cached.fetched.elapsed() < TEMPLATE_TTL
        {
            return Ok(Arc::clone(&cached.templates));
        }
        let templates = Arc::new(engine::all_templates(client).await?);
        *cache = Some(TemplateCache {
            fetched: Instant::now(),
            base,
            templates: Arc::clone(&templates),
        });
        Ok(templates)
    }

    /// Forgets the shared template list (after linking or creating a template).
    pub(super) async fn forget_templates(&self) {
        *self.state.platform.templates.lock().await = None;
    }

    /// New facts: re-publish the document's diagnostics (when drift may have changed) and ask
    /// the client to re-read lenses.
    fn after_platform_change(&self, uri: &Uri, drift_may_change: bool) {
        self.state
            .platform
            .facts_version
            .fetch_add(1, Ordering::SeqCst);
        if drift_may_change {
            self.schedule_diagnostics(uri.clone());
        }
        self.refresh_lenses();
        if drift_may_change && !self.pushes_diagnostics() {
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
}
