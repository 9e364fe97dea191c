//! Tests of the pure platform-link helpers: the `gitops` block from git facts, the edit that
//! writes it, the drift comparison, reordering and unified diffs.

use nfls_ide::DocumentKind;
use nfls_ide::platform::{
    EditError, GitopsError, VcsService, differences, first_line, gitops_block, gitops_edit,
    https_repo_url, render_document, reorder_like, strip_credentials, unified_diff,
};
use nfls_ide::types::TextEdit;
use serde_json::{Value, json};

fn apply(text: &str, edit: &TextEdit) -> String {
    let mut out = text.to_owned();
    out.replace_range(
        edit.range.start as usize..edit.range.end as usize,
        &edit.new_text,
    );
    out
}

#[test]
fn vcs_service_from_host() {
    let table = [
        ("github.com", VcsService::Github),
        ("GitHub.com", VcsService::Github),
        ("www.github.com", VcsService::Github),
        ("gitlab.com", VcsService::Gitlab),
        ("bitbucket.org", VcsService::Bitbucket),
        ("dev.azure.com", VcsService::Azure),
        ("acme.visualstudio.com", VcsService::Azure),
        ("git.acme.io", VcsService::SelfHosted),
        ("gitlab.acme.io", VcsService::SelfHosted),
    ];
    for (host, expected) in table {
        assert_eq!(VcsService::for_host(host), expected, "host {host}");
    }
    assert_eq!(VcsService::SelfHosted.as_str(), "self-hosted");
}

#[test]
fn gitops_block_from_every_remote_spelling() {
    let table = [
        (
            "https://github.com/acme/platform.git",
            "github",
            "https://github.com/acme/platform",
        ),
        (
            "git@github.com:acme/platform.git",
            "github",
            "https://github.com/acme/platform",
        ),
        (
            "ssh://git@github.com:22/acme/platform.git",
            "github",
            "https://github.com/acme/platform",
        ),
        (
            "https://bot:s3cret@gitlab.com/group/sub/app.git/",
            "gitlab",
            "https://gitlab.com/group/sub/app",
        ),
        (
            "http://bitbucket.org/team/repo",
            "bitbucket",
            "https://bitbucket.org/team/repo",
        ),
        (
            "git@ssh.dev.azure.com:v3/org/proj/repo",
            "azure",
            "https://dev.azure.com/org/proj/_git/repo",
        ),
        (
            "https://git.acme.io:8443/ops/infra",
            "self-hosted",
            "https://git.acme.io:8443/ops/infra",
        ),
        (
            "git@git.acme.io:ops/infra.git",
            "self-hosted",
            "https://git.acme.io/ops/infra",
        ),
    ];
    for (remote, service, url) in table {
        let block = gitops_block(remote, "main", "nf/web.json").unwrap();
        assert_eq!(block.vcs_service.as_str(), service, "remote {remote}");
        assert_eq!(block.repo_url, url, "remote {remote}");
        assert_eq!(block.file_path, "/nf/web.json");
        assert_eq!(https_repo_url(remote).as_deref(), Some(url));
    }
    let block = gitops_block(
        "git@github.com:acme/platform.git",
        "refs/heads/release/v2",
        "/a/./b.json",
    )
    .unwrap();
    assert_eq!(
        block.to_json().to_string(),
        r#"{"vcsService":"github","repoUrl":"https://github.com/acme/platform","branch":"release/v2","filePath":"/a/b.json"}"#
    );
}

#[test]
fn gitops_block_errors_say_what_is_wrong() {
    assert_eq!(
        gitops_block("https://github.com/", "main", "/a.json"),
        Err(GitopsError::BadRemoteUrl("https://github.com/".into()))
    );
    assert_eq!(
        gitops_block("https://user:pw@github.com", "main", "/a.json")
            .unwrap_err()
            .to_string(),
        "the git remote URL `https://github.com` does not name a repository on a host"
    );
    assert_eq!(
        gitops_block("git@github.com:a/b", " ", "/a.json"),
        Err(GitopsError::NoBranch)
    );
    assert_eq!(
        gitops_block("git@github.com:a/b", "main", "/my templates/web.json")
            .unwrap_err()
            .to_string(),
        "Northflank accepts only letters, digits, `-`, `.` and `_` in the segments of a linked file path, and `/my templates/web.json` has others: rename the file to link it"
    );
    assert_eq!(strip_credentials("https://x:y@h/o/r"), "https://h/o/r");
    assert_eq!(strip_credentials("git@h:o/r"), "git@h:o/r");
}

fn block() -> Value {
    json!({"vcsService": "github", "repoUrl": "https://github.com/acme/platform", "branch": "main", "filePath": "/web.json"})
}

#[test]
fn gitops_is_inserted_before_schema() {
    let text = "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"Web\",\n  \"$schema\": \"https://api.northflank.com/v1/schemas/template\"\n}\n";
    let edit = gitops_edit(text, &block()).unwrap();
    let out = apply(text, &edit);
    assert_eq!(
        out,
        "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"Web\",\n  \"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/web.json\"\n  },\n  \"$schema\": \"https://api.northflank.com/v1/schemas/template\"\n}\n"
    );
    serde_json::from_str::<Value>(&out).unwrap();
}

