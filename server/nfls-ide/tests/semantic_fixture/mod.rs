//! Fixtures for the semantic, expression and navigation tests.
//!
//! Marker convention, in the fixture source:
//! - `$0` marks the cursor (at most one);
//! - `⟦` and `⟧` mark an expected range (any number, not nested), in order of appearance.
//!
//! The markers are removed; offsets are byte offsets into the text without them. `$0` never
//! appears in real documents (a `$` followed by `0` is not an interpolation).
#![allow(dead_code)]

use nfls_ide::types::TextEdit;
use nfls_ide::{Analysis, AnalysisConfig, Diagnostic, Severity, analyze};
use nfls_syntax::TextRange;

pub struct Fixture {
    pub text: String,
    pub cursor: u32,
    pub ranges: Vec<TextRange>,
}

/// Strips the markers from `source`.
pub fn fixture(source: &str) -> Fixture {
    let mut text = String::with_capacity(source.len());
    let mut cursor = None;
    let mut ranges = Vec::new();
    let mut open = None;
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("$0") {
            assert!(cursor.is_none(), "two cursors in the fixture");
            cursor = Some(text.len() as u32);
            rest = &rest[2..];
            continue;
        }
        match c {
            '⟦' => {
                assert!(open.is_none(), "nested ⟦ in the fixture");
                open = Some(text.len() as u32);
            }
            '⟧' => {
                let start = open.take().expect("⟧ without ⟦");
                ranges.push(TextRange::new(start, text.len() as u32));
            }
            c => text.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    assert!(open.is_none(), "⟦ without ⟧");
    Fixture {
        text,
        cursor: cursor.unwrap_or(u32::MAX),
        ranges,
    }
}

pub fn analysis(text: &str) -> Analysis {
    let analysis = analyze(text, None, &AnalysisConfig::default());
    assert!(
        analysis.classification.is_some(),
        "the fixture is not classified as a Northflank document:\n{text}"
    );
    analysis
}

/// The diagnostics of this feature (`ref/`, `arg/`, `expr/`, `secret/`), in position order.
pub fn semantic(analysis: &Analysis) -> Vec<&Diagnostic> {
    analysis
        .diagnostics
        .iter()
        .filter(|d| {
            ["ref/", "arg/", "expr/", "secret/"]
                .iter()
                .any(|p| d.code.starts_with(p))
        })
        .collect()
}

/// (range, severity, code, message) of the semantic diagnostics, for exact comparisons.
pub fn summary(analysis: &Analysis) -> Vec<(TextRange, Severity, String, String)> {
    semantic(analysis)
        .into_iter()
        .map(|d| (d.range, d.severity, d.code.to_string(), d.message.clone()))
        .collect()
}

/// Applies non-overlapping edits.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut edits: Vec<&TextEdit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    for pair in edits.windows(2) {
        assert!(
            pair[0].range.end <= pair[1].range.start,
            "overlapping edits: {edits:?}"
        );
    }
    let mut out = text.to_owned();
    for edit in edits.iter().rev() {
        out.replace_range(
            edit.range.start as usize..edit.range.end as usize,
            &edit.new_text,
        );
    }
    out
}

pub fn slice(text: &str, range: TextRange) -> &str {
    &text[range.start as usize..range.end as usize]
}

/// Asserts that `text` is strict JSON.
pub fn assert_json(text: &str) {
    if let Err(err) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("not valid JSON ({err}):\n{text}");
    }
}

/// A template whose root workflow holds `steps` (JSON text of the step array's content).
pub fn template(steps: &str) -> String {
    format!(
        r#"{{
  "apiVersion": "v1.2",
  "name": "fixture",
  "arguments": {{ "region": "europe-west", "count": 3 }},
  "spec": {{
    "kind": "Workflow",
    "spec": {{
      "type": "sequential",
      "steps": [{steps}]
    }}
  }}
}}"#
    )
}
