//! The typed endpoint methods of [`Client`]: templates, pipelines, release flows, preview
//! templates, workflows, preview blueprints and the VCS lookups.
//!
//! Every method is a plain `async fn`; dropping the returned future cancels the request.

use serde_json::Value;

use crate::client::Client;
use crate::error::ApiError;
use crate::models::*;
use crate::operation::{Call, Operation};

fn template_obj(id: &str) -> String {
    format!("template `{id}`")
}

fn release_flow_obj(key: &ReleaseFlowKey) -> String {
    format!(
        "the release flow of stage `{}` in pipeline `{}` of project `{}`",
        key.stage, key.pipeline_id, key.project_id
    )
}

fn preview_obj(key: &PipelineKey) -> String {
    format!(
        "the preview template of pipeline `{}` in project `{}`",
        key.pipeline_id, key.project_id
    )
}

fn run_filter_query(filter: &RunFilter) -> Vec<(&'static str, String)> {
    let mut query = Vec::new();
    if let Some(status) = &filter.status {
        query.push(("status", status.as_str().to_owned()));
    }
    if let Some(concluded) = filter.concluded {
        query.push(("concluded", concluded.to_string()));
    }
    query
}

impl Client {
    fn teams_object(&self) -> String {
        match &self.config().team_id {
            Some(team) => format!("team `{team}`"),
            None => "the token's team".to_owned(),
        }
    }

    // ----- templates -------------------------------------------------------------------------

    /// `GET /v1/templates` — one page.
    pub async fn list_templates(
        &self,
        page: &PageRequest,
    ) -> Result<Page<TemplateSummary>, ApiError> {
        let call = Call::new(
            Operation::ListTemplates,
            "list templates",
            self.teams_object(),
        );
        self.list_page(&call, &["templates"], "templates", page, Vec::new())
            .await
    }

    /// Every template, following the cursor (bounded by `max_pages`).
    pub async fn list_all_templates(&self) -> Result<Vec<TemplateSummary>, ApiError> {
        self.list_all("templates", async |p| self.list_templates(&p).await)
            .await
    }

    /// `GET /v1/templates/{templateId}` — the full document (see [`Template::raw`]).
    pub async fn get_template(&self, template_id: &str) -> Result<Template, ApiError> {
        let call = Call::new(
            Operation::GetTemplate,
            format!("get template `{template_id}`"),
            template_obj(template_id),
        );
        let env = self
            .send::<()>(&call, &["templates", template_id], &[], None)
            .await?;
        self.decode_doc(&call, env.data)
    }

    /// `POST /v1/templates` — a `v1.2` document or the gitops variant.
    pub async fn create_template(
        &self,
        body: &CreateTemplate,
    ) -> Result<TemplateWithRun, ApiError> {
        let name = match body {
            CreateTemplate::Document(v) => v.get("name").and_then(Value::as_str).unwrap_or(""),
            CreateTemplate::Gitops(g) => g.name.as_str(),
        };
        let call = Call::new(
            Operation::CreateTemplate,
            format!("create template `{name}`"),
            self.teams_object(),
        );
        let env = self.send(&call, &["templates"], &[], Some(body)).await?;
        self.decode(&call, env.data)
    }

    /// `POST /v1/templates/{templateId}` — replace the document, or change name/description/link.
    pub async fn update_template(
        &self,
        template_id: &str,
        body: &UpdateTemplate,
    ) -> Result<TemplateWithRun, ApiError> {
        let call = Call::new(
            Operation::UpdateTemplate,
            format!("update template `{template_id}`"),
            template_obj(template_id),
        );
        let env = self
            .send(&call, &["templates", template_id], &[], Some(body))
            .await?;
        self.decode(&call, env.data)
    }

    /// `POST /v1/templates/{templateId}/runs` — start a run. Not retried after a timeout or 5xx
    /// (the run may have started).
    pub async fn run_template(
        &self,
        template_id: &str,
        body: &RunTemplate,
    ) -> Result<TemplateRun, ApiError> {
        let call = Call::new(
            Operation::RunTemplate,
            format!("run template `{template_id}`"),
            template_obj(template_id),
        );
        let env = self
            .send(&call, &["templates", template_id, "runs"], &[], Some(body))
            .await?;
        self.decode_doc(&call, env.data)
    }

