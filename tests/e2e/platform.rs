//! The platform link end to end: the server against a fake Northflank API started here and real
//! git repositories built here (scrubbed git environment), driven as an editor would.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nfls_fake_api::{BackgroundFake, Fault, Route, Seed};
use serde_json::{Value, json};

use crate::support::{Options, TestServer, vscode_like_capabilities};

use crate::git_support::{self, TempRepo, git_env};

const TOKEN: &str = "nftest_platform_secret_4f1c2b9e7a";
const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const HTTPS_REMOTE: &str = "https://github.com/acme/platform.git";

/// The committed file (and the platform's copy of the linked template, in file shape).
const FILE: &str = r#"{
  "apiVersion": "v1.2",
  "name": "Web",
  "spec": {
    "kind": "Workflow",
    "spec": {
      "type": "sequential",
      "steps": []
    }
  },
  "options": {
    "autorun": true,
    "concurrencyPolicy": "queue"
  },
  "gitops": {
    "vcsService": "github",
    "repoUrl": "https://github.com/acme/platform",
    "branch": "main",
    "filePath": "/northflank.json"
  }
}
"#;

/// An unlinked template file.
const PLAIN: &str = "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"Web\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}},\n  \"$schema\": \"https://api.northflank.com/v1/schemas/template\"\n}\n";

fn git(dir: &Path, args: &[&str]) -> String {
    git_support::git(dir, dir, args)
}

/// A repository with `northflank.json` committed, `origin` set to `remote` (none when `None`),
/// and `origin/main` fetched at HEAD with `main` tracking it.
struct Repo {
    tmp: TempRepo,
    root: PathBuf,
    file: PathBuf,
    uri: String,
    head: String,
}

fn repo(remote: Option<&str>, text: &str) -> Repo {
    let tmp = TempRepo::new();
    tmp.write("northflank.json", text);
    let head = tmp.commit("template");
    if let Some(remote) = remote {
        tmp.fake_origin(remote);
    }
    let root = tmp.root.clone();
    let file = root.join("northflank.json");
    let uri = format!("file://{}", file.display());
    Repo {
        tmp,
        root,
        file,
        uri,
        head,
    }
}

fn template_doc(linked: bool) -> Value {
    let mut doc: Value = serde_json::from_str(FILE).unwrap();
    doc["id"] = json!("web");
    if linked {
        doc["gitops"]["templateSha"] = json!(SHA);
    } else {
        doc.as_object_mut().unwrap().remove("gitops");
    }
    doc
}

/// The fake API on a runtime of its own; it stops when this is dropped.
type Platform = BackgroundFake;

fn platform(templates: Vec<Value>) -> Platform {
    platform_with(Seed {
        templates,
        ..Seed::default()
    })
}

fn platform_with(seed: Seed) -> Platform {
    BackgroundFake::start(Seed {
        token: Some(TOKEN.to_owned()),
        ..seed
    })
    .unwrap()
}

fn start(api: Option<&Platform>, home: &Path, extra_env: &[(&str, &str)]) -> TestServer {
    start_in(api, None, home, extra_env)
}

/// [`start`] with `northflank.api.projectId` set to `project`.
fn start_in(
    api: Option<&Platform>,
    project: Option<&str>,
    home: &Path,
    extra_env: &[(&str, &str)],
) -> TestServer {
    let mut settings = match api {
        Some(p) => json!({"northflank": {"api": {"baseUrl": p.fake.base_url(), "token": TOKEN}}}),
        None => json!({"northflank": {"api": {"baseUrl": "http://127.0.0.1:9"}}}),
    };
    if let Some(project) = project {
        settings["northflank"]["api"]["projectId"] = json!(project);
    }
    let mut env = git_env(home);
    // Whatever the developer's shell holds must not leak into these tests.
    env.push(("NORTHFLANK_API_TOKEN".into(), String::new()));
    env.push(("NORTHFLANK_PROJECT_ID".into(), String::new()));
    env.push(("NORTHFLANK_API_TIMEOUT_MS".into(), "1000".into()));
    for (k, v) in extra_env {
        env.push(((*k).into(), (*v).into()));
    }
    let mut capabilities = vscode_like_capabilities();
    capabilities["window"] = json!({"workDoneProgress": true, "showDocument": {"support": true}});
    let (server, _) = TestServer::start(Options {
        capabilities,
        initialization_options: Some(settings),
        configuration: Value::Null,
        env,
        root_uri: Value::Null,
    });
    server
}

fn no_answers() -> impl FnMut(&Value) -> Option<Value> {
    |_: &Value| None
}

/// Code lens titles once the background lookup has finished.
fn settled_lenses(server: &mut TestServer, uri: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let lenses = server
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": uri}}),
            )
            .unwrap();
        let titles: Vec<String> = lenses
            .as_array()
            .map(|l| {
                l.iter()
                    .filter(|lens| {
                        lens["command"]["command"]
                            .as_str()
                            .is_some_and(|c| c.starts_with("northflank.remote"))
                    })
                    .map(|lens| lens["command"]["title"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !titles.iter().any(|t| t.contains("looking up")) || Instant::now() > deadline {
            return titles;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn command(server: &mut TestServer, name: &str, argument: Value) -> Result<Value, Value> {
    server.request(
        "workspace/executeCommand",
        json!({"command": name, "arguments": [argument]}),
    )
}

fn error_message(result: Result<Value, Value>) -> String {
    result.expect_err("the command fails")["message"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn drift_diagnostics(diagnostics: &[Value]) -> Vec<&Value> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == "platform/drift")
        .collect()
}

#[test]
fn linked_file_lens_drift_appears_and_disappears() {
    let api = platform(vec![template_doc(true)]);
    let repo = repo(Some(HTTPS_REMOTE), FILE);
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, FILE);
    assert_eq!(
        settled_lenses(&mut server, &repo.uri),
        vec!["Linked to template \"Web\" · autorun on · concurrency queue · platform at 0123456"]
    );
    // In sync: no drift note (the lookup re-published the diagnostics of version 1).
    let status = command(
        &mut server,
        "northflank.remote.status",
        json!({"uri": repo.uri}),
    )
    .unwrap();
    assert_eq!(status["linked"], true);
    assert_eq!(status["drift"], false);
    assert_eq!(status["objects"][0]["templateSha"], SHA);
    assert_eq!(status["objects"][0]["id"], "web");
    assert_eq!(
        status["gitops"]["repoUrl"],
        "https://github.com/acme/platform"
    );

    let changed = FILE.replace("\"steps\": []", "\"steps\": [{\"kind\": \"Build\"}]");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": repo.uri, "version": 2}, "contentChanges": [{"text": changed}]}),
    );
    let diagnostics = server.diagnostics(&repo.uri, 2);
    let drift = drift_diagnostics(&diagnostics);
    assert_eq!(drift.len(), 1, "{diagnostics:#?}");
    assert_eq!(
        drift[0]["message"],
        format!(
            "This file differs from template \"Web\" as Northflank has it (platform at 0123456, this checkout at {}): /spec/spec/steps",
            &repo.head[..7]
        )
    );
    assert_eq!(drift[0]["severity"], 3);
    assert_eq!(
        drift[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}})
    );

    let actions = server
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": repo.uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .unwrap();
    let fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Show difference with the platform")
        .expect("the quick fix is offered");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["command"]["command"], "northflank.remote.diff");
    assert_eq!(
        fix["command"]["arguments"],
        json!([{"uri": repo.uri, "against": "platform"}])
    );
    assert_eq!(fix["diagnostics"][0]["code"], "platform/drift");

    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": repo.uri, "version": 3}, "contentChanges": [{"text": FILE}]}),
    );
    assert!(drift_diagnostics(&server.diagnostics(&repo.uri, 3)).is_empty());
    server.shutdown();
}

