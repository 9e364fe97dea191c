//! The initial state of a fake: templates, projects with pipelines (release flows, preview
//! templates), workflows, preview blueprints, linked Git accounts, repositories, branches and
//! the content of files in Git (what a GitOps link loads). Readable from a JSON file.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Everything a fake starts with. All fields are optional in JSON (camelCase keys).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Seed {
    /// The bearer token the fake accepts; a random one when absent.
    pub token: Option<String>,
    /// The team id accepted in `/v1/teams/{teamId}/…` routes (default `fake-team`).
    pub team_id: Option<String>,
    /// Template documents. `id` defaults to a slug of `name`.
    pub templates: Vec<Value>,
    pub projects: Vec<SeedProject>,
    /// Entries of `GET /v1/integrations/vcs` (`{vcsService, login, email, …}`).
    pub vcs_account_links: Vec<Value>,
    /// Entries of `GET /v1/integrations/vcs/repos`.
    pub repos: Vec<Value>,
    pub branches: Vec<SeedBranches>,
    /// Files in Git that a GitOps link loads.
    pub git_files: Vec<SeedGitFile>,
}

impl Seed {
    /// Parses a seed from JSON.
    pub fn from_json(value: Value) -> Result<Seed, serde_json::Error> {
        serde_json::from_value(value)
    }
}

/// A project and what lives in it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SeedProject {
    pub id: String,
    pub pipelines: Vec<SeedPipeline>,
    /// Workflow documents (with `id`, or a slug of `name`).
    pub workflows: Vec<Value>,
    /// Preview-blueprint documents (with `id`, or a slug of `name`).
    pub preview_blueprints: Vec<Value>,
}

/// A pipeline with its release flows (stage name → document) and preview template.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SeedPipeline {
    pub id: String,
    /// Defaults to `id`.
    pub name: Option<String>,
    pub description: Option<String>,
    pub stages: Option<Value>,
    pub nf_objects: Option<Value>,
    pub preview: Option<Value>,
    pub release_flows: Map<String, Value>,
    pub preview_template: Option<Value>,
}

/// Branches of one repository.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SeedBranches {
    pub vcs_service: String,
    pub owner: String,
    pub name: String,
    pub branches: Vec<Value>,
}

/// A file in Git: linking an object to it loads `content` and records `sha`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SeedGitFile {
    pub repo_url: String,
    pub branch: String,
    pub file_path: String,
    pub sha: Option<String>,
    pub content: Value,
}
