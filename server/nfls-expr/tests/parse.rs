//! Parser tests: segments, expression trees and problems, with exact document ranges.

mod common;

use common::{Doc, PREFIX, at, doc};
use nfls_expr::{Expr, ExprKind, ProblemCode, Root, Segment, Span};

/// Renders the parse as text where every node shows the document text its span covers, so a
/// wrong range shows up as wrong text.
fn render(d: &Doc) -> String {
    let mut out = Vec::new();
    for segment in &d.parsed.segments {
        match segment {
            Segment::Text { span, value } => {
                assert_eq!(d.parsed.decoded_text(*span), value);
                out.push(format!("text[{}]", d.slice(*span)));
            }
            Segment::Escape { span } => out.push(format!("esc[{}]", d.slice(*span))),
            Segment::Interpolation(i) => {
                let expr = i
                    .expr
                    .as_ref()
                    .map_or("none".to_owned(), |e| render_expr(d, e));
                assert_eq!(d.parsed.decoded_text(i.open), "${");
                if let Some(close) = i.close {
                    assert_eq!(d.parsed.decoded_text(close), "}");
                    assert_eq!(close.end, i.span.end);
                }
                out.push(format!("interp[{}]{{{expr}}}", d.slice(i.span)));
            }
        }
    }
    out.join(" ")
}

fn render_expr(d: &Doc, e: &Expr) -> String {
    match &e.kind {
        ExprKind::Path(p) => {
            let mut s = String::new();
            if let Some(t) = p.template {
                s.push_str(&format!("{}+", d.slice(t)));
            }
            let root = match p.root {
                Root::Args => "args",
                Root::Refs => "refs",
                Root::Secrets => "secrets",
                Root::Param => "param",
                Root::Unknown => "?",
            };
            s.push_str(&format!("{root}:{}", d.slice(p.root_span)));
            for seg in &p.segments {
                assert_eq!(d.parsed.decoded_text(seg.dot), ".");
                s.push_str(&format!(".{}", d.slice(seg.span)));
            }
            s
        }
        ExprKind::Call(c) => {
            let mut s = String::new();
            if let Some(t) = c.template {
                s.push_str(&format!("{}+", d.slice(t)));
            }
            assert_eq!(d.parsed.decoded_text(c.fn_keyword), "fn");
            s.push_str(&format!("fn:{}", d.slice(c.name_span)));
            if let Some(open) = c.open_paren {
                assert_eq!(d.parsed.decoded_text(open), "(");
                let args: Vec<String> = c.args.iter().map(|a| render_expr(d, a)).collect();
                s.push_str(&format!("({}", args.join(", ")));
                assert_eq!(c.commas.len() + 1, c.args.len().max(1));
                if let Some(close) = c.close_paren {
                    assert_eq!(d.parsed.decoded_text(close), ")");
                    s.push(')');
                }
            }
            s
        }
        ExprKind::String { value } => format!("str<{value}>[{}]", d.slice(e.span)),
        ExprKind::Number { text } => {
            assert_eq!(d.slice(e.span), text);
            format!("num:{text}")
        }
        ExprKind::Bool(b) => {
            assert_eq!(d.slice(e.span), b.to_string());
            format!("bool:{b}")
        }
        ExprKind::Lambda(l) => {
            let params: Vec<&str> = l.params.iter().map(|p| d.slice(p.span)).collect();
            assert_eq!(d.parsed.decoded_text(l.arrow), "=>");
            let body = l
                .body
                .as_ref()
                .map_or("none".to_owned(), |b| render_expr(d, b));
            format!(
                "lambda({} => {body})[{}]",
                params.join(","),
                d.slice(e.span)
            )
        }
        ExprKind::Opaque => format!("opaque[{}]", d.slice(e.span)),
        ExprKind::Missing => {
            assert!(e.span.is_empty());
            "missing".to_owned()
        }
        ExprKind::Error => format!("error[{}]", d.slice(e.span)),
    }
}

