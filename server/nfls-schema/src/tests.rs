//! Tests for schema validation (exact range, code, level and message of each kind of problem,
//! with the suggestion behind each quick fix) and for schema queries.
//!
//! Fixture convention: inline documents mark every expected problem range with `⟦…⟧` (an empty
//! range is `⟦⟧`). The markers are stripped before parsing; the marked ranges, in order of
//! their opening marker, pair up with the expected problems, which are sorted by position as
//! `validate` returns them.

use nfls_syntax::{PathSegment, TextRange};
use serde_json::json;

use crate::query::JsonType;
use crate::{DocumentKind, Level, SchemaProblem, SchemaSet, Suggestion};

/// Strips `⟦`/`⟧` markers; returns the text and the marked byte ranges in order of opening.
fn markers(fixture: &str) -> (String, Vec<TextRange>) {
    let mut text = String::with_capacity(fixture.len());
    let mut open: Vec<(usize, u32)> = Vec::new();
    let mut ranges: Vec<(usize, TextRange)> = Vec::new();
    for ch in fixture.chars() {
        match ch {
            '⟦' => {
                open.push((ranges.len() + open.len(), text.len() as u32));
            }
            '⟧' => {
                let (order, start) = open.pop().expect("unbalanced ⟧ in fixture");
                ranges.push((order, TextRange::new(start, text.len() as u32)));
            }
            _ => text.push(ch),
        }
    }
    assert!(open.is_empty(), "unbalanced ⟦ in fixture");
    ranges.sort_by_key(|(order, _)| *order);
    (text, ranges.into_iter().map(|(_, range)| range).collect())
}

fn validate(kind: DocumentKind, text: &str) -> Vec<SchemaProblem> {
    let parse = nfls_syntax::parse(text);
    assert!(
        parse.errors.is_empty(),
        "fixture has syntax errors: {:?}",
        parse.errors
    );
    SchemaSet::embedded().validate(&parse.tree, kind)
}

/// Validates the fixture and asserts exactly these problems: (code, level, message) per marked
/// range, in order.
#[track_caller]
fn check(
    kind: DocumentKind,
    fixture: &str,
    expected: &[(&str, Level, &str)],
) -> Vec<SchemaProblem> {
    let (text, ranges) = markers(fixture);
    assert_eq!(
        ranges.len(),
        expected.len(),
        "fixture marks {} ranges for {} expected problems",
        ranges.len(),
        expected.len()
    );
    let problems = validate(kind, &text);
    let actual: Vec<(TextRange, &str, Level, &str)> = problems
        .iter()
        .map(|problem| {
            (
                problem.range,
                problem.code,
                problem.level,
                problem.message.as_str(),
            )
        })
        .collect();
    let wanted: Vec<(TextRange, &str, Level, &str)> = ranges
        .iter()
        .zip(expected)
        .map(|(range, (code, level, message))| (*range, *code, *level, *message))
        .collect();
    if actual != wanted {
        let shown: Vec<String> = problems
            .iter()
            .map(|problem| {
                format!(
                    "{:?} {:?} {} {} | {}",
                    problem.range,
                    &text[problem.range.start as usize..problem.range.end as usize],
                    problem.code,
                    level_name(problem.level),
                    problem.message
                )
            })
            .collect();
        panic!(
            "problems differ\nactual:\n{}\nwanted: {wanted:#?}",
            shown.join("\n")
        );
    }
    problems
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Information => "information",
        Level::Hint => "hint",
    }
}

/// Wraps workflow steps into a template.
fn template(steps: &str) -> String {
    format!(
        r#"{{"apiVersion": "v1.2", "spec": {{"kind": "Workflow", "spec": {{"type": "sequential", "steps": [{steps}]}}}}}}"#
    )
}

fn release_flow(steps: &str) -> String {
    format!(
        r#"{{"apiVersion": "v1.2", "spec": {{"kind": "Workflow", "spec": {{"type": "sequential", "steps": [{steps}]}}}}}}"#
    )
}

use Level::{Error, Warning};

// ----- node kinds -----

