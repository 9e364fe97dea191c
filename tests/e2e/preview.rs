//! "Would this push run it?" in the editor: code lenses on triggers and templates, the explain
//! command, and lenses that follow new commits — on real repositories built with `git`.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::{Options, TestServer, range, vscode_like_capabilities};

use crate::git_support::{git, git_env};

/// A work tree whose `origin` fetches from `https://github.com/acme/shop` and pushes to a local
/// bare repository, with a release flow and two templates committed and pushed.
struct Shop {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    dir: PathBuf,
}

impl Shop {
    fn new() -> Shop {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().canonicalize().unwrap();
        let dir = home.join("work");
        std::fs::create_dir(&dir).unwrap();
        git(&home, &home, &["init", "-q", "--bare", "remote.git"]);
        let shop = Shop {
            _tmp: tmp,
            home: home.clone(),
            dir,
        };
        shop.git(&["init", "-q"]);
        shop.git(&["remote", "add", "origin", "https://github.com/acme/shop"]);
        shop.git(&[
            "config",
            "remote.origin.pushurl",
            home.join("remote.git").to_str().unwrap(),
        ]);
        shop.write("northflank/release-flow.json", RELEASE_FLOW);
        shop.write("northflank/template.json", TEMPLATE);
        shop.write("northflank/unlinked.json", UNLINKED);
        shop.write("src/app.rs", "fn main() {}\n");
        shop.commit("initial import");
        shop.git(&["push", "-q", "-u", "origin", "main"]);
        shop
    }

    fn git(&self, args: &[&str]) -> String {
        git(&self.home, &self.dir, args)
    }

    fn write(&self, rel: &str, content: &str) {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn uri(&self, rel: &str) -> String {
        format!("file://{}", self.dir.join(rel).display())
    }

    fn server(&self) -> TestServer {
        let mut capabilities = vscode_like_capabilities();
        capabilities["workspace"]["codeLens"] = json!({"refreshSupport": true});
        capabilities["workspace"]["executeCommand"] = json!({"dynamicRegistration": false});
        let (server, result) = TestServer::start(Options {
            capabilities,
            env: git_env(&self.home),
            ..Options::default()
        });
        let commands = result["capabilities"]["executeCommandProvider"]["commands"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            commands.contains(&json!("northflank.preview.explain")),
            "{commands:?}"
        );
        server
    }
}

/// Fixtures shared by the CLI and editor preview tests (`tests/fixtures/preview/`).
const RELEASE_FLOW: &str = include_str!("../fixtures/preview/release-flow.json");

const TEMPLATE: &str = include_str!("../fixtures/preview/template.json");

const UNLINKED: &str = include_str!("../fixtures/preview/unlinked.json");

/// The lenses of `uri` as `(range, title, arguments)`.
fn lenses(server: &mut TestServer, uri: &str) -> Vec<(Value, String, Value)> {
    let result = server
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": uri}}),
        )
        .unwrap();
    preview_lenses(&result)
}

/// The preview lenses of a `textDocument/codeLens` answer as `(range, title, arguments)`.
fn preview_lenses(result: &Value) -> Vec<(Value, String, Value)> {
    let mut out: Vec<(Value, String, Value)> = result
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|lens| lens["command"]["command"] == "northflank.preview.explain")
        .map(|lens| {
            (
                lens["range"].clone(),
                lens["command"]["title"].as_str().unwrap().to_owned(),
                lens["command"]["arguments"][0].clone(),
            )
        })
        .collect();
    out.sort_by_key(|(range, _, _)| range["start"]["line"].as_u64());
    out
}

/// Asks for lenses until `done` accepts them, waiting for a `workspace/codeLens/refresh` in
/// between (the server reads git in the background and asks the client to refresh).
fn lenses_when(
    server: &mut TestServer,
    uri: &str,
    done: impl Fn(&[(Value, String, Value)]) -> bool,
) -> Vec<(Value, String, Value)> {
    for _ in 0..10 {
        let current = lenses(server, uri);
        if done(&current) {
            return current;
        }
        server.server_request("workspace/codeLens/refresh");
    }
    panic!(
        "the lenses of {uri} never settled: {:?}",
        lenses(server, uri)
    );
}

fn settled(lenses: &[(Value, String, Value)]) -> bool {
    !lenses.is_empty() && lenses.iter().all(|(_, title, _)| !title.starts_with('…'))
}

/// The range of the first character of `needle` in `text`.
fn at(text: &str, needle: &str) -> Value {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    range(text, (start, start + 1), false)
}

const APP: &str = "{\n      \"ref\": \"app\"";
const FEATURES: &str = "{\n      \"ref\": \"features\"";

/// A repository with one commit to push and its release flow open in a server.
fn release_flow_after_one_commit() -> (Shop, TestServer, String) {
    let shop = Shop::new();
    shop.write("src/app.rs", "fn main() { serve(); }\n");
    shop.commit("serve requests");
    let mut server = shop.server();
    let uri = shop.uri("northflank/release-flow.json");
    server.open(&uri, RELEASE_FLOW);
    (shop, server, uri)
}

