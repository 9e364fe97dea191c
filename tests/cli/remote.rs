//! `northflank-lsp remote status|diff|link` against a fake Northflank API started here and real
//! git repositories built here (scrubbed git environment): outputs and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nfls_fake_api::{BackgroundFake, Fault, Route, Seed};
use serde_json::{Value, json};

use super::git_support::{TempRepo, scrubbed};

const TOKEN: &str = "nftest_cli_secret_8d2e61c0b7";
const SHA: &str = "89abcdef0123456789abcdef0123456789abcdef";

const FILE: &str = "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"Web\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"sequential\",\n      \"steps\": []\n    }\n  },\n  \"options\": {\n    \"autorun\": false\n  },\n  \"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/nf/web.json\"\n  }\n}\n";

/// A repository with `nf/web.json` committed and `origin/main` fetched at HEAD.
fn repo(text: &str) -> (TempRepo, PathBuf) {
    repo_at("nf/web.json", text)
}

/// A repository with `rel` committed and `origin` (`git@github.com:acme/platform.git`)
/// fetched at HEAD.
fn repo_at(rel: &str, text: &str) -> (TempRepo, PathBuf) {
    let repo = TempRepo::new();
    repo.write(rel, text);
    repo.commit("template");
    repo.git(&[
        "remote",
        "add",
        "origin",
        "git@github.com:acme/platform.git",
    ]);
    repo.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    let root = repo.root.clone();
    (repo, root)
}

type Api = BackgroundFake;

fn api(linked: bool) -> Api {
    let mut doc: Value = serde_json::from_str(FILE).unwrap();
    doc["id"] = json!("web");
    if linked {
        doc["gitops"]["templateSha"] = json!(SHA);
    } else {
        doc.as_object_mut().unwrap().remove("gitops");
    }
    api_with(Seed {
        templates: vec![doc],
        ..Seed::default()
    })
}

fn api_with(seed: Seed) -> Api {
    BackgroundFake::start(Seed {
        token: Some(TOKEN.to_owned()),
        ..seed
    })
    .unwrap()
}

fn remote(api: Option<&Api>, root: &Path, args: &[&str]) -> Output {
    remote_with(api, root, args, &[])
}

