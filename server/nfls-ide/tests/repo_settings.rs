//! A repository settings file (`.northflank-lsp.json`) open in the editor gets its own checks:
//! syntax, the shape of `files` and `diagnostics.severity`, globs, kinds, levels and codes,
//! editor-only settings that the file cannot set, unknown keys.

mod semantic_fixture;

use nfls_ide::Severity::{Error, Warning};
use nfls_ide::{AnalysisConfig, Severity, SeverityRules, analyze};
use nfls_syntax::TextRange;
use semantic_fixture::fixture;

fn check(path: &str, text: &str) -> Vec<(TextRange, Severity, String, String)> {
    analyze(text, Some(path), &AnalysisConfig::default())
        .diagnostics
        .into_iter()
        .map(|d| (d.range, d.severity, d.code.to_string(), d.message))
        .collect()
}

#[test]
fn every_part_of_the_file_is_checked_at_its_range() {
    let f = fixture(
        r#"{
  "$schema": "./schema.json",
  "files": {"deploy/*.json": "template", ⟦"a[.json"⟧: "auto", "b.json": ⟦"pipeline"⟧, "c.json": ⟦3⟧},
  "diagnostics": {
    ⟦"mode"⟧: "push",
    "severity": {
      "schema/*": "error",
      "ref/undefined": ⟦"eror"⟧,
      ⟦"ref/undefind"⟧: "off",
      ⟦"syntax/comment"⟧: "off",
      ⟦"nothing/*"⟧: "off"
    },
    ⟦"severities"⟧: {}
  },
  ⟦"api"⟧: {"token": "x"},
  ⟦"file"⟧: {}
}"#,
    );
    let kinds = "`template`, `release-flow`, `preview-template`, `workflow`, `preview-blueprint`, `auto` or `none`";
    let levels = "expected `error`, `warning`, `information`, `hint` or `off`";
    let ignored = |what: &str| {
        format!(
            "{what} is an editor setting: .northflank-lsp.json does not set it (only `files` and `diagnostics.severity` are read from here)"
        )
    };
    let r = &f.ranges;
    let expected: Vec<(TextRange, Severity, String, String)> = vec![
        (r[0], Error, "settings/invalid".into(), "`a[.json` is not a valid glob: unclosed character class; missing ']'".into()),
        (r[1], Error, "settings/invalid".into(), format!("`pipeline` is not a document kind: expected {kinds}")),
        (r[2], Error, "settings/invalid".into(), format!("a document kind must be a string: {kinds}")),
        (r[3], Warning, "settings/ignored".into(), ignored("`diagnostics.mode`")),
        (r[4], Error, "settings/invalid".into(), format!("`eror` is not a severity: {levels} (did you mean `error`?)")),
        (r[5], Error, "settings/invalid".into(), "`ref/undefind` is not a diagnostic code — did you mean `ref/undefined`?".into()),
        (r[6], Error, "settings/invalid".into(), "`syntax/comment`: syntax errors cannot be changed (the platform cannot read a file that has one)".into()),
        (r[7], Error, "settings/invalid".into(), SeverityRules::default().set("nothing/*", "off").unwrap_err()),
        (r[8], Warning, "settings/unknown".into(), "unknown setting `severities`: did you mean `severity`?".into()),
        (r[9], Warning, "settings/ignored".into(), ignored("`api`")),
        (r[10], Warning, "settings/unknown".into(), "unknown setting `file`: did you mean `files`?".into()),
    ];
    assert_eq!(check("/repo/.northflank-lsp.json", &f.text), expected);
}

#[test]
fn syntax_errors_and_a_top_level_that_is_not_an_object() {
    let f = fixture("{\"files\": {}⟦⟧ \"diagnostics\": {}}");
    let found = check("/repo/.northflank-lsp.json", &f.text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].0, found[0].1), (f.ranges[0], Error));
    assert!(found[0].2.starts_with("syntax/"), "{found:#?}");
    let f = fixture("⟦[\"files\"]⟧");
    assert_eq!(
        check("C:\\repo\\.northflank-lsp.json", &f.text),
        vec![(
            f.ranges[0],
            Error,
            "settings/invalid".to_owned(),
            ".northflank-lsp.json must hold a JSON object".to_owned()
        )]
    );
}

