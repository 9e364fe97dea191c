//! The user's severity rules (`northflank.diagnostics.severity`, `check --severity`): a code or
//! a family at another severity or off; syntax errors untouched; the code registry complete.

mod semantic_fixture;

use std::collections::BTreeSet;
use std::path::Path;

use nfls_ide::Severity::{Error, Hint, Information, Warning};
use nfls_ide::{AnalysisConfig, CODES, Severity, SeverityRules, analyze};
use nfls_syntax::TextRange;
use semantic_fixture::fixture;

/// A template with a missing comma (syntax), an unknown property (schema warning), an
/// argument `arguments` does not declare (information) and an undefined ref (error).
const TEMPLATE: &str = r#"{
  "apiVersion": "v1.2",
  "name": "shop"⟦⟧
  "arguments": {"region": "europe-west"},
  "spec": {
    "kind": "Workflow",
    "spec": {
      "type": "sequential",
      "steps": [
        {"kind": "Project", "ref": "project", "spec": {"name": "shop", "region": "${args.⟦zone⟧}", ⟦"colour"⟧: "blue"}},
        {"kind": "SecretGroup", "spec": {"name": "secrets", "secretType": "environment-arguments", "projectId": "${refs.⟦projekt⟧.id}"}}
      ]
    }
  }
}"#;

/// A diagnostic as the tests compare it: range, severity, code, message.
type Found = (TextRange, Severity, String, String);

fn run(rules: &[(&str, &str)]) -> (Vec<TextRange>, Vec<Found>) {
    let f = fixture(TEMPLATE);
    let mut severity = SeverityRules::default();
    for (pattern, level) in rules {
        severity.set(pattern, level).unwrap();
    }
    let config = AnalysisConfig {
        severity,
        ..AnalysisConfig::default()
    };
    let analysis = analyze(&f.text, Some("template.json"), &config);
    let found = analysis
        .diagnostics
        .iter()
        .map(|d| (d.range, d.severity, d.code.to_string(), d.message.clone()))
        .collect();
    (f.ranges, found)
}

fn expected(ranges: &[TextRange], severities: [Option<Severity>; 4]) -> Vec<Found> {
    let all = [
        (
            ranges[0],
            "syntax/missing-comma",
            "expected `,` between members",
        ),
        (
            ranges[1],
            "arg/not-in-arguments",
            "`zone` is not in `arguments`: it must come from argument overrides or the run",
        ),
        (
            ranges[2],
            "schema/unknown-property",
            "unknown property `colour` in a `Project` spec: did you mean `color`?",
        ),
        (
            ranges[3],
            "ref/undefined",
            "`projekt` is not defined: no node in this template has this ref; did you mean `project`?",
        ),
    ];
    all.into_iter()
        .zip(severities)
        .filter_map(|((range, code, message), severity)| {
            severity.map(|severity| (range, severity, code.to_owned(), message.to_owned()))
        })
        .collect()
}

#[test]
fn without_rules_each_diagnostic_has_its_own_severity() {
    let (ranges, found) = run(&[]);
    assert_eq!(
        found,
        expected(
            &ranges,
            [Some(Error), Some(Information), Some(Warning), Some(Error)]
        )
    );
}

#[test]
fn a_code_can_be_turned_off_or_given_another_severity() {
    let (ranges, found) = run(&[
        ("arg/not-in-arguments", "off"),
        ("schema/unknown-property", "error"),
        ("ref/undefined", "hint"),
    ]);
    assert_eq!(
        found,
        expected(&ranges, [Some(Error), None, Some(Error), Some(Hint)])
    );
}

#[test]
fn a_family_applies_to_its_codes_and_an_exact_code_wins() {
    let (ranges, found) = run(&[
        ("ref/*", "warning"),
        ("schema/*", "off"),
        ("arg/*", "off"),
        ("arg/not-in-arguments", "warning"),
    ]);
    assert_eq!(
        found,
        expected(&ranges, [Some(Error), Some(Warning), None, Some(Warning)])
    );
}

#[test]
fn a_later_rule_for_the_same_code_replaces_the_earlier() {
    let (ranges, found) = run(&[("ref/undefined", "off"), ("ref/undefined", "information")]);
    assert_eq!(
        found,
        expected(
            &ranges,
            [
                Some(Error),
                Some(Information),
                Some(Warning),
                Some(Information)
            ]
        )
    );
}

#[test]
fn bad_rules_are_refused_with_the_reason() {
    let mut rules = SeverityRules::default();
    let cases = [
        (
            "ref/undefined",
            "fatal",
            "`fatal` is not a severity: expected `error`, `warning`, `information`, `hint` or `off`",
        ),
        (
            "syntax/missing-comma",
            "off",
            "`syntax/missing-comma`: syntax errors cannot be changed (the platform cannot read a file that has one)",
        ),
        (
            "syntax/*",
            "warning",
            "`syntax/*`: syntax errors cannot be changed (the platform cannot read a file that has one)",
        ),
        (
            "ref/undefind",
            "off",
            "`ref/undefind` is not a diagnostic code — did you mean `ref/undefined`?",
        ),
        ("nonsense", "off", "`nonsense` is not a diagnostic code"),
        (
            "style/*",
            "off",
            "`style/*` names no family of diagnostic codes: expected one of `schema/*`, `ref/*`, `arg/*`, `expr/*`, `secret/*`, `platform/*`",
        ),
    ];
    for (pattern, level, message) in cases {
        assert_eq!(
            rules.set(pattern, level),
            Err(message.to_owned()),
            "{pattern}={level}"
        );
    }
    assert!(rules.is_empty());
}

