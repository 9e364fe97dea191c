//! Shared helpers: wrap a string token in a small JSON document, parse it, and check the
//! invariants every parse result must hold.
#![allow(dead_code)]

use nfls_expr::{ParsedString, Span, parse_string_literal};

/// The token is placed after this prefix so that every span is shifted by a non-zero offset.
pub const PREFIX: &str = "{\"key\": ";

pub struct Doc {
    pub text: String,
    pub parsed: ParsedString,
}

impl Doc {
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.range()]
    }
    /// Document span of the first occurrence of `needle` (after the prefix).
    pub fn find(&self, needle: &str) -> Span {
        let start = PREFIX.len()
            + self.text[PREFIX.len()..]
                .find(needle)
                .expect("needle present");
        Span::new(start as u32, (start + needle.len()) as u32)
    }
    /// Document span of the `n`th (0-based) occurrence of `needle`.
    pub fn find_nth(&self, needle: &str, n: usize) -> Span {
        let (start, _) = self.text[PREFIX.len()..]
            .match_indices(needle)
            .nth(n)
            .expect("needle present");
        let start = PREFIX.len() + start;
        Span::new(start as u32, (start + needle.len()) as u32)
    }
}

/// Parses `token` (raw source text, quotes included) as it would appear at offset 8 of a document.
pub fn doc(token: &str) -> Doc {
    let text = format!("{PREFIX}{token}}}");
    let parsed = parse_string_literal(token, PREFIX.len() as u32);
    check_invariants(&text, &parsed);
    Doc { text, parsed }
}

/// Span of `needle` inside `token` when the token sits at offset 8 (for expected values).
pub fn at(start: usize, len: usize) -> Span {
    Span::new(
        (PREFIX.len() + start) as u32,
        (PREFIX.len() + start + len) as u32,
    )
}

pub fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what}: reversed span {span:?}");
    assert!(
        (span.end as usize) <= text.len(),
        "{what}: span {span:?} past the end of {text:?}"
    );
    assert!(
        text.is_char_boundary(span.start as usize),
        "{what}: {span:?} start not on a char boundary"
    );
    assert!(
        text.is_char_boundary(span.end as usize),
        "{what}: {span:?} end not on a char boundary"
    );
}

/// Every span in bounds and on char boundaries; segments tile the content exactly; tokens sorted
/// and disjoint; problems inside the token.
pub fn check_invariants(text: &str, parsed: &ParsedString) {
    let token = parsed.token_span();
    let content = parsed.content_span();
    check_span(text, token, "token");
    check_span(text, content, "content");
    let mut at = content.start;
    for segment in &parsed.segments {
        let span = segment.span();
        check_span(text, span, "segment");
        assert_eq!(
            span.start, at,
            "segments must tile the content: {:?}",
            parsed.segments
        );
        assert!(!span.is_empty(), "empty segment");
        at = span.end;
    }
    assert_eq!(at, content.end, "segments must cover the content");
    for problem in parsed.problems().chain(&parsed.literal_problems) {
        check_span(text, problem.span, "problem");
        assert!(
            token.start <= problem.span.start && problem.span.end <= token.end,
            "problem outside token"
        );
        assert!(!problem.message.is_empty());
    }
    let mut last_end = 0;
    for token in parsed.tokens() {
        check_span(text, token.span, "token");
        assert!(!token.span.is_empty());
        assert!(
            token.span.start >= last_end,
            "tokens overlap: {:?}",
            parsed.tokens()
        );
        last_end = token.span.end;
    }
    for reference in parsed.references() {
        check_span(text, reference.name_span, "reference");
    }
}

/// Removes the `|` cursor marker from `token`; returns the token and the document offset.
pub fn with_cursor(token: &str) -> (String, u32) {
    let idx = token.find('|').expect("cursor marker");
    let mut clean = token.to_owned();
    clean.remove(idx);
    (clean, (PREFIX.len() + idx) as u32)
}
