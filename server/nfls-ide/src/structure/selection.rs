//! Selection ranges ("expand selection"): from the expression token under the cursor out to the
//! whole document, one syntactic step at a time.

use nfls_expr::{Expr, ExprKind, Span, TokenKind as ExprToken};
use nfls_syntax::{TextRange, Tree, Value};

use crate::Analysis;

pub(crate) fn selection_ranges(analysis: &Analysis, offset: u32) -> Vec<TextRange> {
    let tree = &analysis.parse.tree;
    let text = tree.text();
    let offset = snap_to_char(text, offset);
    let mut out = Chain::default();
    chain(tree, offset, &mut out);
    let document = TextRange::new(0, text.len() as u32);
    if out.0.is_empty() {
        // Also for an empty document: the list is never empty.
        return vec![document];
    }
    out.push(document);
    out.0
}

/// Ranges pushed innermost first; empty ranges and a range equal to the previous one are
/// skipped, and one that does not contain the previous one is widened to do so (LSP requires
/// each parent to contain its child).
#[derive(Default)]
struct Chain(Vec<TextRange>);

impl Chain {
    fn push(&mut self, range: TextRange) {
        if range.is_empty() {
            return;
        }
        let range = match self.0.last() {
            Some(&last) => range.cover(last),
            None => range,
        };
        if self.0.last() != Some(&range) {
            self.0.push(range);
        }
    }
}

fn chain(tree: &Tree, offset: u32, out: &mut Chain) {
    let Some(value) = tree.covering_value(offset) else {
        return;
    };
    let member = tree.covering_member(offset);
    // The covering member's value holds the offset unless the offset is on the key, the colon or
    // the blanks between them: then the member is the innermost thing there is.
    let mut next = match member {
        Some(member)
            if member
                .value()
                .is_none_or(|v| !v.range().contains_inclusive(offset)) =>
        {
            if member.key_range().contains_inclusive(offset) {
                out.push(member.key_content_range());
                out.push(member.key_range());
            }
            out.push(member.range());
            Some(member.object().value())
        }
        _ => {
            if value.as_str().is_some() {
                string_ranges(value, offset, out);
            }
            Some(value)
        }
    };
    // Every container from here up, each followed by the member it is the value of.
    while let Some(value) = next {
        out.push(value.range());
        if let Some(member) = value.parent_member() {
            out.push(member.range());
        }
        next = value.parent();
    }
}

/// Inside a string: the expression token, the expressions around it, the interpolation, and
/// the string's content. The string itself is pushed by the caller.
fn string_ranges(value: Value<'_>, offset: u32, out: &mut Chain) {
    let Some(content) = value.string_content_range() else {
        return;
    };
    if value.as_str().is_some_and(|s| s.contains("${")) {
        let parsed = nfls_expr::parse_string_literal(value.text(), value.range().start);
        if let Some(interpolation) = parsed.interpolations().find(|i| i.span.touches(offset)) {
            // The token at the cursor. At the boundary between a word and punctuation (`refs|.`)
            // the word wins: that is what a double-click would select.
            let tokens = parsed.tokens();
            let token = tokens
                .iter()
                .filter(|t| t.span.touches(offset) && interpolation.span.touches(t.span.start))
                .min_by_key(|t| (t.kind == ExprToken::Punctuation, !t.span.contains(offset)));
            if let Some(token) = token {
                out.push(range(token.span));
            }
            if let Some(expr) = &interpolation.expr {
                for span in expression_spans(expr, offset).into_iter().rev() {
                    out.push(range(span));
                }
            }
            out.push(range(interpolation.inner()));
            out.push(range(interpolation.span));
        }
    }
    out.push(content);
}

/// The spans of the expressions that touch `offset`, outermost first. The expression tree is
/// bounded by `nfls_expr::MAX_DEPTH`, and this walks it with a loop anyway.
fn expression_spans(expr: &Expr, offset: u32) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut current = Some(expr);
    while let Some(expr) = current.take() {
        if !expr.span.touches(offset) || expr.span.is_empty() {
            break;
        }
        spans.push(expr.span);
        current = match &expr.kind {
            ExprKind::Call(call) => call
                .args
                .iter()
                .find(|arg| arg.span.contains(offset))
                .or_else(|| call.args.iter().find(|arg| arg.span.touches(offset))),
            ExprKind::Lambda(lambda) => lambda.body.as_deref(),
            _ => None,
        };
    }
    spans
}

fn range(span: Span) -> TextRange {
    TextRange::new(span.start, span.end)
}

/// Clamps `offset` into the text and moves it back to a character boundary.
fn snap_to_char(text: &str, offset: u32) -> u32 {
    let mut offset = (offset as usize).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset as u32
}
