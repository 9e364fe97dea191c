//! Tests for document classification.

use super::*;

fn kind_of(path: Option<&str>, text: &str) -> Option<Classification> {
    let parse = nfls_syntax::parse(text);
    classify(&parse.tree, path, &Associations::defaults())
}

#[test]
fn schema_urls_documented_and_aliases() {
    let cases = [
        (
            "https://api.northflank.com/v1/schemas/template",
            Some(DocumentKind::Template),
        ),
        (
            "https://api.northflank.com/v1/schemas/release-flow",
            Some(DocumentKind::ReleaseFlow),
        ),
        (
            "https://api.northflank.com/v1/schemas/preview-env",
            Some(DocumentKind::PreviewTemplate),
        ),
        (
            "https://api.salvo.sh/v1/schemas/release-flow",
            Some(DocumentKind::ReleaseFlow),
        ),
        (
            "https://northflank.com/schemas/v1/template",
            Some(DocumentKind::Template),
        ),
        (
            "https://api.northflank.com/v1/schemas/template-schema.json",
            Some(DocumentKind::Template),
        ),
        (
            "http://api.northflank.com/v1/schemas/template/",
            Some(DocumentKind::Template),
        ),
        ("https://northflank.com/schemas/v1/project.json", None),
        ("https://json.schemastore.org/package", None),
        ("https://example.com/v1/schemas/template", None),
        ("not a url", None),
    ];
    for (url, expected) in cases {
        assert_eq!(kind_from_schema_url(url), expected, "{url}");
    }
}

#[test]
fn package_json_and_tsconfig_are_not_ours() {
    assert_eq!(
        kind_of(
            Some("/w/package.json"),
            r#"{"name": "x", "version": "1.0.0", "scripts": {}}"#
        ),
        None
    );
    assert_eq!(
        kind_of(
            Some("/w/tsconfig.json"),
            r#"{"compilerOptions": {"strict": true}}"#
        ),
        None
    );
    // A Kubernetes-style manifest has `kind` at the top, not a node in `spec`.
    assert_eq!(
        kind_of(
            Some("/w/deploy.json"),
            r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": []}}"#
        ),
        None
    );
    assert_eq!(kind_of(None, ""), None);
}

#[test]
fn content_decides_the_kind() {
    let template = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": []}}}"#;
    let found = kind_of(Some("/w/infra.json"), template).unwrap();
    assert_eq!(found.kind, DocumentKind::Template);
    assert_eq!(
        found.evidence,
        Evidence::Content {
            reason: "a root `spec` node"
        }
    );

    let release = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "Release", "spec": {"type": "build"}}]}}}"#;
    assert_eq!(
        kind_of(None, release).unwrap().kind,
        DocumentKind::ReleaseFlow
    );

    let triggers = r#"{"apiVersion": "v1.2", "triggers": [], "spec": {"kind": "Workflow", "spec": {"type": "parallel", "steps": []}}}"#;
    assert_eq!(
        kind_of(None, triggers).unwrap().kind,
        DocumentKind::ReleaseFlow
    );

    let preview = r#"{"apiVersion": "v1.2", "triggers": [{"repoUrl": "x"}], "spec": {"kind": "Workflow", "spec": {"type": "parallel",
        "steps": [{"kind": "BuildSource", "spec": {"type": "service"}}]}}}"#;
    assert_eq!(
        kind_of(None, preview).unwrap().kind,
        DocumentKind::PreviewTemplate
    );

    let workflow = r#"{"apiVersion": "v1.2", "name": "deploy", "triggers": [{"kind": "vcs-push", "spec": {}}],
        "spec": {"kind": "Workflow", "spec": {"type": "parallel", "steps": []}}}"#;
    assert_eq!(
        kind_of(None, workflow).unwrap().kind,
        DocumentKind::Workflow
    );
}

#[test]
fn nested_pipeline_documents_do_not_decide_the_outer_kind() {
    let text = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "Pipeline", "spec": {"stages": [{"name": "Production", "releaseFlow": {"kind": "ReleaseFlow",
          "spec": {"spec": {"kind": "Workflow", "spec": {"steps": [{"kind": "Release", "spec": {}}]}}}}}]}}]}}}"#;
    assert_eq!(kind_of(None, text).unwrap().kind, DocumentKind::Template);
}