/// [`remote`] with extra environment variables.
fn remote_with(api: Option<&Api>, root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_northflank-lsp"));
    scrubbed(&mut command, root);
    command.envs(env.iter().copied());
    if let Some(api) = api {
        command
            .env("NORTHFLANK_API_BASE_URL", api.fake.base_url())
            .env("NORTHFLANK_API_TOKEN", TOKEN);
    }
    command
        .env("NORTHFLANK_API_TIMEOUT_MS", "1000")
        .current_dir(root)
        .arg("remote")
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn status_in_sync_then_drifted() {
    let api = api(true);
    let (_tmp, root) = repo(FILE);
    let out = remote(Some(&api), &root, &["status", "nf/web.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "nf/web.json: Linked to template \"Web\" · autorun off · platform at 89abcde\n  in sync with the platform\n"
    );
    std::fs::write(
        root.join("nf/web.json"),
        FILE.replace("\"autorun\": false", "\"autorun\": true"),
    )
    .unwrap();
    let out = remote(Some(&api), &root, &["status", "nf/web.json"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("\n  drift: This file differs from template \"Web\" as Northflank has it (platform at 89abcde, this checkout at ")
            && stdout.ends_with("): /options/autorun\n"),
        "{stdout}"
    );
    let out = remote(Some(&api), &root, &["status", "nf/web.json", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        status["objects"][0]["differences"],
        json!(["/options/autorun"])
    );
    assert!(!text(&out.stdout).contains(TOKEN));
}

#[test]
fn diff_against_platform_and_git() {
    let api = api(true);
    let (_tmp, root) = repo(FILE);
    let out = remote(Some(&api), &root, &["diff", "nf/web.json"]);
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), String::new())
    );
    std::fs::write(
        root.join("nf/web.json"),
        FILE.replace("\"autorun\": false", "\"autorun\": true"),
    )
    .unwrap();
    let hunk = "@@ -9,7 +9,7 @@\n     }\n   },\n   \"options\": {\n-    \"autorun\": true\n+    \"autorun\": false\n   },\n   \"gitops\": {\n     \"vcsService\": \"github\",\n";
    let out = remote(
        Some(&api),
        &root,
        &["diff", "nf/web.json", "--against", "platform"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!("--- nf/web.json\n+++ platform: template \"Web\"\n{hunk}")
    );
    let out = remote(
        Some(&api),
        &root,
        &["diff", "nf/web.json", "--against", "git"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!("--- nf/web.json\n+++ origin/main:/nf/web.json\n{hunk}")
    );
    let out = remote(
        Some(&api),
        &root,
        &["diff", "nf/web.json", "--against", "mars"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .starts_with("northflank-lsp remote: `--against mars`: expected `platform` or `git`")
    );
}

#[test]
fn link_needs_confirmation_then_writes_the_block() {
    let api = api(false);
    let plain = "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"Web\",\n  \"spec\": {}\n}\n";
    let (_tmp, root) = repo(plain);
    let out = remote(
        Some(&api),
        &root,
        &["link", "nf/web.json", "--template", "web"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "northflank-lsp remote link: refusing to link without confirmation: stdin is not a terminal; pass --yes to confirm\n"
    );
    assert_eq!(api.fake.request_count(Route::UpdateTemplate), 0);
    assert_eq!(
        std::fs::read_to_string(root.join("nf/web.json")).unwrap(),
        plain
    );

    let out = remote(
        Some(&api),
        &root,
        &["link", "nf/web.json", "--template", "web", "--yes"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("This request will be sent:\nPOST /v1/templates/web\n{\n  \"name\": \"Web\",\n  \"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/nf/web.json\"\n  }\n}\n"), "{stdout}");
    assert!(stdout.starts_with(
        "warning: template \"Web\" on Northflank holds a different version than this file"
    ));
    assert_eq!(
        std::fs::read_to_string(root.join("nf/web.json")).unwrap(),
        "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"Web\",\n  \"spec\": {},\n  \"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/nf/web.json\"\n  }\n}\n"
    );
    assert_eq!(
        api.fake.template("web").unwrap()["gitops"]["filePath"],
        "/nf/web.json"
    );
}

#[test]
fn failures_exit_2_and_leave_the_file_alone() {
    let api = api(false);
    let (_tmp, root) = repo(FILE);
    let out = remote(None, &root, &["status", "nf/web.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "northflank-lsp remote status: no API token — set northflank.api.token, NORTHFLANK_API_TOKEN or northflank.api.tokenFile\n"
    );
    api.fake
        .inject(Fault::Status(500).on(Route::UpdateTemplate));
    let out = remote(
        Some(&api),
        &root,
        &["link", "nf/web.json", "--template", "web", "--yes"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with("northflank-lsp remote link: the Northflank API failed to update template `web` with HTTP 500"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("nf/web.json")).unwrap(),
        FILE
    );
    api.fake.inject(Fault::Status(401));
    let out = remote(Some(&api), &root, &["status", "nf/web.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "northflank-lsp remote status: the API token was rejected: create a new one in Team settings → API → Tokens\n"
    );
    assert!(!text(&out.stderr).contains(TOKEN));
    let out = remote(Some(&api), &root, &["status"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .starts_with("northflank-lsp remote: `remote status` needs the path of a file")
    );
}

/// `preview` on a template file without a `gitops` block: its rules come from the template the
/// platform links to the file (autorun on), found through the API when a token is set.
#[test]
fn preview_uses_the_template_linked_on_the_platform() {
    let mut local: Value = serde_json::from_str(FILE).unwrap();
    local.as_object_mut().unwrap().remove("gitops");
    let local = format!("{}\n", serde_json::to_string_pretty(&local).unwrap());
    let (_tmp, root) = repo(&local);

    let mut platform: Value = serde_json::from_str(FILE).unwrap();
    platform["id"] = json!("web");
    platform["options"]["autorun"] = json!(true);
    let api = api_with(Seed {
        templates: vec![platform],
        ..Seed::default()
    });
    let fake = &api.fake;

    let preview = |token: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_northflank-lsp"));
        scrubbed(&mut command, &root);
        if token {
            command
                .env("NORTHFLANK_API_BASE_URL", fake.base_url())
                .env("NORTHFLANK_API_TOKEN", TOKEN);
        }
        command
            .env("NORTHFLANK_API_TIMEOUT_MS", "2000")
            .current_dir(&root)
            .args(["preview", "nf/web.json"])
            .output()
            .unwrap()
    };

    let linked = preview(true);
    let out = text(&linked.stdout);
    assert_eq!(
        linked.status.code(),
        Some(10),
        "{out}\n{}",
        text(&linked.stderr)
    );
    assert!(out.contains("Web"), "{out}");
    assert!(out.contains("would run"), "{out}");
    assert!(!out.contains(TOKEN) && !text(&linked.stderr).contains(TOKEN));

    // Without a token the file is judged on its own: it names no link, so nothing is known.
    let alone = preview(false);
    assert_eq!(alone.status.code(), Some(0), "{}", text(&alone.stdout));
}

// ----- release flows and preview templates --------------------------------------------------

/// A release-flow file with one field its update does not accept (`description`).
const RELEASE_FLOW: &str = "{\n  \"apiVersion\": \"v1.2\",\n  \"description\": \"backend releases\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"sequential\",\n      \"steps\": []\n    }\n  },\n  \"triggers\": [],\n  \"$schema\": \"https://api.northflank.com/v1/schemas/release-flow\"\n}\n";

const PREVIEW: &str = "{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"sequential\",\n      \"steps\": []\n    }\n  },\n  \"paused\": true,\n  \"$schema\": \"https://api.northflank.com/v1/schemas/preview-env\"\n}\n";

const SPEC_SENT: &str = "  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"sequential\",\n      \"steps\": []\n    }\n  },\n";

fn gitops_sent(file: &str) -> String {
    format!(
        "  \"gitops\": {{\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"{file}\"\n  }},\n"
    )
}

/// Project `shop`: pipeline `backend` ("Backend") with release flows in Development and
/// Staging and a preview template; pipeline `web` ("Web") with nothing.
fn shop_api() -> Api {
    let workflow = json!({"kind": "Workflow", "spec": {"type": "parallel", "steps": []}});
    api_with(
        serde_json::from_value(json!({
            "projects": [{
                "id": "shop",
                "pipelines": [
                    {
                        "id": "backend",
                        "name": "Backend",
                        "releaseFlows": {
                            "Development": {"apiVersion": "v1.2", "spec": workflow},
                            "Staging": {"apiVersion": "v1.2", "spec": workflow, "triggers": []}
                        },
                        "previewTemplate": {"apiVersion": "v1.2", "spec": workflow}
                    },
                    {"id": "web", "name": "Web"}
                ]
            }]
        }))
        .unwrap(),
    )
}

fn bodies(api: &Api, route: Route) -> Vec<String> {
    api.fake
        .requests()
        .into_iter()
        .filter(|r| r.route == Some(route))
        .map(|r| r.body)
        .collect()
}

/// The body as it goes over the wire: compact, in the shown order.
fn compact(shown: &str) -> String {
    serde_json::to_string(&serde_json::from_str::<Value>(shown).unwrap()).unwrap()
}

#[test]
fn link_a_release_flow_needs_project_pipeline_stage_and_confirmation() {
    let api = shop_api();
    let (_tmp, root) = repo_at("nf/release.json", RELEASE_FLOW);
    let link = |args: &[&str]| {
        let mut all = vec!["link", "nf/release.json"];
        all.extend_from_slice(args);
        remote(Some(&api), &root, &all)
    };
    let refused = |args: &[&str], expected: &str| {
        let out = link(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            format!("northflank-lsp remote link: {expected}\n"),
            "{args:?}"
        );
    };
    refused(
        &["--pipeline", "backend", "--stage", "Staging", "--yes"],
        "release flows live in a project's pipelines: pass --project ID (or set NORTHFLANK_PROJECT_ID) with the id of the project that holds the pipeline",
    );
    refused(
        &["--project", "shop"],
        "say which pipeline to link: `--pipeline ID`; pipelines of project `shop`: backend (Backend), web (Web)",
    );
    refused(
        &["--project", "shop", "--pipeline", "backend"],
        "say which stage to link: `--stage NAME`; stages of pipeline `backend`: Development, Staging",
    );
    refused(
        &[
            "--project",
            "shop",
            "--pipeline",
            "backend",
            "--stage",
            "production",
        ],
        "pipeline `backend` has no stage `production`: expected Development, Staging",
    );
    refused(
        &[
            "--project",
            "shop",
            "--pipeline",
            "web",
            "--stage",
            "Staging",
        ],
        "pipeline `web` has no release flow in any stage (Development, Staging, Production)",
    );
    refused(
        &[
            "--project",
            "shop",
            "--pipeline",
            "nope",
            "--stage",
            "Staging",
        ],
        "pipeline `nope` in project `shop` was not found",
    );
    refused(
        &["--project", "shop", "--template", "web"],
        "`--template` and `--create` are for templates, and this file is a release flow: say which pipeline with `--pipeline ID` and which stage with `--stage NAME`",
    );

    let body = format!(
        "{{\n  \"apiVersion\": \"v1.2\",\n{SPEC_SENT}  \"triggers\": [],\n{}  \"$schema\": \"https://api.northflank.com/v1/schemas/release-flow\"\n}}\n",
        gitops_sent("/nf/release.json")
    );
    let shown = format!(
        "warning: release flow \"Backend / Staging\" on Northflank holds a different version than this file; linking sends this file's content in its place\n\
         This request will be sent:\n\
         POST /v1/projects/shop/pipelines/backend/release-flows/Staging\n{body}\
         note: Not sent (a release flow update does not accept them): `description`.\n\
         note: Unconfirmed: the request carries this file's content, but Northflank's documentation does not say whether a linked release flow then keeps it or loads the file from Git (branch `main`) in its place.\n"
    );
    // Declined (no terminal to ask on, no --yes): shown, nothing sent, the file as it was.
    let out = link(&[
        "--project",
        "shop",
        "--pipeline",
        "backend",
        "--stage",
        "staging",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), shown);
    assert_eq!(
        text(&out.stderr),
        "northflank-lsp remote link: refusing to link without confirmation: stdin is not a terminal; pass --yes to confirm\n"
    );
    assert_eq!(api.fake.request_count(Route::UpdateReleaseFlow), 0);
    assert_eq!(
        std::fs::read_to_string(root.join("nf/release.json")).unwrap(),
        RELEASE_FLOW
    );

    let out = link(&[
        "--project",
        "shop",
        "--pipeline",
        "backend",
        "--stage",
        "staging",
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{shown}linked `{}` to release flow \"Backend / Staging\" (shop/backend/Staging); wrote the `gitops` block into the file — commit and push it\n",
            root.join("nf/release.json").display()
        )
    );
    assert_eq!(bodies(&api, Route::UpdateReleaseFlow), vec![compact(&body)]);
    let stored = api.fake.release_flow("shop", "backend", "Staging").unwrap();
    assert_eq!(stored["spec"]["spec"]["type"], "sequential");
    assert_eq!(stored["gitops"]["filePath"], "/nf/release.json");
    assert_eq!(
        std::fs::read_to_string(root.join("nf/release.json")).unwrap(),
        RELEASE_FLOW.replace(
            "  \"$schema\"",
            &format!("{}  \"$schema\"", gitops_sent("/nf/release.json"))
        )
    );
}

#[test]
fn link_a_preview_template_and_faults_leave_the_file_alone() {
    let api = shop_api();
    let (_tmp, root) = repo_at("nf/preview.json", PREVIEW);
    let project = [("NORTHFLANK_PROJECT_ID", "shop")];
    let link = |args: &[&str]| {
        let mut all = vec!["link", "nf/preview.json"];
        all.extend_from_slice(args);
        remote_with(Some(&api), &root, &all, &project)
    };
    let out = link(&["--pipeline", "backend", "--stage", "Staging"]);
    assert_eq!(
        text(&out.stderr),
        "northflank-lsp remote link: `--stage` is for release flows, and this file is a preview template\n"
    );
    let before = api.fake.preview_template("shop", "backend").unwrap();
    let object = "the preview template of pipeline `backend` in project `shop`";
    let cases: Vec<(Box<dyn Fn()>, String)> = vec![
        (
            Box::new(|| api.fake.deny(Route::UpdatePreviewTemplate)),
            format!(
                "the API token may not update {object}: give its API role the permission `Account > Templates > General > Create`"
            ),
        ),
        (
            Box::new(|| {
                api.fake
                    .inject(Fault::Status(404).on(Route::UpdatePreviewTemplate))
            }),
            format!("{object} was not found"),
        ),
        (
            Box::new(|| {
                api.fake
                    .inject(Fault::Status(500).on(Route::UpdatePreviewTemplate))
            }),
            format!(
                "the Northflank API failed to update {object} with HTTP 500: Internal server error (3 attempts)"
            ),
        ),
    ];
    for (arrange, expected) in cases {
        arrange();
        let out = link(&["--pipeline", "backend", "--yes"]);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            text(&out.stderr),
            format!("northflank-lsp remote link: {expected}\n")
        );
        assert_eq!(
            std::fs::read_to_string(root.join("nf/preview.json")).unwrap(),
            PREVIEW
        );
        assert_eq!(
            api.fake.preview_template("shop", "backend").unwrap(),
            before
        );
        api.fake.allow(Route::UpdatePreviewTemplate);
        api.fake.clear_faults();
    }

    api.fake.clear_requests();
    let out = link(&["--pipeline", "backend", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body = format!(
        "{{\n  \"apiVersion\": \"v1.2\",\n{SPEC_SENT}  \"paused\": true,\n{}  \"$schema\": \"https://api.northflank.com/v1/schemas/preview-env\"\n}}\n",
        gitops_sent("/nf/preview.json")
    );
    assert_eq!(
        text(&out.stdout),
        format!(
            "warning: preview template \"Backend\" on Northflank holds a different version than this file; linking sends this file's content in its place\n\
             This request will be sent:\n\
             POST /v1/projects/shop/pipelines/backend/preview-envs\n{body}\
             note: Unconfirmed: the request carries this file's content, but Northflank's documentation does not say whether a linked preview template then keeps it or loads the file from Git (branch `main`) in its place.\n\
             linked `{}` to preview template \"Backend\" (shop/backend); wrote the `gitops` block into the file — commit and push it\n",
            root.join("nf/preview.json").display()
        )
    );
    assert_eq!(
        bodies(&api, Route::UpdatePreviewTemplate),
        vec![compact(&body)]
    );
    let stored = api.fake.preview_template("shop", "backend").unwrap();
    assert_eq!(stored["paused"], true);
    assert_eq!(stored["gitops"]["filePath"], "/nf/preview.json");
}

/// `diff --against git` reads what was last fetched; `--fetch` fetches first, for real, from a
/// bare repository that another clone pushed to (served for the `git@github.com` remote by a
/// local "ssh" program). Only the remote-tracking ref changes.
#[test]
fn diff_against_git_fetches_only_when_asked() {
    let api = api(true);
    let (repo, root) = repo(FILE);
    repo.git(&["config", "branch.main.remote", "origin"]);
    repo.git(&["config", "branch.main.merge", "refs/heads/main"]);
    let bare = repo.bare("upstream.git");
    let bare_path = bare.to_str().unwrap();
    repo.git(&["push", "-q", bare_path, "main"]);
    repo.git_in(&repo.home, &["clone", "-q", bare_path, "other"]);
    let other = repo.home.join("other");
    let newer = FILE.replace("\"autorun\": false", "\"autorun\": true");
    super::git_support::write(&other, "nf/web.json", &newer);
    repo.git_in(&other, &["commit", "-q", "-am", "autorun"]);
    repo.git_in(&other, &["push", "-q", "origin", "main"]);
    let pushed = repo.git_in(&other, &["rev-parse", "HEAD"]);
    let ssh = super::git_support::local_ssh(&repo.home, &bare);
    let env = [
        ("GIT_SSH_COMMAND", ssh.to_str().unwrap()),
        ("GIT_SSH_VARIANT", "simple"),
    ];
    let refs_before = repo.refs();

    let out = remote_with(
        Some(&api),
        &root,
        &["diff", "nf/web.json", "--against", "git"],
        &env,
    );
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(0), String::new()),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(repo.refs(), refs_before);

    let out = remote_with(
        Some(&api),
        &root,
        &["diff", "nf/web.json", "--against", "git", "--fetch"],
        &env,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let diff = "--- nf/web.json\n+++ origin/main:/nf/web.json\n@@ -9,7 +9,7 @@\n     }\n   },\n   \"options\": {\n-    \"autorun\": false\n+    \"autorun\": true\n   },\n   \"gitops\": {\n     \"vcsService\": \"github\",\n";
    assert_eq!(text(&out.stdout), diff);
    // What was fetched stays: without --fetch the new copy is read now.
    let out = remote_with(
        Some(&api),
        &root,
        &["diff", "nf/web.json", "--against", "git"],
        &env,
    );
    assert_eq!(
        (out.status.code(), text(&out.stdout)),
        (Some(1), diff.to_owned())
    );
    let expected: Vec<String> = refs_before
        .iter()
        .map(|r| {
            if r.starts_with("refs/remotes/origin/main ") {
                format!("refs/remotes/origin/main {pushed}")
            } else {
                r.clone()
            }
        })
        .collect();
    assert_ne!(expected, refs_before);
    assert_eq!(repo.refs(), expected);
    assert_eq!(
        std::fs::read_to_string(root.join("nf/web.json")).unwrap(),
        FILE
    );
}
