//! The platform-link work shared by the editor and the `remote` CLI: the API client from
//! settings, git facts of a file, finding the platform objects linked to it, fetching their
//! copies and the git remote's copy, and the link request. Knows no LSP.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use nfls_ide::DocumentKind;
use nfls_ide::platform::{self as ide_platform, GitopsBlock};
use nfls_platform::{
    ApiError, Client, ClientConfig, CreateTemplate, CreateTemplateFromGit, GitopsLink, PageRequest,
    PipelineKey, PipelineSummary, ReleaseFlowKey, RetryPolicy, Template, TemplateSummary,
    UpdateTemplate, UpdateTemplateGitops, VcsService, normalize_remote_document,
};
use serde_json::{Value, json};

/// What to tell a user who has no token configured.
pub const NO_TOKEN: &str =
    "no API token — set northflank.api.token, NORTHFLANK_API_TOKEN or northflank.api.tokenFile";

/// Environment variable: time limit of one API attempt, in milliseconds.
pub const TIMEOUT_ENV: &str = "NORTHFLANK_API_TIMEOUT_MS";
/// Environment variable: the project whose pipelines hold release flows and preview templates.
pub const PROJECT_ENV: &str = "NORTHFLANK_PROJECT_ID";

/// At most this many templates are fetched one by one to find links (the list endpoint does
/// not return `gitops`).
pub const MAX_TEMPLATES: usize = 200;
/// Template fetches in flight at once.
const PARALLEL_FETCHES: usize = 4;
/// Release-flow stages a pipeline may have.
pub const STAGES: [&str; 3] = ["Development", "Staging", "Production"];

/// Top-level fields of a release-flow update body (`UpdateReleaseflowData`).
const RELEASE_FLOW_FIELDS: &[&str] = &[
    "apiVersion",
    "spec",
    "arguments",
    "triggers",
    "options",
    "gitops",
    "$schema",
    "richInputs",
    "teardownSpec",
    "project",
];
/// Top-level fields of a preview-template update body (`UpdatePreviewtemplateData`).
const PREVIEW_TEMPLATE_FIELDS: &[&str] = &[
    "apiVersion",
    "spec",
    "arguments",
    "triggers",
    "options",
    "gitops",
    "$schema",
    "paused",
    "webhook",
];

/// What to tell a user who looks up or links a release flow or preview template without a
/// project: those live in a project's pipelines, and nothing else names the project.
pub fn no_project(kind: DocumentKind, editor: bool) -> String {
    let what = kind.id().replace('-', " ");
    if editor {
        format!(
            "{what}s live in a project's pipelines: set northflank.api.projectId (or NORTHFLANK_PROJECT_ID) to the id of the project that holds the pipeline"
        )
    } else {
        format!(
            "{what}s live in a project's pipelines: pass --project ID (or set NORTHFLANK_PROJECT_ID) with the id of the project that holds the pipeline"
        )
    }
}

/// `Development`, `Staging` or `Production` for any spelling of one of them.
pub fn stage_name(input: &str) -> Option<&'static str> {
    STAGES
        .iter()
        .copied()
        .find(|s| s.eq_ignore_ascii_case(input.trim()))
}

/// Where the API is and how to authenticate, from editor settings or command-line flags.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiOptions {
    pub base_url: Option<String>,
    pub token: Option<String>,
    pub token_file: Option<PathBuf>,
    pub team_id: Option<String>,
    pub project_id: Option<String>,
}

impl std::fmt::Debug for ApiOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiOptions")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("token_file", &self.token_file)
            .field("team_id", &self.team_id)
            .field("project_id", &self.project_id)
            .finish()
    }
}

/// Everything that can stop platform work, with messages for the user (never the token).
#[derive(Debug)]
pub enum Failure {
    NoToken,
    Token(String),
    /// Boxed: the client's error is large, and most failures are not API errors.
    Api(Box<ApiError>),
    /// The file is not in a git repository (or git could not be read).
    Git(String),
    /// The repository has no remote, so the platform cannot reach the file.
    NoRemote,
    Gitops(ide_platform::GitopsError),
    /// `git fetch` failed.
    Fetch(String),
    /// Anything else, in plain words.
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::NoToken => f.write_str(NO_TOKEN),
            Failure::Token(message) => f.write_str(message),
            Failure::Api(err) => write!(f, "{err}"),
            Failure::Git(message) => f.write_str(message),
            Failure::NoRemote => f.write_str(
                "the repository has no remote: push it to GitHub, GitLab, Bitbucket or Azure DevOps (or a self-hosted Git server Northflank can reach) before linking",
            ),
            Failure::Gitops(err) => write!(f, "{err}"),
            Failure::Fetch(message) => write!(f, "git fetch failed: {message}"),
            Failure::Other(message) => f.write_str(message),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(err: ApiError) -> Self {
        Failure::Api(Box::new(err))
    }
}

