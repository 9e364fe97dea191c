//! `northflank-lsp preview` end to end, on real repositories built by the tests with the `git`
//! command line (scrubbed environment: no user config, fixed identities and dates), and the
//! shipped pre-push hook driving it from `git push`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

use super::git_support::{git, scrubbed};
use super::{bin, repo_root};

/// A work tree whose `origin` fetches from `https://github.com/acme/shop` (what the triggers
/// watch) and pushes to a local bare repository.
struct Repo {
    _tmp: tempfile::TempDir,
    home: PathBuf,
    dir: PathBuf,
    remote: PathBuf,
}

impl Repo {
    fn new() -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().canonicalize().unwrap();
        let dir = home.join("work");
        let remote = home.join("remote.git");
        std::fs::create_dir(&dir).unwrap();
        let repo = Repo {
            _tmp: tmp,
            home,
            dir,
            remote,
        };
        repo.git_in(&repo.home, &["init", "-q", "--bare", "remote.git"]);
        repo.git(&["init", "-q"]);
        repo.git(&["remote", "add", "origin", "https://github.com/acme/shop"]);
        repo.git(&[
            "config",
            "remote.origin.pushurl",
            repo.remote.to_str().unwrap(),
        ]);
        repo
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        git(&self.home, dir, args)
    }

    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.dir, args)
    }

    fn write(&self, rel: &str, content: &str) {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// The shop repository: a release flow, a GitOps-linked template with autorun, a template
    /// without a link, a JSON file that is not ours, and a README; pushed to `origin/main`.
    fn shop() -> Repo {
        let repo = Repo::new();
        repo.write("northflank/release-flow.json", RELEASE_FLOW);
        repo.write("northflank/template.json", TEMPLATE);
        repo.write("northflank/unlinked.json", UNLINKED);
        repo.write("package.json", "{\"name\": \"shop\"}\n");
        repo.write("README.md", "# shop\n");
        repo.write("src/app.rs", "fn main() {}\n");
        repo.commit("initial import");
        repo.git(&["push", "-q", "-u", "origin", "main"]);
        repo
    }

    fn preview(&self, args: &[&str]) -> Output {
        let mut command = bin();
        scrubbed(&mut command, &self.home);
        command
            .arg("preview")
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("the binary runs")
    }
}

/// Fixtures shared by the CLI and editor preview tests (`tests/fixtures/preview/`).
const RELEASE_FLOW: &str = include_str!("../fixtures/preview/release-flow.json");

const TEMPLATE: &str = include_str!("../fixtures/preview/template.json");

const UNLINKED: &str = include_str!("../fixtures/preview/unlinked.json");

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

/// The block the human output prints for the release flow's first trigger when a push to
/// `main` with a changed source file and no skip flag reaches it (the steps before path rules
/// and skip flags).
const APP_TRIGGER_HEAD: &str = "    ✓ pause: saw not paused — Git triggers are active
    ✓ repository: saw `https://github.com/acme/shop` against `https://github.com/acme/shop` — same repository (`github.com/acme/shop`)
    ✓ branch rules: saw branch `main` against `main` — `main` matches `main`
";

#[test]
fn pending_push_of_a_source_change_runs_the_release_flow() {
    let repo = Repo::shop();
    repo.write("src/app.rs", "fn main() { println!(\"hi\"); }\n");
    repo.commit("print a greeting");
    let output = repo.preview(&["northflank/release-flow.json"]);
    assert_eq!(text(&output.stderr), "");
    assert_eq!(
        text(&output.stdout),
        format!(
            "push: pushing 1 commit to main (origin/main..HEAD)

northflank/release-flow.json (release flow): would run
  trigger 1 (`app`): would run, starting now
{APP_TRIGGER_HEAD}    ✓ skip flags: saw 1 message (every pushed commit) against `[skip ci]` — no message contains a skip flag
    ✗ pull-request rules: saw no open pull request from `main` — pull-request rules need a pull request
    ✓ path rules: saw 1 changed path against ignore rules `docs/`, `*.md` — `src/app.rs` is not ignored, so the push counts
    ✓ concurrency: saw policy `allow` (default), unknown whether a run is in progress — the run starts now

  trigger 2 (`features`): would not run
    ✓ pause: saw not paused — Git triggers are active
    ✓ repository: saw `https://github.com/acme/shop` against `https://github.com/acme/shop` — same repository (`github.com/acme/shop`)
    ✗ branch rules: saw branch `main` against `feature/*` — no rule matches `main`
    ✓ skip flags: saw skip flags disabled — commit-message skip flags are off
    ✗ pull-request rules: saw no open pull request from `main` — pull-request rules need a pull request
    ✓ path rules: saw no path rules — no path rules, so every change counts

would run: northflank/release-flow.json
"
        )
    );
    assert_eq!(code(&output), Some(10));
}

