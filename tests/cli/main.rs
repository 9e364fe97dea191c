//! End-to-end tests of the command line: `northflank-lsp check`, `--help`, `--version`, and the
//! corpus gate over `../shared/corpus` (skipped with a message when that folder is absent).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_northflank-lsp"))
}

fn run(args: &[&str], cwd: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `../shared/corpus` next to the repository, or `None` (with a message) when absent.
#[allow(clippy::print_stderr)] // the skip message is for the person running the tests
fn corpus() -> Option<PathBuf> {
    let corpus = repo_root().join("../shared/corpus");
    if corpus.is_dir() {
        Some(corpus)
    } else {
        eprintln!(
            "skipped: {} is absent (it exists on the project's machines, not in a clone)",
            corpus.display()
        );
        None
    }
}

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(&["--version"], dir.path());
    assert!(output.status.success());
    assert_eq!(
        stdout(&output),
        format!("northflank-lsp {}\n", env!("CARGO_PKG_VERSION"))
    );
    let output = run(&["--help"], dir.path());
    assert!(output.status.success());
    assert!(stdout(&output).contains("northflank-lsp check [OPTIONS] PATH..."));
}

#[test]
fn the_shipped_examples_are_clean() {
    let output = run(&["check", "tests/examples"], &repo_root());
    assert_eq!(
        stdout(&output),
        "checked 2 files: 0 errors, 0 warnings, 0 notes\n",
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0));
}

const BROKEN: &str = "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"café\"\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": [],}}\n}\n";

#[test]
fn human_output_points_at_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("northflank.json"), BROKEN).unwrap();
    let output = run(&["check", "northflank.json"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "northflank.json:3:17: error[syntax/missing-comma]: expected `,` between members\n\
         \x20 |\n\
         3 |   \"name\": \"café\"\n\
         \x20 |                 ^\n\
         northflank.json:4:74: error[syntax/trailing-comma]: trailing commas are not allowed in JSON\n\
         \x20 |\n\
         4 |   \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": [],}}\n\
         \x20 |                                                                          ^\n\
         checked 1 file: 2 errors, 0 warnings, 0 notes\n"
    );
}

#[test]
fn json_output_uses_lsp_ranges() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("northflank.json"), BROKEN).unwrap();
    let output = run(
        &["check", "--format", "json", "northflank.json"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        value,
        json!([
            {
                "path": "northflank.json",
                "range": {"start": {"line": 2, "character": 16}, "end": {"line": 2, "character": 16}},
                "severity": "error",
                "code": "syntax/missing-comma",
                "message": "expected `,` between members"
            },
            {
                "path": "northflank.json",
                "range": {"start": {"line": 3, "character": 73}, "end": {"line": 3, "character": 74}},
                "severity": "error",
                "code": "syntax/trailing-comma",
                "message": "trailing commas are not allowed in JSON"
            }
        ])
    );
}

#[test]
fn folders_are_walked_and_files_that_are_not_ours_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("infra/.northflank")).unwrap();
    std::fs::create_dir_all(root.join("node_modules/x")).unwrap();
    std::fs::write(root.join("package.json"), "{\"name\": \"x\",}").unwrap();
    std::fs::write(root.join("infra/.northflank/prod.json"), BROKEN).unwrap();
    std::fs::write(root.join("node_modules/x/northflank.json"), BROKEN).unwrap();
    std::fs::write(root.join("infra/notes.txt"), "not json").unwrap();
    let output = run(&["check", "--format", "json", "."], root);
    let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let paths: Vec<_> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![
            "./infra/.northflank/prod.json",
            "./infra/.northflank/prod.json"
        ]
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn an_explicit_file_that_is_not_ours_is_noted_not_failed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{\"name\": \"x\",}").unwrap();
    let output = run(&["check", "package.json"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "checked 0 files: 0 errors, 0 warnings, 0 notes\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "note: package.json: not a Northflank document, skipped\n"
    );
}

#[test]
fn file_kind_option_makes_a_file_ours() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("deploy.json"), "{\"a\": 1 \"b\": 2}").unwrap();
    let output = run(
        &[
            "check",
            "--file-kind",
            "deploy.json=release-flow",
            "deploy.json",
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains(
            "\ndeploy.json:1:8: error[syntax/missing-comma]: expected `,` between members\n"
        ),
        "{text}"
    );
    // Checked as a release flow: the schema wants the release-flow fields.
    assert!(
        text.starts_with("deploy.json:1:1: error[schema/missing-property]: missing required properties `apiVersion` and `spec`\n"),
        "{text}"
    );
}

