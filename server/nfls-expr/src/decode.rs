//! Decodes one JSON string token and remembers where every decoded character came from.
//!
//! The expression language works on the *decoded* string (that is what Northflank evaluates), but
//! an editor needs ranges in the *source*. The decoder therefore records, for every decoded byte,
//! the document offset of the source text that produced it, so decoded ranges map back exactly.

use crate::ast::{Problem, ProblemCode};
use crate::span::Span;

/// The decoded content of a string token plus its position map.
#[derive(Clone, Debug)]
pub(crate) struct Decoded {
    pub text: String,
    /// `offsets[i]` is the document offset of the source text that produced decoded byte `i`; all
    /// bytes of one decoded character share the offset of its first source byte. The extra last
    /// entry is the offset just after the content (the closing quote, or the end of the token).
    pub offsets: Vec<u32>,
    /// The whole token, quotes included.
    pub token: Span,
    /// Between the quotes.
    pub content: Span,
    pub problems: Vec<Problem>,
}

impl Decoded {
    /// Document span of the decoded byte range `start..end` (both on char boundaries).
    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.offsets[start], self.offsets[end])
    }

    /// Moves a document offset inside the content back to the start of the character or escape
    /// sequence it falls in, so that answers built from it stay on character boundaries.
    /// Offsets outside the content are returned unchanged.
    pub fn snap(&self, offset: u32) -> u32 {
        if offset < self.content.start || offset > self.content.end {
            return offset;
        }
        let mut idx = self
            .offsets
            .partition_point(|&o| o <= offset)
            .saturating_sub(1);
        while !self.text.is_char_boundary(idx) {
            idx -= 1;
        }
        self.offsets[idx]
    }

    /// The decoded index of the first character whose source starts at or after `offset`,
    /// clamped to the content. A cursor inside an escape sequence maps to the escape's end.
    pub fn decoded_index_at_or_after(&self, offset: u32) -> usize {
        // `offsets` is non-decreasing; find the first char boundary with offsets[i] >= offset.
        let idx = self.offsets.partition_point(|&o| o < offset);
        let mut idx = idx.min(self.text.len());
        while !self.text.is_char_boundary(idx) {
            idx += 1;
        }
        idx
    }
}

fn json_problem(code: ProblemCode, message: String, span: Span) -> Problem {
    Problem {
        code,
        message,
        span,
    }
}

/// Decodes the token `source` (normally starting and ending with `"`) that starts at document
/// offset `base`. Never fails: bad escapes are kept as the character after the backslash (or
/// U+FFFD for a bad `\u`), and a missing closing quote makes the content run to the end.
pub(crate) fn decode(source: &str, base: u32) -> Decoded {
    let bytes = source.as_bytes();
    let len = bytes.len();
    let at = |i: usize| base + i as u32;
    let mut text = String::with_capacity(len);
    let mut offsets = Vec::with_capacity(len + 1);
    let mut problems = Vec::new();

    let mut i = usize::from(bytes.first() == Some(&b'"'));
    let content_start = i;
    let mut content_end = None;
    // Where the decoded content stops when the token is unterminated: normally the end of the
    // token, but a trailing lone backslash decodes to nothing and is left outside.
    let mut open_end = len;

    let push = |text: &mut String, offsets: &mut Vec<u32>, ch: char, src: usize| {
        text.push(ch);
        for _ in 0..ch.len_utf8() {
            offsets.push(at(src));
        }
    };

    while i < len {
        match bytes[i] {
            b'"' => {
                content_end = Some(i);
                break;
            }
            b'\\' => {
                let Some(&next) = bytes.get(i + 1) else {
                    // A lone backslash at the very end: it escapes the would-be closing quote.
                    problems.push(json_problem(
                        ProblemCode::JsonBadEscape,
                        "`\\` at the end of the string escapes nothing".to_owned(),
                        Span::new(at(i), at(len)),
                    ));
                    open_end = i;
                    break;
                };
                let simple = match next {
                    b'"' => Some('"'),
                    b'\\' => Some('\\'),
                    b'/' => Some('/'),
                    b'b' => Some('\u{8}'),
                    b'f' => Some('\u{c}'),
                    b'n' => Some('\n'),
                    b'r' => Some('\r'),
                    b't' => Some('\t'),
                    _ => None,
                };
                if let Some(ch) = simple {
                    push(&mut text, &mut offsets, ch, i);
                    i += 2;
                } else if next == b'u' {
                    let (ch, used) = decode_unicode_escape(bytes, i);
                    match ch {
                        Some(ch) => push(&mut text, &mut offsets, ch, i),
                        None => {
                            problems.push(json_problem(
                                ProblemCode::JsonBadEscape,
                                "`\\u` must be followed by four hexadecimal digits".to_owned(),
                                Span::new(at(i), at(i + used)),
                            ));
                            push(&mut text, &mut offsets, char::REPLACEMENT_CHARACTER, i);
                        }
                    }
                    i += used;
                } else {
                    // Keep the escaped character itself: the most likely intent.
                    let ch = source[i + 1..]
                        .chars()
                        .next()
                        .unwrap_or(char::REPLACEMENT_CHARACTER);
                    let width = ch.len_utf8();
                    problems.push(json_problem(
                        ProblemCode::JsonBadEscape,
                        format!("`\\{ch}` is not a JSON escape: use `\\\\` for a backslash"),
                        Span::new(at(i), at(i + 1 + width)),
                    ));
                    push(&mut text, &mut offsets, ch, i);
                    i += 1 + width;
                }
            }
            _ => {
                let ch = source[i..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                push(&mut text, &mut offsets, ch, i);
                i += ch.len_utf8();
            }
        }
    }

    let end = match content_end {
        Some(end) => end,
        None => {
            if !bytes.is_empty() {
                problems.push(json_problem(
                    ProblemCode::JsonUnterminated,
                    "string is never closed: expected `\"`".to_owned(),
                    Span::new(at(0), at(len)),
                ));
            }
            open_end
        }
    };
    offsets.push(at(end));

    Decoded {
        text,
        offsets,
        token: Span::new(at(0), at(len)),
        content: Span::new(at(content_start), at(end)),
        problems,
    }
}

/// Reads `\uXXXX` (and a following low surrogate `\uXXXX` when the first is a high surrogate)
/// starting at the backslash `i`. Returns the character (None when the digits are bad) and the
/// number of source bytes used. A lone surrogate decodes to U+FFFD without complaint: JSON's
/// grammar allows it, it just cannot be represented.
fn decode_unicode_escape(bytes: &[u8], i: usize) -> (Option<char>, usize) {
    let hex4 = |at: usize| -> Result<u32, usize> {
        let mut value = 0;
        for k in 0..4 {
            let digit = bytes
                .get(at + k)
                .and_then(|b| (*b as char).to_digit(16))
                .ok_or(k)?;
            value = value * 16 + digit;
        }
        Ok(value)
    };
    let first = match hex4(i + 2) {
        Ok(v) => v,
        Err(valid) => return (None, 2 + valid),
    };
    if (0xD800..0xDC00).contains(&first)
        && bytes.get(i + 6) == Some(&b'\\')
        && bytes.get(i + 7) == Some(&b'u')
        && let Ok(second) = hex4(i + 8)
        && (0xDC00..0xE000).contains(&second)
    {
        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
        return (
            Some(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)),
            12,
        );
    }
    (
        Some(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER)),
        6,
    )
}
