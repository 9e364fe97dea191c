//! Cursor queries: what is under (or right before) the cursor, the replace range, the prefix,
//! and the enclosing call. `|` in a token marks the cursor.

mod common;

use common::{PREFIX, check_invariants, with_cursor};
use nfls_expr::{Cursor, CursorTarget, Root, Span, parse_string_literal};

fn describe(target: &Option<CursorTarget<'_>>) -> String {
    match target {
        None => "none".to_owned(),
        Some(CursorTarget::Root { template }) => {
            format!("root{}", if *template { "(template)" } else { "" })
        }
        Some(CursorTarget::RefName { path }) => format!(
            "ref-name{}",
            if path.is_template() { "(template)" } else { "" }
        ),
        Some(CursorTarget::RefPath { path, index }) => {
            format!(
                "ref-path {index} of {}",
                path.name().map_or("", |n| n.name.as_str())
            )
        }
        Some(CursorTarget::ArgName { .. }) => "arg-name".to_owned(),
        Some(CursorTarget::SecretName { .. }) => "secret-name".to_owned(),
        Some(CursorTarget::PathSegment { path, index }) => {
            let root = if path.root == Root::Param {
                "param "
            } else {
                ""
            };
            format!("segment {index} of {root}{}", path.root_name)
        }
        Some(CursorTarget::FunctionName { call }) => format!("fn-name({})", call.name),
        Some(CursorTarget::LambdaParam { lambda, index }) => {
            format!("lambda-param {}", lambda.params[*index].name)
        }
        Some(CursorTarget::Literal { .. }) => "literal".to_owned(),
    }
}

/// `(target, replaced text, prefix, call "name#arg")`, or `None` when not in an interpolation.
fn query(token_with_cursor: &str) -> Option<(String, String, String, String)> {
    let (token, offset) = with_cursor(token_with_cursor);
    let text = format!("{PREFIX}{token}}}");
    let parsed = parse_string_literal(&token, PREFIX.len() as u32);
    check_invariants(&text, &parsed);
    let cursor: Cursor<'_> = parsed.cursor(offset)?;
    assert!(
        cursor.span.touches(offset),
        "span {:?} must touch the cursor {offset}",
        cursor.span
    );
    assert!(cursor.interpolation.inner().touches(offset));
    let call = cursor.call.map_or(String::new(), |c| {
        format!("{}#{}", c.call.name, c.arg_index)
    });
    Some((
        describe(&cursor.target),
        text[cursor.span.range()].to_owned(),
        cursor.prefix.clone(),
        call,
    ))
}

#[track_caller]
fn check(token: &str, target: &str, replaced: &str, prefix: &str, call: &str) {
    let got = query(token).unwrap_or_else(|| panic!("no cursor for {token}"));
    assert_eq!(
        got,
        (
            target.to_owned(),
            replaced.to_owned(),
            prefix.to_owned(),
            call.to_owned()
        ),
        "token {token}"
    );
}

