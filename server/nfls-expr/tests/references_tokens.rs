//! References (for navigation and rename) and token classification (for highlighting).

mod common;

use common::doc;
use nfls_expr::{ReferenceKind, Span, TokenKind};

#[test]
fn references_in_source_order() {
    let d = doc(
        r#""${refs.a.id}-${template.args.B}-${secrets.S.k}-${MESSAGE}-${fn.eq(refs.b-c.x, args.\u0063)}-${args.}-${fn.map(args.l, (i) => i.x)}""#,
    );
    let got: Vec<(ReferenceKind, &str, &str, bool, usize)> = d
        .parsed
        .references()
        .iter()
        .map(|r| {
            (
                r.kind,
                r.name,
                d.slice(r.name_span),
                r.template,
                r.interpolation_index,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (ReferenceKind::Ref, "a", "a", false, 0),
            (ReferenceKind::Arg, "B", "B", true, 1),
            (ReferenceKind::Secret, "S", "S", false, 2),
            (ReferenceKind::Ref, "b-c", "b-c", false, 4),
            (ReferenceKind::Arg, "c", r"\u0063", false, 4),
            (ReferenceKind::Arg, "l", "l", false, 6),
        ]
    );
    let refs = d.parsed.references();
    assert_eq!(refs[0].name_span, Span::new(16, 17));
    assert_eq!(refs[3].path.output_path()[0].name, "x");
}

#[test]
fn tokens_classify_everything() {
    let d = doc(
        r#""x${template.fn.eq(refs.a-b.ports.0, 'y', -1, true, args.Z, secrets.S, M.n)}\\${q}${fn.map(args.l, (i) => i.v)}""#,
    );
    let got: Vec<(TokenKind, &str)> = d
        .parsed
        .tokens()
        .iter()
        .map(|t| (t.kind, d.slice(t.span)))
        .collect();
    use TokenKind::*;
    assert_eq!(
        got,
        [
            (Punctuation, "${"),
            (RootKeyword, "template"),
            (Punctuation, "."),
            (RootKeyword, "fn"),
            (Punctuation, "."),
            (FunctionName, "eq"),
            (Punctuation, "("),
            (RootKeyword, "refs"),
            (Punctuation, "."),
            (RefName, "a-b"),
            (Punctuation, "."),
            (PathSegment, "ports"),
            (Punctuation, "."),
            (PathSegment, "0"),
            (Punctuation, ","),
            (String, "'y'"),
            (Punctuation, ","),
            (Number, "-1"),
            (Punctuation, ","),
            (Boolean, "true"),
            (Punctuation, ","),
            (RootKeyword, "args"),
            (Punctuation, "."),
            (ArgName, "Z"),
            (Punctuation, ","),
            (RootKeyword, "secrets"),
            (Punctuation, "."),
            (SecretName, "S"),
            (Punctuation, ","),
            (UnknownRoot, "M"),
            (Punctuation, "."),
            (PathSegment, "n"),
            (Punctuation, ")"),
            (Punctuation, "}"),
            (Escape, r"\\${"),
            (Punctuation, "${"),
            (RootKeyword, "fn"),
            (Punctuation, "."),
            (FunctionName, "map"),
            (Punctuation, "("),
            (RootKeyword, "args"),
            (Punctuation, "."),
            (ArgName, "l"),
            (Punctuation, ","),
            (Parameter, "i"),
            (Operator, "=>"),
            (Parameter, "i"),
            (Punctuation, "."),
            (PathSegment, "v"),
            (Punctuation, ")"),
            (Punctuation, "}"),
        ]
    );
    // Exact numeric ranges of the first few tokens (the token starts at offset 8).
    let tokens = d.parsed.tokens();
    let spans: Vec<(u32, u32)> = tokens.iter().take(4).map(|t| t.span.into()).collect();
    assert_eq!(spans, [(10, 12), (12, 20), (20, 21), (21, 23)]);
}

#[test]
fn tokens_of_broken_input() {
    let d = doc(r#""${fn.map(args.l, item -> {y})} ${refs.""#);
    let got: Vec<(TokenKind, &str)> = d
        .parsed
        .tokens()
        .iter()
        .map(|t| (t.kind, d.slice(t.span)))
        .collect();
    use TokenKind::*;
    assert_eq!(
        got,
        [
            (Punctuation, "${"),
            (RootKeyword, "fn"),
            (Punctuation, "."),
            (FunctionName, "map"),
            (Punctuation, "("),
            (RootKeyword, "args"),
            (Punctuation, "."),
            (ArgName, "l"),
            (Punctuation, ","),
            (Opaque, "item -> {y}"),
            (Punctuation, ")"),
            (Punctuation, "}"),
            (Punctuation, "${"),
            (RootKeyword, "refs"),
            (Punctuation, "."),
        ]
    );
}
