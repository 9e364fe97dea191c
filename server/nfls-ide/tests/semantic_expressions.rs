//! Expression, argument and secret-hygiene diagnostics: functions, arity, roots, syntax,
//! `args.X` information, `argumentOverrides`, and exact ranges after multi-byte text and escapes.

mod semantic_fixture;

use nfls_ide::Severity::{Error, Hint, Information, Warning};
use semantic_fixture::{analysis, apply, assert_json, fixture, semantic, summary, template};

#[test]
fn unknown_function_with_fix_and_arity() {
    let f = fixture(&template(
        r#"{"kind": "Addon", "ref": "a", "spec": {"name": "${fn.⟦toUppr⟧('x')}", "x": "${fn.⟦eq⟧(1)}", "y": "${fn.⟦zzzzzz⟧()}", "z": "${fn.if(fn.⟦slice⟧('a'), 1)}"}}"#,
    ));
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "expr/unknown-function".to_owned(),
                "`fn.toUppr` is not a known function; did you mean `fn.toUpper`?".to_owned()
            ),
            (
                f.ranges[1],
                Error,
                "expr/arity".to_owned(),
                "`fn.eq` takes at least 2 arguments, got 1".to_owned()
            ),
            (
                f.ranges[2],
                Error,
                "expr/unknown-function".to_owned(),
                "`fn.zzzzzz` is not a known function".to_owned()
            ),
            (
                f.ranges[3],
                Error,
                "expr/arity".to_owned(),
                "`fn.slice` takes 2 or 3 arguments, got 1".to_owned()
            ),
        ]
    );
    let fix = &semantic(&a)[0].fixes[0];
    assert_eq!(fix.title, "Change to `toUpper`");
    assert!(apply(&f.text, &fix.edits).contains("${fn.toUpper('x')}"));
}

#[test]
fn arguments_not_declared_are_information_only() {
    let f = fixture(&template(
        r#"{"kind": "Project", "ref": "p", "spec": {"name": "${args.⟦regoin⟧}", "region": "${args.region}", "x": "${args.⟦WEBHOOK_PARAM⟧}", "y": "${fn.if(args.count, 1, 2)}"}}"#,
    ));
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Information,
                "arg/not-in-arguments".to_owned(),
                "`regoin` is not in `arguments`: it must come from argument overrides or the run; did you mean `region`?".to_owned()
            ),
            (
                f.ranges[1],
                Information,
                "arg/not-in-arguments".to_owned(),
                "`WEBHOOK_PARAM` is not in `arguments`: it must come from argument overrides or the run".to_owned()
            ),
        ]
    );
    let fix = &semantic(&a)[0].fixes[0];
    assert!(apply(&f.text, &fix.edits).contains(r#""name": "${args.region}""#));
}

#[test]
fn preview_builtins_and_rich_inputs_define_arguments() {
    let preview = fixture(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/preview-env",
  "apiVersion": "v1.2",
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "DeploymentService", "ref": "api", "spec": {"name": "${args.name}-api", "tags": ["${args.previewId}"]}}
  ]}},
  "options": {"nameFormat": "PR-${args.⟦pullRequestId⟧}"}
}"#,
    );
    let a = analysis(&preview.text);
    assert_eq!(
        summary(&a),
        vec![(
            preview.ranges[0],
            Information,
            "arg/not-in-arguments".to_owned(),
            "`pullRequestId` is not in `arguments`: it must come from argument overrides or the run".to_owned()
        )]
    );
    let flow = fixture(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/release-flow",
  "apiVersion": "v1.2",
  "richInputs": [{"kind": "BranchCommitSelector", "spec": {"title": "t", "inputs": {"source": "svc"}, "outputs": {"branch": "RELEASE_BRANCH"}}}],
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "Build", "ref": "b", "spec": {"id": "svc", "type": "service", "branch": "${args.RELEASE_BRANCH}", "x": "${args.⟦previewId⟧}"}}
  ]}}
}"#,
    );
    let a = analysis(&flow.text);
    assert_eq!(
        summary(&a),
        vec![(
            flow.ranges[0],
            Information,
            "arg/not-in-arguments".to_owned(),
            "`previewId` is not in `arguments`: it must come from argument overrides or the run"
                .to_owned()
        )]
    );
}