#[test]
fn only_ignored_paths_change_so_nothing_runs() {
    let repo = Repo::shop();
    repo.write("README.md", "# shop\n\nNow with docs.\n");
    repo.write("docs/guide.md", "# guide\n");
    repo.commit("document the shop");
    let output = repo.preview(&["--format", "json", "northflank/release-flow.json"]);
    assert_eq!(code(&output), Some(0), "{}", text(&output.stderr));
    let verdicts: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verdicts[0]["path"], "northflank/release-flow.json");
    assert_eq!(verdicts[0]["subject"], "trigger 1 (`app`)");
    assert_eq!(verdicts[0]["wouldRun"], false);
    assert_eq!(verdicts[0]["approximate"], json!([]));
    let path_step = verdicts[0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["rule"] == "path rules")
        .unwrap();
    assert_eq!(
        path_step,
        &json!({
            "rule": "path rules",
            "saw": "2 changed paths against ignore rules `docs/`, `*.md`",
            "matched": false,
            "explanation": "every changed path is ignored: `README.md`, `docs/guide.md`",
            "approximate": []
        })
    );
    assert_eq!(verdicts[1]["wouldRun"], false);
    assert_eq!(verdicts.as_array().unwrap().len(), 2);
}

#[test]
fn a_skip_flag_in_any_pushed_commit_stops_the_trigger() {
    let repo = Repo::shop();
    repo.write("src/app.rs", "fn main() { run(); }\n");
    repo.commit("call run");
    repo.write("src/lib.rs", "pub fn run() {}\n");
    repo.commit("add run [skip ci]");
    let output = repo.preview(&["northflank/release-flow.json"]);
    assert_eq!(code(&output), Some(0));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("push: pushing 2 commits to main (origin/main..HEAD)\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "    ✗ skip flags: saw 2 messages (every pushed commit) against `[skip ci]` — commit `add run [skip ci]` contains `[skip ci]`, so the run is skipped\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("\nnothing would run (1 file)\n"),
        "{stdout}"
    );
}

#[test]
fn json_output_for_one_commit_is_exact() {
    let repo = Repo::shop();
    repo.write("src/app.rs", "fn main() { ship(); }\n");
    let sha = repo.commit("ship it");
    repo.write("README.md", "# shop\n\nShipped.\n");
    repo.commit("say so");
    // The older commit alone, named by its id: a source change on `main`.
    let output = repo.preview(&[
        "--commit",
        &sha,
        "--format",
        "json",
        "northflank/release-flow.json",
    ]);
    assert_eq!(code(&output), Some(10), "{}", text(&output.stderr));
    let actual: Value = serde_json::from_slice(&output.stdout).unwrap();
    let step = |rule: &str, saw: &str, matched: bool, explanation: &str| json!({"rule": rule, "saw": saw, "matched": matched, "explanation": explanation, "approximate": []});
    let pause = step("pause", "not paused", true, "Git triggers are active");
    let repository = step(
        "repository",
        "`https://github.com/acme/shop` against `https://github.com/acme/shop`",
        true,
        "same repository (`github.com/acme/shop`)",
    );
    let no_pr = step(
        "pull-request rules",
        "no open pull request from `main`",
        false,
        "pull-request rules need a pull request",
    );
    assert_eq!(
        actual,
        json!([
            {
                "path": "northflank/release-flow.json",
                "subject": "trigger 1 (`app`)",
                "wouldRun": true,
                "approximate": [],
                "steps": [
                    pause,
                    repository,
                    step("branch rules", "branch `main` against `main`", true, "`main` matches `main`"),
                    step("skip flags", "1 message (every pushed commit) against `[skip ci]`", true, "no message contains a skip flag"),
                    no_pr,
                    step("path rules", "1 changed path against ignore rules `docs/`, `*.md`", true, "`src/app.rs` is not ignored, so the push counts"),
                    step("concurrency", "policy `allow` (default), unknown whether a run is in progress", true, "the run starts now"),
                ]
            },
            {
                "path": "northflank/release-flow.json",
                "subject": "trigger 2 (`features`)",
                "wouldRun": false,
                "approximate": [],
                "steps": [
                    pause,
                    repository,
                    step("branch rules", "branch `main` against `feature/*`", false, "no rule matches `main`"),
                    step("skip flags", "skip flags disabled", true, "commit-message skip flags are off"),
                    no_pr,
                    step("path rules", "no path rules", true, "no path rules, so every change counts"),
                ]
            }
        ])
    );
}