/// Neovim drops a `workspace/codeLens/refresh` that arrives while it waits for lenses: when
/// git is read while an answer built before that is on its way, the server asks again once the
/// answer is out.
#[test]
fn a_refresh_sent_while_lenses_are_answered_is_sent_again_after_the_answer() {
    let (_shop, mut server, uri) = release_flow_after_one_commit();
    server
        .request("northflank/test/holdLenses", json!({"ms": 3000}))
        .unwrap();
    // The answer is built at once (git not read yet), then held while git is read.
    let id = server.send_request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let answer = preview_lenses(&server.response(id).unwrap());
    assert_eq!(
        answer,
        vec![(
            at(RELEASE_FLOW, "{"),
            "… checking what a push would run".to_owned(),
            json!({"uri": uri})
        )]
    );
    let refresh =
        |message: &Value| message["serverRequest"]["method"] == "workspace/codeLens/refresh";
    let before = server.take_queued();
    assert!(
        before.iter().any(refresh),
        "git was read while the answer was held: {before:#?}"
    );
    // The one the client may have dropped, sent again after the answer.
    server.server_request("workspace/codeLens/refresh");
    server
        .request("northflank/test/holdLenses", json!({"ms": 0}))
        .unwrap();
    assert!(settled(&lenses(&mut server, &uri)));
    server.shutdown();
}

#[test]
fn trigger_lenses_explain_and_follow_new_commits() {
    let (shop, mut server, uri) = release_flow_after_one_commit();

    // Before git has been read the lens says so; the answer follows with a refresh.
    let first = lenses(&mut server, &uri);
    assert_eq!(
        first,
        vec![(
            at(RELEASE_FLOW, "{"),
            "… checking what a push would run".to_owned(),
            json!({"uri": uri})
        )]
    );
    let lenses = lenses_when(&mut server, &uri, settled);
    assert_eq!(
        lenses,
        vec![
            (
                at(RELEASE_FLOW, APP),
                "▶ pushing 1 commit to main would run this release flow".to_owned(),
                json!({"uri": uri, "trigger": 0})
            ),
            (
                at(RELEASE_FLOW, FEATURES),
                "✕ pushing 1 commit to main would not run this release flow: no rule matches `main`"
                    .to_owned(),
                json!({"uri": uri, "trigger": 1})
            ),
        ]
    );

    let result = server
        .request(
            "workspace/executeCommand",
            json!({"command": "northflank.preview.explain", "arguments": [{"uri": uri, "trigger": 0}]}),
        )
        .unwrap();
    let text = "release flow: pushing 1 commit to main (origin/main..HEAD)
trigger 1 (`app`): would run, starting now
  ✓ pause: saw not paused — Git triggers are active
  ✓ repository: saw `https://github.com/acme/shop` against `https://github.com/acme/shop` — same repository (`github.com/acme/shop`)
  ✓ branch rules: saw branch `main` against `main` — `main` matches `main`
  ✓ skip flags: saw 1 message (every pushed commit) against `[skip ci]` — no message contains a skip flag
  ✗ pull-request rules: saw no open pull request from `main` — pull-request rules need a pull request
  ✓ path rules: saw 1 changed path against ignore rules `docs/`, `*.md` — `src/app.rs` is not ignored, so the push counts
  ✓ concurrency: saw policy `allow` (default), unknown whether a run is in progress — the run starts now
";
    assert_eq!(
        result["push"],
        "pushing 1 commit to main (origin/main..HEAD)"
    );
    assert_eq!(result["text"], text);
    assert_eq!(result["verdicts"].as_array().unwrap().len(), 1);
    assert_eq!(result["verdicts"][0]["subject"], "trigger 1 (`app`)");
    assert_eq!(result["verdicts"][0]["wouldRun"], true);
    let shown = server.notification("window/showMessage", |params| params["message"] == text);
    assert_eq!(shown["type"], 3, "info");

    // The whole document: both triggers.
    let result = server
        .request(
            "workspace/executeCommand",
            json!({"command": "northflank.preview.explain", "arguments": [{"uri": uri}]}),
        )
        .unwrap();
    assert_eq!(result["verdicts"].as_array().unwrap().len(), 2);
    let error = server
        .request(
            "workspace/executeCommand",
            json!({"command": "northflank.preview.explain", "arguments": [{"uri": uri, "trigger": 7}]}),
        )
        .unwrap_err();
    assert_eq!(error["message"], "the document has no trigger 7");

    // A new commit carrying a skip flag: the poller sees the branch move and the lens follows.
    shop.write("src/app.rs", "fn main() { serve(); log(); }\n");
    shop.commit("log requests [skip ci]");
    let lenses = lenses_when(&mut server, &uri, |lenses| {
        lenses
            .first()
            .is_some_and(|(_, title, _)| title.contains("2 commits"))
    });
    assert_eq!(
        lenses[0].1,
        "✕ pushing 2 commits to main would not run this release flow: commit `log requests [skip ci]` contains `[skip ci]`, so the run is skipped"
    );

    // After the push nothing is pending: the last commit stands for the push.
    shop.git(&["push", "-q"]);
    let lenses = lenses_when(&mut server, &uri, |lenses| {
        lenses
            .first()
            .is_some_and(|(_, title, _)| title.contains("HEAD"))
    });
    assert_eq!(
        lenses[0].1,
        "✕ pushing HEAD to main would not run this release flow: commit `log requests [skip ci]` contains `[skip ci]`, so the run is skipped"
    );
    server.shutdown();
}

