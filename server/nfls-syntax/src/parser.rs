//! The error-tolerant JSON parser: a byte-level lexer and an explicit-stack state machine that
//! builds a [`Tree`] from any input, reporting each problem once at an exact range.
//!
//! Nothing here recurses and every byte is looked at a bounded number of times, so parsing is
//! linear in the input and independent of nesting depth.
//!
//! # Recovery
//!
//! Inside an object, an unexpected token is handled by kind: a string (or a bare word on a new
//! line) where a `,` was expected starts a new member after a missing comma; a string followed by
//! `:` where a colon or value was expected starts a new member; `}` / `]` close the nearest open
//! container of their kind, reporting the inner ones as never closed; anything else is skipped up
//! to the next token the current state can use, with one error for the whole skipped run.
//! A missing token is reported as an empty range right after the token before it.
//!
//! # Diagnostics
//!
//! | code | severity | range | message |
//! |---|---|---|---|
//! | `syntax/missing-comma` | error | empty, right after the previous value | ``expected `,` between members`` / ``expected `,` between elements`` |
//! | `syntax/trailing-comma` | error | the comma | `trailing commas are not allowed in JSON` |
//! | `syntax/missing-colon` | error | empty, right after the key | ``expected `:` after the property name`` |
//! | `syntax/missing-value` | error | empty, right after the `:`, `,` or `[` | `expected a value` |
//! | `syntax/unterminated-string` | error | opening quote to the end of its line | `unterminated string` |
//! | `syntax/unclosed-object` | error | the `{` | ``{` is never closed`` (with backticks around `{`) |
//! | `syntax/unclosed-array` | error | the `[` | ``[` is never closed`` (with backticks around `[`) |
//! | `syntax/unexpected-token` | error | the skipped run | ``unexpected `TEXT` `` (TEXT: the run if it is one line of at most 32 bytes, else its first token if at most 32 bytes) or `unexpected characters` |
//! | `syntax/comment` | error | the comment | `comments are not allowed in JSON` |
//! | `syntax/invalid-escape` | error | the escape | ``invalid escape `\x` ``, ``invalid escape `\u12`: expected 4 hex digits``, ``lone surrogate `\uD800` `` |
//! | `syntax/control-character` | error | the character | `unescaped control character U+0009 in string` |
//! | `syntax/duplicate-key` | warning | the later key | ``duplicate key `x`: the last one wins`` |
//! | `syntax/bom` | warning | `0..3` | `byte-order mark at the start of the file` |
//! | `syntax/empty-document` | error | empty, at the start | `empty document` |
//! | `syntax/trailing-content` | error | first extra token to the last one | `unexpected content after the top-level value` |
//! | `syntax/unquoted-key` | error | the key | `property names must be in double quotes` |
//! | `syntax/single-quoted-string` | error | the string | `strings must use double quotes` |
//! | `syntax/invalid-number` | error | the number | ``invalid number `X` `` optionally followed by `: leading zeros are not allowed`, ``: a leading `+` is not allowed``, ``: expected a digit before `.` ``, ``: expected a digit after `.` ``; or `` `NaN` is not a valid JSON number `` |
//! | `syntax/invalid-literal` | error | the word | ``invalid literal `tru`: expected `true` ``, or `` `foo` is not a JSON value `` |
//!
//! Recovered values: single-quoted strings become strings, `+1` `.5` `1.` `01` become numbers,
//! `tru` `True` `nul` (case-insensitive prefixes of at least two letters) become the literal they
//! start; `NaN`, `Infinity`, malformed numbers and unknown words become [`NodeKind::Error`] nodes.
//! A truncated document only reports its unclosed containers (no missing colon/value/comma at
//! the end of input). A missing colon after an unquoted or unterminated key is not reported separately.

use std::sync::Arc;

use crate::tree::{
    F_CLOSED, F_DUPLICATES, F_ESCAPED, F_SINGLE, F_TERMINATED, M_ESCAPED, M_QUOTED, M_TERMINATED,
    MemberData, NONE, NodeData, NodeKind, Tree, TreeData,
};
use crate::{Parse, Severity, SyntaxError, TextRange};

/// The stable diagnostic codes produced by [`parse`].
pub mod codes {
    pub const MISSING_COMMA: &str = "syntax/missing-comma";
    pub const TRAILING_COMMA: &str = "syntax/trailing-comma";
    pub const MISSING_COLON: &str = "syntax/missing-colon";
    pub const MISSING_VALUE: &str = "syntax/missing-value";
    pub const UNTERMINATED_STRING: &str = "syntax/unterminated-string";
    pub const UNCLOSED_OBJECT: &str = "syntax/unclosed-object";
    pub const UNCLOSED_ARRAY: &str = "syntax/unclosed-array";
    pub const UNEXPECTED_TOKEN: &str = "syntax/unexpected-token";
    pub const COMMENT: &str = "syntax/comment";
    pub const INVALID_ESCAPE: &str = "syntax/invalid-escape";
    pub const CONTROL_CHARACTER: &str = "syntax/control-character";
    pub const DUPLICATE_KEY: &str = "syntax/duplicate-key";
    pub const BOM: &str = "syntax/bom";
    pub const EMPTY_DOCUMENT: &str = "syntax/empty-document";
    pub const TRAILING_CONTENT: &str = "syntax/trailing-content";
    pub const UNQUOTED_KEY: &str = "syntax/unquoted-key";
    pub const SINGLE_QUOTED_STRING: &str = "syntax/single-quoted-string";
    pub const INVALID_NUMBER: &str = "syntax/invalid-number";
    pub const INVALID_LITERAL: &str = "syntax/invalid-literal";
}