#[test]
fn a_range_pushed_to_a_nested_feature_branch_is_approximate() {
    let repo = Repo::shop();
    let base = repo.git(&["rev-parse", "HEAD"]);
    repo.write("src/app.rs", "fn main() { feature(); }\n");
    repo.commit("start the feature");
    let range = format!("{base}..HEAD");
    let output = repo.preview(&[
        "--range",
        &range,
        "--branch",
        "feature/cart/v2",
        "northflank/release-flow.json",
    ]);
    assert_eq!(code(&output), Some(10), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let expected_head = format!(
        "push: pushing 1 commit to feature/cart/v2 ({base}..HEAD)

northflank/release-flow.json (release flow): would run (approximate)
  trigger 1 (`app`): would not run
"
    );
    assert!(stdout.starts_with(&expected_head), "{stdout}");
    assert!(
        stdout.contains(
            "  trigger 2 (`features`): would run, starting now (approximate)
    ✓ pause: saw not paused — Git triggers are active
    ✓ repository: saw `https://github.com/acme/shop` against `https://github.com/acme/shop` — same repository (`github.com/acme/shop`)
    ✓ branch rules: saw branch `feature/cart/v2` against `feature/*` — `feature/*` matches `feature/cart/v2` (with `*` matching across `/`)
"
        ),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(
            "    approximate:
      - branch rules: `feature/*` matches `feature/cart/v2` only because `*` is taken to match `/` too (unconfirmed)

would run: northflank/release-flow.json (approximate)
"
        ),
        "{stdout}"
    );

    let output = repo.preview(&[
        "--range",
        &range,
        "--branch",
        "feature/cart/v2",
        "--format",
        "json",
        "northflank/release-flow.json",
    ]);
    let verdicts: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(verdicts[1]["wouldRun"], true);
    assert_eq!(
        verdicts[1]["approximate"],
        json!([
            "branch rules: `feature/*` matches `feature/cart/v2` only because `*` is taken to match `/` too (unconfirmed)"
        ])
    );
}

#[test]
fn the_working_tree_counts_as_the_next_commit() {
    let repo = Repo::shop();
    let output = repo.preview(&["--working-tree", "northflank/release-flow.json"]);
    assert_eq!(code(&output), Some(0), "a clean tree changes nothing");
    assert!(text(&output.stdout).contains(
        "    ✗ path rules: saw 0 changed paths against ignore rules `docs/`, `*.md` — the push changes no files, so no path can satisfy the rules\n"
    ));
    repo.write("src/new.rs", "// untracked, not ignored\n");
    let output = repo.preview(&["--working-tree", "northflank/release-flow.json"]);
    assert_eq!(code(&output), Some(10));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with(
            "push: committing and pushing the working tree to main (uncommitted changes as the next commit)\n"
        ),
        "{stdout}"
    );
    assert!(stdout.contains(
        "    ✓ path rules: saw 1 changed path against ignore rules `docs/`, `*.md` — `src/new.rs` is not ignored, so the push counts\n"
    ));
}