    /// `GET /v1/templates/{templateId}/runs` — one page.
    pub async fn list_template_runs(
        &self,
        template_id: &str,
        filter: &RunFilter,
        page: &PageRequest,
    ) -> Result<Page<TemplateRunSummary>, ApiError> {
        let call = Call::new(
            Operation::ListTemplateRuns,
            format!("list the runs of template `{template_id}`"),
            template_obj(template_id),
        );
        self.list_page(
            &call,
            &["templates", template_id, "runs"],
            "templateRuns",
            page,
            run_filter_query(filter),
        )
        .await
    }

    /// Every run of a template.
    pub async fn list_all_template_runs(
        &self,
        template_id: &str,
        filter: &RunFilter,
    ) -> Result<Vec<TemplateRunSummary>, ApiError> {
        let what = format!("the runs of template `{template_id}`");
        self.list_all(&what, async |p| {
            self.list_template_runs(template_id, filter, &p).await
        })
        .await
    }

    /// `GET /v1/templates/{templateId}/runs/{templateRunId}` — with `refs` and node responses.
    pub async fn get_template_run(
        &self,
        template_id: &str,
        run_id: &str,
    ) -> Result<TemplateRun, ApiError> {
        let call = Call::new(
            Operation::GetTemplateRun,
            format!("get run `{run_id}` of template `{template_id}`"),
            format!("run `{run_id}` of template `{template_id}`"),
        );
        let env = self
            .send::<()>(
                &call,
                &["templates", template_id, "runs", run_id],
                &[],
                None,
            )
            .await?;
        self.decode_doc(&call, env.data)
    }

    // ----- pipelines -------------------------------------------------------------------------

    /// `GET /v1/projects/{projectId}/pipelines` — one page.
    pub async fn list_pipelines(
        &self,
        project_id: &str,
        page: &PageRequest,
    ) -> Result<Page<PipelineSummary>, ApiError> {
        let call = Call::new(
            Operation::ListPipelines,
            format!("list the pipelines of project `{project_id}`"),
            format!("project `{project_id}`"),
        );
        self.list_page(
            &call,
            &["projects", project_id, "pipelines"],
            "pipelines",
            page,
            Vec::new(),
        )
        .await
    }

    /// Every pipeline of a project.
    pub async fn list_all_pipelines(
        &self,
        project_id: &str,
    ) -> Result<Vec<PipelineSummary>, ApiError> {
        let what = format!("the pipelines of project `{project_id}`");
        self.list_all(&what, async |p| self.list_pipelines(project_id, &p).await)
            .await
    }

    /// `GET /v1/projects/{projectId}/pipelines/{pipelineId}`.
    pub async fn get_pipeline(&self, key: &PipelineKey) -> Result<Pipeline, ApiError> {
        let call = Call::new(
            Operation::GetPipeline,
            format!(
                "get pipeline `{}` of project `{}`",
                key.pipeline_id, key.project_id
            ),
            format!(
                "pipeline `{}` in project `{}`",
                key.pipeline_id, key.project_id
            ),
        );
        let env = self
            .send::<()>(
                &call,
                &["projects", &key.project_id, "pipelines", &key.pipeline_id],
                &[],
                None,
            )
            .await?;
        self.decode(&call, env.data)
    }

    // ----- release flows ---------------------------------------------------------------------

