//! The fake's state and the behaviour of each endpoint on it: templates, runs, pipelines, release
//! flows, preview templates, workflows, preview blueprints and Git lookups. No HTTP here.

use serde_json::{Map, Value, json};

use crate::routes::Route;
use crate::seed::{Seed, SeedGitFile};

/// A successful answer: `data` and, for lists, `pagination`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub data: Value,
    pub pagination: Option<Value>,
}

/// An error answer (rendered as the API's error envelope).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fail {
    pub status: u16,
    pub message: String,
    pub details: Option<Value>,
}

fn fail(status: u16, message: impl Into<String>) -> Fail {
    Fail {
        status,
        message: message.into(),
        details: None,
    }
}

fn not_found(what: impl Into<String>) -> Fail {
    fail(404, what)
}

fn reply(data: Value) -> Result<Reply, Fail> {
    Ok(Reply {
        data,
        pagination: None,
    })
}

struct TemplateEntry {
    id: String,
    /// The document as sent (without bookkeeping, argument overrides or create-only options).
    doc: Map<String, Value>,
    template_sha: Option<String>,
    argument_overrides: Option<Value>,
    created_at: String,
    updated_at: String,
}

struct DocEntry {
    doc: Map<String, Value>,
    template_sha: Option<String>,
    created_at: String,
    updated_at: String,
}

struct ReleaseFlowEntry {
    stage: String,
    entry: DocEntry,
    runs: Vec<Map<String, Value>>,
}

struct PipelineEntry {
    id: String,
    info: Map<String, Value>,
    created_at: String,
    release_flows: Vec<ReleaseFlowEntry>,
    preview: Option<DocEntry>,
    preview_runs: Vec<Map<String, Value>>,
}

struct ProjectEntry {
    id: String,
    pipelines: Vec<PipelineEntry>,
    workflows: Vec<(String, DocEntry)>,
    blueprints: Vec<(String, DocEntry)>,
}

/// The whole state of a fake.
pub(crate) struct Store {
    clock: u64,
    counter: u64,
    templates: Vec<TemplateEntry>,
    template_runs: Vec<Map<String, Value>>,
    projects: Vec<ProjectEntry>,
    vcs_links: Vec<Value>,
    repos: Vec<Value>,
    branches: Vec<(String, Vec<Value>)>,
    git_files: Vec<SeedGitFile>,
}

/// 2026-01-01T00:00:00Z; the fake's clock advances one second per change.
const EPOCH: u64 = 1_767_225_600;

impl Store {
    pub fn new(seed: &Seed) -> Store {
        let mut store = Store {
            clock: 0,
            counter: 0,
            templates: Vec::new(),
            template_runs: Vec::new(),
            projects: Vec::new(),
            vcs_links: seed.vcs_account_links.clone(),
            repos: seed.repos.clone(),
            branches: seed
                .branches
                .iter()
                .map(|b| {
                    (
                        repo_key(&b.vcs_service, &b.owner, &b.name),
                        b.branches.clone(),
                    )
                })
                .collect(),
            git_files: seed.git_files.clone(),
        };
        for doc in &seed.templates {
            if let Value::Object(doc) = doc {
                let mut doc = doc.clone();
                let id = take_id(&mut doc);
                let now = store.tick();
                let overrides = doc.remove("argumentOverrides");
                let sha = take_sha(&mut doc);
                let template_sha = sha.or_else(|| doc.contains_key("gitops").then(|| store.sha()));
                store.templates.push(TemplateEntry {
                    id,
                    doc,
                    template_sha,
                    argument_overrides: overrides,
                    created_at: now.clone(),
                    updated_at: now,
                });
            }
        }
        for project in &seed.projects {
            let mut entry = ProjectEntry {
                id: project.id.clone(),
                pipelines: Vec::new(),
                workflows: Vec::new(),
                blueprints: Vec::new(),
            };
            for p in &project.pipelines {
                let now = store.tick();
                let mut info = Map::new();
                info.insert(
                    "name".into(),
                    Value::String(p.name.clone().unwrap_or_else(|| p.id.clone())),
                );
                if let Some(d) = &p.description {
                    info.insert("description".into(), Value::String(d.clone()));
                }
                if let Some(v) = &p.preview {
                    info.insert("preview".into(), v.clone());
                }
                if let Some(v) = &p.stages {
                    info.insert("stages".into(), v.clone());
                }
                if let Some(v) = &p.nf_objects {
                    info.insert("nfObjects".into(), v.clone());
                }
                let release_flows = p
                    .release_flows
                    .iter()
                    .filter_map(|(stage, doc)| {
                        Some(ReleaseFlowEntry {
                            stage: stage.clone(),
                            entry: store.doc_entry(doc.as_object()?.clone()),
                            runs: Vec::new(),
                        })
                    })
                    .collect();
                let preview = p
                    .preview_template
                    .as_ref()
                    .and_then(Value::as_object)
                    .map(|d| store.doc_entry(d.clone()));
                entry.pipelines.push(PipelineEntry {
                    id: p.id.clone(),
                    info,
                    created_at: now,
                    release_flows,
                    preview,
                    preview_runs: Vec::new(),
                });
            }
            for (list, target) in [
                (&project.workflows, &mut entry.workflows),
                (&project.preview_blueprints, &mut entry.blueprints),
            ] {
                for doc in list {
                    if let Value::Object(doc) = doc {
                        let mut doc = doc.clone();
                        let id = take_id(&mut doc);
                        target.push((id, store.doc_entry(doc)));
                    }
                }
            }
            store.projects.push(entry);
        }
        store
    }