#[test]
fn walking_the_repository_evaluates_every_northflank_file() {
    let repo = Repo::shop();
    // Editing the linked template on `main` updates it, and autorun runs it.
    repo.write(
        "northflank/template.json",
        &TEMPLATE.replace("\"name\": \"shop\"", "\"name\": \"shop-eu\""),
    );
    repo.commit("rename the template");
    // Everything is pushed after this: the preview falls back to the last commit.
    repo.git(&["push", "-q"]);
    let head = repo.git(&["rev-parse", "--short=7", "HEAD"]);
    let output = repo.preview(&["--format", "json"]);
    assert_eq!(code(&output), Some(10), "{}", text(&output.stderr));
    let verdicts: Value = serde_json::from_slice(&output.stdout).unwrap();
    let summary: Vec<(String, String, bool)> = verdicts
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["path"].as_str().unwrap().to_owned(),
                v["subject"].as_str().unwrap().to_owned(),
                v["wouldRun"].as_bool().unwrap(),
            )
        })
        .collect();
    let s = |p: &str, subject: &str, run: bool| (p.to_owned(), subject.to_owned(), run);
    assert_eq!(
        summary,
        vec![
            s("northflank/release-flow.json", "trigger 1 (`app`)", true),
            s(
                "northflank/release-flow.json",
                "trigger 2 (`features`)",
                false
            ),
            s("northflank/template.json", "template autorun", true),
            s("northflank/unlinked.json", "run rules", false),
        ]
    );

    let output = repo.preview(&[]);
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with(&format!(
            "push: pushing HEAD to main (last commit {head}; everything is pushed to main)\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "
northflank/template.json (template): would run
  template autorun: would run, starting now
    ✓ repository: saw `https://github.com/acme/shop` against `https://github.com/acme/shop` — same repository (`github.com/acme/shop`)
    ✓ linked branch: saw push to `main`, linked branch `main` — the push goes to the linked branch
    ✓ linked file: saw `/northflank/template.json` among 1 changed paths — the push changes `/northflank/template.json`
    ✓ autorun: saw `options.autorun` true, `options.runOnUpdate` absent — autorun is on: the update starts a run
    ✓ skip flags: saw no skip flag in the pushed messages — no skip flag to consider
    ✓ concurrency: saw policy `allow` (default), unknown whether a run is in progress — the run starts now

northflank/unlinked.json (template): would not run
  run rules: would not run
    ✗ run rules: saw no `gitops` link in the file and no linked platform object — no push is known to update this template, so none is known to run it

would run: northflank/release-flow.json, northflank/template.json
"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("package.json"), "not ours: {stdout}");
}

#[test]
fn a_push_to_another_branch_leaves_the_linked_template_alone() {
    let repo = Repo::shop();
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write(
        "northflank/template.json",
        &TEMPLATE.replace(
            "\"autorun\": true",
            "\"autorun\": true, \"concurrencyPolicy\": \"queue\"",
        ),
    );
    repo.commit("queue runs");
    let output = repo.preview(&["northflank/template.json"]);
    assert_eq!(code(&output), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("push: pushing HEAD to topic (last commit "),
        "{stdout}"
    );
    assert!(stdout.contains("; topic has no upstream)\n"), "{stdout}");
    assert!(stdout.contains(
        "    ✗ linked branch: saw push to `topic`, linked branch `main` — the template follows `main`, not `topic`\n"
    ));
}

#[test]
fn pull_request_options_reach_the_rules() {
    let repo = Repo::shop();
    repo.write(
        "northflank/preview.json",
        r#"{
  "apiVersion": "v1.2",
  "triggers": [
    {
      "ref": "pr",
      "vcsService": "github",
      "repoUrl": "https://github.com/acme/shop",
      "branchRestrictions": [],
      "prRestrictions": ["*"],
      "ignoreDrafts": true
    }
  ],
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": []}},
  "$schema": "https://api.northflank.com/v1/schemas/preview-env"
}
"#,
    );
    repo.commit("preview environments");
    let plain = repo.preview(&["northflank/preview.json"]);
    assert_eq!(code(&plain), Some(0));
    let pr = repo.preview(&["--pr", "northflank/preview.json"]);
    assert_eq!(code(&pr), Some(10), "{}", text(&pr.stdout));
    let draft = repo.preview(&["--pr", "--draft", "northflank/preview.json"]);
    assert_eq!(code(&draft), Some(0));
    assert!(text(&draft.stdout).contains(
        "    ✗ drafts: saw draft pull request, `ignoreDrafts` true — the pull request is a draft and drafts are ignored\n"
    ));
}

