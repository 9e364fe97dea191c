//! The parser: splits a decoded string into text, escapes and `${…}`, and parses each
//! interpolation into an expression tree with recovery.
//!
//! Works on the decoded string (what Northflank evaluates) and converts every position to a
//! document span through the decoder's position map as soon as a node is built.

use crate::ast::{
    Call, Expr, ExprKind, Interpolation, Lambda, LambdaParam, Path, PathSegment, Problem,
    ProblemCode, Root, Segment,
};
use crate::decode::{Decoded, decode};
use crate::functions;
use crate::span::Span;

/// Calls, lambdas and strings nested deeper than this are reported and not followed, so that a
/// hostile string cannot overflow the stack of the parser or of the tree walkers.
pub const MAX_DEPTH: usize = 64;

/// A parsed JSON string literal: its segments, the expressions inside, and the problems.
#[derive(Clone, Debug)]
pub struct ParsedString {
    pub segments: Vec<Segment>,
    /// Problems of the JSON token itself (bad escape, missing closing quote). The JSON parser
    /// normally reports these already; they are kept apart so callers can drop them.
    pub literal_problems: Vec<Problem>,
    pub(crate) decoded: Decoded,
}

impl ParsedString {
    /// The whole token, quotes included.
    pub fn token_span(&self) -> Span {
        self.decoded.token
    }

    /// The text between the quotes.
    pub fn content_span(&self) -> Span {
        self.decoded.content
    }

    /// The decoded string value (what the platform sees before interpolation).
    pub fn decoded(&self) -> &str {
        &self.decoded.text
    }

    /// The decoded text of a document span inside the content. Span edges inside an escape
    /// sequence move to the end of that escape.
    pub fn decoded_text(&self, span: Span) -> &str {
        let start = self.decoded.decoded_index_at_or_after(span.start);
        let end = self.decoded.decoded_index_at_or_after(span.end).max(start);
        &self.decoded.text[start..end]
    }

    pub fn interpolations(&self) -> impl Iterator<Item = &Interpolation> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Interpolation(i) => Some(i),
            _ => None,
        })
    }

    pub fn has_interpolation(&self) -> bool {
        self.interpolations().next().is_some()
    }

    /// The interpolation when the string is exactly one `${…}` and nothing else: such a string
    /// may stand in for a number, boolean or object.
    pub fn single_interpolation(&self) -> Option<&Interpolation> {
        match self.segments.as_slice() {
            [Segment::Interpolation(i)] => Some(i),
            _ => None,
        }
    }

    /// All expression problems (not [`ParsedString::literal_problems`]), in source order.
    pub fn problems(&self) -> impl Iterator<Item = &Problem> {
        self.interpolations().flat_map(|i| i.problems.iter())
    }
}

/// Parses one JSON string token. `source` is the token's raw text *including its quotes*, exactly
/// as in the document; `offset` is where it starts in the document. Never panics; malformed
/// tokens (no closing quote, bad escapes) are decoded leniently and reported in
/// [`ParsedString::literal_problems`].
pub fn parse_string_literal(source: &str, offset: u32) -> ParsedString {
    let mut decoded = decode(source, offset);
    let literal_problems = std::mem::take(&mut decoded.problems);
    let segments = split_segments(&decoded);
    ParsedString {
        segments,
        literal_problems,
        decoded,
    }
}

fn split_segments(d: &Decoded) -> Vec<Segment> {
    let bytes = d.text.as_bytes();
    let n = bytes.len();
    let mut segments = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let flush = |segments: &mut Vec<Segment>, from: usize, to: usize| {
        if to > from {
            segments.push(Segment::Text {
                span: d.span(from, to),
                value: d.text[from..to].to_owned(),
            });
        }
    };
    while i < n {
        if bytes[i] == b'\\' && bytes[i + 1..].starts_with(b"${") {
            flush(&mut segments, text_start, i);
            segments.push(Segment::Escape {
                span: d.span(i, i + 3),
            });
            i += 3;
            text_start = i;
        } else if bytes[i..].starts_with(b"${") {
            flush(&mut segments, text_start, i);
            let (interpolation, next) = parse_interpolation(d, i);
            segments.push(Segment::Interpolation(interpolation));
            i = next;
            text_start = i;
        } else {
            i += 1;
        }
    }
    flush(&mut segments, text_start, n);
    segments
}