#[test]
fn unknown_node_kind_with_did_you_mean() {
    let problems = check(
        DocumentKind::Template,
        &template(r#"{"kind": ⟦"DeploymentSevice"⟧, "spec": {}}"#),
        &[(
            "schema/unknown-node-kind",
            Error,
            "unknown node kind `DeploymentSevice`: did you mean `DeploymentService`?",
        )],
    );
    let (text, _) = markers(&template(r#"{"kind": "DeploymentSevice", "spec": {}}"#));
    let start = text.find("DeploymentSevice").unwrap() as u32;
    assert_eq!(
        problems[0].suggestion,
        Some(Suggestion::Replace {
            range: TextRange::new(start, start + 16),
            text: "DeploymentService".into()
        })
    );
    assert_eq!(
        problems[0].docs_url.as_deref(),
        Some("https://northflank.com/docs/v1/application/infrastructure-as-code/template-nodes")
    );
}

#[test]
fn unknown_node_kind_without_suggestion() {
    check(
        DocumentKind::Template,
        &template(r#"{"kind": ⟦"Frobnicate"⟧, "spec": {}}"#),
        &[(
            "schema/unknown-node-kind",
            Error,
            "unknown node kind `Frobnicate`",
        )],
    );
}

#[test]
fn release_node_in_a_template() {
    let problems = check(
        DocumentKind::Template,
        &template(r#"{"kind": ⟦"Release"⟧, "spec": {}}"#),
        &[(
            "schema/node-kind-not-allowed",
            Error,
            "`Release` nodes cannot run in a template: they run only in release flows and workflows",
        )],
    );
    assert_eq!(
        problems[0].docs_url.as_deref(),
        Some("https://northflank.com/docs/v1/application/release/configure-a-release-flow")
    );
    assert_eq!(problems[0].suggestion, None);
}

#[test]
fn project_node_in_a_release_flow() {
    check(
        DocumentKind::ReleaseFlow,
        &release_flow(r#"{"kind": ⟦"Project"⟧, "spec": {"name": "demo"}}"#),
        &[(
            "schema/node-kind-not-allowed",
            Error,
            "`Project` nodes cannot run in a release flow: they run only in templates",
        )],
    );
}

#[test]
fn teardown_only_kind_outside_teardown() {
    check(
        DocumentKind::Template,
        &template(r#"{"kind": ⟦"OpenTofuDestroy"⟧, "spec": {}}"#),
        &[(
            "schema/node-kind-not-allowed",
            Error,
            "`OpenTofuDestroy` nodes run only in teardown specs",
        )],
    );
}

#[test]
fn non_teardown_kind_in_teardown_spec() {
    check(
        DocumentKind::Template,
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "parallel"}},
            "teardownSpec": {"spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
              {"kind": "OpenTofuDestroy", "spec": {"nodeRef": "infra"}},
              {"kind": ⟦"Project"⟧, "spec": {"name": "demo"}}]}}}}"#,
        &[(
            "schema/node-kind-not-allowed",
            Error,
            "`Project` nodes cannot run in a teardown spec",
        )],
    );
}

#[test]
fn nested_release_flow_in_a_pipeline_uses_release_flow_rules() {
    let pipeline = r#"{"kind": "Pipeline", "spec": {"name": "app", "stages": [{"name": "Development", "releaseFlow": {"kind": "ReleaseFlow", "spec": {
        "apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
          {"kind": "Release", "spec": {"type": "build", "origin": {"branch": "main"}}},
          {"kind": ⟦"Project"⟧, "spec": {"name": "demo"}},
          {"kind": "Workflow", "spec": {"type": ⟦"serial"⟧}}]}}}}}]}}"#;
    check(
        DocumentKind::Template,
        &template(pipeline),
        &[
            (
                "schema/node-kind-not-allowed",
                Error,
                "`Project` nodes cannot run in a release flow: they run only in templates",
            ),
            (
                "schema/enum",
                Error,
                "`serial` is not a workflow type: expected `sequential` or `parallel`",
            ),
        ],
    );
}

// ----- values -----

#[test]
fn enum_value_of_workflow_type() {
    check(
        DocumentKind::Template,
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": ⟦"serial"⟧}}}"#,
        &[(
            "schema/enum",
            Error,
            "`serial` is not a workflow type: expected `sequential` or `parallel`",
        )],
    );
}

#[test]
fn enum_value_with_did_you_mean_and_fix() {
    let problems = check(
        DocumentKind::Template,
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": ⟦"paralel"⟧}}}"#,
        &[(
            "schema/enum",
            Error,
            "`paralel` is not a workflow type: did you mean `parallel`? (expected `sequential` or `parallel`)",
        )],
    );
    assert!(
        matches!(&problems[0].suggestion, Some(Suggestion::Replace { text, .. }) if text == "parallel")
    );
}

#[test]
fn type_mismatch_without_expression_alternative() {
    check(
        DocumentKind::Template,
        r#"{"apiVersion": "v1.2", "options": {"autorun": ⟦"yes"⟧}, "spec": {"kind": "Workflow", "spec": {"type": "parallel", "steps": ⟦{}⟧}}}"#,
        &[
            (
                "schema/type",
                Error,
                "`autorun` must be a boolean, found `yes`",
            ),
            (
                "schema/type",
                Error,
                "the workflow steps must be an array, found an object",
            ),
        ],
    );
}

#[test]
fn type_mismatch_with_expression_alternative() {
    check(
        DocumentKind::Template,
        &template(r#"{"kind": "Project", "spec": {"name": "demo", "color": ⟦12⟧}}"#),
        &[(
            "schema/type",
            Error,
            "the project color must be a string or a `${…}` expression, found the number 12",
        )],
    );
}

#[test]
fn expression_accepted_instead_of_a_boolean() {
    check(
        DocumentKind::Template,
        &template(
            r#"{"kind": "Workflow", "skipNodeExecution": "${args.skip}", "spec": {"type": "parallel"}}"#,
        ),
        &[],
    );
}

#[test]
fn pattern_mismatch() {
    check(
        DocumentKind::Template,
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "parallel", "context": {"projectId": ⟦"my project"⟧}}}}"#,
        &[(
            "schema/pattern",
            Error,
            "`my project` is not a valid `projectId`: it must match `^[A-Za-z0-9-]+$` (or a `${…}` expression)",
        )],
    );
}

