//! Ref diagnostics: undefined refs (with did-you-mean), refs to nodes that cannot have run yet,
//! duplicates, output paths, `template.` refs across nested scopes, `nodeRef`.

mod semantic_fixture;

use nfls_ide::Severity::{Error, Hint, Warning};
use semantic_fixture::{analysis, apply, assert_json, fixture, semantic, summary, template};

fn one(source: &str) -> (semantic_fixture::Fixture, nfls_ide::Analysis) {
    let f = fixture(source);
    let a = analysis(&f.text);
    (f, a)
}

#[test]
fn undefined_ref_with_did_you_mean_and_fix() {
    let (f, a) = one(&template(
        r#"{"kind": "BuildService", "ref": "builder", "spec": {"name": "b"}},
           {"kind": "DeploymentService", "spec": {"deployment": {"internal": {"id": "${refs.⟦biulder⟧.id}"}}}}"#,
    ));
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Error,
            "ref/undefined".to_owned(),
            "`biulder` is not defined: no node in this template has this ref; did you mean `builder`?"
                .to_owned()
        )]
    );
    let fix = &semantic(&a)[0].fixes[0];
    assert_eq!(fix.title, "Change to `builder`");
    assert!(fix.preferred);
    let fixed = apply(&f.text, &fix.edits);
    assert!(fixed.contains("${refs.builder.id}"));
    assert!(semantic(&analysis(&fixed)).is_empty());
}

#[test]
fn undefined_ref_without_suggestion() {
    let (f, a) = one(&template(
        r#"{"kind": "Project", "ref": "project", "spec": {"name": "${refs.⟦zzz⟧.id}"}}"#,
    ));
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Error,
            "ref/undefined".to_owned(),
            "`zzz` is not defined: no node in this template has this ref".to_owned()
        )]
    );
    assert!(semantic(&a)[0].fixes.is_empty());
}

#[test]
fn undefined_ref_that_names_a_node_without_ref() {
    let (f, a) = one(&template(
        r#"{"kind": "Addon", "spec": {"name": "db", "type": "postgresql"}},
           {"kind": "DeploymentService", "spec": {"name": "${refs.⟦db⟧.id}"}}"#,
    ));
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Error,
            "ref/undefined".to_owned(),
            "`db` is not defined: no node in this template has this ref; the `Addon` node named `db` has no `ref`: give it one"
                .to_owned()
        )]
    );
    let fixed = apply(&f.text, &semantic(&a)[0].fixes[0].edits);
    assert_json(&fixed);
    assert!(fixed.contains(r#"{"ref": "db", "kind": "Addon""#));
    assert!(semantic(&analysis(&fixed)).is_empty());
}

#[test]
fn later_step_of_a_sequential_workflow() {
    let (f, a) = one(&template(
        r#"{"kind": "DeploymentService", "ref": "api", "spec": {"deployment": {"internal": {"id": "${refs.⟦build⟧.id}"}}}},
           {"kind": "BuildService", "ref": "build", "spec": {"name": "b"}}"#,
    ));
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Error,
            "ref/not-run-yet".to_owned(),
            "`build` is defined by a later step of this sequential workflow".to_owned()
        )]
    );
}

#[test]
fn inside_a_later_step() {
    let (f, a) = one(&template(
        r#"{"kind": "Project", "ref": "p", "spec": {"name": "${refs.⟦inner⟧.id}"}},
           {"kind": "Workflow", "spec": {"type": "parallel", "steps": [
              {"kind": "Addon", "ref": "inner", "spec": {"name": "x"}}]}}"#,
    ));
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Error,
            "ref/not-run-yet".to_owned(),
            "`inner` is defined inside a later step of this sequential workflow".to_owned()
        )]
    );
}