fn problems(d: &Doc) -> Vec<String> {
    d.parsed
        .problems()
        .map(|p| format!("{}@[{}]: {}", p.code.as_str(), d.slice(p.span), p.message))
        .collect()
}

#[track_caller]
fn check(token: &str, expected: &str) {
    let d = doc(token);
    assert_eq!(render(&d), expected, "token {token}");
    assert_eq!(problems(&d), Vec::<String>::new(), "token {token}");
    assert!(d.parsed.literal_problems.is_empty());
}

#[track_caller]
fn check_problems(token: &str, expected_tree: &str, expected: &[&str]) {
    let d = doc(token);
    assert_eq!(render(&d), expected_tree, "token {token}");
    assert_eq!(problems(&d), expected, "token {token}");
}

#[test]
fn plain_and_mixed_strings() {
    check(r#""hello""#, "text[hello]");
    check(r#""""#, "");
    check(r#""${args.a}""#, "interp[${args.a}]{args:args.a}");
    check(
        r#""https://${refs.api.ports.0.dns}-x""#,
        "text[https://] interp[${refs.api.ports.0.dns}]{refs:refs.api.ports.0.dns} text[-x]",
    );
    check(
        r#""${args.account}/${args.repository}""#,
        "interp[${args.account}]{args:args.account} text[/] interp[${args.repository}]{args:args.repository}",
    );
    check(
        r#""${refs.build-source-1.nfObjectId}""#,
        "interp[${refs.build-source-1.nfObjectId}]{refs:refs.build-source-1.nfObjectId}",
    );
    check(r#""$ {x} $x {y}""#, "text[$ {x} $x {y}]");
}

#[test]
fn exact_numeric_ranges() {
    // Token starts at 8: `"` at 8, content from 9.
    let d = doc(r#""ab${refs.api.ports.0.dns}""#);
    assert_eq!(d.parsed.token_span(), Span::new(8, 35));
    assert_eq!(d.parsed.content_span(), Span::new(9, 34));
    let Segment::Interpolation(i) = &d.parsed.segments[1] else {
        panic!()
    };
    assert_eq!(i.span, at(3, 23));
    assert_eq!(i.open, Span::new(11, 13));
    assert_eq!(i.close, Some(Span::new(33, 34)));
    assert_eq!(i.inner(), Span::new(13, 33));
    let ExprKind::Path(p) = &i.expr.as_ref().unwrap().kind else {
        panic!()
    };
    assert_eq!(p.root, Root::Refs);
    assert_eq!(p.root_span, Span::new(13, 17));
    let spans: Vec<(u32, u32)> = p.segments.iter().map(|s| s.span.into()).collect();
    assert_eq!(spans, [(18, 21), (22, 27), (28, 29), (30, 33)]);
    assert_eq!(p.name().unwrap().name, "api");
    let output: Vec<(&str, Option<u32>)> = p
        .output_path()
        .iter()
        .map(|s| (s.name.as_str(), s.index()))
        .collect();
    assert_eq!(output, [("ports", None), ("0", Some(0)), ("dns", None)]);
}

#[test]
fn json_escapes_map_back_to_source() {
    // `\u00e9` is 6 source bytes for 2 decoded bytes.
    let d = doc(r#""\u00e9${args.a}""#);
    assert_eq!(render(&d), r"text[\u00e9] interp[${args.a}]{args:args.a}");
    assert_eq!(
        d.parsed.segments[0],
        Segment::Text {
            span: Span::new(9, 15),
            value: "é".to_owned()
        }
    );
    assert_eq!(d.parsed.segments[1].span(), Span::new(15, 24));

    check(
        r#""\"${args.a}\"""#,
        r#"text[\"] interp[${args.a}]{args:args.a} text[\"]"#,
    );
    check(
        r#""a\\b\/${args.a}""#,
        r"text[a\\b\/] interp[${args.a}]{args:args.a}",
    );

    // Raw multi-byte UTF-8 (4-byte emoji, 2-byte é) before the interpolation.
    let d = doc(r#""😀é${refs.x.id}""#);
    assert_eq!(
        d.parsed.segments[0],
        Segment::Text {
            span: Span::new(9, 15),
            value: "😀é".to_owned()
        }
    );
    assert_eq!(render(&d), "text[😀é] interp[${refs.x.id}]{refs:refs.x.id}");

    // A surrogate pair is one character from 12 source bytes.
    let d = doc(r#""\ud83d\ude00${args.a}""#);
    assert_eq!(
        d.parsed.segments[0],
        Segment::Text {
            span: Span::new(9, 21),
            value: "😀".to_owned()
        }
    );
    assert_eq!(d.parsed.segments[1].span(), Span::new(21, 30));

    // Escapes inside the expression: the name is decoded, its span covers the escape.
    let d = doc(r#""${args.\u0061b}""#);
    assert_eq!(render(&d), r"interp[${args.\u0061b}]{args:args.\u0061b}");
    let reference = &d.parsed.references()[0];
    assert_eq!(reference.name, "ab");
    assert_eq!(reference.name_span, Span::new(16, 23));

    // `$` written as `\u0024` still opens an interpolation (the platform sees the decoded text).
    check(
        r#""\u0024{args.a}""#,
        r"interp[\u0024{args.a}]{args:args.a}",
    );
    // Escaped quote inside an interpolation's string literal uses `\"` in JSON.
    let d = doc(r#""${fn.eq(args.a, \"x\")}""#);
    assert_eq!(
        problems(&d),
        [r#"expr/string@[\"x\"]: string literals use single quotes: write `'…'`"#]
    );
}

#[test]
fn calls_and_literals() {
    check(
        r#""${fn.if(fn.eq(args.branch, 'main'), 3, 1)}""#,
        "interp[${fn.if(fn.eq(args.branch, 'main'), 3, 1)}]{fn:if(fn:eq(args:args.branch, str<main>['main']), num:3, num:1)}",
    );
    check(
        r#""${fn.randomSecret(256)}""#,
        "interp[${fn.randomSecret(256)}]{fn:randomSecret(num:256)}",
    );
    check(r#""${fn.date()}""#, "interp[${fn.date()}]{fn:date()}");
    check(
        r#""${fn.add(-1, 2.5, 1e3, 4E-2)}""#,
        "interp[${fn.add(-1, 2.5, 1e3, 4E-2)}]{fn:add(num:-1, num:2.5, num:1e3, num:4E-2)}",
    );
    check(
        r#""${fn.and(true, false, fn.not(refs.db.ready))}""#,
        "interp[${fn.and(true, false, fn.not(refs.db.ready))}]{fn:and(bool:true, bool:false, fn:not(refs:refs.db.ready))}",
    );
    // `\'` inside a string literal (written `\\'` in JSON source) is a quote; `\\` a backslash.
    check(
        r#""${fn.eq(args.a, 'it\\'s')}""#,
        r"interp[${fn.eq(args.a, 'it\\'s')}]{fn:eq(args:args.a, str<it's>['it\\'s'])}",
    );
    check(
        r#""${fn.eq(args.a, 'a\\\\b')}""#,
        r"interp[${fn.eq(args.a, 'a\\\\b')}]{fn:eq(args:args.a, str<a\b>['a\\\\b'])}",
    );
    // Quotes hide braces and parentheses.
    check(
        r#""${fn.eq(args.a, '}')}""#,
        "interp[${fn.eq(args.a, '}')}]{fn:eq(args:args.a, str<}>['}'])}",
    );
    check(
        r#""${fn.eq(args.a, '(,')}""#,
        "interp[${fn.eq(args.a, '(,')}]{fn:eq(args:args.a, str<(,>['(,'])}",
    );
    // A literal alone is accepted at top level (the semantic layer decides if it makes sense).
    check(r#""${'x'}""#, "interp[${'x'}]{str<x>['x']}");
    check(r#""${42}""#, "interp[${42}]{num:42}");
}

#[test]
fn whitespace_around_tokens() {
    check(
        "\"${ fn.eq ( args.a ,\\n'x' ) }\"",
        "interp[${ fn.eq ( args.a ,\\n'x' ) }]{fn:eq(args:args.a, str<x>['x'])}",
    );
    let d = doc(r#""${  args.a  }""#);
    let i = d.parsed.interpolations().next().unwrap();
    assert_eq!(d.slice(i.expr.as_ref().unwrap().span), "args.a");
}

#[test]
fn template_prefix() {
    check(
        r#""${template.refs.build.branch}""#,
        "interp[${template.refs.build.branch}]{template+refs:refs.build.branch}",
    );
    check(
        r#""${template.args.SECRET}""#,
        "interp[${template.args.SECRET}]{template+args:args.SECRET}",
    );
    check(
        r#""${template.fn.randomString(64)}""#,
        "interp[${template.fn.randomString(64)}]{template+fn:randomString(num:64)}",
    );
    check(
        r#""${template.secrets.S}""#,
        "interp[${template.secrets.S}]{template+secrets:secrets.S}",
    );
    let d = doc(r#""${template.refs.api-dev.id}""#);
    let r = &d.parsed.references()[0];
    assert!(r.template);
    assert_eq!(d.slice(r.name_span), "api-dev");
}

#[test]
fn other_roots() {
    check(r#""${MESSAGE}""#, "interp[${MESSAGE}]{?:MESSAGE}");
    check(r#""${foo.bar}""#, "interp[${foo.bar}]{?:foo.bar}");
    check(
        r#""${aws_s3_bucket.my_bucket.id}""#,
        "interp[${aws_s3_bucket.my_bucket.id}]{?:aws_s3_bucket.my_bucket.id}",
    );
    check(
        r#""${secrets.group.KEY}""#,
        "interp[${secrets.group.KEY}]{secrets:secrets.group.KEY}",
    );
    // `true.x` is a path, not a boolean.
    check(r#""${true.x}""#, "interp[${true.x}]{?:true.x}");
}

#[test]
fn escaped_interpolation() {
    // `\\${` in JSON is `\${` decoded: a literal `${`, and what follows is plain text.
    let d = doc(r#""\\${aws_s3_bucket.my_bucket.id}""#);
    assert_eq!(render(&d), r"esc[\\${] text[aws_s3_bucket.my_bucket.id}]");
    assert_eq!(
        d.parsed.segments[0],
        Segment::Escape {
            span: Span::new(9, 13)
        }
    );
    assert!(!d.parsed.has_interpolation());
    check(
        r#""a\\${x} ${args.b}""#,
        r"text[a] esc[\\${] text[x} ] interp[${args.b}]{args:args.b}",
    );
    // A backslash that is not right before `${` is ordinary text.
    check(
        r#""\\ ${args.b}""#,
        r"text[\\ ] interp[${args.b}]{args:args.b}",
    );
}

#[test]
fn lambdas_and_opaque_callbacks() {
    check(
        r#""${fn.filter(args.list, (item, index) => fn.eq(item.name, 'x'))}""#,
        "interp[${fn.filter(args.list, (item, index) => fn.eq(item.name, 'x'))}]{fn:filter(args:args.list, \
         lambda(item,index => fn:eq(param:item.name, str<x>['x']))[(item, index) => fn.eq(item.name, 'x')])}",
    );
    check(
        r#""${fn.map(args.list, x => x.id)}""#,
        "interp[${fn.map(args.list, x => x.id)}]{fn:map(args:args.list, lambda(x => param:x.id)[x => x.id])}",
    );
    // Unknown callback syntax is accepted silently, kept balanced.
    check(
        r#""${fn.find(args.list, item -> item.name == 'a, b')}""#,
        "interp[${fn.find(args.list, item -> item.name == 'a, b')}]{fn:find(args:args.list, opaque[item -> item.name == 'a, b'])}",
    );
    check(
        r#""${fn.some(args.list, (i) => { return i.ok; })}""#,
        "interp[${fn.some(args.list, (i) => { return i.ok; })}]{fn:some(args:args.list, opaque[(i) => { return i.ok; }])}",
    );
    // Outside callback functions the same text is an error.
    let d = doc(r#""${fn.eq(args.list, item -> x)}""#);
    assert_eq!(
        problems(&d),
        ["expr/syntax@[-]: expected `,` or `)` after the argument, found `-`"]
    );
}

#[test]
fn problems_unterminated_and_empty() {
    check_problems(
        r#""${args.a""#,
        "interp[${args.a]{args:args.a}",
        &["expr/unterminated@[${]: `${` is never closed: expected `}`"],
    );
    check_problems(
        r#""${""#,
        "interp[${]{none}",
        &["expr/unterminated@[${]: `${` is never closed: expected `}`"],
    );
    check_problems(
        r#""${}""#,
        "interp[${}]{none}",
        &["expr/empty@[${}]: `${}` holds no expression"],
    );
    check_problems(
        r#""x${  }y""#,
        "text[x] interp[${  }]{none} text[y]",
        &["expr/empty@[${  }]: `${}` holds no expression"],
    );
    // A half-typed interpolation stops at the next `${`.
    check_problems(
        r#""${refs.a ${args.b}""#,
        "interp[${refs.a ]{refs:refs.a} interp[${args.b}]{args:args.b}",
        &["expr/unterminated@[${]: `${` is never closed: expected `}`"],
    );
    // The string token itself unterminated (as while typing).
    let d = doc(r#""${refs.bu"#);
    assert_eq!(render(&d), "interp[${refs.bu]{refs:refs.bu}");
    assert_eq!(
        problems(&d),
        ["expr/unterminated@[${]: `${` is never closed: expected `}`"]
    );
    assert_eq!(
        d.parsed.literal_problems[0].code,
        ProblemCode::JsonUnterminated
    );
    assert_eq!(d.parsed.literal_problems[0].span, Span::new(8, 18));
}

#[test]
fn problems_syntax() {
    check_problems(
        r#""${@}""#,
        "interp[${@}]{error[@]}",
        &["expr/syntax@[@]: unexpected `@`: expected an expression"],
    );
    check_problems(
        r#""${args.a args.b}""#,
        "interp[${args.a args.b}]{args:args.a}",
        &["expr/syntax@[args]: unexpected `args` after the expression"],
    );
    check_problems(
        r#""${refs}""#,
        "interp[${refs}]{refs:refs}",
        &["expr/syntax@[refs]: expected `.` and a node ref after `refs`"],
    );
    check_problems(
        r#""${args}""#,
        "interp[${args}]{args:args}",
        &["expr/syntax@[args]: expected `.` and an argument name after `args`"],
    );
    check_problems(
        r#""${refs.}""#,
        "interp[${refs.}]{refs:refs.}",
        &["expr/syntax@[.]: expected a name after `.`"],
    );
    check_problems(
        r#""${refs.a..b}""#,
        "interp[${refs.a..b}]{refs:refs.a..b}",
        &["expr/syntax@[.]: expected a name after `.`"],
    );
    check_problems(
        r#""${fn}""#,
        "interp[${fn}]{fn:}",
        &["expr/syntax@[fn]: expected `.` and a function name after `fn`"],
    );
    check_problems(
        r#""${fn.}""#,
        "interp[${fn.}]{fn:}",
        &["expr/syntax@[.]: expected a function name after `fn.`"],
    );
    check_problems(
        r#""${fn.eq}""#,
        "interp[${fn.eq}]{fn:eq}",
        &["expr/syntax@[eq]: expected `(` after `fn.eq`: functions are called as `fn.eq(…)`"],
    );
    check_problems(
        r#""${fn.a.b()}""#,
        "interp[${fn.a.b()}]{error[fn.a.b()]}",
        &[
            "expr/syntax@[.]: unexpected `.`: functions are called as `fn.a(…)`, without further `.` segments",
        ],
    );
    check_problems(
        r#""${args.x(1)}""#,
        "interp[${args.x(1)}]{error[args.x(1)]}",
        &["expr/syntax@[(]: only functions can be called: write `fn.<name>(…)`"],
    );
    check_problems(
        r#""${template.}""#,
        "interp[${template.}]{template+?:}",
        &["expr/syntax@[.]: expected `refs`, `args`, `fn` or `secrets` after `template.`"],
    );
    check_problems(
        r#""${fn.eq(, 1)}""#,
        "interp[${fn.eq(, 1)}]{fn:eq(missing, num:1)}",
        &["expr/syntax@[,]: expected an argument, found `,`"],
    );
    check_problems(
        r#""${fn.eq(1,)}""#,
        "interp[${fn.eq(1,)}]{fn:eq(num:1, missing)}",
        &["expr/syntax@[)]: expected an argument, found `)`"],
    );
    check_problems(
        r#""${fn.eq(1 2, 3)}""#,
        "interp[${fn.eq(1 2, 3)}]{fn:eq(num:1, num:3)}",
        &["expr/syntax@[2]: expected `,` or `)` after the argument, found `2`"],
    );
    check_problems(
        r#""${fn.eq(args.x(1, 2), 3)}""#,
        "interp[${fn.eq(args.x(1, 2), 3)}]{fn:eq(error[args.x(1, 2)], num:3)}",
        &["expr/syntax@[(]: only functions can be called: write `fn.<name>(…)`"],
    );
    check_problems(
        r#""${(args.a)}""#,
        "interp[${(args.a)}]{error[(args.a)]}",
        &["expr/syntax@[(]: unexpected `(`: expected an expression"],
    );
}

#[test]
fn problems_unbalanced_and_strings() {
    check_problems(
        r#""${fn.eq(args.a, 1}""#,
        "interp[${fn.eq(args.a, 1}]{fn:eq(args:args.a, num:1}",
        &["expr/unbalanced@[(]: `(` is never closed: expected `)`"],
    );
    check_problems(
        r#""${args.a)}""#,
        "interp[${args.a)}]{args:args.a}",
        &["expr/unbalanced@[)]: `)` has no matching `(`"],
    );
    check_problems(
        r#""${fn.eq(args.a, 'x)}""#,
        "interp[${fn.eq(args.a, 'x)}]{fn:eq(args:args.a, str<x)>['x)]}",
        &[
            "expr/string@['x)]: string literal is never closed: expected `'`",
            "expr/unbalanced@[(]: `(` is never closed: expected `)`",
        ],
    );
    // Unterminated everything: the interpolation, the call and the string.
    check_problems(
        r#""${fn.eq(args.a, 'x"#,
        "interp[${fn.eq(args.a, 'x]{fn:eq(args:args.a, str<x>['x]}",
        &[
            "expr/unterminated@[${]: `${` is never closed: expected `}`",
            "expr/string@['x]: string literal is never closed: expected `'`",
            "expr/unbalanced@[(]: `(` is never closed: expected `)`",
        ],
    );
}

#[test]
fn deep_nesting_is_bounded() {
    let depth = 5000;
    let token = format!("\"${{{}1{}}}\"", "fn.a(".repeat(depth), ")".repeat(depth));
    let d = doc(&token);
    let problems: Vec<_> = d.parsed.problems().collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, ProblemCode::TooDeep);
    assert_eq!(
        problems[0].message,
        "expression nested more than 64 levels deep: the rest is not checked"
    );
    // Lambdas nest too.
    let token = format!("\"${{{}1}}\"", "x => ".repeat(depth));
    let d = doc(&token);
    assert_eq!(
        d.parsed.problems().next().unwrap().code,
        ProblemCode::TooDeep
    );
    // Deep parentheses in an opaque callback are scanned without recursion.
    let token = format!(
        "\"${{fn.map(args.a, {}{})}}\"",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let d = doc(&token);
    assert_eq!(d.parsed.problems().count(), 0);
}

#[test]
fn json_literal_problems() {
    let d = doc(r#""a\qb""#);
    assert_eq!(d.parsed.decoded(), "aqb");
    let p = &d.parsed.literal_problems[0];
    assert_eq!(
        (p.code, d.slice(p.span)),
        (ProblemCode::JsonBadEscape, r"\q")
    );
    assert_eq!(
        p.message,
        "`\\q` is not a JSON escape: use `\\\\` for a backslash"
    );

    let d = doc(r#""\u12x${args.a}""#);
    assert_eq!(d.parsed.decoded(), "\u{FFFD}x${args.a}");
    let p = &d.parsed.literal_problems[0];
    assert_eq!(
        (p.code, d.slice(p.span)),
        (ProblemCode::JsonBadEscape, r"\u12")
    );
    assert_eq!(
        d.parsed.interpolations().next().unwrap().span,
        d.find("${args.a}")
    );

    let d = doc(r#""abc\"#);
    assert_eq!(d.parsed.decoded(), "abc");
    let codes: Vec<_> = d
        .parsed
        .literal_problems
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(codes, ["json/bad-escape", "json/unterminated-string"]);
    // The lone backslash decodes to nothing and stays outside the content.
    assert_eq!(d.parsed.content_span(), Span::new(9, 12));
    assert_eq!(d.parsed.token_span(), Span::new(8, 13));

    // Lone surrogate: U+FFFD, no complaint (JSON allows it).
    let d = doc(r#""\ud800x""#);
    assert_eq!(d.parsed.decoded(), "\u{FFFD}x");
    assert!(d.parsed.literal_problems.is_empty());

    // Input without quotes is decoded as content.
    let parsed = nfls_expr::parse_string_literal("${args.a}", 3);
    assert_eq!(
        parsed.interpolations().next().unwrap().span,
        Span::new(3, 12)
    );

    // Text after the closing quote is not part of the content.
    let d = doc(r#""${args.a}"xyz"#);
    assert_eq!(d.parsed.content_span(), Span::new(9, 18));
    let _ = PREFIX;
}

#[test]
fn arity_helpers_on_calls() {
    let d = doc(r#""${fn.if(fn.eq(args.a), 1, 2, 3)}""#);
    let i = d.parsed.single_interpolation().unwrap();
    let ExprKind::Call(outer) = &i.expr.as_ref().unwrap().kind else {
        panic!()
    };
    assert_eq!(
        outer.arity_error().unwrap(),
        "`fn.if` takes 2 or 3 arguments, got 4"
    );
    let ExprKind::Call(inner) = &outer.args[0].kind else {
        panic!()
    };
    assert_eq!(
        inner.arity_error().unwrap(),
        "`fn.eq` takes at least 2 arguments, got 1"
    );
    assert_eq!(inner.info().unwrap().name, "eq");
    let d = doc(r#""${fn.nope(1)} ${fn.not}""#);
    let calls: Vec<_> = d
        .parsed
        .interpolations()
        .map(|i| match &i.expr.as_ref().unwrap().kind {
            ExprKind::Call(c) => (c.info().is_some(), c.arity_error()),
            _ => panic!(),
        })
        .collect();
    assert_eq!(calls, [(false, None), (true, None)]);
    assert!(
        doc(r#""a${args.a}""#)
            .parsed
            .single_interpolation()
            .is_none()
    );
}

#[test]
fn half_typed_lambda_keeps_its_structure() {
    check_problems(
        r#""${fn.filter(args.l, (item) => item.)}""#,
        "interp[${fn.filter(args.l, (item) => item.)}]{fn:filter(args:args.l, lambda(item => param:item.)[(item) => item.])}",
        &["expr/syntax@[.]: expected a name after `.`"],
    );
}
