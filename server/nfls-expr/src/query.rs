//! Pure queries over a parsed string for the IDE layer: what is at the cursor, which references
//! the string makes, and a classification of every token for semantic highlighting.

use crate::ast::{Call, Expr, ExprKind, Interpolation, Lambda, Path, Root, Segment};
use crate::parse::ParsedString;
use crate::span::Span;

/// What the cursor is on (or where it is) inside an interpolation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CursorTarget<'a> {
    /// A place where an expression root goes: right after `${`, `(`, `,`, `=>` or `template.`,
    /// or on a root word (`args`, `refs`, `fn`, `secrets`, `template`, or an unknown one).
    /// `template` is true after `template.`.
    Root { template: bool },
    /// The node ref of `refs.<ref>…`, including right after `refs.`.
    RefName { path: &'a Path },
    /// A segment of the output path after the ref: `index` counts from 0 at the first segment
    /// after the ref name (`ports` is 0 and `0` is 1 in `refs.api.ports.0.dns`).
    RefPath { path: &'a Path, index: usize },
    /// The argument name of `args.<name>`, including right after `args.`.
    ArgName { path: &'a Path },
    /// The secret id of `secrets.<id>`, including right after `secrets.`.
    SecretName { path: &'a Path },
    /// Any other path segment (below an argument or secret, or under an unknown root or lambda
    /// parameter); `index` is into [`Path::segments`].
    PathSegment { path: &'a Path, index: usize },
    /// The name of `fn.<name>`, including right after `fn.`.
    FunctionName { call: &'a Call },
    /// A lambda parameter (`item` in `(item) => …`).
    LambdaParam { lambda: &'a Lambda, index: usize },
    /// A string, number or boolean literal.
    Literal { expr: &'a Expr },
}

/// The innermost call whose parentheses hold the cursor, for signature help.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CallContext<'a> {
    pub call: &'a Call,
    /// Which argument the cursor is in: the number of commas before it.
    pub arg_index: usize,
}

/// The answer of [`ParsedString::cursor`].
#[derive(Clone, Debug, PartialEq)]
pub struct Cursor<'a> {
    pub interpolation: &'a Interpolation,
    /// Index among the string's interpolations (not among all segments).
    pub interpolation_index: usize,
    /// `None` when the cursor is inside the interpolation but on nothing completable
    /// (whitespace after a finished expression, punctuation, opaque text).
    pub target: Option<CursorTarget<'a>>,
    /// The word the target covers, i.e. what a completion replaces: e.g. `bu` in `refs.bu`.
    /// Empty (at the cursor) right after `${`, `.`, `(` or `,`.
    pub span: Span,
    /// The decoded text of `span` from its start up to the cursor (the completion filter).
    pub prefix: String,
    pub call: Option<CallContext<'a>>,
}

/// Which kind of name a [`Reference`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// `args.<name>`
    Arg,
    /// `refs.<ref>`
    Ref,
    /// `secrets.<id>`
    Secret,
}

/// A use of an argument, node ref or secret, for navigation, rename and checks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reference<'a> {
    pub kind: ReferenceKind,
    pub name: &'a str,
    /// Exactly the name segment (`api` in `refs.api.id`).
    pub name_span: Span,
    /// Written with the `template.` prefix (resolved when the *parent* template runs).
    pub template: bool,
    pub path: &'a Path,
    pub interpolation_index: usize,
}

/// Token classes for semantic highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `args`, `refs`, `secrets`, `fn`, `template`
    RootKeyword,
    /// A root the language does not define (`MESSAGE` in `${MESSAGE}`).
    UnknownRoot,
    RefName,
    ArgName,
    SecretName,
    /// Any further path segment (`ports`, `0`, `dns`).
    PathSegment,
    FunctionName,
    /// A lambda parameter, where declared and where used.
    Parameter,
    String,
    Number,
    Boolean,
    /// `${`, `}`, `.`, `(`, `)`, `,`
    Punctuation,
    /// `=>`
    Operator,
    /// `\${`
    Escape,
    /// Unparsed callback text.
    Opaque,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
}

impl ParsedString {
    /// What is at document offset `offset`. `None` unless the offset lies between the `${` and
    /// the `}` of an interpolation (both edges included; for an unterminated one, up to its end).
    ///
    /// An offset inside a multi-byte character or a JSON escape sequence is treated as if it
    /// were at the start of that character or escape.
    pub fn cursor(&self, offset: u32) -> Option<Cursor<'_>> {
        let offset = self.decoded.snap(offset);
        let (index, interpolation) = self
            .interpolations()
            .enumerate()
            .find(|(_, i)| i.inner().touches(offset))?;
        let mut call = None;
        let found = match &interpolation.expr {
            None => Some((CursorTarget::Root { template: false }, Span::empty(offset))),
            Some(expr) => match target_in(expr, offset, &mut call) {
                Some(found) => Some(found),
                None if offset <= expr.span.start => {
                    Some((CursorTarget::Root { template: false }, Span::empty(offset)))
                }
                None => None,
            },
        };
        let (target, span) = match found {
            Some((target, span)) => (Some(target), span),
            None => (None, Span::empty(offset)),
        };
        let prefix = self
            .decoded_text(Span::new(span.start, offset.clamp(span.start, span.end)))
            .to_owned();
        Some(Cursor {
            interpolation,
            interpolation_index: index,
            target,
            span,
            prefix,
            call,
        })
    }

    /// Every `args.X`, `refs.R…` and `secrets.X` with a non-empty name, in source order.
    pub fn references(&self) -> Vec<Reference<'_>> {
        let mut out = Vec::new();
        for (index, interpolation) in self.interpolations().enumerate() {
            if let Some(expr) = &interpolation.expr {
                visit(expr, &mut |e| {
                    if let ExprKind::Path(path) = &e.kind {
                        let kind = match path.root {
                            Root::Args => ReferenceKind::Arg,
                            Root::Refs => ReferenceKind::Ref,
                            Root::Secrets => ReferenceKind::Secret,
                            Root::Param | Root::Unknown => return,
                        };
                        if let Some(name) = path.name().filter(|n| !n.name.is_empty()) {
                            out.push(Reference {
                                kind,
                                name: &name.name,
                                name_span: name.span,
                                template: path.is_template(),
                                path,
                                interpolation_index: index,
                            });
                        }
                    }
                });
            }
        }
        out
    }

    /// Every token of every interpolation and escape, sorted, non-empty and non-overlapping.
    /// Literal text between interpolations is not a token.
    pub fn tokens(&self) -> Vec<Token> {
        let mut out = Vec::new();
        let mut push = |span: Span, kind: TokenKind| {
            if !span.is_empty() {
                out.push(Token { span, kind });
            }
        };
        for segment in &self.segments {
            match segment {
                Segment::Text { .. } => {}
                Segment::Escape { span } => push(*span, TokenKind::Escape),
                Segment::Interpolation(interpolation) => {
                    push(interpolation.open, TokenKind::Punctuation);
                    if let Some(expr) = &interpolation.expr {
                        expr_tokens(expr, &mut push);
                    }
                    if let Some(close) = interpolation.close {
                        push(close, TokenKind::Punctuation);
                    }
                }
            }
        }
        out.sort_by_key(|t| (t.span.start, t.span.end));
        out
    }
}