#[test]
fn string_length_limits() {
    check(
        DocumentKind::Template,
        &format!(
            r#"{{"apiVersion": "v1.2", "name": ⟦"ab"⟧, "description": ⟦"{}"⟧, "spec": {{"kind": "Workflow", "spec": {{"type": "parallel"}}}}}}"#,
            "x".repeat(201)
        ),
        &[
            (
                "schema/length",
                Error,
                "`name` is too short: at least 3 characters (it has 2)",
            ),
            (
                "schema/length",
                Error,
                "`description` is too long: at most 200 characters (it has 201)",
            ),
        ],
    );
}

/// The published schemas set no numeric bounds today; the mapping is tested on a small schema
/// of our own, registered like the real ones.
#[test]
fn numeric_range_and_item_count() {
    let schema = json!({
        "$id": "https://example.test/t.schema.json",
        "type": "object",
        "properties": {
            "replicas": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 10}, {"$ref": "#/$defs/expression"}]},
            "ratio": {"type": "number", "exclusiveMinimum": 0},
            "ports": {"type": "array", "minItems": 1, "maxItems": 2}
        },
        "$defs": {"expression": {"type": "string", "pattern": "\\$\\{"}}
    });
    let set = SchemaSet::from_files([("template.schema.json".to_owned(), schema)]);
    let (text, ranges) =
        markers(r#"{"replicas": ⟦0⟧, "ratio": ⟦0⟧, "ports": ⟦[]⟧, "later": {"x": 1}}"#);
    let parse = nfls_syntax::parse(&text);
    let problems: Vec<(TextRange, &str, String)> = set
        .validate(&parse.tree, DocumentKind::Template)
        .into_iter()
        .map(|problem| (problem.range, problem.code, problem.message))
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                ranges[0],
                "schema/range",
                "`replicas` must be at least 1 (it is 0)".to_owned()
            ),
            (
                ranges[1],
                "schema/range",
                "`ratio` must be greater than 0 (it is 0)".to_owned()
            ),
            (
                ranges[2],
                "schema/items",
                "`ports` needs at least 1 item".to_owned()
            ),
        ]
    );
    let (text, ranges) = markers(r#"{"replicas": ⟦11⟧, "ports": ⟦[1, 2, 3]⟧}"#);
    let parse = nfls_syntax::parse(&text);
    let problems: Vec<(TextRange, String)> = set
        .validate(&parse.tree, DocumentKind::Template)
        .into_iter()
        .map(|problem| (problem.range, problem.message))
        .collect();
    assert_eq!(
        problems,
        vec![
            (
                ranges[0],
                "`replicas` must be at most 10 (it is 11)".to_owned()
            ),
            (ranges[1], "`ports` takes at most 2 items".to_owned())
        ]
    );
}

// ----- properties -----

#[test]
fn missing_required_property_of_a_node_spec_at_the_key() {
    let problems = check(
        DocumentKind::Template,
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", ⟦"spec"⟧: {"steps": []}}}"#,
        &[(
            "schema/missing-property",
            Error,
            "missing required property `type` in a `Workflow` spec",
        )],
    );
    assert_eq!(
        problems[0].suggestion,
        Some(Suggestion::AddProperties {
            object: vec![
                PathSegment::Key("spec".into()),
                PathSegment::Key("spec".into())
            ],
            properties: vec!["type".into()]
        })
    );
}

#[test]
fn missing_required_properties_of_a_node_at_its_kind() {
    check(
        DocumentKind::Template,
        &template(r#"{"kind": ⟦"Volume"⟧, "ref": "data"}"#),
        &[(
            "schema/missing-property",
            Error,
            "missing required property `spec` in a `Volume` node",
        )],
    );
}

#[test]
fn missing_required_properties_are_one_problem() {
    let problems = check(
        DocumentKind::Template,
        r#"⟦{⟧"name": "demo"}"#,
        &[(
            "schema/missing-property",
            Error,
            "missing required properties `apiVersion` and `spec`",
        )],
    );
    assert_eq!(
        problems[0].suggestion,
        Some(Suggestion::AddProperties {
            object: vec![],
            properties: vec!["apiVersion".into(), "spec".into()]
        })
    );
}

#[test]
fn step_without_kind() {
    check(
        DocumentKind::Template,
        &template(r#"⟦{⟧"spec": {}}"#),
        &[(
            "schema/missing-property",
            Error,
            "missing required property `kind`",
        )],
    );
}

#[test]
fn unknown_property_is_a_warning_with_did_you_mean() {
    let problems = check(
        DocumentKind::Template,
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "parallel", ⟦"stepz"⟧: []}}, ⟦"argumnets"⟧: {}}"#,
        &[
            (
                "schema/unknown-property",
                Warning,
                "unknown property `stepz` in a `Workflow` spec: did you mean `steps`?",
            ),
            (
                "schema/unknown-property",
                Warning,
                "unknown property `argumnets`: did you mean `arguments`?",
            ),
        ],
    );
    let (text, _) = markers(
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "parallel", "stepz": []}}, "argumnets": {}}"#,
    );
    let start = text.find("stepz").unwrap() as u32;
    assert_eq!(
        problems[0].suggestion,
        Some(Suggestion::Replace {
            range: TextRange::new(start, start + 5),
            text: "steps".into()
        })
    );
}