/// Parses `text` into a tree, recovering from every error. Never fails and never panics.
pub fn parse(text: &str) -> Parse {
    parse_shared(Arc::new(text.to_owned()))
}

/// [`parse`] for a text already shared: the tree keeps `text` itself rather than a copy (a
/// server holds each version of a document once, however many parts read it).
pub fn parse_shared(text: Arc<String>) -> Parse {
    let mut p = Parser::new(&text);
    p.run();
    p.finish(Arc::clone(&text))
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    Comma,
    /// A double- or single-quoted string (see `Token::single`).
    Str,
    Number,
    Ident,
    Garbage,
    Eof,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Tok,
    start: u32,
    end: u32,
    /// A line break (or a multi-line comment containing one) came before this token.
    nl_before: bool,
    /// Strings: saw the closing quote.
    terminated: bool,
    /// Strings: contains `\` or a raw control character, so it needs decoding.
    escaped: bool,
    /// Strings: single-quoted.
    single: bool,
}

impl Token {
    fn is_value_start(self) -> bool {
        matches!(
            self.kind,
            Tok::Str | Tok::Number | Tok::Ident | Tok::LBrace | Tok::LBracket
        )
    }
}

// Byte classes.
const C_WS: u8 = 1;
const C_NUM_START: u8 = 2;
const C_IDENT_START: u8 = 4;
const C_WORD: u8 = 8; // continues a number or an identifier
const C_PUNCT: u8 = 16; // starts some other token: { } [ ] : , " ' /
const C_DQ_STOP: u8 = 32; // ends a fast scan inside a "string": " \ and control characters
const C_SQ_STOP: u8 = 64; // same for a 'string'

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] |= C_DQ_STOP | C_SQ_STOP;
        i += 1;
    }
    t[b' ' as usize] |= C_WS;
    t[b'\t' as usize] |= C_WS;
    t[b'\n' as usize] |= C_WS;
    t[b'\r' as usize] |= C_WS;
    t[b'"' as usize] |= C_DQ_STOP | C_PUNCT;
    t[b'\'' as usize] |= C_SQ_STOP | C_PUNCT;
    t[b'\\' as usize] |= C_DQ_STOP | C_SQ_STOP;
    let punct = b"{}[]:,/";
    let mut j = 0;
    while j < punct.len() {
        t[punct[j] as usize] |= C_PUNCT;
        j += 1;
    }
    let mut c = b'0';
    while c <= b'9' {
        t[c as usize] |= C_NUM_START | C_WORD;
        c += 1;
    }
    let mut c = b'a';
    while c <= b'z' {
        t[c as usize] |= C_IDENT_START | C_WORD;
        t[(c - 32) as usize] |= C_IDENT_START | C_WORD;
        c += 1;
    }
    t[b'_' as usize] |= C_IDENT_START | C_WORD;
    t[b'$' as usize] |= C_IDENT_START | C_WORD;
    t[b'-' as usize] |= C_NUM_START | C_WORD;
    t[b'+' as usize] |= C_NUM_START | C_WORD;
    t[b'.' as usize] |= C_NUM_START | C_WORD;
    t
};

struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// Lexes the next token, reporting comments (which are skipped like whitespace).
    fn next(&mut self, errors: &mut Vec<SyntaxError>) -> Token {
        let b = self.b;
        let len = b.len();
        let mut nl = false;
        loop {
            // Whitespace. Indentation runs are long in pretty-printed files, so this is the
            // hottest loop of all.
            loop {
                // Eight spaces at a time through indentation.
                while let Some(chunk) = b.get(self.pos..self.pos + 8)
                    && chunk == b"        "
                {
                    self.pos += 8;
                }
                let Some(&c) = b.get(self.pos) else { break };
                if CLASS[c as usize] & C_WS == 0 {
                    break;
                }
                nl |= c == b'\n' || c == b'\r';
                self.pos += 1;
            }
            let start = self.pos;
            let mut tok = Token {
                kind: Tok::Eof,
                start: start as u32,
                end: start as u32,
                nl_before: nl,
                terminated: false,
                escaped: false,
                single: false,
            };
            if start >= len {
                return tok;
            }
            let c = b[start];
            tok.kind = match c {
                b'{' => Tok::LBrace,
                b'}' => Tok::RBrace,
                b'[' => Tok::LBracket,
                b']' => Tok::RBracket,
                b':' => Tok::Colon,
                b',' => Tok::Comma,
                b'"' | b'\'' => {
                    let (end, terminated, escaped) = scan_string(b, start, c);
                    self.pos = end;
                    tok.end = end as u32;
                    tok.kind = Tok::Str;
                    tok.terminated = terminated;
                    tok.escaped = escaped;
                    tok.single = c == b'\'';
                    return tok;
                }
                b'/' if start + 1 < len && (b[start + 1] == b'/' || b[start + 1] == b'*') => {
                    let end = if b[start + 1] == b'/' {
                        memchr::memchr2(b'\n', b'\r', &b[start + 2..])
                            .map_or(len, |i| start + 2 + i)
                    } else {
                        match memchr::memmem::find(&b[start + 2..], b"*/") {
                            Some(i) => start + 2 + i + 2,
                            None => len,
                        }
                    };
                    nl |= memchr::memchr2(b'\n', b'\r', &b[start..end]).is_some();
                    errors.push(SyntaxError {
                        range: TextRange::new(start as u32, end as u32),
                        severity: Severity::Error,
                        code: codes::COMMENT,
                        message: "comments are not allowed in JSON".into(),
                    });
                    self.pos = end;
                    continue;
                }
                _ => {
                    let class = CLASS[c as usize];
                    let mut i = start + 1;
                    let kind = if class & (C_NUM_START | C_IDENT_START) != 0 {
                        while i < len && CLASS[b[i] as usize] & C_WORD != 0 {
                            i += 1;
                        }
                        if class & C_NUM_START != 0 {
                            Tok::Number
                        } else {
                            Tok::Ident
                        }
                    } else {
                        // A run of characters that start no token (non-ASCII letters, `@`,
                        // `#`, a lone `/`, ...). It stops at ASCII, so it ends on a char
                        // boundary.
                        while i < len && CLASS[b[i] as usize] & (C_WS | C_WORD | C_PUNCT) == 0 {
                            i += 1;
                        }
                        Tok::Garbage
                    };
                    self.pos = i;
                    tok.end = i as u32;
                    tok.kind = kind;
                    return tok;
                }
            };
            self.pos = start + 1;
            tok.end = (start + 1) as u32;
            return tok;
        }
    }
}