/// Answers for the link flow: pick `pick` in the template picker, answer the confirmation
/// with `confirm`, apply edits; records what was asked and edited.
struct LinkAnswers {
    pick: Option<&'static str>,
    confirm: Option<&'static str>,
    questions: Vec<Value>,
    edits: Vec<Value>,
}

impl LinkAnswers {
    /// Answers the pipeline and the stage pickers with `pipeline` and `stage`.
    fn pipeline(
        pipeline: Option<&'static str>,
        stage: Option<&'static str>,
        confirm: Option<&'static str>,
    ) -> PipelineAnswers {
        PipelineAnswers {
            pipeline,
            stage,
            inner: LinkAnswers {
                pick: None,
                confirm,
                questions: vec![],
                edits: vec![],
            },
        }
    }

    fn answer(&mut self, request: &Value) -> Option<Value> {
        match request["method"].as_str()? {
            "window/showMessageRequest" => {
                self.questions.push(request["params"].clone());
                let message = request["params"]["message"].as_str().unwrap_or("");
                let title = if message.contains("to which Northflank template") {
                    self.pick
                } else {
                    self.confirm
                };
                Some(title.map_or(Value::Null, |t| json!({"title": t})))
            }
            "workspace/applyEdit" => {
                self.edits.push(request["params"].clone());
                Some(json!({"applied": true}))
            }
            _ => None,
        }
    }
}

fn show_message(server: &mut TestServer, answers: &mut LinkAnswers) -> Value {
    let mut answer = |r: &Value| answers.answer(r);
    server.wait_answering(
        &|m: &Value| m["method"] == "window/showMessage",
        &mut answer,
    )["params"]
        .clone()
}

#[test]
fn link_picks_a_template_confirms_sends_and_offers_the_edit() {
    let api = platform(vec![template_doc(false)]);
    let repo = repo(Some(HTTPS_REMOTE), PLAIN);
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, PLAIN);
    assert_eq!(
        settled_lenses(&mut server, &repo.uri),
        vec!["Not linked to Northflank — Link…"]
    );
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": repo.uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
        )
        .unwrap();
    assert!(
        actions
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["title"] == "Link to Northflank…"
                && a["command"]["command"] == "northflank.remote.link")
    );

    let mut answers = LinkAnswers {
        pick: Some("Web (web)"),
        confirm: Some("Link"),
        questions: vec![],
        edits: vec![],
    };
    let result = {
        let mut answer = |r: &Value| answers.answer(r);
        server.request_answering(
            "workspace/executeCommand",
            json!({"command": "northflank.remote.link", "arguments": [{"uri": repo.uri}]}),
            &mut answer,
        )
    };
    assert_eq!(result.unwrap(), json!({"started": "link"}));
    let done = show_message(&mut server, &mut answers);
    assert_eq!(
        done,
        json!({"type": 3, "message": "Northflank: linked northflank.json to template \"Web\" (web). Save the file, then commit and push it."})
    );
    assert_eq!(answers.questions.len(), 2);
    assert_eq!(
        answers.questions[0],
        json!({"type": 3, "message": "Link northflank.json to which Northflank template?", "actions": [{"title": "Web (web)"}, {"title": "Create new template \"Web\""}]})
    );
    assert_eq!(
        answers.questions[1]["type"], 2,
        "a warning: the platform's copy differs"
    );
    assert_eq!(
        answers.questions[1]["message"],
        "Warning: template \"Web\" on Northflank holds a different version than this file: linking makes the file in Git (branch `main`) overwrite the platform's copy.\n\n\
         Link northflank.json to template \"Web\"? This request will be sent:\n\
         POST /v1/templates/web\n{\n  \"name\": \"Web\",\n  \"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/northflank.json\"\n  }\n}"
    );
    assert_eq!(
        answers.questions[1]["actions"],
        json!([{"title": "Link"}, {"title": "Cancel"}])
    );
    assert_eq!(
        answers.edits,
        vec![json!({
            "label": "Write the Northflank gitops block",
            "edit": {"changes": {repo.uri.clone(): [{
                "range": {"start": {"line": 4, "character": 2}, "end": {"line": 4, "character": 2}},
                "newText": "\"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/northflank.json\"\n  },\n  "
            }]}}
        })]
    );
    // The server wrote nothing itself; the platform holds the link.
    assert_eq!(std::fs::read_to_string(&repo.file).unwrap(), PLAIN);
    let stored = api.fake.template("web").unwrap();
    assert_eq!(stored["gitops"]["filePath"], "/northflank.json");
    assert_eq!(
        stored["gitops"]["repoUrl"],
        "https://github.com/acme/platform"
    );
    let updates: Vec<_> = api
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.route == Some(Route::UpdateTemplate))
        .collect();
    assert_eq!(updates.len(), 1);
    assert_eq!(
        updates[0].body,
        r#"{"name":"Web","gitops":{"vcsService":"github","repoUrl":"https://github.com/acme/platform","branch":"main","filePath":"/northflank.json"}}"#
    );
    server.shutdown();
}