/// A client for `options`: the token from the setting, else `NORTHFLANK_API_TOKEN`, else the
/// token file; the base URL from the setting, else `NORTHFLANK_API_BASE_URL`, else the public API.
pub fn client(options: &ApiOptions) -> Result<Client, Failure> {
    let resolved = nfls_platform::resolve_token_from_env(
        options.token.as_deref(),
        options.token_file.as_deref(),
    )
    .map_err(|err| Failure::Token(err.to_string()))?;
    let Some((token, _source)) = resolved else {
        return Err(Failure::NoToken);
    };
    let mut config = ClientConfig::from_env(token);
    if let Some(url) = &options.base_url {
        config = config.with_base_url(url.clone());
    }
    if let Some(team) = &options.team_id {
        config = config.with_team(team.clone());
    }
    let timeout = std::env::var(TIMEOUT_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ms| *ms > 0)
        .map_or(Duration::from_secs(20), Duration::from_millis);
    // An editor waits for these calls: fewer, shorter retries than a batch job would use.
    config = config.with_timeout(timeout).with_retry(RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(300),
        max_backoff: Duration::from_secs(2),
        max_rate_limit_wait: Duration::from_secs(5),
    });
    Client::new(config).map_err(Failure::from)
}

/// The project from the options, else from `NORTHFLANK_PROJECT_ID`.
pub fn project_id(options: &ApiOptions) -> Option<String> {
    options.project_id.clone().or_else(|| {
        std::env::var(PROJECT_ENV)
            .ok()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    })
}

/// Git facts of one file, as the platform link needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileFacts {
    pub root: PathBuf,
    /// The checked-out branch (`None`: detached HEAD).
    pub branch: Option<String>,
    /// The branch on the remote that the checked-out branch tracks, when configured.
    pub upstream_branch: Option<String>,
    pub head_commit: Option<String>,
    /// Remote name and URL (as configured; may hold credentials, so never shown raw).
    pub remote: Option<(String, String)>,
    /// `/a/b.json`.
    pub file_path: String,
}

impl FileFacts {
    /// The branch the link names: the remote branch tracked by the checkout, else its name.
    pub fn link_branch(&self) -> Option<&str> {
        self.upstream_branch.as_deref().or(self.branch.as_deref())
    }

    /// The `gitops` block this file would carry.
    pub fn gitops_block(&self) -> Result<GitopsBlock, Failure> {
        let Some((_, url)) = &self.remote else {
            return Err(Failure::NoRemote);
        };
        ide_platform::gitops_block(url, self.link_branch().unwrap_or(""), &self.file_path)
            .map_err(Failure::Gitops)
    }

    /// The remote URL without credentials, for display.
    pub fn remote_url_shown(&self) -> Option<String> {
        self.remote
            .as_ref()
            .map(|(_, url)| ide_platform::strip_credentials(url))
    }
}

/// Reads the git facts of `path` on a blocking thread.
pub async fn file_facts(path: PathBuf) -> Result<FileFacts, Failure> {
    tokio::task::spawn_blocking(move || file_facts_blocking(&path))
        .await
        .map_err(|err| Failure::Other(format!("reading git facts failed: {err}")))?
}

fn file_facts_blocking(path: &Path) -> Result<FileFacts, Failure> {
    let repo = nfls_git::discover(path).map_err(|err| match err {
        nfls_git::GitError::NotARepository { .. } => Failure::Git(format!(
            "`{}` is not in a git repository: Northflank links files in Git",
            path.display()
        )),
        other => Failure::Git(other.to_string()),
    })?;
    let facts = nfls_git::facts(&repo, Some(path)).map_err(|e| Failure::Git(e.to_string()))?;
    let file_path = facts.file_path.clone().ok_or_else(|| {
        Failure::Git(format!(
            "`{}` is outside the work tree of the repository at `{}`",
            path.display(),
            facts.root.display()
        ))
    })?;
    let upstream_branch = facts
        .upstream
        .as_ref()
        .and_then(|u| u.merge_ref.strip_prefix("refs/heads/").map(str::to_owned));
    Ok(FileFacts {
        root: facts.root,
        branch: facts.branch,
        upstream_branch,
        head_commit: facts.head_commit,
        remote: facts.remote.map(|r| (r.name, r.url)),
        file_path,
    })
}

/// Which platform object a linked file backs.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ObjectKey {
    Template(String),
    ReleaseFlow(ReleaseFlowKey),
    PreviewTemplate(PipelineKey),
}

impl ObjectKey {
    pub fn kind_name(&self) -> &'static str {
        match self {
            ObjectKey::Template(_) => "template",
            ObjectKey::ReleaseFlow(_) => "release flow",
            ObjectKey::PreviewTemplate(_) => "preview template",
        }
    }

    pub fn document_kind(&self) -> DocumentKind {
        match self {
            ObjectKey::Template(_) => DocumentKind::Template,
            ObjectKey::ReleaseFlow(_) => DocumentKind::ReleaseFlow,
            ObjectKey::PreviewTemplate(_) => DocumentKind::PreviewTemplate,
        }
    }

    /// A stable id: the template id, `project/pipeline/stage` or `project/pipeline`.
    pub fn id(&self) -> String {
        match self {
            ObjectKey::Template(id) => id.clone(),
            ObjectKey::ReleaseFlow(k) => format!("{}/{}/{}", k.project_id, k.pipeline_id, k.stage),
            ObjectKey::PreviewTemplate(k) => format!("{}/{}", k.project_id, k.pipeline_id),
        }
    }
}