#[test]
fn unknown_property_without_suggestion() {
    check(
        DocumentKind::Template,
        &template(r#"{"kind": "Project", ⟦"updateMode"⟧: "put", "spec": {"name": "demo"}}"#),
        &[(
            "schema/unknown-property",
            Warning,
            "unknown property `updateMode` in a `Project` node",
        )],
    );
}

#[test]
fn typed_trigger_key_in_a_legacy_trigger() {
    check(
        DocumentKind::ReleaseFlow,
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential"}},
            "triggers": [{"ref": "git", "vcsService": "github", "repoUrl": "https://github.com/acme/app", ⟦"branchNamePatterns"⟧: ["main"]}]}"#,
        &[(
            "schema/unknown-property",
            Warning,
            "unknown property `branchNamePatterns`: this key belongs to the typed triggers of workflows and preview blueprints; release-flow and preview-template triggers use `branchRestrictions`, `prRestrictions`, `pathIgnoreRules` and `ciIgnoreFlags`",
        )],
    );
}

// ----- sub-kinds -----

#[test]
fn action_sub_kind_and_type() {
    check(
        DocumentKind::Template,
        &template(
            r#"{"kind": "Action", "spec": {"kind": ⟦"Servic"⟧}},
               {"kind": "Action", "spec": {"kind": "Service", "spec": {"type": ⟦"restrat"⟧}}},
               {"kind": "Action", "spec": {"kind": "Service", "spec": {"type": "restart", "data": {"serviceId": "api", ⟦"force"⟧: true}}}}"#,
        ),
        &[
            (
                "schema/enum",
                Error,
                "`Servic` is not an action kind: did you mean `Service`? (expected `Addon`, `AddonBackup`, `Job`, `Service` or `VCS`)",
            ),
            (
                "schema/enum",
                Error,
                "`restrat` is not a service type: did you mean `restart`? (expected `restart` or `execute`)",
            ),
            (
                "schema/unknown-property",
                Warning,
                "unknown property `force`",
            ),
        ],
    );
}

#[test]
fn condition_and_message_sub_kinds() {
    check(
        DocumentKind::Template,
        &template(
            r#"{"kind": "Condition", "spec": {"kind": ⟦"Servce"⟧}},
               {"kind": "Message", "spec": {"kind": ⟦"SLAK"⟧}}"#,
        ),
        &[
            (
                "schema/enum",
                Error,
                "`Servce` is not a condition kind: did you mean `Service`? (expected `Addon`, `AddonBackup`, `AddonImport`, `Build`, `BYOCCluster`, `JobRun`, `Service` or `VCS`)",
            ),
            (
                "schema/enum",
                Error,
                "`SLAK` is not a message kind: did you mean `SLACK`? (expected `VCS`, `SLACK` or `RAW_WEBHOOK`)",
            ),
        ],
    );
}

#[test]
fn too_deep_documents_are_not_validated() {
    let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let problems = validate(DocumentKind::Template, &text);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].code, "schema/too-deep");
    assert_eq!(problems[0].range, TextRange::new(0, 1));
    assert_eq!(problems[0].level, Level::Information);
}

// ----- queries -----

fn path(pointer: &str) -> Vec<PathSegment> {
    pointer
        .split('/')
        .skip(1)
        .map(|token| {
            token
                .parse::<usize>()
                .map_or_else(|_| PathSegment::Key(token.to_owned()), PathSegment::Index)
        })
        .collect()
}

fn query(kind: DocumentKind, text: &str, pointer: &str) -> crate::SchemaInfo {
    let parse = nfls_syntax::parse(text);
    SchemaSet::embedded()
        .schema_at(kind, &parse.tree, &path(pointer))
        .unwrap_or_else(|| panic!("no schema at {pointer}"))
}