    fn release_flow_path<'a>(key: &'a ReleaseFlowKey, tail: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec![
            "projects",
            key.project_id.as_str(),
            "pipelines",
            key.pipeline_id.as_str(),
            "release-flows",
            key.stage.as_str(),
        ];
        path.extend_from_slice(tail);
        path
    }

    /// `GET …/pipelines/{pipelineId}/release-flows/{stage}` — the full document.
    pub async fn get_release_flow(&self, key: &ReleaseFlowKey) -> Result<ReleaseFlow, ApiError> {
        let obj = release_flow_obj(key);
        let call = Call::new(Operation::GetReleaseFlow, format!("get {obj}"), obj);
        let env = self
            .send::<()>(&call, &Self::release_flow_path(key, &[]), &[], None)
            .await?;
        self.decode_doc(&call, env.data)
    }

    /// `POST …/release-flows/{stage}` with the document (`apiVersion` and `spec` are required).
    /// The API leaves the response untyped; its `data` is returned as is.
    pub async fn update_release_flow(
        &self,
        key: &ReleaseFlowKey,
        document: &Value,
    ) -> Result<Value, ApiError> {
        let obj = release_flow_obj(key);
        let call = Call::new(Operation::UpdateReleaseFlow, format!("update {obj}"), obj);
        let env = self
            .send(
                &call,
                &Self::release_flow_path(key, &[]),
                &[],
                Some(document),
            )
            .await?;
        Ok(env.data)
    }

    /// `POST …/release-flows/{stage}/runs`. Not retried after a timeout or 5xx.
    pub async fn run_release_flow(
        &self,
        key: &ReleaseFlowKey,
        body: &RunReleaseFlow,
    ) -> Result<RunStarted, ApiError> {
        let obj = release_flow_obj(key);
        let call = Call::new(Operation::RunReleaseFlow, format!("run {obj}"), obj);
        let env = self
            .send(
                &call,
                &Self::release_flow_path(key, &["runs"]),
                &[],
                Some(body),
            )
            .await?;
        Ok(RunStarted::from_value(env.data))
    }

    /// `GET …/release-flows/{stage}/runs` — one page.
    pub async fn list_release_flow_runs(
        &self,
        key: &ReleaseFlowKey,
        filter: &RunFilter,
        page: &PageRequest,
    ) -> Result<Page<ReleaseFlowRunSummary>, ApiError> {
        let obj = release_flow_obj(key);
        let call = Call::new(
            Operation::ListReleaseFlowRuns,
            format!("list the runs of {obj}"),
            obj,
        );
        self.list_page(
            &call,
            &Self::release_flow_path(key, &["runs"]),
            "runs",
            page,
            run_filter_query(filter),
        )
        .await
    }

    /// Every run of a release flow.
    pub async fn list_all_release_flow_runs(
        &self,
        key: &ReleaseFlowKey,
        filter: &RunFilter,
    ) -> Result<Vec<ReleaseFlowRunSummary>, ApiError> {
        let what = format!("the runs of {}", release_flow_obj(key));
        self.list_all(&what, async |p| {
            self.list_release_flow_runs(key, filter, &p).await
        })
        .await
    }

    /// `GET …/release-flows/{stage}/runs/{runId}`.
    pub async fn get_release_flow_run(
        &self,
        key: &ReleaseFlowKey,
        run_id: &str,
    ) -> Result<ReleaseFlowRun, ApiError> {
        let obj = format!("run `{run_id}` of {}", release_flow_obj(key));
        let call = Call::new(Operation::GetReleaseFlowRun, format!("get {obj}"), obj);
        let env = self
            .send::<()>(
                &call,
                &Self::release_flow_path(key, &["runs", run_id]),
                &[],
                None,
            )
            .await?;
        self.decode_doc(&call, env.data)
    }

    // ----- preview templates -----------------------------------------------------------------

    fn preview_path<'a>(key: &'a PipelineKey, tail: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec![
            "projects",
            key.project_id.as_str(),
            "pipelines",
            key.pipeline_id.as_str(),
            "preview-envs",
        ];
        path.extend_from_slice(tail);
        path
    }

    /// `GET …/pipelines/{pipelineId}/preview-envs`.
    pub async fn get_preview_template(
        &self,
        key: &PipelineKey,
    ) -> Result<PreviewTemplate, ApiError> {
        let obj = preview_obj(key);
        let call = Call::new(Operation::GetPreviewTemplate, format!("get {obj}"), obj);
        let env = self
            .send::<()>(&call, &Self::preview_path(key, &[]), &[], None)
            .await?;
        self.decode_doc(&call, env.data)
    }

    /// `POST …/preview-envs` with the document. Returns the untyped `data`.
    pub async fn update_preview_template(
        &self,
        key: &PipelineKey,
        document: &Value,
    ) -> Result<Value, ApiError> {
        let obj = preview_obj(key);
        let call = Call::new(
            Operation::UpdatePreviewTemplate,
            format!("update {obj}"),
            obj,
        );
        let env = self
            .send(&call, &Self::preview_path(key, &[]), &[], Some(document))
            .await?;
        Ok(env.data)
    }

    /// `POST …/preview-envs/runs`. Not retried after a timeout or 5xx.
    pub async fn run_preview_template(
        &self,
        key: &PipelineKey,
        body: &RunPreviewTemplate,
    ) -> Result<RunStarted, ApiError> {
        let obj = preview_obj(key);
        let call = Call::new(Operation::RunPreviewTemplate, format!("run {obj}"), obj);
        let env = self
            .send(&call, &Self::preview_path(key, &["runs"]), &[], Some(body))
            .await?;
        Ok(RunStarted::from_value(env.data))
    }

    /// `GET …/preview-envs/runs` — one page.
    pub async fn list_preview_template_runs(
        &self,
        key: &PipelineKey,
        filter: &RunFilter,
        page: &PageRequest,
    ) -> Result<Page<PreviewTemplateRunSummary>, ApiError> {
        let obj = preview_obj(key);
        let call = Call::new(
            Operation::ListPreviewTemplateRuns,
            format!("list the runs of {obj}"),
            obj,
        );
        self.list_page(
            &call,
            &Self::preview_path(key, &["runs"]),
            "previewTemplateRuns",
            page,
            run_filter_query(filter),
        )
        .await
    }

    /// Every run of a preview template.
    pub async fn list_all_preview_template_runs(
        &self,
        key: &PipelineKey,
        filter: &RunFilter,
    ) -> Result<Vec<PreviewTemplateRunSummary>, ApiError> {
        let what = format!("the runs of {}", preview_obj(key));
        self.list_all(&what, async |p| {
            self.list_preview_template_runs(key, filter, &p).await
        })
        .await
    }

    /// `GET …/preview-envs/runs/{templateRunId}`.
    pub async fn get_preview_template_run(
        &self,
        key: &PipelineKey,
        run_id: &str,
    ) -> Result<PreviewTemplateRun, ApiError> {
        let obj = format!("run `{run_id}` of {}", preview_obj(key));
        let call = Call::new(Operation::GetPreviewTemplateRun, format!("get {obj}"), obj);
        let env = self
            .send::<()>(
                &call,
                &Self::preview_path(key, &["runs", run_id]),
                &[],
                None,
            )
            .await?;
        self.decode_doc(&call, env.data)
    }

    // ----- workflows and preview blueprints ---------------------------------------------------

    /// `GET /v1/projects/{projectId}/workflows` — one page.
    pub async fn list_workflows(
        &self,
        project_id: &str,
        page: &PageRequest,
    ) -> Result<Page<WorkflowSummary>, ApiError> {
        let call = Call::new(
            Operation::ListWorkflows,
            format!("list the workflows of project `{project_id}`"),
            format!("project `{project_id}`"),
        );
        // The API names the array `pipelines` for workflows too.
        self.list_page(
            &call,
            &["projects", project_id, "workflows"],
            "pipelines",
            page,
            Vec::new(),
        )
        .await
    }

    /// Every workflow of a project.
    pub async fn list_all_workflows(
        &self,
        project_id: &str,
    ) -> Result<Vec<WorkflowSummary>, ApiError> {
        let what = format!("the workflows of project `{project_id}`");
        self.list_all(&what, async |p| self.list_workflows(project_id, &p).await)
            .await
    }

    /// `GET /v1/projects/{projectId}/workflows/{workflowId}`.
    pub async fn get_workflow(
        &self,
        project_id: &str,
        workflow_id: &str,
    ) -> Result<Workflow, ApiError> {
        let obj = format!("workflow `{workflow_id}` in project `{project_id}`");
        let call = Call::new(Operation::GetWorkflow, format!("get {obj}"), obj);
        let env = self
            .send::<()>(
                &call,
                &["projects", project_id, "workflows", workflow_id],
                &[],
                None,
            )
            .await?;
        self.decode_doc(&call, env.data)
    }

    /// `GET /v1/projects/{projectId}/preview-blueprints` — one page.
    pub async fn list_preview_blueprints(
        &self,
        project_id: &str,
        page: &PageRequest,
    ) -> Result<Page<WorkflowSummary>, ApiError> {
        let call = Call::new(
            Operation::ListPreviewBlueprints,
            format!("list the preview blueprints of project `{project_id}`"),
            format!("project `{project_id}`"),
        );
        self.list_page(
            &call,
            &["projects", project_id, "preview-blueprints"],
            "pipelines",
            page,
            Vec::new(),
        )
        .await
    }

    /// Every preview blueprint of a project.
    pub async fn list_all_preview_blueprints(
        &self,
        project_id: &str,
    ) -> Result<Vec<WorkflowSummary>, ApiError> {
        let what = format!("the preview blueprints of project `{project_id}`");
        self.list_all(&what, async |p| {
            self.list_preview_blueprints(project_id, &p).await
        })
        .await
    }

    /// `GET /v1/projects/{projectId}/preview-blueprints/{previewBlueprintId}`.
    pub async fn get_preview_blueprint(
        &self,
        project_id: &str,
        blueprint_id: &str,
    ) -> Result<PreviewBlueprint, ApiError> {
        let obj = format!("preview blueprint `{blueprint_id}` in project `{project_id}`");
        let call = Call::new(Operation::GetPreviewBlueprint, format!("get {obj}"), obj);
        let env = self
            .send::<()>(
                &call,
                &["projects", project_id, "preview-blueprints", blueprint_id],
                &[],
                None,
            )
            .await?;
        self.decode_doc(&call, env.data)
    }

    // ----- version control ---------------------------------------------------------------------

    /// `GET /v1/integrations/vcs` — the linked Git accounts (not paginated).
    pub async fn list_vcs_links(&self) -> Result<Vec<VcsAccountLink>, ApiError> {
        let call = Call::new(
            Operation::ListVcsLinks,
            "list the linked Git accounts",
            self.teams_object(),
        );
        let env = self
            .send::<()>(&call, &["integrations", "vcs"], &[], None)
            .await?;
        let links = env
            .data
            .get("vcsAccountLinks")
            .cloned()
            .unwrap_or(Value::Array(Vec::new()));
        self.decode(&call, links)
    }

    /// `GET /v1/integrations/vcs/repos` — one page.
    pub async fn list_repos(
        &self,
        filter: &RepoFilter,
        page: &PageRequest,
    ) -> Result<Page<Repo>, ApiError> {
        let call = Call::new(
            Operation::ListRepos,
            "list the Git repositories",
            self.teams_object(),
        );
        let mut query = Vec::new();
        if let Some(v) = &filter.vcs_service {
            query.push(("vcs_service", v.as_str().to_owned()));
        }
        if let Some(v) = &filter.self_hosted_vcs_id {
            query.push(("self_hosted_vcs_id", v.clone()));
        }
        if let Some(v) = &filter.account_login {
            query.push(("account_login", v.clone()));
        }
        if let Some(v) = &filter.vcs_link_id {
            query.push(("vcs_link_id", v.clone()));
        }
        self.list_page(
            &call,
            &["integrations", "vcs", "repos"],
            "repos",
            page,
            query,
        )
        .await
    }

    /// Every repository matching `filter`.
    pub async fn list_all_repos(&self, filter: &RepoFilter) -> Result<Vec<Repo>, ApiError> {
        self.list_all("Git repositories", async |p| {
            self.list_repos(filter, &p).await
        })
        .await
    }

    /// `GET /v1/integrations/vcs/repos/{vcsService}/{owner}/{name}/branches` — one page.
    pub async fn list_branches(
        &self,
        repo: &RepoKey,
        vcs_link_id: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<Branch>, ApiError> {
        let obj = format!(
            "repository `{}/{}` on {}",
            repo.owner, repo.name, repo.vcs_service
        );
        let call = Call::new(
            Operation::ListBranches,
            format!("list the branches of {obj}"),
            obj,
        );
        let query = vcs_link_id
            .map(|id| vec![("vcs_link_id", id.to_owned())])
            .unwrap_or_default();
        self.list_page(
            &call,
            &[
                "integrations",
                "vcs",
                "repos",
                repo.vcs_service.as_str(),
                &repo.owner,
                &repo.name,
                "branches",
            ],
            "branches",
            page,
            query,
        )
        .await
    }

    /// Every branch of a repository.
    pub async fn list_all_branches(
        &self,
        repo: &RepoKey,
        vcs_link_id: Option<&str>,
    ) -> Result<Vec<Branch>, ApiError> {
        let what = format!("the branches of `{}/{}`", repo.owner, repo.name);
        self.list_all(&what, async |p| {
            self.list_branches(repo, vcs_link_id, &p).await
        })
        .await
    }

    fn decode_doc<T: KeepRaw>(&self, call: &Call, value: Value) -> Result<T, ApiError> {
        parse_keeping_raw(value).map_err(|e| ApiError::InvalidResponse {
            action: call.action.clone(),
            status: 200,
            reason: format!("unexpected shape: {}", self.redact(&e.to_string())),
        })
    }
}