/// A platform object linked to the file, with its copy in file shape.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkedObject {
    pub key: ObjectKey,
    /// Display name: the template name, or `pipeline / stage`.
    pub name: String,
    pub autorun: Option<bool>,
    pub concurrency: Option<String>,
    /// Commit whose file content the object uses.
    pub template_sha: Option<String>,
    pub gitops: Option<GitopsLink>,
    /// The platform's copy, normalised to the file's shape (§6.3).
    pub document: Value,
}

impl LinkedObject {
    fn from_template(template: &Template) -> LinkedObject {
        let concurrency = template
            .options
            .concurrency_policy
            .as_ref()
            .or(template.concurrency_policy.as_ref())
            .map(|p| p.as_str().to_owned());
        LinkedObject {
            key: ObjectKey::Template(template.id.clone()),
            name: template.name.clone(),
            autorun: template.options.autorun,
            concurrency,
            template_sha: template
                .gitops
                .as_ref()
                .and_then(|g| g.template_sha.clone()),
            gitops: template.gitops.clone(),
            document: normalize_remote_document(
                nfls_platform::DocumentKind::Template,
                template.raw.clone(),
            ),
        }
    }

    /// `template "Web"` / `release flow "backend / Staging"`.
    pub fn label(&self) -> String {
        format!("{} \"{}\"", self.key.kind_name(), self.name)
    }

    /// The first seven characters of the platform's commit.
    pub fn short_sha(&self) -> Option<&str> {
        self.template_sha.as_deref().map(|s| &s[..s.len().min(7)])
    }

    /// Where the buffer `text` differs from this object's copy (JSON pointers), or `None` when
    /// the buffer is not valid JSON (then nothing can be said).
    pub fn differences(&self, text: &str) -> Option<Vec<String>> {
        let local: Value = serde_json::from_str(text).ok()?;
        Some(ide_platform::differences(
            self.key.document_kind(),
            &local,
            &self.document,
            20,
        ))
    }
}

/// Every template (at most [`MAX_TEMPLATES`]), each fetched in full because only the full
/// document carries `gitops`. Fetches run [`PARALLEL_FETCHES`] at a time.
pub async fn all_templates(client: &Client) -> Result<Vec<Template>, ApiError> {
    let summaries = list_templates(client).await?;
    // Futures built up front from owned clients: stream combinators over closures that borrow
    // trip the compiler's `Send` inference inside spawned tasks.
    let fetches: Vec<_> = summaries
        .into_iter()
        .take(MAX_TEMPLATES)
        .map(|summary| {
            let client = client.clone();
            async move {
                match client.get_template(&summary.id).await {
                    Ok(t) => Ok(Some(t)),
                    // Deleted between the list and the fetch: not an error.
                    Err(ApiError::NotFound { .. }) => Ok(None),
                    Err(err) => Err(err),
                }
            }
        })
        .collect();
    let mut results = futures::stream::iter(fetches).buffered(PARALLEL_FETCHES);
    let mut templates = Vec::new();
    while let Some(result) = results.next().await {
        if let Some(template) = result? {
            templates.push(template);
        }
    }
    Ok(templates)
}

/// Every template summary, page by page (at most 50 pages).
///
/// `Client::list_all_templates` would do, but its future is not `Send` for every lifetime (it
/// drives an async closure), so it cannot run in a spawned task; this loop can.
pub async fn list_templates(client: &Client) -> Result<Vec<TemplateSummary>, ApiError> {
    let mut items = Vec::new();
    let mut request = PageRequest::first(100);
    for page_number in 1..=MAX_PAGES {
        let page = client.list_templates(&request).await?;
        items.extend(page.items);
        if !page.has_next_page {
            return Ok(items);
        }
        request = next_page(&request, page.cursor, page_number, "templates")?;
    }
    Err(ApiError::PageLimit {
        what: "templates".to_owned(),
        pages: MAX_PAGES,
    })
}

/// Every pipeline of a project, page by page (see [`list_templates`] for why not the client's).
pub async fn list_pipelines(
    client: &Client,
    project: &str,
) -> Result<Vec<PipelineSummary>, ApiError> {
    let mut items = Vec::new();
    let mut request = PageRequest::first(100);
    for page_number in 1..=MAX_PAGES {
        let page = client.list_pipelines(project, &request).await?;
        items.extend(page.items);
        if !page.has_next_page {
            return Ok(items);
        }
        request = next_page(&request, page.cursor, page_number, "pipelines")?;
    }
    Err(ApiError::PageLimit {
        what: format!("the pipelines of project `{project}`"),
        pages: MAX_PAGES,
    })
}