/// The same text under another name is not a settings file (nor a Northflank document): no
/// diagnostics. A valid settings file has none either.
#[test]
fn only_the_settings_file_is_checked_and_a_valid_one_is_silent() {
    let text = r#"{"files": {"deploy/**/*.json": "template"}, "diagnostics": {"severity": {"arg/not-in-arguments": "off", "schema/*": "error"}}}"#;
    assert_eq!(check("/repo/.northflank-lsp.json", text), vec![]);
    assert_eq!(
        check("/repo/settings.json", "{\"api\": 1, \"file\": 2}"),
        vec![]
    );
    assert_eq!(check("/repo/northflank-lsp.json", "{\"api\": 1}"), vec![]);
}

/// Hover on the file's keys says what they do; on a code or a family of
/// `diagnostics.severity`, what its diagnostics report (from the code registry).
#[test]
fn hover_explains_keys_codes_and_families() {
    let f = fixture(
        r#"{⟦"files"⟧: {"a.json": "auto"}, "diagnostics": {⟦"severity"⟧: {⟦"ref/undefined"⟧: "off", ⟦"secret/*"⟧: "error", "nothing/x": ⟦"off"⟧}}}"#,
    );
    let analysis = analyze(
        &f.text,
        Some("/repo/.northflank-lsp.json"),
        &AnalysisConfig::default(),
    );
    let hover = |at: usize| {
        let range = f.ranges[at];
        nfls_ide::hover(&analysis, range.start + 1).map(|hover| (hover.range, hover.markdown))
    };
    let (range, files) = hover(0).unwrap();
    assert_eq!(range, f.ranges[0]);
    assert!(
        files.starts_with("**`files`** · glob → document kind\n\n"),
        "{files}"
    );
    let (range, severity) = hover(1).unwrap();
    assert_eq!(range, f.ranges[1]);
    assert!(
        severity.starts_with("**`severity`** · code or family → level"),
        "{severity}"
    );
    assert_eq!(
        hover(2),
        Some((
            f.ranges[2],
            "**`ref/undefined`** · diagnostic code\n\na `${refs.…}` to a `ref` no node has."
                .to_owned()
        ))
    );
    assert_eq!(
        hover(3),
        Some((
            f.ranges[3],
            "**`secret/*`** · every `secret/…` diagnostic\n\n- `secret/argument-overrides`: `argumentOverrides` committed to the file: the platform keeps them out of Git"
                .to_owned()
        ))
    );
    // A value, an unknown code: nothing to say.
    assert_eq!(hover(4), None);
    let unknown = f.text.find("nothing/x").unwrap() as u32 + 2;
    assert!(nfls_ide::hover(&analysis, unknown).is_none());
}