#[test]
fn gitops_is_appended_or_replaced() {
    let text = "{\n    \"apiVersion\": \"v1.2\",\n    \"spec\": {}\n}";
    let out = apply(text, &gitops_edit(text, &block()).unwrap());
    assert_eq!(
        out,
        "{\n    \"apiVersion\": \"v1.2\",\n    \"spec\": {},\n    \"gitops\": {\n        \"vcsService\": \"github\",\n        \"repoUrl\": \"https://github.com/acme/platform\",\n        \"branch\": \"main\",\n        \"filePath\": \"/web.json\"\n    }\n}"
    );

    let text = "{\r\n  \"gitops\": {\"branch\": \"old\"},\r\n  \"name\": \"Web\"\r\n}\r\n";
    let edit = gitops_edit(text, &block()).unwrap();
    assert_eq!(edit.range.start, 15);
    let out = apply(text, &edit);
    assert_eq!(
        out,
        "{\r\n  \"gitops\": {\r\n    \"vcsService\": \"github\",\r\n    \"repoUrl\": \"https://github.com/acme/platform\",\r\n    \"branch\": \"main\",\r\n    \"filePath\": \"/web.json\"\r\n  },\r\n  \"name\": \"Web\"\r\n}\r\n"
    );

    let out = apply(
        "{ }",
        &gitops_edit("{ }", &json!({"branch": "main"})).unwrap(),
    );
    assert_eq!(out, "{\n  \"gitops\": {\n    \"branch\": \"main\"\n  }\n}");
}

#[test]
fn gitops_edit_refuses_broken_files() {
    assert_eq!(
        gitops_edit("{\"a\": 1,,}", &block()),
        Err(EditError::SyntaxErrors)
    );
    assert_eq!(gitops_edit("[1, 2]", &block()), Err(EditError::NotAnObject));
    assert_eq!(gitops_edit("", &block()), Err(EditError::SyntaxErrors));
}

#[test]
fn drift_ignores_key_order_overrides_and_bookkeeping() {
    let local = json!({
        "apiVersion": "v1.2",
        "name": "Web",
        "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [1, 2.0]}},
        "options": {"autorun": true, "runOnUpdate": true},
        "argumentOverrides": {"secret": "x"},
        "gitops": {"vcsService": "github", "branch": "main"}
    });
    let platform = json!({
        "name": "Web",
        "spec": {"spec": {"steps": [1.0, 2], "type": "sequential"}, "kind": "Workflow"},
        "apiVersion": "v1.2",
        "gitops": {"branch": "main", "vcsService": "github", "templateSha": "abc"},
        "options": {"autorun": true, "concurrencyPolicy": "allow"}
    });
    assert_eq!(
        differences(DocumentKind::Template, &local, &platform, 10),
        Vec::<String>::new()
    );
}

#[test]
fn drift_names_the_places_that_differ() {
    let local = json!({"name": "Web", "spec": {"steps": [1, 2]}, "options": {"autorun": true}, "description": "d", "arguments": {"a/b": 2}});
    let platform = json!({"name": "Web", "spec": {"steps": [2, 1]}, "options": {}, "arguments": {"a/b": 1}, "triggers": []});
    assert_eq!(
        differences(DocumentKind::Template, &local, &platform, 10),
        vec![
            "/spec/steps/0",
            "/spec/steps/1",
            "/options/autorun",
            "/description",
            "/arguments/a~1b",
            "/triggers"
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    );
    assert_eq!(
        differences(DocumentKind::Template, &local, &platform, 2).len(),
        2
    );
    // Release flows have no template option defaults: a missing `options` is a difference.
    let rf_local = json!({"apiVersion": "v1.2", "options": {"paused": false}});
    let rf_platform = json!({"apiVersion": "v1.2"});
    assert_eq!(
        differences(DocumentKind::ReleaseFlow, &rf_local, &rf_platform, 10),
        vec!["/options".to_owned()]
    );
    assert_eq!(
        differences(DocumentKind::ReleaseFlow, &json!([1]), &json!([1, 2]), 10),
        vec!["/".to_owned()]
    );
}

#[test]
fn platform_copy_is_shown_in_the_file_key_order() {
    let platform = json!({"spec": {"b": 1, "a": [{"y": 1, "x": 2}]}, "options": {"autorun": false}, "name": "Web", "extra": null});
    let order = json!({"name": "", "spec": {"a": [{"x": 0, "y": 0}], "b": 0}});
    let shown = reorder_like(&platform, &order);
    assert_eq!(
        render_document(&shown),
        "{\n  \"name\": \"Web\",\n  \"spec\": {\n    \"a\": [\n      {\n        \"x\": 2,\n        \"y\": 1\n      }\n    ],\n    \"b\": 1\n  },\n  \"options\": {\n    \"autorun\": false\n  },\n  \"extra\": null\n}\n"
    );
    assert_eq!(
        render_document(&json!({"a": [], "b": {}, "c": "é\"\n"})),
        "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": \"é\\\"\\n\"\n}\n"
    );
}

#[test]
fn deep_values_do_not_recurse() {
    // 120 levels: below serde_json's own parse limit, so values like this do reach us.
    let text = format!("{}1{}", "[".repeat(120), "]".repeat(120));
    let value: Value = serde_json::from_str(&text).unwrap();
    let rendered = render_document(&value);
    assert_eq!(rendered.lines().count(), 241);
    assert!(differences(DocumentKind::Template, &value, &value, 5).is_empty());
    assert_eq!(reorder_like(&value, &value), value);
}

#[test]
fn unified_diff_text() {
    let old = "{\n  \"name\": \"Web\",\n  \"a\": 1\n}\n";
    let new = "{\n  \"name\": \"Web\",\n  \"a\": 2\n}\n";
    assert_eq!(
        unified_diff("buffer", old, "platform", new),
        "--- buffer\n+++ platform\n@@ -1,4 +1,4 @@\n {\n   \"name\": \"Web\",\n-  \"a\": 1\n+  \"a\": 2\n }\n"
    );
    assert_eq!(unified_diff("a", old, "b", old), "");
    assert_eq!(first_line("{\n}").end, 1);
    assert_eq!(first_line("{}").end, 2);
}