#[test]
fn failures_exit_2_with_a_message() {
    let repo = Repo::shop();
    let output = repo.preview(&["--commit", "no-such-rev"]);
    assert_eq!(code(&output), Some(2));
    assert_eq!(
        text(&output.stderr),
        "northflank-lsp preview: `no-such-rev` does not name a commit in this repository\n"
    );
    assert_eq!(text(&output.stdout), "");

    let output = repo.preview(&["--range", "main"]);
    assert_eq!(code(&output), Some(2));
    assert_eq!(
        text(&output.stderr),
        "northflank-lsp preview: `main` is not a range: expected A..B\n\nRun `northflank-lsp preview --help` for usage.\n"
    );

    let output = repo.preview(&["--format", "yaml"]);
    assert_eq!(code(&output), Some(2));

    let output = repo.preview(&["missing.json"]);
    assert_eq!(code(&output), Some(2));
    assert!(text(&output.stderr).starts_with("northflank-lsp preview: missing.json: "));

    let outside = tempfile::tempdir().unwrap();
    let mut command = bin();
    scrubbed(&mut command, outside.path());
    let output = command
        .arg("preview")
        .current_dir(outside.path())
        .output()
        .unwrap();
    assert_eq!(code(&output), Some(2));
    assert!(
        text(&output.stderr).starts_with("northflank-lsp preview: no git repository contains "),
        "{}",
        text(&output.stderr)
    );

    repo.git(&["checkout", "-q", "--detach"]);
    let output = repo.preview(&[]);
    assert_eq!(code(&output), Some(2));
    assert_eq!(
        text(&output.stderr),
        "northflank-lsp preview: HEAD is detached, so there is no branch to push to (name one with --branch)\n"
    );
    let output = repo.preview(&["--branch", "main", "northflank/release-flow.json"]);
    assert_eq!(code(&output), Some(10), "{}", text(&output.stderr));
}

#[test]
fn a_file_that_is_not_ours_is_noted() {
    let repo = Repo::shop();
    let output = repo.preview(&["package.json"]);
    assert_eq!(code(&output), Some(0));
    assert_eq!(
        text(&output.stderr),
        "note: package.json: not a Northflank document, skipped\n"
    );
    assert!(text(&output.stdout).ends_with("\nno Northflank files found\n"));
}

#[test]
fn help_lists_the_options() {
    let repo = Repo::new();
    let output = repo.preview(&["--help"]);
    assert_eq!(code(&output), Some(0));
    let stdout = text(&output.stdout);
    for option in [
        "--commit REV",
        "--range A..B",
        "--working-tree",
        "--branch B",
        "--pr",
        "--draft",
        "--format human|json",
    ] {
        assert!(stdout.contains(option), "{option} missing from:\n{stdout}");
    }
}

// ---- the pre-push hook -----------------------------------------------------------------------

impl Repo {
    fn install_hook(&self) {
        let hook = self.dir.join(".git/hooks/pre-push");
        std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
        std::fs::copy(repo_root().join("tests/examples/pre-push"), &hook).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }

    /// `git push` with the hook's environment; git runs the hook without a terminal here, so
    /// answers come from `NORTHFLANK_PREVIEW_ANSWER`.
    fn push(&self, env: &[(&str, &str)]) -> Output {
        self.push_with(Command::new("git"), env)
    }

    fn push_with(&self, mut command: Command, env: &[(&str, &str)]) -> Output {
        scrubbed(&mut command, &self.home);
        command
            .env("NORTHFLANK_LSP", env!("CARGO_BIN_EXE_northflank-lsp"))
            .current_dir(&self.dir)
            .args(["push", "-q", "origin", "HEAD"])
            .stdin(std::process::Stdio::null());
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().expect("git runs")
    }

