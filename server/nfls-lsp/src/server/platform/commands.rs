//! The `northflank.remote.*` commands: status, link, fetch, diff and replace.
//!
//! Each handler checks what it can without the user (token, git facts, network lookups) and
//! answers errors as command errors. Anything that needs the user's answer or changes the
//! buffer (`window/showMessageRequest`, `workspace/applyEdit`, `window/showDocument`) runs in a
//! spawned task after the handler has answered.

use std::collections::HashMap;
use std::sync::Arc;

use nfls_ide::DocumentKind;
use nfls_ide::platform as ide_platform;
use nfls_platform::TemplateSummary;
use nfls_syntax::TextRange;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{self, ErrorCode};
use tower_lsp_server::ls_types::{MessageType, TextEdit, Uri, WorkspaceEdit};

use super::{LinkStatus, SCHEME, lock};
use crate::remote::engine::{self, FileFacts, LinkPlan, LinkedObject, ObjectKey};
use crate::server::Backend;
use crate::server::convert;
use crate::server::documents::Snapshot;

/// At most this many templates are offered in the picker (plus "Create new template").
const PICKER_SIZE: usize = 9;

/// A command error (`RequestFailed`) with a message for the user.
pub(super) fn failure(message: impl Into<String>) -> jsonrpc::Error {
    jsonrpc::Error {
        code: ErrorCode::ServerError(-32803),
        message: message.into().into(),
        data: None,
    }
}

fn northflank(message: impl std::fmt::Display) -> jsonrpc::Error {
    failure(format!("Northflank: {message}"))
}

/// The document a command is about.
struct Target {
    uri: Uri,
    snapshot: Arc<Snapshot>,
    path: String,
    /// The file name, for messages and virtual document names.
    name: String,
}

/// A linkable file's facts, from a fresh lookup.
struct Linkable {
    facts: FileFacts,
    block: ide_platform::GitopsBlock,
    kind: DocumentKind,
    objects: Vec<LinkedObject>,
}

/// What the user will pick from.
enum Choice {
    Existing {
        id: String,
        name: String,
    },
    Create(String),
    Pick {
        templates: Vec<TemplateSummary>,
        suggested_name: Option<String>,
    },
}

/// If the `gitops` block cannot be written into the file, nothing may be sent: say why.
fn gitops_block_fits(target: &Target, linkable: &Linkable) -> jsonrpc::Result<()> {
    ide_platform::gitops_edit(&target.snapshot.text, &linkable.block.to_json())
        .map(|_| ())
        .map_err(|e| {
            northflank(format!(
                "cannot write the `gitops` block into {}: {e}",
                target.name
            ))
        })
}