/// The `fields` of each diagnostic of a `--format json` run, joined by spaces.
fn reported(output: &std::process::Output, fields: &[&str]) -> Vec<String> {
    let value: Value = serde_json::from_str(&stdout(output)).unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            fields
                .iter()
                .map(|field| item[*field].as_str().unwrap())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn severity_rules_change_the_report_and_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("northflank.json"),
        "{\"apiVersion\": \"v1.2\", \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"parallel\", \"steps\": [\n  {\"kind\": \"Project\", \"spec\": {\"name\": \"shop\", \"colour\": \"blue\", \"description\": \"${refs.q.id}\"}}]}}}\n",
    )
    .unwrap();
    let plain = run(
        &["check", "--format", "json", "northflank.json"],
        dir.path(),
    );
    assert_eq!(plain.status.code(), Some(1));
    assert_eq!(
        reported(&plain, &["code", "severity"]),
        ["schema/unknown-property warning", "ref/undefined error"]
    );
    // The undefined ref off, the unknown property raised: still an error, so still exit 1.
    let ruled = run(
        &[
            "check",
            "--format",
            "json",
            "--severity",
            "ref/undefined=off",
            "--severity",
            "schema/*=error",
            "northflank.json",
        ],
        dir.path(),
    );
    assert_eq!(ruled.status.code(), Some(1));
    assert_eq!(
        reported(&ruled, &["code", "severity"]),
        ["schema/unknown-property error"]
    );
    // Errors lowered to warnings: exit 0.
    let lowered = run(
        &[
            "check",
            "--severity",
            "ref/undefined=warning",
            "northflank.json",
        ],
        dir.path(),
    );
    assert_eq!(lowered.status.code(), Some(0), "{}", stdout(&lowered));
    // A rule that cannot apply is a usage error, in plain words.
    let bad = run(
        &[
            "check",
            "--severity",
            "syntax/comment=off",
            "northflank.json",
        ],
        dir.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&bad.stderr),
        "northflank-lsp check: `syntax/comment`: syntax errors cannot be changed (the platform cannot read a file that has one)\n\nRun `northflank-lsp --help` for usage.\n"
    );
}

/// `check` reads the nearest `.northflank-lsp.json` at or above the current folder; flags
/// apply after it; `--config` names another file and `--no-config` reads none.
#[test]
fn the_repository_settings_file_applies_under_the_flags() {
    let repo = tempfile::tempdir().unwrap();
    let folder = repo.path().join("infra");
    std::fs::create_dir_all(folder.join("deploy")).unwrap();
    std::fs::write(
        repo.path().join(".northflank-lsp.json"),
        r#"{"files": {"deploy/*.json": "release-flow"}, "diagnostics": {"severity": {"schema/*": "off"}, "mode": "push"}}"#,
    )
    .unwrap();
    std::fs::write(folder.join("deploy/app.json"), "{\"a\": 1}").unwrap();
    std::fs::write(
        repo.path().join("strict.json"),
        r#"{"files": {"deploy/*.json": "template"}}"#,
    )
    .unwrap();
    // Found two folders up: its glob makes the file a release flow, whose schema errors it
    // turns off.
    let found = run(&["check", "--format", "json", "deploy/app.json"], &folder);
    assert_eq!(found.status.code(), Some(0), "{}", stdout(&found));
    assert_eq!(
        reported(&found, &["severity", "message"]),
        Vec::<String>::new()
    );
    assert_eq!(
        String::from_utf8_lossy(&found.stderr),
        format!(
            "northflank-lsp check: warning: {}: only `files` and `diagnostics.severity` are read from .northflank-lsp.json; ignored: `diagnostics.mode` (each editor's own settings)\n",
            repo.path().join(".northflank-lsp.json").display()
        )
    );
    // A flag after the file: the family back on, as warnings.
    let flagged = run(
        &[
            "check",
            "--format",
            "json",
            "--severity",
            "schema/*=warning",
            "deploy/app.json",
        ],
        &folder,
    );
    assert_eq!(flagged.status.code(), Some(0));
    assert_eq!(
        reported(&flagged, &["severity", "message"]),
        [
            "warning missing required properties `apiVersion` and `spec`",
            "warning unknown property `a`"
        ]
    );
    // Another file: a template, with the schema's own severities.
    let named = run(
        &[
            "check",
            "--format",
            "json",
            "--config",
            "../strict.json",
            "deploy/app.json",
        ],
        &folder,
    );
    assert_eq!(named.status.code(), Some(1));
    assert_eq!(
        reported(&named, &["severity", "message"]),
        [
            "error missing required properties `apiVersion` and `spec`",
            "warning unknown property `a`"
        ]
    );
    // No file: not a Northflank document by name or content, so nothing is checked.
    let none = run(
        &[
            "check",
            "--format",
            "json",
            "--no-config",
            "deploy/app.json",
        ],
        &folder,
    );
    assert_eq!(none.status.code(), Some(0));
    assert_eq!(
        reported(&none, &["severity", "message"]),
        Vec::<String>::new()
    );
    // A file that is not JSON is a failure to read the settings: exit 2.
    std::fs::write(repo.path().join("broken.json"), "{").unwrap();
    let broken = run(
        &["check", "--config", "../broken.json", "deploy/app.json"],
        &folder,
    );
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&broken.stderr)
            .starts_with("northflank-lsp check: ../broken.json is not valid JSON: "),
        "{}",
        String::from_utf8_lossy(&broken.stderr)
    );
}

