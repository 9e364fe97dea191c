//! Folding ranges: multi-line objects and arrays (bracket to bracket) and comments.

mod structure_fixture;

use nfls_ide::folding_ranges;
use nfls_ide::types::{Fold, FoldKind};
use structure_fixture::{Fixture, analyze_text};

fn regions(f: &Fixture) -> Vec<Fold> {
    f.ranges
        .iter()
        .map(|&range| Fold {
            range,
            kind: FoldKind::Region,
        })
        .collect()
}

#[test]
fn multi_line_objects_and_arrays_fold_bracket_to_bracket() {
    let f = Fixture::parse(
        r#"⟦{
  "name": "x",
  "one-line": {"a": [1, 2], "b": {}},
  "spec": ⟦{
    "kind": "Workflow",
    "steps": ⟦[
      {"kind": "Addon"},
      ⟦{
        "kind": "Project"
      }⟧
    ]⟧
  }⟧
}⟧
"#,
    );
    assert_eq!(folding_ranges(&f.analyze()), regions(&f));
}

#[test]
fn crlf_and_lone_cr_line_breaks_count() {
    let f = Fixture::parse("⟦{\r\n  \"a\": ⟦[\r1\r]⟧,\r\n  \"b\": [2]\r\n}⟧");
    assert_eq!(folding_ranges(&f.analyze()), regions(&f));
}

#[test]
fn multi_byte_text_keeps_exact_byte_ranges() {
    let f = Fixture::parse("⟦{\"é\": \"☕\", \"s\": ⟦{\n  \"日本\": \"🚀\"\n}⟧}⟧");
    assert_eq!(folding_ranges(&f.analyze()), regions(&f));
}

#[test]
fn comments_fold_and_line_comments_on_consecutive_lines_merge() {
    let f = Fixture::parse(
        r#"⟦{
  ⟦/* a block
     comment */⟧
  ⟦// first
  // second⟧

  // alone
  "a": 1 // trailing
}⟧"#,
    );
    let folds = folding_ranges(&f.analyze());
    assert_eq!(
        folds,
        vec![
            Fold {
                range: f.ranges[0],
                kind: FoldKind::Region
            },
            Fold {
                range: f.ranges[1],
                kind: FoldKind::Comment
            },
            Fold {
                range: f.ranges[2],
                kind: FoldKind::Comment
            },
        ]
    );
}

#[test]
fn half_typed_document_folds_what_is_there() {
    // Unclosed containers run to the end of the text; `$0` marks where they start.
    let f = Fixture::parse(
        "$0{\n  \"spec\": $0{\n    \"steps\": ⟦[\n      {\"kind\": \"Addon\",}\n    ]⟧\n    \"kind\": \n",
    );
    let analysis = f.analyze();
    assert!(!analysis.parse.errors.is_empty());
    let end = f.text.len() as u32;
    let expected = vec![
        Fold {
            range: nfls_syntax::TextRange::new(f.cursors[0], end),
            kind: FoldKind::Region,
        },
        Fold {
            range: nfls_syntax::TextRange::new(f.cursors[1], end),
            kind: FoldKind::Region,
        },
        Fold {
            range: f.ranges[0],
            kind: FoldKind::Region,
        },
    ];
    assert_eq!(folding_ranges(&analysis), expected);
}

#[test]
fn folds_are_sorted_and_cover_every_multi_line_container_of_a_deep_document() {
    let depth = 10_000;
    let text = format!("{}{}", "[\n".repeat(depth), "]".repeat(depth));
    let folds = folding_ranges(&analyze_text(&text));
    assert_eq!(folds.len(), depth);
    assert!(
        folds
            .windows(2)
            .all(|w| w[0].range.start < w[1].range.start)
    );
    assert_eq!(
        folds[0].range,
        nfls_syntax::TextRange::new(0, text.len() as u32)
    );
}

#[test]
fn empty_and_scalar_documents_have_no_folds() {
    assert_eq!(folding_ranges(&analyze_text("")), Vec::new());
    assert_eq!(folding_ranges(&analyze_text("42\n")), Vec::new());
}