#[test]
fn only_workflow_steps_are_searched_for_nodes() {
    // Nested workflows (and loops) hold nodes at any depth.
    let nested = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "Workflow", "spec": {"type": "parallel", "steps": [
          {"kind": "LoopWorkflow", "spec": {"iterations": [1], "steps": [{"kind": "Release", "spec": {}}]}}]}}]}}}"#;
    assert_eq!(
        kind_of(None, nested).unwrap().kind,
        DocumentKind::ReleaseFlow
    );
    // Another node's spec holds no nodes: an object in it shaped like one is data.
    let data = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
        {"kind": "DeploymentService", "spec": {"name": "api", "runtimeEnvironment": {"kind": "Release", "spec": {}}}},
        {"kind": "Action", "spec": {"kind": "BuildSource", "spec": {}}}]}}}"#;
    assert_eq!(kind_of(None, data).unwrap().kind, DocumentKind::Template);
}

#[test]
fn content_overrides_a_template_schema_url() {
    let text = r#"{"$schema": "https://northflank.com/schemas/v1/template", "apiVersion": "v1.2",
        "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [{"kind": "BuildSource", "spec": {}}]}}}"#;
    let found = kind_of(None, text).unwrap();
    assert_eq!(found.kind, DocumentKind::PreviewTemplate);
    assert!(matches!(
        found.evidence,
        Evidence::ContentOverSchema {
            schema_kind: DocumentKind::Template,
            ..
        }
    ));
}

#[test]
fn a_specific_schema_url_wins_over_content() {
    let text = r#"{"$schema": "https://api.northflank.com/v1/schemas/release-flow", "spec": {"kind": "Workflow", "spec": {}}}"#;
    let found = kind_of(None, text).unwrap();
    assert_eq!(found.kind, DocumentKind::ReleaseFlow);
    assert!(matches!(found.evidence, Evidence::SchemaUrl { .. }));
}

#[test]
fn settings_associations() {
    let mut associations = Associations::defaults();
    associations
        .push(
            "deploy/*.json",
            Association::Kind(DocumentKind::ReleaseFlow),
        )
        .unwrap();
    associations
        .push("northflank/legacy/*.json", Association::None)
        .unwrap();
    let parse = nfls_syntax::parse("{}");
    let found = classify(&parse.tree, Some("/repo/deploy/prod.json"), &associations).unwrap();
    assert_eq!(found.kind, DocumentKind::ReleaseFlow);
    assert_eq!(
        found.evidence,
        Evidence::Setting {
            glob: "deploy/*.json".into()
        }
    );

    let template = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {}}}"#;
    let parse = nfls_syntax::parse(template);
    assert_eq!(
        classify(
            &parse.tree,
            Some("/repo/northflank/legacy/a.json"),
            &associations
        ),
        None
    );

    // An empty file with a conventional name is ours (a template until content says more).
    let parse = nfls_syntax::parse("");
    let found = classify(&parse.tree, Some("/repo/northflank.json"), &associations).unwrap();
    assert_eq!(found.kind, DocumentKind::Template);
    assert_eq!(
        found.evidence,
        Evidence::FileName {
            glob: "northflank.json".into()
        }
    );

    assert!(associations.push("[", Association::Auto).is_err());
}

#[test]
fn a_skeleton_with_an_empty_spec_is_ours() {
    let skeleton = r#"{"apiVersion": "v1.2", "name": "x", "arguments": {}, "spec": {}}"#;
    let found = kind_of(Some("/w/infra.json"), skeleton).unwrap();
    assert_eq!(found.kind, DocumentKind::Template);
    // Without a document key of ours, or with a manifest's keys, it is not.
    assert_eq!(
        kind_of(Some("/w/a.json"), r#"{"apiVersion": "v1.2", "spec": {}}"#),
        None
    );
    assert_eq!(
        kind_of(
            Some("/w/a.json"),
            r#"{"apiVersion": "v1", "kind": "Service", "metadata": {}, "name": "x", "spec": {}}"#
        ),
        None
    );
}

/// `check --file-kind` rules extend the repository file's: a later rule wins where both match,
/// the earlier rules still apply elsewhere.
#[test]
fn extended_associations_win_where_both_match() {
    let mut earlier = Associations::default();
    earlier
        .push(
            "deploy/*.json",
            Association::Kind(DocumentKind::ReleaseFlow),
        )
        .unwrap();
    earlier.push("infra.json", Association::None).unwrap();
    let mut later = Associations::default();
    later
        .push("deploy/app.json", Association::Kind(DocumentKind::Template))
        .unwrap();
    earlier.extend(later);
    assert_eq!(
        earlier.lookup("/repo/deploy/app.json"),
        Some(("deploy/app.json", Association::Kind(DocumentKind::Template)))
    );
    assert_eq!(
        earlier.lookup("/repo/deploy/db.json"),
        Some((
            "deploy/*.json",
            Association::Kind(DocumentKind::ReleaseFlow)
        ))
    );
    assert_eq!(
        earlier.lookup("/repo/infra.json"),
        Some(("infra.json", Association::None))
    );
    assert_eq!(earlier.lookup("/repo/other.json"), None);
}