#[test]
fn query_dispatches_on_the_node_kind() {
    let text = template(
        r#"{"kind": "Workflow", "spec": {"type": "parallel"}}, {"kind": "Addon", "spec": {}}"#,
    );
    let info = query(
        DocumentKind::Template,
        &text,
        "/spec/spec/steps/0/spec/type",
    );
    assert_eq!(info.types, vec![JsonType::String]);
    assert_eq!(
        info.enum_values,
        vec![json!("sequential"), json!("parallel")]
    );
    assert!(
        info.description
            .unwrap()
            .starts_with("`sequential` runs steps in order")
    );
    let addon = query(DocumentKind::Template, &text, "/spec/spec/steps/1/spec");
    assert!(
        addon
            .properties
            .iter()
            .any(|property| property.name == "pitrEnabled")
    );
    assert!(!addon.additional_properties);
    let node = query(DocumentKind::Template, &text, "/spec/spec/steps/1");
    assert_eq!(node.required, vec!["kind", "spec"]);
    assert!(node.docs.is_some());
    let discriminator = node.discriminator.unwrap();
    assert_eq!(discriminator.property, "kind");
    assert_eq!(
        discriminator.node,
        Some(crate::NodePosition {
            document: Some(DocumentKind::Template),
            teardown: false
        })
    );
    assert!(
        discriminator
            .choices
            .iter()
            .any(|choice| choice.value == "Addon")
    );
    assert!(
        !discriminator
            .choices
            .iter()
            .any(|choice| choice.value == "Release")
    );
}

#[test]
fn query_follows_expression_alternatives_and_missing_paths() {
    let text = template(r#"{"kind": "Project", "spec": {"name": "demo"}}"#);
    let color = query(
        DocumentKind::Template,
        &text,
        "/spec/spec/steps/0/spec/color",
    );
    assert!(color.accepts_expression);
    assert_eq!(color.types, vec![JsonType::String]);
    // A path the document does not have yet still resolves by keys.
    let steps = query(DocumentKind::Template, &text, "/spec/spec/steps/7");
    assert_eq!(
        steps.discriminator.unwrap().node.unwrap().document,
        Some(DocumentKind::Template)
    );
    assert!(
        SchemaSet::embedded()
            .schema_at(
                DocumentKind::Template,
                &nfls_syntax::parse(&text).tree,
                &path("/nope")
            )
            .is_none()
    );
}

#[test]
fn query_teardown_and_nested_positions() {
    let text = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "parallel", "steps": [
        {"kind": "Pipeline", "spec": {"stages": [{"name": "Staging", "releaseFlow": {"kind": "ReleaseFlow", "spec": {"spec": {"kind": "Workflow", "spec": {"steps": []}}}}}]}}]}},
        "teardownSpec": {"spec": {"kind": "Workflow", "spec": {"steps": []}}}}"#;
    let teardown = query(
        DocumentKind::Template,
        text,
        "/teardownSpec/spec/spec/steps/0",
    );
    assert_eq!(
        teardown.discriminator.as_ref().unwrap().node,
        Some(crate::NodePosition {
            document: None,
            teardown: true
        })
    );
    let nested = query(
        DocumentKind::Template,
        text,
        "/spec/spec/steps/0/spec/stages/0/releaseFlow/spec/spec/spec/steps/0",
    );
    let discriminator = nested.discriminator.unwrap();
    assert_eq!(
        discriminator.node,
        Some(crate::NodePosition {
            document: Some(DocumentKind::ReleaseFlow),
            teardown: false
        })
    );
    assert!(
        discriminator
            .choices
            .iter()
            .any(|choice| choice.value == "Release")
    );
    let steps = query(DocumentKind::Template, text, "/spec/spec/steps");
    assert_eq!(
        steps.items_are_nodes,
        Some(crate::NodePosition {
            document: Some(DocumentKind::Template),
            teardown: false
        })
    );
}

/// The dispatcher's kind list at every node position equals what `x-nfls-node-kinds` says
/// about that position (completion reads the latter for summaries).
#[test]
fn node_kind_annotations_agree_with_dispatchers() {
    let schemas = SchemaSet::embedded();
    for kind in DocumentKind::ALL {
        let parse = nfls_syntax::parse("{}");
        for pointer in ["/spec", "/teardownSpec/spec"] {
            // Preview-environment templates have no teardown spec.
            let Some(info) = schemas.schema_at(kind, &parse.tree, &path(pointer)) else {
                assert_eq!(
                    (kind, pointer),
                    (DocumentKind::PreviewTemplate, "/teardownSpec/spec")
                );
                continue;
            };
            let discriminator = info.discriminator.unwrap();
            let position = discriminator.node.unwrap();
            let mut from_dispatcher: Vec<&str> = discriminator
                .choices
                .iter()
                .map(|choice| choice.value.as_str())
                .collect();
            from_dispatcher.sort();
            let from_annotation: Vec<&str> = schemas
                .node_kinds_at(position)
                .into_iter()
                .map(|(name, _)| name)
                .collect();
            assert_eq!(from_dispatcher, from_annotation, "{kind} {pointer}");
            assert!(
                discriminator
                    .choices
                    .iter()
                    .all(|choice| choice.summary.is_some() && choice.docs.is_some()),
                "{kind} {pointer}"
            );
        }
    }
}

