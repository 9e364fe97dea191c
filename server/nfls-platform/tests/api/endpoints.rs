//! Happy paths of every endpoint, pagination and team-prefixed routes, against the fake.

use nfls_fake_api::{FakeApi, Route, Seed};
use nfls_platform::*;
use serde_json::{Value, json};

use crate::common::*;

fn last_body(fake: &FakeApi, route: Route) -> Value {
    let request = fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.route == Some(route))
        .expect("the request was sent");
    serde_json::from_str(&request.body).expect("the body is JSON")
}

#[tokio::test]
async fn templates_list_and_get() {
    let (fake, client) = start().await;

    let page = client
        .list_templates(&PageRequest::default())
        .await
        .unwrap();
    let ids: Vec<&str> = page.items.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["web", "api"]);
    assert!(!page.has_next_page);
    assert_eq!(page.count, Some(2));
    assert_eq!(
        page.items[0].concurrency_policy,
        Some(ConcurrencyPolicy::Queue)
    );
    assert_eq!(page.items[0].options.autorun, Some(false));

    let web = client.get_template("web").await.unwrap();
    assert_eq!(web.id, "web");
    assert_eq!(web.name, "Web");
    assert_eq!(web.description.as_deref(), Some("The web stack"));
    assert_eq!(web.api_version.as_deref(), Some("v1.2"));
    assert_eq!(web.concurrency_policy, Some(ConcurrencyPolicy::Queue));
    assert_eq!(web.options.autorun, Some(false));
    let link = web.gitops.as_ref().unwrap();
    assert_eq!(link.template_sha.as_deref(), Some(WEB_SHA));
    assert_eq!(link.file_path, "/nf/web.json");
    assert_eq!(web.raw["spec"], workflow("sequential"));
    assert!(web.raw.get("argumentOverrides").is_none());

    // The remote document normalises to the file shape.
    let local = normalize_remote_document(DocumentKind::Template, web.raw.clone());
    assert_eq!(
        local,
        json!({
            "name": "Web",
            "description": "The web stack",
            "apiVersion": "v1.2",
            "arguments": {"region": "europe-west"},
            "spec": workflow("sequential"),
            "gitops": {"vcsService": "github", "repoUrl": "https://github.com/acme/platform",
                       "branch": "main", "filePath": "/nf/web.json"},
            "$schema": "https://api.northflank.com/v1/schemas/template",
            "options": {"autorun": false, "concurrencyPolicy": "queue"}
        })
    );

    let requests = fake.requests();
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/v1/templates");
    assert_eq!(requests[1].path, "/v1/templates/web");
    assert!(
        requests
            .iter()
            .all(|r| r.authorized && r.status == Some(200))
    );
}

#[tokio::test]
async fn create_template_document_variant() {
    let (fake, client) = start().await;
    let doc = json!({
        "name": "Worker Pool",
        "apiVersion": "v1.2",
        "spec": workflow("sequential"),
        "options": {"autorun": false, "runOnCreation": true}
    });
    let created = client
        .create_template(&CreateTemplate::Document(doc.clone()))
        .await
        .unwrap();
    assert_eq!(created.template.id, "worker-pool");
    let run = created.template_run.expect("runOnCreation starts a run");
    assert_eq!(run.template_id.as_deref(), Some("worker-pool"));
    assert_eq!(run.status, RunStatus::Running);
    assert_eq!(fake.template_runs("worker-pool").len(), 1);
    assert_eq!(last_body(&fake, Route::CreateTemplate), doc);

    let fetched = client.get_template("worker-pool").await.unwrap();
    assert_eq!(fetched.raw["spec"], workflow("sequential"));
}

#[tokio::test]
async fn create_template_gitops_variant_loads_the_file() {
    let (fake, client) = start().await;
    let body = CreateTemplate::Gitops(Box::new(CreateTemplateFromGit {
        name: "Api Mirror".into(),
        description: None,
        arguments: None,
        argument_overrides: None,
        options: None,
        gitops: GitopsLink::new(
            VcsService::Github,
            "https://github.com/acme/platform",
            "main",
            "/nf/api.json",
        ),
        project: None,
    }));
    let created = client.create_template(&body).await.unwrap();
    assert_eq!(created.template.id, "api-mirror");
    assert!(created.template_run.is_none());
    assert_eq!(created.template.raw["arguments"], json!({"replicas": "2"}));
    assert_eq!(
        created.template.gitops.unwrap().template_sha.as_deref(),
        Some(API_FILE_SHA)
    );
    assert_eq!(
        last_body(&fake, Route::CreateTemplate),
        json!({"name": "Api Mirror", "gitops": {"vcsService": "github",
               "repoUrl": "https://github.com/acme/platform", "branch": "main", "filePath": "/nf/api.json"}})
    );
}

