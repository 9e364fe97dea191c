//! Hover on expressions: refs (nodes and triggers), arguments, built-ins, functions, roots,
//! output paths, plain `nodeRef` names.

mod semantic_fixture;

use nfls_ide::hover;
use semantic_fixture::{analysis, fixture, template};

/// The hover at the cursor: its range must be the fixture's first range.
fn hover_at(source: &str) -> String {
    let f = fixture(source);
    let a = analysis(&f.text);
    let result = hover(&a, f.cursor).expect("a hover");
    assert_eq!(result.range, f.ranges[0]);
    result.markdown
}

#[test]
fn ref_to_a_node() {
    let markdown = hover_at(&template(
        r#"{"kind": "DeploymentService", "ref": "api", "spec": {"name": "API"}},
           {"kind": "Addon", "ref": "db", "spec": {"name": "${refs.⟦a$0pi⟧.id}"}}"#,
    ));
    assert_eq!(
        markdown,
        "**`refs.api`**: the `DeploymentService` node `API`, defined at line 9.\n\nKnown outputs (partial list): `id`, `name`, `ports.<n>.dns`."
    );
}

#[test]
fn ref_to_a_node_that_has_not_run() {
    let markdown = hover_at(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "${refs.⟦a$0pi⟧.id}"}},
           {"kind": "Job", "ref": "api", "spec": {}}"#,
    ));
    assert_eq!(
        markdown,
        "**`refs.api`**: the `Job` node, defined at line 10.\n\nNot run yet here: it runs in a later step of a sequential workflow.\n\nKnown outputs (partial list): `id`, `name`."
    );
}

#[test]
fn ref_to_a_trigger() {
    let markdown = hover_at(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/release-flow",
  "apiVersion": "v1.2",
  "triggers": [{"ref": "git", "vcsService": "github", "repoUrl": "https://github.com/a/b", "branchRestrictions": ["main", "release/*"], "prRestrictions": []}],
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "Build", "ref": "b", "spec": {"branch": "${refs.⟦g$0it⟧.branch}"}}
  ]}}
}"#,
    );
    assert_eq!(
        markdown,
        "**`refs.git`**: the Git trigger, defined at line 4.\n\nRepository: `https://github.com/a/b`\n\nBranch rules: `main`, `release/*`\n\nPull-request rules: none\n\nOutputs: `branch`, `sha`, `repoUrl`, `pullRequestId`: the values of the push or pull request that started the run."
    );
}

#[test]
fn template_ref_from_a_nested_scope() {
    let markdown = hover_at(
        r#"{
  "apiVersion": "v1.2",
  "name": "nested",
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "BuildService", "ref": "builder", "spec": {}},
    {"kind": "Pipeline", "spec": {"preview": {"kind": "PreviewEnv", "spec": {
      "spec": {"kind": "BuildSource", "ref": "src", "spec": {"id": "${template.refs.⟦bui$0lder⟧.id}"}}}}}}
  ]}}
}"#,
    );
    assert_eq!(
        markdown,
        "**`template.refs.builder`**: the `BuildService` node, defined at line 5.\n\nKnown outputs (partial list): `id`, `name`.\n\nResolved when the enclosing template runs."
    );
}

#[test]
fn arguments() {
    let markdown = hover_at(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "${args.⟦reg$0ion⟧}"}}"#,
    ));
    assert_eq!(
        markdown,
        "**`args.region`** = `\"europe-west\"`\n\nDefined in `arguments` at line 4; argument overrides and run-time arguments replace this value."
    );
    let markdown = hover_at(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "${args.⟦NOT$0_HERE⟧}"}}"#,
    ));
    assert_eq!(
        markdown,
        "**`args.NOT_HERE`**\n\n`NOT_HERE` is not in `arguments`: it must come from argument overrides or the run."
    );
}

#[test]
fn preview_builtin_says_unconfirmed() {
    let markdown = hover_at(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/preview-env",
  "apiVersion": "v1.2",
  "spec": {"kind": "Addon", "ref": "b", "spec": {"name": "${args.⟦preview$0Id⟧}"}}
}"#,
    );
    assert_eq!(
        markdown,
        "**`args.previewId`**\n\nBuilt-in argument of preview environments: an identifier of the preview environment (its exact definition is UNCONFIRMED: the documentation only uses it in examples)."
    );
}

#[test]
fn functions_roots_and_outputs() {
    let markdown = hover_at(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "${fn.⟦e$0q⟧(1, 2)}"}}"#,
    ));
    assert_eq!(
        markdown,
        "```\nfn.eq(a, b, more...)\n```\n\nTrue when all values are equal."
    );
    let markdown = hover_at(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "${⟦ar$0gs⟧.region}"}}"#,
    ));
    assert!(
        markdown.starts_with("`args`: the arguments of this document"),
        "{markdown}"
    );
    let markdown = hover_at(&template(
        r#"{"kind": "DeploymentService", "ref": "api", "spec": {}},
           {"kind": "Addon", "ref": "db", "spec": {"name": "${refs.api.ports.0.⟦d$0ns⟧}"}}"#,
    ));
    assert_eq!(
        markdown,
        "**`dns`**: The port's public or private DNS name.\n\nA known output of `DeploymentService` nodes (the list of known outputs is partial)."
    );
}

#[test]
fn plain_node_ref() {
    let markdown = hover_at(
        r#"{
  "apiVersion": "v1.2",
  "name": "tf",
  "spec": {"kind": "OpenTofu", "ref": "infra", "spec": {"stateKey": "k"}},
  "teardownSpec": {"spec": {"kind": "OpenTofuDestroy", "spec": {"nodeRef": "⟦inf$0ra⟧"}}}
}"#,
    );
    assert_eq!(
        markdown,
        "**`refs.infra`**: the `OpenTofu` node, defined at line 4.\n\nKnown outputs (partial list): `outputs.<name>.value`."
    );
}

#[test]
fn no_hover_on_plain_text_or_punctuation() {
    let f = fixture(&template(
        r#"{"kind": "Addon", "ref": "db", "spec": {"name": "te$0xt ${args.region}"}}"#,
    ));
    let a = analysis(&f.text);
    assert!(hover(&a, f.cursor).is_none_or(|h| !h.markdown.contains("args")));
}