fn virtual_uri(parts: &[&str]) -> String {
    let encoded: Vec<String> = parts
        .iter()
        .map(|part| {
            let mut out = String::new();
            for ch in part.chars() {
                match ch {
                    '%' | '#' | '?' | ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|'
                    | '}' => {
                        let mut buf = [0u8; 4];
                        for byte in ch.encode_utf8(&mut buf).bytes() {
                            out.push_str(&format!("%{byte:02X}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.trim_matches('/').to_owned()
        })
        .collect();
    format!("{SCHEME}://{}", encoded.join("/"))
}

impl Backend {
    fn target(&self, argument: &Value) -> jsonrpc::Result<Target> {
        let uri: Uri = argument
            .get("uri")
            .and_then(Value::as_str)
            .and_then(|uri| uri.parse().ok())
            .ok_or_else(|| jsonrpc::Error::invalid_params("expected [{\"uri\": \"file:…\"}]"))?;
        let snapshot = self
            .snapshot(&uri)
            .ok_or_else(|| northflank(format!("`{}` is not open", uri.as_str())))?;
        let path = snapshot
            .path
            .clone()
            .ok_or_else(|| northflank("only files on disk can be linked to the platform"))?;
        let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
        Ok(Target {
            uri,
            snapshot,
            path,
            name,
        })
    }

    /// A fresh lookup; no token and failures become command errors.
    async fn fresh(&self, target: &Target) -> jsonrpc::Result<LinkStatus> {
        match self
            .refresh_platform(target.uri.clone(), target.path.clone(), true)
            .await
        {
            LinkStatus::NoToken => Err(northflank(engine::NO_TOKEN)),
            LinkStatus::Failed(message) => Err(northflank(message)),
            status => Ok(status),
        }
    }

    async fn linkable(&self, target: &Target) -> jsonrpc::Result<Linkable> {
        match self.fresh(target).await? {
            LinkStatus::Unlinked { facts, block, kind } => Ok(Linkable {
                facts,
                block,
                kind,
                objects: Vec::new(),
            }),
            LinkStatus::Linked {
                facts,
                block,
                kind,
                objects,
            } => Ok(Linkable {
                facts,
                block,
                kind,
                objects,
            }),
            LinkStatus::Unavailable(reason) => Err(northflank(reason)),
            LinkStatus::Pending | LinkStatus::NoToken | LinkStatus::Failed(_) => {
                Err(northflank("the platform link could not be looked up"))
            }
        }
    }

    /// `northflank.remote.status` / `refresh`: a fresh lookup, as a structured summary.
    pub(super) async fn command_status(&self, argument: Value) -> jsonrpc::Result<Value> {
        let target = self.target(&argument)?;
        let status = self.fresh(&target).await?;
        let text = &target.snapshot.text;
        Ok(match status {
            LinkStatus::Unavailable(reason) => json!({
                "linked": false,
                "drift": false,
                "objects": [],
                "problem": reason,
            }),
            LinkStatus::Unlinked { facts, block, kind } => {
                let mut value = engine::status_json(Some(&facts), Some(&block), &[], text);
                value["kind"] = json!(kind.id());
                value
            }
            LinkStatus::Linked {
                facts,
                block,
                kind,
                objects,
            } => {
                let mut value = engine::status_json(Some(&facts), Some(&block), &objects, text);
                value["kind"] = json!(kind.id());
                value
            }
            LinkStatus::Pending | LinkStatus::NoToken | LinkStatus::Failed(_) => {
                return Err(northflank("the platform link could not be looked up"));
            }
        })
    }

    /// `northflank.remote.link` `{uri, templateId?, create?: {name}}` for templates,
    /// `{uri, pipelineId?, stage?}` for release flows and preview templates.
    pub(super) async fn command_link(&self, argument: Value) -> jsonrpc::Result<Value> {
        let target = self.target(&argument)?;
        let linkable = self.linkable(&target).await?;
        match linkable.kind {
            DocumentKind::Template => {}
            DocumentKind::ReleaseFlow | DocumentKind::PreviewTemplate => {
                return self.command_link_pipeline(argument, target, linkable).await;
            }
            other => {
                return Err(northflank(format!(
                    "templates, release flows and preview templates can be linked from the editor; link this {} in the Northflank UI (its GitOps settings)",
                    other.id().replace('-', " ")
                )));
            }
        }
        gitops_block_fits(&target, &linkable)?;
        let client =
            engine::client(&super::refresh::api_options(&self.state)).map_err(northflank)?;
        let choice = if let Some(id) = argument.get("templateId").and_then(Value::as_str) {
            let template = self
                .with_progress("Northflank: fetching the template", client.get_template(id))
                .await
                .map_err(northflank)?;
            Choice::Existing {
                id: template.id,
                name: template.name,
            }
        } else if let Some(create) = argument.get("create") {
            let name = create
                .get("name")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .ok_or_else(|| {
                    jsonrpc::Error::invalid_params("expected {\"create\": {\"name\": \"…\"}}")
                })?;
            Choice::Create(name.to_owned())
        } else {
            let templates = self
                .with_progress(
                    "Northflank: listing templates",
                    engine::list_templates(&client),
                )
                .await
                .map_err(northflank)?;
            let suggested_name = serde_json::from_str::<Value>(&target.snapshot.text)
                .ok()
                .and_then(|v| v.get("name").and_then(Value::as_str).map(str::to_owned));
            Choice::Pick {
                templates,
                suggested_name,
            }
        };
        let backend = self.clone_handle();
        tokio::spawn(async move {
            backend.link_flow(client, target, linkable, choice).await;
        });
        Ok(json!({ "started": "link" }))
    }

    /// The interactive part of linking: pick, confirm, send, then offer the file edit.
    async fn link_flow(
        &self,
        client: nfls_platform::Client,
        target: Target,
        linkable: Linkable,
        choice: Choice,
    ) {
        let block = &linkable.block;
        let (plan, existing) = match choice {
            Choice::Existing { id, name } => {
                (LinkPlan::update(&id, &name, block), Some((id, name)))
            }
            Choice::Create(name) => (LinkPlan::create(&name, block), None),
            Choice::Pick {
                mut templates,
                suggested_name,
            } => {
                // Templates named like the file's `name` first: the likeliest choice.
                if let Some(name) = &suggested_name {
                    templates.sort_by_key(|t| !t.name.eq_ignore_ascii_case(name));
                }
                let mut titles: Vec<String> = templates
                    .iter()
                    .take(PICKER_SIZE)
                    .map(|t| format!("{} ({})", t.name, t.id))
                    .collect();
                let create =
                    suggested_name.map(|name| (format!("Create new template \"{name}\""), name));
                if let Some((title, _)) = &create {
                    titles.push(title.clone());
                }
                let question = format!("Link {} to which Northflank template?", target.name);
                let Some(answer) = self.ask(MessageType::INFO, question, &titles).await else {
                    self.tell(
                        MessageType::INFO,
                        "Northflank: linking cancelled; nothing was sent.".to_owned(),
                    )
                    .await;
                    return;
                };
                match create {
                    Some((title, name)) if title == answer => {
                        (LinkPlan::create(&name, block), None)
                    }
                    _ => {
                        let Some(t) = templates
                            .iter()
                            .find(|t| format!("{} ({})", t.name, t.id) == answer)
                        else {
                            self.tell(
                                MessageType::INFO,
                                "Northflank: linking cancelled; nothing was sent.".to_owned(),
                            )
                            .await;
                            return;
                        };
                        (
                            LinkPlan::update(&t.id, &t.name, block),
                            Some((t.id.clone(), t.name.clone())),
                        )
                    }
                }
            }
        };
        let mut warning = None;
        let target_label = match &existing {
            Some((id, name)) => {
                let key = ObjectKey::Template(id.clone());
                match self
                    .with_progress(
                        "Northflank: fetching the template",
                        engine::fetch_object(&client, &key, name),
                    )
                    .await
                {
                    Ok(current) => {
                        let text = self
                            .snapshot(&target.uri)
                            .map_or_else(|| target.snapshot.text.clone(), |s| s.text.clone());
                        if current.differences(&text).is_none_or(|d| !d.is_empty()) {
                            warning = Some(format!(
                                "{} on Northflank holds a different version than this file: linking makes the file in Git (branch `{}`) overwrite the platform's copy.",
                                current.label(),
                                block.branch
                            ));
                        }
                        current.label()
                    }
                    Err(err) => {
                        self.tell(
                            MessageType::ERROR,
                            format!("Northflank: linking stopped: {err}"),
                        )
                        .await;
                        return;
                    }
                }
            }
            None => "a new template".to_owned(),
        };
        self.confirm_send_and_edit(client, &target, block, plan, &target_label, warning)
            .await;
    }

    /// The end of every link flow: show the request (headed by `warning`) and ask; send it
    /// only after "Link"; then offer the `gitops` block edit and say how it went.
    async fn confirm_send_and_edit(
        &self,
        client: nfls_platform::Client,
        target: &Target,
        block: &ide_platform::GitopsBlock,
        plan: LinkPlan,
        target_label: &str,
        warning: Option<String>,
    ) {
        let mut message = String::new();
        if let Some(warning) = &warning {
            message.push_str(&format!("Warning: {warning}\n\n"));
        }
        message.push_str(&format!(
            "Link {} to {target_label}? This request will be sent:\n{}",
            target.name,
            plan.describe()
        ));
        let caveats = plan.caveats(&block.branch);
        if !caveats.is_empty() {
            message.push_str(&format!("\n\n{}", caveats.join("\n")));
        }
        let typ = if warning.is_some() {
            MessageType::WARNING
        } else {
            MessageType::INFO
        };
        let answer = self
            .ask(typ, message, &["Link".to_owned(), "Cancel".to_owned()])
            .await;
        if answer.as_deref() != Some("Link") {
            self.tell(
                MessageType::INFO,
                "Northflank: linking cancelled; nothing was sent.".to_owned(),
            )
            .await;
            return;
        }
        let sent = self
            .with_progress("Northflank: linking", plan.send(&client))
            .await;
        let done = match sent {
            Ok(done) => done,
            Err(err) => {
                self.tell(
                    MessageType::ERROR,
                    format!("Northflank: linking failed: {err}"),
                )
                .await;
                return;
            }
        };
        if matches!(done.key, ObjectKey::Template(_)) {
            self.forget_templates().await;
        }
        // The platform accepted the link; offer the file edit against the text as it is now.
        let snapshot = self
            .snapshot(&target.uri)
            .unwrap_or(Arc::clone(&target.snapshot));
        let written = match ide_platform::gitops_edit(&snapshot.text, &block.to_json()) {
            Ok(edit) => {
                let encoding = self.client_info().encoding;
                let edit = TextEdit {
                    range: convert::range(&snapshot.index, edit.range, encoding),
                    new_text: edit.new_text,
                };
                self.apply(
                    "Write the Northflank gitops block",
                    workspace_edit(&target.uri, vec![edit]),
                )
                .await
            }
            Err(err) => Err(err.to_string()),
        };
        match written {
            Ok(()) => {
                self.tell(
                    MessageType::INFO,
                    format!(
                        "Northflank: linked {} to {}. Save the file, then commit and push it.",
                        target.name,
                        done.label_with_id()
                    ),
                )
                .await;
            }
            Err(reason) => {
                self.tell(
                    MessageType::WARNING,
                    format!(
                        "Northflank: {} is linked, but the `gitops` block was not written into {}: {reason}",
                        done.label(),
                        target.name
                    ),
                )
                .await;
            }
        }
        self.refresh_platform(target.uri.clone(), target.path.clone(), true)
            .await;
    }

    /// The checks of linking a release flow or preview template that need no answer: the
    /// project, the `gitops` edit, the body, the pipeline (listed, or the one named); then the
    /// interactive rest in the background.
    async fn command_link_pipeline(
        &self,
        argument: Value,
        target: Target,
        linkable: Linkable,
    ) -> jsonrpc::Result<Value> {
        let kind = linkable.kind;
        let options = super::refresh::api_options(&self.state);
        let project = engine::project_id(&options)
            .ok_or_else(|| northflank(engine::no_project(kind, true)))?;
        let stage = match argument.get("stage") {
            None | Some(Value::Null) => None,
            Some(_) if kind != DocumentKind::ReleaseFlow => {
                return Err(jsonrpc::Error::invalid_params(
                    "`stage` is only for release flows",
                ));
            }
            Some(value) => Some(value.as_str().and_then(engine::stage_name).ok_or_else(|| {
                jsonrpc::Error::invalid_params(
                    "`stage` must be `Development`, `Staging` or `Production`",
                )
            })?),
        };
        gitops_block_fits(&target, &linkable)?;
        // The body is the buffer's content: check it now, so a broken file fails at once.
        engine::pipeline_link_body(kind, &target.snapshot.text, &linkable.block)
            .map_err(northflank)?;
        let client = engine::client(&options).map_err(northflank)?;
        let (pipelines, chosen) = match argument.get("pipelineId").and_then(Value::as_str) {
            Some(id) => {
                let key = nfls_platform::PipelineKey::new(&project, id);
                let pipeline = self
                    .with_progress(
                        "Northflank: fetching the pipeline",
                        client.get_pipeline(&key),
                    )
                    .await
                    .map_err(northflank)?;
                let summary = nfls_platform::PipelineSummary {
                    id: id.to_owned(),
                    name: pipeline.name,
                    description: pipeline.description,
                    created_at: None,
                    updated_at: None,
                };
                (vec![summary], true)
            }
            None => {
                let pipelines = self
                    .with_progress(
                        "Northflank: listing pipelines",
                        engine::list_pipelines(&client, &project),
                    )
                    .await
                    .map_err(northflank)?;
                if pipelines.is_empty() {
                    return Err(northflank(format!(
                        "project `{project}` has no pipelines: create one in the Northflank UI first"
                    )));
                }
                (pipelines, false)
            }
        };
        let backend = self.clone_handle();
        tokio::spawn(async move {
            backend
                .pipeline_link_flow(client, target, linkable, project, pipelines, chosen, stage)
                .await;
        });
        Ok(json!({ "started": "link" }))
    }

    /// The interactive part of linking a release flow or preview template: pick the pipeline
    /// (unless named) and the stage (release flows, unless named), fetch the platform's copy
    /// for the warning, then confirm, send and offer the edit.
    #[allow(clippy::too_many_arguments)] // one flow's state, handed over from the handler
    async fn pipeline_link_flow(
        &self,
        client: nfls_platform::Client,
        target: Target,
        linkable: Linkable,
        project: String,
        pipelines: Vec<nfls_platform::PipelineSummary>,
        chosen: bool,
        stage: Option<&'static str>,
    ) {
        let kind = linkable.kind;
        let block = &linkable.block;
        let cancelled = "Northflank: linking cancelled; nothing was sent.";
        let pipeline = if chosen {
            pipelines.into_iter().next()
        } else {
            let titles: Vec<String> = pipelines
                .iter()
                .take(PICKER_SIZE)
                .map(|p| format!("{} ({})", p.name, p.id))
                .collect();
            let question = if kind == DocumentKind::ReleaseFlow {
                format!(
                    "Link {} to the release flow of which pipeline?",
                    target.name
                )
            } else {
                format!(
                    "Link {} as the preview template of which pipeline?",
                    target.name
                )
            };
            match self.ask(MessageType::INFO, question, &titles).await {
                Some(answer) => pipelines
                    .into_iter()
                    .find(|p| format!("{} ({})", p.name, p.id) == answer),
                None => None,
            }
        };
        let Some(pipeline) = pipeline else {
            self.tell(MessageType::INFO, cancelled.to_owned()).await;
            return;
        };
        let stopped = |err: &dyn std::fmt::Display| format!("Northflank: linking stopped: {err}");
        let text = target.snapshot.text.clone();
        let (plan, current) = if kind == DocumentKind::ReleaseFlow {
            let stages = self
                .with_progress(
                    "Northflank: fetching the release flows",
                    engine::pipeline_stages(&client, &project, &pipeline.id, &pipeline.name),
                )
                .await;
            let stages = match stages {
                Ok(stages) => stages,
                Err(err) => {
                    self.tell(MessageType::ERROR, stopped(&err)).await;
                    return;
                }
            };
            let stage_of = |o: &LinkedObject| match &o.key {
                ObjectKey::ReleaseFlow(k) => k.stage.clone(),
                _ => String::new(),
            };
            let available: Vec<String> = stages.iter().map(stage_of).collect();
            if available.is_empty() {
                self.tell(
                    MessageType::ERROR,
                    stopped(&format!(
                        "pipeline \"{}\" has no release flow in any stage (Development, Staging, Production)",
                        pipeline.name
                    )),
                )
                .await;
                return;
            }
            let stage = match stage {
                Some(stage) if available.iter().any(|s| s == stage) => stage.to_owned(),
                Some(stage) => {
                    self.tell(
                        MessageType::ERROR,
                        stopped(&format!(
                            "pipeline \"{}\" has no stage `{stage}`: it has {}",
                            pipeline.name,
                            available.join(", ")
                        )),
                    )
                    .await;
                    return;
                }
                None => {
                    let question = format!(
                        "Link {} to which stage of pipeline \"{}\"?",
                        target.name, pipeline.name
                    );
                    match self.ask(MessageType::INFO, question, &available).await {
                        Some(answer) if available.contains(&answer) => answer,
                        _ => {
                            self.tell(MessageType::INFO, cancelled.to_owned()).await;
                            return;
                        }
                    }
                }
            };
            let current = stages.into_iter().find(|o| stage_of(o) == stage);
            let key = nfls_platform::ReleaseFlowKey::new(&project, &pipeline.id, &stage);
            let name = format!("{} / {stage}", pipeline.name);
            (LinkPlan::release_flow(key, &name, &text, block), current)
        } else {
            let key = nfls_platform::PipelineKey::new(&project, &pipeline.id);
            let current = self
                .with_progress(
                    "Northflank: fetching the preview template",
                    engine::current_preview_template(&client, &key, &pipeline.name),
                )
                .await;
            let current = match current {
                Ok(current) => current,
                Err(err) => {
                    self.tell(MessageType::ERROR, stopped(&err)).await;
                    return;
                }
            };
            (
                LinkPlan::preview_template(key, &pipeline.name, &text, block),
                current,
            )
        };
        let plan = match plan {
            Ok(plan) => plan,
            Err(err) => {
                self.tell(MessageType::ERROR, stopped(&err)).await;
                return;
            }
        };
        let target_label = match &plan {
            LinkPlan::ReleaseFlow { name, .. } => format!("release flow \"{name}\""),
            _ => format!("the preview template of pipeline \"{}\"", pipeline.name),
        };
        let warning = current
            .filter(|c| c.differences(&text).is_none_or(|d| !d.is_empty()))
            .map(|c| {
                format!(
                    "{} on Northflank holds a different version than this file: linking sends this file's content in its place.",
                    c.label()
                )
            });
        self.confirm_send_and_edit(client, &target, block, plan, &target_label, warning)
            .await;
    }

    /// The platform copies and the git remote's copy of a linkable file, stored as virtual
    /// documents. `(platform documents, git document or why there is none)`.
    async fn remote_versions<'a>(
        &self,
        target: &Target,
        linkable: &'a Linkable,
        fetch: bool,
    ) -> jsonrpc::Result<(Vec<(String, &'a LinkedObject, String)>, Value)> {
        let text = &target.snapshot.text;
        let platform: Vec<(String, &LinkedObject, String)> = linkable
            .objects
            .iter()
            .map(|object| {
                let uri = virtual_uri(&[
                    "platform",
                    object.key.document_kind().id(),
                    &object.key.id(),
                    &target.name,
                ]);
                (uri, object, engine::platform_text(object, text))
            })
            .collect();
        let branch = linkable
            .objects
            .iter()
            .find_map(|o| o.gitops.as_ref().map(|g| g.branch.clone()))
            .unwrap_or_else(|| linkable.block.branch.clone());
        let work = engine::git_copy(&linkable.facts, &branch, fetch);
        let copy = if fetch {
            self.with_progress("Northflank: git fetch", work).await
        } else {
            work.await
        }
        .map_err(northflank)?;
        let git = match &copy.text {
            Some(git_text) => {
                let uri = virtual_uri(&["git", &copy.rev, &linkable.facts.file_path]);
                json!({"uri": uri, "rev": copy.rev, "text": git_text, "fetched": copy.fetched})
            }
            None => json!({
                "uri": null,
                "rev": copy.rev,
                "text": null,
                "fetched": copy.fetched,
                "message": format!(
                    "{} has no file `{}`{}",
                    copy.rev,
                    linkable.facts.file_path,
                    if copy.fetched { "" } else { " (as last fetched)" }
                ),
            }),
        };
        {
            let mut docs = lock(&self.state.platform.remote_docs);
            for (uri, _, text) in &platform {
                docs.insert(uri.clone(), text.clone());
            }
            if let (Some(uri), Some(text)) = (git["uri"].as_str(), git["text"].as_str()) {
                docs.insert(uri.to_owned(), text.to_owned());
            }
        }
        Ok((platform, git))
    }

    /// `northflank.remote.fetch` `{uri, fetch?}`: shows the platform's and the git remote's
    /// copies as read-only documents and returns their text.
    pub(super) async fn command_fetch(&self, argument: Value) -> jsonrpc::Result<Value> {
        let target = self.target(&argument)?;
        let fetch = argument
            .get("fetch")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let linkable = self.linkable(&target).await?;
        let (platform, git) = self.remote_versions(&target, &linkable, fetch).await?;
        let mut shown: Vec<String> = platform.iter().map(|(uri, _, _)| uri.clone()).collect();
        if let Some(uri) = git["uri"].as_str() {
            shown.push(uri.to_owned());
        }
        self.show_all(shown);
        Ok(json!({
            "platform": platform
                .iter()
                .map(|(uri, object, text)| json!({"uri": uri, "object": object.label(), "id": object.key.id(), "text": text}))
                .collect::<Vec<_>>(),
            "git": git,
            "linked": !linkable.objects.is_empty(),
        }))
    }

    /// `northflank.remote.diff` `{uri, against?: "platform"|"git", fetch?}`: unified diffs of
    /// the buffer against the platform's copy and the git remote's copy.
    pub(super) async fn command_diff(&self, argument: Value) -> jsonrpc::Result<Value> {
        let target = self.target(&argument)?;
        let against = argument.get("against").and_then(Value::as_str);
        if against.is_some_and(|a| a != "platform" && a != "git") {
            return Err(jsonrpc::Error::invalid_params(
                "`against` must be `platform` or `git`",
            ));
        }
        let fetch = argument
            .get("fetch")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let linkable = self.linkable(&target).await?;
        if against == Some("platform") && linkable.objects.is_empty() {
            return Err(northflank(format!(
                "{} is not linked to a Northflank object: run “Link to Northflank…” first",
                target.name
            )));
        }
        let (platform, git) = self.remote_versions(&target, &linkable, fetch).await?;
        let text = &target.snapshot.text;
        let mut combined = String::new();
        let platform_json: Vec<Value> = if against == Some("git") {
            Vec::new()
        } else {
            platform
                .iter()
                .map(|(_, object, theirs)| {
                    let different = object.differences(text).is_none_or(|d| !d.is_empty());
                    let diff = if different {
                        ide_platform::unified_diff(&target.name, text, &format!("platform: {}", object.label()), theirs)
                    } else {
                        String::new()
                    };
                    combined.push_str(&diff);
                    json!({"object": object.label(), "id": object.key.id(), "different": different, "diff": diff})
                })
                .collect()
        };
        let git_json = if against == Some("platform") {
            Value::Null
        } else if let Some(theirs) = git["text"].as_str() {
            let rev = git["rev"].as_str().unwrap_or("");
            let diff = ide_platform::unified_diff(
                &target.name,
                text,
                &format!("{rev}:{}", linkable.facts.file_path),
                theirs,
            );
            combined.push_str(&diff);
            json!({"rev": rev, "different": !diff.is_empty(), "diff": diff})
        } else {
            json!({"rev": git["rev"], "different": true, "diff": "", "message": git["message"]})
        };
        let uri = if combined.is_empty() {
            None
        } else {
            let uri = virtual_uri(&["diff", &format!("{}.diff", target.name)]);
            lock(&self.state.platform.remote_docs).insert(uri.clone(), combined);
            self.show_all(vec![uri.clone()]);
            Some(uri)
        };
        Ok(json!({"platform": platform_json, "git": git_json, "uri": uri}))
    }

    /// `northflank.remote.replace` `{uri, source: "platform"|"git", fetch?}`: offers an edit that
    /// replaces the buffer with the remote version. Unsaved text is replaced only after the
    /// user agrees.
    pub(super) async fn command_replace(&self, argument: Value) -> jsonrpc::Result<Value> {
        let target = self.target(&argument)?;
        let source = match argument.get("source").and_then(Value::as_str) {
            Some(s @ ("platform" | "git")) => s.to_owned(),
            _ => {
                return Err(jsonrpc::Error::invalid_params(
                    "`source` must be `platform` or `git`",
                ));
            }
        };
        let fetch = argument
            .get("fetch")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let linkable = self.linkable(&target).await?;
        if source == "platform" && linkable.objects.is_empty() {
            return Err(northflank(format!(
                "{} is not linked to a Northflank object: run “Link to Northflank…” first",
                target.name
            )));
        }
        let (platform, git) = self.remote_versions(&target, &linkable, fetch).await?;
        let (new_text, label) = if source == "platform" {
            let (_, object, text) = &platform[0];
            (
                text.clone(),
                format!("Replace with the platform's copy ({})", object.label()),
            )
        } else {
            match git["text"].as_str() {
                Some(text) => (
                    text.to_owned(),
                    format!("Replace with {}", git["rev"].as_str().unwrap_or("git")),
                ),
                None => {
                    return Err(northflank(
                        git["message"]
                            .as_str()
                            .unwrap_or("the git remote has no copy"),
                    ));
                }
            }
        };
        let snapshot = Arc::clone(&target.snapshot);
        let encoding = self.client_info().encoding;
        let whole = TextRange::new(0, snapshot.text.len() as u32);
        let edit = TextEdit {
            range: convert::range(&snapshot.index, whole, encoding),
            new_text: new_text.clone(),
        };
        // Unsaved changes: the buffer differs from the file on disk.
        let unsaved =
            std::fs::read_to_string(&target.path).map_or(true, |disk| disk != *snapshot.text);
        let backend = self.clone_handle();
        let name = target.name.clone();
        let uri = target.uri.clone();
        let source_text = source.clone();
        tokio::spawn(async move {
            if unsaved {
                let question = format!(
                    "{name} has unsaved changes. Replace the whole buffer with the {source_text} version?"
                );
                let answer = backend
                    .ask(
                        MessageType::WARNING,
                        question,
                        &["Replace".to_owned(), "Cancel".to_owned()],
                    )
                    .await;
                if answer.as_deref() != Some("Replace") {
                    backend
                        .tell(
                            MessageType::INFO,
                            format!("Northflank: {name} was left as it is."),
                        )
                        .await;
                    return;
                }
            }
            if let Err(reason) = backend
                .apply(&label, workspace_edit(&uri, vec![edit]))
                .await
            {
                backend
                    .tell(
                        MessageType::WARNING,
                        format!("Northflank: {name} was not replaced: {reason}"),
                    )
                    .await;
            }
        });
        Ok(json!({"source": source, "text": new_text, "confirm": unsaved}))
    }

    /// Shows each virtual document, the first with focus, from a spawned task.
    fn show_all(&self, uris: Vec<String>) {
        if uris.is_empty() {
            return;
        }
        let backend = self.clone_handle();
        tokio::spawn(async move {
            for (i, uri) in uris.into_iter().enumerate() {
                if let Ok(uri) = uri.parse::<Uri>() {
                    backend.show(uri, i == 0).await;
                }
            }
        });
    }
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        document_changes: None,
        change_annotations: None,
    }
}