#[test]
fn completion_positions() {
    // (token, target, replaced source text, prefix, enclosing call)
    let table: &[(&str, &str, &str, &str, &str)] = &[
        (r#""${|}""#, "root", "", "", ""),
        (r#""${|""#, "root", "", "", ""),
        (r#""${|"#, "root", "", "", ""),
        (r#""${ | }""#, "root", "", "", ""),
        (r#""${ar|}""#, "root", "ar", "ar", ""),
        (r#""${a|r}""#, "root", "ar", "a", ""),
        (r#""${|args.x}""#, "root", "args", "", ""),
        (r#""${refs.|}""#, "ref-name", "", "", ""),
        (r#""${refs.bu|""#, "ref-name", "bu", "bu", ""),
        (r#""${refs.bu|"#, "ref-name", "bu", "bu", ""),
        (r#""${refs.b|u.id}""#, "ref-name", "bu", "b", ""),
        (r#""${refs.api.|}""#, "ref-path 0 of api", "", "", ""),
        (
            r#""${refs.api.ports.0.d|ns}""#,
            "ref-path 2 of api",
            "dns",
            "d",
            "",
        ),
        (
            r#""${refs.api.ports.|0.dns}""#,
            "ref-path 1 of api",
            "0",
            "",
            "",
        ),
        (r#""${args.|}""#, "arg-name", "", "", ""),
        (
            r#""${args.GIT_|BRANCH}-x""#,
            "arg-name",
            "GIT_BRANCH",
            "GIT_",
            "",
        ),
        (r#""${secrets.|}""#, "secret-name", "", "", ""),
        (
            r#""${secrets.group.K|EY}""#,
            "segment 1 of secrets",
            "KEY",
            "K",
            "",
        ),
        (r#""${MESSA|GE}""#, "root", "MESSAGE", "MESSA", ""),
        (r#""${foo.b|ar}""#, "segment 0 of foo", "bar", "b", ""),
        (r#""${fn.|}""#, "fn-name()", "", "", ""),
        (r#""${fn.|"#, "fn-name()", "", "", ""),
        (r#""${fn.e|q(args.a, 1)}""#, "fn-name(eq)", "eq", "e", ""),
        (r#""${fn.eq|}""#, "fn-name(eq)", "eq", "eq", ""),
        (r#""${f|n.eq(1, 2)}""#, "root", "fn", "f", ""),
        (r#""${fn.eq(|)}""#, "root", "", "", "eq#0"),
        (r#""${fn.eq( | )}""#, "root", "", "", "eq#0"),
        (r#""${fn.eq(args.a, |)}""#, "root", "", "", "eq#1"),
        (r#""${fn.eq(args.a,|""#, "root", "", "", "eq#1"),
        (r#""${fn.eq(args.a, ar|)}""#, "root", "ar", "ar", "eq#1"),
        (r#""${fn.eq(args.a|, 1)}""#, "arg-name", "a", "a", "eq#0"),
        (r#""${fn.eq(args.a |, 1)}""#, "none", "", "", "eq#0"),
        (r#""${fn.if(fn.eq(args.|"#, "arg-name", "", "", "eq#0"),
        (r#""${fn.if(fn.eq(args.b, 'x'), |"#, "root", "", "", "if#1"),
        (
            r#""${fn.if(fn.eq(args.b, 'x'), refs.|)}""#,
            "ref-name",
            "",
            "",
            "if#1",
        ),
        (
            r#""${fn.eq('ab|c', 1)}""#,
            "literal",
            "'abc'",
            "'ab",
            "eq#0",
        ),
        (r#""${fn.eq(1, tr|ue)}""#, "literal", "true", "tr", "eq#1"),
        (r#""${template.|}""#, "root(template)", "", "", ""),
        (
            r#""${template.re|fs.x}""#,
            "root(template)",
            "refs",
            "re",
            "",
        ),
        (r#""${template.refs.|}""#, "ref-name(template)", "", "", ""),
        (r#""${templ|ate.refs.x}""#, "root", "template", "templ", ""),
        (
            r#""${template.fn.rand|}""#,
            "fn-name(rand)",
            "rand",
            "rand",
            "",
        ),
        (r#""${args.a |}""#, "none", "", "", ""),
        (r#""${args.a}${refs.|}""#, "ref-name", "", "", ""),
        (r#""${refs.a ${args.|}""#, "arg-name", "", "", ""),
        (
            r#""${fn.filter(args.l, (item) => item.|)}""#,
            "segment 0 of param item",
            "",
            "",
            "filter#1",
        ),
        (
            r#""${fn.filter(args.l, (it|em) => item.ok)}""#,
            "lambda-param item",
            "item",
            "it",
            "filter#1",
        ),
        (
            r#""${fn.filter(args.l, (item) => |)}""#,
            "root",
            "",
            "",
            "filter#1",
        ),
        (
            r#""${fn.map(args.l, item -> it|em)}""#,
            "none",
            "",
            "",
            "map#1",
        ),
    ];
    for (token, target, replaced, prefix, call) in table {
        check(token, target, replaced, prefix, call);
    }
}

#[test]
fn outside_interpolations() {
    for token in [
        r#""|${args.a}""#,
        r#""$|{args.a}""#,
        r#""${args.a}|""#,
        r#""x|y""#,
        r#""\\${re|fs.a}""#,
        r#"|"${args.a}""#,
    ] {
        assert!(query(token).is_none(), "{token}");
    }
}

#[test]
fn spans_and_prefixes_through_escapes() {
    // Text with escapes before the interpolation shifts every range.
    check(r#""x\u00e9\"${refs.a|}""#, "ref-name", "a", "a", "");
    // An escape inside the name: the prefix is decoded.
    check(r#""${refs.\u0061p|i}""#, "ref-name", r"\u0061pi", "ap", "");
    // Emoji before the interpolation.
    check(r#""😀${args.|}""#, "arg-name", "", "", "");
    let (token, offset) = with_cursor(r#""😀${args.ab|c}""#);
    let parsed = parse_string_literal(&token, PREFIX.len() as u32);
    let cursor = parsed.cursor(offset).unwrap();
    assert_eq!(cursor.span, Span::new(20, 23));
    assert_eq!(cursor.interpolation.span, Span::new(13, 24));
    assert_eq!(cursor.interpolation_index, 0);
}

#[test]
fn every_offset_is_safe() {
    let tokens = [
        r#""a${fn.if(fn.eq(args.branch, 'main'), refs.x.ports.0.dns, (i) => i.x)}\u00e9${refs.\u0061p""#,
        r#""${fn.map(args.l, x -> {y})} \\${z} ${template.refs.a-b.c}""#,
    ];
    for token in tokens {
        let text = format!("{PREFIX}{token}}}");
        let parsed = parse_string_literal(token, PREFIX.len() as u32);
        for offset in 0..=text.len() as u32 + 2 {
            if let Some(cursor) = parsed.cursor(offset) {
                assert!(cursor.span.end as usize <= text.len());
                assert!(text.is_char_boundary(cursor.span.start as usize));
                assert!(text.is_char_boundary(cursor.span.end as usize));
            }
        }
    }
}

#[test]
fn offsets_inside_characters_snap_back() {
    // `é` is 2 bytes; an offset between them behaves like the offset before it.
    let (token, offset) = with_cursor(r#""${args.xé|}""#);
    let parsed = parse_string_literal(&token, PREFIX.len() as u32);
    let inside = parsed.cursor(offset - 1).unwrap();
    assert_eq!(Some(&inside), parsed.cursor(offset - 2).as_ref());
    assert!(matches!(inside.target, Some(CursorTarget::ArgName { .. })));
    assert_eq!(inside.span, Span::new(offset - 3, offset - 2));
    // Inside `\u0061`: the cursor is at the start of the escape, so the prefix is "x".
    let (token, offset) = with_cursor(r#""${args.x|\u0061}""#);
    let parsed = parse_string_literal(&token, PREFIX.len() as u32);
    let cursor = parsed.cursor(offset + 3).unwrap();
    assert_eq!(cursor.prefix, "x");
    assert_eq!(cursor.span, Span::new(offset - 1, offset + 6));
}