/// Finds where the interpolation whose content starts at `from` ends. Returns the end of the
/// content and the index of the closing `}` if there is one. Braces nest; quotes hide braces.
/// A new `${` outside quotes ends an unterminated interpolation, so that while typing
/// `"${refs.a ${args.b}"` the second one still parses on its own.
fn find_close(bytes: &[u8], from: usize) -> (usize, Option<usize>) {
    let scan = |track_quotes: bool| -> (usize, Option<usize>, bool) {
        let mut depth = 0usize;
        let mut quote = None;
        let mut k = from;
        while k < bytes.len() {
            let b = bytes[k];
            if let Some(q) = quote {
                if b == b'\\' {
                    k += 2;
                    continue;
                }
                if b == q {
                    quote = None;
                }
                k += 1;
                continue;
            }
            match b {
                b'\'' | b'"' if track_quotes => quote = Some(b),
                b'{' => depth += 1,
                b'}' if depth == 0 => return (k, Some(k), false),
                b'}' => depth -= 1,
                b'$' if depth == 0 && bytes.get(k + 1) == Some(&b'{') => return (k, None, false),
                _ => {}
            }
            k += 1;
        }
        (bytes.len(), None, quote.is_some())
    };
    let (end, close, quote_open) = scan(true);
    if close.is_none() && quote_open {
        // An unclosed quote swallowed the rest; the `}` is more likely the real end.
        let (end2, close2, _) = scan(false);
        if close2.is_some() {
            return (end2, close2);
        }
    }
    (end, close)
}

fn parse_interpolation(d: &Decoded, start: usize) -> (Interpolation, usize) {
    let content_start = start + 2;
    let (content_end, close) = find_close(d.text.as_bytes(), content_start);
    let mut p = Parser::new(d, content_start, content_end);
    p.skip_ws();
    let mut expr = None;
    if p.pos == content_end {
        if let Some(close) = close {
            p.error(
                ProblemCode::Empty,
                "`${}` holds no expression".to_owned(),
                start,
                close + 1,
            );
        }
    } else {
        expr = p.parse_expr();
        p.skip_ws();
        if p.pos < content_end && !p.bailed {
            let (ts, te) = p.token_at(p.pos);
            let token = p.text(ts, te).to_owned();
            if token == ")" {
                p.error(
                    ProblemCode::Unbalanced,
                    "`)` has no matching `(`".to_owned(),
                    ts,
                    te,
                );
            } else if expr.is_some() {
                p.error(
                    ProblemCode::Syntax,
                    format!("unexpected `{token}` after the expression"),
                    ts,
                    te,
                );
            } else {
                p.error(
                    ProblemCode::Syntax,
                    format!("unexpected `{token}`: expected an expression"),
                    ts,
                    te,
                );
            }
        }
    }
    let mut problems = p.problems;
    if close.is_none() {
        problems.insert(
            0,
            Problem {
                code: ProblemCode::Unterminated,
                message: "`${` is never closed: expected `}`".to_owned(),
                span: d.span(start, start + 2),
            },
        );
    }
    let end = close.map_or(content_end, |c| c + 1);
    let interpolation = Interpolation {
        span: d.span(start, end),
        open: d.span(start, start + 2),
        close: close.map(|c| d.span(c, c + 1)),
        expr,
        problems,
    };
    (interpolation, end)
}

struct Parser<'a> {
    d: &'a Decoded,
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    problems: Vec<Problem>,
    depth: usize,
    /// Parameters of the lambdas around the current position.
    params: Vec<String>,
    /// Set after a too-deep report: the rest was skipped and further problems would be noise.
    bailed: bool,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

/// Names may contain `-` (node refs such as `build-source-1`, secret ids); there are no infix
/// operators in the language, so this is unambiguous.
fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

impl<'a> Parser<'a> {
    fn new(d: &'a Decoded, start: usize, end: usize) -> Parser<'a> {
        Parser {
            d,
            bytes: d.text.as_bytes(),
            pos: start,
            end,
            problems: Vec::new(),
            depth: 0,
            params: Vec::new(),
            bailed: false,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        self.d.span(start, end)
    }

    fn text(&self, start: usize, end: usize) -> &'a str {
        &self.d.text[start..end]
    }

    fn error(&mut self, code: ProblemCode, message: String, start: usize, end: usize) {
        if !self.bailed {
            self.problems.push(Problem {
                code,
                message,
                span: self.span(start, end),
            });
        }
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.bytes[self.pos])
    }

