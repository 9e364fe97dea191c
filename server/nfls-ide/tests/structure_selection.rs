//! Selection ranges: from the expression token at the cursor out to the document.

mod structure_fixture;

use nfls_ide::selection_ranges;
use structure_fixture::Fixture;

/// The chain at the fixture's single cursor, as the text each range covers.
fn chain(marked: &str) -> Vec<String> {
    let f = Fixture::parse(marked);
    assert_eq!(f.cursors.len(), 1);
    let all = selection_ranges(&f.analyze(), &f.cursors);
    assert_eq!(all.len(), 1);
    let ranges = &all[0];
    for pair in ranges.windows(2) {
        assert!(
            pair[1].start <= pair[0].start && pair[0].end <= pair[1].end && pair[0] != pair[1],
            "{pair:?} is not strictly growing"
        );
    }
    ranges.iter().map(|&r| f.slice(r).to_owned()).collect()
}

#[test]
fn exact_ranges_from_nested_markers() {
    // Markers nest outermost first; the chain is innermost first.
    let f = Fixture::parse(r#"⟦{⟦"k": ⟦"⟦v$0w⟧"⟧⟧, "other": [1]}⟧"#);
    let mut expected = f.ranges.clone();
    expected.reverse();
    assert_eq!(selection_ranges(&f.analyze(), &f.cursors), vec![expected]);
}

#[test]
fn from_a_path_segment_out_to_the_root() {
    assert_eq!(
        chain(r#"{"spec": {"kind": "Addon", "spec": {"url": "https://${refs.a$0pi.ports.0}/x"}}}"#),
        [
            "api",
            "refs.api.ports.0",
            "${refs.api.ports.0}",
            "https://${refs.api.ports.0}/x",
            r#""https://${refs.api.ports.0}/x""#,
            r#""url": "https://${refs.api.ports.0}/x""#,
            r#"{"url": "https://${refs.api.ports.0}/x"}"#,
            r#""spec": {"url": "https://${refs.api.ports.0}/x"}"#,
            r#"{"kind": "Addon", "spec": {"url": "https://${refs.api.ports.0}/x"}}"#,
            r#""spec": {"kind": "Addon", "spec": {"url": "https://${refs.api.ports.0}/x"}}"#,
            r#"{"spec": {"kind": "Addon", "spec": {"url": "https://${refs.api.ports.0}/x"}}}"#,
        ]
    );
}

#[test]
fn through_nested_calls() {
    assert_eq!(
        chain(r#"{"n": "${ fn.if(fn.eq(args.b$0, 'x'), 1, 2) }"}"#),
        [
            "b",
            "args.b",
            "fn.eq(args.b, 'x')",
            "fn.if(fn.eq(args.b, 'x'), 1, 2)",
            " fn.if(fn.eq(args.b, 'x'), 1, 2) ",
            "${ fn.if(fn.eq(args.b, 'x'), 1, 2) }",
            r#""${ fn.if(fn.eq(args.b, 'x'), 1, 2) }""#,
            r#""n": "${ fn.if(fn.eq(args.b, 'x'), 1, 2) }""#,
            r#"{"n": "${ fn.if(fn.eq(args.b, 'x'), 1, 2) }"}"#,
        ]
    );
}

#[test]
fn at_a_word_boundary_the_word_wins_over_punctuation() {
    assert_eq!(chain(r#"{"n": "${refs$0.a}"}"#)[0], "refs");
    assert_eq!(chain(r#"{"n": "${refs.a$0}"}"#)[0], "a");
}

#[test]
fn on_a_key() {
    assert_eq!(
        chain(r#"{"na$0me": "x", "b": 1}"#),
        [
            "name",
            r#""name""#,
            r#""name": "x""#,
            r#"{"name": "x", "b": 1}"#
        ]
    );
}

#[test]
fn on_an_array_element_and_between_members() {
    assert_eq!(
        chain(r#"{"a": [1, 2$0, 3]}"#),
        ["2", "[1, 2, 3]", r#""a": [1, 2, 3]"#, r#"{"a": [1, 2, 3]}"#]
    );
    assert_eq!(
        chain(r#"{"a": 1,  $0  "b": 2}"#),
        [r#"{"a": 1,    "b": 2}"#]
    );
}

#[test]
fn crlf_and_multi_byte_text() {
    assert_eq!(
        chain("{\r\n  \"é\": \"☕ ${args.x$0}\"\r\n}\r\n"),
        [
            "x",
            "args.x",
            "${args.x}",
            "☕ ${args.x}",
            "\"☕ ${args.x}\"",
            "\"é\": \"☕ ${args.x}\"",
            "{\r\n  \"é\": \"☕ ${args.x}\"\r\n}",
            "{\r\n  \"é\": \"☕ ${args.x}\"\r\n}\r\n",
        ]
    );
}

#[test]
fn offsets_inside_a_character_or_past_the_end_are_snapped() {
    let f = Fixture::parse("{\"a\": \"☕\"}\n");
    let analysis = f.analyze();
    // Offset 8 is inside the 3-byte `☕` (which starts at 7).
    let got = selection_ranges(&analysis, &[8, 1000]);
    assert_eq!(f.slice(got[0][0]), "☕");
    assert_eq!(got[1].len(), 1);
    assert_eq!(f.slice(got[1][0]), "{\"a\": \"☕\"}\n");
}

#[test]
fn half_typed_document() {
    assert_eq!(
        chain(r#"{"spec": {"steps": [{"kind": "Ad$0"#),
        [
            "Ad",
            r#""Ad"#,
            r#""kind": "Ad"#,
            r#"{"kind": "Ad"#,
            r#"[{"kind": "Ad"#,
            r#""steps": [{"kind": "Ad"#,
            r#"{"steps": [{"kind": "Ad"#,
            r#""spec": {"steps": [{"kind": "Ad"#,
            r#"{"spec": {"steps": [{"kind": "Ad"#,
        ]
    );
}

#[test]
fn empty_document_and_many_offsets() {
    let f = Fixture::parse("");
    assert_eq!(
        selection_ranges(&f.analyze(), &[0]),
        vec![vec![nfls_syntax::TextRange::new(0, 0)]]
    );
    let f = Fixture::parse("{\"a\": $0[$0]$0}");
    let got = selection_ranges(&f.analyze(), &f.cursors);
    assert_eq!(got.len(), 3);
    assert!(got.iter().all(|chain| f.slice(chain[0]) == "[]"));
}

#[test]
fn ten_thousand_deep() {
    let depth = 10_000;
    let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let analysis = structure_fixture::analyze_text(&text);
    let got = selection_ranges(&analysis, &[depth as u32]);
    assert_eq!(got[0].len(), depth + 1);
}