/// Finds the end of the string starting with `quote` at `start`: after the closing quote, or at
/// the end of the line (a string never spans a raw line break). Returns (end, terminated,
/// needs decoding).
fn scan_string(b: &[u8], start: usize, quote: u8) -> (usize, bool, bool) {
    let stop = if quote == b'"' { C_DQ_STOP } else { C_SQ_STOP };
    let len = b.len();
    let mut i = start + 1;
    let mut escaped = false;
    loop {
        if quote == b'"' {
            i = crate::scan::string_stop(b, i);
        } else {
            while i < len && CLASS[b[i] as usize] & stop == 0 {
                i += 1;
            }
        }
        if i >= len {
            return (len, false, escaped);
        }
        match b[i] {
            c if c == quote => return (i + 1, true, escaped),
            b'\\' => {
                escaped = true;
                // The escaped byte is skipped unless it is a line break, which ends the string.
                i += if i + 1 < len && b[i + 1] != b'\n' && b[i + 1] != b'\r' {
                    2
                } else {
                    1
                };
            }
            b'\n' | b'\r' => return (i, false, escaped),
            _ => {
                escaped = true;
                i += 1;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Object: after `{` or `,`; expecting a key or `}`.
    ObjKey,
    /// Object: after a key; expecting `:`.
    ObjColon,
    /// Object: after `:`; expecting a value.
    ObjValue,
    /// Object: after a member; expecting `,` or `}`.
    ObjNext,
    /// Array: after `[` or `,`; expecting a value or `]`.
    ArrValue,
    /// Array: after an element; expecting `,` or `]`.
    ArrNext,
}

struct Frame {
    node: u32,
    state: State,
    /// Where this container's children start in `Parser::scratch`.
    scratch_start: u32,
    /// The member being parsed (objects).
    member: u32,
    /// Offset of the last `,` when the state was entered through one, else NONE.
    comma: u32,
    /// End of the previous token that matters for "missing" diagnostics.
    last_end: u32,
    /// Don't report a missing comma before the next member/element: an error was already
    /// reported in that gap (skipped garbage, missing colon/value, unterminated string).
    quiet: bool,
}

struct Parser<'a> {
    src: &'a str,
    lx: Lexer<'a>,
    la: [Token; 2],
    n_la: usize,
    /// End of the last consumed token.
    last_tok_end: u32,
    errors: Vec<SyntaxError>,
    nodes: Vec<NodeData>,
    members: Vec<MemberData>,
    children: Vec<u32>,
    strings: String,
    /// Children of open containers, stacked; moved to `children` when a container closes so
    /// each container's children end up contiguous.
    scratch: Vec<u32>,
    stack: Vec<Frame>,
    open_objects: u32,
    open_arrays: u32,
    max_depth: u32,
    root: u32,
}

const EOF_TOKEN: Token = Token {
    kind: Tok::Eof,
    start: 0,
    end: 0,
    nl_before: false,
    terminated: false,
    escaped: false,
    single: false,
};

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Parser<'a> {
        // Size the arenas from the input: pretty-printed JSON has roughly one value per 20 bytes.
        let guess = (src.len() / 24).min(1 << 24);
        Parser {
            src,
            lx: Lexer {
                b: src.as_bytes(),
                pos: 0,
            },
            la: [EOF_TOKEN; 2],
            n_la: 0,
            last_tok_end: 0,
            errors: Vec::new(),
            nodes: Vec::with_capacity(guess),
            members: Vec::with_capacity(guess / 2),
            children: Vec::with_capacity(guess),
            strings: String::new(),
            scratch: Vec::new(),
            stack: Vec::new(),
            open_objects: 0,
            open_arrays: 0,
            max_depth: 0,
            root: NONE,
        }
    }

    /// The parse, its tree holding `text` (the text `self` parsed).
    fn finish(mut self, text: Arc<String>) -> Parse {
        debug_assert_eq!(text.as_str(), self.src);
        // Errors are found in document order except duplicate keys and unclosed containers,
        // which are found when a container ends; a stable sort keeps same-offset order.
        self.errors.sort_by_key(|e| e.range.start);
        let data = TreeData {
            text,
            nodes: self.nodes,
            members: self.members,
            children: self.children,
            strings: self.strings,
            root: self.root,
            max_depth: self.max_depth,
        };
        Parse {
            tree: Tree::new(data),
            errors: self.errors,
        }
    }

    fn error(&mut self, range: TextRange, code: &'static str, message: String) {
        self.errors.push(SyntaxError {
            range,
            severity: Severity::Error,
            code,
            message,
        });
    }

    fn peek(&mut self) -> Token {
        if self.n_la == 0 {
            self.la[0] = self.lx.next(&mut self.errors);
            self.n_la = 1;
        }
        self.la[0]
    }

    /// The token after the next one.
    fn peek2(&mut self) -> Token {
        self.peek();
        if self.n_la == 1 {
            self.la[1] = self.lx.next(&mut self.errors);
            self.n_la = 2;
        }
        self.la[1]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek();
        self.la[0] = self.la[1];
        self.n_la -= 1;
        self.last_tok_end = t.end;
        t
    }

    fn text(&self, start: u32, end: u32) -> &'a str {
        &self.src[start as usize..end as usize]
    }

    fn run(&mut self) {
        if self.src.starts_with('\u{feff}') {
            self.errors.push(SyntaxError {
                range: TextRange::new(0, 3),
                severity: Severity::Warning,
                code: codes::BOM,
                message: "byte-order mark at the start of the file".into(),
            });
            self.lx.pos = 3;
            self.last_tok_end = 3;
        }
        loop {
            let tok = self.peek();
            let Some(top) = self.stack.last() else {
                if self.root != NONE {
                    self.trailing_content();
                    return;
                }
                if tok.kind == Tok::Eof {
                    let at = if self.src.starts_with('\u{feff}') {
                        3
                    } else {
                        0
                    };
                    self.error(
                        TextRange::empty(at),
                        codes::EMPTY_DOCUMENT,
                        "empty document".into(),
                    );
                    return;
                }
                if tok.is_value_start() {
                    self.value();
                } else {
                    self.skip_garbage();
                }
                continue;
            };
            if tok.kind == Tok::Eof {
                self.close_all_at_eof();
                return;
            }
            match top.state {
                State::ObjKey => self.obj_key(tok),
                State::ObjColon => self.obj_colon(tok),
                State::ObjValue => self.obj_value(tok),
                State::ObjNext => self.obj_next(tok),
                State::ArrValue => self.arr_value(tok),
                State::ArrNext => self.arr_next(tok),
            }
        }
    }

    fn top(&mut self) -> &mut Frame {
        self.stack
            .last_mut()
            .expect("called with an open container")
    }

    fn obj_key(&mut self, tok: Token) {
        match tok.kind {
            Tok::Str | Tok::Ident => self.start_member(),
            Tok::RBrace => {
                let comma = self.top().comma;
                if comma != NONE {
                    self.error(
                        TextRange::new(comma, comma + 1),
                        codes::TRAILING_COMMA,
                        "trailing commas are not allowed in JSON".into(),
                    );
                }
                self.bump();
                self.close(tok.end, true);
            }
            Tok::RBracket if self.open_arrays > 0 => self.close_until(false),
            _ => self.skip_garbage(),
        }
    }

    fn obj_colon(&mut self, tok: Token) {
        match tok.kind {
            Tok::Colon => {
                self.bump();
                let f = self.top();
                let m = f.member;
                f.state = State::ObjValue;
                f.last_end = tok.end;
                self.members[m as usize].colon = tok.start;
            }
            Tok::Garbage => self.skip_garbage(),
            _ => {
                let new_member = tok.kind == Tok::Str && self.peek2().kind == Tok::Colon;
                let f = self.stack.last().expect("open container");
                let m = self.members[f.member as usize];
                // An unquoted or unterminated key already has its error.
                if m.flags & M_TERMINATED != 0 {
                    self.error(
                        TextRange::empty(m.key_end),
                        codes::MISSING_COLON,
                        "expected `:` after the property name".into(),
                    );
                }
                let f = self.top();
                if tok.is_value_start() && !new_member {
                    f.state = State::ObjValue;
                } else {
                    f.state = State::ObjNext;
                    f.quiet = true;
                }
            }
        }
    }

    fn obj_value(&mut self, tok: Token) {
        match tok.kind {
            Tok::Str if tok.nl_before && self.peek2().kind == Tok::Colon => {
                // `"a":` followed by a key on the next line: the value is missing.
                self.missing_value();
                let f = self.top();
                f.state = State::ObjNext;
                f.quiet = true;
            }
            _ if tok.is_value_start() => self.value(),
            Tok::Comma | Tok::RBrace | Tok::RBracket => {
                self.missing_value();
                let f = self.top();
                f.state = State::ObjNext;
                f.quiet = true;
            }
            _ => self.skip_garbage(),
        }
    }

    fn obj_next(&mut self, tok: Token) {
        match tok.kind {
            Tok::Comma => {
                self.bump();
                let f = self.top();
                f.state = State::ObjKey;
                f.comma = tok.start;
                f.last_end = tok.end;
                f.quiet = false;
            }
            Tok::RBrace => {
                self.bump();
                self.close(tok.end, true);
            }
            Tok::RBracket if self.open_arrays > 0 => self.close_until(false),
            Tok::Str => self.missing_comma(true),
            Tok::Ident if tok.nl_before || self.peek2().kind == Tok::Colon => {
                self.missing_comma(true)
            }
            _ => self.skip_garbage(),
        }
    }

    fn arr_value(&mut self, tok: Token) {
        match tok.kind {
            _ if tok.is_value_start() => self.value(),
            Tok::RBracket => {
                let comma = self.top().comma;
                if comma != NONE {
                    self.error(
                        TextRange::new(comma, comma + 1),
                        codes::TRAILING_COMMA,
                        "trailing commas are not allowed in JSON".into(),
                    );
                }
                self.bump();
                self.close(tok.end, true);
            }
            Tok::RBrace if self.open_objects > 0 => self.close_until(true),
            Tok::Comma => {
                // `[,` or `,,`: an element is missing before this comma.
                self.missing_value();
                self.bump();
                let f = self.top();
                f.comma = tok.start;
                f.last_end = tok.end;
            }
            _ => self.skip_garbage(),
        }
    }

    fn arr_next(&mut self, tok: Token) {
        match tok.kind {
            Tok::Comma => {
                self.bump();
                let f = self.top();
                f.state = State::ArrValue;
                f.comma = tok.start;
                f.last_end = tok.end;
                f.quiet = false;
            }
            Tok::RBracket => {
                self.bump();
                self.close(tok.end, true);
            }
            Tok::RBrace if self.open_objects > 0 => self.close_until(true),
            _ if tok.is_value_start() => self.missing_comma(false),
            _ => self.skip_garbage(),
        }
    }

    fn missing_value(&mut self) {
        let at = self.top().last_end;
        self.error(
            TextRange::empty(at),
            codes::MISSING_VALUE,
            "expected a value".into(),
        );
    }

    /// Reports a missing comma (unless an error was already reported in the gap) and moves to
    /// the "expecting a member/element" state without consuming the current token.
    fn missing_comma(&mut self, object: bool) {
        let f = self.top();
        let (quiet, at) = (f.quiet, f.last_end);
        f.state = if object {
            State::ObjKey
        } else {
            State::ArrValue
        };
        f.comma = NONE;
        f.quiet = false;
        if !quiet {
            let message = if object {
                "expected `,` between members"
            } else {
                "expected `,` between elements"
            };
            self.error(TextRange::empty(at), codes::MISSING_COMMA, message.into());
        }
    }

    /// Whether the current state has no use for `tok` (it belongs to a garbage run).
    fn is_garbage(&mut self, tok: Token) -> bool {
        let Some(top) = self.stack.last() else {
            return !tok.is_value_start() && tok.kind != Tok::Eof;
        };
        match tok.kind {
            Tok::Eof => false,
            Tok::Garbage => true,
            Tok::RBrace if top.state != State::ArrValue && top.state != State::ArrNext => false,
            Tok::RBrace => self.open_objects == 0,
            Tok::RBracket if top.state == State::ArrValue || top.state == State::ArrNext => false,
            Tok::RBracket => match top.state {
                State::ObjColon | State::ObjValue => false,
                _ => self.open_arrays == 0,
            },
            _ => match top.state {
                State::ObjKey => !matches!(tok.kind, Tok::Str | Tok::Ident),
                State::ObjColon => false,
                State::ObjValue => !(tok.is_value_start() || tok.kind == Tok::Comma),
                State::ObjNext => match tok.kind {
                    Tok::Comma | Tok::Str => false,
                    Tok::Ident => !(tok.nl_before || self.peek2().kind == Tok::Colon),
                    _ => true,
                },
                State::ArrValue => !(tok.is_value_start() || tok.kind == Tok::Comma),
                State::ArrNext => !(tok.is_value_start() || tok.kind == Tok::Comma),
            },
        }
    }

    /// Skips the current token and every following one the state cannot use, with one error
    /// for the whole run.
    fn skip_garbage(&mut self) {
        let first = self.bump();
        let mut end = first.end;
        loop {
            let t = self.peek();
            if !self.is_garbage(t) {
                break;
            }
            end = t.end;
            self.bump();
        }
        // Name the run when it is short and on one line, else its first token (tokens never
        // span lines), else nothing.
        let text = self.text(first.start, end);
        let message = if text.len() <= 32 && !text.contains(['\n', '\r']) {
            format!("unexpected `{text}`")
        } else if first.end - first.start <= 32 {
            format!("unexpected `{}`", self.text(first.start, first.end))
        } else {
            "unexpected characters".to_owned()
        };
        self.error(
            TextRange::new(first.start, end),
            codes::UNEXPECTED_TOKEN,
            message,
        );
        if let Some(f) = self.stack.last_mut() {
            f.quiet = true;
        }
    }

    /// After the top-level value: everything else is one error.
    fn trailing_content(&mut self) {
        let first = self.peek();
        if first.kind == Tok::Eof {
            return;
        }
        let mut end = first.end;
        loop {
            let t = self.bump();
            if t.kind == Tok::Eof {
                break;
            }
            end = t.end;
        }
        self.error(
            TextRange::new(first.start, end),
            codes::TRAILING_CONTENT,
            "unexpected content after the top-level value".into(),
        );
    }

    // --- building --------------------------------------------------------------------------

    fn parent_ids(&self) -> (u32, u32) {
        match self.stack.last() {
            None => (NONE, NONE),
            Some(f) if matches!(f.state, State::ArrValue | State::ArrNext) => (f.node, NONE),
            Some(f) => (f.node, f.member),
        }
    }

    fn push_node(
        &mut self,
        kind: NodeKind,
        start: u32,
        end: u32,
        a: u32,
        b: u32,
        flags: u8,
    ) -> u32 {
        let (parent, parent_member) = self.parent_ids();
        let id = self.nodes.len() as u32;
        self.nodes.push(NodeData {
            start,
            end,
            parent,
            parent_member,
            a,
            b,
            kind,
            flags,
        });
        id
    }

    /// Parses the value starting at the current token (the token is a value start).
    fn value(&mut self) {
        let tok = self.bump();
        match tok.kind {
            Tok::LBrace | Tok::LBracket => {
                let object = tok.kind == Tok::LBrace;
                let kind = if object {
                    NodeKind::Object
                } else {
                    NodeKind::Array
                };
                let node = self.push_node(kind, tok.start, tok.end, 0, 0, 0);
                if object {
                    self.open_objects += 1;
                } else {
                    self.open_arrays += 1;
                }
                self.stack.push(Frame {
                    node,
                    state: if object {
                        State::ObjKey
                    } else {
                        State::ArrValue
                    },
                    scratch_start: self.scratch.len() as u32,
                    member: NONE,
                    comma: NONE,
                    last_end: tok.end,
                    quiet: false,
                });
                self.max_depth = self.max_depth.max(self.stack.len() as u32);
            }
            Tok::Str => {
                let (a, b, mut flags) = match self.decode_string(tok) {
                    Some((a, b)) => (a, b, F_ESCAPED),
                    None => (0, 0, 0),
                };
                if tok.terminated {
                    flags |= F_TERMINATED;
                }
                if tok.single {
                    flags |= F_SINGLE;
                }
                let id = self.push_node(NodeKind::String, tok.start, tok.end, a, b, flags);
                self.attach(id, tok.end, !tok.terminated);
            }
            Tok::Number => {
                let kind = self.check_number(tok);
                let id = self.push_node(kind, tok.start, tok.end, 0, 0, 0);
                self.attach(id, tok.end, false);
            }
            _ => {
                let (kind, a) = self.check_word(tok);
                let id = self.push_node(kind, tok.start, tok.end, a, 0, 0);
                self.attach(id, tok.end, false);
            }
        }
    }

    /// Hooks a finished value into the open container (or makes it the root).
    fn attach(&mut self, id: u32, end: u32, unterminated: bool) {
        let Some(f) = self.stack.last_mut() else {
            self.root = id;
            return;
        };
        match f.state {
            State::ArrValue | State::ArrNext => {
                self.scratch.push(id);
                f.state = State::ArrNext;
            }
            _ => {
                self.members[f.member as usize].value = id;
                f.state = State::ObjNext;
            }
        }
        f.last_end = end;
        f.comma = NONE;
        // After an unterminated string the next line's key is not also a "missing comma".
        f.quiet = unterminated;
    }

    /// Starts a member at the current token (a string or a bare word) in an object.
    fn start_member(&mut self) {
        let tok = self.bump();
        let mut flags = 0;
        let (mut key_a, mut key_b) = (0, 0);
        if tok.kind == Tok::Str {
            flags |= M_QUOTED;
            if tok.terminated {
                flags |= M_TERMINATED;
            }
            if let Some((a, b)) = self.decode_string(tok) {
                (key_a, key_b) = (a, b);
                flags |= M_ESCAPED;
            }
        } else {
            self.error(
                TextRange::new(tok.start, tok.end),
                codes::UNQUOTED_KEY,
                "property names must be in double quotes".into(),
            );
        }
        let id = self.members.len() as u32;
        let f = self.stack.last_mut().expect("open object");
        let index = self.scratch.len() as u32 - f.scratch_start;
        f.member = id;
        f.state = State::ObjColon;
        f.last_end = tok.end;
        f.comma = NONE;
        f.quiet = !tok.terminated && tok.kind == Tok::Str;
        let object = f.node;
        self.scratch.push(id);
        self.members.push(MemberData {
            key_start: tok.start,
            key_end: tok.end,
            key_a,
            key_b,
            colon: NONE,
            value: NONE,
            object,
            index,
            flags,
        });
    }

    /// Closes the innermost container at `end`.
    fn close(&mut self, end: u32, closed: bool) {
        let f = self.stack.pop().expect("open container");
        let start = f.scratch_start as usize;
        let first = self.children.len() as u32;
        let count = (self.scratch.len() - start) as u32;
        self.children.extend_from_slice(&self.scratch[start..]);
        self.scratch.truncate(start);
        let n = &mut self.nodes[f.node as usize];
        n.end = end;
        n.a = first;
        n.b = count;
        if closed {
            n.flags |= F_CLOSED;
        }
        if n.kind == NodeKind::Object {
            self.open_objects -= 1;
            if self.duplicate_keys(first, count) {
                self.nodes[f.node as usize].flags |= F_DUPLICATES;
            }
        } else {
            self.open_arrays -= 1;
        }
        self.attach(f.node, end, false);
    }

    /// Reports the innermost container as never closed and closes it at `end`.
    fn close_unclosed(&mut self, end: u32) {
        let node = self.stack.last().expect("open container").node;
        let n = self.nodes[node as usize];
        let (code, message) = if n.kind == NodeKind::Object {
            (codes::UNCLOSED_OBJECT, "`{` is never closed")
        } else {
            (codes::UNCLOSED_ARRAY, "`[` is never closed")
        };
        self.error(TextRange::new(n.start, n.start + 1), code, message.into());
        self.close(end, false);
    }

    /// A `}` (object) or `]` arrived while an inner container of the other kind is open: the
    /// inner containers are never closed. The closer itself is handled on the next turn.
    fn close_until(&mut self, object: bool) {
        let want = if object {
            NodeKind::Object
        } else {
            NodeKind::Array
        };
        let end = self.last_tok_end;
        while let Some(f) = self.stack.last() {
            if self.nodes[f.node as usize].kind == want {
                break;
            }
            self.close_unclosed(end);
        }
    }

    fn close_all_at_eof(&mut self) {
        let end = self.src.len() as u32;
        while !self.stack.is_empty() {
            self.close_unclosed(end);
        }
    }

    /// Reports the keys of an object's members (`count` children from `first`) that repeat an
    /// earlier one; returns whether there were any. Objects of up to [`SMALL_OBJECT`] members
    /// (nearly all) compare keys pairwise, larger ones hash them.
    fn duplicate_keys(&mut self, first: u32, count: u32) -> bool {
        if count < 2 {
            return false;
        }
        let d = KeyView {
            src: self.src,
            strings: &self.strings,
            members: &self.members,
        };
        let ids = &self.children[first as usize..(first + count) as usize];
        let mut dups: Vec<u32> = Vec::new();
        if count <= SMALL_OBJECT as u32 {
            // Each key looked up once, then compared with the ones before it.
            let mut keys = [""; SMALL_OBJECT];
            for (i, &m) in ids.iter().enumerate() {
                let k = d.key(m);
                if keys[..i].contains(&k) {
                    dups.push(m);
                }
                keys[i] = k;
            }
        } else {
            let mut seen = std::collections::HashSet::with_capacity_and_hasher(
                count as usize,
                std::hash::BuildHasherDefault::<FxHasher>::default(),
            );
            for &m in ids {
                if !seen.insert(d.key(m)) {
                    dups.push(m);
                }
            }
        }
        let found = !dups.is_empty();
        for m in dups {
            let md = self.members[m as usize];
            let key = KeyView {
                src: self.src,
                strings: &self.strings,
                members: &self.members,
            }
            .key(m);
            let message = format!("duplicate key `{}`: the last one wins", shorten(key, 64));
            self.errors.push(SyntaxError {
                range: TextRange::new(md.key_start, md.key_end),
                severity: Severity::Warning,
                code: codes::DUPLICATE_KEY,
                message,
            });
        }
        found
    }

    // --- scalars ---------------------------------------------------------------------------

    /// Reports problems with a string token (unterminated, single-quoted, bad escapes, control
    /// characters) and unescapes it into `strings` when needed: returns (offset, len) there, or
    /// `None` when the content can be sliced from the source as is.
    fn decode_string(&mut self, tok: Token) -> Option<(u32, u32)> {
        if !tok.terminated {
            self.error(
                TextRange::new(tok.start, tok.end),
                codes::UNTERMINATED_STRING,
                "unterminated string".into(),
            );
        }
        if tok.single {
            self.error(
                TextRange::new(tok.start, tok.end),
                codes::SINGLE_QUOTED_STRING,
                "strings must use double quotes".into(),
            );
        }
        if !tok.escaped {
            return None;
        }
        let b = self.src.as_bytes();
        let cstart = tok.start as usize + 1;
        let cend = if tok.terminated {
            tok.end as usize - 1
        } else {
            tok.end as usize
        };
        let out_start = self.strings.len();
        let mut i = cstart;
        let mut run = cstart;
        while i < cend {
            let c = b[i];
            if c >= 0x20 && c != b'\\' {
                i += 1;
                continue;
            }
            self.strings.push_str(&self.src[run..i]);
            if c != b'\\' {
                self.error(
                    TextRange::new(i as u32, i as u32 + 1),
                    codes::CONTROL_CHARACTER,
                    format!("unescaped control character U+{c:04X} in string"),
                );
                self.strings.push(c as char);
                i += 1;
                run = i;
                continue;
            }
            // A backslash.
            if i + 1 >= cend {
                // Trailing backslash of an unterminated string: already reported as such.
                self.strings.push('\\');
                i += 1;
                run = i;
                continue;
            }
            let e = b[i + 1];
            let simple = match e {
                b'"' => Some('"'),
                b'\\' => Some('\\'),
                b'/' => Some('/'),
                b'b' => Some('\u{8}'),
                b'f' => Some('\u{c}'),
                b'n' => Some('\n'),
                b'r' => Some('\r'),
                b't' => Some('\t'),
                // Within a single-quoted string (already an error) `\'` is what was meant.
                b'\'' if tok.single => Some('\''),
                _ => None,
            };
            if let Some(ch) = simple {
                self.strings.push(ch);
                i += 2;
            } else if e == b'u' {
                i = self.unicode_escape(i, cend);
            } else {
                let ch_len = utf8_len(e);
                let end = (i + 1 + ch_len).min(cend);
                let esc = &self.src[i..end];
                self.error(
                    TextRange::new(i as u32, end as u32),
                    codes::INVALID_ESCAPE,
                    format!("invalid escape `{esc}`"),
                );
                // Keep what was typed (`C:\dir` stays `C:\dir`).
                self.strings.push_str(esc);
                i = end;
            }
            run = i;
        }
        self.strings.push_str(&self.src[run..cend]);
        Some((out_start as u32, (self.strings.len() - out_start) as u32))
    }

    /// Decodes `\uXXXX` (and a following low surrogate) at `i`; returns the index after it.
    fn unicode_escape(&mut self, i: usize, cend: usize) -> usize {
        let b = self.src.as_bytes();
        let hex4 = |at: usize| -> Option<u32> {
            if at + 4 > cend {
                return None;
            }
            let s = std::str::from_utf8(&b[at..at + 4]).ok()?;
            if !s.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            u32::from_str_radix(s, 16).ok()
        };
        let Some(cu) = hex4(i + 2) else {
            let mut end = i + 2;
            while end < cend && end < i + 6 && b[end].is_ascii_hexdigit() {
                end += 1;
            }
            let esc = &self.src[i..end];
            self.error(
                TextRange::new(i as u32, end as u32),
                codes::INVALID_ESCAPE,
                format!("invalid escape `{esc}`: expected 4 hex digits"),
            );
            self.strings.push_str(esc);
            return end;
        };
        let end = i + 6;
        if (0xD800..0xDC00).contains(&cu)
            && end + 1 < cend
            && b[end] == b'\\'
            && b[end + 1] == b'u'
            && let Some(lo) = hex4(end + 2)
            && (0xDC00..0xE000).contains(&lo)
        {
            let c = 0x10000 + ((cu - 0xD800) << 10) + (lo - 0xDC00);
            self.strings.push(char::from_u32(c).unwrap_or('\u{fffd}'));
            return end + 6;
        }
        match char::from_u32(cu) {
            Some(c) => self.strings.push(c),
            None => {
                let esc = &self.src[i..end];
                self.error(
                    TextRange::new(i as u32, end as u32),
                    codes::INVALID_ESCAPE,
                    format!("lone surrogate `{esc}`"),
                );
                self.strings.push('\u{fffd}');
            }
        }
        end
    }

    /// Validates a number token against the JSON grammar; returns the node kind to build
    /// (`Number` when the meaning is clear, `Error` otherwise).
    fn check_number(&mut self, tok: Token) -> NodeKind {
        let text = self.text(tok.start, tok.end);
        if is_json_number(text.as_bytes()) {
            return NodeKind::Number;
        }
        let range = TextRange::new(tok.start, tok.end);
        let unsigned = text.trim_start_matches(['-', '+']);
        if matches!(unsigned, "NaN" | "Infinity") {
            self.error(
                range,
                codes::INVALID_NUMBER,
                format!("`{}` is not a valid JSON number", shorten(text, 32)),
            );
            return NodeKind::Error;
        }
        let recovered = crate::value::lenient_f64(text).is_some_and(f64::is_finite);
        let digits = |s: &str| s.bytes().next().is_some_and(|c| c.is_ascii_digit());
        let reason = if !recovered {
            ""
        } else if text.starts_with('+') {
            ": a leading `+` is not allowed"
        } else if unsigned.starts_with('.') {
            ": expected a digit before `.`"
        } else if unsigned.starts_with('0') && digits(&unsigned[1..]) {
            ": leading zeros are not allowed"
        } else if let Some(p) = unsigned.find('.')
            && !digits(&unsigned[p + 1..])
        {
            ": expected a digit after `.`"
        } else {
            ""
        };
        self.error(
            range,
            codes::INVALID_NUMBER,
            format!("invalid number `{}`{reason}", shorten(text, 32)),
        );
        if recovered {
            NodeKind::Number
        } else {
            NodeKind::Error
        }
    }

    /// Classifies a bare word in a value position: `true`/`false`/`null`, a misspelling of one
    /// (recovered), `NaN`/`Infinity`, or an error node. Returns the kind and the bool payload.
    fn check_word(&mut self, tok: Token) -> (NodeKind, u32) {
        let text = self.text(tok.start, tok.end);
        let range = TextRange::new(tok.start, tok.end);
        match text {
            "true" => return (NodeKind::Bool, 1),
            "false" => return (NodeKind::Bool, 0),
            "null" => return (NodeKind::Null, 0),
            "NaN" | "Infinity" => {
                self.error(
                    range,
                    codes::INVALID_NUMBER,
                    format!("`{text}` is not a valid JSON number"),
                );
                return (NodeKind::Error, 0);
            }
            _ => {}
        }
        let lower = text.to_ascii_lowercase();
        let guess = [
            ("true", NodeKind::Bool, 1),
            ("false", NodeKind::Bool, 0),
            ("null", NodeKind::Null, 0),
        ]
        .into_iter()
        .find(|(lit, _, _)| lower.len() >= 2 && lit.starts_with(lower.as_str()));
        match guess {
            Some((lit, kind, a)) => {
                self.error(
                    range,
                    codes::INVALID_LITERAL,
                    format!("invalid literal `{text}`: expected `{lit}`"),
                );
                (kind, a)
            }
            None => {
                self.error(
                    range,
                    codes::INVALID_LITERAL,
                    format!("`{}` is not a JSON value", shorten(text, 32)),
                );
                (NodeKind::Error, 0)
            }
        }
    }
}

