//! Request and response models of the endpoints the language server uses.
//!
//! Field names and types follow Northflank's API reference and JS client declarations. Unknown
//! fields are ignored and enum values the client does not know are kept as `Other(String)`, so a
//! newer API does not break parsing. Documents (templates, release flows, …) also keep the whole
//! response object in `raw`, because the language server diffs and displays the complete file.

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::gitops::GitopsLink;

/// Declares a string enum whose unknown values survive as `Other(String)`.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this client does not know (the API may have gained one).
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => $name::$variant,)+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(s.as_str()))
            }
        }
    };
}

string_enum! {
    /// `options.concurrencyPolicy` of templates, release flows and previews.
    ConcurrencyPolicy { Allow = "allow", Queue = "queue", Forbid = "forbid", Latest = "latest", Replace = "replace" }
}

string_enum! {
    /// Status of a run (and the last-run status reported on release flows and workflows).
    RunStatus {
        Pending = "pending", Running = "running", Success = "success", Failure = "failure",
        Aborted = "aborted", Aborting = "aborting", Queued = "queued", Unknown = "unknown",
        Skipped = "skipped", Waiting = "waiting", Retrying = "retrying", AsyncWait = "async_wait",
        ApprovalWait = "approval_wait",
    }
}

string_enum! {
    /// A version-control provider.
    VcsService { Github = "github", Gitlab = "gitlab", Bitbucket = "bitbucket", Azure = "azure", SelfHosted = "self-hosted" }
}

/// Types that remember the JSON object they were parsed from.
pub trait KeepRaw: DeserializeOwned {
    fn set_raw(&mut self, raw: Value);
}

/// Parses `value` as `T` and stores `value` itself in `T`'s `raw` field.
pub(crate) fn parse_keeping_raw<T: KeepRaw>(value: Value) -> Result<T, serde_json::Error> {
    let mut parsed = T::deserialize(&value)?;
    parsed.set_raw(value);
    Ok(parsed)
}

fn de_keep_raw<'de, D: Deserializer<'de>, T: KeepRaw>(d: D) -> Result<T, D::Error> {
    let value = Value::deserialize(d)?;
    parse_keeping_raw(value).map_err(serde::de::Error::custom)
}

fn de_keep_raw_opt<'de, D: Deserializer<'de>, T: KeepRaw>(d: D) -> Result<Option<T>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(value) => parse_keeping_raw(value)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

macro_rules! keep_raw {
    ($($ty:ty),+) => { $(impl KeepRaw for $ty { fn set_raw(&mut self, raw: Value) { self.raw = raw; } })+ };
}

/// One page of a list endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next_page: bool,
    /// Cursor for the next page, when the API returned one.
    pub cursor: Option<String>,
    /// Number of items on this page, as reported by the API.
    pub count: Option<u64>,
}

/// Paging parameters of a list call. `Default` asks for the first page at the API's default size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// 1–100 (the API default is 50).
    pub per_page: Option<u32>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
    /// Page number (1-based), for APIs that return no cursor.
    pub page: Option<u32>,
}

impl PageRequest {
    pub fn first(per_page: u32) -> Self {
        PageRequest {
            per_page: Some(per_page),
            ..Default::default()
        }
    }

    pub fn after(cursor: impl Into<String>) -> Self {
        PageRequest {
            cursor: Some(cursor.into()),
            ..Default::default()
        }
    }
}

/// Filters of the run-list endpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    pub status: Option<RunStatus>,
    pub concluded: Option<bool>,
}

/// `options` as returned for templates, workflows and their summaries.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TemplateOptions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autorun: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
}

/// An entry of `GET /v1/templates`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateSummary {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub options: TemplateOptions,
    #[serde(default)]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A template as returned by `GET /v1/templates/{id}` (the whole document is in `raw`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub gitops: Option<GitopsLink>,
    #[serde(default)]
    pub options: TemplateOptions,
    /// The API reports the policy at the top level (and sometimes also in `options`).
    #[serde(default)]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// Result of creating or updating a template: the template and the run that may have started.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateWithRun {
    #[serde(deserialize_with = "de_keep_raw")]
    pub template: Template,
    #[serde(default, deserialize_with = "de_keep_raw_opt")]
    pub template_run: Option<TemplateRun>,
}

