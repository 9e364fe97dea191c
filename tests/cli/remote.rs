//! `northflank-lsp remote status|diff|link` against a fake Northflank API started here and real
//! git repositories built here (scrubbed git environment): outputs and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use nfls_fake_api::{FakeApi, Fault, Route, Seed};
use serde_json::{Value, json};

const TOKEN: &str = "nftest_cli_secret_8d2e61c0b7";
const SHA: &str = "89abcdef0123456789abcdef0123456789abcdef";

const FILE: &str = "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"Web\",\n  \"spec\": {\n    \"kind\": \"Workflow\",\n    \"spec\": {\n      \"type\": \"sequential\",\n      \"steps\": []\n    }\n  },\n  \"options\": {\n    \"autorun\": false\n  },\n  \"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/nf/web.json\"\n  }\n}\n";

fn scrubbed(command: &mut Command, home: &Path) {
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1");
}

fn git(dir: &Path, args: &[&str]) {
    let mut command = Command::new("git");
    scrubbed(&mut command, dir);
    let out = command
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.com")
        .env("GIT_COMMITTER_NAME", "C")
        .env("GIT_COMMITTER_EMAIL", "c@example.com")
        .env("GIT_AUTHOR_DATE", "2024-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2024-01-01T00:00:00Z")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with `nf/web.json` committed and `origin/main` fetched at HEAD.
fn repo(text: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap().join("work");
    std::fs::create_dir_all(root.join("nf")).unwrap();
    git(&root, &["init", "-q"]);
    std::fs::write(root.join("nf/web.json"), text).unwrap();
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-q", "-m", "template"]);
    git(
        &root,
        &[
            "remote",
            "add",
            "origin",
            "git@github.com:acme/platform.git",
        ],
    );
    git(&root, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    (tmp, root)
}

struct Api {
    fake: FakeApi,
    _runtime: tokio::runtime::Runtime,
}

fn api(linked: bool) -> Api {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut doc: Value = serde_json::from_str(FILE).unwrap();
    doc["id"] = json!("web");
    if linked {
        doc["gitops"]["templateSha"] = json!(SHA);
    } else {
        doc.as_object_mut().unwrap().remove("gitops");
    }
    let seed = Seed {
        token: Some(TOKEN.to_owned()),
        templates: vec![doc],
        ..Seed::default()
    };
    let fake = runtime.block_on(FakeApi::start(seed)).unwrap();
    Api {
        fake,
        _runtime: runtime,
    }
}

fn remote(api: Option<&Api>, root: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_northflank-lsp"));
    scrubbed(&mut command, root);
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

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut platform: Value = serde_json::from_str(FILE).unwrap();
    platform["id"] = json!("web");
    platform["options"]["autorun"] = json!(true);
    let seed = Seed {
        token: Some(TOKEN.to_owned()),
        templates: vec![platform],
        ..Seed::default()
    };
    let fake = runtime.block_on(FakeApi::start(seed)).unwrap();

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