#[tokio::test]
async fn update_template_document_is_visible_and_autorun_starts_a_run() {
    let (fake, client) = start().await;
    let mut doc = normalize_remote_document(
        DocumentKind::Template,
        client.get_template("web").await.unwrap().raw,
    );
    doc["description"] = json!("Edited in the editor");
    let updated = client
        .update_template("web", &UpdateTemplate::Document(doc.clone()))
        .await
        .unwrap();
    assert!(updated.template_run.is_none());
    assert_eq!(last_body(&fake, Route::UpdateTemplate), doc);

    let after = client.get_template("web").await.unwrap();
    assert_eq!(after.description.as_deref(), Some("Edited in the editor"));
    // Saving a linked template commits the file: a new SHA.
    let sha = after.gitops.unwrap().template_sha.unwrap();
    assert_ne!(sha, WEB_SHA);
    assert_eq!(sha.len(), 40);
    // Argument overrides were not in the body and stay untouched.
    assert_eq!(
        fake.template_argument_overrides("web"),
        Some(json!({"dbPassword": "hunter2"}))
    );

    doc["options"]["autorun"] = json!(true);
    let updated = client
        .update_template("web", &UpdateTemplate::Document(doc))
        .await
        .unwrap();
    let run = updated.template_run.expect("autorun starts a run");
    assert_eq!(
        run.arguments,
        Some(json!({"region": "europe-west", "dbPassword": "hunter2"}))
    );
    assert_eq!(fake.template_runs("web").len(), 1);
}

#[tokio::test]
async fn update_template_gitops_variant_links_and_unlinks() {
    let (fake, client) = start().await;
    let link = GitopsLink::new(
        VcsService::Github,
        "https://github.com/acme/platform",
        "main",
        "/nf/api.json",
    );
    client
        .update_template(
            "api",
            &UpdateTemplate::Gitops(Box::new(UpdateTemplateGitops {
                name: "Api".into(),
                description: Some("now from Git".into()),
                argument_overrides: None,
                gitops: Some(link),
            })),
        )
        .await
        .unwrap();
    let linked = client.get_template("api").await.unwrap();
    assert_eq!(linked.name, "Api");
    assert_eq!(linked.description.as_deref(), Some("now from Git"));
    assert_eq!(linked.raw["arguments"], json!({"replicas": "2"}));
    assert_eq!(
        linked.gitops.as_ref().unwrap().template_sha.as_deref(),
        Some(API_FILE_SHA)
    );

    client
        .update_template(
            "api",
            &UpdateTemplate::Gitops(Box::new(UpdateTemplateGitops {
                name: "Api".into(),
                description: None,
                argument_overrides: None,
                gitops: None,
            })),
        )
        .await
        .unwrap();
    assert_eq!(
        last_body(&fake, Route::UpdateTemplate),
        json!({"name": "Api", "gitops": null})
    );
    let unlinked = client.get_template("api").await.unwrap();
    assert!(unlinked.gitops.is_none());
    assert!(unlinked.raw.get("gitops").is_none());
}

#[tokio::test]
async fn run_template_list_and_get_runs() {
    let (fake, client) = start().await;
    let mut args = serde_json::Map::new();
    args.insert("region".into(), json!("us-east"));
    let run = client
        .run_template(
            "web",
            &RunTemplate {
                arguments: Some(args),
            },
        )
        .await
        .unwrap();
    assert_eq!(run.status, RunStatus::Running);
    assert_eq!(
        last_body(&fake, Route::RunTemplate),
        json!({"arguments": {"region": "us-east"}})
    );
    assert_eq!(fake.template_runs("web").len(), 1);
    let second = client
        .run_template("web", &RunTemplate::default())
        .await
        .unwrap();
    assert_eq!(last_body(&fake, Route::RunTemplate), json!({}));

    let runs = client
        .list_template_runs("web", &RunFilter::default(), &PageRequest::default())
        .await
        .unwrap();
    let ids: Vec<&str> = runs.items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [second.id.as_str(), run.id.as_str()]);
    assert!(!runs.items[0].concluded);

    let filtered = client
        .list_all_template_runs(
            "web",
            &RunFilter {
                status: Some(RunStatus::Success),
                concluded: None,
            },
        )
        .await
        .unwrap();
    assert!(filtered.is_empty());
    let query = fake.requests().last().unwrap().query.clone().unwrap();
    assert_eq!(query, "status=success&per_page=100");

    let detail = client.get_template_run("web", &run.id).await.unwrap();
    assert_eq!(
        detail.arguments,
        Some(json!({"region": "us-east", "dbPassword": "hunter2"}))
    );
    assert_eq!(detail.refs, Some(json!({})));
    assert_eq!(detail.raw["spec"], workflow("sequential"));
    assert_eq!(
        fake.requests().last().unwrap().path,
        format!("/v1/templates/web/runs/{}", run.id)
    );
}