#[test]
fn earlier_steps_and_earlier_nested_steps_are_fine() {
    let (_, a) = one(&template(
        r#"{"kind": "Workflow", "spec": {"type": "parallel", "steps": [
              {"kind": "Addon", "ref": "db", "spec": {"name": "x"}},
              {"kind": "Project", "ref": "project", "spec": {"name": "p"}}]}},
           {"kind": "Workflow", "spec": {"type": "sequential", "context": {"projectId": "${refs.project.id}"}, "steps": [
              {"kind": "SecretGroup", "ref": "s", "spec": {"addonDependencies": [{"addonId": "${refs.db.id}"}]}},
              {"kind": "DeploymentService", "spec": {"name": "${refs.s.id}"}}]}}"#,
    ));
    assert_eq!(summary(&a), vec![]);
}

#[test]
fn parallel_siblings() {
    let (f, a) = one(&template(
        r#"{"kind": "Workflow", "spec": {"type": "parallel", "steps": [
              {"kind": "Addon", "ref": "db", "spec": {"name": "${refs.⟦cache⟧.id}"}},
              {"kind": "Addon", "ref": "cache", "spec": {"name": "${refs.⟦db⟧.id}"}},
              {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
                 {"kind": "Addon", "ref": "deep", "spec": {"name": "${refs.⟦db⟧.id}"}}]}}]}},
           {"kind": "Project", "ref": "after", "spec": {"name": "${refs.deep.id}"}}"#,
    ));
    let sibling = "`db` is defined by a sibling in the same parallel workflow: parallel steps cannot use each other's outputs";
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "ref/not-run-yet".to_owned(),
                "`cache` is defined by a sibling in the same parallel workflow: parallel steps cannot use each other's outputs".to_owned()
            ),
            (f.ranges[1], Error, "ref/not-run-yet".to_owned(), sibling.to_owned()),
            (f.ranges[2], Error, "ref/not-run-yet".to_owned(), sibling.to_owned()),
        ]
    );
}

#[test]
fn nested_in_a_parallel_sibling() {
    let (f, a) = one(&template(
        r#"{"kind": "Workflow", "spec": {"type": "parallel", "steps": [
              {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
                 {"kind": "Addon", "ref": "a", "spec": {"name": "x"}}]}},
              {"kind": "Addon", "ref": "b", "spec": {"name": "${refs.⟦a⟧.id}"}}]}}"#,
    ));
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Error,
            "ref/not-run-yet".to_owned(),
            "`a` is defined inside a sibling step of the same parallel workflow: parallel steps cannot use each other's outputs".to_owned()
        )]
    );
}

#[test]
fn own_output_ancestor_and_descendant() {
    let (f, a) = one(&template(
        r#"{"kind": "Addon", "ref": "self", "spec": {"name": "${refs.⟦self⟧.name}"}},
           {"kind": "Workflow", "ref": "outer", "spec": {"type": "sequential",
              "context": {"projectId": "${refs.⟦inside⟧.id}"},
              "steps": [{"kind": "Project", "ref": "inside", "spec": {"name": "${refs.⟦outer⟧.id}"}}]}}"#,
    ));
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "ref/not-run-yet".to_owned(),
                "`self` is this node's own ref: a node cannot use its own output".to_owned()
            ),
            (
                f.ranges[1],
                Warning,
                "ref/not-run-yet".to_owned(),
                "`inside` is defined inside this workflow: its steps have not run when the workflow's own fields are read".to_owned()
            ),
            (
                f.ranges[2],
                Error,
                "ref/not-run-yet".to_owned(),
                "`outer` is the ref of a workflow that contains this node: a workflow has no output until all its steps have run".to_owned()
            ),
        ]
    );
}

#[test]
fn not_run_yet_inside_a_function_is_a_warning() {
    let (f, a) = one(&template(
        r#"{"kind": "Addon", "ref": "a", "spec": {"name": "${fn.if(refs.⟦b⟧.id, 'x', 'y')}"}},
           {"kind": "Addon", "ref": "b", "spec": {"name": "b"}}"#,
    ));
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Warning,
            "ref/not-run-yet".to_owned(),
            "`b` is defined by a later step of this sequential workflow (inside `fn.…` an unresolved ref only counts as false, so the run goes on, but it never sees this output here)".to_owned()
        )]
    );
}