/// The settings may also stand in a `northflank` object, the form of an editor's settings
/// (the server reads both): checked and explained the same way.
#[test]
fn settings_inside_a_northflank_object() {
    let f = fixture(
        r#"{"$schema": "x", "northflank": {⟦"files"⟧: {"a.json": ⟦"pipeline"⟧}, "diagnostics": {"severity": {⟦"ref/undefined"⟧: "off"}}}}"#,
    );
    let kinds = "`template`, `release-flow`, `preview-template`, `workflow`, `preview-blueprint`, `auto` or `none`";
    assert_eq!(
        check("/repo/.northflank-lsp.json", &f.text),
        vec![(
            f.ranges[1],
            Error,
            "settings/invalid".to_owned(),
            format!("`pipeline` is not a document kind: expected {kinds}")
        )]
    );
    let analysis = analyze(
        &f.text,
        Some("/repo/.northflank-lsp.json"),
        &AnalysisConfig::default(),
    );
    let files = nfls_ide::hover(&analysis, f.ranges[0].start + 1).unwrap();
    assert!(
        files.markdown.starts_with("**`files`**"),
        "{}",
        files.markdown
    );
    let code = nfls_ide::hover(&analysis, f.ranges[2].start + 1).unwrap();
    assert!(
        code.markdown.starts_with("**`ref/undefined`**"),
        "{}",
        code.markdown
    );
    let f = fixture(r#"{"northflank": ⟦[]⟧}"#);
    assert_eq!(
        check("/repo/.northflank-lsp.json", &f.text),
        vec![(
            f.ranges[0],
            Error,
            "settings/invalid".to_owned(),
            "`northflank` must be an object holding the settings".to_owned()
        )]
    );
}

/// Labels, the edit range and the inserted text of the completions at the fixture's cursor.
fn complete(source: &str) -> (Vec<String>, Vec<(TextRange, String)>, Vec<TextRange>) {
    let f = fixture(source);
    let analysis = analyze(
        &f.text,
        Some("/repo/.northflank-lsp.json"),
        &AnalysisConfig::default(),
    );
    let items = nfls_ide::completions(&analysis, f.cursor);
    let labels = items.iter().map(|item| item.label.clone()).collect();
    let edits = items
        .iter()
        .map(|item| (item.edit.range, item.edit.new_text.clone()))
        .collect();
    (labels, edits, f.ranges)
}

#[test]
fn completion_offers_keys_codes_levels_and_kinds() {
    // Top-level keys, the present one left out; a key without its colon gets one and a value.
    let (labels, edits, ranges) = complete(r#"{"files": {}, ⟦"d$0⟧}"#);
    assert_eq!(labels, ["diagnostics"]);
    assert_eq!(edits, [(ranges[0], "\"diagnostics\": {$1}".to_owned())]);
    // Codes and families in `diagnostics.severity`, families first, with what they report.
    let (labels, edits, ranges) =
        complete(r#"{"diagnostics": {"severity": {⟦"ref/u$0"⟧: "off"}}}"#);
    assert_eq!(labels[0], "schema/*");
    assert!(labels.contains(&"ref/undefined".to_owned()), "{labels:?}");
    assert!(labels.contains(&"secret/argument-overrides".to_owned()));
    assert_eq!(labels.len(), nfls_ide::CODES.len() + 6, "{labels:?}");
    let undefined = labels
        .iter()
        .position(|label| label == "ref/undefined")
        .unwrap();
    assert_eq!(
        edits[undefined],
        (ranges[0], "\"ref/undefined\"".to_owned())
    );
    // Levels in a severity value being typed, and after a colon.
    let (labels, edits, ranges) =
        complete(r#"{"diagnostics": {"severity": {"schema/*": ⟦"w$0⟧}}}"#);
    assert_eq!(labels, ["error", "warning", "information", "hint", "off"]);
    assert_eq!(edits[1], (ranges[0], "\"warning\"".to_owned()));
    let (labels, edits, ranges) =
        complete("{\"diagnostics\": {\"severity\": {\"schema/*\": ⟦⟧$0}}}");
    assert_eq!(labels.len(), 5);
    assert_eq!(edits[0], (ranges[0], "\"error\"".to_owned()));
    // Document kinds in `files`.
    let (labels, edits, ranges) = complete(r#"{"files": {"deploy/*.json": ⟦"rel$0"⟧}}"#);
    assert_eq!(
        labels,
        [
            "template",
            "release-flow",
            "preview-template",
            "workflow",
            "preview-blueprint",
            "auto",
            "none"
        ]
    );
    assert_eq!(edits[1], (ranges[0], "\"release-flow\"".to_owned()));
    // Nothing in a glob (a key of `files`) or under an unknown key.
    assert!(complete(r#"{"files": {"dep$0": "template"}}"#).0.is_empty());
    assert!(complete(r#"{"other": {"x": "$0"}}"#).0.is_empty());
}
