//! Completion inside `${…}`: roots, refs (ordered by whether they can have run), output paths,
//! arguments, functions; edit ranges; unterminated strings; nested scopes.

mod semantic_fixture;

use nfls_ide::completions;
use nfls_ide::types::{CompletionItem, CompletionKind};
use nfls_syntax::TextRange;
use semantic_fixture::{analysis, fixture, template};

fn complete(source: &str) -> (semantic_fixture::Fixture, Vec<CompletionItem>) {
    let f = fixture(source);
    let a = analysis(&f.text);
    let items = completions(&a, f.cursor);
    (f, items)
}

fn labels(items: &[CompletionItem]) -> Vec<&str> {
    items.iter().map(|i| i.label.as_str()).collect()
}

fn find<'a>(items: &'a [CompletionItem], label: &str) -> &'a CompletionItem {
    items
        .iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no item `{label}` in {:?}", labels(items)))
}

#[test]
fn roots_right_after_the_opening() {
    let (f, items) = complete(&template(
        r#"{"kind": "Addon", "ref": "a", "spec": {"name": "x-${$0}"}}"#,
    ));
    assert_eq!(labels(&items), vec!["args", "refs", "fn", "secrets"]);
    let args = find(&items, "args");
    assert_eq!(args.kind, CompletionKind::Keyword);
    assert_eq!(args.edit.range, TextRange::empty(f.cursor));
    assert_eq!(args.edit.new_text, "args.");
    assert_eq!(args.detail.as_deref(), Some("arguments"));
}

#[test]
fn roots_replace_the_partial_word_and_keep_an_existing_dot() {
    let (f, items) = complete(&template(
        r#"{"kind": "Addon", "ref": "a", "spec": {"name": "${⟦re$0fs⟧.a.id}"}}"#,
    ));
    let refs = find(&items, "refs");
    assert_eq!(refs.edit.range, f.ranges[0]);
    assert_eq!(refs.edit.new_text, "refs");
}

#[test]
fn refs_that_can_have_run_come_first() {
    let (f, items) = complete(&template(
        r#"{"kind": "Project", "ref": "project", "spec": {"name": "My project"}},
           {"kind": "Addon", "ref": "db", "spec": {"name": "${refs.⟦pr$0⟧}"}},
           {"kind": "DeploymentService", "ref": "api", "spec": {}}"#,
    ));
    assert_eq!(labels(&items), vec!["project", "db", "api"]);
    let project = find(&items, "project");
    assert_eq!(project.kind, CompletionKind::Reference);
    assert_eq!(project.detail.as_deref(), Some("Project `My project`"));
    assert_eq!(project.edit.range, f.ranges[0]);
    assert_eq!(project.sort_text.as_deref(), Some("0project"));
    let own = find(&items, "db");
    assert_eq!(own.detail.as_deref(), Some("Addon (not run yet here)"));
    assert_eq!(own.sort_text.as_deref(), Some("1db"));
    assert_eq!(
        find(&items, "api").detail.as_deref(),
        Some("DeploymentService (not run yet here)")
    );
}

#[test]
fn output_paths_per_kind() {
    let (f, items) = complete(&template(
        r#"{"kind": "DeploymentService", "ref": "api", "spec": {}},
           {"kind": "Addon", "ref": "db", "spec": {"name": "${refs.api.$0}"}}"#,
    ));
    assert_eq!(labels(&items), vec!["id", "name", "ports"]);
    assert_eq!(find(&items, "id").edit.range, TextRange::empty(f.cursor));
    assert_eq!(
        find(&items, "ports").detail.as_deref(),
        Some("output (more below)")
    );

    let (_, items) = complete(&template(
        r#"{"kind": "DeploymentService", "ref": "api", "spec": {}},
           {"kind": "Addon", "ref": "db", "spec": {"name": "${refs.api.ports.0.$0}"}}"#,
    ));
    assert_eq!(labels(&items), vec!["dns"]);

    let (_, items) = complete(&template(
        r#"{"kind": "OpenTofu", "ref": "tf", "spec": {"stateKey": "k", "spec": {"output": {"bucket": {}, "url": {}}}}},
           {"kind": "Addon", "ref": "db", "spec": {"name": "${refs.tf.outputs.$0}"}}"#,
    ));
    assert_eq!(labels(&items), vec!["bucket", "url"]);

    // No table for this kind: nothing to offer, and no guess.
    let (_, items) = complete(&template(
        r#"{"kind": "JobRun", "ref": "run", "spec": {}},
           {"kind": "Addon", "ref": "db", "spec": {"name": "${refs.run.$0}"}}"#,
    ));
    assert_eq!(labels(&items), Vec::<&str>::new());
}

#[test]
fn trigger_refs_and_their_outputs() {
    let source = r#"{
  "$schema": "https://api.northflank.com/v1/schemas/release-flow",
  "apiVersion": "v1.2",
  "triggers": [{"ref": "git", "vcsService": "github", "repoUrl": "https://github.com/a/b"}],
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "Build", "ref": "b", "spec": {"branch": "${refs.CURSOR}"}}
  ]}}
}"#;
    let (_, items) = complete(&source.replace("CURSOR", "$0"));
    assert_eq!(labels(&items), vec!["git", "b"]);
    assert_eq!(find(&items, "git").detail.as_deref(), Some("Git trigger"));
    let (_, items) = complete(&source.replace("CURSOR", "git.$0"));
    assert_eq!(
        labels(&items),
        vec!["branch", "sha", "repoUrl", "pullRequestId"]
    );
}

