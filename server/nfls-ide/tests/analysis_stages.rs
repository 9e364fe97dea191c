//! The two stages of an analysis: a parse that already knows the syntax errors, and the
//! complete analysis that adds the schema and semantic checks to exactly those.

use std::sync::Arc;

use nfls_ide::{AnalysisConfig, ValidationCache, analyze, parse_and_classify};

/// A template with a missing comma (syntax), an unknown property (schema) and an undefined
/// ref (semantic).
const TEMPLATE: &str = r#"{
  "apiVersion": "v1.2",
  "name": "demo",
  "spec": {
    "kind": "Workflow",
    "spec": {
      "type": "sequential",
      "steps": [
        { "kind": "Project", "ref": "p", "spec": { "name": "demo", "region": "europe-west", "colour": "red" } }
        { "kind": "Addon", "spec": { "name": "db", "projectId": "${refs.nope.id}" } }
      ]
    }
  }
}
"#;

#[test]
fn the_parse_stage_reports_the_syntax_errors_of_the_complete_analysis() {
    let config = AnalysisConfig::default();
    let parsed = parse_and_classify(
        Arc::new(TEMPLATE.to_owned()),
        Some("template.json"),
        &config,
    );
    let early: Vec<(String, String, (u32, u32))> = parsed
        .syntax_diagnostics()
        .iter()
        .map(|d| {
            (
                d.code.to_string(),
                d.message.clone(),
                (d.range.start, d.range.end),
            )
        })
        .collect();
    let comma = TEMPLATE.find("}\n        {").unwrap() as u32 + 1;
    assert_eq!(
        early,
        vec![(
            "syntax/missing-comma".to_owned(),
            "expected `,` between elements".to_owned(),
            (comma, comma)
        )]
    );
    let complete = parsed.finish(&ValidationCache::new());
    let codes: Vec<&str> = complete.diagnostics.iter().map(|d| &*d.code).collect();
    assert!(codes.contains(&"schema/unknown-property"), "{codes:?}");
    assert!(codes.contains(&"ref/undefined"), "{codes:?}");
    let syntax: Vec<(String, String, (u32, u32))> = complete
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("syntax/"))
        .map(|d| {
            (
                d.code.to_string(),
                d.message.clone(),
                (d.range.start, d.range.end),
            )
        })
        .collect();
    assert_eq!(syntax, early);
    // The stages together are the one-call analysis.
    let whole = analyze(TEMPLATE, Some("template.json"), &config);
    assert_eq!(whole.diagnostics, complete.diagnostics);
}

#[test]
fn a_file_that_is_not_ours_has_no_early_diagnostics() {
    let config = AnalysisConfig::default();
    let parsed = parse_and_classify(
        Arc::new("{ \"name\": \"pkg\" \"version\": \"1.0.0\" }".to_owned()),
        Some("package.json"),
        &config,
    );
    assert!(parsed.classification.is_none());
    assert!(!parsed.parse.errors.is_empty());
    assert!(parsed.syntax_diagnostics().is_empty());
}
