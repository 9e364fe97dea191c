//! Shared fixtures: a seed written for these tests and clients with short retry settings.

// Shared by two test binaries; each uses a different subset.
#![allow(dead_code)]

use std::time::Duration;

use nfls_fake_api::{FakeApi, Seed};
use nfls_platform::{Client, ClientConfig, RetryPolicy, Token};
use serde_json::{Value, json};

pub const WEB_SHA: &str = "1111111111111111111111111111111111111111";
pub const API_FILE_SHA: &str = "2222222222222222222222222222222222222222";

pub fn workflow(kind: &str) -> Value {
    json!({"kind": "Workflow", "spec": {"type": kind, "steps": []}})
}

/// The fixture world: two templates (one linked to Git), a project with a pipeline that has a
/// release flow and a preview template, a workflow, a preview blueprint, Git accounts, repos,
/// branches and one file in Git.
pub fn seed() -> Seed {
    Seed::from_json(json!({
        "templates": [
            {
                "id": "web",
                "name": "Web",
                "description": "The web stack",
                "apiVersion": "v1.2",
                "arguments": {"region": "europe-west"},
                "argumentOverrides": {"dbPassword": "hunter2"},
                "options": {"autorun": false, "concurrencyPolicy": "queue"},
                "spec": workflow("sequential"),
                "gitops": {
                    "vcsService": "github",
                    "repoUrl": "https://github.com/acme/platform",
                    "branch": "main",
                    "filePath": "/nf/web.json",
                    "templateSha": WEB_SHA
                },
                "$schema": "https://api.northflank.com/v1/schemas/template"
            },
            {"id": "api", "name": "Api", "apiVersion": "v1.2", "spec": workflow("parallel")}
        ],
        "projects": [{
            "id": "shop",
            "pipelines": [{
                "id": "main-pipeline",
                "name": "main-pipeline",
                "description": "Main pipeline",
                "stages": [{"name": "Development"}],
                "nfObjects": [{"id": "web", "type": "service", "stage": "Development"}],
                "releaseFlows": {
                    "Development": {
                        "apiVersion": "v1.2",
                        "spec": workflow("sequential"),
                        "arguments": {"tag": "latest"},
                        "triggers": [],
                        "options": {"concurrencyPolicy": "forbid"}
                    }
                },
                "previewTemplate": {
                    "apiVersion": "v1.2",
                    "spec": workflow("parallel"),
                    "triggers": [],
                    "options": {"concurrencyPolicy": "allow"}
                }
            }, {
                "id": "empty-pipeline"
            }],
            "workflows": [
                {"id": "deploy", "name": "Deploy", "apiVersion": "v1.2", "spec": workflow("sequential"),
                 "options": {"autorun": false}, "stageId": "development"}
            ],
            "previewBlueprints": [
                {"id": "pr-preview", "name": "PR Preview", "apiVersion": "v1.2", "spec": workflow("parallel")}
            ]
        }],
        "vcsAccountLinks": [
            {"vcsService": "github", "login": "acme-bot", "email": "bot@acme.test"},
            {"vcsService": "self-hosted", "login": "ops", "email": "ops@acme.test", "name": "Forge",
             "vcsUrl": "https://git.acme.test", "vcsType": "gitea"}
        ],
        "repos": [
            {"vcsService": "github", "id": "101", "name": "platform", "full_name": "acme/platform",
             "url": "https://github.com/acme/platform", "owner": {"login": "acme"}, "accountLogin": "acme-bot"},
            {"vcsService": "gitlab", "id": "202", "name": "infra", "full_name": "acme/infra",
             "url": "https://gitlab.com/acme/infra", "owner": {"login": "acme"}, "accountLogin": "acme-gl"}
        ],
        "branches": [{
            "vcsService": "github", "owner": "acme", "name": "platform",
            "branches": [
                {"name": "main", "id": "main", "commit": {"sha": "a1b2c3", "author": {"login": "dev"}, "message": "init"}},
                {"name": "dev", "id": "dev", "commit": {"sha": "d4e5f6", "author": {"login": "dev"}}}
            ]
        }],
        "gitFiles": [{
            "repoUrl": "https://github.com/acme/platform",
            "branch": "main",
            "filePath": "/nf/api.json",
            "sha": API_FILE_SHA,
            "content": {
                "apiVersion": "v1.2",
                "name": "Api From Git",
                "arguments": {"replicas": "2"},
                "spec": workflow("parallel"),
                "options": {"autorun": false}
            }
        }]
    }))
    .expect("the fixture seed parses")
}

/// Fast retries: 2 retries (3 attempts), millisecond backoff, 1 s timeout per attempt.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        max_rate_limit_wait: Duration::from_secs(1),
    }
}

pub fn config_for(fake: &FakeApi) -> ClientConfig {
    ClientConfig::new(Token::new(fake.token()))
        .with_base_url(fake.base_url())
        .with_timeout(Duration::from_secs(1))
        .with_retry(fast_retry())
}

pub fn client_for(fake: &FakeApi) -> Client {
    Client::new(config_for(fake)).expect("client builds")
}

pub async fn start() -> (FakeApi, Client) {
    let fake = FakeApi::start(seed()).await.expect("fake starts");
    let client = client_for(&fake);
    (fake, client)
}