#[test]
fn link_cancelled_sends_nothing() {
    let api = platform(vec![template_doc(false)]);
    let repo = repo(Some(HTTPS_REMOTE), PLAIN);
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, PLAIN);
    for (pick, confirm) in [(None, None), (Some("Web (web)"), Some("Cancel"))] {
        let mut answers = LinkAnswers {
            pick,
            confirm,
            questions: vec![],
            edits: vec![],
        };
        {
            let mut answer = |r: &Value| answers.answer(r);
            server
                .request_answering(
                    "workspace/executeCommand",
                    json!({"command": "northflank.remote.link", "arguments": [{"uri": repo.uri}]}),
                    &mut answer,
                )
                .unwrap();
        }
        let done = show_message(&mut server, &mut answers);
        assert_eq!(
            done,
            json!({"type": 3, "message": "Northflank: linking cancelled; nothing was sent."})
        );
        assert!(answers.edits.is_empty());
    }
    assert_eq!(api.fake.request_count(Route::UpdateTemplate), 0);
    assert_eq!(api.fake.request_count(Route::CreateTemplate), 0);
    assert_eq!(std::fs::read_to_string(&repo.file).unwrap(), PLAIN);
    server.shutdown();
}

#[test]
fn link_creates_a_template_from_an_ssh_remote() {
    let api = platform(vec![]);
    let repo = repo(Some("git@github.com:acme/platform.git"), PLAIN);
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, PLAIN);
    let mut answers = LinkAnswers {
        pick: None,
        confirm: Some("Link"),
        questions: vec![],
        edits: vec![],
    };
    {
        let mut answer = |r: &Value| answers.answer(r);
        server
            .request_answering(
                "workspace/executeCommand",
                json!({"command": "northflank.remote.link", "arguments": [{"uri": repo.uri, "create": {"name": "Web Eu"}}]}),
                &mut answer,
            )
            .unwrap();
    }
    let done = show_message(&mut server, &mut answers);
    assert_eq!(
        done["message"],
        "Northflank: linked northflank.json to template \"Web Eu\" (web-eu). Save the file, then commit and push it."
    );
    assert_eq!(answers.questions.len(), 1);
    assert_eq!(answers.questions[0]["type"], 3);
    assert_eq!(
        answers.questions[0]["message"],
        "Link northflank.json to a new template? This request will be sent:\nPOST /v1/templates\n{\n  \"name\": \"Web Eu\",\n  \"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/northflank.json\"\n  }\n}"
    );
    assert_eq!(
        api.fake.template("web-eu").unwrap()["gitops"]["repoUrl"],
        "https://github.com/acme/platform"
    );
    assert_eq!(answers.edits.len(), 1);
    assert_eq!(std::fs::read_to_string(&repo.file).unwrap(), PLAIN);
    server.shutdown();
}

#[test]
fn a_repository_without_a_remote_cannot_be_linked() {
    let api = platform(vec![template_doc(false)]);
    let repo = repo(None, PLAIN);
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, PLAIN);
    let reason = "the repository has no remote: push it to GitHub, GitLab, Bitbucket or Azure DevOps (or a self-hosted Git server Northflank can reach) before linking";
    assert_eq!(
        settled_lenses(&mut server, &repo.uri),
        vec![format!("Not linked to Northflank: {reason}")]
    );
    assert_eq!(
        error_message(command(
            &mut server,
            "northflank.remote.link",
            json!({"uri": repo.uri})
        )),
        format!("Northflank: {reason}")
    );
    let status = command(
        &mut server,
        "northflank.remote.status",
        json!({"uri": repo.uri}),
    )
    .unwrap();
    assert_eq!(
        status,
        json!({"linked": false, "drift": false, "objects": [], "problem": reason})
    );
    server.shutdown();
}

#[test]
fn fetch_shows_virtual_documents_and_serves_their_text() {
    let api = platform(vec![template_doc(true)]);
    let repo = repo(Some(HTTPS_REMOTE), FILE);
    let mut server = start(Some(&api), &repo.root, &[]);
    let buffer = FILE.replace("\"steps\": []", "\"steps\": [{\"kind\": \"Build\"}]");
    server.open(&repo.uri, &buffer);
    let mut shown = Vec::new();
    let result = {
        let mut answer = |r: &Value| {
            if r["method"] == "window/showDocument" {
                shown.push(r["params"].clone());
                Some(json!({"success": true}))
            } else {
                None
            }
        };
        server.request_answering(
            "workspace/executeCommand",
            json!({"command": "northflank.remote.fetch", "arguments": [{"uri": repo.uri}]}),
            &mut answer,
        )
    }
    .unwrap();
    let platform_uri = "northflank-remote://platform/template/web/northflank.json";
    let git_uri = "northflank-remote://git/origin/main/northflank.json";
    assert_eq!(result["platform"][0]["uri"], platform_uri);
    assert_eq!(result["platform"][0]["object"], "template \"Web\"");
    // The platform's copy in file shape and the file's key order: the committed file.
    assert_eq!(result["platform"][0]["text"], FILE);
    assert_eq!(
        result["git"],
        json!({"uri": git_uri, "rev": "origin/main", "text": FILE, "fetched": false})
    );
    {
        let mut answer =
            |r: &Value| (r["method"] == "window/showDocument").then(|| json!({"success": true}));
        server.wait_answering(
            &|m: &Value| {
                m["serverRequest"]["method"] == "window/showDocument"
                    && m["serverRequest"]["params"]["uri"] == git_uri
            },
            &mut answer,
        );
    }
    let content = server
        .request("northflank/remoteContent", json!({"uri": platform_uri}))
        .unwrap();
    assert_eq!(content, json!({"text": FILE}));
    let missing = server
        .request(
            "northflank/remoteContent",
            json!({"uri": "northflank-remote://nothing"}),
        )
        .unwrap_err();
    assert_eq!(
        missing["message"],
        "no remote content for `northflank-remote://nothing`: run “Fetch remote versions” again"
    );
    let _ = shown;
    server.shutdown();
}

