//! Document symbols: the outline of templates, release flows and nested documents.

// Skipped tests say so on stdout.
#![allow(clippy::print_stdout)]

mod structure_fixture;

use nfls_ide::types::{Symbol, SymbolKind};
use nfls_ide::{AnalysisConfig, analyze, document_symbols};
use nfls_syntax::TextRange;
use structure_fixture::{Fixture, analyze_text, shared_dir};

/// One line per symbol, indented by depth: `name [Kind] detail`.
fn render(symbols: &[Symbol]) -> String {
    let mut out = String::new();
    let mut stack: Vec<(usize, &Symbol)> = symbols.iter().rev().map(|s| (0, s)).collect();
    while let Some((depth, symbol)) = stack.pop() {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&format!("{} [{:?}]", symbol.name, symbol.kind));
        if let Some(detail) = &symbol.detail {
            out.push_str(&format!(" {detail}"));
        }
        out.push('\n');
        stack.extend(symbol.children.iter().rev().map(|c| (depth + 1, c)));
    }
    out
}

/// `(range, selection_range)` of every symbol, in preorder.
fn ranges(symbols: &[Symbol]) -> Vec<TextRange> {
    let mut out = Vec::new();
    let mut stack: Vec<&Symbol> = symbols.iter().rev().collect();
    while let Some(symbol) = stack.pop() {
        out.push(symbol.range);
        out.push(symbol.selection_range);
        stack.extend(symbol.children.iter().rev());
    }
    out
}

fn check_invariants(text: &str, symbols: &[Symbol]) {
    let mut stack: Vec<(Option<TextRange>, &Symbol)> = symbols.iter().map(|s| (None, s)).collect();
    while let Some((parent, symbol)) = stack.pop() {
        assert!(!symbol.name.is_empty(), "empty name: {symbol:?}");
        let (r, s) = (symbol.range, symbol.selection_range);
        assert!(
            r.start <= s.start && s.end <= r.end,
            "selection outside range: {symbol:?}"
        );
        assert!(text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize));
        if let Some(p) = parent {
            assert!(
                p.start <= r.start && r.end <= p.end,
                "child outside parent: {symbol:?}"
            );
        }
        let mut last = 0;
        for child in &symbol.children {
            assert!(
                child.range.start >= last,
                "children out of order under {}",
                symbol.name
            );
            last = child.range.start;
            stack.push((Some(r), child));
        }
    }
}

#[test]
fn template_outline_with_exact_ranges() {
    let f = Fixture::parse(
        r#"⟦{
  "apiVersion": "v1.2",
  "name": ⟦"demo"⟧,
  ⟦⟦"arguments"⟧: {
    ⟦⟦"region"⟧: "europe-west"⟧,
    ⟦⟦"token"⟧: {"required": true, "description": "API token"}⟧
  }⟧,
  "spec": ⟦{
    "kind": ⟦"Workflow"⟧,
    "spec": {
      "type": "sequential",
      "steps": [
        ⟦{"kind": "Project", "ref": ⟦"project"⟧, "spec": {"name": "demo"}}⟧,
        ⟦{
          "kind": ⟦"Workflow"⟧,
          "spec": {
            "type": "parallel",
            "steps": [
              ⟦{"kind": ⟦"Addon"⟧, "spec": {"name": "db", "type": "postgresql"}}⟧,
              ⟦{"kind": "Action", "ref": ⟦"restart"⟧, "spec": {"kind": "Service", "spec": {"type": "restart", "data": {}}}}⟧,
              ⟦{"kind": ⟦"Condition"⟧, "spec": {"kind": "Build", "spec": {"type": "success"}}}⟧,
              ⟦{"kind": ⟦"Message"⟧, "spec": {"kind": "SLACK"}}⟧
            ]
          }
        }⟧
      ]
    }
  }⟧,
  ⟦⟦"teardownSpec"⟧: {
    "failurePolicy": "ignore",
    "spec": ⟦{"kind": ⟦"Workflow"⟧, "spec": {"type": "sequential", "steps": []}}⟧
  }⟧
}⟧"#,
    );
    let symbols = document_symbols(&f.analyze());
    assert_eq!(
        render(&symbols),
        "\
demo [Document] template
  arguments [Property] 2 arguments
    region [Argument] europe-west
    token [Argument] API token
  sequential workflow [Workflow] 2 steps
    project [Node] Project
    parallel workflow [Workflow] 4 steps
      db [Node] Addon
      restart [Node] Action · Service restart
      Condition [Node] Condition · Build success
      Message [Node] Message · SLACK
  teardownSpec [Property] failure policy: ignore
    sequential workflow [Workflow] no steps
"
    );
    assert_eq!(ranges(&symbols), f.ranges);
    check_invariants(&f.text, &symbols);
}