#[test]
fn teardown_sees_the_setup_run_and_its_own_earlier_steps() {
    let f = fixture(
        r#"{
  "apiVersion": "v1.2",
  "name": "teardown",
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "OpenTofu", "ref": "infra", "spec": {"stateKey": "k", "spec": {}}},
    {"kind": "Addon", "ref": "setup", "spec": {"name": "${refs.⟦cleanup⟧.id}"}}
  ]}},
  "teardownSpec": {"spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "JobRun", "ref": "cleanup", "spec": {"jobId": "${refs.setup.id}", "x": "${refs.⟦last⟧.id}"}},
    {"kind": "OpenTofuDestroy", "spec": {"nodeRef": "infra"}},
    {"kind": "OpenTofuDestroy", "spec": {"nodeRef": "⟦infro⟧"}},
    {"kind": "JobRun", "ref": "last", "spec": {"jobId": "${refs.cleanup.id}"}}
  ]}}}
}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "ref/not-run-yet".to_owned(),
                "`cleanup` is defined in `teardownSpec`, which runs only after (and apart from) the setup workflow".to_owned()
            ),
            (
                f.ranges[1],
                Error,
                "ref/not-run-yet".to_owned(),
                "`last` is defined by a later step of this sequential workflow".to_owned()
            ),
            (
                f.ranges[2],
                Error,
                "ref/undefined".to_owned(),
                "`infro` is not defined: no node in this template has this ref; did you mean `infra`?".to_owned()
            ),
        ]
    );
}

#[test]
fn trigger_refs_are_available_everywhere() {
    let f = fixture(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/release-flow",
  "apiVersion": "v1.2",
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "Build", "ref": "b", "spec": {"id": "svc", "type": "service", "branch": "${refs.git.branch}", "sha": "${refs.git.⟦sah⟧}"}}
  ]}},
  "triggers": [{"ref": "git", "vcsService": "github", "repoUrl": "https://github.com/a/b"}]
}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Hint,
            "ref/unknown-output".to_owned(),
            "`sah` is not a known output of Git triggers; did you mean `sha`? (the list of known outputs is partial)".to_owned()
        )]
    );
    let fixed = apply(&f.text, &semantic(&a)[0].fixes[0].edits);
    assert!(fixed.contains("${refs.git.sha}"));
}

#[test]
fn duplicate_refs() {
    let f = fixture(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/preview-env",
  "apiVersion": "v1.2",
  "triggers": [
    {"ref": "git", "vcsService": "github", "repoUrl": "https://github.com/a/b"},
    {"ref": "⟦git⟧", "vcsService": "github", "repoUrl": "https://github.com/a/c"}
  ],
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "BuildSource", "ref": "build", "spec": {}},
    {"kind": "Addon", "ref": "⟦build⟧", "spec": {}},
    {"kind": "Addon", "ref": "⟦git⟧", "spec": {}}
  ]}}
}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "ref/duplicate".to_owned(),
                "`git` is already the ref of the Git trigger at line 5".to_owned()
            ),
            (
                f.ranges[1],
                Error,
                "ref/duplicate".to_owned(),
                "`build` is already the ref of the `BuildSource` node at line 9".to_owned()
            ),
            (
                f.ranges[2],
                Warning,
                "ref/duplicate".to_owned(),
                "`git` is also the ref of the Git trigger at line 5: which one `refs.git` means is unconfirmed (here: the first)".to_owned()
            ),
        ]
    );
}

