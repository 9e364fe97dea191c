//! The parse result: segments of a string literal, the expression tree inside each `${…}`, and
//! the problems found, all with document byte spans.

use crate::functions::{self, FunctionInfo};
use crate::span::Span;

/// What kind of problem a [`Problem`] is. [`ProblemCode::as_str`] gives the stable code string
/// that diagnostics show (`expr/syntax`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProblemCode {
    /// `${` without a closing `}` (`expr/unterminated`).
    Unterminated,
    /// `${}` or `${ }` (`expr/empty`).
    Empty,
    /// A token that does not fit the grammar (`expr/syntax`).
    Syntax,
    /// A `(` without `)` or a `)` without `(` (`expr/unbalanced`).
    Unbalanced,
    /// A string literal that is never closed or uses double quotes (`expr/string`).
    BadString,
    /// Calls nested deeper than the parser follows (`expr/too-deep`).
    TooDeep,
    /// The JSON string token itself has no closing quote (`json/unterminated-string`). The JSON
    /// parser usually reports this too; callers may drop it.
    JsonUnterminated,
    /// The JSON string token has an invalid escape (`json/bad-escape`). Same remark.
    JsonBadEscape,
}

impl ProblemCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            ProblemCode::Unterminated => "expr/unterminated",
            ProblemCode::Empty => "expr/empty",
            ProblemCode::Syntax => "expr/syntax",
            ProblemCode::Unbalanced => "expr/unbalanced",
            ProblemCode::BadString => "expr/string",
            ProblemCode::TooDeep => "expr/too-deep",
            ProblemCode::JsonUnterminated => "json/unterminated-string",
            ProblemCode::JsonBadEscape => "json/bad-escape",
        }
    }
}

/// One thing wrong with the string, with the exact document span to underline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub code: ProblemCode,
    pub message: String,
    pub span: Span,
}

/// A piece of the string: literal text, an escaped `\${`, or an interpolation.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// Literal text; `value` is the decoded text.
    Text {
        span: Span,
        value: String,
    },
    /// A backslash right before `${` in the decoded string (`\\${` in JSON source): the platform
    /// outputs a literal `${`. The span covers the backslash, `$` and `{`; whatever follows is
    /// ordinary text.
    Escape {
        span: Span,
    },
    Interpolation(Interpolation),
}

impl Segment {
    pub fn span(&self) -> Span {
        match self {
            Segment::Text { span, .. } | Segment::Escape { span } => *span,
            Segment::Interpolation(interpolation) => interpolation.span,
        }
    }
}

/// One `${…}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Interpolation {
    /// From `$` through `}` (or to where the unterminated expression stops).
    pub span: Span,
    /// The `${`.
    pub open: Span,
    /// The `}`; `None` when unterminated.
    pub close: Option<Span>,
    /// `None` when the braces hold nothing (or only whitespace).
    pub expr: Option<Expr>,
    /// Problems inside this interpolation, in source order.
    pub problems: Vec<Problem>,
}

impl Interpolation {
    /// Everything between `${` and `}` (or the end when unterminated).
    pub fn inner(&self) -> Span {
        Span::new(self.open.end, self.close.map_or(self.span.end, |c| c.start))
    }
}

/// A node of the expression tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub span: Span,
    pub kind: ExprKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// `refs.api.ports.0.dns`, `args.X`, `secrets.X`, `template.refs.x.id`, `MESSAGE`, …
    Path(Path),
    /// `fn.name(args…)`, possibly with `template.` in front.
    Call(Call),
    /// `'text'`; `value` is the text with `\'` and `\\` resolved.
    String {
        value: String,
    },
    /// `3`, `-1`, `2.5`; kept as written.
    Number {
        text: String,
    },
    Bool(bool),
    /// `(item, index) => body` or `item => body` (syntax UNCONFIRMED, parsed leniently).
    Lambda(Lambda),
    /// An argument of a callback-taking function (`fn.map`, `fn.filter`, …) that is not an
    /// expression this parser knows: kept as balanced text, without a problem, because the
    /// callback syntax is not documented.
    Opaque,
    /// Nothing where an argument was expected (`fn.eq(, 1)`); the span is empty. Kept so that
    /// argument positions line up with the commas.
    Missing,
    /// Unparseable text; a problem was reported for it.
    Error,
}