#[tokio::test]
async fn pipelines_list_and_get() {
    let (_fake, client) = start().await;
    let all = client.list_all_pipelines("shop").await.unwrap();
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["main-pipeline", "empty-pipeline"]);
    assert_eq!(all[0].description.as_deref(), Some("Main pipeline"));

    let pipeline = client
        .get_pipeline(&PipelineKey::new("shop", "main-pipeline"))
        .await
        .unwrap();
    assert_eq!(pipeline.name, "main-pipeline");
    assert_eq!(
        pipeline.nf_objects,
        [PipelineObject {
            id: "web".into(),
            kind: "service".into(),
            stage: "Development".into()
        }]
    );
}

#[tokio::test]
async fn release_flow_get_update_run_and_runs() {
    let (fake, client) = start().await;
    let key = ReleaseFlowKey::new("shop", "main-pipeline", "Development");

    let flow = client.get_release_flow(&key).await.unwrap();
    assert_eq!(flow.stage.as_deref(), Some("Development"));
    assert_eq!(flow.paused, Some(false));
    assert_eq!(flow.concurrency_policy, Some(ConcurrencyPolicy::Forbid));
    assert_eq!(
        flow.options.concurrency_policy,
        Some(ConcurrencyPolicy::Forbid)
    );
    let local = normalize_remote_document(DocumentKind::ReleaseFlow, flow.raw.clone());
    assert_eq!(
        local,
        json!({"apiVersion": "v1.2", "spec": workflow("sequential"), "arguments": {"tag": "latest"},
               "triggers": [], "options": {"concurrencyPolicy": "forbid"}})
    );

    let mut edited = local.clone();
    edited["options"]["paused"] = json!(true);
    client.update_release_flow(&key, &edited).await.unwrap();
    assert_eq!(last_body(&fake, Route::UpdateReleaseFlow), edited);
    // Stage names are accepted in either case.
    let lower = ReleaseFlowKey::new("shop", "main-pipeline", "development");
    let after = client.get_release_flow(&lower).await.unwrap();
    assert_eq!(after.paused, Some(true));
    assert_eq!(after.options.paused, Some(true));

    let mut overrides = serde_json::Map::new();
    overrides.insert("my-trigger".into(), json!({"branch": "devel"}));
    let started = client
        .run_release_flow(
            &key,
            &RunReleaseFlow {
                name: Some("Manual run".into()),
                overrides: Some(overrides),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let run_id = started.id.clone().expect("the run has an id");
    assert_eq!(started.status, Some(RunStatus::Running));
    assert_eq!(
        last_body(&fake, Route::RunReleaseFlow),
        json!({"name": "Manual run", "overrides": {"my-trigger": {"branch": "devel"}}})
    );
    let recorded = fake.release_flow_runs("shop", "main-pipeline", "Development");
    assert_eq!(recorded.len(), 1);
    assert_eq!(
        recorded[0]["overrides"],
        json!({"my-trigger": {"branch": "devel"}})
    );

    let runs = client
        .list_all_release_flow_runs(&key, &RunFilter::default())
        .await
        .unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].id, run_id);
    assert_eq!(runs[0].name.as_deref(), Some("Manual run"));

    let run = client.get_release_flow_run(&key, &run_id).await.unwrap();
    assert_eq!(run.arguments, Some(json!({"tag": "latest"})));
    assert_eq!(run.refs, Some(json!({})));
    assert_eq!(
        fake.requests().last().unwrap().path,
        format!(
            "/v1/projects/shop/pipelines/main-pipeline/release-flows/Development/runs/{run_id}"
        )
    );
}

