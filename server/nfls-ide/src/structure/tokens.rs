//! Semantic tokens for `${…}` expressions inside JSON strings.
//!
//! Editors colour the whole string as a string; these tokens pick out what the expression
//! language means inside it. Only strings whose decoded value contains `${` are parsed, so a
//! large template costs one scan of its string values plus a parse per expression string.

use nfls_expr::TokenKind as ExprToken;
use nfls_syntax::{NodeKind, TextRange};

use super::walk::preorder;
use crate::Analysis;
use crate::types::{SemanticToken, TokenKind};

pub(crate) fn semantic_tokens(analysis: &Analysis) -> Vec<SemanticToken> {
    if analysis.classification.is_none() {
        return Vec::new();
    }
    let tree = &analysis.parse.tree;
    let text = tree.text();
    let Some(root) = tree.root() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for value in preorder(root) {
        if value.kind() != NodeKind::String || !value.as_str().is_some_and(|s| s.contains("${")) {
            continue;
        }
        let parsed = nfls_expr::parse_string_literal(value.text(), value.range().start);
        for token in parsed.tokens() {
            let Some(kind) = map_kind(token.kind) else {
                continue;
            };
            push_split(
                text,
                TextRange::new(token.span.start, token.span.end),
                kind,
                &mut out,
            );
        }
    }
    out
}

/// How each expression token shows. Unknown roots (`${MESSAGE}`) and unparsed callback text get
/// no token: they keep the string's colour, which is the honest answer for text the language
/// does not define.
fn map_kind(kind: ExprToken) -> Option<TokenKind> {
    Some(match kind {
        ExprToken::RootKeyword => TokenKind::Keyword,
        ExprToken::RefName => TokenKind::Variable,
        ExprToken::ArgName | ExprToken::SecretName | ExprToken::Parameter => TokenKind::Parameter,
        ExprToken::PathSegment => TokenKind::Property,
        ExprToken::FunctionName => TokenKind::Function,
        ExprToken::String => TokenKind::String,
        ExprToken::Number => TokenKind::Number,
        ExprToken::Boolean => TokenKind::Boolean,
        // `${`, `}`, `.`, `(`, `)`, `,` and `=>`: operators, so the expression's skeleton
        // stands out from the surrounding string.
        ExprToken::Punctuation | ExprToken::Operator => TokenKind::Operator,
        ExprToken::Escape => TokenKind::Escape,
        ExprToken::UnknownRoot | ExprToken::Opaque => return None,
    })
}

/// Pushes the token, split at line breaks. A terminated JSON string holds no raw line break, so
/// this only splits in broken text; LSP tokens must not span lines.
fn push_split(text: &str, range: TextRange, kind: TokenKind, out: &mut Vec<SemanticToken>) {
    let slice = &text.as_bytes()[range.start as usize..range.end as usize];
    if !slice.iter().any(|&b| b == b'\n' || b == b'\r') {
        out.push(SemanticToken { range, kind });
        return;
    }
    let mut start = range.start;
    let mut i = 0;
    while i < slice.len() {
        if slice[i] == b'\n' || slice[i] == b'\r' {
            let here = range.start + i as u32;
            if here > start {
                out.push(SemanticToken {
                    range: TextRange::new(start, here),
                    kind,
                });
            }
            start = here + 1;
        }
        i += 1;
    }
    if range.end > start {
        out.push(SemanticToken {
            range: TextRange::new(start, range.end),
            kind,
        });
    }
}