/// Calls `f` on every expression node, parents first.
pub(crate) fn visit<'a>(expr: &'a Expr, f: &mut impl FnMut(&'a Expr)) {
    f(expr);
    match &expr.kind {
        ExprKind::Call(call) => call.args.iter().for_each(|a| visit(a, f)),
        ExprKind::Lambda(lambda) => {
            if let Some(body) = &lambda.body {
                visit(body, f);
            }
        }
        _ => {}
    }
}

fn target_in<'a>(
    expr: &'a Expr,
    offset: u32,
    call_ctx: &mut Option<CallContext<'a>>,
) -> Option<(CursorTarget<'a>, Span)> {
    match &expr.kind {
        ExprKind::Path(path) => {
            if let Some(t) = path.template.filter(|t| t.touches(offset)) {
                return Some((CursorTarget::Root { template: false }, t));
            }
            if path.root_span.touches(offset) {
                return Some((
                    CursorTarget::Root {
                        template: path.is_template(),
                    },
                    path.root_span,
                ));
            }
            let (index, segment) = path
                .segments
                .iter()
                .enumerate()
                .find(|(_, s)| s.span.touches(offset))?;
            let target = match (path.root, index) {
                (Root::Refs, 0) => CursorTarget::RefName { path },
                (Root::Refs, i) => CursorTarget::RefPath { path, index: i - 1 },
                (Root::Args, 0) => CursorTarget::ArgName { path },
                (Root::Secrets, 0) => CursorTarget::SecretName { path },
                _ => CursorTarget::PathSegment { path, index },
            };
            Some((target, segment.span))
        }
        ExprKind::Call(call) => {
            if let Some(t) = call.template.filter(|t| t.touches(offset)) {
                return Some((CursorTarget::Root { template: false }, t));
            }
            if call.fn_keyword.touches(offset) {
                return Some((
                    CursorTarget::Root {
                        template: call.template.is_some(),
                    },
                    call.fn_keyword,
                ));
            }
            if call.name_span.touches(offset)
                && (call.open_paren.is_none() || !call.name.is_empty())
            {
                return Some((CursorTarget::FunctionName { call }, call.name_span));
            }
            let open = call.open_paren?;
            let inside = open.end <= offset && call.close_paren.is_none_or(|c| offset <= c.start);
            if !inside {
                return None;
            }
            let arg_index = call.commas.iter().filter(|c| c.end <= offset).count();
            *call_ctx = Some(CallContext { call, arg_index });
            for (i, arg) in call.args.iter().enumerate() {
                // A lambda's trailing whitespace (`(x) => |`) still belongs to it.
                let in_lambda = i == arg_index
                    && matches!(arg.kind, ExprKind::Lambda(_))
                    && offset >= arg.span.start;
                if (arg.span.touches(offset) || in_lambda)
                    && let Some(found) = target_in(arg, offset, call_ctx)
                {
                    return Some(found);
                }
            }
            // At the start of an argument (nothing typed yet before the cursor)?
            let at_start = match call.args.get(arg_index) {
                None => true,
                Some(arg) => matches!(arg.kind, ExprKind::Missing) || offset <= arg.span.start,
            };
            if at_start {
                *call_ctx = Some(CallContext { call, arg_index });
                return Some((CursorTarget::Root { template: false }, Span::empty(offset)));
            }
            None
        }
        ExprKind::Lambda(lambda) => {
            if let Some((index, param)) = lambda
                .params
                .iter()
                .enumerate()
                .find(|(_, p)| p.span.touches(offset))
            {
                return Some((CursorTarget::LambdaParam { lambda, index }, param.span));
            }
            if offset < lambda.arrow.end {
                return None;
            }
            match &lambda.body {
                Some(body) if offset > body.span.start => target_in(body, offset, call_ctx),
                Some(body) if offset == body.span.start => target_in(body, offset, call_ctx).or(
                    Some((CursorTarget::Root { template: false }, Span::empty(offset))),
                ),
                _ => Some((CursorTarget::Root { template: false }, Span::empty(offset))),
            }
        }
        ExprKind::String { .. } | ExprKind::Number { .. } | ExprKind::Bool(_) => expr
            .span
            .touches(offset)
            .then_some((CursorTarget::Literal { expr }, expr.span)),
        ExprKind::Opaque | ExprKind::Missing | ExprKind::Error => None,
    }
}