#[tokio::test]
async fn preview_template_get_update_run_and_runs() {
    let (fake, client) = start().await;
    let key = PipelineKey::new("shop", "main-pipeline");

    let preview = client.get_preview_template(&key).await.unwrap();
    assert_eq!(preview.id.as_deref(), Some("main-pipeline-preview"));
    assert_eq!(preview.paused, Some(false));
    assert_eq!(preview.options, Some(json!({"concurrencyPolicy": "allow"})));

    let mut doc = normalize_remote_document(DocumentKind::PreviewTemplate, preview.raw);
    assert_eq!(doc["paused"], json!(false));
    doc["options"]["prefixName"] = json!(true);
    client.update_preview_template(&key, &doc).await.unwrap();
    let after = client.get_preview_template(&key).await.unwrap();
    assert_eq!(after.raw["options"]["prefixName"], json!(true));

    let mut args = serde_json::Map::new();
    args.insert("name".into(), json!("pr-42"));
    let started = client
        .run_preview_template(
            &key,
            &RunPreviewTemplate {
                name: None,
                arguments: Some(args),
                triggers: None,
            },
        )
        .await
        .unwrap();
    let run_id = started.id.unwrap();
    assert_eq!(fake.preview_template_runs("shop", "main-pipeline").len(), 1);
    assert_eq!(
        last_body(&fake, Route::RunPreviewTemplate),
        json!({"arguments": {"name": "pr-42"}})
    );

    let runs = client
        .list_preview_template_runs(&key, &RunFilter::default(), &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(runs.items.len(), 1);
    assert_eq!(runs.items[0].id, run_id);
    assert_eq!(runs.items[0].status, RunStatus::Pending);
    let all = client
        .list_all_preview_template_runs(&key, &RunFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1);

    let run = client
        .get_preview_template_run(&key, &run_id)
        .await
        .unwrap();
    assert_eq!(run.arguments, Some(json!({"name": "pr-42"})));
    assert_eq!(run.template_id.as_deref(), Some("main-pipeline-preview"));
}

#[tokio::test]
async fn workflows_and_preview_blueprints() {
    let (fake, client) = start().await;
    let workflows = client.list_all_workflows("shop").await.unwrap();
    assert_eq!(workflows.len(), 1);
    assert_eq!(workflows[0].id, "deploy");
    assert_eq!(workflows[0].name, "Deploy");
    assert_eq!(workflows[0].options.autorun, Some(false));
    let page = client
        .list_workflows("shop", &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items, workflows);
    assert_eq!(
        fake.requests().last().unwrap().query.as_deref(),
        Some("per_page=10")
    );

    let wf = client.get_workflow("shop", "deploy").await.unwrap();
    assert_eq!(wf.id.as_deref(), Some("deploy"));
    assert_eq!(wf.stage_id.as_deref(), Some("development"));
    assert_eq!(wf.paused, Some(false));
    assert_eq!(
        normalize_remote_document(DocumentKind::Workflow, wf.raw),
        json!({"name": "Deploy", "apiVersion": "v1.2", "spec": workflow("sequential"),
               "options": {"autorun": false}, "stageId": "development"})
    );

    let blueprints = client.list_all_preview_blueprints("shop").await.unwrap();
    assert_eq!(blueprints.len(), 1);
    assert_eq!(blueprints[0].name, "PR Preview");
    let one = client
        .list_preview_blueprints("shop", &PageRequest::default())
        .await
        .unwrap();
    assert_eq!(one.items, blueprints);
    let bp = client
        .get_preview_blueprint("shop", "pr-preview")
        .await
        .unwrap();
    assert_eq!(bp.name, "PR Preview");
    assert_eq!(bp.status, Some(RunStatus::Success));
}

#[tokio::test]
async fn vcs_links_repos_and_branches() {
    let (fake, client) = start().await;
    let links = client.list_vcs_links().await.unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].vcs_service, VcsService::Github);
    assert_eq!(links[0].login, "acme-bot");
    assert_eq!(links[1].vcs_service, VcsService::SelfHosted);
    assert_eq!(links[1].vcs_type.as_deref(), Some("gitea"));

    let all = client.list_all_repos(&RepoFilter::default()).await.unwrap();
    assert_eq!(all.len(), 2);
    let github = client
        .list_repos(
            &RepoFilter {
                vcs_service: Some(VcsService::Github),
                account_login: Some("acme-bot".into()),
                ..Default::default()
            },
            &PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(github.items.len(), 1);
    assert_eq!(github.items[0].full_name, "acme/platform");
    assert_eq!(github.items[0].owner.as_ref().unwrap().login, "acme");
    assert_eq!(
        fake.requests().last().unwrap().query.as_deref(),
        Some("vcs_service=github&account_login=acme-bot")
    );

    let repo = RepoKey {
        vcs_service: VcsService::Github,
        owner: "acme".into(),
        name: "platform".into(),
    };
    let branches = client
        .list_all_branches(&repo, Some("link-1"))
        .await
        .unwrap();
    let names: Vec<&str> = branches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["main", "dev"]);
    assert_eq!(branches[0].commit.as_ref().unwrap().sha, "a1b2c3");
    let last = fake.requests().last().unwrap().clone();
    assert_eq!(
        last.path,
        "/v1/integrations/vcs/repos/github/acme/platform/branches"
    );
    assert_eq!(
        last.query.as_deref(),
        Some("vcs_link_id=link-1&per_page=100")
    );
    let page = client
        .list_branches(&repo, None, &PageRequest::first(1))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.has_next_page);

    let missing = RepoKey {
        vcs_service: VcsService::Gitlab,
        owner: "acme".into(),
        name: "nope".into(),
    };
    let err = client.list_all_branches(&missing, None).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "repository `acme/nope` on gitlab was not found"
    );
}