#[test]
fn release_flow_triggers_and_refs_on_workflows() {
    let f = Fixture::parse(
        r#"⟦{
  "$schema": "https://api.northflank.com/v1/schemas/release-flow",
  "apiVersion": "v1.2",
  "spec": ⟦{
    "kind": "Workflow",
    "ref": ⟦"main-flow"⟧,
    "spec": {"type": "parallel", "steps": [
      ⟦{"kind": ⟦"Release"⟧, "spec": {"type": "build"}}⟧
    ]}
  }⟧,
  ⟦⟦"triggers"⟧: [
    ⟦{"ref": ⟦"git"⟧, "vcsService": "github", "repoUrl": "https://github.com/acme/app.git", "branchRestrictions": ["main", "release/*"], "prRestrictions": []}⟧,
    ⟦{"repoUrl": "https://gitlab.com/acme/other", "branchRestrictions": ["*"]}⟧
  ]⟧
}⟧"#,
    );
    let symbols = document_symbols(&f.analyze());
    assert_eq!(
        render(&symbols),
        "\
release flow [Document]
  main-flow [Workflow] parallel workflow · 1 step
    Release [Node] Release
  triggers [Array] 2 triggers
    git [Trigger] github.com/acme/app · branches: main, release/* · PRs: none
    gitlab.com/acme/other [Trigger] gitlab.com/acme/other · branches: *
"
    );
    // Without `name`, the document's selection is its `{`; the second trigger has neither
    // `ref` nor `kind`: its selection is its `{` too.
    let mut expected = f.ranges.clone();
    expected.insert(1, TextRange::new(0, 1));
    let last_range = expected[expected.len() - 1];
    expected.push(TextRange::new(last_range.start, last_range.start + 1));
    assert_eq!(ranges(&symbols), expected);
    check_invariants(&f.text, &symbols);
}

#[test]
fn typed_triggers_of_a_workflow_document() {
    let text = r#"{"apiVersion": "v1.2", "name": "wf", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": []}},
  "triggers": [
    {"kind": "vcs-push", "ref": "push", "spec": {"vcs": {"vcsService": "github", "repoUrl": "https://github.com/a/b"}, "branchNamePatterns": ["main"]}},
    {"kind": "cron", "spec": {"cron": "0 3 * * *"}}
  ]}"#;
    let symbols = document_symbols(&analyze_text(text));
    assert_eq!(
        render(&symbols),
        "\
wf [Document] workflow
  sequential workflow [Workflow] no steps
  triggers [Array] 2 triggers
    push [Trigger] vcs-push · github.com/a/b · branches: main
    cron [Trigger] cron: 0 3 * * *
"
    );
}

#[test]
fn pipeline_holds_release_flows_per_stage_and_the_preview() {
    let text = r#"{"apiVersion": "v1.2", "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [
  {"kind": "Pipeline", "ref": "release", "spec": {"name": "app", "stages": [
    {"name": "Development", "nfObjects": [], "releaseFlow": {"kind": "ReleaseFlow", "spec": {
      "apiVersion": "v1.2",
      "spec": {"kind": "Workflow", "spec": {"type": "sequential", "steps": [{"kind": "Build", "ref": "build-1", "spec": {}}]}},
      "triggers": [{"ref": "repo", "repoUrl": "https://github.com/a/b", "branchRestrictions": ["dev"]}]
    }}},
    {"name": "Staging", "nfObjects": []}
  ], "preview": {"kind": "PreviewEnv", "spec": {
      "spec": {"kind": "Workflow", "spec": {"type": "parallel", "steps": [{"kind": "BuildSource", "ref": "src", "spec": {}}]}}
  }}}}
]}}}"#;
    let symbols = document_symbols(&analyze_text(text));
    assert_eq!(
        render(&symbols),
        "\
template [Document]
  sequential workflow [Workflow] 1 step
    release [Node] Pipeline
      release flow (Development) [Document] ReleaseFlow
        sequential workflow [Workflow] 1 step
          build-1 [Node] Build
        triggers [Array] 1 trigger
          repo [Trigger] github.com/a/b · branches: dev
      preview environment [Document] PreviewEnv
        parallel workflow [Workflow] 1 step
          src [Node] BuildSource
"
    );
    check_invariants(text, &symbols);
}

#[test]
fn half_typed_document_still_has_an_outline() {
    // Cut off in the middle of a step, with a missing comma and a comment before it.
    let f = Fixture::parse(
        r#"{
  // work in progress
  "name": ⟦"wip"⟧
  "spec": $0{"kind": ⟦"Workflow"⟧, "spec": {"type": "sequential", "steps": [
    $0{"kind": "Addon", "ref": ⟦"db"⟧, "spec": {"name": "#,
    );
    let analysis = f.analyze();
    assert!(!analysis.parse.errors.is_empty());
    let symbols = document_symbols(&analysis);
    assert_eq!(
        render(&symbols),
        "\
wip [Document] template
  sequential workflow [Workflow] 1 step
    db [Node] Addon
"
    );
    // Unclosed objects run to the end of the text; `$0` marks where they start.
    let end = f.text.len() as u32;
    let expected = vec![
        TextRange::new(0, end),
        f.ranges[0],
        TextRange::new(f.cursors[0], end),
        f.ranges[1],
        TextRange::new(f.cursors[1], end),
        f.ranges[2],
    ];
    assert_eq!(ranges(&symbols), expected);
    check_invariants(&f.text, &symbols);
}

#[test]
fn multi_byte_names_have_exact_ranges() {
    let f = Fixture::parse(
        "{\"name\": ⟦\"café ☕\"⟧, \"spec\": ⟦{\"kind\": \"Workflow\", \"ref\": ⟦\"dépôt-🚀\"⟧, \"spec\": {\"type\": \"sequential\", \"steps\": []}}⟧}",
    );
    let symbols = document_symbols(&f.analyze());
    assert_eq!(
        render(&symbols),
        "café ☕ [Document] template\n  dépôt-🚀 [Workflow] sequential workflow · no steps\n"
    );
    assert_eq!(symbols[0].selection_range, f.ranges[0]);
    assert_eq!(symbols[0].children[0].range, f.ranges[1]);
    assert_eq!(symbols[0].children[0].selection_range, f.ranges[2]);
    assert_eq!(f.slice(f.ranges[2]), "\"dépôt-🚀\"");
}

#[test]
fn crlf_document() {
    let text = "{\r\n  \"name\": \"x\",\r\n  \"spec\": {\r\n    \"kind\": \"Addon\",\r\n    \"ref\": \"db\",\r\n    \"spec\": {}\r\n  }\r\n}\r\n";
    let symbols = document_symbols(&analyze_text(text));
    assert_eq!(
        render(&symbols),
        "x [Document] template\n  db [Node] Addon\n"
    );
    let node = &symbols[0].children[0];
    assert_eq!(
        &text[node.selection_range.start as usize..node.selection_range.end as usize],
        "\"db\""
    );
    assert_eq!(
        &text[node.range.start as usize..node.range.end as usize],
        &text[29..text.len() - 5]
    );
}

#[test]
fn files_that_are_not_northflank_documents_have_no_outline() {
    let analysis = analyze(
        r#"{"name": "pkg", "version": "1.0.0"}"#,
        Some("package.json"),
        &AnalysisConfig::default(),
    );
    assert!(analysis.classification.is_none());
    assert_eq!(document_symbols(&analysis), Vec::new());
}

#[test]
fn ten_thousand_nested_workflows_are_capped_not_lost() {
    let depth = 10_000;
    let mut text = String::from(r#"{"spec": "#);
    for _ in 0..depth {
        text.push_str(r#"{"kind": "Workflow", "spec": {"type": "sequential", "steps": ["#);
    }
    for _ in 0..depth {
        text.push_str("]}}");
    }
    text.push('}');
    let symbols = document_symbols(&analyze_text(&text));
    // Count symbols and the deepest nesting without recursion.
    let mut stack: Vec<(u32, &Symbol)> = symbols.iter().map(|s| (1, s)).collect();
    let (mut count, mut deepest, mut workflows) = (0, 0, 0);
    while let Some((d, s)) = stack.pop() {
        count += 1;
        deepest = deepest.max(d);
        if s.kind == SymbolKind::Workflow {
            workflows += 1;
        }
        stack.extend(s.children.iter().map(|c| (d + 1, c)));
    }
    assert_eq!(workflows, depth);
    assert_eq!(count, depth + 1);
    assert_eq!(deepest, 32);
    check_invariants(&text, &symbols);
}

#[test]
fn corpus_files_have_sound_outlines() {
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared is absent");
        return;
    };
    let mut checked = 0;
    for folder in ["corpus/public", "corpus/docs"] {
        let mut paths: Vec<_> = std::fs::read_dir(shared.join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let symbols = document_symbols(&analyze_text(&text));
            assert_eq!(symbols.len(), 1, "{}", path.display());
            check_invariants(&text, &symbols);
            checked += 1;
        }
    }
    assert!(checked > 50);
    // The platform-written file with a Pipeline: release flow and preview inside.
    let text = std::fs::read_to_string(
        shared.join("corpus/public/DeciderWill__git-ops-demo__northflank.json"),
    )
    .unwrap();
    let outline = render(&document_symbols(&analyze_text(&text)));
    assert!(outline.contains("release [Node] Pipeline\n"), "{outline}");
    assert!(
        outline.contains("release flow (Development) [Document] ReleaseFlow\n"),
        "{outline}"
    );
    assert!(
        outline.contains("preview environment [Document] PreviewEnv\n"),
        "{outline}"
    );
    assert!(
        outline.contains("build-source-1 [Node] BuildSource\n"),
        "{outline}"
    );
}