#[test]
fn sub_kind_choices_and_schema_of() {
    let text =
        template(r#"{"kind": "Action", "spec": {"kind": "Service", "spec": {"type": "execute"}}}"#);
    let action = query(DocumentKind::Template, &text, "/spec/spec/steps/0/spec");
    let discriminator = action.discriminator.unwrap();
    assert_eq!(discriminator.node, None);
    let service = discriminator
        .choices
        .iter()
        .find(|choice| choice.value == "Service")
        .unwrap();
    assert_eq!(
        service.summary.as_deref(),
        Some("Restart a service or run a command in it.")
    );
    let inner = SchemaSet::embedded()
        .schema_of(&service.target, &["spec"])
        .unwrap();
    assert_eq!(inner.required, vec!["type"]);
    let execute = query(
        DocumentKind::Template,
        &text,
        "/spec/spec/steps/0/spec/spec",
    );
    assert_eq!(execute.discriminator.unwrap().property, "type");
}

// ---------------------------------------------------------------------------------------------
// Node-wise validation

#[test]
fn units_nest_where_the_schemas_dispatch() {
    let plan = SchemaSet::embedded().plan().expect("the plan builds");
    let slots = plan.describe_slots();
    for expected in [
        "template.schema.json: spec -> template.schema.json#/$defs/node",
        "template.schema.json: teardownSpec/spec -> nodes.schema.json#/$defs/teardownNode",
        "template.schema.json#/$defs/node@Workflow: spec/steps/[] -> template.schema.json#/$defs/node",
        "template.schema.json#/$defs/node@LoopWorkflow: spec/steps/[] -> template.schema.json#/$defs/node",
        "template.schema.json#/$defs/node@Pipeline: spec/stages/[]/releaseFlow/spec/spec -> release-flow.schema.json#/$defs/node",
        "template.schema.json#/$defs/node@Pipeline: spec/preview/spec/spec -> preview-template.schema.json#/$defs/node",
        "template.schema.json#/$defs/node@PreviewBlueprint: spec/triggers/[] -> nodes.schema.json#/$defs/typedTrigger",
        "release-flow.schema.json: spec -> release-flow.schema.json#/$defs/node",
        "release-flow.schema.json: richInputs/[] -> nodes.schema.json#/$defs/richInput",
        "nodes.schema.json#/$defs/teardownNode@Workflow: spec/steps/[] -> nodes.schema.json#/$defs/teardownNode",
        "workflow.schema.json: triggers/[] -> nodes.schema.json#/$defs/typedTrigger",
    ] {
        assert!(
            slots.iter().any(|slot| slot == expected),
            "missing slot `{expected}` in:\n{}",
            slots.join("\n")
        );
    }
    // Only flow-control nodes, nested documents and the document roots hold units.
    for slot in &slots {
        let owner = slot.split(':').next().unwrap_or_default();
        assert!(
            !owner.contains('@')
                || [
                    "@Workflow",
                    "@LoopWorkflow",
                    "@Pipeline",
                    "@PreviewBlueprint",
                    "@WorkflowTemplate"
                ]
                .iter()
                .any(|kind| owner.ends_with(kind)),
            "unexpected slot owner in `{slot}`"
        );
    }
}

/// The binary embeds the committed schema files without their indentation (`build.rs`):
/// the same content, key order included, and every committed file is embedded.
#[test]
fn the_embedded_schemas_are_the_committed_files() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    let mut committed: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".schema.json"))
        .collect();
    committed.sort();
    let mut embedded: Vec<String> = crate::EMBEDDED
        .iter()
        .map(|(file, _)| (*file).to_owned())
        .collect();
    embedded.sort();
    assert_eq!(embedded, committed);
    for (file, text) in crate::EMBEDDED {
        let on_disk = std::fs::read_to_string(folder.join(file)).unwrap();
        assert!(
            !text.contains('\n') && text.len() < on_disk.len(),
            "{file} is embedded with its indentation"
        );
        let on_disk: serde_json::Value = serde_json::from_str(&on_disk).unwrap();
        let embedded: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(embedded, on_disk, "{file}");
        assert_eq!(
            serde_json::to_string(&embedded).unwrap(),
            serde_json::to_string(&on_disk).unwrap(),
            "{file}: key order"
        );
    }
}

/// One copy of the schemas serves validation and the features: laid out for validation,
/// each document still holds exactly what its file says, and a dispatcher reads as its
/// content where the features look it up.
#[test]
fn the_validation_layout_keeps_every_schema_fact() {
    let set = SchemaSet::embedded();
    for (file, text) in crate::EMBEDDED {
        let written: serde_json::Value = serde_json::from_str(text).unwrap();
        let id = &set.ids[*file];
        assert_eq!(
            crate::nodewise::original_form(&set.documents[id], &set.layout),
            written,
            "{file}"
        );
    }
    let template = set.document(DocumentKind::Template).unwrap();
    assert_eq!(template.pointer("/$defs/node"), Some(&json!(true)));
    let dispatcher = crate::lookup(template, "/$defs/node").unwrap();
    let entries = dispatcher["allOf"].as_array().unwrap();
    assert!(entries.len() > 40, "{} kinds", entries.len());
    assert!(entries.iter().all(|entry| entry.get("if").is_some()));
    assert_eq!(
        template.pointer("/$defs/node@Addon"),
        Some(
            &json!({"allOf": [{"$ref": "#/$defs/node@"}, {"$ref": "nodes.schema.json#/$defs/node.Addon"}]})
        )
    );
    // Plain definitions and other `true` schemas read as they are.
    assert_eq!(crate::lookup(template, ""), Some(template));
    assert!(crate::lookup(template, "/$defs/nothing").is_none());
}