#[test]
fn output_paths_hint_only_likely_typos_of_known_outputs() {
    let (f, a) = one(&template(
        r#"{"kind": "DeploymentService", "ref": "api", "spec": {"name": "a"}},
           {"kind": "OpenTofu", "ref": "tf", "spec": {"stateKey": "k"}},
           {"kind": "Build", "ref": "b", "spec": {"x": "${refs.api.⟦prots⟧.0.dns} ${refs.api.ports.0.⟦dsn⟧} ${refs.api.internalName} ${refs.tf.outputs.bucket.value} ${refs.tf.⟦ouputs⟧.x} ${refs.api.ports.http}"}},
           {"kind": "Action", "ref": "act", "spec": {"x": "${refs.b.nfObjectId} ${refs.b.brnach}"}}"#,
    ));
    let hint = |at, segment: &str, what: &str, better: &str| {
        (
            at,
            Hint,
            "ref/unknown-output".to_owned(),
            format!(
                "`{segment}` is not a known output of {what}; did you mean `{better}`? (the list of known outputs is partial)"
            ),
        )
    };
    let mut expected = vec![
        hint(f.ranges[0], "prots", "`DeploymentService` nodes", "ports"),
        hint(f.ranges[1], "dsn", "`DeploymentService` nodes", "dns"),
        hint(f.ranges[2], "ouputs", "`OpenTofu` nodes", "outputs"),
    ];
    let brnach = f.text.find("brnach").unwrap() as u32;
    expected.push(hint(
        nfls_syntax::TextRange::new(brnach, brnach + 6),
        "brnach",
        "`Build` nodes",
        "branch",
    ));
    assert_eq!(summary(&a), expected);
}

#[test]
fn nested_scopes_and_template_refs() {
    let f = fixture(
        r#"{
  "apiVersion": "v1.2",
  "name": "nested",
  "arguments": {"SECRET": "s"},
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "BuildService", "ref": "builder", "spec": {"name": "b"}},
    {"kind": "Pipeline", "ref": "pipe", "spec": {"name": "p",
      "stages": [{"name": "Development", "releaseFlow": {"kind": "ReleaseFlow", "spec": {
        "apiVersion": "v1.2",
        "triggers": [{"ref": "git", "vcsService": "github", "repoUrl": "https://github.com/a/b"}],
        "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
          {"kind": "Build", "ref": "build", "spec": {"id": "${template.refs.builder.id}", "branch": "${refs.git.branch}"}},
          {"kind": "Release", "spec": {"origin": {"id": "${refs.⟦builder⟧.id}", "build": "${refs.build.id}", "x": "${template.refs.⟦later⟧.id}"}}},
          {"kind": "Release", "spec": {"origin": {"id": "${template.refs.⟦pipe⟧.id}", "s": "${template.args.SECRET}", "t": "${args.⟦SECRET⟧}"}}}
        ]}}
      }}}],
      "preview": {"kind": "PreviewEnv", "spec": {
        "apiVersion": "v1.2",
        "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
          {"kind": "DeploymentService", "ref": "api", "spec": {"name": "${args.name}-api", "tags": ["${args.previewId}"], "x": "${refs.⟦build⟧.id}"}}
        ]}}
      }}
    }},
    {"kind": "Addon", "ref": "later", "spec": {"name": "${refs.builder.name}", "x": "${⟦template⟧.refs.builder.id}"}}
  ]}}
}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "ref/undefined".to_owned(),
                "`builder` is a ref of the enclosing template, not of this release flow: write `template.refs.builder` to use it".to_owned()
            ),
            (
                f.ranges[1],
                Error,
                "ref/not-run-yet".to_owned(),
                "`later` is defined by a later step of this sequential workflow".to_owned()
            ),
            (
                f.ranges[2],
                Error,
                "ref/not-run-yet".to_owned(),
                "`pipe` is this node's own ref: a node cannot use its own output".to_owned()
            ),
            (
                f.ranges[3],
                nfls_ide::Severity::Information,
                "arg/not-in-arguments".to_owned(),
                "`SECRET` is not in `arguments`: it must come from argument overrides or the run; the enclosing template has `SECRET`: write `template.args.SECRET` to use its value".to_owned()
            ),
            (
                f.ranges[4],
                Error,
                "ref/undefined".to_owned(),
                "`build` is not defined: no node or trigger in this preview-environment template has this ref".to_owned()
            ),
            (
                f.ranges[5],
                Warning,
                "expr/template-outside-nested".to_owned(),
                "`template.` reaches the template that holds a nested document, but this template is not nested in one".to_owned()
            ),
        ]
    );
    // The fix adds the prefix, and the result is clean for that use.
    let fix = &semantic(&a)[0].fixes[0];
    assert_eq!(
        fix.title,
        "Use the enclosing template's `builder` (`template.` prefix)"
    );
    let fixed = apply(&f.text, &fix.edits);
    assert!(fixed.contains(r#""id": "${template.refs.builder.id}", "build""#));
    assert_eq!(semantic(&analysis(&fixed)).len(), 5);
}

#[test]
fn workflow_template_and_preview_blueprint_nodes_are_scopes() {
    let f = fixture(
        r#"{
  "apiVersion": "v1.2",
  "name": "scopes",
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "Project", "ref": "project", "spec": {"name": "p"}},
    {"kind": "WorkflowTemplate", "ref": "wf", "spec": {"apiVersion": "v1.2", "name": "w", "projectId": "${refs.project.id}",
      "triggers": [{"kind": "vcs-push", "ref": "push", "spec": {}}],
      "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "Build", "ref": "b", "spec": {"branch": "${refs.push.branch}", "id": "${template.refs.project.id}", "x": "${refs.⟦project⟧.id}"}}
      ]}}}},
    {"kind": "PreviewBlueprint", "spec": {"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "Addon", "ref": "b", "spec": {"name": "${args.name}", "x": "${refs.⟦push⟧.branch}"}}
      ]}}}},
    {"kind": "Template", "spec": {"kind": "ReleaseFlow", "spec": {"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "Release", "ref": "b", "spec": {"x": "${template.refs.wf.id}"}}
      ]}}}}}
  ]}}
}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "ref/undefined".to_owned(),
                "`project` is a ref of the enclosing template, not of this workflow: write `template.refs.project` to use it".to_owned()
            ),
            (
                f.ranges[1],
                Error,
                "ref/undefined".to_owned(),
                "`push` is not defined: no node or trigger in this preview blueprint has this ref".to_owned()
            ),
        ]
    );
    // Three nested scopes plus the file; the same ref `b` in each is not a duplicate.
    assert_eq!(a.semantic.scopes().len(), 4);
}