#[test]
fn diff_and_replace() {
    let api = platform(vec![template_doc(true)]);
    let repo = repo(Some(HTTPS_REMOTE), FILE);
    let mut server = start(Some(&api), &repo.root, &[]);
    let buffer = FILE.replace("\"autorun\": true", "\"autorun\": false");
    server.open(&repo.uri, &buffer);
    let result = command(
        &mut server,
        "northflank.remote.diff",
        json!({"uri": repo.uri}),
    )
    .unwrap();
    let expected = "--- northflank.json\n+++ platform: template \"Web\"\n@@ -9,7 +9,7 @@\n     }\n   },\n   \"options\": {\n-    \"autorun\": false,\n+    \"autorun\": true,\n     \"concurrencyPolicy\": \"queue\"\n   },\n   \"gitops\": {\n";
    assert_eq!(result["platform"][0]["diff"], expected);
    assert_eq!(result["platform"][0]["different"], true);
    assert_eq!(
        result["git"]["diff"],
        expected.replace(
            "+++ platform: template \"Web\"",
            "+++ origin/main:/northflank.json"
        )
    );
    assert_eq!(
        result["uri"],
        "northflank-remote://diff/northflank.json.diff"
    );

    // The buffer has unsaved changes: the server asks before offering the replacement.
    let mut asked = Vec::new();
    let mut edits = Vec::new();
    let result = {
        let mut answer = |r: &Value| match r["method"].as_str() {
            Some("window/showMessageRequest") => {
                asked.push(r["params"]["message"].clone());
                Some(json!({"title": "Replace"}))
            }
            Some("workspace/applyEdit") => {
                edits.push(r["params"].clone());
                Some(json!({"applied": true}))
            }
            _ => None,
        };
        let result = server.request_answering(
            "workspace/executeCommand",
            json!({"command": "northflank.remote.replace", "arguments": [{"uri": repo.uri, "source": "platform"}]}),
            &mut answer,
        );
        server.wait_answering(&|m: &Value| m["serverRequest"]["method"] == "workspace/applyEdit", &mut answer);
        result
    }
    .unwrap();
    assert_eq!(
        result,
        json!({"source": "platform", "text": FILE, "confirm": true})
    );
    assert_eq!(
        asked,
        vec![json!(
            "northflank.json has unsaved changes. Replace the whole buffer with the platform version?"
        )]
    );
    assert_eq!(
        edits,
        vec![json!({
            "label": "Replace with the platform's copy (template \"Web\")",
            "edit": {"changes": {repo.uri.clone(): [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 21, "character": 0}}, "newText": FILE}]}}
        })]
    );
    assert_eq!(std::fs::read_to_string(&repo.file).unwrap(), FILE);
    server.shutdown();
}

#[test]
fn faults_give_clear_messages_and_leave_files_untouched() {
    let api = platform(vec![template_doc(true)]);
    let repo = repo(Some(HTTPS_REMOTE), FILE);
    let before = std::fs::read(&repo.file).unwrap();
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, FILE);
    settled_lenses(&mut server, &repo.uri);
    let status = |server: &mut TestServer| {
        error_message(command(
            server,
            "northflank.remote.status",
            json!({"uri": repo.uri}),
        ))
    };

    let cases: Vec<(Fault, &str)> = vec![
        (
            Fault::Status(401),
            "Northflank: the API token was rejected: create a new one in Team settings → API → Tokens",
        ),
        (
            Fault::Status(500),
            "Northflank: the Northflank API failed to list templates with HTTP 500",
        ),
        (
            Fault::RateLimit {
                retry_after: Some(3600),
                reset: None,
            },
            "Northflank: the Northflank API rate limit was hit while trying to list templates (1 attempt): try again in 3600 s",
        ),
        (
            Fault::Delay(Duration::from_secs(3)),
            "Northflank: the request to list templates timed out after 1000 ms (3 attempts)",
        ),
        (
            Fault::TruncatedJson,
            "Northflank: the Northflank API sent an unreadable response to list templates (HTTP 200): the JSON body ends early",
        ),
        (
            Fault::NonJson(502),
            "Northflank: the Northflank API failed to list templates with HTTP 502",
        ),
    ];
    for (fault, expected) in cases {
        api.fake.inject(fault.clone().on(Route::ListTemplates));
        let message = status(&mut server);
        assert!(message.starts_with(expected), "{fault:?}: {message}");
        assert!(!message.contains(TOKEN));
        api.fake.clear_faults();
        assert_eq!(std::fs::read(&repo.file).unwrap(), before);
    }
    api.fake.deny(Route::GetTemplate);
    assert_eq!(
        status(&mut server),
        "Northflank: the API token may not get template `web`: give its API role the permission `Account > Templates > General > Read`"
    );
    api.fake.allow(Route::GetTemplate);
    assert_eq!(
        error_message(command(
            &mut server,
            "northflank.remote.link",
            json!({"uri": repo.uri, "templateId": "nope"})
        )),
        "Northflank: template `nope` was not found"
    );
    // A failure while sending the link: reported, no edit offered, nothing written.
    api.fake
        .inject(Fault::Status(500).on(Route::UpdateTemplate));
    let mut answers = LinkAnswers {
        pick: None,
        confirm: Some("Link"),
        questions: vec![],
        edits: vec![],
    };
    {
        let mut answer = |r: &Value| answers.answer(r);
        server
            .request_answering(
                "workspace/executeCommand",
                json!({"command": "northflank.remote.link", "arguments": [{"uri": repo.uri, "templateId": "web"}]}),
                &mut answer,
            )
            .unwrap();
    }
    let done = show_message(&mut server, &mut answers);
    assert_eq!(done["type"], 1);
    assert!(
        done["message"].as_str().unwrap().starts_with("Northflank: linking failed: the Northflank API failed to update template `web` with HTTP 500"),
        "{done}"
    );
    assert!(answers.edits.is_empty());
    assert_eq!(std::fs::read(&repo.file).unwrap(), before);
    server.shutdown();
}