    fn peek_at(&self, at: usize) -> Option<u8> {
        (at < self.end).then(|| self.bytes[at])
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The offending token at `at`, for messages: a run of name characters, or one character.
    fn token_at(&self, at: usize) -> (usize, usize) {
        let mut end = at;
        while end < self.end && is_ident_continue(self.bytes[end]) && end - at < 40 {
            end += 1;
        }
        if end == at {
            end = at + self.d.text[at..].chars().next().map_or(1, char::len_utf8);
        }
        (at, end)
    }

    fn read_while(&mut self, pred: impl Fn(u8) -> bool) -> (usize, usize) {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        (start, self.pos)
    }

    fn read_ident(&mut self) -> (usize, usize) {
        if self.peek().is_some_and(is_ident_start) {
            self.read_while(is_ident_continue)
        } else {
            (self.pos, self.pos)
        }
    }

    /// Skips to the next `,` or `)` at nesting depth 0 (or the end), honouring quotes and
    /// brackets. Used for recovery and for opaque callback arguments.
    fn skip_to_separator(&mut self) {
        let mut depth = 0usize;
        let mut quote = None;
        while let Some(b) = self.peek() {
            if let Some(q) = quote {
                if b == b'\\' {
                    self.pos = (self.pos + 2).min(self.end);
                    continue;
                }
                if b == q {
                    quote = None;
                }
            } else {
                match b {
                    b'\'' | b'"' => quote = Some(b),
                    b'(' | b'[' | b'{' => depth += 1,
                    b',' | b')' if depth == 0 => return,
                    b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            self.pos += 1;
        }
    }

    /// After a consumed `(`: skips to its matching `)` (consuming it) or to the end.
    fn skip_to_separator_or_close(&mut self) {
        loop {
            self.skip_to_separator();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    return;
                }
                _ => return,
            }
        }
    }

    /// Parses one expression starting at the current position (after whitespace). `None` when
    /// there is none here (end of input, `,` or `)`); the caller decides what that means.
    fn parse_expr(&mut self) -> Option<Expr> {
        self.skip_ws();
        let start = self.pos;
        let b = self.peek()?;
        if self.depth >= MAX_DEPTH {
            self.error(
                ProblemCode::TooDeep,
                format!(
                    "expression nested more than {MAX_DEPTH} levels deep: the rest is not checked"
                ),
                start,
                self.end,
            );
            self.bailed = true;
            self.pos = self.end;
            return Some(Expr {
                span: self.span(start, self.end),
                kind: ExprKind::Error,
            });
        }
        match b {
            b'\'' | b'"' => Some(self.parse_string()),
            b'0'..=b'9' => Some(self.parse_number()),
            b'-' if self.peek_at(start + 1).is_some_and(|c| c.is_ascii_digit()) => {
                Some(self.parse_number())
            }
            b',' | b')' => None,
            b'(' => {
                if let Some(lambda) = self.try_lambda() {
                    return Some(lambda);
                }
                let (ts, te) = self.token_at(start);
                self.error(
                    ProblemCode::Syntax,
                    "unexpected `(`: expected an expression".to_owned(),
                    ts,
                    te,
                );
                self.pos += 1;
                self.skip_to_separator_or_close();
                Some(Expr {
                    span: self.span(start, self.pos),
                    kind: ExprKind::Error,
                })
            }
            b if is_ident_start(b) => {
                if let Some(lambda) = self.try_lambda() {
                    return Some(lambda);
                }
                Some(self.parse_ident_led())
            }
            _ => {
                let (ts, te) = self.token_at(start);
                let token = self.text(ts, te).to_owned();
                self.error(
                    ProblemCode::Syntax,
                    format!("unexpected `{token}`: expected an expression"),
                    ts,
                    te,
                );
                self.pos = te;
                Some(Expr {
                    span: self.span(ts, te),
                    kind: ExprKind::Error,
                })
            }
        }
    }

    fn parse_string(&mut self) -> Expr {
        let start = self.pos;
        let quote = self.bytes[start];
        self.pos += 1;
        let mut value = String::new();
        let mut closed = false;
        while let Some(b) = self.peek() {
            if b == b'\\'
                && matches!(self.peek_at(self.pos + 1), Some(n) if n == quote || n == b'\\')
            {
                value.push(self.bytes[self.pos + 1] as char);
                self.pos += 2;
            } else if b == quote {
                self.pos += 1;
                closed = true;
                break;
            } else {
                let ch = self.d.text[self.pos..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                value.push(ch);
                self.pos += ch.len_utf8();
            }
        }
        let q = quote as char;
        if !closed {
            self.error(
                ProblemCode::BadString,
                format!("string literal is never closed: expected `{q}`"),
                start,
                self.pos,
            );
        } else if quote == b'"' {
            self.error(
                ProblemCode::BadString,
                "string literals use single quotes: write `'…'`".to_owned(),
                start,
                self.pos,
            );
        }
        Expr {
            span: self.span(start, self.pos),
            kind: ExprKind::String { value },
        }
    }

    fn parse_number(&mut self) -> Expr {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        self.read_while(|b| b.is_ascii_digit());
        if self.peek() == Some(b'.')
            && self
                .peek_at(self.pos + 1)
                .is_some_and(|b| b.is_ascii_digit())
        {
            self.pos += 1;
            self.read_while(|b| b.is_ascii_digit());
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            let mut k = self.pos + 1;
            if matches!(self.peek_at(k), Some(b'+' | b'-')) {
                k += 1;
            }
            if self.peek_at(k).is_some_and(|b| b.is_ascii_digit()) {
                self.pos = k;
                self.read_while(|b| b.is_ascii_digit());
            }
        }
        let text = self.text(start, self.pos).to_owned();
        Expr {
            span: self.span(start, self.pos),
            kind: ExprKind::Number { text },
        }
    }

    /// Recognises `name => body` and `(a, b) => body` (restoring the position if it is not a
    /// lambda). The callback syntax is UNCONFIRMED; this is the JavaScript arrow form the
    /// documentation's `(item, index) => boolean` suggests.
    fn try_lambda(&mut self) -> Option<Expr> {
        let start = self.pos;
        let mut params = Vec::new();
        if self.peek() == Some(b'(') {
            self.pos += 1;
            self.skip_ws();
            while self.peek() != Some(b')') {
                let (s, e) = self.read_ident();
                if s == e {
                    self.pos = start;
                    return None;
                }
                params.push(LambdaParam {
                    name: self.text(s, e).to_owned(),
                    span: self.span(s, e),
                });
                self.skip_ws();
                if self.peek() == Some(b',') {
                    self.pos += 1;
                    self.skip_ws();
                } else if self.peek() != Some(b')') {
                    self.pos = start;
                    return None;
                }
            }
            self.pos += 1;
        } else {
            let (s, e) = self.read_ident();
            params.push(LambdaParam {
                name: self.text(s, e).to_owned(),
                span: self.span(s, e),
            });
        }
        self.skip_ws();
        if !(self.peek() == Some(b'=') && self.peek_at(self.pos + 1) == Some(b'>')) {
            self.pos = start;
            return None;
        }
        let arrow = self.span(self.pos, self.pos + 2);
        self.pos += 2;
        let scope_len = self.params.len();
        self.params.extend(params.iter().map(|p| p.name.clone()));
        self.depth += 1;
        let body = self.parse_expr();
        self.depth -= 1;
        self.params.truncate(scope_len);
        if body.is_none() {
            let (ts, te) = if self.pos < self.end {
                self.token_at(self.pos)
            } else {
                (self.pos, self.pos)
            };
            self.error(
                ProblemCode::Syntax,
                "expected an expression after `=>`".to_owned(),
                ts,
                te,
            );
        }
        let end = body.as_ref().map_or(arrow.end, |b| b.span.end);
        Some(Expr {
            span: Span::new(self.d.offsets[start], end),
            kind: ExprKind::Lambda(Lambda {
                params,
                arrow,
                body: body.map(Box::new),
            }),
        })
    }

    fn parse_ident_led(&mut self) -> Expr {
        let start = self.pos;
        let (ws, we) = self.read_ident();
        let word = self.text(ws, we);
        let mut template = None;
        let (mut rs, mut re) = (ws, we);
        if word == "template" && self.peek() == Some(b'.') {
            template = Some(self.span(ws, we));
            self.pos += 1;
            (rs, re) = self.read_ident();
            if rs == re {
                let message =
                    "expected `refs`, `args`, `fn` or `secrets` after `template.`".to_owned();
                self.error(ProblemCode::Syntax, message, re - 1, re);
                let path = Path {
                    template,
                    root: Root::Unknown,
                    root_name: String::new(),
                    root_span: self.span(re, re),
                    segments: Vec::new(),
                };
                return Expr {
                    span: self.span(start, self.pos),
                    kind: ExprKind::Path(path),
                };
            }
        } else if (word == "true" || word == "false") && !matches!(self.peek(), Some(b'.' | b'(')) {
            return Expr {
                span: self.span(ws, we),
                kind: ExprKind::Bool(word == "true"),
            };
        }
        let root_name = self.text(rs, re);
        let root_span = self.span(rs, re);
        if root_name == "fn" {
            return self.parse_call(start, template, root_span);
        }
        let root = match root_name {
            "args" => Root::Args,
            "refs" => Root::Refs,
            "secrets" => Root::Secrets,
            name if template.is_none() && self.params.iter().any(|p| p == name) => Root::Param,
            _ => Root::Unknown,
        };
        let mut segments = Vec::new();
        while self.peek() == Some(b'.') {
            let dot = self.pos;
            self.pos += 1;
            let (ss, se) = self.read_while(is_ident_continue);
            if ss == se {
                self.error(
                    ProblemCode::Syntax,
                    "expected a name after `.`".to_owned(),
                    dot,
                    dot + 1,
                );
            }
            segments.push(PathSegment {
                name: self.text(ss, se).to_owned(),
                span: self.span(ss, se),
                dot: self.span(dot, dot + 1),
            });
        }
        if segments.is_empty() {
            let what = match root {
                Root::Args => Some("an argument name"),
                Root::Refs => Some("a node ref"),
                Root::Secrets => Some("a secret id"),
                Root::Param | Root::Unknown => None,
            };
            if let Some(what) = what {
                let message = format!("expected `.` and {what} after `{root_name}`");
                self.error(ProblemCode::Syntax, message, rs, re);
            }
        }
        let path_end = self.pos;
        let root_name = root_name.to_owned();
        let path = Path {
            template,
            root,
            root_name,
            root_span,
            segments,
        };
        let save = self.pos;
        self.skip_ws();
        if self.peek() == Some(b'(') {
            let paren = self.pos;
            self.error(
                ProblemCode::Syntax,
                "only functions can be called: write `fn.<name>(…)`".to_owned(),
                paren,
                paren + 1,
            );
            self.pos += 1;
            self.skip_to_separator_or_close();
            return Expr {
                span: self.span(start, self.pos),
                kind: ExprKind::Error,
            };
        }
        self.pos = save;
        Expr {
            span: self.span(start, path_end),
            kind: ExprKind::Path(path),
        }
    }

    fn parse_call(&mut self, start: usize, template: Option<Span>, fn_keyword: Span) -> Expr {
        let mut call = Call {
            template,
            fn_keyword,
            name: String::new(),
            name_span: Span::empty(fn_keyword.end),
            open_paren: None,
            close_paren: None,
            args: Vec::new(),
            commas: Vec::new(),
        };
        let fn_end = self.pos;
        if self.peek() != Some(b'.') {
            self.error(
                ProblemCode::Syntax,
                "expected `.` and a function name after `fn`".to_owned(),
                fn_end - 2,
                fn_end,
            );
            return Expr {
                span: self.span(start, self.pos),
                kind: ExprKind::Call(call),
            };
        }
        self.pos += 1;
        let (ns, ne) = self.read_ident();
        call.name = self.text(ns, ne).to_owned();
        call.name_span = self.span(ns, ne);
        if ns == ne {
            self.error(
                ProblemCode::Syntax,
                "expected a function name after `fn.`".to_owned(),
                ns - 1,
                ns,
            );
            return Expr {
                span: self.span(start, self.pos),
                kind: ExprKind::Call(call),
            };
        }
        let after_name = self.pos;
        self.skip_ws();
        match self.peek() {
            Some(b'(') => {}
            Some(b'.') => {
                let name = &call.name;
                let message = format!(
                    "unexpected `.`: functions are called as `fn.{name}(…)`, without further `.` segments"
                );
                self.error(ProblemCode::Syntax, message, self.pos, self.pos + 1);
                while self.peek() == Some(b'.') {
                    self.pos += 1;
                    self.read_while(is_ident_continue);
                }
                // Swallow the argument list too: one problem is enough.
                let after_path = self.pos;
                self.skip_ws();
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    self.skip_to_separator_or_close();
                } else {
                    self.pos = after_path;
                }
                return Expr {
                    span: self.span(start, self.pos),
                    kind: ExprKind::Error,
                };
            }
            _ => {
                self.pos = after_name;
                let name = &call.name;
                let message = format!(
                    "expected `(` after `fn.{name}`: functions are called as `fn.{name}(…)`"
                );
                self.error(ProblemCode::Syntax, message, ns, ne);
                return Expr {
                    span: self.span(start, self.pos),
                    kind: ExprKind::Call(call),
                };
            }
        }
        let open = self.pos;
        call.open_paren = Some(self.span(open, open + 1));
        self.pos += 1;
        self.depth += 1;
        self.parse_args(&mut call, open);
        self.depth -= 1;
        Expr {
            span: self.span(start, self.pos),
            kind: ExprKind::Call(call),
        }
    }

    fn parse_args(&mut self, call: &mut Call, open: usize) {
        let takes_callback =
            functions::lookup(&call.name).is_some_and(|f| f.callback_arg.is_some());
        self.skip_ws();
        if self.peek() == Some(b')') {
            call.close_paren = Some(self.span(self.pos, self.pos + 1));
            self.pos += 1;
            return;
        }
        loop {
            self.skip_ws();
            let arg_start = self.pos;
            let problems_before = self.problems.len();
            let arg = self.parse_expr();
            self.skip_ws();
            let clean = matches!(self.peek(), Some(b',' | b')') | None);
            // A recognised arrow function that ends cleanly keeps its own problems (typically a
            // half-typed path in its body); anything else that fails is accepted as opaque text.
            let is_clean_lambda = clean
                && matches!(
                    &arg,
                    Some(Expr {
                        kind: ExprKind::Lambda(_),
                        ..
                    })
                );
            let failed = self.problems.len() > problems_before || !clean;
            if takes_callback && !self.bailed && failed && !is_clean_lambda {
                // The callback syntax is not documented: accept any balanced text silently.
                self.problems.truncate(problems_before);
                self.pos = arg_start;
                self.skip_to_separator();
                let mut end = self.pos;
                while end > arg_start && matches!(self.bytes[end - 1], b' ' | b'\t' | b'\n' | b'\r')
                {
                    end -= 1;
                }
                if end > arg_start {
                    call.args.push(Expr {
                        span: self.span(arg_start, end),
                        kind: ExprKind::Opaque,
                    });
                } else {
                    call.args.push(Expr {
                        span: self.span(arg_start, arg_start),
                        kind: ExprKind::Missing,
                    });
                }
            } else if let Some(arg) = arg {
                call.args.push(arg);
            } else {
                if self.pos < self.end {
                    let (ts, te) = self.token_at(self.pos);
                    let token = self.text(ts, te).to_owned();
                    self.error(
                        ProblemCode::Syntax,
                        format!("expected an argument, found `{token}`"),
                        ts,
                        te,
                    );
                }
                call.args.push(Expr {
                    span: self.span(self.pos, self.pos),
                    kind: ExprKind::Missing,
                });
            }
            // Expect `,` or `)`; skip anything else up to one of them.
            loop {
                self.skip_ws();
                match self.peek() {
                    Some(b',') => {
                        call.commas.push(self.span(self.pos, self.pos + 1));
                        self.pos += 1;
                        break;
                    }
                    Some(b')') => {
                        call.close_paren = Some(self.span(self.pos, self.pos + 1));
                        self.pos += 1;
                        return;
                    }
                    None => {
                        let message = "`(` is never closed: expected `)`".to_owned();
                        self.error(ProblemCode::Unbalanced, message, open, open + 1);
                        return;
                    }
                    Some(_) => {
                        let (ts, te) = self.token_at(self.pos);
                        let token = self.text(ts, te).to_owned();
                        let message =
                            format!("expected `,` or `)` after the argument, found `{token}`");
                        self.error(ProblemCode::Syntax, message, ts, te);
                        self.skip_to_separator();
                    }
                }
            }
        }
    }
}