/// Every code the crates' sources write (outside the `syntax/` family and unit tests) is in
/// [`CODES`], and every code in it is written somewhere: a new diagnostic cannot escape the
/// user's rules.
#[test]
fn the_code_registry_lists_exactly_the_codes_the_sources_write() {
    let server = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let families: BTreeSet<&str> = CODES
        .iter()
        .map(|(code, _)| code.split_once('/').unwrap().0)
        .collect();
    let mut written = BTreeSet::new();
    let mut stack: Vec<_> = [
        "nfls-syntax",
        "nfls-expr",
        "nfls-schema",
        "nfls-ide",
        "nfls-lsp",
    ]
    .iter()
    .map(|krate| server.join(krate).join("src"))
    .collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|extension| extension != "rs")
                || path.file_name().is_some_and(|name| name == "tests.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests sit at the end of a file and may spell codes wrong on purpose.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for literal in code.split('"').skip(1).step_by(2) {
                if let Some((family, name)) = literal.split_once('/')
                    && families.contains(family)
                    && !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    written.insert(literal.to_owned());
                }
            }
        }
    }
    let listed: BTreeSet<String> = CODES.iter().map(|(code, _)| (*code).to_owned()).collect();
    assert_eq!(written, listed);
}

/// The README lists every code a user can configure (the severity setting points there).
#[test]
fn the_readme_lists_every_code() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(readme).unwrap();
    let missing: Vec<&str> = CODES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| !readme.contains(&format!("`{code}`")))
        .collect();
    assert_eq!(missing, Vec::<&str>::new());
}

fn applied(text: Option<&str>, code: &str, level: &str) -> String {
    let edit = nfls_ide::rule_edit(text, code, level).unwrap();
    let mut out = text.unwrap_or_default().to_owned();
    out.replace_range(
        edit.range.start as usize..edit.range.end as usize,
        &edit.new_text,
    );
    out
}

#[test]
fn a_rule_is_written_into_the_repository_file_in_its_own_layout() {
    // No file yet: the whole text.
    assert_eq!(
        applied(None, "arg/not-in-arguments", "off"),
        "{\n  \"diagnostics\": {\n    \"severity\": {\n      \"arg/not-in-arguments\": \"off\"\n    }\n  }\n}\n"
    );
    // Neither `diagnostics` nor `severity`: both added after the last member.
    assert_eq!(
        applied(
            Some("{\n    \"files\": {\"a/*.json\": \"template\"}\n}\n"),
            "ref/*",
            "warning"
        ),
        "{\n    \"files\": {\"a/*.json\": \"template\"},\n    \"diagnostics\": {\n        \"severity\": {\n            \"ref/*\": \"warning\"\n        }\n    }\n}\n"
    );
    // `diagnostics` without `severity`, with Windows line endings.
    assert_eq!(
        applied(
            Some("{\r\n  \"diagnostics\": {\r\n    \"mode\": \"push\"\r\n  }\r\n}"),
            "ref/undefined",
            "hint"
        ),
        "{\r\n  \"diagnostics\": {\r\n    \"mode\": \"push\",\r\n    \"severity\": {\r\n      \"ref/undefined\": \"hint\"\r\n    }\r\n  }\r\n}"
    );
    // A rule for the code already: its value replaced, nothing else touched.
    assert_eq!(
        applied(
            Some(
                "{\"diagnostics\": {\"severity\": {\"ref/undefined\": \"error\", \"schema/*\": \"off\"}}}"
            ),
            "ref/undefined",
            "off"
        ),
        "{\"diagnostics\": {\"severity\": {\"ref/undefined\": \"off\", \"schema/*\": \"off\"}}}"
    );
    // An empty `severity` and an empty file object: still valid JSON with the rule.
    for text in ["{\"diagnostics\": {\"severity\": {}}}", "{}", "{ }"] {
        let out = applied(Some(text), "expr/arity", "off");
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            value["diagnostics"]["severity"]["expr/arity"], "off",
            "{out}"
        );
    }
}

#[test]
fn a_file_that_cannot_be_edited_safely_is_left_alone() {
    let cases = [
        (
            "{\"files\": {} \"x\": 1}",
            "the file has JSON syntax errors: fix them first",
        ),
        ("[]", "the file's top level is not a JSON object"),
        (
            "{\"diagnostics\": []}",
            "`diagnostics` in the file is not an object",
        ),
        (
            "{\"diagnostics\": {\"severity\": \"off\"}}",
            "`severity` in the file is not an object",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(
            nfls_ide::rule_edit(Some(text), "ref/undefined", "off"),
            Err(message.to_owned()),
            "{text}"
        );
    }
}

/// `check` layers its `--severity` flags over the repository file's rules with `extend`: the
/// later set wins for a code or family both name, and keeps the earlier set's other rules.
#[test]
fn extended_rules_win_over_the_rules_they_extend() {
    let f = fixture(TEMPLATE);
    let mut repository = SeverityRules::default();
    repository.set("ref/undefined", "off").unwrap();
    repository.set("schema/*", "off").unwrap();
    let mut flags = SeverityRules::default();
    flags.set("ref/undefined", "hint").unwrap();
    flags.set("arg/not-in-arguments", "off").unwrap();
    repository.extend(flags);
    let config = AnalysisConfig {
        severity: repository,
        ..AnalysisConfig::default()
    };
    let found: Vec<Found> = analyze(&f.text, Some("template.json"), &config)
        .diagnostics
        .iter()
        .map(|d| (d.range, d.severity, d.code.to_string(), d.message.clone()))
        .collect();
    assert_eq!(
        found,
        expected(&f.ranges, [Some(Error), None, None, Some(Hint)])
    );
}