#[test]
fn git_fetch_failure_is_reported_plainly() {
    let api = platform(vec![]);
    let repo = repo(Some("https://127.0.0.1:1/acme/platform.git"), PLAIN);
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, PLAIN);
    let message = error_message(command(
        &mut server,
        "northflank.remote.fetch",
        json!({"uri": repo.uri, "fetch": true}),
    ));
    assert!(message.starts_with("Northflank: git fetch failed: fatal: unable to access 'https://127.0.0.1:1/acme/platform.git/'"), "{message}");
    // Without `fetch`, what is already fetched is read.
    let result = command(
        &mut server,
        "northflank.remote.fetch",
        json!({"uri": repo.uri}),
    )
    .unwrap();
    assert_eq!(result["git"]["text"], PLAIN);
    assert_eq!(result["platform"], json!([]));
    server.shutdown();
}

#[test]
fn without_a_token_platform_features_say_what_to_do() {
    let repo = repo(Some(HTTPS_REMOTE), FILE);
    let mut server = start(None, &repo.root, &[]);
    server.open(&repo.uri, FILE);
    let expected = "Northflank: no API token — set northflank.api.token, NORTHFLANK_API_TOKEN or northflank.api.tokenFile";
    assert_eq!(settled_lenses(&mut server, &repo.uri), vec![expected]);
    for name in [
        "northflank.remote.status",
        "northflank.remote.link",
        "northflank.remote.fetch",
        "northflank.remote.diff",
    ] {
        assert_eq!(
            error_message(command(&mut server, name, json!({"uri": repo.uri}))),
            expected,
            "{name}"
        );
    }
    // Everything else still works.
    let diagnostics = server.diagnostics(&repo.uri, 1);
    assert!(drift_diagnostics(&diagnostics).is_empty());
    server.shutdown();
}

#[test]
fn the_token_never_appears_in_any_output() {
    let api = platform(vec![template_doc(true)]);
    let repo = repo(Some(HTTPS_REMOTE), FILE);
    let mut server = start(Some(&api), &repo.root, &[("NORTHFLANK_LSP_LOG", "trace")]);
    server.open(&repo.uri, FILE);
    settled_lenses(&mut server, &repo.uri);
    let mut answer = no_answers();
    for (name, arg) in [
        ("northflank.remote.status", json!({"uri": repo.uri})),
        ("northflank.remote.fetch", json!({"uri": repo.uri})),
        ("northflank.remote.diff", json!({"uri": repo.uri})),
    ] {
        server
            .request_answering(
                "workspace/executeCommand",
                json!({"command": name, "arguments": [arg]}),
                &mut answer,
            )
            .unwrap();
    }
    api.fake.inject(Fault::Status(401));
    let _ = command(
        &mut server,
        "northflank.remote.status",
        json!({"uri": repo.uri}),
    );
    api.fake.clear_faults();
    let mut link = LinkAnswers {
        pick: None,
        confirm: Some("Link"),
        questions: vec![],
        edits: vec![],
    };
    {
        let mut answer = |r: &Value| link.answer(r);
        server
            .request_answering(
                "workspace/executeCommand",
                json!({"command": "northflank.remote.link", "arguments": [{"uri": repo.uri, "templateId": "web"}]}),
                &mut answer,
            )
            .unwrap();
    }
    show_message(&mut server, &mut link);
    let transcript = server.transcript.join("\n");
    let stderr = server.shutdown();
    assert!(
        stderr.contains("northflank api request"),
        "trace logging was on"
    );
    assert!(
        !transcript.contains(TOKEN),
        "the token is in the protocol output"
    );
    assert!(!stderr.contains(TOKEN), "the token is in the log");
}

/// A template file without a `gitops` block of its own, linked on the platform (autorun on):
/// once the background lookup has found the link, the push preview judges the file by it.
#[test]
fn push_preview_follows_the_template_linked_on_the_platform() {
    let api = platform(vec![template_doc(true)]);
    let repo = repo(Some(HTTPS_REMOTE), PLAIN);
    // One commit to push, and it changes the linked file.
    let edited = PLAIN.replace(
        "\"steps\": []",
        "\"steps\": [{\"kind\": \"Project\", \"spec\": {\"name\": \"web\"}}]",
    );
    std::fs::write(&repo.file, &edited).unwrap();
    git(&repo.root, &["commit", "-q", "-am", "add the project"]);
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, &edited);
    assert_eq!(
        settled_lenses(&mut server, &repo.uri),
        vec!["Linked to template \"Web\" · autorun on · concurrency queue · platform at 0123456"]
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let title = loop {
        let lenses = server
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": repo.uri}}),
            )
            .unwrap();
        let preview: Vec<String> = lenses
            .as_array()
            .into_iter()
            .flatten()
            .filter(|lens| lens["command"]["command"] == "northflank.preview.explain")
            .map(|lens| lens["command"]["title"].as_str().unwrap().to_owned())
            .collect();
        if let Some(title) = preview.iter().find(|title| title.contains("would run")) {
            break title.clone();
        }
        assert!(
            Instant::now() < deadline,
            "no preview lens says it would run: {preview:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        title.starts_with("▶ pushing 1 commit to main would run"),
        "{title}"
    );
    server.shutdown();
}

// ----- release flows and preview templates --------------------------------------------------

/// An unlinked release-flow file.
const RELEASE_FLOW: &str = r#"{
  "apiVersion": "v1.2",
  "spec": {
    "kind": "Workflow",
    "spec": {
      "type": "sequential",
      "steps": []
    }
  },
  "triggers": [],
  "options": {
    "paused": false
  },
  "$schema": "https://api.northflank.com/v1/schemas/release-flow"
}
"#;

/// An unlinked preview-template file.
const PREVIEW: &str = r#"{
  "apiVersion": "v1.2",
  "spec": {
    "kind": "Workflow",
    "spec": {
      "type": "sequential",
      "steps": []
    }
  },
  "options": {
    "concurrencyPolicy": "queue"
  },
  "paused": false,
  "$schema": "https://api.northflank.com/v1/schemas/preview-env"
}
"#;

/// The `gitops` block of `northflank.json` in the acme/platform repository, as sent.
const GITOPS_SENT: &str = "  \"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/northflank.json\"\n  },\n";