fn many_templates(n: usize) -> Seed {
    let templates = (0..n)
        .map(|i| json!({"id": format!("t{i:03}"), "name": format!("Template {i:03}"), "apiVersion": "v1.2", "spec": workflow("sequential")}))
        .collect();
    Seed {
        templates,
        ..Seed::default()
    }
}

#[tokio::test]
async fn pagination_follows_cursors_across_pages() {
    let fake = FakeApi::start(many_templates(230)).await.unwrap();
    let client = client_for(&fake);

    let first = client.list_templates(&PageRequest::first(7)).await.unwrap();
    assert_eq!(first.items.len(), 7);
    assert!(first.has_next_page);
    let cursor = first.cursor.clone().unwrap();
    let second = client
        .list_templates(&PageRequest::after(&cursor))
        .await
        .unwrap();
    assert_eq!(second.items.len(), 50, "the API's default page size");
    assert_eq!(second.items[0].id, "t007");

    fake.clear_requests();
    let all = client.list_all_templates().await.unwrap();
    assert_eq!(all.len(), 230);
    let expected: Vec<String> = (0..230).map(|i| format!("t{i:03}")).collect();
    let ids: Vec<String> = all.into_iter().map(|t| t.id).collect();
    assert_eq!(ids, expected);
    let queries: Vec<String> = fake
        .requests()
        .into_iter()
        .map(|r| r.query.unwrap_or_default())
        .collect();
    assert_eq!(
        queries,
        [
            "per_page=100",
            "per_page=100&cursor=cur_64",
            "per_page=100&cursor=cur_c8"
        ]
    );
}

#[tokio::test]
async fn pagination_stops_at_the_page_cap() {
    let fake = FakeApi::start(many_templates(230)).await.unwrap();
    let mut config = config_for(&fake);
    config.max_pages = 2;
    let client = Client::new(config).unwrap();
    let err = client.list_all_templates().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "stopped listing templates after 2 pages: the list is longer than the page limit"
    );
    assert_eq!(fake.request_count(Route::ListTemplates), 2);
}

#[tokio::test]
async fn team_prefixed_routes() {
    let fake = FakeApi::start(seed()).await.unwrap();
    let client = Client::new(config_for(&fake).with_team(fake.team_id())).unwrap();

    assert_eq!(client.get_template("web").await.unwrap().id, "web");
    assert_eq!(client.list_all_pipelines("shop").await.unwrap().len(), 2);
    client
        .run_template("api", &RunTemplate::default())
        .await
        .unwrap();
    assert_eq!(client.list_vcs_links().await.unwrap().len(), 2);
    let key = ReleaseFlowKey::new("shop", "main-pipeline", "Development");
    client.get_release_flow(&key).await.unwrap();

    let paths: Vec<String> = fake.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/v1/teams/fake-team/templates/web",
            "/v1/teams/fake-team/projects/shop/pipelines",
            "/v1/teams/fake-team/templates/api/runs",
            "/v1/teams/fake-team/integrations/vcs",
            "/v1/teams/fake-team/projects/shop/pipelines/main-pipeline/release-flows/Development",
        ]
    );
    assert!(
        fake.requests()
            .iter()
            .all(|r| r.team.as_deref() == Some("fake-team"))
    );

    let other = Client::new(config_for(&fake).with_team("other-team")).unwrap();
    let err = other.get_template("web").await.unwrap_err();
    assert_eq!(err.to_string(), "template `web` was not found");
}

#[tokio::test]
async fn find_linked_over_fetched_documents() {
    let (_fake, client) = start().await;
    let templates = vec![
        client.get_template("web").await.unwrap(),
        client.get_template("api").await.unwrap(),
    ];
    let found = find_linked(
        &templates,
        "git@github.com:Acme/platform.git",
        "main",
        "nf/web.json",
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "web");
    assert!(
        find_linked(
            &templates,
            "https://github.com/acme/platform",
            "dev",
            "/nf/web.json"
        )
        .is_empty()
    );
}
