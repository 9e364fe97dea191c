//! Go to definition, references, rename (with validation and idempotence) and highlights for
//! refs and arguments, across nested scopes and through JSON escapes.

mod semantic_fixture;

use nfls_ide::types::{Highlight, HighlightKind};
use nfls_ide::{goto_definition, highlights, prepare_rename, references, rename};
use nfls_syntax::TextRange;
use semantic_fixture::{analysis, apply, assert_json, fixture, semantic, slice};

/// A template with a nested release flow: `builder` is used plainly, in a function, and with
/// `template.` from the nested scope. Ranges: 0 = definition, 1.. = uses, in document order.
const NESTED: &str = r#"{
  "apiVersion": "v1.2",
  "name": "nested",
  "arguments": {"⟦REGION⟧": "eu"},
  "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
    {"kind": "BuildService", "ref": "⟦builder⟧", "spec": {"name": "${args.⟦REGION⟧}"}},
    {"kind": "DeploymentService", "ref": "api", "spec": {"x": "${refs.⟦builder⟧.id}", "y": "${fn.eq(refs.⟦builder⟧.name, args.⟦REGION⟧)}"}},
    {"kind": "Pipeline", "ref": "pipe", "spec": {"stages": [{"releaseFlow": {"kind": "ReleaseFlow", "spec": {
      "arguments": {"REGION": "inner"},
      "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "Build", "ref": "builder", "spec": {"id": "${template.refs.⟦builder⟧.id}", "r": "${args.REGION}", "t": "${template.args.⟦REGION⟧}", "o": "${refs.builder.id}"}}
      ]}}}}}]}}
  ]}}
}"#;

struct Nested {
    text: String,
    analysis: nfls_ide::Analysis,
    region: Vec<TextRange>,
    builder: Vec<TextRange>,
}

fn nested() -> Nested {
    let f = fixture(NESTED);
    let a = analysis(&f.text);
    let (mut region, mut builder) = (Vec::new(), Vec::new());
    for range in f.ranges {
        match slice(&f.text, range) {
            "REGION" => region.push(range),
            "builder" => builder.push(range),
            other => panic!("unexpected range {other}"),
        }
    }
    Nested {
        text: f.text,
        analysis: a,
        region,
        builder,
    }
}