/// Project `shop`: pipeline `backend` ("Backend") with release flows in Development and
/// Staging and a preview template; pipeline `web` ("Web") with nothing.
fn shop_platform() -> Platform {
    let workflow = json!({"kind": "Workflow", "spec": {"type": "parallel", "steps": []}});
    let seed: Seed = serde_json::from_value(json!({
        "projects": [{
            "id": "shop",
            "pipelines": [
                {
                    "id": "backend",
                    "name": "Backend",
                    "releaseFlows": {
                        "Development": {"apiVersion": "v1.2", "spec": workflow, "triggers": []},
                        "Staging": {"apiVersion": "v1.2", "spec": workflow, "triggers": [], "options": {"paused": true}}
                    },
                    "previewTemplate": {"apiVersion": "v1.2", "spec": workflow, "options": {"concurrencyPolicy": "allow"}}
                },
                {"id": "web", "name": "Web"}
            ]
        }]
    }))
    .unwrap();
    platform_with(seed)
}

/// [`LinkAnswers`] plus answers for the pipeline and stage pickers.
struct PipelineAnswers {
    pipeline: Option<&'static str>,
    stage: Option<&'static str>,
    inner: LinkAnswers,
}

impl PipelineAnswers {
    fn answer(&mut self, request: &Value) -> Option<Value> {
        let message = request["params"]["message"].as_str().unwrap_or("");
        let picked = if message.contains("of which pipeline?") {
            Some(self.pipeline)
        } else if message.contains("to which stage of pipeline") {
            Some(self.stage)
        } else {
            None
        };
        match picked {
            Some(title) if request["method"] == "window/showMessageRequest" => {
                self.inner.questions.push(request["params"].clone());
                Some(title.map_or(Value::Null, |t| json!({"title": t})))
            }
            _ => self.inner.answer(request),
        }
    }

    /// Runs `northflank.remote.link` with `argument` and returns its result and the
    /// `window/showMessage` that ends the flow.
    fn link(&mut self, server: &mut TestServer, argument: Value) -> (Value, Value) {
        let result = {
            let mut answer = |r: &Value| self.answer(r);
            server
                .request_answering(
                    "workspace/executeCommand",
                    json!({"command": "northflank.remote.link", "arguments": [argument]}),
                    &mut answer,
                )
                .unwrap()
        };
        let mut answer = |r: &Value| self.answer(r);
        let done = server.wait_answering(
            &|m: &Value| m["method"] == "window/showMessage",
            &mut answer,
        )["params"]
            .clone();
        (result, done)
    }
}

/// The bodies the fake received on `route`.
fn bodies(api: &Platform, route: Route) -> Vec<String> {
    api.fake
        .requests()
        .into_iter()
        .filter(|r| r.route == Some(route))
        .map(|r| r.body)
        .collect()
}

/// The JSON body shown in a confirmation (from `{` after the request line to the closing `}`
/// at the start of a line), compacted as it goes over the wire.
fn shown_body(message: &str) -> String {
    let start = message.find("\n{\n").unwrap() + 1;
    let end = message[start..].find("\n}").unwrap() + start + 2;
    let value: Value = serde_json::from_str(&message[start..end]).unwrap();
    serde_json::to_string(&value).unwrap()
}

#[test]
fn link_a_release_flow_picks_pipeline_and_stage_then_confirms_and_offers_the_edit() {
    let api = shop_platform();
    let repo = repo(Some(HTTPS_REMOTE), RELEASE_FLOW);
    let mut server = start_in(Some(&api), Some("shop"), &repo.root, &[]);
    server.open(&repo.uri, RELEASE_FLOW);
    assert_eq!(
        settled_lenses(&mut server, &repo.uri),
        vec!["Not linked to Northflank — Link…"]
    );
    let mut answers =
        LinkAnswers::pipeline(Some("Backend (backend)"), Some("Staging"), Some("Link"));
    let (result, done) = answers.link(&mut server, json!({"uri": repo.uri}));
    assert_eq!(result, json!({"started": "link"}));
    assert_eq!(
        done,
        json!({"type": 3, "message": "Northflank: linked northflank.json to release flow \"Backend / Staging\" (shop/backend/Staging). Save the file, then commit and push it."})
    );
    let questions = &answers.inner.questions;
    assert_eq!(questions.len(), 3, "{questions:#?}");
    assert_eq!(
        questions[0],
        json!({"type": 3, "message": "Link northflank.json to the release flow of which pipeline?", "actions": [{"title": "Backend (backend)"}, {"title": "Web (web)"}]})
    );
    assert_eq!(
        questions[1],
        json!({"type": 3, "message": "Link northflank.json to which stage of pipeline \"Backend\"?", "actions": [{"title": "Development"}, {"title": "Staging"}]})
    );
    let body = format!(
        "{{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {{\n    \"kind\": \"Workflow\",\n    \"spec\": {{\n      \"type\": \"sequential\",\n      \"steps\": []\n    }}\n  }},\n  \"triggers\": [],\n  \"options\": {{\n    \"paused\": false\n  }},\n{GITOPS_SENT}  \"$schema\": \"https://api.northflank.com/v1/schemas/release-flow\"\n}}"
    );
    assert_eq!(
        questions[2]["type"], 2,
        "a warning: the platform's copy differs"
    );
    assert_eq!(
        questions[2]["message"],
        format!(
            "Warning: release flow \"Backend / Staging\" on Northflank holds a different version than this file: linking sends this file's content in its place.\n\n\
             Link northflank.json to release flow \"Backend / Staging\"? This request will be sent:\n\
             POST /v1/projects/shop/pipelines/backend/release-flows/Staging\n{body}\n\n\
             Unconfirmed: the request carries this file's content, but Northflank's documentation does not say whether a linked release flow then keeps it or loads the file from Git (branch `main`) in its place."
        )
    );
    assert_eq!(
        questions[2]["actions"],
        json!([{"title": "Link"}, {"title": "Cancel"}])
    );
    // Exactly what was shown went over the wire, once.
    let sent = bodies(&api, Route::UpdateReleaseFlow);
    assert_eq!(
        sent,
        vec![shown_body(questions[2]["message"].as_str().unwrap())]
    );
    // The update is what the platform now has.
    let stored = api.fake.release_flow("shop", "backend", "Staging").unwrap();
    assert_eq!(stored["spec"]["spec"]["type"], "sequential");
    assert_eq!(stored["options"], json!({"paused": false}));
    assert_eq!(stored["gitops"]["filePath"], "/northflank.json");
    assert_eq!(
        api.fake
            .release_flow("shop", "backend", "Development")
            .unwrap()["spec"]["spec"]["type"],
        "parallel"
    );
    // The edit puts the block where the body has it: before `$schema`.
    assert_eq!(
        answers.inner.edits,
        vec![json!({
            "label": "Write the Northflank gitops block",
            "edit": {"changes": {repo.uri.clone(): [{
                "range": {"start": {"line": 13, "character": 2}, "end": {"line": 13, "character": 2}},
                "newText": "\"gitops\": {\n    \"vcsService\": \"github\",\n    \"repoUrl\": \"https://github.com/acme/platform\",\n    \"branch\": \"main\",\n    \"filePath\": \"/northflank.json\"\n  },\n  "
            }]}}
        })]
    );
    assert_eq!(std::fs::read_to_string(&repo.file).unwrap(), RELEASE_FLOW);
    // The next lookup finds the link the update made.
    let status = command(
        &mut server,
        "northflank.remote.status",
        json!({"uri": repo.uri}),
    )
    .unwrap();
    assert_eq!(status["linked"], true);
    assert_eq!(status["kind"], "release-flow");
    assert_eq!(status["objects"][0]["id"], "shop/backend/Staging");
    assert_eq!(status["objects"][0]["name"], "Backend / Staging");
    server.shutdown();
}