#[test]
fn a_10000_deep_document_does_not_overflow() {
    let depth: usize = 10_000;
    let mut text = String::from(r#"{"apiVersion": "v1.2", "name": "deep", "spec": "#);
    for i in 0..depth {
        text.push_str(&format!(
            r#"{{"kind": "Workflow", "ref": "w{i}", "spec": {{"type": "sequential", "steps": [{{"kind": "Addon", "ref": "a{i}", "spec": {{"name": "${{refs.a{}.id}}"}}}}, "#,
            i.saturating_sub(1)
        ));
    }
    text.push_str(r#"{"kind": "Addon", "spec": {"name": "${refs.w0.id}"}}"#);
    for _ in 0..depth {
        text.push_str("]}}");
    }
    text.push('}');
    let a = analysis(&text);
    let semantic = semantic(&a);
    // `a0` uses its own ref (i = 0 reads a0); the innermost node reads the outermost workflow.
    let codes: Vec<(&str, &str)> = semantic
        .iter()
        .map(|d| (d.code.as_ref(), d.message.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (
                "ref/not-run-yet",
                "`a0` is this node's own ref: a node cannot use its own output"
            ),
            (
                "ref/not-run-yet",
                "`w0` is the ref of a workflow that contains this node: a workflow has no output until all its steps have run"
            ),
        ]
    );
    assert_eq!(a.semantic.nodes().len(), 2 * depth + 1);
}