#[test]
fn unsaved_edits_change_the_verdict_without_a_git_read() {
    let (_shop, mut server, uri) = release_flow_after_one_commit();
    lenses_when(&mut server, &uri, settled);
    // Ignore `src/` too, in the editor only.
    let edited = RELEASE_FLOW.replace("[\"docs/\", \"*.md\"]", "[\"docs/\", \"*.md\", \"src/\"]");
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": edited}]
        }),
    );
    let lenses = lenses(&mut server, &uri);
    assert_eq!(
        lenses[0],
        (
            at(&edited, APP),
            "✕ pushing 1 commit to main would not run this release flow: every changed path is ignored: `src/app.rs`"
                .to_owned(),
            json!({"uri": uri, "trigger": 0})
        )
    );
    server.shutdown();
}

#[test]
fn template_lenses_sit_at_the_top() {
    let shop = Shop::new();
    shop.write(
        "northflank/template.json",
        &TEMPLATE.replace("\"name\": \"shop\"", "\"name\": \"shop-eu\""),
    );
    shop.commit("rename the template");
    let mut server = shop.server();
    let linked = shop.uri("northflank/template.json");
    let text = TEMPLATE.replace("\"name\": \"shop\"", "\"name\": \"shop-eu\"");
    server.open(&linked, &text);
    assert_eq!(
        lenses_when(&mut server, &linked, settled),
        vec![(
            at(&text, "{"),
            "▶ pushing 1 commit to main would run this template".to_owned(),
            json!({"uri": linked})
        )]
    );
    let result = server
        .request(
            "workspace/executeCommand",
            json!({"command": "northflank.preview.explain", "arguments": [{"uri": linked}]}),
        )
        .unwrap();
    assert!(
        result["text"].as_str().unwrap().contains(
            "  ✓ linked file: saw `/northflank/template.json` among 1 changed paths — the push changes `/northflank/template.json`\n"
        ),
        "{}",
        result["text"]
    );

    let unlinked = shop.uri("northflank/unlinked.json");
    server.open(&unlinked, UNLINKED);
    assert_eq!(
        lenses_when(&mut server, &unlinked, settled),
        vec![(
            at(UNLINKED, "{"),
            "○ no run rules known for this template: no `gitops` link in the file and no linked platform object"
                .to_owned(),
            json!({"uri": unlinked})
        )]
    );
    server.shutdown();
}

#[test]
fn a_nested_feature_branch_gets_an_approximate_lens() {
    let shop = Shop::new();
    shop.git(&["checkout", "-q", "-b", "feature/cart/v2"]);
    shop.write("src/cart.rs", "pub struct Cart;\n");
    shop.commit("add a cart");
    let mut server = shop.server();
    let uri = shop.uri("northflank/release-flow.json");
    server.open(&uri, RELEASE_FLOW);
    let lenses = lenses_when(&mut server, &uri, settled);
    assert_eq!(
        lenses[1].1,
        "≈ pushing HEAD to feature/cart/v2 would run this release flow (approximate: branch rules: `feature/*` matches `feature/cart/v2` only because `*` is taken to match `/` too (unconfirmed))"
    );
    assert_eq!(
        lenses[0].1,
        "✕ pushing HEAD to feature/cart/v2 would not run this release flow: no rule matches `feature/cart/v2`"
    );
    server.shutdown();
}

#[test]
fn outside_a_repository_the_lens_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().canonicalize().unwrap().join("northflank.json");
    std::fs::write(&path, RELEASE_FLOW).unwrap();
    let uri = format!("file://{}", path.display());
    // The first lens may come before git was read: the client must take refreshes.
    let mut capabilities = vscode_like_capabilities();
    capabilities["workspace"]["codeLens"] = json!({"refreshSupport": true});
    let (mut server, _) = TestServer::start(Options {
        capabilities,
        env: vec![
            (
                "GIT_CEILING_DIRECTORIES".to_owned(),
                dir.path().parent().unwrap().display().to_string(),
            ),
            ("GIT_CONFIG_GLOBAL".to_owned(), "/dev/null".to_owned()),
        ],
        ..Options::default()
    });
    server.open(&uri, RELEASE_FLOW);
    let lenses = lenses_when(&mut server, &uri, settled);
    assert_eq!(lenses.len(), 1);
    assert!(
        lenses[0]
            .1
            .starts_with("○ no push to preview: no git repository contains `"),
        "{:?}",
        lenses[0]
    );
    // Documents that are not ours get no lens at all.
    let other = format!("file://{}", dir.path().join("package.json").display());
    server.open(&other, "{\"name\": \"shop\"}");
    assert_eq!(self::lenses(&mut server, &other), Vec::new());
    server.shutdown();
}