#[test]
fn link_a_preview_template_to_a_named_pipeline_or_decline() {
    let api = shop_platform();
    let repo = repo(Some(HTTPS_REMOTE), PREVIEW);
    let mut server = start_in(Some(&api), Some("shop"), &repo.root, &[]);
    server.open(&repo.uri, PREVIEW);
    settled_lenses(&mut server, &repo.uri);
    let before = api.fake.preview_template("shop", "backend").unwrap();

    // Declined: nothing is sent, no edit is offered.
    let mut declined = LinkAnswers::pipeline(None, None, Some("Cancel"));
    let (_, done) = declined.link(
        &mut server,
        json!({"uri": repo.uri, "pipelineId": "backend"}),
    );
    assert_eq!(
        done,
        json!({"type": 3, "message": "Northflank: linking cancelled; nothing was sent."})
    );
    assert_eq!(
        declined.inner.questions.len(),
        1,
        "no pipeline picker: it was named"
    );
    assert!(declined.inner.edits.is_empty());
    assert_eq!(api.fake.request_count(Route::UpdatePreviewTemplate), 0);
    assert_eq!(
        api.fake.preview_template("shop", "backend").unwrap(),
        before
    );

    // Dismissing the pipeline picker cancels too.
    let mut dismissed = LinkAnswers::pipeline(None, None, Some("Link"));
    let (_, done) = dismissed.link(&mut server, json!({"uri": repo.uri}));
    assert_eq!(
        done["message"],
        "Northflank: linking cancelled; nothing was sent."
    );
    assert_eq!(
        dismissed.inner.questions[0]["message"],
        "Link northflank.json as the preview template of which pipeline?"
    );
    assert_eq!(api.fake.request_count(Route::UpdatePreviewTemplate), 0);

    // Confirmed.
    let mut answers = LinkAnswers::pipeline(None, None, Some("Link"));
    let (_, done) = answers.link(
        &mut server,
        json!({"uri": repo.uri, "pipelineId": "backend"}),
    );
    assert_eq!(
        done,
        json!({"type": 3, "message": "Northflank: linked northflank.json to preview template \"Backend\" (shop/backend). Save the file, then commit and push it."})
    );
    let question = &answers.inner.questions[0];
    let body = format!(
        "{{\n  \"apiVersion\": \"v1.2\",\n  \"spec\": {{\n    \"kind\": \"Workflow\",\n    \"spec\": {{\n      \"type\": \"sequential\",\n      \"steps\": []\n    }}\n  }},\n  \"options\": {{\n    \"concurrencyPolicy\": \"queue\"\n  }},\n  \"paused\": false,\n{GITOPS_SENT}  \"$schema\": \"https://api.northflank.com/v1/schemas/preview-env\"\n}}"
    );
    assert_eq!(
        question["message"],
        format!(
            "Warning: preview template \"Backend\" on Northflank holds a different version than this file: linking sends this file's content in its place.\n\n\
             Link northflank.json to the preview template of pipeline \"Backend\"? This request will be sent:\n\
             POST /v1/projects/shop/pipelines/backend/preview-envs\n{body}\n\n\
             Unconfirmed: the request carries this file's content, but Northflank's documentation does not say whether a linked preview template then keeps it or loads the file from Git (branch `main`) in its place."
        )
    );
    assert_eq!(
        bodies(&api, Route::UpdatePreviewTemplate),
        vec![shown_body(question["message"].as_str().unwrap())]
    );
    let stored = api.fake.preview_template("shop", "backend").unwrap();
    assert_eq!(stored["options"], json!({"concurrencyPolicy": "queue"}));
    assert_eq!(
        stored["gitops"]["repoUrl"],
        "https://github.com/acme/platform"
    );
    assert_eq!(answers.inner.edits.len(), 1);
    assert_eq!(std::fs::read_to_string(&repo.file).unwrap(), PREVIEW);

    // A stage makes no sense for a preview template.
    assert_eq!(
        error_message(command(
            &mut server,
            "northflank.remote.link",
            json!({"uri": repo.uri, "pipelineId": "backend", "stage": "Staging"})
        )),
        "`stage` is only for release flows"
    );
    server.shutdown();
}

#[test]
fn linking_pipeline_objects_without_a_project_says_what_to_set() {
    let api = shop_platform();
    let repo = repo(Some(HTTPS_REMOTE), RELEASE_FLOW);
    let mut server = start(Some(&api), &repo.root, &[]);
    server.open(&repo.uri, RELEASE_FLOW);
    let reason = "release flows live in a project's pipelines: set northflank.api.projectId (or NORTHFLANK_PROJECT_ID) to the id of the project that holds the pipeline";
    assert_eq!(
        settled_lenses(&mut server, &repo.uri),
        vec![format!("Not linked to Northflank: {reason}")]
    );
    assert_eq!(
        error_message(command(
            &mut server,
            "northflank.remote.link",
            json!({"uri": repo.uri, "pipelineId": "backend", "stage": "Staging"})
        )),
        format!("Northflank: {reason}")
    );
    assert_eq!(api.fake.request_count(Route::UpdateReleaseFlow), 0);
    server.shutdown();
}

