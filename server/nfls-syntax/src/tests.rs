//! Unit tests for the parser, the tree queries and the line index, on inline fixtures.
//!
//! # Marker convention
//!
//! A fixture is JSON text with markers `$0` … `$9` (a `$` followed by one digit; a `$` followed
//! by anything else, as in `${refs.x}`, is plain text). Markers are removed before parsing and
//! remember the offset where they stood. A digit used once marks an offset (a cursor); a digit
//! used twice marks the range between its two occurrences (`$1$1` is an empty range).
//! [`check`] compares the complete list of diagnostics, in order, with `(marker, code,
//! message)` triples, so every test states exactly which errors appear, where, and worded how.

use std::collections::BTreeMap;

use crate::text::{Encoding, LineIndex, Position};
use crate::{
    MAX_JSON_DEPTH, NodeKind, Parse, PathSegment, Severity, TextRange, codes, format_pointer, parse,
};

struct Fixture {
    text: String,
    marks: BTreeMap<u8, Vec<u32>>,
}

impl Fixture {
    fn new(src: &str) -> Fixture {
        let mut text = String::with_capacity(src.len());
        let mut marks: BTreeMap<u8, Vec<u32>> = BTreeMap::new();
        let mut chars = src.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$'
                && let Some(&d) = chars.peek()
                && d.is_ascii_digit()
            {
                chars.next();
                marks
                    .entry(d as u8 - b'0')
                    .or_default()
                    .push(text.len() as u32);
                continue;
            }
            text.push(c);
        }
        Fixture { text, marks }
    }
    fn offset(&self, n: u8) -> u32 {
        match self.marks.get(&n).map(Vec::as_slice) {
            Some([o]) => *o,
            other => panic!("marker ${n} should appear once, found {other:?}"),
        }
    }
    fn range(&self, n: u8) -> TextRange {
        match self.marks.get(&n).map(Vec::as_slice) {
            Some([a, b]) => TextRange::new(*a, *b),
            other => panic!("marker ${n} should appear twice, found {other:?}"),
        }
    }
}

/// Parses the fixture and asserts the exact list of diagnostics.
fn check(src: &str, expected: &[(u8, &str, &str)]) -> (Fixture, Parse) {
    let fx = Fixture::new(src);
    let p = parse(&fx.text);
    let actual: Vec<(TextRange, &str, String)> = p
        .errors
        .iter()
        .map(|e| (e.range, e.code, e.message.clone()))
        .collect();
    let want: Vec<(TextRange, &str, String)> = expected
        .iter()
        .map(|&(m, code, msg)| (fx.range(m), code, msg.to_owned()))
        .collect();
    assert_eq!(actual, want, "diagnostics for fixture:\n{}", fx.text);
    (fx, p)
}

fn r(start: u32, end: u32) -> TextRange {
    TextRange::new(start, end)
}

/// Compact rendering of a parse result for shape assertions.
fn json(p: &Parse) -> String {
    p.tree.to_json().to_string()
}

// --- valid input -------------------------------------------------------------------------

#[test]
fn valid_document_has_no_errors_and_exact_ranges() {
    let text = r#"{"a": [1, -2.5e3, true, false, null], "b\n": {"c": "d\u00e9"}}"#;
    let p = parse(text);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let root = p.tree.root().unwrap();
    assert_eq!(root.kind(), NodeKind::Object);
    assert_eq!(root.range(), r(0, text.len() as u32));
    let obj = root.as_object().unwrap();
    assert!(obj.is_closed());
    assert_eq!(obj.len(), 2);
    let keys: Vec<_> = obj.members().map(|m| m.key()).collect();
    assert_eq!(keys, ["a", "b\n"]);
    let a = obj.member("a").unwrap();
    assert_eq!(a.key_range(), r(1, 4));
    assert_eq!(a.key_content_range(), r(2, 3));
    assert!(a.key_is_quoted());
    assert_eq!(a.colon(), Some(4));
    assert_eq!(a.range(), r(1, 36));
    assert_eq!(a.index(), 0);
    let arr = a.value().unwrap().as_array().unwrap();
    assert_eq!(arr.len(), 5);
    assert_eq!(arr.get(1).unwrap().number_text(), Some("-2.5e3"));
    assert_eq!(arr.get(1).unwrap().as_f64(), Some(-2500.0));
    assert_eq!(arr.get(2).unwrap().as_bool(), Some(true));
    assert_eq!(arr.get(3).unwrap().as_bool(), Some(false));
    assert!(arr.get(4).unwrap().is_null());
    assert_eq!(arr.get(5), None);
    let d = p.tree.pointer_str("/b\n/c").unwrap();
    assert_eq!(d.as_str(), Some("dé"));
    assert_eq!(d.range(), r(51, 60));
    assert_eq!(d.string_content_range(), Some(r(52, 59)));
    assert_eq!(d.parent_member().unwrap().key(), "c");
    assert_eq!(d.parent().unwrap().parent(), Some(root));
    assert_eq!(
        obj.get("b\n")
            .unwrap()
            .as_object()
            .unwrap()
            .member("c")
            .unwrap()
            .index(),
        0
    );
    assert_eq!(
        json(&p),
        r#"{"a":[1,-2500.0,true,false,null],"b\n":{"c":"dé"}}"#
    );
    assert_eq!(p.tree.max_depth(), 2);
}

#[test]
fn whitespace_runs_up_to_the_end_of_input() {
    for n in [7, 8, 9, 16, 17] {
        let text = format!("{{\"a\": 1}}{}", " ".repeat(n));
        let p = parse(&text);
        assert!(p.errors.is_empty(), "{n}: {:?}", p.errors);
        let text = format!("[{}", " ".repeat(n));
        assert_eq!(parse(&text).errors[0].code, codes::UNCLOSED_ARRAY);
    }
}

#[test]
fn scalar_roots_and_depth() {
    for (text, kind) in [
        ("1", NodeKind::Number),
        (" \"x\" ", NodeKind::String),
        ("true", NodeKind::Bool),
        ("null", NodeKind::Null),
    ] {
        let p = parse(text);
        assert!(p.errors.is_empty(), "{text}: {:?}", p.errors);
        assert_eq!(p.tree.root().unwrap().kind(), kind);
        assert_eq!(p.tree.max_depth(), 0);
    }
    assert_eq!(parse("[[{}]]").tree.max_depth(), 3);
    assert_eq!(parse("{}").tree.max_depth(), 1);
}