#[test]
fn non_utf8_input_is_a_diagnostic_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"{\"apiVersion\": \"v1.2\", \"name\": \"caf".to_vec();
    bytes.push(0xE9); // Latin-1 `é`
    bytes.extend_from_slice(b"\", \"spec\": {\"kind\": \"Workflow\", \"spec\": {}}}");
    std::fs::write(dir.path().join("northflank.json"), bytes).unwrap();
    let output = run(
        &["check", "--format", "json", "northflank.json"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(1));
    let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value[0]["code"], "file/not-utf8");
    assert_eq!(
        value[0]["message"],
        "the file is not valid UTF-8 (first invalid byte at offset 35); the platform reads files as UTF-8"
    );
    assert_eq!(
        value[0]["range"],
        json!({"start": {"line": 0, "character": 35}, "end": {"line": 0, "character": 36}})
    );
}

#[test]
fn usage_and_io_failures_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(&["check"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no PATH given"));
    let output = run(&["check", "--format", "xml", "x.json"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let output = run(&["check", "missing.json"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("northflank-lsp check: missing.json: ")
    );
    let output = run(&["--bogus"], dir.path());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn corpus_files_parse_without_syntax_errors() {
    let Some(corpus) = corpus() else { return };
    for folder in ["public", "docs"] {
        let output = run(
            &[
                "check",
                "--format",
                "json",
                "--file-kind",
                "*.json=auto",
                folder,
            ],
            &corpus,
        );
        let value: Value = serde_json::from_str(&stdout(&output)).unwrap();
        let syntax: Vec<_> = value
            .as_array()
            .unwrap()
            .iter()
            .filter(|item| item["code"].as_str().unwrap().starts_with("syntax/"))
            .collect();
        if folder == "public" {
            assert_eq!(syntax, Vec::<&Value>::new());
        } else {
            assert_eq!(
                syntax,
                vec![&json!({
                    "path": "docs/docs__gitops-on-northflank__1__INVALID-AS-PUBLISHED.json",
                    "range": missing_comma_range(&corpus),
                    "severity": "error",
                    "code": "syntax/missing-comma",
                    "message": "expected `,` between members"
                })]
            );
        }
    }
}

/// Right after `"GIT_BRANCH": "main"` in the published docs example (computed here, not
/// hard-coded, so the test follows the file).
fn missing_comma_range(corpus: &Path) -> Value {
    let text = std::fs::read_to_string(
        corpus.join("docs/docs__gitops-on-northflank__1__INVALID-AS-PUBLISHED.json"),
    )
    .unwrap();
    let needle = "\"GIT_BRANCH\": \"main\"";
    let offset = text.find(needle).unwrap() + needle.len();
    let line = text[..offset].matches('\n').count();
    let character = text[..offset]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count();
    json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": character}})
}

#[path = "../support/git.rs"]
mod git_support;

mod preview;

mod remote;