/// An entry of a template-run list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRunSummary {
    pub id: String,
    #[serde(default)]
    pub template_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub concluded: bool,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub concluded_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A template run with its spec, arguments and resolved `refs` (whole object in `raw`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateRun {
    pub id: String,
    #[serde(default)]
    pub template_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub concluded: bool,
    #[serde(default)]
    pub arguments: Option<Value>,
    /// Resolved node outputs of the run (for hovers over `${refs.…}`).
    #[serde(default)]
    pub refs: Option<Value>,
    #[serde(default)]
    pub gitops: Option<GitopsLink>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// Body of `POST /v1/templates`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CreateTemplate {
    /// A full `v1.2` document (the file content): `{name, apiVersion, spec, …}`, sent verbatim.
    Document(Value),
    /// Create from a file in Git: the platform loads the document from the linked file.
    Gitops(Box<CreateTemplateFromGit>),
}

/// The gitops variant of the create body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateTemplateFromGit {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument_overrides: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Value>,
    pub gitops: GitopsLink,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<Value>,
}

/// Body of `POST /v1/templates/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum UpdateTemplate {
    /// A full `v1.2` document that replaces the template, sent verbatim.
    Document(Value),
    /// Change only name/description/overrides and link (`Some`) or unlink (`None` → `null`) Git.
    Gitops(Box<UpdateTemplateGitops>),
}

/// The `{name, description?, argumentOverrides?, gitops}` variant of the update body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateTemplateGitops {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument_overrides: Option<Map<String, Value>>,
    /// `None` is sent as `null`, which removes the link.
    pub gitops: Option<GitopsLink>,
}

/// Body of `POST /v1/templates/{id}/runs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunTemplate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Map<String, Value>>,
}

/// An entry of `GET /v1/projects/{projectId}/pipelines`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PipelineSummary {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// A resource attached to a pipeline stage.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PipelineObject {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub stage: String,
}

/// `GET /v1/projects/{projectId}/pipelines/{pipelineId}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pipeline {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub preview: Option<Value>,
    #[serde(default)]
    pub stages: Vec<Value>,
    #[serde(default)]
    pub nf_objects: Vec<PipelineObject>,
}

/// Identifies a release flow: one per pipeline stage.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReleaseFlowKey {
    pub project_id: String,
    pub pipeline_id: String,
    /// `Development`, `Staging` or `Production` (case handling by the API is unconfirmed).
    pub stage: String,
}

impl ReleaseFlowKey {
    pub fn new(
        project_id: impl Into<String>,
        pipeline_id: impl Into<String>,
        stage: impl Into<String>,
    ) -> Self {
        ReleaseFlowKey {
            project_id: project_id.into(),
            pipeline_id: pipeline_id.into(),
            stage: stage.into(),
        }
    }
}

/// Identifies a pipeline (for its preview template).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PipelineKey {
    pub project_id: String,
    pub pipeline_id: String,
}

impl PipelineKey {
    pub fn new(project_id: impl Into<String>, pipeline_id: impl Into<String>) -> Self {
        PipelineKey {
            project_id: project_id.into(),
            pipeline_id: pipeline_id.into(),
        }
    }
}

/// `options` of a release flow.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReleaseFlowOptions {
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    pub paused: Option<bool>,
}

/// `GET …/release-flows/{stage}` (the whole document is in `raw`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseFlow {
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub gitops: Option<GitopsLink>,
    #[serde(default)]
    pub options: ReleaseFlowOptions,
    #[serde(default)]
    pub concurrency_policy: Option<ConcurrencyPolicy>,
    #[serde(default)]
    pub stage: Option<String>,
    /// Status of the latest run.
    #[serde(default)]
    pub status: Option<RunStatus>,
    #[serde(default)]
    pub paused: Option<bool>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// Body of `POST …/release-flows/{stage}/runs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReleaseFlow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Map<String, Value>>,
    /// Per-trigger overrides keyed by trigger `ref`, e.g. `{"my-trigger": {"branch": "devel"}}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overrides: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release_node_overrides: Option<Map<String, Value>>,
}

/// The response of a call whose result the API leaves untyped (release-flow and preview runs):
/// the run id and status when present, and the whole `data` value.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStarted {
    pub id: Option<String>,
    pub status: Option<RunStatus>,
    pub raw: Value,
}

impl RunStarted {
    pub(crate) fn from_value(raw: Value) -> Self {
        let id = raw.get("id").and_then(Value::as_str).map(str::to_owned);
        let status = raw
            .get("status")
            .and_then(Value::as_str)
            .map(RunStatus::from);
        RunStarted { id, status, raw }
    }
}

/// An entry of `GET …/release-flows/{stage}/runs`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseFlowRunSummary {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub concluded: bool,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub concluded_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `GET …/release-flows/{stage}/runs/{runId}` (whole object in `raw`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseFlowRun {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub concluded: bool,
    #[serde(default)]
    pub arguments: Option<Value>,
    #[serde(default)]
    pub refs: Option<Value>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// `GET …/pipelines/{pipelineId}/preview-envs` (whole document in `raw`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewTemplate {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub gitops: Option<GitopsLink>,
    #[serde(default)]
    pub paused: Option<bool>,
    #[serde(default)]
    pub options: Option<Value>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// Body of `POST …/preview-envs/runs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunPreviewTemplate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Value>,
}