#[test]
fn strings_without_escapes_are_sliced_and_escapes_decoded() {
    let p = parse(r#"["plain", "tab\tq\"b\\s\/n\nr\rb\bf\f", "\ud83d\ude00", "é"]"#);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let arr = p.tree.root().unwrap().as_array().unwrap();
    let s: Vec<_> = arr.elements().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(s, ["plain", "tab\tq\"b\\s/n\nr\rb\u{8}f\u{c}", "😀", "é"]);
    // The unescaped-free string borrows the source text.
    let plain = arr.get(0).unwrap().as_str().unwrap();
    assert!(std::ptr::eq(plain.as_ptr(), p.tree.text()[2..].as_ptr()));
}

// --- recovery: one diagnostic each ---------------------------------------------------------

#[test]
fn missing_comma_between_members() {
    let (_, p) = check(
        "{\n  \"a\": 1$0$0\n  \"b\": {\"c\": true}\n}",
        &[(0, codes::MISSING_COMMA, "expected `,` between members")],
    );
    assert_eq!(json(&p), r#"{"a":1,"b":{"c":true}}"#);
    // A bare word on a new line is a new (unquoted) member after a missing comma.
    let (_, p) = check(
        "{\"a\": 1$0$0\n $1ki$1: 2}",
        &[
            (0, codes::MISSING_COMMA, "expected `,` between members"),
            (
                1,
                codes::UNQUOTED_KEY,
                "property names must be in double quotes",
            ),
        ],
    );
    assert_eq!(json(&p), r#"{"a":1,"ki":2}"#);
}

#[test]
fn missing_comma_between_elements() {
    let (_, p) = check(
        "[1$0$0 \"x\"$1$1\n{}, [2$2$2 3]]",
        &[
            (0, codes::MISSING_COMMA, "expected `,` between elements"),
            (1, codes::MISSING_COMMA, "expected `,` between elements"),
            (2, codes::MISSING_COMMA, "expected `,` between elements"),
        ],
    );
    assert_eq!(json(&p), r#"[1,"x",{},[2,3]]"#);
}

#[test]
fn missing_colon() {
    let (fx, p) = check(
        "{\"a\"$0$0 1, \"b\"$1$1\n \"c\": 2, \"d\"$2$2}",
        &[
            (
                0,
                codes::MISSING_COLON,
                "expected `:` after the property name",
            ),
            (
                1,
                codes::MISSING_COLON,
                "expected `:` after the property name",
            ),
            (
                2,
                codes::MISSING_COLON,
                "expected `:` after the property name",
            ),
        ],
    );
    assert_eq!(json(&p), r#"{"a":1,"c":2}"#);
    let obj = p.tree.root().unwrap().as_object().unwrap();
    let keys: Vec<_> = obj
        .members()
        .map(|m| (m.key(), m.value().is_some()))
        .collect();
    assert_eq!(keys, [("a", true), ("b", false), ("c", true), ("d", false)]);
    let b = obj.member("b").unwrap();
    assert_eq!(b.colon(), None);
    assert_eq!(b.range(), r(fx.range(1).start - 3, fx.range(1).start));
}

#[test]
fn missing_value() {
    let (fx, p) = check(
        "{\"a\":$0$0 , \"b\":$1$1\n \"c\": 1, \"d\": $3[1,$2$2, 2]}",
        &[
            (0, codes::MISSING_VALUE, "expected a value"),
            (1, codes::MISSING_VALUE, "expected a value"),
            (2, codes::MISSING_VALUE, "expected a value"),
        ],
    );
    assert_eq!(json(&p), r#"{"c":1,"d":[1,2]}"#);
    let obj = p.tree.root().unwrap().as_object().unwrap();
    let a = obj.member("a").unwrap();
    assert_eq!(a.value(), None);
    assert_eq!(a.colon(), Some(fx.range(0).start - 1));
    assert_eq!(a.range(), r(1, fx.range(0).start));
    assert_eq!(obj.get("d").unwrap().range().start, fx.offset(3));

    let (_, p) = check(
        "{\"a\":$0$0}",
        &[(0, codes::MISSING_VALUE, "expected a value")],
    );
    assert_eq!(json(&p), "{}");
    check(
        "[$0$0, 1]",
        &[(0, codes::MISSING_VALUE, "expected a value")],
    );
}

#[test]
fn unterminated_string_value_and_key() {
    let (_, p) = check(
        "{\n  \"image\": $0\"ngi$0\n  \"port\": 80\n}",
        &[(0, codes::UNTERMINATED_STRING, "unterminated string")],
    );
    let obj = p.tree.root().unwrap().as_object().unwrap();
    let image = obj.get("image").unwrap();
    assert_eq!(image.as_str(), Some("ngi"));
    assert!(!image.is_terminated_string());
    assert_eq!(image.string_content_range().unwrap().len(), 3);
    assert_eq!(json(&p), r#"{"image":"ngi","port":80}"#);

    // A key being typed: the string runs to the end of its line, the next member still parses.
    let (_, p) = check(
        "{\n  $0\"na$0\n  \"port\": 80\n}",
        &[(0, codes::UNTERMINATED_STRING, "unterminated string")],
    );
    let obj = p.tree.root().unwrap().as_object().unwrap();
    let keys: Vec<_> = obj.members().map(|m| m.key()).collect();
    assert_eq!(keys, ["na", "port"]);
    assert_eq!(obj.members().next().unwrap().key_content_range().len(), 2);

    // \r\n ends the string too, and an escaped quote does not close it.
    let (_, p) = check(
        "[$0\"a\\\"$0\r\n]",
        &[(0, codes::UNTERMINATED_STRING, "unterminated string")],
    );
    assert_eq!(json(&p), r#"["a\""]"#);
    check(
        "$0\"abc$0",
        &[(0, codes::UNTERMINATED_STRING, "unterminated string")],
    );
}

#[test]
fn unclosed_containers() {
    let (_, p) = check(
        "[$0{$0\"b\": 1]",
        &[(0, codes::UNCLOSED_OBJECT, "`{` is never closed")],
    );
    let arr = p.tree.root().unwrap().as_array().unwrap();
    assert!(arr.is_closed());
    let inner = arr.get(0).unwrap().as_object().unwrap();
    assert!(!inner.is_closed());
    // Closed by a mismatched bracket: ends with its last token.
    assert_eq!(inner.value().range(), r(1, 8));
    assert_eq!(json(&p), r#"[{"b":1}]"#);

    let (_, p) = check(
        "{\"a\": $0[$0 1, 2 }",
        &[(0, codes::UNCLOSED_ARRAY, "`[` is never closed")],
    );
    assert_eq!(json(&p), r#"{"a":[1,2]}"#);

    // Truncated: every open container is reported; they extend to the end of the text.
    let (fx, p) = check(
        "$0{$0\"a\": $1[$1 1, $2",
        &[
            (0, codes::UNCLOSED_OBJECT, "`{` is never closed"),
            (1, codes::UNCLOSED_ARRAY, "`[` is never closed"),
        ],
    );
    let root = p.tree.root().unwrap();
    assert_eq!(root.range().end, fx.text.len() as u32);
    assert_eq!(
        p.tree.covering_value(fx.offset(2)).unwrap().kind(),
        NodeKind::Array
    );

    check(
        "$0{$0\"a\": 1,",
        &[(0, codes::UNCLOSED_OBJECT, "`{` is never closed")],
    );
    check(
        "$0{$0\"a\"",
        &[(0, codes::UNCLOSED_OBJECT, "`{` is never closed")],
    );
    check(
        "$0{$0\"a\":",
        &[(0, codes::UNCLOSED_OBJECT, "`{` is never closed")],
    );
}

#[test]
fn stray_characters_are_one_error_per_run() {
    let (_, p) = check(
        "{\"a\": 1 $0@@@$0, \"b\": $1#! %$1 2, $2:: 3$2 \"c\": 3}",
        &[
            (0, codes::UNEXPECTED_TOKEN, "unexpected `@@@`"),
            (1, codes::UNEXPECTED_TOKEN, "unexpected `#! %`"),
            (2, codes::UNEXPECTED_TOKEN, "unexpected `:: 3`"),
        ],
    );
    assert_eq!(json(&p), r#"{"a":1,"b":2,"c":3}"#);
    let (_, p) = check(
        "$0]]$0 [1 $1ж$1]",
        &[
            (0, codes::UNEXPECTED_TOKEN, "unexpected `]]`"),
            (1, codes::UNEXPECTED_TOKEN, "unexpected `ж`"),
        ],
    );
    assert_eq!(json(&p), "[1]");
    // After garbage, a following member is not also a missing comma.
    let (_, p) = check(
        "{\"a\": 1 $0xx$0\n \"b\": 2}",
        &[(0, codes::UNEXPECTED_TOKEN, "unexpected `xx`")],
    );
    assert_eq!(json(&p), r#"{"a":1,"b":2}"#);
    // A `}` that matches nothing is stray; the array stays open.
    check(
        "$1[$1 1 $0}$0",
        &[
            (1, codes::UNCLOSED_ARRAY, "`[` is never closed"),
            (0, codes::UNEXPECTED_TOKEN, "unexpected `}`"),
        ],
    );
    let long = format!("[1 $0{}$0]", "§".repeat(40));
    check(
        &long,
        &[(0, codes::UNEXPECTED_TOKEN, "unexpected characters")],
    );
}

#[test]
fn trailing_commas() {
    let (_, p) = check(
        "{\"a\": [1, 2$0,$0]$1,$1}",
        &[
            (
                0,
                codes::TRAILING_COMMA,
                "trailing commas are not allowed in JSON",
            ),
            (
                1,
                codes::TRAILING_COMMA,
                "trailing commas are not allowed in JSON",
            ),
        ],
    );
    assert_eq!(json(&p), r#"{"a":[1,2]}"#);
}

#[test]
fn comments_are_reported_and_skipped() {
    let (_, p) = check(
        "{ $0// hi$0\n  \"a\": 1, $1/* x\n y */$1 \"b\": 2 }",
        &[
            (0, codes::COMMENT, "comments are not allowed in JSON"),
            (1, codes::COMMENT, "comments are not allowed in JSON"),
        ],
    );
    assert_eq!(json(&p), r#"{"a":1,"b":2}"#);
    let (_, p) = check(
        "{\"a\": 1$0$0 $1// c$1\n \"b\": 2$2$2 $3/* d */$3 \"c\": 3}",
        &[
            (0, codes::MISSING_COMMA, "expected `,` between members"),
            (1, codes::COMMENT, "comments are not allowed in JSON"),
            (2, codes::MISSING_COMMA, "expected `,` between members"),
            (3, codes::COMMENT, "comments are not allowed in JSON"),
        ],
    );
    assert_eq!(json(&p), r#"{"a":1,"b":2,"c":3}"#);
}

#[test]
fn unclosed_block_comment_in_truncated_object() {
    check(
        "$1{$1\"a\": 1 $0/* x$0",
        &[
            (1, codes::UNCLOSED_OBJECT, "`{` is never closed"),
            (0, codes::COMMENT, "comments are not allowed in JSON"),
        ],
    );
}

#[test]
fn invalid_escapes() {
    let (_, p) = check(
        r#"["a$0\x$0b", "$1\u12$1", "$2\uD800$2x", "$3\uDC00$3", "C:$4\d$4ir", "ok\ud83d\ude00"]"#,
        &[
            (0, codes::INVALID_ESCAPE, "invalid escape `\\x`"),
            (
                1,
                codes::INVALID_ESCAPE,
                "invalid escape `\\u12`: expected 4 hex digits",
            ),
            (2, codes::INVALID_ESCAPE, "lone surrogate `\\uD800`"),
            (3, codes::INVALID_ESCAPE, "lone surrogate `\\uDC00`"),
            (4, codes::INVALID_ESCAPE, "invalid escape `\\d`"),
        ],
    );
    let arr = p.tree.root().unwrap().as_array().unwrap();
    let s: Vec<_> = arr.elements().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(
        s,
        ["a\\xb", "\\u12", "\u{fffd}x", "\u{fffd}", "C:\\dir", "ok😀"]
    );
    // A multi-byte character after the backslash is covered whole.
    check(
        "\"$0\\é$0\"",
        &[(0, codes::INVALID_ESCAPE, "invalid escape `\\é`")],
    );
    // Invalid escapes in keys are reported too.
    let (_, p) = check(
        r#"{"k$0\q$0": 1}"#,
        &[(0, codes::INVALID_ESCAPE, "invalid escape `\\q`")],
    );
    assert_eq!(json(&p), r#"{"k\\q":1}"#);
}

#[test]
fn control_characters_in_strings() {
    let (_, p) = check(
        "{\"a\": \"x$0\t$0y$1\u{1}$1\"}",
        &[
            (
                0,
                codes::CONTROL_CHARACTER,
                "unescaped control character U+0009 in string",
            ),
            (
                1,
                codes::CONTROL_CHARACTER,
                "unescaped control character U+0001 in string",
            ),
        ],
    );
    assert_eq!(
        p.tree.pointer_str("/a").unwrap().as_str(),
        Some("x\ty\u{1}")
    );
}

#[test]
fn byte_order_mark_is_a_warning() {
    let (_, p) = check(
        "$0\u{feff}$0{\"a\": 1}",
        &[(0, codes::BOM, "byte-order mark at the start of the file")],
    );
    assert_eq!(p.errors[0].severity, Severity::Warning);
    assert_eq!(p.errors[0].range, r(0, 3));
    assert_eq!(json(&p), r#"{"a":1}"#);
    check(
        "$0\u{feff}$0$1$1 ",
        &[
            (0, codes::BOM, "byte-order mark at the start of the file"),
            (1, codes::EMPTY_DOCUMENT, "empty document"),
        ],
    );
}

#[test]
fn empty_document() {
    for src in ["$0$0", "$0$0  \n\t ", "$0$0 // nothing here"] {
        let fx = Fixture::new(src);
        let p = parse(&fx.text);
        let empty: Vec<_> = p
            .errors
            .iter()
            .filter(|e| e.code != codes::COMMENT)
            .map(|e| (e.range, e.code))
            .collect();
        assert_eq!(empty, [(fx.range(0), codes::EMPTY_DOCUMENT)], "{src:?}");
        assert_eq!(
            p.errors
                .iter()
                .find(|e| e.code == codes::EMPTY_DOCUMENT)
                .unwrap()
                .message,
            "empty document"
        );
        assert!(p.tree.root().is_none());
        assert_eq!(p.tree.to_json(), serde_json::Value::Null);
        assert_eq!(p.tree.covering_value(0), None);
        assert_eq!(p.tree.pointer_str(""), None);
    }
}

#[test]
fn several_top_level_values() {
    let (_, p) = check(
        "{\"a\": 1} $0{\"b\": 2}\n[3]$0\n",
        &[(
            0,
            codes::TRAILING_CONTENT,
            "unexpected content after the top-level value",
        )],
    );
    assert_eq!(json(&p), r#"{"a":1}"#);
    check(
        "1 $02 3$0",
        &[(
            0,
            codes::TRAILING_CONTENT,
            "unexpected content after the top-level value",
        )],
    );
    check(
        "{} $0}$0 $1// c$1",
        &[
            (
                0,
                codes::TRAILING_CONTENT,
                "unexpected content after the top-level value",
            ),
            (1, codes::COMMENT, "comments are not allowed in JSON"),
        ],
    );
    // Only comments after the value: no trailing-content error.
    check(
        "{} $0// c$0",
        &[(0, codes::COMMENT, "comments are not allowed in JSON")],
    );
}

#[test]
fn unquoted_key_being_typed() {
    let (fx, p) = check(
        "{ \"spec\": { $0ki$0$1 } }",
        &[(
            0,
            codes::UNQUOTED_KEY,
            "property names must be in double quotes",
        )],
    );
    let spec = p.tree.pointer_str("/spec").unwrap().as_object().unwrap();
    assert!(spec.is_closed());
    let m = spec.members().next().unwrap();
    assert_eq!(m.key(), "ki");
    assert!(!m.key_is_quoted());
    assert_eq!(m.key_range(), fx.range(0));
    assert_eq!(m.key_content_range(), fx.range(0));
    assert_eq!(m.value(), None);
    assert_eq!(m.range(), fx.range(0));
    assert_eq!(p.tree.covering_member(fx.offset(1) - 1).unwrap(), m);
    assert_eq!(json(&p), r#"{"spec":{}}"#);

    // Before an existing member, on its own line.
    let (_, p) = check(
        "{\n  $0ki$0\n  \"name\": \"x\"\n}",
        &[(
            0,
            codes::UNQUOTED_KEY,
            "property names must be in double quotes",
        )],
    );
    assert_eq!(json(&p), r#"{"name":"x"}"#);
    let (_, p) = check(
        "{$0name$0: 1, $1_x-y$1: true}",
        &[
            (
                0,
                codes::UNQUOTED_KEY,
                "property names must be in double quotes",
            ),
            (
                1,
                codes::UNQUOTED_KEY,
                "property names must be in double quotes",
            ),
        ],
    );
    assert_eq!(json(&p), r#"{"name":1,"_x-y":true}"#);
}

#[test]
fn single_quoted_strings() {
    let (_, p) = check(
        r#"{$0'k'$0: $1'v\'s'$1}"#,
        &[
            (
                0,
                codes::SINGLE_QUOTED_STRING,
                "strings must use double quotes",
            ),
            (
                1,
                codes::SINGLE_QUOTED_STRING,
                "strings must use double quotes",
            ),
        ],
    );
    assert_eq!(json(&p), r#"{"k":"v's"}"#);
    let v = p.tree.pointer_str("/k").unwrap();
    assert!(v.is_single_quoted());
    assert_eq!(v.string_content_range().unwrap().len(), 4);
}

#[test]
fn numbers_outside_the_json_grammar() {
    let (_, p) = check(
        "[$0+1$0, $1.5$1, $2-.5$2, $31.$3, $401$4, $5-007$5, $61.e5$6]",
        &[
            (
                0,
                codes::INVALID_NUMBER,
                "invalid number `+1`: a leading `+` is not allowed",
            ),
            (
                1,
                codes::INVALID_NUMBER,
                "invalid number `.5`: expected a digit before `.`",
            ),
            (
                2,
                codes::INVALID_NUMBER,
                "invalid number `-.5`: expected a digit before `.`",
            ),
            (
                3,
                codes::INVALID_NUMBER,
                "invalid number `1.`: expected a digit after `.`",
            ),
            (
                4,
                codes::INVALID_NUMBER,
                "invalid number `01`: leading zeros are not allowed",
            ),
            (
                5,
                codes::INVALID_NUMBER,
                "invalid number `-007`: leading zeros are not allowed",
            ),
            (
                6,
                codes::INVALID_NUMBER,
                "invalid number `1.e5`: expected a digit after `.`",
            ),
        ],
    );
    let arr = p.tree.root().unwrap().as_array().unwrap();
    assert!(arr.elements().all(|v| v.kind() == NodeKind::Number));
    let nums: Vec<_> = arr.elements().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(nums, [1.0, 0.5, -0.5, 1.0, 1.0, -7.0, 100000.0]);
    assert_eq!(arr.get(0).unwrap().number_text(), Some("+1"));

    let (_, p) = check(
        "[$0NaN$0, $1Infinity$1, $2-Infinity$2, $31e$3, $41.2.3$4, $50x1F$5, $6-$6]",
        &[
            (0, codes::INVALID_NUMBER, "`NaN` is not a valid JSON number"),
            (
                1,
                codes::INVALID_NUMBER,
                "`Infinity` is not a valid JSON number",
            ),
            (
                2,
                codes::INVALID_NUMBER,
                "`-Infinity` is not a valid JSON number",
            ),
            (3, codes::INVALID_NUMBER, "invalid number `1e`"),
            (4, codes::INVALID_NUMBER, "invalid number `1.2.3`"),
            (5, codes::INVALID_NUMBER, "invalid number `0x1F`"),
            (6, codes::INVALID_NUMBER, "invalid number `-`"),
        ],
    );
    let arr = p.tree.root().unwrap().as_array().unwrap();
    assert!(arr.elements().all(|v| v.kind() == NodeKind::Error));
    assert_eq!(json(&p), "[]");
    // Valid edge cases.
    let p = parse("[0, -0, 0.5e-3, 1E+2, 12345678901234567890, -9223372036854775808]");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        json(&p),
        "[0,-0.0,0.0005,100.0,12345678901234567890,-9223372036854775808]"
    );
}

#[test]
fn misspelled_literals() {
    let (_, p) = check(
        "{\"a\": $0tru$0, \"b\": $1nul$1, \"c\": $2True$2, \"d\": $3FALSE$3, \"e\": $4foo$4, \"f\": $5t$5}",
        &[
            (
                0,
                codes::INVALID_LITERAL,
                "invalid literal `tru`: expected `true`",
            ),
            (
                1,
                codes::INVALID_LITERAL,
                "invalid literal `nul`: expected `null`",
            ),
            (
                2,
                codes::INVALID_LITERAL,
                "invalid literal `True`: expected `true`",
            ),
            (
                3,
                codes::INVALID_LITERAL,
                "invalid literal `FALSE`: expected `false`",
            ),
            (4, codes::INVALID_LITERAL, "`foo` is not a JSON value"),
            (5, codes::INVALID_LITERAL, "`t` is not a JSON value"),
        ],
    );
    assert_eq!(json(&p), r#"{"a":true,"b":null,"c":true,"d":false}"#);
    let obj = p.tree.root().unwrap().as_object().unwrap();
    assert_eq!(obj.get("e").unwrap().kind(), NodeKind::Error);
}

#[test]
fn duplicate_keys_warn_on_each_later_one() {
    let (_, p) = check(
        "{\"x\": 1, \"y\": 2, $0\"x\"$0: 3, $1\"x\"$1: 4}",
        &[
            (
                0,
                codes::DUPLICATE_KEY,
                "duplicate key `x`: the last one wins",
            ),
            (
                1,
                codes::DUPLICATE_KEY,
                "duplicate key `x`: the last one wins",
            ),
        ],
    );
    assert!(p.errors.iter().all(|e| e.severity == Severity::Warning));
    let obj = p.tree.root().unwrap().as_object().unwrap();
    assert_eq!(obj.get("x").unwrap().as_f64(), Some(4.0));
    assert_eq!(obj.member("x").unwrap().index(), 3);
    assert_eq!(json(&p), r#"{"x":4,"y":2}"#);
    // Escaped and plain spellings of one key are the same key.
    check(
        "{\"a\": 1, $0\"\\u0061\"$0: 2}",
        &[(
            0,
            codes::DUPLICATE_KEY,
            "duplicate key `a`: the last one wins",
        )],
    );
    // A later member without a value does not hide the earlier value.
    let (_, p) = check(
        "{\"a\": 1, $0\"a\"$0:$1$1}",
        &[
            (
                0,
                codes::DUPLICATE_KEY,
                "duplicate key `a`: the last one wins",
            ),
            (1, codes::MISSING_VALUE, "expected a value"),
        ],
    );
    assert_eq!(p.tree.pointer_str("/a").unwrap().as_f64(), Some(1.0));
}

#[test]
fn duplicate_keys_in_large_objects() {
    let mut text = String::from("{");
    for i in 0..5000 {
        text.push_str(&format!("\"k{i}\": {i},"));
    }
    let dup_at = text.len() as u32;
    text.push_str("\"k4321\": -1}");
    let p = parse(&text);
    let errs: Vec<_> = p
        .errors
        .iter()
        .map(|e| (e.range, e.code, e.message.as_str()))
        .collect();
    assert_eq!(
        errs,
        [(
            r(dup_at, dup_at + 7),
            codes::DUPLICATE_KEY,
            "duplicate key `k4321`: the last one wins"
        )]
    );
    let obj = p.tree.root().unwrap().as_object().unwrap();
    assert_eq!(obj.len(), 5001);
    assert_eq!(obj.get("k4321").unwrap().as_f64(), Some(-1.0));
    assert_eq!(obj.get("k0").unwrap().as_f64(), Some(0.0));
}

#[test]
fn new_member_after_missing_colon_value_or_unterminated_key_is_quiet() {
    // `"b":` then a key on the next line: only the missing value.
    let (_, p) = check(
        "{\n  \"a\": 1,\n  \"b\":$0$0\n  \"c\": 2\n}",
        &[(0, codes::MISSING_VALUE, "expected a value")],
    );
    assert_eq!(json(&p), r#"{"a":1,"c":2}"#);
    let (_, p) = check(
        "{\n  \"b\"$0$0\n  \"c\": 2\n}",
        &[(
            0,
            codes::MISSING_COLON,
            "expected `:` after the property name",
        )],
    );
    assert_eq!(json(&p), r#"{"c":2}"#);
}

#[test]
fn mismatched_brackets_close_the_nearest_matching_container() {
    let (_, p) = check(
        "{\"a\": [{\"b\": $0[$0 1 }, 2], \"c\": 3}",
        &[(0, codes::UNCLOSED_ARRAY, "`[` is never closed")],
    );
    assert_eq!(json(&p), r#"{"a":[{"b":[1]},2],"c":3}"#);
    // `]` closes both open objects and then the nearest `[`; the second `]` is left over.
    let (_, p) = check(
        "[$1{$1\"a\": $0{$0\"b\": 1]$2]$2",
        &[
            (1, codes::UNCLOSED_OBJECT, "`{` is never closed"),
            (0, codes::UNCLOSED_OBJECT, "`{` is never closed"),
            (
                2,
                codes::TRAILING_CONTENT,
                "unexpected content after the top-level value",
            ),
        ],
    );
    assert_eq!(json(&p), r#"[{"a":{"b":1}}]"#);
}

#[test]
fn deep_unclosed_nesting_reports_each_container_linearly() {
    let text = "[".repeat(20_000);
    let p = parse(&text);
    assert_eq!(p.errors.len(), 20_000);
    assert!(p.errors.iter().all(|e| e.code == codes::UNCLOSED_ARRAY));
    assert_eq!(p.tree.max_depth(), 20_000);
    // Many mismatched closers against a deep stack stay linear (each is O(1) when no
    // container of that kind is open).
    let text = format!("{}{}", "[".repeat(20_000), "}".repeat(20_000));
    let p = parse(&text);
    assert_eq!(
        p.errors
            .iter()
            .filter(|e| e.code == codes::UNEXPECTED_TOKEN)
            .count(),
        1
    );
}

// --- tree queries ------------------------------------------------------------------------

const DOC: &str = r#"{
  "apiVersion": "v1.2",
  "spec": {
    "kind": "Workflow",
    "steps": [
      {"kind": "Project", "ref": "p"},
      {"kind": "Service", "spec": {"a/b": 1, "t~x": [true]}}
    ]
  }
}"#;

#[test]
fn pointers_and_paths() {
    let p = parse(DOC);
    assert!(p.errors.is_empty());
    let t = &p.tree;
    assert_eq!(t.pointer_str("").unwrap(), t.root().unwrap());
    assert_eq!(
        t.pointer_str("/spec/steps/1/kind").unwrap().as_str(),
        Some("Service")
    );
    assert_eq!(
        t.pointer_str("/spec/steps/1/spec/a~1b").unwrap().as_f64(),
        Some(1.0)
    );
    let tx = t.pointer_str("/spec/steps/1/spec/t~0x/0").unwrap();
    assert_eq!(tx.as_bool(), Some(true));
    assert_eq!(t.pointer_str("/spec/steps/01"), None);
    assert_eq!(t.pointer_str("/spec/steps/-"), None);
    assert_eq!(t.pointer_str("/spec/steps/2"), None);
    assert_eq!(t.pointer_str("spec"), None);
    assert_eq!(t.pointer_str("/spec/x~2"), None);
    let path = tx.path();
    assert_eq!(
        path,
        [
            PathSegment::Key("spec".into()),
            PathSegment::Key("steps".into()),
            PathSegment::Index(1),
            PathSegment::Key("spec".into()),
            PathSegment::Key("t~x".into()),
            PathSegment::Index(0),
        ]
    );
    assert_eq!(format_pointer(&path), "/spec/steps/1/spec/t~0x/0");
    assert_eq!(t.pointer(&path), Some(tx));
    assert_eq!(format_pointer(&[PathSegment::Key("a/b".into())]), "/a~1b");
    assert_eq!(format_pointer(&[]), "");
    assert!(t.root().unwrap().path().is_empty());
}

#[test]
fn covering_value_and_member() {
    let fx = Fixture::new(r#"{"a": {"b": [1, $0"x$1y"$2]}, $3"c"$4: $5nu$6ll$7 }$8"#);
    let p = parse(&fx.text);
    let t = &p.tree;
    let x = t.covering_value(fx.offset(1)).unwrap();
    assert_eq!(x.as_str(), Some("xy"));
    // Both ends of a range count as inside.
    assert_eq!(t.covering_value(fx.offset(0)), Some(x));
    assert_eq!(t.covering_value(fx.offset(2)), Some(x));
    assert_eq!(t.covering_member(fx.offset(1)).unwrap().key(), "b");
    let c = t.covering_member(fx.offset(3)).unwrap();
    assert_eq!(c.key(), "c");
    assert_eq!(t.covering_member(fx.offset(4)), Some(c));
    assert_eq!(t.covering_member(fx.offset(6)), Some(c));
    assert_eq!(
        t.covering_value(fx.offset(6)).unwrap().kind(),
        NodeKind::Null
    );
    assert_eq!(
        t.covering_value(fx.offset(5)).unwrap().kind(),
        NodeKind::Null
    );
    assert_eq!(
        t.covering_value(fx.offset(7)).unwrap().kind(),
        NodeKind::Null
    );
    // Between members: the object itself, no member.
    assert_eq!(t.covering_value(fx.offset(3)).unwrap(), t.root().unwrap());
    assert_eq!(t.covering_value(fx.offset(8)).unwrap(), t.root().unwrap());
    assert_eq!(t.covering_member(fx.offset(8)), None);
    assert_eq!(t.covering_value(fx.offset(8) + 1), None);
}

#[test]
fn covering_inside_half_typed_object() {
    let fx = Fixture::new("{\n  \"spec\": {\n    \"x\": $0\n  }\n}");
    let p = parse(&fx.text);
    let m = p.tree.covering_member(fx.offset(0) - 1).unwrap();
    assert_eq!(m.key(), "x");
    assert_eq!(m.value(), None);
    let v = p.tree.covering_value(fx.offset(0)).unwrap();
    assert_eq!(v.path(), [PathSegment::Key("spec".into())]);
}

#[test]
fn to_json_skips_error_nodes_and_missing_values() {
    let p = parse(r#"{"a": foo, "b": [1, bar, 2], "c":, "d": {"e": NaN}}"#);
    assert_eq!(json(&p), r#"{"b":[1,2],"d":{}}"#);
    assert_eq!(
        p.tree.pointer_str("/b").unwrap().to_json(),
        serde_json::json!([1, 2])
    );
    assert_eq!(
        p.tree.pointer_str("/a").unwrap().to_json(),
        serde_json::Value::Null
    );
}

#[test]
fn to_json_with_holes_leaves_the_holes_null() {
    let p = parse(r#"{"a": {"b": [1, {"c": 2}, 3]}, "d": {"e": 4}}"#);
    let inner = p.tree.pointer_str("/a/b/1").unwrap();
    let d = p.tree.pointer_str("/d").unwrap();
    let mut holes = vec![d.id(), inner.id()];
    holes.sort();
    assert_eq!(
        p.tree
            .root()
            .unwrap()
            .to_json_with_holes(&holes)
            .to_string(),
        r#"{"a":{"b":[1,null,3]},"d":null}"#
    );
    // The value itself is never a hole: only its descendants are.
    assert_eq!(d.to_json_with_holes(&holes).to_string(), r#"{"e":4}"#);
}

#[test]
fn to_json_keeps_key_order_and_last_duplicate() {
    let p = parse(r#"{"z": 1, "a": 2, "z": 3}"#);
    assert_eq!(json(&p), r#"{"z":3,"a":2}"#);
}

#[test]
fn deep_nesting_parses_without_recursion() {
    let depth = 10_000;
    let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let p = parse(&arrays);
    assert!(p.errors.is_empty());
    assert_eq!(p.tree.max_depth(), depth as u32);
    assert!(p.tree.max_depth() > MAX_JSON_DEPTH);
    let deepest = p.tree.covering_value(depth as u32).unwrap();
    assert_eq!(deepest.path().len(), depth - 1);
    assert_eq!(deepest.as_array().unwrap().len(), 0);
    assert_eq!(p.tree.pointer(&deepest.path()), Some(deepest));

    let objects = format!("{}1{}", "{\"k\":".repeat(depth), "}".repeat(depth));
    let p = parse(&objects);
    assert!(p.errors.is_empty());
    assert_eq!(p.tree.max_depth(), depth as u32);
    let one = p.tree.covering_value(5 * depth as u32).unwrap();
    assert_eq!(one.as_f64(), Some(1.0));
    assert_eq!(p.tree.covering_member(5 * depth as u32).unwrap().key(), "k");
    let ptr = format_pointer(&one.path());
    assert_eq!(ptr.len(), 2 * depth);
    assert_eq!(p.tree.pointer_str(&ptr), Some(one));
    // Building the JSON value is iterative; only its drop recurses, so a moderately deep tree
    // is converted here and the 10,000-deep one is not materialised.
    let medium = format!("{}1{}", "{\"k\":".repeat(100), "}".repeat(100));
    let v = parse(&medium).tree.to_json();
    let mut cur = &v;
    for _ in 0..100 {
        cur = &cur["k"];
    }
    assert_eq!(cur, &serde_json::json!(1));
}

#[test]
fn tree_is_cheap_to_clone_and_thread_safe() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<crate::Tree>();
    let p = parse(DOC);
    let t2 = p.tree.clone();
    assert!(std::ptr::eq(p.tree.text(), t2.text()));
    let handle = std::thread::spawn(move || {
        t2.pointer_str("/spec/kind")
            .unwrap()
            .as_str()
            .map(str::to_owned)
    });
    assert_eq!(handle.join().unwrap().as_deref(), Some("Workflow"));
    let id = p.tree.pointer_str("/spec/steps/0").unwrap().id();
    assert_eq!(p.tree.value(id).kind(), NodeKind::Object);
}

// --- line index ----------------------------------------------------------------------------

fn pos(line: u32, character: u32) -> Position {
    Position::new(line, character)
}

#[test]
fn line_index_ascii() {
    let li = LineIndex::new("ab\ncd\n");
    assert_eq!(li.line_count(), 3);
    assert_eq!(li.position(0, Encoding::Utf16), pos(0, 0));
    assert_eq!(li.position(2, Encoding::Utf16), pos(0, 2));
    assert_eq!(li.position(3, Encoding::Utf8), pos(1, 0));
    assert_eq!(li.position(6, Encoding::Utf8), pos(2, 0));
    assert_eq!(li.position(99, Encoding::Utf8), pos(2, 0));
    assert_eq!(li.offset(pos(1, 1), Encoding::Utf8), 4);
    assert_eq!(li.offset(pos(1, 50), Encoding::Utf8), 5);
    assert_eq!(li.offset(pos(7, 0), Encoding::Utf16), 6);
    assert_eq!(li.line_range(0), r(0, 2));
    assert_eq!(li.line_range(2), r(6, 6));
    assert_eq!(li.line_range(3), r(6, 6));
}

#[test]
fn line_index_cjk_and_emoji() {
    // 日 is 3 UTF-8 bytes / 1 UTF-16 unit; 😀 is 4 bytes / 2 units (a surrogate pair).
    let text = "日本\n😀x";
    let li = LineIndex::new(text);
    assert_eq!(li.position(3, Encoding::Utf16), pos(0, 1));
    assert_eq!(li.position(3, Encoding::Utf8), pos(0, 3));
    assert_eq!(li.position(6, Encoding::Utf16), pos(0, 2));
    // Inside a character: snaps back to its start.
    assert_eq!(li.position(4, Encoding::Utf16), pos(0, 1));
    assert_eq!(li.position(9, Encoding::Utf16), pos(1, 0));
    assert_eq!(li.position(11, Encoding::Utf16), pos(1, 2));
    assert_eq!(li.position(11, Encoding::Utf8), pos(1, 4));
    assert_eq!(li.offset(pos(1, 2), Encoding::Utf16), 11);
    assert_eq!(li.offset(pos(1, 3), Encoding::Utf16), 12);
    // The middle of a surrogate pair snaps back.
    assert_eq!(li.offset(pos(1, 1), Encoding::Utf16), 7);
    assert_eq!(li.offset(pos(1, 2), Encoding::Utf8), 7);
    assert_eq!(li.offset(pos(0, 1), Encoding::Utf16), 3);
    assert_eq!(li.offset(pos(0, 9), Encoding::Utf16), 6);
    // Round trips at every char boundary.
    for (off, _) in text.char_indices() {
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(
                li.offset(li.position(off as u32, enc), enc),
                off as u32,
                "{off} {enc:?}"
            );
        }
    }
}

#[test]
fn line_index_crlf_and_lone_cr() {
    let li = LineIndex::new("a\r\nb\rc\n");
    assert_eq!(li.line_count(), 4);
    assert_eq!(li.line_range(0), r(0, 1));
    assert_eq!(li.line_range(1), r(3, 4));
    assert_eq!(li.line_range(2), r(5, 6));
    assert_eq!(li.position(3, Encoding::Utf16), pos(1, 0));
    assert_eq!(li.position(5, Encoding::Utf16), pos(2, 0));
    // Inside `\r\n`: the end of the line.
    assert_eq!(li.position(2, Encoding::Utf16), pos(0, 1));
    assert_eq!(li.offset(pos(0, 5), Encoding::Utf16), 1);
    assert_eq!(li.offset(pos(1, 5), Encoding::Utf8), 4);
    assert_eq!(li.offset(pos(3, 0), Encoding::Utf8), 7);
}

#[test]
fn line_index_ignores_unicode_line_separators() {
    let li = LineIndex::new("a\u{2028}b\u{85}c\u{c}d\u{b}e");
    assert_eq!(li.line_count(), 1);
    let len = li.len();
    assert_eq!(li.line_range(0), r(0, len));
    // U+2028 is 3 bytes / 1 unit, U+0085 2 bytes / 1 unit.
    assert_eq!(li.position(len, Encoding::Utf16), pos(0, 9));
    assert_eq!(li.offset(pos(0, 9), Encoding::Utf16), len);
}

#[test]
fn line_index_empty_text() {
    let li = LineIndex::new("");
    assert_eq!(li.line_count(), 1);
    assert_eq!(li.position(5, Encoding::Utf16), pos(0, 0));
    assert_eq!(li.offset(pos(3, 3), Encoding::Utf16), 0);
    assert_eq!(li.line_range(0), r(0, 0));
    let li = LineIndex::from_shared(std::sync::Arc::new("x\ny".to_owned()));
    assert_eq!(li.text(), "x\ny");
    assert_eq!(li.range(r(0, 3), Encoding::Utf8), (pos(0, 0), pos(1, 1)));
}

/// Edits find their offsets in the rope being edited: the same answers as the line index of
/// the same text, at every position (past line ends and past the last line too).
#[test]
fn rope_offsets_agree_with_the_line_index() {
    for text in TRICKY_LINES {
        let index = LineIndex::new(text);
        let rope = ropey::Rope::from_str(text);
        for line in 0..index.line_count() + 2 {
            for character in 0..40 {
                for enc in [Encoding::Utf8, Encoding::Utf16] {
                    assert_eq!(
                        crate::text::rope_offset(&rope, pos(line, character), enc),
                        index.offset(pos(line, character), enc),
                        "{text:?} at {line}:{character} {enc:?}"
                    );
                }
            }
        }
    }
}

// --- fixture helper ------------------------------------------------------------------------

#[test]
fn fixture_markers() {
    let fx = Fixture::new("a$0b$1c$1${x}");
    assert_eq!(fx.text, "abc${x}");
    assert_eq!(fx.offset(0), 1);
    assert_eq!(fx.range(1), r(2, 3));
}

/// Texts whose lines are easy to get wrong: every kind of line break (a lone `\r` last),
/// characters of every UTF-8 length, surrogate pairs in UTF-16, Unicode line separators that
/// LSP does not count, no text, no break.
const TRICKY_LINES: &[&str] = &[
    "ab\ncd\n",
    "a\r\nb\rc\n\r\n\r",
    "漢字\n😀x\r\n\u{1F600}\u{1F600}\ré\u{301}z",
    "\u{2028}\u{85}\n\u{10FFFF}",
    "",
    "no line break at all, but ünïcödé",
];

/// The position of every offset agrees with one computed the slow way, by characters.
#[test]
fn line_index_positions_agree_with_counting_characters() {
    for text in TRICKY_LINES {
        let index = LineIndex::new(text);
        for offset in 0..=text.len() as u32 + 2 {
            // The slow way: snap back to a character start, find the line among the line
            // starts (after `\r\n`, `\n` or `\r`), clamp to the line's content.
            let mut at = (offset as usize).min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let bytes = text.as_bytes();
            let mut starts = vec![0];
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                        starts.push(i + 2);
                        i += 2;
                        continue;
                    }
                    b'\r' | b'\n' => starts.push(i + 1),
                    _ => {}
                }
                i += 1;
            }
            let line = starts.iter().rposition(|&start| start <= at).unwrap_or(0);
            let line_start = starts[line];
            let rest = &text[line_start..];
            let content_end = line_start + rest.find(['\n', '\r']).unwrap_or(rest.len());
            let at = at.min(content_end);
            let utf8 = (at - line_start) as u32;
            let utf16 = text[line_start..at].encode_utf16().count() as u32;
            assert_eq!(
                index.position(offset, Encoding::Utf8),
                Position::new(line as u32, utf8),
                "{text:?} at {offset}"
            );
            assert_eq!(
                index.position(offset, Encoding::Utf16),
                Position::new(line as u32, utf16),
                "{text:?} at {offset}"
            );
        }
    }
}

#[test]
fn a_shared_text_is_kept_by_the_tree_not_copied() {
    let text = std::sync::Arc::new(String::from("{\"a\": [1, \"x\"]}"));
    let parse = crate::parse_shared(std::sync::Arc::clone(&text));
    assert!(parse.errors.is_empty());
    assert_eq!(parse.tree.text(), text.as_str());
    assert!(std::ptr::eq(parse.tree.text().as_ptr(), text.as_ptr()));
    // `parse` of a borrowed text gives the same tree.
    assert_eq!(json(&parse), json(&crate::parse(&text)));
}