fn gap(a: Span, b: Span) -> Span {
    Span::new(a.end, b.start.max(a.end))
}

fn expr_tokens(expr: &Expr, push: &mut impl FnMut(Span, TokenKind)) {
    match &expr.kind {
        ExprKind::Path(path) => {
            if let Some(t) = path.template {
                push(t, TokenKind::RootKeyword);
                if !path.root_span.is_empty() {
                    push(gap(t, path.root_span), TokenKind::Punctuation);
                }
            }
            let root_kind = match path.root {
                Root::Args | Root::Refs | Root::Secrets => TokenKind::RootKeyword,
                Root::Param => TokenKind::Parameter,
                Root::Unknown => TokenKind::UnknownRoot,
            };
            push(path.root_span, root_kind);
            for (i, segment) in path.segments.iter().enumerate() {
                push(segment.dot, TokenKind::Punctuation);
                let kind = match (path.root, i) {
                    (Root::Refs, 0) => TokenKind::RefName,
                    (Root::Args, 0) => TokenKind::ArgName,
                    (Root::Secrets, 0) => TokenKind::SecretName,
                    _ => TokenKind::PathSegment,
                };
                push(segment.span, kind);
            }
        }
        ExprKind::Call(call) => {
            if let Some(t) = call.template {
                push(t, TokenKind::RootKeyword);
                push(gap(t, call.fn_keyword), TokenKind::Punctuation);
            }
            push(call.fn_keyword, TokenKind::RootKeyword);
            if !call.name.is_empty() {
                push(gap(call.fn_keyword, call.name_span), TokenKind::Punctuation);
                push(call.name_span, TokenKind::FunctionName);
            }
            if let Some(open) = call.open_paren {
                push(open, TokenKind::Punctuation);
            }
            for comma in &call.commas {
                push(*comma, TokenKind::Punctuation);
            }
            for arg in &call.args {
                expr_tokens(arg, push);
            }
            if let Some(close) = call.close_paren {
                push(close, TokenKind::Punctuation);
            }
        }
        ExprKind::Lambda(lambda) => {
            for param in &lambda.params {
                push(param.span, TokenKind::Parameter);
            }
            push(lambda.arrow, TokenKind::Operator);
            if let Some(body) = &lambda.body {
                expr_tokens(body, push);
            }
        }
        ExprKind::String { .. } => push(expr.span, TokenKind::String),
        ExprKind::Number { .. } => push(expr.span, TokenKind::Number),
        ExprKind::Bool(_) => push(expr.span, TokenKind::Boolean),
        ExprKind::Opaque => push(expr.span, TokenKind::Opaque),
        ExprKind::Missing | ExprKind::Error => {}
    }
}