/// An entry of `GET …/preview-envs/runs`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewTemplateRunSummary {
    pub id: String,
    #[serde(default)]
    pub template_id: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `GET …/preview-envs/runs/{templateRunId}` (whole object in `raw`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewTemplateRun {
    pub id: String,
    #[serde(default)]
    pub template_id: Option<String>,
    pub status: RunStatus,
    #[serde(default)]
    pub arguments: Option<Value>,
    #[serde(default)]
    pub refs: Option<Value>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// An entry of the workflow or preview-blueprint lists (the API calls the array `pipelines`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSummary {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub options: TemplateOptions,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// `GET …/workflows/{workflowId}` (whole document in `raw`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workflow {
    /// Not in the published result type, but kept when the API sends it.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub gitops: Option<GitopsLink>,
    #[serde(default)]
    pub stage_id: Option<String>,
    #[serde(default)]
    pub status: Option<RunStatus>,
    #[serde(default)]
    pub paused: Option<bool>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

/// `GET …/preview-blueprints/{previewBlueprintId}` (whole document in `raw`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewBlueprint {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub api_version: Option<String>,
    #[serde(default)]
    pub gitops: Option<GitopsLink>,
    #[serde(default)]
    pub status: Option<RunStatus>,
    #[serde(default)]
    pub paused: Option<bool>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(skip)]
    pub raw: Value,
}

keep_raw!(
    Template,
    TemplateRun,
    ReleaseFlow,
    ReleaseFlowRun,
    PreviewTemplate,
    PreviewTemplateRun,
    Workflow,
    PreviewBlueprint
);

/// A linked version-control account (`GET /v1/integrations/vcs`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VcsAccountLink {
    pub vcs_service: VcsService,
    #[serde(default)]
    pub email: Option<String>,
    pub login: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub vcs_url: Option<String>,
    #[serde(default)]
    pub vcs_type: Option<String>,
    #[serde(default)]
    pub internal_id: Option<String>,
    #[serde(default)]
    pub entity_name: Option<String>,
}

/// Filters of `GET /v1/integrations/vcs/repos`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepoFilter {
    pub vcs_service: Option<VcsService>,
    pub self_hosted_vcs_id: Option<String>,
    pub account_login: Option<String>,
    pub vcs_link_id: Option<String>,
}

/// The owner of a repository.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RepoOwner {
    pub login: String,
}

/// A repository visible to a linked account.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Repo {
    pub vcs_service: VcsService,
    #[serde(default)]
    pub self_hosted_vcs_id: Option<String>,
    pub id: String,
    pub name: String,
    #[serde(rename = "full_name")]
    pub full_name: String,
    pub url: String,
    #[serde(default)]
    pub owner: Option<RepoOwner>,
    #[serde(default)]
    pub account_login: Option<String>,
}

/// Identifies a repository for the branch list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoKey {
    pub vcs_service: VcsService,
    pub owner: String,
    pub name: String,
}

/// The head commit of a branch.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct BranchCommit {
    pub sha: String,
    #[serde(default)]
    pub author: Option<RepoOwner>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
}

/// A branch of a repository.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Branch {
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub commit: Option<BranchCommit>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_enum_values_and_fields_are_tolerated() {
        let v = json!({"id": "r1", "status": "teleporting", "concluded": false, "newField": 1});
        let run: TemplateRunSummary = serde_json::from_value(v).unwrap();
        assert_eq!(run.status, RunStatus::Other("teleporting".into()));
        assert_eq!(run.status.to_string(), "teleporting");
        assert_eq!(RunStatus::from("approval_wait"), RunStatus::ApprovalWait);
    }

    #[test]
    fn documents_keep_their_raw_json() {
        let v = json!({"template": {"id": "web", "name": "Web", "spec": {"kind": "Workflow"}, "options": {"autorun": true}}});
        let r: TemplateWithRun = serde_json::from_value(v).unwrap();
        assert_eq!(r.template.id, "web");
        assert_eq!(r.template.options.autorun, Some(true));
        assert_eq!(r.template.raw["spec"], json!({"kind": "Workflow"}));
        assert!(r.template_run.is_none());
    }

    #[test]
    fn update_gitops_variant_sends_null_to_unlink() {
        let body = UpdateTemplate::Gitops(Box::new(UpdateTemplateGitops {
            name: "Web".into(),
            description: None,
            argument_overrides: None,
            gitops: None,
        }));
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"name":"Web","gitops":null}"#
        );
    }
}