const MAX_PAGES: u32 = 50;

// `ApiError` is the client's own error type; boxing it here alone would gain nothing.
#[allow(clippy::result_large_err)]
/// The request for the page after `page_number`: by cursor when the API gave one, else by number.
fn next_page(
    request: &PageRequest,
    cursor: Option<String>,
    page_number: u32,
    what: &str,
) -> Result<PageRequest, ApiError> {
    match cursor {
        Some(cursor) if request.cursor.as_deref() == Some(cursor.as_str()) => {
            Err(ApiError::CursorLoop {
                what: what.to_owned(),
            })
        }
        Some(cursor) => Ok(PageRequest {
            per_page: Some(100),
            cursor: Some(cursor),
            page: None,
        }),
        None => Ok(PageRequest {
            per_page: Some(100),
            cursor: None,
            page: Some(page_number + 1),
        }),
    }
}

/// The templates among `templates` linked to the file `block` describes.
pub fn linked_templates(templates: &[Template], block: &GitopsBlock) -> Vec<LinkedObject> {
    nfls_platform::find_linked(templates, &block.repo_url, &block.branch, &block.file_path)
        .into_iter()
        .map(LinkedObject::from_template)
        .collect()
}

/// Release flows (or preview templates) of every pipeline of `project` linked to the file.
pub async fn linked_pipeline_objects(
    client: &Client,
    project: &str,
    kind: DocumentKind,
    block: &GitopsBlock,
) -> Result<Vec<LinkedObject>, ApiError> {
    let pipelines = list_pipelines(client, project).await?;
    let mut found = Vec::new();
    for pipeline in pipelines {
        let key = PipelineKey::new(project, pipeline.id.clone());
        if kind == DocumentKind::PreviewTemplate {
            match fetch_object(
                client,
                &ObjectKey::PreviewTemplate(key.clone()),
                &pipeline.name,
            )
            .await
            {
                Ok(object) if points_at(&object, block) => found.push(object),
                Ok(_) | Err(ApiError::NotFound { .. }) => {}
                Err(err) => return Err(err),
            }
            continue;
        }
        for stage in STAGES {
            let key =
                ObjectKey::ReleaseFlow(ReleaseFlowKey::new(project, pipeline.id.clone(), stage));
            match fetch_object(client, &key, &format!("{} / {stage}", pipeline.name)).await {
                Ok(object) if points_at(&object, block) => found.push(object),
                Ok(_) | Err(ApiError::NotFound { .. }) => {}
                Err(err) => return Err(err),
            }
        }
    }
    Ok(found)
}

fn points_at(object: &LinkedObject, block: &GitopsBlock) -> bool {
    object
        .gitops
        .as_ref()
        .is_some_and(|g| g.points_at(&block.repo_url, &block.branch, &block.file_path))
}

/// The objects linked to the file: templates for template files (and files of unknown kind);
/// release flows and preview templates when a project is known.
pub async fn find_linked(
    client: &Client,
    kind: DocumentKind,
    block: &GitopsBlock,
    project: Option<&str>,
    templates: Option<&[Template]>,
) -> Result<Vec<LinkedObject>, Failure> {
    match kind {
        DocumentKind::ReleaseFlow | DocumentKind::PreviewTemplate => match project {
            Some(project) => Ok(linked_pipeline_objects(client, project, kind, block).await?),
            None => Ok(Vec::new()),
        },
        _ => match templates {
            Some(templates) => Ok(linked_templates(templates, block)),
            None => Ok(linked_templates(&all_templates(client).await?, block)),
        },
    }
}

/// A fresh copy of one object. `name` is used for pipeline objects (the API does not return it).
pub async fn fetch_object(
    client: &Client,
    key: &ObjectKey,
    name: &str,
) -> Result<LinkedObject, ApiError> {
    match key {
        ObjectKey::Template(id) => Ok(LinkedObject::from_template(&client.get_template(id).await?)),
        ObjectKey::ReleaseFlow(k) => {
            let rf = client.get_release_flow(k).await?;
            Ok(LinkedObject {
                key: key.clone(),
                name: name.to_owned(),
                autorun: None,
                concurrency: rf
                    .options
                    .concurrency_policy
                    .as_ref()
                    .or(rf.concurrency_policy.as_ref())
                    .map(|p| p.as_str().to_owned()),
                template_sha: rf.gitops.as_ref().and_then(|g| g.template_sha.clone()),
                gitops: rf.gitops.clone(),
                document: normalize_remote_document(
                    nfls_platform::DocumentKind::ReleaseFlow,
                    rf.raw,
                ),
            })
        }
        ObjectKey::PreviewTemplate(k) => {
            let p = client.get_preview_template(k).await?;
            Ok(LinkedObject {
                key: key.clone(),
                name: name.to_owned(),
                autorun: None,
                concurrency: p
                    .options
                    .as_ref()
                    .and_then(|o| o.get("concurrencyPolicy"))
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                template_sha: p.gitops.as_ref().and_then(|g| g.template_sha.clone()),
                gitops: p.gitops.clone(),
                document: normalize_remote_document(
                    nfls_platform::DocumentKind::PreviewTemplate,
                    p.raw,
                ),
            })
        }
    }
}