    fn remote_head(&self) -> String {
        self.git_in(&self.remote, &["rev-parse", "refs/heads/main"])
    }
}

#[test]
#[cfg(unix)]
fn the_pre_push_hook_asks_before_a_push_that_would_run() {
    let repo = Repo::shop();
    repo.install_hook();
    let pushed = repo.remote_head();

    // Only ignored files: the push goes through without a question.
    repo.write("docs/guide.md", "# guide\n");
    let docs = repo.commit("write a guide");
    let output = repo.push(&[("NORTHFLANK_PREVIEW_ANSWER", "no")]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(repo.remote_head(), docs);
    assert_ne!(repo.remote_head(), pushed);

    // A source change would run the release flow: answering no stops the push.
    repo.write("src/app.rs", "fn main() { deploy(); }\n");
    let source = repo.commit("deploy on start");
    let output = repo.push(&[("NORTHFLANK_PREVIEW_ANSWER", "no")]);
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains(
            "northflank pre-push: push of main stopped (NORTHFLANK_PREVIEW=skip pushes without asking)"
        ),
        "{stderr}"
    );
    assert_eq!(repo.remote_head(), docs, "the remote did not move");
    let shown = text(&output.stdout) + &stderr;
    assert!(
        shown.contains(&format!(
            "push: pushing 1 commit to main ({docs}..{source})"
        )),
        "the hook shows the preview: {shown}"
    );

    // No answer and no terminal: stopped too. `setsid` starts git in a new session, without
    // a controlling terminal, even when the tests run in one.
    if Command::new("setsid").arg("--version").output().is_ok() {
        let mut setsid = Command::new("setsid");
        setsid.args(["--wait", "git"]);
        let output = repo.push_with(setsid, &[]);
        assert!(!output.status.success());
        assert!(
            text(&output.stderr).contains("northflank pre-push: no terminal to ask on"),
            "{}",
            text(&output.stderr)
        );
        assert_eq!(repo.remote_head(), docs);
    } else {
        // A skipped case must say so (stderr: the test output shows it).
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "skipped the no-terminal case: `setsid` is not installed"
        );
    }

    // Skipping the preview pushes without asking.
    let output = repo.push(&[
        ("NORTHFLANK_PREVIEW", "skip"),
        ("NORTHFLANK_PREVIEW_ANSWER", "no"),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(repo.remote_head(), source);

    // Saying yes pushes.
    repo.write("src/app.rs", "fn main() { deploy(); log(); }\n");
    let second = repo.commit("log after deploying");
    let output = repo.push(&[("NORTHFLANK_PREVIEW_ANSWER", "yes")]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(repo.remote_head(), second);
}

#[test]
#[cfg(unix)]
fn the_pre_push_hook_previews_a_new_branch_from_where_it_forks() {
    let repo = Repo::shop();
    repo.install_hook();
    repo.git(&["checkout", "-q", "-b", "feature/cart"]);
    repo.write("src/cart.rs", "pub struct Cart;\n");
    repo.commit("add a cart");
    let mut command = Command::new("git");
    scrubbed(&mut command, &repo.home);
    let output = command
        .env("NORTHFLANK_LSP", env!("CARGO_BIN_EXE_northflank-lsp"))
        .env("NORTHFLANK_PREVIEW_ANSWER", "no")
        .current_dir(&repo.dir)
        .args(["push", "-q", "origin", "feature/cart"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    // `feature/*` matches `feature/cart`: trigger 2 would run, and the answer is no.
    assert!(!output.status.success());
    let shown = text(&output.stdout) + &text(&output.stderr);
    assert!(
        shown.contains("push: pushing 1 commit to feature/cart ("),
        "{shown}"
    );
    assert!(
        shown.contains("  trigger 2 (`features`): would run, starting now\n"),
        "{shown}"
    );
    assert!(shown.contains("push of feature/cart stopped"), "{shown}");
}
