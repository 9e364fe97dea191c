//! A local Northflank API server for tests (loopback HTTP, stateful, fault injection).
//!
//! [`FakeApi::start`] serves the template, pipeline, release-flow, preview-template, workflow,
//! preview-blueprint and Git-integration endpoints on `127.0.0.1`, at both `/v1/<route>` and
//! `/v1/teams/{teamId}/<route>`, with the response shapes of Northflank's API reference. State
//! changes are visible to later requests, runs are recorded, every request is logged, and tests
//! can inject faults ([`Fault`]) or deny permissions per route.

mod faults;
mod http;
mod routes;
mod seed;
mod store;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{Fault, FaultRule};
pub use routes::{Matched, Route, match_route};
pub use seed::{Seed, SeedBranches, SeedGitFile, SeedPipeline, SeedProject};

use store::Store;

/// One request as the fake received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the query, still percent-encoded.
    pub path: String,
    pub query: Option<String>,
    /// The body as text (lossy UTF-8).
    pub body: String,
    /// The matched route, `None` for unknown paths.
    pub route: Option<Route>,
    /// The team of a `/v1/teams/{teamId}/…` path.
    pub team: Option<String>,
    /// Whether the `Authorization` header carried the expected bearer token.
    pub authorized: bool,
    /// The status sent, once a response was produced.
    pub status: Option<u16>,
    /// The client went away before the response was produced (the request was cancelled).
    pub abandoned: bool,
}

pub(crate) struct Shared {
    token: String,
    team_id: String,
    store: Mutex<Store>,
    faults: Mutex<Vec<FaultRule>>,
    denied: Mutex<HashSet<Route>>,
    log: Mutex<Vec<RecordedRequest>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave our data half-written in a way that matters
    // for a test server; keep serving.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A fake with a runtime of its own, for tests that are not async: it serves in the
/// background until dropped.
#[derive(Debug)]
pub struct BackgroundFake {
    /// Declared before the runtime, so the fake stops before its runtime does.
    pub fake: FakeApi,
    _runtime: tokio::runtime::Runtime,
}

impl BackgroundFake {
    /// Starts a fake on a free loopback port, on a one-thread runtime made for it.
    pub fn start(seed: Seed) -> std::io::Result<BackgroundFake> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()?;
        let fake = runtime.block_on(FakeApi::start(seed))?;
        Ok(BackgroundFake {
            fake,
            _runtime: runtime,
        })
    }
}

/// A running fake. Stops when dropped (or on [`FakeApi::shutdown`]).
pub struct FakeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeApi")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl FakeApi {
    /// Starts a fake on a free loopback port. Must be called inside a Tokio runtime.
    pub async fn start(seed: Seed) -> std::io::Result<FakeApi> {
        Self::start_on(seed, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a fake on `addr`.
    pub async fn start_on(seed: Seed, addr: SocketAddr) -> std::io::Result<FakeApi> {
        let token = seed.token.clone().unwrap_or_else(random_token);
        let team_id = seed
            .team_id
            .clone()
            .unwrap_or_else(|| "fake-team".to_owned());
        let shared = Arc::new(Shared {
            token,
            team_id,
            store: Mutex::new(Store::new(&seed)),
            faults: Mutex::new(Vec::new()),
            denied: Mutex::new(HashSet::new()),
            log: Mutex::new(Vec::new()),
        });
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let router = http::router(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(FakeApi {
            addr,
            shared,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:<port>` (no trailing slash, no `/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token the fake accepts.
    pub fn token(&self) -> &str {
        &self.shared.token
    }

    /// The team id accepted in team-prefixed routes.
    pub fn team_id(&self) -> &str {
        &self.shared.team_id
    }

    /// Adds a fault rule; rules are tried in the order added, and the first that applies wins.
    pub fn inject(&self, rule: impl Into<FaultRule>) {
        lock(&self.shared.faults).push(rule.into());
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Answers every request of `route` with 403, as if the token's role lacked its permission.
    pub fn deny(&self, route: Route) {
        lock(&self.shared.denied).insert(route);
    }

    /// Undoes [`FakeApi::deny`].
    pub fn allow(&self, route: Route) {
        lock(&self.shared.denied).remove(&route);
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).clone()
    }

    /// How many requests of `route` arrived.
    pub fn request_count(&self, route: Route) -> usize {
        lock(&self.shared.log)
            .iter()
            .filter(|r| r.route == Some(route))
            .count()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// A template as `GET /v1/templates/{id}` would return it.
    pub fn template(&self, id: &str) -> Option<Value> {
        lock(&self.shared.store).template_document(id)
    }

    /// The stored argument overrides of a template (never returned by the API).
    pub fn template_argument_overrides(&self, id: &str) -> Option<Value> {
        lock(&self.shared.store).template_argument_overrides(id)
    }

    /// The recorded runs of a template, oldest first.
    pub fn template_runs(&self, id: &str) -> Vec<Value> {
        lock(&self.shared.store).template_runs(id)
    }

    /// A release flow as `GET …/release-flows/{stage}` would return it.
    pub fn release_flow(&self, project: &str, pipeline: &str, stage: &str) -> Option<Value> {
        lock(&self.shared.store).release_flow_document(project, pipeline, stage)
    }

    /// The recorded runs of a release flow, oldest first.
    pub fn release_flow_runs(&self, project: &str, pipeline: &str, stage: &str) -> Vec<Value> {
        lock(&self.shared.store).release_flow_runs(project, pipeline, stage)
    }

    /// A preview template as `GET …/preview-envs` would return it.
    pub fn preview_template(&self, project: &str, pipeline: &str) -> Option<Value> {
        lock(&self.shared.store).preview_template_document(project, pipeline)
    }

    /// The recorded runs of a preview template, oldest first.
    pub fn preview_template_runs(&self, project: &str, pipeline: &str) -> Vec<Value> {
        lock(&self.shared.store).preview_template_runs(project, pipeline)
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            // Open keep-alive connections would hold a graceful shutdown; a dropped fake is done.
            task.abort();
        }
    }
}

/// A token unique to this process and moment, so leak checks cannot pass by coincidence.
fn random_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    format!("nffake_{:016x}", h.finish())
}