#[test]
fn unknown_roots_are_warnings() {
    let f = fixture(&template(
        r#"{"kind": "Job", "ref": "j", "spec": {"command": "echo ${⟦MESSAGE⟧}", "x": "${⟦ref⟧.j.id}", "y": "\\${LITERAL}"}}"#,
    ));
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Warning,
                "expr/unknown-root".to_owned(),
                "`MESSAGE` is not an expression root: expressions start with `args`, `refs`, `fn`, `secrets` or `template` (what the platform does with it is unconfirmed; write `\\\\${` in JSON for a literal `${`)".to_owned()
            ),
            (
                f.ranges[1],
                Warning,
                "expr/unknown-root".to_owned(),
                "`ref` is not an expression root: expressions start with `args`, `refs`, `fn`, `secrets` or `template`; did you mean `refs`?".to_owned()
            ),
        ]
    );
    let fixed = apply(&f.text, &semantic(&a)[1].fixes[0].edits);
    assert!(fixed.contains("${refs.j.id}"));
}

#[test]
fn expression_syntax_problems_come_from_the_parser_without_json_ones() {
    // `\q` is a bad JSON escape: the JSON parser reports it, the expression layer does not.
    let f = fixture(&template(
        r#"{"kind": "Addon", "ref": "a", "spec": {"name": "⟦${⟧args.region", "x": "${refs⟦.⟧}", "y": "\q ${args.region ⟦)⟧}"}}"#,
    ));
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "expr/unterminated".to_owned(),
                "`${` is never closed: expected `}`".to_owned()
            ),
            (
                f.ranges[1],
                Error,
                "expr/syntax".to_owned(),
                "expected a name after `.`".to_owned()
            ),
            (
                f.ranges[2],
                Error,
                "expr/unbalanced".to_owned(),
                "`)` has no matching `(`".to_owned()
            ),
        ]
    );
    assert!(a.diagnostics.iter().all(|d| !d.code.starts_with("json/")));
}

#[test]
fn ranges_are_exact_after_multibyte_text_and_escapes() {
    let f = fixture(&template(
        r#"{"kind": "Addon", "ref": "a", "spec": {"name": "naïve ✓ \u00e9\"\\ ${refs.⟦xyz⟧.id} 😀 ${args.⟦r⟧⟦é⟧gïon}"}}"#,
    ));
    let a = analysis(&f.text);
    // A name stops at the first non-ASCII letter: `r` is the name, `é` is a syntax problem.
    assert_eq!(
        summary(&a),
        vec![
            (
                f.ranges[0],
                Error,
                "ref/undefined".to_owned(),
                "`xyz` is not defined: no node in this template has this ref".to_owned()
            ),
            (
                f.ranges[1],
                Information,
                "arg/not-in-arguments".to_owned(),
                "`r` is not in `arguments`: it must come from argument overrides or the run"
                    .to_owned()
            ),
            (
                f.ranges[2],
                Error,
                "expr/syntax".to_owned(),
                "unexpected `é` after the expression".to_owned()
            ),
        ]
    );
}

#[test]
fn escaped_names_map_to_their_source_text() {
    // `\u0062` is `b`: the name is `build`, and its range covers the escape.
    let f = fixture(&template(
        r#"{"kind": "BuildService", "ref": "build", "spec": {}},
           {"kind": "Addon", "ref": "a", "spec": {"name": "${refs.⟦\u0062uild⟧.id} ${refs.⟦bu\u0069lt⟧.id}"}}"#,
    ));
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[1],
            Error,
            "ref/undefined".to_owned(),
            "`built` is not defined: no node in this template has this ref; did you mean `build`?"
                .to_owned()
        )]
    );
    let uses: Vec<_> = a
        .semantic
        .uses()
        .iter()
        .map(|u| (u.name.as_str(), u.range))
        .collect();
    assert_eq!(uses, vec![("build", f.ranges[0]), ("built", f.ranges[1])]);
}