    fn tick(&mut self) -> String {
        self.clock += 1;
        timestamp(EPOCH + self.clock)
    }

    fn next_id(&mut self) -> String {
        self.counter += 1;
        let n = self.counter;
        format!("{n:08x}-0000-4000-8000-{:012x}", n * 7919)
    }

    /// A fresh commit SHA (what committing the file to Git would produce).
    fn sha(&mut self) -> String {
        self.counter += 1;
        format!(
            "{:040x}",
            u128::from(self.counter).wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
        )
    }

    fn doc_entry(&mut self, mut doc: Map<String, Value>) -> DocEntry {
        let now = self.tick();
        let sha = take_sha(&mut doc);
        let template_sha = sha.or_else(|| doc.contains_key("gitops").then(|| self.sha()));
        for key in ["createdAt", "updatedAt", "status", "stage"] {
            doc.remove(key);
        }
        DocEntry {
            doc,
            template_sha,
            created_at: now.clone(),
            updated_at: now,
        }
    }

    /// Handles one request. `body` is the parsed JSON body of POSTs.
    pub fn handle(
        &mut self,
        route: Route,
        params: &[String],
        query: &[(String, String)],
        body: Option<Value>,
    ) -> Result<Reply, Fail> {
        let p = |i: usize| params.get(i).map(String::as_str).unwrap_or("");
        use Route::*;
        match route {
            ListTemplates => {
                let items = self.templates.iter().map(template_summary).collect();
                paginate_with_key(items, query, "templates")
            }
            GetTemplate => {
                let t = self.template(p(0))?;
                reply(template_view(t))
            }
            CreateTemplate => self.create_template(object_body(body)?),
            UpdateTemplate => self.update_template(p(0), object_body(body)?),
            RunTemplate => {
                let body = optional_object_body(body)?;
                let run = self.start_template_run(p(0), body.get("arguments"))?;
                reply(Value::Object(run))
            }
            ListTemplateRuns => {
                self.template(p(0))?;
                let items = self
                    .template_runs
                    .iter()
                    .rev()
                    .filter(|r| r.get("templateId").and_then(Value::as_str) == Some(p(0)))
                    .filter(|r| run_matches(r, query))
                    .map(|r| {
                        pick(
                            r,
                            &[
                                "name",
                                "description",
                                "apiVersion",
                                "options",
                                "id",
                                "templateId",
                                "status",
                                "startedAt",
                                "concluded",
                                "concludedAt",
                                "createdAt",
                                "updatedAt",
                            ],
                        )
                    })
                    .collect();
                paginate_with_key(items, query, "templateRuns")
            }
            GetTemplateRun => {
                self.template(p(0))?;
                let run = self
                    .template_runs
                    .iter()
                    .find(|r| {
                        r.get("templateId").and_then(Value::as_str) == Some(p(0))
                            && r.get("id").and_then(Value::as_str) == Some(p(1))
                    })
                    .ok_or_else(|| not_found(format!("template run `{}` not found", p(1))))?;
                reply(Value::Object(run.clone()))
            }
            ListPipelines => {
                let project = self.project(p(0))?;
                let items = project
                    .pipelines
                    .iter()
                    .map(|pl| {
                        let mut m = pick(&pl.info, &["name", "description"]);
                        m.as_object_mut().map(|o| {
                            o.insert("id".into(), json!(pl.id));
                            o.insert("createdAt".into(), json!(pl.created_at));
                            o.insert("updatedAt".into(), json!(pl.created_at))
                        });
                        m
                    })
                    .collect();
                paginate_with_key(items, query, "pipelines")
            }
            GetPipeline => reply(Value::Object(self.pipeline(p(0), p(1))?.info.clone())),
            GetReleaseFlow => {
                let rf = self.release_flow(p(0), p(1), p(2))?;
                reply(release_flow_view(rf))
            }
            UpdateReleaseFlow => {
                let doc = document_body(body)?;
                let sha = self.link_sha(&doc);
                let now = self.tick();
                let rf = self.release_flow_mut(p(0), p(1), p(2))?;
                replace_doc(&mut rf.entry, doc, sha, now);
                reply(release_flow_view(rf))
            }
            RunReleaseFlow => {
                let body = optional_object_body(body)?;
                let id = self.next_id();
                let now = self.tick();
                let rf = self.release_flow_mut(p(0), p(1), p(2))?;
                let mut run = Map::new();
                run.insert("id".into(), json!(id));
                for key in ["name", "description"] {
                    if let Some(v) = body.get(key) {
                        run.insert(key.into(), v.clone());
                    }
                }
                run.insert("status".into(), json!("running"));
                run.insert("startedAt".into(), json!(now));
                run.insert("concluded".into(), json!(false));
                run.insert("createdAt".into(), json!(now));
                run.insert("updatedAt".into(), json!(now));
                for key in ["apiVersion", "triggers", "options", "gitops", "spec"] {
                    if let Some(v) = rf.entry.doc.get(key) {
                        run.insert(key.into(), v.clone());
                    }
                }
                run.insert(
                    "arguments".into(),
                    merge_args(rf.entry.doc.get("arguments"), body.get("arguments")),
                );
                for key in ["overrides", "releaseNodeOverrides"] {
                    if let Some(v) = body.get(key) {
                        run.insert(key.into(), v.clone());
                    }
                }
                run.insert("refs".into(), json!({}));
                rf.runs.push(run.clone());
                reply(pick(
                    &run,
                    &[
                        "id",
                        "name",
                        "description",
                        "status",
                        "startedAt",
                        "concluded",
                        "createdAt",
                        "updatedAt",
                    ],
                ))
            }
            ListReleaseFlowRuns => {
                let rf = self.release_flow(p(0), p(1), p(2))?;
                let items = rf
                    .runs
                    .iter()
                    .rev()
                    .filter(|r| run_matches(r, query))
                    .map(|r| {
                        pick(
                            r,
                            &[
                                "id",
                                "name",
                                "description",
                                "status",
                                "startedAt",
                                "concluded",
                                "concludedAt",
                                "createdAt",
                                "updatedAt",
                            ],
                        )
                    })
                    .collect();
                paginate_with_key(items, query, "runs")
            }
            GetReleaseFlowRun => {
                let rf = self.release_flow(p(0), p(1), p(2))?;
                let run = rf
                    .runs
                    .iter()
                    .find(|r| r.get("id").and_then(Value::as_str) == Some(p(3)))
                    .ok_or_else(|| not_found(format!("release flow run `{}` not found", p(3))))?;
                reply(Value::Object(run.clone()))
            }
            GetPreviewTemplate => {
                let pl = self.pipeline(p(0), p(1))?;
                let entry = pl.preview.as_ref().ok_or_else(|| {
                    not_found(format!("pipeline `{}` has no preview template", p(1)))
                })?;
                reply(preview_view(&pl.id, entry))
            }
            UpdatePreviewTemplate => {
                let doc = document_body(body)?;
                let sha = self.link_sha(&doc);
                let now = self.tick();
                let pl = self.pipeline_mut(p(0), p(1))?;
                match &mut pl.preview {
                    Some(entry) => replace_doc(entry, doc, sha, now),
                    None => {
                        pl.preview = Some(DocEntry {
                            doc,
                            template_sha: sha,
                            created_at: now.clone(),
                            updated_at: now,
                        })
                    }
                }
                let entry = pl
                    .preview
                    .as_ref()
                    .ok_or_else(|| fail(500, "lost update"))?;
                reply(preview_view(&pl.id, entry))
            }
            RunPreviewTemplate => {
                let body = optional_object_body(body)?;
                let id = self.next_id();
                let now = self.tick();
                let pl = self.pipeline_mut(p(0), p(1))?;
                let entry = pl.preview.as_ref().ok_or_else(|| {
                    not_found(format!("pipeline `{}` has no preview template", p(1)))
                })?;
                let mut run = Map::new();
                for key in ["apiVersion", "options"] {
                    if let Some(v) = entry.doc.get(key) {
                        run.insert(key.into(), v.clone());
                    }
                }
                run.insert("id".into(), json!(id));
                run.insert("templateId".into(), json!(format!("{}-preview", pl.id)));
                run.insert("status".into(), json!("pending"));
                run.insert("createdAt".into(), json!(now));
                run.insert("updatedAt".into(), json!(now));
                if let Some(name) = body.get("name") {
                    run.insert("name".into(), name.clone());
                }
                run.insert(
                    "arguments".into(),
                    merge_args(entry.doc.get("arguments"), body.get("arguments")),
                );
                if let Some(t) = body.get("triggers") {
                    run.insert("triggers".into(), t.clone());
                }
                for key in ["gitops", "spec"] {
                    if let Some(v) = entry.doc.get(key) {
                        run.insert(key.into(), v.clone());
                    }
                }
                run.insert("refs".into(), json!({}));
                pl.preview_runs.push(run.clone());
                reply(Value::Object(run))
            }
            ListPreviewTemplateRuns => {
                let pl = self.pipeline(p(0), p(1))?;
                let items = pl
                    .preview_runs
                    .iter()
                    .rev()
                    .filter(|r| run_matches(r, query))
                    .map(|r| {
                        pick(
                            r,
                            &[
                                "apiVersion",
                                "options",
                                "id",
                                "templateId",
                                "status",
                                "createdAt",
                                "updatedAt",
                            ],
                        )
                    })
                    .collect();
                paginate_with_key(items, query, "previewTemplateRuns")
            }
            GetPreviewTemplateRun => {
                let pl = self.pipeline(p(0), p(1))?;
                let run = pl
                    .preview_runs
                    .iter()
                    .find(|r| r.get("id").and_then(Value::as_str) == Some(p(2)))
                    .ok_or_else(|| {
                        not_found(format!("preview template run `{}` not found", p(2)))
                    })?;
                reply(Value::Object(run.clone()))
            }
            ListWorkflows | ListPreviewBlueprints => {
                let project = self.project(p(0))?;
                let list = if route == ListWorkflows {
                    &project.workflows
                } else {
                    &project.blueprints
                };
                let items = list
                    .iter()
                    .map(|(id, e)| {
                        let mut m = pick(&e.doc, &["name", "description", "apiVersion", "options"]);
                        m.as_object_mut().map(|o| {
                            o.insert("id".into(), json!(id));
                            o.insert("createdAt".into(), json!(e.created_at));
                            o.insert("updatedAt".into(), json!(e.updated_at))
                        });
                        m
                    })
                    .collect();
                paginate_with_key(items, query, "pipelines")
            }
            GetWorkflow | GetPreviewBlueprint => {
                let project = self.project(p(0))?;
                let (list, what) = if route == GetWorkflow {
                    (&project.workflows, "workflow")
                } else {
                    (&project.blueprints, "preview blueprint")
                };
                let (id, entry) = list
                    .iter()
                    .find(|(id, _)| id == p(1))
                    .ok_or_else(|| not_found(format!("{what} `{}` not found", p(1))))?;
                reply(workflow_view(id, entry))
            }
            ListVcsLinks => reply(json!({ "vcsAccountLinks": self.vcs_links })),
            ListRepos => {
                let wanted = |key: &str, field: &str, repo: &Value| {
                    query_value(query, key)
                        .is_none_or(|v| repo.get(field).and_then(Value::as_str) == Some(v))
                };
                let items = self
                    .repos
                    .iter()
                    .filter(|r| {
                        wanted("vcs_service", "vcsService", r)
                            && wanted("account_login", "accountLogin", r)
                            && wanted("self_hosted_vcs_id", "selfHostedVcsId", r)
                    })
                    .cloned()
                    .collect();
                paginate_with_key(items, query, "repos")
            }
            ListBranches => {
                let key = repo_key(p(0), p(1), p(2));
                let branches = self
                    .branches
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, b)| b.clone())
                    .ok_or_else(|| {
                        not_found(format!("repository `{}/{}` not found", p(1), p(2)))
                    })?;
                paginate_with_key(branches, query, "branches")
            }
        }
    }

    fn template(&self, id: &str) -> Result<&TemplateEntry, Fail> {
        self.templates
            .iter()
            .find(|t| t.id == id)
            .ok_or_else(|| not_found(format!("template `{id}` not found")))
    }

    fn project(&self, id: &str) -> Result<&ProjectEntry, Fail> {
        self.projects
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| not_found(format!("project `{id}` not found")))
    }

    fn pipeline(&self, project: &str, id: &str) -> Result<&PipelineEntry, Fail> {
        self.project(project)?
            .pipelines
            .iter()
            .find(|p| p.id == id)
            .ok_or_else(|| not_found(format!("pipeline `{id}` not found")))
    }

    fn pipeline_mut(&mut self, project: &str, id: &str) -> Result<&mut PipelineEntry, Fail> {
        self.projects
            .iter_mut()
            .find(|p| p.id == project)
            .ok_or_else(|| not_found(format!("project `{project}` not found")))?
            .pipelines
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| not_found(format!("pipeline `{id}` not found")))
    }

    /// Stage names are matched case-insensitively (the API's handling is unconfirmed; both
    /// spellings appear in Northflank's examples).
    fn release_flow(
        &self,
        project: &str,
        pipeline: &str,
        stage: &str,
    ) -> Result<&ReleaseFlowEntry, Fail> {
        self.pipeline(project, pipeline)?
            .release_flows
            .iter()
            .find(|r| r.stage.eq_ignore_ascii_case(stage))
            .ok_or_else(|| not_found(format!("no release flow for stage `{stage}`")))
    }

    fn release_flow_mut(
        &mut self,
        project: &str,
        pipeline: &str,
        stage: &str,
    ) -> Result<&mut ReleaseFlowEntry, Fail> {
        self.pipeline_mut(project, pipeline)?
            .release_flows
            .iter_mut()
            .find(|r| r.stage.eq_ignore_ascii_case(stage))
            .ok_or_else(|| not_found(format!("no release flow for stage `{stage}`")))
    }

    /// The commit SHA after saving a linked document: saving commits the file to Git.
    fn link_sha(&mut self, doc: &Map<String, Value>) -> Option<String> {
        matches!(doc.get("gitops"), Some(Value::Object(_))).then(|| self.sha())
    }

    /// The seeded Git file a link points at.
    fn git_file(&self, link: &Value) -> Option<&SeedGitFile> {
        let field = |k: &str| link.get(k).and_then(Value::as_str).unwrap_or("");
        self.git_files.iter().find(|f| {
            f.repo_url.trim_end_matches('/').trim_end_matches(".git")
                == field("repoUrl")
                    .trim_end_matches('/')
                    .trim_end_matches(".git")
                && f.branch == field("branch")
                && f.file_path == field("filePath")
        })
    }

    fn create_template(&mut self, mut body: Map<String, Value>) -> Result<Reply, Fail> {
        let name = body
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| validation("`name` is required"))?;
        let id = slug(&name);
        if id.len() < 3 {
            return Err(validation("`name` must have at least 3 letters or digits"));
        }
        if self.templates.iter().any(|t| t.id == id) {
            return Err(fail(
                409,
                format!("a template with the id `{id}` already exists"),
            ));
        }
        let run_on_creation = take_create_only_options(&mut body);
        let overrides = body.remove("argumentOverrides");
        let is_document = body.contains_key("spec") || body.contains_key("apiVersion");
        let template_sha;
        if is_document {
            check_document(&body)?;
            template_sha = self.link_sha(&body);
        } else {
            let link = body
                .get("gitops")
                .filter(|g| g.is_object())
                .cloned()
                .ok_or_else(|| {
                    validation("either `spec` and `apiVersion`, or `gitops`, is required")
                })?;
            let (doc, sha) = self.load_linked(&body, &link)?;
            body = doc;
            template_sha = Some(sha);
        }
        let now = self.tick();
        self.templates.push(TemplateEntry {
            id: id.clone(),
            doc: body,
            template_sha,
            argument_overrides: overrides,
            created_at: now.clone(),
            updated_at: now,
        });
        let run = if run_on_creation {
            Some(self.start_template_run(&id, None)?)
        } else {
            None
        };
        self.template_reply(&id, run)
    }

    /// A document loaded from a linked Git file (or, when the file is not seeded, the body
    /// itself), plus the commit SHA it came from.
    fn load_linked(
        &mut self,
        body: &Map<String, Value>,
        link: &Value,
    ) -> Result<(Map<String, Value>, String), Fail> {
        let mut doc = match self.git_file(link) {
            Some(file) => {
                let sha = file.sha.clone();
                let mut doc = file
                    .content
                    .as_object()
                    .cloned()
                    .ok_or_else(|| validation("the linked file does not hold a JSON object"))?;
                doc.remove("argumentOverrides");
                let sha = sha.unwrap_or_else(|| self.sha());
                for key in ["name", "description"] {
                    if let Some(v) = body.get(key) {
                        doc.insert(key.into(), v.clone());
                    }
                }
                doc.insert("gitops".into(), link.clone());
                return Ok((doc, sha));
            }
            None => body.clone(),
        };
        doc.insert("gitops".into(), link.clone());
        Ok((doc, self.sha()))
    }

    fn update_template(&mut self, id: &str, mut body: Map<String, Value>) -> Result<Reply, Fail> {
        self.template(id)?;
        let is_document = body.contains_key("spec") || body.contains_key("apiVersion");
        let now;
        if is_document {
            check_document(&body)?;
            if !body.get("name").is_some_and(Value::is_string) {
                return Err(validation("`name` is required"));
            }
            let overrides = body.remove("argumentOverrides");
            let sha = self.link_sha(&body);
            now = self.tick();
            let t = self.template_mut(id)?;
            t.doc = body;
            t.template_sha = sha;
            if overrides.is_some() {
                t.argument_overrides = overrides;
            }
            t.updated_at = now;
        } else {
            if !body.contains_key("gitops") {
                return Err(validation(
                    "either `spec` and `apiVersion`, or `gitops`, is required",
                ));
            }
            let link = body.remove("gitops").unwrap_or(Value::Null);
            let current = self.template(id)?.doc.clone();
            let (mut doc, sha) = match &link {
                Value::Null => {
                    let mut doc = current;
                    doc.remove("gitops");
                    (doc, None)
                }
                Value::Object(_) => {
                    let (doc, sha) = self.load_linked(&current, &link)?;
                    (doc, Some(sha))
                }
                _ => return Err(validation("`gitops` must be an object or null")),
            };
            for key in ["name", "description"] {
                if let Some(v) = body.get(key) {
                    doc.insert(key.into(), v.clone());
                }
            }
            let overrides = body.remove("argumentOverrides");
            now = self.tick();
            let t = self.template_mut(id)?;
            t.doc = doc;
            t.template_sha = sha;
            if overrides.is_some() {
                t.argument_overrides = overrides;
            }
            t.updated_at = now;
        }
        let autorun = self
            .template(id)?
            .doc
            .get("options")
            .and_then(|o| o.get("autorun"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let run = if autorun {
            Some(self.start_template_run(id, None)?)
        } else {
            None
        };
        self.template_reply(id, run)
    }

    fn template_mut(&mut self, id: &str) -> Result<&mut TemplateEntry, Fail> {
        self.templates
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or_else(|| not_found(format!("template `{id}` not found")))
    }

    fn template_reply(&self, id: &str, run: Option<Map<String, Value>>) -> Result<Reply, Fail> {
        let mut data = Map::new();
        data.insert("template".into(), template_view(self.template(id)?));
        if let Some(run) = run {
            data.insert("templateRun".into(), Value::Object(run));
        }
        reply(Value::Object(data))
    }

    fn start_template_run(
        &mut self,
        id: &str,
        arguments: Option<&Value>,
    ) -> Result<Map<String, Value>, Fail> {
        let run_id = self.next_id();
        let now = self.tick();
        let t = self.template(id)?;
        let mut run = Map::new();
        for key in ["name", "description", "apiVersion", "options"] {
            if let Some(v) = t.doc.get(key) {
                run.insert(key.into(), v.clone());
            }
        }
        let mut base_args = t.doc.get("arguments").cloned();
        if let (Some(Value::Object(args)), Some(Value::Object(over))) =
            (&mut base_args, &t.argument_overrides)
        {
            for (k, v) in over {
                args.insert(k.clone(), v.clone());
            }
        }
        run.insert(
            "arguments".into(),
            merge_args(base_args.as_ref(), arguments),
        );
        for key in ["gitops", "$schema", "spec"] {
            if let Some(v) = t.doc.get(key) {
                run.insert(key.into(), v.clone());
            }
        }
        run.insert("refs".into(), json!({}));
        run.insert("id".into(), json!(run_id));
        run.insert("templateId".into(), json!(id));
        run.insert("status".into(), json!("running"));
        run.insert("startedAt".into(), json!(now));
        run.insert("concluded".into(), json!(false));
        run.insert("createdAt".into(), json!(now));
        run.insert("updatedAt".into(), json!(now));
        self.template_runs.push(run.clone());
        Ok(run)
    }

    // ----- views for test assertions -------------------------------------------------------

    pub fn template_document(&self, id: &str) -> Option<Value> {
        self.template(id).ok().map(template_view)
    }

    pub fn template_argument_overrides(&self, id: &str) -> Option<Value> {
        self.template(id).ok()?.argument_overrides.clone()
    }

    pub fn template_runs(&self, id: &str) -> Vec<Value> {
        self.template_runs
            .iter()
            .filter(|r| r.get("templateId").and_then(Value::as_str) == Some(id))
            .cloned()
            .map(Value::Object)
            .collect()
    }

    pub fn release_flow_document(
        &self,
        project: &str,
        pipeline: &str,
        stage: &str,
    ) -> Option<Value> {
        self.release_flow(project, pipeline, stage)
            .ok()
            .map(release_flow_view)
    }

    pub fn release_flow_runs(&self, project: &str, pipeline: &str, stage: &str) -> Vec<Value> {
        self.release_flow(project, pipeline, stage)
            .map(|rf| rf.runs.iter().cloned().map(Value::Object).collect())
            .unwrap_or_default()
    }

    pub fn preview_template_document(&self, project: &str, pipeline: &str) -> Option<Value> {
        let pl = self.pipeline(project, pipeline).ok()?;
        pl.preview.as_ref().map(|e| preview_view(&pl.id, e))
    }

    pub fn preview_template_runs(&self, project: &str, pipeline: &str) -> Vec<Value> {
        self.pipeline(project, pipeline)
            .map(|pl| pl.preview_runs.iter().cloned().map(Value::Object).collect())
            .unwrap_or_default()
    }
}

fn validation(message: &str) -> Fail {
    Fail {
        status: 400,
        message: "validation error".into(),
        details: Some(json!({ "body": [message] })),
    }
}

fn object_body(body: Option<Value>) -> Result<Map<String, Value>, Fail> {
    match body {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(validation("the request body must be a JSON object")),
    }
}

fn optional_object_body(body: Option<Value>) -> Result<Map<String, Value>, Fail> {
    match body {
        None | Some(Value::Null) => Ok(Map::new()),
        other => object_body(other),
    }
}

fn check_document(body: &Map<String, Value>) -> Result<(), Fail> {
    if !body.get("apiVersion").is_some_and(Value::is_string) {
        return Err(validation("`apiVersion` is required"));
    }
    if !body.get("spec").is_some_and(Value::is_object) {
        return Err(validation("`spec` is required and must be an object"));
    }
    Ok(())
}

fn document_body(body: Option<Value>) -> Result<Map<String, Value>, Fail> {
    let body = object_body(body)?;
    check_document(&body)?;
    Ok(body)
}

/// Removes `runOnCreation*` from `options` (create-only settings) and says whether to run.
fn take_create_only_options(body: &mut Map<String, Value>) -> bool {
    let Some(Value::Object(options)) = body.get_mut("options") else {
        return false;
    };
    options.remove("runOnCreationArgumentOverrides");
    options
        .remove("runOnCreation")
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

fn replace_doc(entry: &mut DocEntry, doc: Map<String, Value>, sha: Option<String>, now: String) {
    entry.doc = doc;
    entry.template_sha = sha;
    entry.updated_at = now;
}

fn take_id(doc: &mut Map<String, Value>) -> String {
    match doc.remove("id") {
        Some(Value::String(id)) => id,
        _ => slug(doc.get("name").and_then(Value::as_str).unwrap_or("unnamed")),
    }
}

fn take_sha(doc: &mut Map<String, Value>) -> Option<String> {
    match doc.get_mut("gitops") {
        Some(Value::Object(g)) => g
            .remove("templateSha")
            .and_then(|v| v.as_str().map(str::to_owned)),
        _ => None,
    }
}

/// `Example Template` → `example-template`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn repo_key(service: &str, owner: &str, name: &str) -> String {
    format!("{service}/{owner}/{name}").to_lowercase()
}

fn with_sha(gitops: &Value, sha: Option<&String>) -> Value {
    let mut gitops = gitops.clone();
    if let (Value::Object(g), Some(sha)) = (&mut gitops, sha) {
        g.insert("templateSha".into(), json!(sha));
    }
    gitops
}

/// `GET /v1/templates/{id}`: the document with `id`, `gitops.templateSha`, the policy at the top
/// level, `options` reduced to `autorun`, and timestamps. Argument overrides are never returned.
fn template_view(t: &TemplateEntry) -> Value {
    let mut out = Map::new();
    for (key, value) in &t.doc {
        match key.as_str() {
            "options" => {}
            "gitops" => {
                out.insert(key.clone(), with_sha(value, t.template_sha.as_ref()));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out.insert("id".into(), json!(t.id));
    let options = t.doc.get("options");
    if let Some(policy) = options.and_then(|o| o.get("concurrencyPolicy")) {
        out.insert("concurrencyPolicy".into(), policy.clone());
    }
    let autorun = options
        .and_then(|o| o.get("autorun"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    out.insert("options".into(), json!({ "autorun": autorun }));
    out.insert("createdAt".into(), json!(t.created_at));
    out.insert("updatedAt".into(), json!(t.updated_at));
    Value::Object(out)
}

fn template_summary(t: &TemplateEntry) -> Value {
    let mut out = Map::new();
    for key in ["name", "description", "apiVersion", "options"] {
        if let Some(v) = t.doc.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    out.insert("id".into(), json!(t.id));
    if let Some(p) = t
        .doc
        .get("options")
        .and_then(|o| o.get("concurrencyPolicy"))
    {
        out.insert("concurrencyPolicy".into(), p.clone());
    }
    out.insert("createdAt".into(), json!(t.created_at));
    out.insert("updatedAt".into(), json!(t.updated_at));
    Value::Object(out)
}

fn doc_with_sha(entry: &DocEntry) -> Map<String, Value> {
    entry
        .doc
        .iter()
        .map(|(k, v)| {
            if k == "gitops" {
                (k.clone(), with_sha(v, entry.template_sha.as_ref()))
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

fn release_flow_view(rf: &ReleaseFlowEntry) -> Value {
    let mut out = doc_with_sha(&rf.entry);
    let options = rf.entry.doc.get("options");
    if let Some(policy) = options.and_then(|o| o.get("concurrencyPolicy")) {
        out.insert("concurrencyPolicy".into(), policy.clone());
    }
    out.insert("stage".into(), json!(rf.stage));
    let status = rf
        .runs
        .last()
        .and_then(|r| r.get("status").cloned())
        .unwrap_or_else(|| json!("success"));
    out.insert("status".into(), status);
    let paused = options
        .and_then(|o| o.get("paused"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    out.insert("paused".into(), json!(paused));
    out.insert("createdAt".into(), json!(rf.entry.created_at));
    out.insert("updatedAt".into(), json!(rf.entry.updated_at));
    Value::Object(out)
}

fn preview_view(pipeline_id: &str, entry: &DocEntry) -> Value {
    let mut out = doc_with_sha(entry);
    out.insert("id".into(), json!(format!("{pipeline_id}-preview")));
    out.entry("paused").or_insert(json!(false));
    out.entry("options").or_insert(json!({}));
    out.insert("createdAt".into(), json!(entry.created_at));
    out.insert("updatedAt".into(), json!(entry.updated_at));
    Value::Object(out)
}

fn workflow_view(id: &str, entry: &DocEntry) -> Value {
    let mut out = doc_with_sha(entry);
    out.insert("id".into(), json!(id));
    if let Some(policy) = entry
        .doc
        .get("options")
        .and_then(|o| o.get("concurrencyPolicy"))
    {
        out.insert("concurrencyPolicy".into(), policy.clone());
    }
    out.insert("status".into(), json!("success"));
    out.insert("paused".into(), json!(false));
    out.insert("createdAt".into(), json!(entry.created_at));
    out.insert("updatedAt".into(), json!(entry.updated_at));
    Value::Object(out)
}

fn merge_args(base: Option<&Value>, extra: Option<&Value>) -> Value {
    let mut args = base.and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(Value::Object(extra)) = extra {
        for (k, v) in extra {
            args.insert(k.clone(), v.clone());
        }
    }
    Value::Object(args)
}

fn pick(map: &Map<String, Value>, keys: &[&str]) -> Value {
    let mut out = Map::new();
    for key in keys {
        if let Some(v) = map.get(*key) {
            out.insert((*key).to_owned(), v.clone());
        }
    }
    Value::Object(out)
}

fn query_value<'a>(query: &'a [(String, String)], key: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

fn run_matches(run: &Map<String, Value>, query: &[(String, String)]) -> bool {
    let status_ok = query_value(query, "status")
        .is_none_or(|s| run.get("status").and_then(Value::as_str) == Some(s));
    let concluded_ok = query_value(query, "concluded").is_none_or(|c| {
        let concluded = run
            .get("concluded")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        c == concluded.to_string()
    });
    status_ok && concluded_ok
}

/// Applies `per_page` (1–100, default 50) and `cursor` (or a 1-based `page`) to `items`.
fn paginate_with_key(
    items: Vec<Value>,
    query: &[(String, String)],
    key: &str,
) -> Result<Reply, Fail> {
    let per_page = match query_value(query, "per_page") {
        None => 50,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                return Err(validation(
                    "`per_page` must be a whole number from 1 to 100",
                ));
            }
        },
    };
    let start = if let Some(cursor) = query_value(query, "cursor") {
        cursor
            .strip_prefix("cur_")
            .and_then(|hex| usize::from_str_radix(hex, 16).ok())
            .filter(|n| *n <= items.len())
            .ok_or_else(|| validation("`cursor` is not a cursor this API returned"))?
    } else if let Some(page) = query_value(query, "page") {
        match page.parse::<usize>() {
            Ok(n) if n >= 1 => (n - 1).saturating_mul(per_page),
            _ => return Err(validation("`page` must be a whole number from 1")),
        }
    } else {
        0
    };
    let total = items.len();
    let page: Vec<Value> = items.into_iter().skip(start).take(per_page).collect();
    let end = start.saturating_add(page.len());
    let has_next = end < total;
    let mut pagination = Map::new();
    pagination.insert("hasNextPage".into(), json!(has_next));
    if has_next {
        pagination.insert("cursor".into(), json!(format!("cur_{end:x}")));
    }
    pagination.insert("count".into(), json!(page.len()));
    let mut data = Map::new();
    data.insert(key.to_owned(), Value::Array(page));
    Ok(Reply {
        data: Value::Object(data),
        pagination: Some(Value::Object(pagination)),
    })
}

/// RFC 3339 UTC time with milliseconds, from Unix seconds.
pub(crate) fn timestamp(unix: u64) -> String {
    let days = unix / 86_400;
    let secs = unix % 86_400;
    // Civil-from-days (Howard Hinnant), for days since 1970-01-01.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_and_slugs() {
        assert_eq!(timestamp(EPOCH), "2026-01-01T00:00:00.000Z");
        assert_eq!(timestamp(951_782_400 + 3_661), "2000-02-29T01:01:01.000Z");
        assert_eq!(slug("Example Template"), "example-template");
        assert_eq!(slug("  My--App 2 "), "my-app-2");
    }

    #[test]
    fn pagination_walks_with_cursors() {
        let items: Vec<Value> = (0..7).map(|i| json!(i)).collect();
        let q = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let first = paginate_with_key(items.clone(), &q(&[("per_page", "3")]), "x").unwrap();
        assert_eq!(first.data, json!({"x": [0, 1, 2]}));
        assert_eq!(
            first.pagination,
            Some(json!({"hasNextPage": true, "cursor": "cur_3", "count": 3}))
        );
        let last = paginate_with_key(
            items.clone(),
            &q(&[("per_page", "3"), ("cursor", "cur_6")]),
            "x",
        )
        .unwrap();
        assert_eq!(last.data, json!({"x": [6]}));
        assert_eq!(
            last.pagination,
            Some(json!({"hasNextPage": false, "count": 1}))
        );
        let by_page =
            paginate_with_key(items.clone(), &q(&[("per_page", "3"), ("page", "2")]), "x").unwrap();
        assert_eq!(by_page.data, json!({"x": [3, 4, 5]}));
        let err = paginate_with_key(items.clone(), &q(&[("per_page", "101")]), "x").unwrap_err();
        assert_eq!(err.status, 400);
        let err = paginate_with_key(items, &q(&[("cursor", "bogus")]), "x").unwrap_err();
        assert_eq!(err.status, 400);
    }
}