/// A `$ref` into a dispatcher's inside (`#/$defs/node/…`) would read the `true` that stands
/// there for validation: the schemas must not have one.
#[test]
fn no_reference_points_inside_a_dispatcher() {
    let set = SchemaSet::embedded();
    let insides: Vec<String> = set
        .layout
        .iter()
        .map(|dispatcher| format!("/$defs/{}/", dispatcher.name))
        .collect();
    let mut stack: Vec<&serde_json::Value> = set.documents.values().map(|d| &**d).collect();
    let mut references = 0;
    while let Some(value) = stack.pop() {
        match value {
            serde_json::Value::Object(object) => {
                if let Some(reference) = object.get("$ref").and_then(serde_json::Value::as_str) {
                    references += 1;
                    let pointer = reference.split_once('#').map_or("", |(_, pointer)| pointer);
                    assert!(
                        !insides
                            .iter()
                            .any(|inside| pointer.starts_with(inside.as_str())),
                        "{reference}"
                    );
                }
                stack.extend(object.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    assert!(references > 1000, "only {references} references");
}

#[test]
fn every_unit_compiles() {
    let plan = SchemaSet::embedded().plan().expect("the plan builds");
    assert!(plan.unit_count() > 100, "{} units", plan.unit_count());
    assert_eq!(plan.compile_everything(), Vec::<(String, String)>::new());
}

/// Documents with problems at every level: the document's own fields, root nodes, nodes nested
/// in workflows, teardown, a release flow inside a `Pipeline`, triggers, and values at node
/// positions that are not nodes.
const MIXED_DOCUMENTS: &[(DocumentKind, &str)] = &[
    (
        DocumentKind::Template,
        r#"{"apiVersion": "v1.2", "name": "t", "colour": 1, "spec": {"kind": "Workflow", "spec": {"type": "serial", "steps": [
            {"kind": "Project", "ref": 3, "spec": {"name": "p", "regoin": "europe-west"}},
            {"kind": "Workflow", "spec": {"type": "parallel", "steps": [
                {"kind": "DeploymentSevice", "spec": {}},
                {"kind": "Release", "spec": {}},
                "not a node", 7, null,
                {"spec": {}}
            ]}},
            {"kind": "Pipeline", "spec": {"name": "pl", "stages": [{"name": "Development", "releaseFlow": {"spec": {"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [{"kind": "Project", "spec": {}}, {"kind": "Release", "spec": {"origin": {}}}]}}}}}]}}
        ]}}, "teardownSpec": {"spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [{"kind": "Project", "spec": {}}, {"kind": "Approval", "spec": {"bogus": true}}]}}}}"#,
    ),
    (
        DocumentKind::ReleaseFlow,
        r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [{"kind": "Release", "spec": {"origin": {"kind": "Build"}, "target": 4}}, {"kind": "Action", "spec": {"kind": "Service", "spec": {"type": "restrat"}}}]}}, "triggers": [{"ref": "t", "branchNamePatterns": ["main"]}, 5]}"#,
    ),
    (
        DocumentKind::Workflow,
        r#"{"apiVersion": "v1.2", "name": "w", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": []}}, "triggers": [{"kind": "vcs-push", "spec": {"branchRestrictions": []}}, {"kind": "cron"}], "richInputs": [{"kind": "nope"}]}"#,
    ),
    (
        DocumentKind::PreviewTemplate,
        r#"{"apiVersion": 1, "spec": ["x"]}"#,
    ),
    (DocumentKind::Template, r#"["not", "an", "object"]"#),
];

#[test]
fn node_wise_validation_agrees_with_whole_document_validation() {
    let schemas = SchemaSet::embedded();
    for (kind, text) in MIXED_DOCUMENTS {
        let parse = nfls_syntax::parse(text);
        let whole = schemas.validate_whole_document(&parse.tree, *kind);
        let node_wise = schemas.validate(&parse.tree, *kind);
        assert!(
            !whole.is_empty(),
            "the fixture should have problems: {text}"
        );
        assert_eq!(node_wise, whole, "{kind:?} document:\n{text}");
    }
}

#[test]
// Saying why the test did nothing is its output when `../shared` is absent.
#[allow(clippy::print_stderr)]
fn node_wise_validation_agrees_on_the_corpus() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !root.is_dir() {
        eprintln!(
            "skipped: {} is absent (it exists on the project's machines, not in a clone)",
            root.display()
        );
        return;
    }
    let schemas = SchemaSet::embedded();
    let mut compared = 0;
    let mut folders = vec![root];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)
            .expect("the corpus is readable")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            if path.extension().is_none_or(|extension| extension != "json") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let parse = nfls_syntax::parse(&text);
            let Some(classification) =
                crate::classify(&parse.tree, None, &crate::Associations::defaults())
            else {
                continue;
            };
            let whole = schemas.validate_whole_document(&parse.tree, classification.kind);
            let node_wise = schemas.validate(&parse.tree, classification.kind);
            assert_eq!(node_wise, whole, "{}", path.display());
            compared += 1;
        }
    }
    assert!(compared > 50, "only {compared} corpus documents compared");
}

#[test]
fn an_edit_revalidates_only_the_unit_it_touches() {
    let schemas = SchemaSet::embedded();
    let cache = crate::ValidationCache::new();
    let steps: Vec<String> = (0..20)
        .map(|i| format!(r#"{{"kind": "Project", "ref": "p{i}", "spec": {{"name": "project-{i}", "region": "europe-west"}}}}"#))
        .collect();
    let document = |steps: &[String], kind: &str| {
        format!(
            r#"{{"apiVersion": "v1.2", "name": "bench", "spec": {{"kind": "Workflow", "spec": {{"type": "{kind}", "steps": [{}]}}}}}}"#,
            steps.join(", ")
        )
    };
    let first = nfls_syntax::parse(&document(&steps, "sequential"));
    assert_eq!(
        schemas.validate_with(&first.tree, DocumentKind::Template, &cache),
        vec![]
    );
    // The document, the root workflow and 20 projects.
    assert_eq!(cache.validated_units(), 22);
    assert_eq!(cache.len(), 22);

    // One project gets a wrong region: only it is validated again, and the problem is exact.
    let mut edited = steps.clone();
    edited[7] = r#"{"kind": "Project", "ref": "p7", "spec": {"name": "project-7", "region": 5}}"#
        .to_owned();
    let text = document(&edited, "sequential");
    let second = nfls_syntax::parse(&text);
    let problems = schemas.validate_with(&second.tree, DocumentKind::Template, &cache);
    assert_eq!(cache.validated_units(), 23);
    let at = text.find(r#""region": 5"#).expect("the edit is there") as u32 + 10;
    assert_eq!(
        problems
            .iter()
            .map(|problem| (problem.range, problem.code))
            .collect::<Vec<_>>(),
        vec![(TextRange::new(at, at + 1), "schema/type")]
    );
    assert_eq!(
        problems,
        schemas.validate(&second.tree, DocumentKind::Template)
    );

    // The workflow's own field changes: the workflow alone (its steps are left out of it).
    let third = nfls_syntax::parse(&document(&edited, "parallel"));
    let again = schemas.validate_with(&third.tree, DocumentKind::Template, &cache);
    assert_eq!(cache.validated_units(), 24);
    assert_eq!(again.len(), 1);

    // Moving a node (same text, other place) needs no validation: results follow the text.
    let mut moved = edited.clone();
    moved.swap(0, 7);
    let fourth = nfls_syntax::parse(&document(&moved, "parallel"));
    let moved_problems = schemas.validate_with(&fourth.tree, DocumentKind::Template, &cache);
    assert_eq!(cache.validated_units(), 24);
    assert_eq!(
        moved_problems,
        schemas.validate(&fourth.tree, DocumentKind::Template)
    );
    assert_eq!(cache.len(), 22);
}

#[test]
fn warming_up_compiles_the_top_level_and_the_named_kinds_only() {
    let set = SchemaSet::from_files(crate::EMBEDDED.iter().map(|(name, text)| {
        (
            (*name).to_owned(),
            serde_json::from_str(text).expect("embedded schemas are JSON"),
        )
    }));
    set.warm_up_kinds(
        DocumentKind::Template,
        &["Project", "Workflow", "NoSuchKind"],
    );
    let plan = set.plan().expect("the plan builds");
    assert_eq!(
        plan.compiled_units(),
        vec![
            "nodes.schema.json#/$defs/teardownNode@",
            "nodes.schema.json#/$defs/teardownNode@Workflow",
            "template.schema.json",
            "template.schema.json#/$defs/node@",
            "template.schema.json#/$defs/node@Project",
            "template.schema.json#/$defs/node@Workflow",
        ]
    );
    // A document then compiles what it uses beyond them, and nothing else.
    let parse = nfls_syntax::parse(
        r#"{"apiVersion": "v1.2", "name": "warm", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [{"kind": "Volume", "spec": {}}]}}}"#,
    );
    set.validate(&parse.tree, DocumentKind::Template);
    assert_eq!(plan.compiled_units().len(), 7);
    assert!(
        plan.compiled_units()
            .contains(&"template.schema.json#/$defs/node@Volume".to_owned())
    );
}