#[test]
fn argument_overrides_warning_and_removal_keep_valid_json() {
    let cases = [
        (
            "first",
            "{\n  ⟦\"argumentOverrides\"⟧: {\"TOKEN\": \"s3cret\"},\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"x\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}}\n}",
            "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"x\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}}\n}",
        ),
        (
            "middle",
            "{\n  \"apiVersion\": \"v1.2\",\n  ⟦\"argumentOverrides\"⟧: {\"TOKEN\": \"s3cret\"},\n  \"name\": \"x\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}}\n}",
            "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"x\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}}\n}",
        ),
        (
            "last",
            "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"x\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}},\n  ⟦\"argumentOverrides\"⟧: {\"TOKEN\": \"s3cret\"}\n}",
            "{\n  \"apiVersion\": \"v1.2\",\n  \"name\": \"x\",\n  \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}}\n}",
        ),
    ];
    for (label, source, expected) in cases {
        let f = fixture(source);
        let a = analysis(&f.text);
        assert_eq!(
            summary(&a),
            vec![(
                f.ranges[0],
                Warning,
                "secret/argument-overrides".to_owned(),
                "the platform never writes `argumentOverrides` to Git: they hold secrets — move them to the platform".to_owned()
            )],
            "{label}"
        );
        let fix = &semantic(&a)[0].fixes[0];
        assert_eq!(fix.title, "Remove `argumentOverrides`");
        let fixed = apply(&f.text, &fix.edits);
        assert_eq!(fixed, expected, "{label}");
        assert_json(&fixed);
    }
}

#[test]
fn empty_argument_overrides_is_a_hint() {
    let f = fixture(
        "{\"apiVersion\": \"v1.2\", \"name\": \"x\", ⟦\"argumentOverrides\"⟧: {}, \"spec\": {\"kind\": \"Workflow\", \"spec\": {\"type\": \"sequential\", \"steps\": []}}}",
    );
    let a = analysis(&f.text);
    assert_eq!(
        summary(&a),
        vec![(
            f.ranges[0],
            Hint,
            "secret/argument-overrides".to_owned(),
            "`argumentOverrides` is empty: the platform never writes it to Git (it holds secrets), so it can go".to_owned()
        )]
    );
}

#[test]
fn the_only_member_removed_leaves_an_empty_object() {
    // In a nested `WorkflowTemplate` document, the only other content is the `spec`.
    let f = fixture(
        r#"{"apiVersion": "v1.2", "name": "x", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
  {"kind": "WorkflowTemplate", "spec": {⟦"argumentOverrides"⟧: {"A": "b"}}}
]}}}"#,
    );
    let a = analysis(&f.text);
    let diagnostics = semantic(&a);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].range, f.ranges[0]);
    let fixed = apply(&f.text, &diagnostics[0].fixes[0].edits);
    assert!(
        fixed.contains(r#"{"kind": "WorkflowTemplate", "spec": {}}"#),
        "{fixed}"
    );
    assert_json(&fixed);
}

#[test]
fn a_clean_document_has_no_semantic_diagnostics() {
    let f = fixture(&template(
        r#"{"kind": "Project", "ref": "project", "spec": {"name": "p", "region": "${args.region}"}},
           {"kind": "Workflow", "spec": {"type": "parallel", "context": {"projectId": "${refs.project.id}"}, "steps": [
              {"kind": "Addon", "ref": "db", "spec": {"name": "${fn.slug(args.region)}-db"}},
              {"kind": "SecretGroup", "ref": "sec", "spec": {"secrets": {"variables": {"K": "${fn.randomSecret(32)}", "L": "${secrets.global-id}"}}}}]}},
           {"kind": "DeploymentService", "ref": "api", "spec": {"name": "${fn.if(fn.eq(args.region, 'x'), 'a', 'b')}", "x": "${refs.db.id}", "y": "${fn.map(refs.sec.id, (item) => item.name)}"}},
           {"kind": "Subdomain", "spec": {"name": "https://${refs.api.ports.0.dns}"}}"#,
    ));
    assert_eq!(summary(&analysis(&f.text)), vec![]);
}