/// The platform's copy as text: two-space JSON in the key order of `buffer` (when it parses),
/// so that a diff shows changes rather than reordering.
pub fn platform_text(object: &LinkedObject, buffer: &str) -> String {
    let shown = match serde_json::from_str::<Value>(buffer) {
        Ok(order) => ide_platform::reorder_like(&object.document, &order),
        Err(_) => object.document.clone(),
    };
    ide_platform::render_document(&shown)
}

/// The file as the git remote has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitCopy {
    /// `origin/main`.
    pub rev: String,
    /// `None`: the remote branch does not have the file (or is not fetched yet).
    pub text: Option<String>,
    /// Whether `git fetch` ran first.
    pub fetched: bool,
}

/// Reads `<remote>/<branch>:<path>` from what is already fetched; runs `git fetch <remote>
/// <branch>` first only when `fetch` is set (the only network access to git we make).
pub async fn git_copy(facts: &FileFacts, branch: &str, fetch: bool) -> Result<GitCopy, Failure> {
    let Some((remote, _)) = facts.remote.clone() else {
        return Err(Failure::NoRemote);
    };
    if fetch {
        git_fetch(&facts.root, &remote, branch).await?;
    }
    let rev = format!("{remote}/{branch}");
    let spec = format!("{rev}:{}", facts.file_path);
    let root = facts.root.clone();
    let bytes = tokio::task::spawn_blocking(move || {
        let repo = nfls_git::discover(&root).map_err(|e| Failure::Git(e.to_string()))?;
        nfls_git::blob_at(&repo, &spec).map_err(|e| Failure::Git(e.to_string()))
    })
    .await
    .map_err(|err| Failure::Other(format!("reading git failed: {err}")))??;
    Ok(GitCopy {
        rev,
        text: bytes.map(|b| String::from_utf8_lossy(&b).into_owned()),
        fetched: fetch,
    })
}

/// `git fetch --quiet <remote> <branch>` in `root`, never prompting, at most 60 s.
async fn git_fetch(root: &Path, remote: &str, branch: &str) -> Result<(), Failure> {
    let mut command = tokio::process::Command::new("git");
    command
        .current_dir(root)
        .args(["fetch", "--quiet", "--", remote, branch])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .map_err(|_| Failure::Fetch("it took longer than 60 s".to_owned()))?
        .map_err(|err| Failure::Fetch(format!("could not run git: {err}")))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let message = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(redact_urls)
        .collect::<Vec<_>>()
        .join("; ");
    Err(Failure::Fetch(if message.is_empty() {
        format!("git exited with {}", output.status)
    } else {
        message
    }))
}