/// The most members an object can have for [`Parser::duplicate_keys`] to compare its keys
/// pairwise rather than hashing them.
const SMALL_OBJECT: usize = 12;

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn is_json_number(b: &[u8]) -> bool {
    let mut i = 0;
    let n = b.len();
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < n && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > s
    };
    if i < n && b[i] == b'-' {
        i += 1;
    }
    if i < n && b[i] == b'0' {
        i += 1;
    } else if !digits(&mut i) {
        return false;
    }
    if i < n && b[i] == b'.' {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if i < n && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < n && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == n
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Cuts `s` to at most `max` bytes (on a char boundary) for use inside a message.
fn shorten(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if s.len() <= max {
        return s.into();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end]).into()
}

struct KeyView<'a> {
    src: &'a str,
    strings: &'a str,
    members: &'a [MemberData],
}

impl<'a> KeyView<'a> {
    fn key(&self, m: u32) -> &'a str {
        let md = &self.members[m as usize];
        if md.flags & M_ESCAPED != 0 {
            &self.strings[md.key_a as usize..(md.key_a + md.key_b) as usize]
        } else {
            let r = crate::tree::key_content_range(md);
            &self.src[r.start as usize..r.end as usize]
        }
    }
}

/// A small fast hasher for the duplicate-key check (keys are short and not adversarial enough
/// to matter: the worst case is a slower warning pass, never a wrong answer).
#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
