//! The `${…}` expression language of Northflank templates: parser and function table.
//!
//! Northflank evaluates `${…}` inside any JSON string of a template, release flow or preview
//! template: `"https://${refs.api.ports.0.dns}"`, `"${fn.if(fn.eq(args.branch, 'main'), 3, 1)}"`.
//! This crate parses one JSON string token into [`Segment`]s (text, escapes, interpolations),
//! each interpolation into an [`Expr`] tree with [`Problem`]s, and answers the questions an editor
//! asks: what is at the cursor ([`ParsedString::cursor`]), which names are referenced
//! ([`ParsedString::references`]) and how to colour each token ([`ParsedString::tokens`]). The
//! [`functions`] module is the one table of `fn.*` functions.
//!
//! # Spans
//!
//! The input is the token's raw source *with its quotes* plus its document offset. JSON escapes
//! are decoded internally (the language works on the decoded text) while every [`Span`] in the
//! result is a byte range into the *document*: it never splits `\u00e9`, `\"` or a surrogate
//! pair, and it always falls on UTF-8 character boundaries.
//!
//! # Grammar (lenient where the documentation is silent)
//!
//! ```text
//! interpolation := "${" ws expr? ws "}"
//! expr          := call | path | string | number | "true" | "false" | lambda
//! path          := ("template" ".")? root ("." segment)*      segments may contain `-`; digits = index
//! call          := ("template" ".")? "fn" "." name ws "(" (expr ("," expr)*)? ")"
//! string        := "'" ( "\'" | "\\" | any )* "'"
//! number        := "-"? digits ("." digits)? (("e"|"E") ("+"|"-")? digits)?
//! lambda        := (name | "(" names ")") "=>" expr              (UNCONFIRMED syntax)
//! ```
//!
//! Decisions where Northflank's documentation is silent or marked UNCONFIRMED:
//! - Any root word parses: `args`, `refs`, `secrets`, `fn` and `template` are known; others
//!   (`${MESSAGE}`, `${foo.bar}`) become [`Root::Unknown`] without a problem. What the platform
//!   does with them is UNCONFIRMED; the semantic layer decides.
//! - `secrets.X` is parsed like `args.X` (the form is inferred from the docs).
//! - In string literals `\'` is a quote and `\\` a backslash; any other backslash is kept as is.
//!   Double-quoted strings parse but are reported (`expr/string`): the docs use single quotes.
//! - The callback of `find`/`filter`/`map`/`some`/`every` is parsed as a JavaScript-style arrow
//!   function when it looks like one; otherwise any balanced text is accepted as
//!   [`ExprKind::Opaque`] with no problem.
//! - A backslash right before `${` in the decoded string (`\\${` in JSON source) makes a literal
//!   `${` ([`Segment::Escape`]); the text after it is plain text. Whether a doubled backslash
//!   before `${` re-enables interpolation is UNCONFIRMED; here the backslash nearest `${` escapes.
//! - An unterminated `${` ends where the next `${` starts, so a half-typed expression does not
//!   swallow the interpolations after it.
//!
//! Semantic checks (does the ref exist, is the function known, arity) are not problems here; the
//! tree carries what they need ([`Reference`], [`Call::info`], [`Call::arity_error`]).
//!
//! # Example
//!
//! ```
//! use nfls_expr::{parse_string_literal, CursorTarget, ExprKind, ReferenceKind, Span};
//!
//! let doc = r#"{"url": "https://${refs.api.ports.0.dns}\u00e9"}"#;
//! let token_start = 8; // where the string token starts in `doc`
//! let token_end = doc.len() - 1;
//! let parsed = parse_string_literal(&doc[token_start..token_end], token_start as u32);
//!
//! assert_eq!(parsed.problems().count(), 0);
//! let refs = parsed.references();
//! assert_eq!(refs[0].kind, ReferenceKind::Ref);
//! assert_eq!(refs[0].name, "api");
//! assert_eq!(&doc[refs[0].name_span.range()], "api");
//!
//! let interpolation = parsed.interpolations().next().unwrap();
//! assert_eq!(&doc[interpolation.span.range()], "${refs.api.ports.0.dns}");
//! assert!(matches!(interpolation.expr.as_ref().unwrap().kind, ExprKind::Path(_)));
//!
//! // Cursor right after `refs.ap`: completing a node ref whose name starts with "ap".
//! let offset = doc.find("api").unwrap() as u32 + 2;
//! let cursor = parsed.cursor(offset).unwrap();
//! assert!(matches!(cursor.target, Some(CursorTarget::RefName { .. })));
//! assert_eq!(cursor.prefix, "ap");
//! assert_eq!(cursor.span, Span::new(offset - 2, offset + 1));
//!
//! // The function table.
//! let eq = nfls_expr::functions::lookup("eq").unwrap();
//! assert_eq!(eq.check_arity(1).unwrap_err(), "`fn.eq` takes at least 2 arguments, got 1");
//! ```

mod ast;
mod decode;
pub mod functions;
mod parse;
mod query;
mod span;

pub use ast::{
    Call, Expr, ExprKind, Interpolation, Lambda, LambdaParam, Path, PathSegment, Problem,
    ProblemCode, Root, Segment,
};
pub use functions::FunctionInfo;
pub use parse::{MAX_DEPTH, ParsedString, parse_string_literal};
pub use query::{CallContext, Cursor, CursorTarget, Reference, ReferenceKind, Token, TokenKind};
pub use span::Span;