/// Removes credentials from every URL in a line of git output.
fn redact_urls(line: &str) -> String {
    line.split(' ')
        .map(|word| {
            if word.contains("://") {
                ide_platform::strip_credentials(word)
            } else {
                word.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What linking will send.
#[derive(Clone, Debug)]
pub enum LinkPlan {
    Update {
        template_id: String,
        body: UpdateTemplate,
    },
    Create {
        body: CreateTemplate,
    },
    /// Update a release flow with the file's document and the `gitops` block.
    ReleaseFlow {
        key: ReleaseFlowKey,
        /// `pipeline / stage`, for messages.
        name: String,
        body: Value,
        /// Top-level fields of the file the update does not accept (not sent).
        left_out: Vec<String>,
    },
    /// Update (or create) a pipeline's preview template with the file's document.
    PreviewTemplate {
        key: PipelineKey,
        /// The pipeline's name, for messages.
        name: String,
        body: Value,
        left_out: Vec<String>,
    },
}

/// What a link request changed on the platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkDone {
    pub key: ObjectKey,
    pub name: String,
}

impl LinkDone {
    /// `template "Web"`.
    pub fn label(&self) -> String {
        format!("{} \"{}\"", self.key.kind_name(), self.name)
    }

    /// `template "Web" (web)`.
    pub fn label_with_id(&self) -> String {
        format!("{} ({})", self.label(), self.key.id())
    }
}

impl LinkPlan {
    /// Link the existing template `id` (keeping its `name`, which the body requires).
    pub fn update(id: &str, name: &str, block: &GitopsBlock) -> LinkPlan {
        LinkPlan::Update {
            template_id: id.to_owned(),
            body: UpdateTemplate::Gitops(Box::new(UpdateTemplateGitops {
                name: name.to_owned(),
                description: None,
                argument_overrides: None,
                gitops: Some(gitops_link(block)),
            })),
        }
    }

    /// Create a new template named `name` from the file.
    pub fn create(name: &str, block: &GitopsBlock) -> LinkPlan {
        LinkPlan::Create {
            body: CreateTemplate::Gitops(Box::new(CreateTemplateFromGit {
                name: name.to_owned(),
                description: None,
                arguments: None,
                argument_overrides: None,
                options: None,
                gitops: gitops_link(block),
                project: None,
            })),
        }
    }

    /// Link the release flow `key` (shown as `name`) to the file whose text is `text`.
    pub fn release_flow(
        key: ReleaseFlowKey,
        name: &str,
        text: &str,
        block: &GitopsBlock,
    ) -> Result<LinkPlan, Failure> {
        let (body, left_out) = pipeline_link_body(DocumentKind::ReleaseFlow, text, block)?;
        Ok(LinkPlan::ReleaseFlow {
            key,
            name: name.to_owned(),
            body,
            left_out,
        })
    }

    /// Link the preview template of pipeline `key` (named `name`) to the file.
    pub fn preview_template(
        key: PipelineKey,
        name: &str,
        text: &str,
        block: &GitopsBlock,
    ) -> Result<LinkPlan, Failure> {
        let (body, left_out) = pipeline_link_body(DocumentKind::PreviewTemplate, text, block)?;
        Ok(LinkPlan::PreviewTemplate {
            key,
            name: name.to_owned(),
            body,
            left_out,
        })
    }

    /// Exactly what will be sent: method, path and body.
    pub fn describe(&self) -> String {
        let (line, body) = match self {
            LinkPlan::Update { template_id, body } => (
                format!("POST /v1/templates/{template_id}"),
                serde_json::to_value(body),
            ),
            LinkPlan::Create { body } => {
                ("POST /v1/templates".to_owned(), serde_json::to_value(body))
            }
            LinkPlan::ReleaseFlow { key, body, .. } => (
                format!(
                    "POST /v1/projects/{}/pipelines/{}/release-flows/{}",
                    key.project_id, key.pipeline_id, key.stage
                ),
                Ok(body.clone()),
            ),
            LinkPlan::PreviewTemplate { key, body, .. } => (
                format!(
                    "POST /v1/projects/{}/pipelines/{}/preview-envs",
                    key.project_id, key.pipeline_id
                ),
                Ok(body.clone()),
            ),
        };
        let body = body.map_or_else(|_| "{}".to_owned(), |v| ide_platform::render_document(&v));
        format!("{line}\n{}", body.trim_end())
    }

    /// Notes for the confirmation, after the request: fields of the file left out, and what
    /// Northflank's documentation leaves open about linking pipeline objects. Empty for
    /// templates.
    pub fn caveats(&self, branch: &str) -> Vec<String> {
        let (kind, left_out) = match self {
            LinkPlan::Update { .. } | LinkPlan::Create { .. } => return Vec::new(),
            LinkPlan::ReleaseFlow { left_out, .. } => ("release flow", left_out),
            LinkPlan::PreviewTemplate { left_out, .. } => ("preview template", left_out),
        };
        let mut notes = Vec::new();
        if !left_out.is_empty() {
            let names: Vec<String> = left_out.iter().map(|k| format!("`{k}`")).collect();
            notes.push(format!(
                "Not sent (a {kind} update does not accept them): {}.",
                names.join(", ")
            ));
        }
        notes.push(format!(
            "Unconfirmed: the request carries this file's content, but Northflank's documentation does not say whether a linked {kind} then keeps it or loads the file from Git (branch `{branch}`) in its place."
        ));
        notes
    }

    pub async fn send(&self, client: &Client) -> Result<LinkDone, ApiError> {
        let template = |t: Template| LinkDone {
            key: ObjectKey::Template(t.id),
            name: t.name,
        };
        match self {
            LinkPlan::Update { template_id, body } => Ok(template(
                client.update_template(template_id, body).await?.template,
            )),
            LinkPlan::Create { body } => Ok(template(client.create_template(body).await?.template)),
            LinkPlan::ReleaseFlow {
                key, name, body, ..
            } => {
                client.update_release_flow(key, body).await?;
                Ok(LinkDone {
                    key: ObjectKey::ReleaseFlow(key.clone()),
                    name: name.clone(),
                })
            }
            LinkPlan::PreviewTemplate {
                key, name, body, ..
            } => {
                client.update_preview_template(key, body).await?;
                Ok(LinkDone {
                    key: ObjectKey::PreviewTemplate(key.clone()),
                    name: name.clone(),
                })
            }
        }
    }
}

/// The update body that links a release flow or preview template to the file: the file's own
/// fields that the update accepts (after the normalisation fetched copies get, so a top-level
/// `concurrencyPolicy` moves into `options`), in the file's order, with the computed `gitops`
/// block in place of the file's (or before `$schema`, or last, as the file edit puts it).
/// Also returns the file's top-level fields that were left out.
pub fn pipeline_link_body(
    kind: DocumentKind,
    text: &str,
    block: &GitopsBlock,
) -> Result<(Value, Vec<String>), Failure> {
    let (fields, platform_kind) = match kind {
        DocumentKind::ReleaseFlow => (
            RELEASE_FLOW_FIELDS,
            nfls_platform::DocumentKind::ReleaseFlow,
        ),
        DocumentKind::PreviewTemplate => (
            PREVIEW_TEMPLATE_FIELDS,
            nfls_platform::DocumentKind::PreviewTemplate,
        ),
        other => {
            return Err(Failure::Other(format!(
                "a {} is not linked through a pipeline",
                other.id().replace('-', " ")
            )));
        }
    };
    let what = kind.id().replace('-', " ");
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Failure::Other(format!(
            "the file is not valid JSON ({e}): linking a {what} sends its content, so fix it first"
        ))
    })?;
    let Value::Object(original) = &value else {
        return Err(Failure::Other(
            "the file's top level is not a JSON object".to_owned(),
        ));
    };
    let left_out: Vec<String> = original
        .keys()
        .filter(|k| !fields.contains(&k.as_str()) && k.as_str() != "concurrencyPolicy")
        .cloned()
        .collect();
    let Value::Object(normalized) = normalize_remote_document(platform_kind, value.clone()) else {
        return Err(Failure::Other(
            "the file's top level is not a JSON object".to_owned(),
        ));
    };
    for required in ["apiVersion", "spec"] {
        if !normalized.contains_key(required) {
            return Err(Failure::Other(format!(
                "the file has no `{required}`: a {what} update needs `apiVersion` and `spec`"
            )));
        }
    }
    let mut body = serde_json::Map::new();
    let mut gitops = Some(block.to_json());
    for (key, item) in normalized {
        if !fields.contains(&key.as_str()) {
            continue;
        }
        if key == "gitops" || key == "$schema" {
            if let Some(gitops) = gitops.take() {
                body.insert("gitops".to_owned(), gitops);
            }
            if key == "gitops" {
                continue;
            }
        }
        body.insert(key, item);
    }
    if let Some(gitops) = gitops {
        body.insert("gitops".to_owned(), gitops);
    }
    Ok((Value::Object(body), left_out))
}

/// The release flows a pipeline has (one per stage that answers), in stage order, named
/// `pipeline / stage`.
pub async fn pipeline_stages(
    client: &Client,
    project: &str,
    pipeline_id: &str,
    pipeline_name: &str,
) -> Result<Vec<LinkedObject>, ApiError> {
    let mut found = Vec::new();
    for stage in STAGES {
        let key = ObjectKey::ReleaseFlow(ReleaseFlowKey::new(project, pipeline_id, stage));
        match fetch_object(client, &key, &format!("{pipeline_name} / {stage}")).await {
            Ok(object) => found.push(object),
            Err(ApiError::NotFound { .. }) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(found)
}

/// The preview template of a pipeline, or `None` when it has none yet (linking creates it).
pub async fn current_preview_template(
    client: &Client,
    key: &PipelineKey,
    pipeline_name: &str,
) -> Result<Option<LinkedObject>, ApiError> {
    match fetch_object(
        client,
        &ObjectKey::PreviewTemplate(key.clone()),
        pipeline_name,
    )
    .await
    {
        Ok(object) => Ok(Some(object)),
        Err(ApiError::NotFound { .. }) => Ok(None),
        Err(err) => Err(err),
    }
}

/// The `gitops` link for a request body.
pub fn gitops_link(block: &GitopsBlock) -> GitopsLink {
    GitopsLink::new(
        VcsService::from(block.vcs_service.as_str()),
        block.repo_url.clone(),
        block.branch.clone(),
        block.file_path.clone(),
    )
}

/// The structured status of a file: its git facts, the link it would carry, the linked objects
/// and whether the buffer `text` drifted from each.
pub fn status_json(
    facts: Option<&FileFacts>,
    block: Option<&GitopsBlock>,
    objects: &[LinkedObject],
    text: &str,
) -> Value {
    let objects_json: Vec<Value> = objects
        .iter()
        .map(|o| {
            let diffs = o.differences(text);
            json!({
                "kind": o.key.kind_name(),
                "id": o.key.id(),
                "name": o.name,
                "autorun": o.autorun,
                "concurrencyPolicy": o.concurrency,
                "templateSha": o.template_sha,
                "drift": diffs.as_ref().map(|d| !d.is_empty()),
                "differences": diffs,
            })
        })
        .collect();
    let drift = objects
        .iter()
        .any(|o| o.differences(text).is_some_and(|d| !d.is_empty()));
    json!({
        "linked": !objects.is_empty(),
        "drift": drift,
        "objects": objects_json,
        "gitops": block.map(GitopsBlock::to_json),
        "git": facts.map(|f| json!({
            "root": f.root.display().to_string(),
            "branch": f.branch,
            "linkBranch": f.link_branch(),
            "headCommit": f.head_commit,
            "remote": f.remote.as_ref().map(|(name, _)| name),
            "remoteUrl": f.remote_url_shown(),
            "filePath": f.file_path,
        })),
    })
}

/// One-line summary of a linked object for lenses and the CLI:
/// `Linked to template "Web" · autorun on · concurrency queue · platform at abc1234`.
pub fn linked_summary(object: &LinkedObject) -> String {
    let mut parts = vec![format!("Linked to {}", object.label())];
    if let Some(autorun) = object.autorun {
        parts.push(format!("autorun {}", if autorun { "on" } else { "off" }));
    }
    if let Some(policy) = &object.concurrency {
        parts.push(format!("concurrency {policy}"));
    }
    if let Some(sha) = object.short_sha() {
        parts.push(format!("platform at {sha}"));
    }
    parts.join(" · ")
}

/// The message of a drift note: which object, at which commit, and where it differs.
pub fn drift_message(object: &LinkedObject, differences: &[String], head: Option<&str>) -> String {
    let mut message = format!(
        "This file differs from {} as Northflank has it",
        object.label()
    );
    match (object.short_sha(), head) {
        (Some(sha), Some(head)) if !head.starts_with(sha) => {
            message.push_str(&format!(
                " (platform at {sha}, this checkout at {})",
                &head[..head.len().min(7)]
            ));
        }
        (Some(sha), _) => message.push_str(&format!(" (platform at {sha})")),
        _ => {}
    }
    let shown: Vec<&str> = differences.iter().take(5).map(String::as_str).collect();
    message.push_str(&format!(": {}", shown.join(", ")));
    if differences.len() > shown.len() {
        message.push_str(&format!(" and {} more", differences.len() - shown.len()));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> GitopsBlock {
        ide_platform::gitops_block("git@github.com:acme/shop.git", "main", "/rf.json").unwrap()
    }

    fn keys(value: &Value) -> Vec<&str> {
        value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn release_flow_body_keeps_accepted_fields_in_file_order() {
        let text = r#"{"description": "x", "apiVersion": "v1.2", "concurrencyPolicy": "queue",
            "spec": {"kind": "Workflow"}, "gitops": {"vcsService": "gitlab", "repoUrl": "old",
            "branch": "dev", "filePath": "/old.json", "accountLogin": "me"}, "triggers": [],
            "name": "n", "$schema": "s"}"#;
        let (body, left_out) =
            pipeline_link_body(DocumentKind::ReleaseFlow, text, &block()).unwrap();
        assert_eq!(
            keys(&body),
            [
                "apiVersion",
                "options",
                "spec",
                "gitops",
                "triggers",
                "$schema"
            ]
        );
        assert_eq!(body["options"], json!({"concurrencyPolicy": "queue"}));
        assert_eq!(body["gitops"], block().to_json());
        assert_eq!(left_out, ["description", "name"]);
    }

    #[test]
    fn preview_body_puts_gitops_before_schema_or_last() {
        let text = r#"{"apiVersion": "v1.2", "spec": {}, "paused": true, "webhook": {"enabled": true}, "$schema": "s"}"#;
        let (body, left_out) =
            pipeline_link_body(DocumentKind::PreviewTemplate, text, &block()).unwrap();
        assert_eq!(
            keys(&body),
            [
                "apiVersion",
                "spec",
                "paused",
                "webhook",
                "gitops",
                "$schema"
            ]
        );
        assert!(left_out.is_empty());
        let (body, _) = pipeline_link_body(
            DocumentKind::PreviewTemplate,
            r#"{"spec": {}, "apiVersion": "v1.2"}"#,
            &block(),
        )
        .unwrap();
        assert_eq!(keys(&body), ["spec", "apiVersion", "gitops"]);
    }

    #[test]
    fn body_needs_a_json_object_with_api_version_and_spec() {
        let message = |kind, text: &str| {
            pipeline_link_body(kind, text, &block())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            message(DocumentKind::ReleaseFlow, r#"{"apiVersion": "v1.2"}"#),
            "the file has no `spec`: a release flow update needs `apiVersion` and `spec`"
        );
        assert_eq!(
            message(DocumentKind::PreviewTemplate, "[1]"),
            "the file's top level is not a JSON object"
        );
        assert!(
            message(DocumentKind::ReleaseFlow, "{").starts_with("the file is not valid JSON (")
        );
        assert_eq!(
            message(DocumentKind::Template, "{}"),
            "a template is not linked through a pipeline"
        );
    }

    #[test]
    fn stage_names_and_the_project_hint() {
        assert_eq!(stage_name(" staging "), Some("Staging"));
        assert_eq!(stage_name("PRODUCTION"), Some("Production"));
        assert_eq!(stage_name("qa"), None);
        assert_eq!(
            no_project(DocumentKind::PreviewTemplate, false),
            "preview templates live in a project's pipelines: pass --project ID (or set NORTHFLANK_PROJECT_ID) with the id of the project that holds the pipeline"
        );
    }
}