/// What a path starts with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Root {
    /// `args.<name>…`
    Args,
    /// `refs.<node ref>.<output path…>`
    Refs,
    /// `secrets.<secret id>…` (form INFERRED from the docs)
    Secrets,
    /// A parameter of an enclosing lambda (`item` in `item => item.name`).
    Param,
    /// Anything else (`MESSAGE`, `foo.bar`); what the platform does with these is UNCONFIRMED.
    Unknown,
}

/// A dotted path.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The `template` keyword when the path is written `template.<root>…`.
    pub template: Option<Span>,
    pub root: Root,
    /// The root word as written (`refs`, `args`, `MESSAGE`, …); empty when missing after
    /// `template.`.
    pub root_name: String,
    pub root_span: Span,
    /// The segments after the root. A segment may be empty (span empty, right after its dot)
    /// when the text ends in `.`; a problem is reported for it.
    pub segments: Vec<PathSegment>,
}

impl Path {
    pub fn is_template(&self) -> bool {
        self.template.is_some()
    }

    /// The first segment after `refs.`/`args.`/`secrets.`: the node ref, argument name or secret
    /// id. `None` for other roots or when absent.
    pub fn name(&self) -> Option<&PathSegment> {
        match self.root {
            Root::Args | Root::Refs | Root::Secrets => self.segments.first(),
            Root::Param | Root::Unknown => None,
        }
    }

    /// The segments after the name (`ports.0.dns` in `refs.api.ports.0.dns`). For other roots:
    /// every segment.
    pub fn output_path(&self) -> &[PathSegment] {
        match self.root {
            Root::Args | Root::Refs | Root::Secrets => self.segments.get(1..).unwrap_or(&[]),
            Root::Param | Root::Unknown => &self.segments,
        }
    }
}

/// One `.name` of a path.
#[derive(Clone, Debug, PartialEq)]
pub struct PathSegment {
    /// Decoded name (may be empty, see [`Path::segments`]).
    pub name: String,
    /// The name itself, without the dot.
    pub span: Span,
    /// The `.` before it.
    pub dot: Span,
}

impl PathSegment {
    /// The array index when the segment is all digits (`0` in `ports.0.dns`).
    pub fn index(&self) -> Option<u32> {
        if self.name.is_empty() || !self.name.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.name.parse().ok()
    }
}

/// `fn.name(args…)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The `template` keyword of `template.fn.…`.
    pub template: Option<Span>,
    /// The `fn` keyword.
    pub fn_keyword: Span,
    /// Function name (empty when missing after `fn.`).
    pub name: String,
    pub name_span: Span,
    /// `None` when the name is not followed by `(` (a problem was reported).
    pub open_paren: Option<Span>,
    /// `None` when unclosed (a problem was reported).
    pub close_paren: Option<Span>,
    /// The arguments, one per comma-separated position ([`ExprKind::Missing`] for gaps).
    pub args: Vec<Expr>,
    pub commas: Vec<Span>,
}

impl Call {
    /// The function table entry, if the name is known.
    pub fn info(&self) -> Option<&'static FunctionInfo> {
        functions::lookup(&self.name)
    }

    /// The argument-count message for a known function called with the wrong number of
    /// arguments (see [`FunctionInfo::check_arity`]). `None` when fine, unknown, or written
    /// without parentheses.
    pub fn arity_error(&self) -> Option<String> {
        self.open_paren?;
        self.info()?.check_arity(self.args.len()).err()
    }
}

/// `(item, index) => body`.
#[derive(Clone, Debug, PartialEq)]
pub struct Lambda {
    pub params: Vec<LambdaParam>,
    /// The `=>`.
    pub arrow: Span,
    /// `None` when nothing follows the arrow (a problem was reported).
    pub body: Option<Box<Expr>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LambdaParam {
    pub name: String,
    pub span: Span,
}
