//! Fuzz target `expr`: arbitrary bytes become the content of a JSON string literal inside a small
//! document; the literal is parsed and queried at every offset. Every span must be in bounds and
//! on UTF-8 character boundaries, segments must tile the content, and nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nfls_expr::{Expr, ExprKind, ParsedString, Segment, Span, parse_string_literal};

const PREFIX: &str = "{\"k\": ";

fn check_span(doc: &str, span: Span, lo: u32, hi: u32) {
    assert!(span.start <= span.end, "reversed {span:?}");
    assert!(
        lo <= span.start && span.end <= hi,
        "{span:?} outside {lo}..{hi}"
    );
    assert!(doc.is_char_boundary(span.start as usize) && doc.is_char_boundary(span.end as usize));
}

fn check_expr(doc: &str, p: &ParsedString, e: &Expr, lo: u32, hi: u32) {
    check_span(doc, e.span, lo, hi);
    let _ = p.decoded_text(e.span);
    match &e.kind {
        ExprKind::Path(path) => {
            for s in path.template.iter().chain([&path.root_span]) {
                check_span(doc, *s, e.span.start, e.span.end);
            }
            for seg in &path.segments {
                check_span(doc, seg.span, e.span.start, e.span.end);
                check_span(doc, seg.dot, e.span.start, e.span.end);
            }
        }
        ExprKind::Call(call) => {
            let spans = call
                .template
                .iter()
                .chain([&call.fn_keyword, &call.name_span]);
            let spans = spans
                .chain(call.open_paren.iter())
                .chain(call.close_paren.iter())
                .chain(call.commas.iter());
            for s in spans {
                check_span(doc, *s, e.span.start, e.span.end);
            }
            for arg in &call.args {
                check_expr(doc, p, arg, e.span.start, e.span.end);
            }
            let _ = call.arity_error();
        }
        ExprKind::Lambda(lambda) => {
            check_span(doc, lambda.arrow, e.span.start, e.span.end);
            for param in &lambda.params {
                check_span(doc, param.span, e.span.start, e.span.end);
            }
            if let Some(body) = &lambda.body {
                check_expr(doc, p, body, e.span.start, e.span.end);
            }
        }
        _ => {}
    }
}

fn check(doc: &str, token: &str, offset: u32) {
    let p = parse_string_literal(token, offset);
    let (lo, hi) = (offset, offset + token.len() as u32);
    check_span(doc, p.token_span(), lo, hi);
    let content = p.content_span();
    check_span(doc, content, lo, hi);
    let mut at = content.start;
    for segment in &p.segments {
        let span = segment.span();
        check_span(doc, span, content.start, content.end);
        assert_eq!(span.start, at, "segments must tile the content");
        assert!(!span.is_empty());
        at = span.end;
        if let Segment::Interpolation(i) = segment {
            check_span(doc, i.open, span.start, span.end);
            check_span(doc, i.inner(), span.start, span.end);
            if let Some(close) = i.close {
                check_span(doc, close, span.start, span.end);
            }
            if let Some(e) = &i.expr {
                check_expr(doc, &p, e, i.inner().start, i.inner().end);
            }
            for problem in &i.problems {
                check_span(doc, problem.span, span.start, span.end);
            }
        }
    }
    assert_eq!(at, content.end, "segments must cover the content");
    for problem in &p.literal_problems {
        check_span(doc, problem.span, lo, hi);
    }
    let mut last = 0;
    for t in p.tokens() {
        check_span(doc, t.span, content.start, content.end);
        assert!(
            t.span.start >= last && !t.span.is_empty(),
            "tokens overlap or are empty"
        );
        last = t.span.end;
    }
    for r in p.references() {
        check_span(doc, r.name_span, content.start, content.end);
    }
    for cursor_at in 0..=doc.len() as u32 + 1 {
        if let Some(c) = p.cursor(cursor_at) {
            check_span(doc, c.span, content.start, content.end);
            // Offsets inside a character or an escape snap back to its start.
            assert!(c.span.start <= cursor_at);
            let exact = doc.is_char_boundary(cursor_at as usize)
                && !doc[..cursor_at as usize].contains('\\');
            assert!(
                c.span.touches(cursor_at) || !exact,
                "cursor span must touch the cursor"
            );
            assert!(c.interpolation.inner().touches(cursor_at) || !exact);
            assert!(c.prefix.len() <= p.decoded().len());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let content = String::from_utf8_lossy(data);
    // Wrapped as a string literal in a document (the literal may end early at a raw `"`).
    let token = format!("\"{content}\"");
    let doc = format!("{PREFIX}{token}}}");
    check(&doc, &token, PREFIX.len() as u32);
    // The same bytes as a token on their own (no quotes, possibly unterminated).
    let doc = format!("{PREFIX}{content}");
    check(&doc, &content, PREFIX.len() as u32);
});
