//! Semantic tokens for `${…}` expressions: kinds, exact ranges, order.

// Skipped tests say so on stdout.
#![allow(clippy::print_stdout)]

mod structure_fixture;

use nfls_ide::types::{SemanticToken, TokenKind};
use nfls_ide::{AnalysisConfig, analyze, semantic_tokens};
use structure_fixture::{Fixture, analyze_text, shared_dir};

use TokenKind::*;

/// Pairs each marked range with its expected kind.
fn expect(f: &Fixture, kinds: &[TokenKind]) -> Vec<SemanticToken> {
    assert_eq!(f.ranges.len(), kinds.len(), "one kind per marked range");
    f.ranges
        .iter()
        .zip(kinds)
        .map(|(&range, &kind)| SemanticToken { range, kind })
        .collect()
}

fn check_invariants(text: &str, tokens: &[SemanticToken]) {
    let mut last_end = 0;
    for token in tokens {
        let r = token.range;
        assert!(r.start < r.end, "empty token {token:?}");
        assert!(r.start >= last_end, "overlap or disorder at {token:?}");
        last_end = r.end;
        let slice = &text[r.start as usize..r.end as usize];
        assert!(
            !slice.contains(['\n', '\r']),
            "token spans lines: {token:?}"
        );
    }
}

#[test]
fn paths_functions_literals_and_punctuation() {
    let f = Fixture::parse(
        r#"{"spec": {"kind": "Workflow", "spec": {
  "url": "https://⟦${⟧⟦refs⟧⟦.⟧⟦api⟧⟦.⟧⟦ports⟧⟦.⟧⟦0⟧⟦.⟧⟦dns⟧⟦}⟧/x",
  "n": "⟦${⟧⟦fn⟧⟦.⟧⟦if⟧⟦(⟧⟦fn⟧⟦.⟧⟦eq⟧⟦(⟧⟦args⟧⟦.⟧⟦branch⟧⟦,⟧ ⟦'main'⟧⟦)⟧⟦,⟧ ⟦3⟧⟦,⟧ ⟦true⟧⟦)⟧⟦}⟧",
  "s": "⟦${⟧⟦secrets⟧⟦.⟧⟦token⟧⟦}⟧ and ⟦${⟧⟦template⟧⟦.⟧⟦refs⟧⟦.⟧⟦p⟧⟦.⟧⟦id⟧⟦}⟧",
  "plain": "no expressions here",
  "key-${not-a-token}": 1
}}}"#,
    );
    let o = Operator;
    let expected = expect(
        &f,
        &[
            o, Keyword, o, Variable, o, Property, o, Property, o, Property, o, // url
            o, Keyword, o, Function, o, Keyword, o, Function, o, Keyword, o, Parameter, o, String,
            o, o, Number, o, Boolean, o, o, // n
            o, Keyword, o, Parameter, o, o, Keyword, o, Keyword, o, Variable, o, Property,
            o, // s
        ],
    );
    let tokens = semantic_tokens(&f.analyze());
    assert_eq!(tokens, expected);
    check_invariants(&f.text, &tokens);
}

#[test]
fn escapes_lambdas_and_unknown_roots() {
    // `\\${` in JSON source is a literal `${`; `${MESSAGE}` has an unknown root (no token for
    // the word); lambda parameters are parameters.
    let f = Fixture::parse(
        r#"{"spec": {"kind": "Workflow", "spec": {
  "a": "cost ⟦\\${⟧x} ⟦${⟧MESSAGE⟦}⟧",
  "b": "⟦${⟧⟦fn⟧⟦.⟧⟦map⟧⟦(⟧⟦args⟧⟦.⟧⟦list⟧⟦,⟧ ⟦item⟧ ⟦=>⟧ ⟦item⟧⟦.⟧⟦name⟧⟦)⟧⟦}⟧"
}}}"#,
    );
    let o = Operator;
    let expected = expect(
        &f,
        &[
            Escape, o, o, // a
            o, Keyword, o, Function, o, Keyword, o, Parameter, o, Parameter, o, Parameter, o,
            Property, o, o, // b
        ],
    );
    let tokens = semantic_tokens(&f.analyze());
    assert_eq!(tokens, expected);
}

#[test]
fn json_escapes_and_multi_byte_text_keep_document_ranges() {
    // `\u0024{` decodes to `${`: the token covers the whole escape in the document.
    let f = Fixture::parse(
        r#"{"spec": {"kind": "Addon", "spec": {"name": "☕ ⟦\u0024{⟧⟦args⟧⟦.⟧⟦cafe⟧⟦}⟧ \"q\" 🚀 ⟦${⟧⟦fn⟧⟦.⟧⟦eq⟧⟦(⟧⟦refs⟧⟦.⟧⟦db⟧⟦,⟧ ⟦'日本 ☕'⟧⟦)⟧⟦}⟧"}}}"#,
    );
    let o = Operator;
    let tokens = semantic_tokens(&f.analyze());
    let kinds = [
        o, Keyword, o, Parameter, o, // first
        o, Keyword, o, Function, o, Keyword, o, Variable, o, String, o, o, // second
    ];
    assert_eq!(tokens, expect(&f, &kinds));
    assert_eq!(f.slice(tokens[0].range), "\\u0024{");
    assert_eq!(f.slice(tokens[14].range), "'日本 ☕'");
}

#[test]
fn crlf_and_half_typed_documents() {
    let f = Fixture::parse(
        "{\r\n  \"spec\": {\r\n    \"kind\": \"Addon\",\r\n    \"ref\": \"⟦${⟧⟦args⟧⟦.⟧⟦na⟧\r\n",
    );
    let analysis = f.analyze();
    assert!(!analysis.parse.errors.is_empty());
    let tokens = semantic_tokens(&analysis);
    assert_eq!(
        tokens,
        expect(&f, &[Operator, Keyword, Operator, Parameter])
    );
    check_invariants(&f.text, &tokens);
}

#[test]
fn files_that_are_not_northflank_documents_have_no_tokens() {
    let analysis = analyze(
        r#"{"scripts": {"build": "echo ${HOME}"}}"#,
        Some("package.json"),
        &AnalysisConfig::default(),
    );
    assert_eq!(semantic_tokens(&analysis), Vec::new());
}

#[test]
fn deep_document_and_corpus_tokens_are_ordered() {
    let depth = 10_000;
    let text = format!(
        "{{\"spec\": {{\"kind\": \"Workflow\", \"x\": {}\"${{refs.a.b}}\"{}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let tokens = semantic_tokens(&analyze_text(&text));
    assert_eq!(tokens.len(), 7);
    check_invariants(&text, &tokens);

    let Some(shared) = shared_dir() else {
        println!("skipped corpus part: ../shared is absent");
        return;
    };
    let mut total = 0;
    for folder in ["corpus/public", "corpus/docs"] {
        for entry in std::fs::read_dir(shared.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let tokens = semantic_tokens(&analyze_text(&text));
            check_invariants(&text, &tokens);
            total += tokens.len();
        }
    }
    assert!(total > 1000, "{total}");
}