#[test]
fn release_flow_link_faults_give_clear_messages_and_leave_files_untouched() {
    let api = shop_platform();
    let repo = repo(Some(HTTPS_REMOTE), RELEASE_FLOW);
    let mut server = start_in(Some(&api), Some("shop"), &repo.root, &[]);
    server.open(&repo.uri, RELEASE_FLOW);
    settled_lenses(&mut server, &repo.uri);
    let stored = api.fake.release_flow("shop", "backend", "Staging").unwrap();
    let object = "the release flow of stage `Staging` in pipeline `backend` of project `shop`";
    type Arrange = Box<dyn Fn(&Platform)>;
    let cases: Vec<(Arrange, String)> = vec![
        (
            Box::new(|api: &Platform| api.fake.deny(Route::UpdateReleaseFlow)),
            format!(
                "Northflank: linking failed: the API token may not update {object}: give its API role the permission `Project > Pipelines > General > Update`"
            ),
        ),
        (
            Box::new(|api: &Platform| {
                api.fake
                    .inject(Fault::Status(404).on(Route::UpdateReleaseFlow))
            }),
            format!("Northflank: linking failed: {object} was not found"),
        ),
        (
            Box::new(|api: &Platform| {
                api.fake
                    .inject(Fault::Status(500).on(Route::UpdateReleaseFlow))
            }),
            format!(
                "Northflank: linking failed: the Northflank API failed to update {object} with HTTP 500: Internal server error (3 attempts)"
            ),
        ),
    ];
    for (arrange, expected) in cases {
        arrange(&api);
        let mut answers = LinkAnswers::pipeline(None, None, Some("Link"));
        let (_, done) = answers.link(
            &mut server,
            json!({"uri": repo.uri, "pipelineId": "backend", "stage": "staging"}),
        );
        assert_eq!(done, json!({"type": 1, "message": expected}));
        assert!(answers.inner.edits.is_empty());
        assert_eq!(std::fs::read_to_string(&repo.file).unwrap(), RELEASE_FLOW);
        assert_eq!(
            api.fake.release_flow("shop", "backend", "Staging").unwrap(),
            stored
        );
        api.fake.allow(Route::UpdateReleaseFlow);
        api.fake.clear_faults();
    }
    // A stage the pipeline does not have, and a pipeline the project does not have.
    let mut answers = LinkAnswers::pipeline(None, None, Some("Link"));
    let (_, done) = answers.link(
        &mut server,
        json!({"uri": repo.uri, "pipelineId": "backend", "stage": "Production"}),
    );
    assert_eq!(
        done,
        json!({"type": 1, "message": "Northflank: linking stopped: pipeline \"Backend\" has no stage `Production`: it has Development, Staging"})
    );
    assert_eq!(
        error_message(command(
            &mut server,
            "northflank.remote.link",
            json!({"uri": repo.uri, "pipelineId": "nope"})
        )),
        "Northflank: pipeline `nope` in project `shop` was not found"
    );
    assert_eq!(
        error_message(command(
            &mut server,
            "northflank.remote.link",
            json!({"uri": repo.uri, "stage": "qa"})
        )),
        "`stage` must be `Development`, `Staging` or `Production`"
    );
    // 403 and 404 once each; the full-replace update is retried after a 5xx (3 attempts).
    assert_eq!(bodies(&api, Route::UpdateReleaseFlow).len(), 5);
    server.shutdown();
}

/// A repository whose `origin` (`git@github.com:acme/platform.git`) is served by a local bare
/// repository through `GIT_SSH_COMMAND`, and a second clone that pushes a new commit there.
#[test]
fn explicit_git_fetch_brings_the_new_remote_copy() {
    let api = platform(vec![]);
    let repo = repo(Some("git@github.com:acme/platform.git"), PLAIN);
    let tmp = &repo.tmp;
    let bare = tmp.bare("upstream.git");
    let bare_path = bare.to_str().unwrap();
    tmp.git(&["push", "-q", bare_path, "main"]);
    tmp.git_in(&tmp.home, &["clone", "-q", bare_path, "other"]);
    let other = tmp.home.join("other");
    let newer = PLAIN.replace("\"name\": \"Web\"", "\"name\": \"Web Two\"");
    git_support::write(&other, "northflank.json", &newer);
    tmp.git_in(&other, &["commit", "-q", "-am", "rename"]);
    tmp.git_in(&other, &["push", "-q", "origin", "main"]);
    let pushed = tmp.git_in(&other, &["rev-parse", "HEAD"]);

    let ssh = git_support::local_ssh(&tmp.home, &bare);
    let ssh = ssh.to_str().unwrap();
    let mut server = start(
        Some(&api),
        &repo.root,
        &[("GIT_SSH_COMMAND", ssh), ("GIT_SSH_VARIANT", "simple")],
    );
    server.open(&repo.uri, PLAIN);
    let refs_before = tmp.refs();

    let unfetched = command(
        &mut server,
        "northflank.remote.fetch",
        json!({"uri": repo.uri}),
    )
    .unwrap();
    assert_eq!(unfetched["git"]["text"], PLAIN);
    assert_eq!(unfetched["git"]["fetched"], false);
    assert_eq!(tmp.refs(), refs_before, "reading fetches nothing");

    let fetched = command(
        &mut server,
        "northflank.remote.fetch",
        json!({"uri": repo.uri, "fetch": true}),
    )
    .unwrap();
    assert_eq!(
        fetched["git"],
        json!({"uri": "northflank-remote://git/origin/main/northflank.json", "rev": "origin/main", "text": newer, "fetched": true})
    );
    let diff = command(
        &mut server,
        "northflank.remote.diff",
        json!({"uri": repo.uri, "against": "git"}),
    )
    .unwrap();
    assert_eq!(
        diff["git"]["diff"],
        "--- northflank.json\n+++ origin/main:/northflank.json\n@@ -1,6 +1,6 @@\n {\n   \"apiVersion\": \"v1.2\",\n-  \"name\": \"Web\",\n+  \"name\": \"Web Two\",\n   \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}},\n   \"$schema\": \"https://api.northflank.com/v1/schemas/template\"\n }\n"
    );
    // Only the remote-tracking ref moved; the work tree and every other ref are as they were.
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
    assert_eq!(tmp.refs(), expected);
    assert_eq!(std::fs::read_to_string(&repo.file).unwrap(), PLAIN);
    server.shutdown();
}