#[test]
fn definition_from_uses_in_every_scope() {
    let n = nested();
    for &used in &n.builder[1..] {
        for offset in [used.start, used.start + 3, used.end] {
            assert_eq!(
                goto_definition(&n.analysis, offset),
                vec![n.builder[0]],
                "at {offset}"
            );
        }
    }
    for &used in &n.region[1..] {
        assert_eq!(
            goto_definition(&n.analysis, used.start + 1),
            vec![n.region[0]]
        );
    }
    // The nested release flow's own `builder` and `REGION` are other symbols.
    let inner_ref = n.text.find(r#""ref": "builder", "spec": {"id""#).unwrap() as u32 + 8;
    let inner_use = n.text.rfind("${refs.builder.id}").unwrap() as u32 + 7;
    assert_eq!(
        goto_definition(&n.analysis, inner_use),
        vec![TextRange::new(inner_ref, inner_ref + 7)]
    );
    let inner_arg = n.text.find(r#""REGION": "inner""#).unwrap() as u32 + 1;
    let inner_arg_use = n.text.find("${args.REGION}\", \"t\"").unwrap() as u32 + 7;
    assert_eq!(
        goto_definition(&n.analysis, inner_arg_use),
        vec![TextRange::new(inner_arg, inner_arg + 6)]
    );
}

#[test]
fn references_with_and_without_the_declaration() {
    let n = nested();
    assert_eq!(references(&n.analysis, n.builder[2].start, true), n.builder);
    assert_eq!(
        references(&n.analysis, n.builder[0].start, false),
        n.builder[1..].to_vec()
    );
    assert_eq!(references(&n.analysis, n.region[3].end, true), n.region);
}

#[test]
fn highlights_write_at_the_definition_read_at_uses() {
    let n = nested();
    let mut expected = vec![Highlight {
        range: n.builder[0],
        kind: HighlightKind::Write,
    }];
    expected.extend(n.builder[1..].iter().map(|&range| Highlight {
        range,
        kind: HighlightKind::Read,
    }));
    assert_eq!(highlights(&n.analysis, n.builder[3].start), expected);
    assert_eq!(highlights(&n.analysis, 0), vec![]);
}

#[test]
fn rename_a_ref_everywhere_including_template_prefixed_uses() {
    let n = nested();
    assert_eq!(
        prepare_rename(&n.analysis, n.builder[1].start + 2),
        Ok((n.builder[1], "builder".to_owned()))
    );
    let edits = rename(&n.analysis, n.builder[1].start, "image-builder").unwrap();
    let ranges: Vec<TextRange> = edits.iter().map(|e| e.range).collect();
    assert_eq!(ranges, n.builder);
    assert!(edits.iter().all(|e| e.new_text == "image-builder"));
    let renamed = apply(&n.text, &edits);
    assert_json(&renamed);
    let after = analysis(&renamed);
    assert_eq!(semantic(&after).len(), semantic(&n.analysis).len());
    // The nested flow's own `builder` is untouched.
    assert!(
        renamed.contains(r#""ref": "builder", "spec": {"id": "${template.refs.image-builder.id}""#)
    );
    assert!(renamed.contains(r#""o": "${refs.builder.id}""#));
    // Renaming back restores the document exactly.
    let back = rename(&after, n.builder[0].start, "builder").unwrap();
    assert_eq!(apply(&renamed, &back), n.text);
}

#[test]
fn rename_an_argument_from_its_key() {
    let n = nested();
    let edits = rename(&n.analysis, n.region[0].start, "AREA").unwrap();
    let ranges: Vec<TextRange> = edits.iter().map(|e| e.range).collect();
    assert_eq!(ranges, n.region);
    let renamed = apply(&n.text, &edits);
    assert_json(&renamed);
    assert!(renamed.contains(r#""arguments": {"AREA": "eu"}"#));
    assert!(renamed.contains(r#""arguments": {"REGION": "inner"}"#));
    assert_eq!(
        semantic(&analysis(&renamed)).len(),
        semantic(&n.analysis).len()
    );
}

#[test]
fn rename_is_idempotent() {
    let n = nested();
    assert_eq!(
        rename(&n.analysis, n.builder[0].start, "builder"),
        Ok(vec![])
    );
    let once = apply(
        &n.text,
        &rename(&n.analysis, n.builder[0].start, "b2").unwrap(),
    );
    let again_analysis = analysis(&once);
    let start = n.builder[0].start;
    assert_eq!(rename(&again_analysis, start, "b2"), Ok(vec![]));
}

#[test]
fn rename_validates_the_new_name() {
    let n = nested();
    let at = n.builder[1].start;
    assert_eq!(
        rename(&n.analysis, at, ""),
        Err("the new name is empty".to_owned())
    );
    assert_eq!(
        rename(&n.analysis, at, "my builder"),
        Err(
            "`my builder` cannot be a name: ` ` is not allowed (use letters, digits, `_` and `-`)"
                .to_owned()
        )
    );
    assert_eq!(
        rename(&n.analysis, at, "b\"x"),
        Err(
            "`b\"x` cannot be a name: `\"` is not allowed (use letters, digits, `_` and `-`)"
                .to_owned()
        )
    );
    assert_eq!(
        rename(&n.analysis, at, "api"),
        Err(
            "`api` is already the ref of the `DeploymentService` node at line 7: pick another name"
                .to_owned()
        )
    );
}

#[test]
fn what_cannot_be_renamed() {
    let f = fixture(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/preview-env",
  "apiVersion": "v1.2",
  "spec": {"kind": "Addon", "ref": "b", "spec": {"name": "${args.pre$0viewId}", "x": "${refs.nowhere.id}", "s": "${secrets.global.x}"}}
}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(
        prepare_rename(&a, f.cursor),
        Err("`previewId` is an argument the platform provides to preview environments: it cannot be renamed".to_owned())
    );
    assert_eq!(goto_definition(&a, f.cursor), vec![]);
    let nowhere = f.text.find("nowhere").unwrap() as u32;
    assert_eq!(
        prepare_rename(&a, nowhere),
        Err("`nowhere` is not a ref defined in this document: nothing to rename".to_owned())
    );
    let secret = f.text.find("global").unwrap() as u32;
    assert_eq!(
        prepare_rename(&a, secret),
        Err(
            "`global` is a secret id defined on the platform: it cannot be renamed here".to_owned()
        )
    );
    assert_eq!(
        prepare_rename(&a, 3),
        Err("there is no ref or argument name here".to_owned())
    );
}

#[test]
fn rename_through_json_escapes_keeps_valid_json() {
    // The definition is written with an escape; uses with and without one.
    let f = fixture(
        r#"{"apiVersion": "v1.2", "name": "esc", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
  {"kind": "Addon", "ref": "⟦d\u0062⟧", "spec": {}},
  {"kind": "Addon", "ref": "x", "spec": {"name": "é\"${refs.⟦db⟧.id}", "y": "${refs.⟦\u0064b⟧.name}"}}
]}}}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(
        prepare_rename(&a, f.ranges[0].start),
        Ok((f.ranges[0], "db".to_owned()))
    );
    assert_eq!(references(&a, f.ranges[2].start, true), f.ranges);
    assert_eq!(rename(&a, f.ranges[1].start, "db"), Ok(vec![]));
    let renamed = apply(
        &f.text,
        &rename(&a, f.ranges[1].start, "data_base").unwrap(),
    );
    assert_json(&renamed);
    assert!(renamed.contains(r#""ref": "data_base""#));
    assert!(renamed.contains(r#""é\"${refs.data_base.id}""#));
    assert!(renamed.contains(r#""${refs.data_base.name}""#));
    assert!(semantic(&analysis(&renamed)).is_empty());
}

#[test]
fn plain_node_ref_is_a_use() {
    let f = fixture(
        r#"{
  "apiVersion": "v1.2",
  "name": "tf",
  "spec": {"kind": "OpenTofu", "ref": "⟦infra⟧", "spec": {"stateKey": "k"}},
  "teardownSpec": {"spec": {"kind": "OpenTofuDestroy", "spec": {"nodeRef": "⟦in$0fra⟧"}}}
}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(goto_definition(&a, f.cursor), vec![f.ranges[0]]);
    let renamed = apply(&f.text, &rename(&a, f.ranges[0].start, "tofu").unwrap());
    assert!(renamed.contains(r#""nodeRef": "tofu""#));
    assert!(semantic(&analysis(&renamed)).is_empty());
}

#[test]
fn rich_input_outputs_are_argument_definitions() {
    let f = fixture(
        r#"{
  "$schema": "https://api.northflank.com/v1/schemas/release-flow",
  "apiVersion": "v1.2",
  "richInputs": [{"kind": "BranchCommitSelector", "spec": {"title": "t", "outputs": {"branch": "⟦BRANCH⟧"}}}],
  "spec": {"kind": "Build", "ref": "b", "spec": {"branch": "${args.⟦BRA$0NCH⟧}"}}
}"#,
    );
    let a = analysis(&f.text);
    assert_eq!(goto_definition(&a, f.cursor), vec![f.ranges[0]]);
    let edits = rename(&a, f.cursor, "GIT_BRANCH").unwrap();
    assert_eq!(edits.iter().map(|e| e.range).collect::<Vec<_>>(), f.ranges);
}