#[test]
fn arguments_with_their_values() {
    let (f, items) = complete(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "${args.⟦re$0g⟧}"}}"#,
    ));
    assert_eq!(labels(&items), vec!["region", "count"]);
    let region = find(&items, "region");
    assert_eq!(region.kind, CompletionKind::Argument);
    assert_eq!(region.detail.as_deref(), Some("\"europe-west\""));
    assert_eq!(region.edit.range, f.ranges[0]);
    assert_eq!(find(&items, "count").detail.as_deref(), Some("3"));
}

#[test]
fn preview_builtins() {
    let (_, items) = complete(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/preview-env",
  "apiVersion": "v1.2",
  "arguments": {"A": "1"},
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "Addon", "ref": "b", "spec": {"name": "${args.$0}"}}
  ]}}
}"#,
    );
    assert_eq!(labels(&items), vec!["A", "name", "previewId"]);
    assert_eq!(
        find(&items, "previewId").detail.as_deref(),
        Some("built-in (preview environments)")
    );
}

#[test]
fn functions_with_snippets() {
    let (f, items) = complete(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "${fn.⟦ra$0⟧}"}}"#,
    ));
    assert_eq!(items.len(), nfls_expr::functions::all().count());
    let secret = find(&items, "randomSecret");
    assert_eq!(secret.kind, CompletionKind::Function);
    assert!(secret.is_snippet);
    assert_eq!(secret.edit.new_text, "randomSecret(${1:length})");
    assert_eq!(secret.edit.range, f.ranges[0]);
    assert_eq!(
        secret.detail.as_deref(),
        Some("fn.randomSecret(length, encoding?)")
    );
    // With the parentheses already there, only the name is replaced.
    let (f, items) = complete(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "${fn.⟦e$0q⟧(1, 2)}"}}"#,
    ));
    let eq = find(&items, "eq");
    assert!(!eq.is_snippet);
    assert_eq!(eq.edit.new_text, "eq");
    assert_eq!(eq.edit.range, f.ranges[0]);
}

#[test]
fn after_parenthesis_and_comma() {
    for cursor in ["${fn.eq($0", "${fn.eq(args.region, $0)}"] {
        let (f, items) = complete(&template(&format!(
            r#"{{"kind": "Addon", "ref": "db", "spec": {{"name": "{cursor}"}}}}"#
        )));
        assert_eq!(
            labels(&items),
            vec!["args", "refs", "fn", "secrets"],
            "{cursor}"
        );
        assert_eq!(items[0].edit.range, TextRange::empty(f.cursor));
    }
}

#[test]
fn in_an_unterminated_string() {
    let f = fixture(
        "{\"apiVersion\": \"v1.2\", \"name\": \"x\", \"arguments\": {\"A\": 1},\n\"spec\": {\"kind\": \"Addon\", \"ref\": \"db\", \"spec\": {\"name\": \"${args.$0\n}}}",
    );
    let a = analysis(&f.text);
    let items = completions(&a, f.cursor);
    assert_eq!(labels(&items), vec!["A"]);
    assert_eq!(items[0].edit.range, TextRange::empty(f.cursor));
}

#[test]
fn template_prefix_in_nested_scopes() {
    let source = r#"{
  "apiVersion": "v1.2",
  "name": "nested",
  "arguments": {"OUTER": "o"},
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "BuildService", "ref": "builder", "spec": {}},
    {"kind": "Pipeline", "ref": "pipe", "spec": {"stages": [{"releaseFlow": {"kind": "ReleaseFlow", "spec": {
      "arguments": {"INNER": "i"},
      "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "Build", "ref": "build", "spec": {"id": "${CURSOR}"}}
      ]}}}}}]}},
    {"kind": "Addon", "ref": "later", "spec": {}}
  ]}}
}"#;
    let at = |text: &str| complete(&source.replace("CURSOR", text)).1;
    assert_eq!(
        labels(&at("$0")),
        vec!["args", "refs", "fn", "secrets", "template"]
    );
    assert_eq!(
        labels(&at("template.$0")),
        vec!["args", "refs", "fn", "secrets"]
    );
    assert_eq!(labels(&at("refs.$0")), vec!["build"]);
    let outer = at("template.refs.$0");
    assert_eq!(labels(&outer), vec!["builder", "pipe", "later"]);
    assert_eq!(
        find(&outer, "builder").sort_text.as_deref(),
        Some("0builder")
    );
    // Order is checked where the `Pipeline` runs in the enclosing template.
    assert_eq!(find(&outer, "pipe").sort_text.as_deref(), Some("1pipe"));
    assert_eq!(find(&outer, "later").sort_text.as_deref(), Some("1later"));
    assert_eq!(labels(&at("template.args.$0")), vec!["OUTER"]);
    assert_eq!(labels(&at("args.$0")), vec!["INNER"]);
}

#[test]
fn outside_expressions_there_are_no_expression_items() {
    let (_, items) = complete(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "pre$0fix ${args.region}"}}"#,
    ));
    assert!(
        items
            .iter()
            .all(|i| i.label != "args" && i.label != "region"),
        "{:?}",
        labels(&items)
    );
}
