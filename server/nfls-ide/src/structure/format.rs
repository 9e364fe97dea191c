//! Formatting in the platform's layout (what Northflank writes into GitOps files, which is
//! `JSON.stringify(value, null, 2)`): one member or element per line, `"key": value`, `{}` and
//! `[]` when empty.
//!
//! The formatter only ever rewrites whitespace *between* tokens. It lexes the (syntactically
//! valid) text once, decides for every gap what it should hold, and emits an edit for each gap
//! that differs, trimmed to the bytes that actually change. So keys, strings, numbers and their
//! escapes are untouched by construction, cursors elsewhere stay put, and a formatted document
//! produces no edits at all.

use nfls_syntax::{NodeKind, Severity, TextRange, Value};

use crate::Analysis;
use crate::types::{FormatOptions, TextEdit};

pub(crate) fn format(
    analysis: &Analysis,
    range: Option<TextRange>,
    options: FormatOptions,
) -> Vec<TextEdit> {
    let parse = &analysis.parse;
    if parse
        .errors
        .iter()
        .any(|error| error.severity == Severity::Error)
    {
        return Vec::new();
    }
    let Some(root) = parse.tree.root() else {
        return Vec::new();
    };
    let region = range.and_then(|range| region_for(root, range));
    Formatter::new(parse.tree.text(), options, region)
        .run()
        .unwrap_or_default()
}

/// What a gap between two tokens should hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    Nothing,
    Space,
    /// A line break and this many indentation units.
    Line(usize),
    /// Leave as is: two tokens in a row that valid JSON never has (a defensive default).
    Keep,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Open,
    Close,
    Colon,
    Comma,
    Scalar,
}

struct Formatter<'a> {
    text: &'a str,
    newline: &'static str,
    unit: String,
    /// Only gaps inside this range are formatted (`None`: the whole document).
    region: Option<TextRange>,
    edits: Vec<TextEdit>,
    /// Size of the formatted text so far, relative to the input.
    growth: i64,
    limit: i64,
}

impl<'a> Formatter<'a> {
    fn new(text: &'a str, options: FormatOptions, region: Option<TextRange>) -> Formatter<'a> {
        let unit = if options.insert_spaces {
            " ".repeat(options.tab_size as usize)
        } else {
            "\t".to_owned()
        };
        Formatter {
            text,
            newline: newline_of(text),
            unit,
            region,
            edits: Vec::new(),
            growth: 0,
            // Indentation grows with depth times lines: a deep document written on one line
            // would balloon. Refuse beyond 16 times the input (plus 1 MiB for small files).
            limit: 16 * text.len() as i64 + (1 << 20),
        }
    }

    /// The edits, or `None` when the output would exceed the size limit.
    fn run(mut self) -> Option<Vec<TextEdit>> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let mut pos = if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        };
        let mut prev: Option<Tok> = None;
        let mut depth = 0usize;
        loop {
            let gap_start = pos;
            loop {
                // Eight spaces at a time through indentation.
                while bytes.get(pos..pos + 8) == Some(b"        ") {
                    pos += 8;
                }
                if pos < len && matches!(bytes[pos], b' ' | b'\t' | b'\n' | b'\r') {
                    pos += 1;
                } else {
                    break;
                }
            }
            if pos >= len {
                // The end of the file keeps its choice: one line break if it had any.
                let gap = &bytes[gap_start..len];
                let want = if prev.is_some() && gap.iter().any(|&b| b == b'\n' || b == b'\r') {
                    Want::Line(0)
                } else {
                    Want::Nothing
                };
                if self.region.is_none() {
                    self.gap(gap_start, len, want)?;
                }
                return Some(self.edits);
            }
            let (tok, end) = lex(bytes, pos);
            if tok == Tok::Close {
                depth = depth.saturating_sub(1);
            }
            let want = match (prev, tok) {
                (None, _) => Want::Nothing,
                (Some(Tok::Open), Tok::Close) => Want::Nothing,
                (Some(Tok::Open | Tok::Comma), _) | (_, Tok::Close) => Want::Line(depth),
                (_, Tok::Comma | Tok::Colon) => Want::Nothing,
                (Some(Tok::Colon), _) => Want::Space,
                _ => Want::Keep,
            };
            if self.in_region(gap_start, pos, want) {
                self.gap(gap_start, pos, want)?;
            }
            if tok == Tok::Open {
                depth += 1;
            }
            prev = Some(tok);
            pos = end;
        }
    }

    /// Whether the gap `start..end` is one range formatting may touch: inside the region, or
    /// the indentation right before it (when it already starts a line and should).
    fn in_region(&self, start: usize, end: usize, want: Want) -> bool {
        let Some(region) = self.region else {
            return true;
        };
        let (start32, end32) = (start as u32, end as u32);
        // Strictly between two tokens of the region (not the gaps just outside it).
        if region.start < start32 && end32 < region.end {
            return true;
        }
        end32 == region.start
            && matches!(want, Want::Line(_))
            && self.text.as_bytes()[start..end]
                .iter()
                .any(|&b| b == b'\n' || b == b'\r')
    }

    fn gap(&mut self, start: usize, end: usize, want: Want) -> Option<()> {
        let actual = &self.text.as_bytes()[start..end];
        if self.matches(actual, want) {
            return Some(());
        }
        let wanted = match want {
            Want::Keep => return Some(()),
            Want::Nothing => String::new(),
            Want::Space => " ".to_owned(),
            Want::Line(depth) => {
                let mut s = String::with_capacity(self.newline.len() + self.unit.len() * depth);
                s.push_str(self.newline);
                for _ in 0..depth {
                    s.push_str(&self.unit);
                }
                s
            }
        };
        self.growth += wanted.len() as i64 - actual.len() as i64;
        if self.text.len() as i64 + self.growth > self.limit {
            return None;
        }
        // Trim what already agrees, so the edit covers only bytes that change. Gaps are ASCII,
        // so any split is a character boundary.
        let w = wanted.as_bytes();
        let prefix = actual.iter().zip(w).take_while(|(a, b)| a == b).count();
        let suffix = actual[prefix..]
            .iter()
            .rev()
            .zip(w[prefix..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        self.edits.push(TextEdit::replace(
            TextRange::new((start + prefix) as u32, (end - suffix) as u32),
            &wanted[prefix..w.len() - suffix],
        ));
        Some(())
    }

    fn matches(&self, actual: &[u8], want: Want) -> bool {
        match want {
            Want::Keep => true,
            Want::Nothing => actual.is_empty(),
            Want::Space => actual == b" ",
            Want::Line(depth) => {
                let Some(rest) = actual.strip_prefix(self.newline.as_bytes()) else {
                    return false;
                };
                // The unit is spaces or one tab: compare bytes, not chunks (which would call
                // `memcmp` per level).
                let unit = self.unit.as_bytes();
                rest.len() == unit.len() * depth
                    && unit.first().is_none_or(|&u| rest.iter().all(|&b| b == u))
            }
        }
    }
}

/// One token starting at `pos` (not whitespace) and where it ends. The text has no syntax
/// errors, so strings are closed and everything else is punctuation or a scalar word.
fn lex(bytes: &[u8], pos: usize) -> (Tok, usize) {
    match bytes[pos] {
        b'{' | b'[' => (Tok::Open, pos + 1),
        b'}' | b']' => (Tok::Close, pos + 1),
        b':' => (Tok::Colon, pos + 1),
        b',' => (Tok::Comma, pos + 1),
        b'"' => {
            let mut i = pos + 1;
            loop {
                i = skip_plain_string(bytes, i);
                match bytes.get(i) {
                    Some(b'\\') => i += 2,
                    Some(_) => break,
                    None => break,
                }
            }
            (Tok::Scalar, (i + 1).min(bytes.len()))
        }
        _ => {
            let mut i = pos + 1;
            while i < bytes.len()
                && !matches!(
                    bytes[i],
                    b' ' | b'\t' | b'\n' | b'\r' | b'{' | b'}' | b'[' | b']' | b':' | b',' | b'"'
                )
            {
                i += 1;
            }
            (Tok::Scalar, i)
        }
    }
}

/// The first index at or after `i` holding `"` or `\\` (or the end), eight bytes at a time:
/// strings are most of a template's bytes.
fn skip_plain_string(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let v = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        if has_zero(v ^ (ONES * u64::from(b'"'))) || has_zero(v ^ (ONES * u64::from(b'\\'))) {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\\' {
        i += 1;
    }
    i
}

/// `\r\n` when most line breaks in the text are `\r\n`, else `\n`.
fn newline_of(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    let (mut crlf, mut other) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                crlf += 1;
                i += 1;
            }
            b'\r' | b'\n' => other += 1,
            _ => {}
        }
        i += 1;
    }
    if crlf > other { "\r\n" } else { "\n" }
}

/// The part of the document range formatting works on: the smallest value holding `range`, or,
/// when `range` touches some members or elements of a multi-line container, those members or
/// elements. `None` means the whole document.
fn region_for(root: Value<'_>, range: TextRange) -> Option<TextRange> {
    let root_range = root.range();
    let contains = |outer: TextRange| outer.start <= range.start && range.end <= outer.end;
    if !contains(root_range) || (range.start <= root_range.start && root_range.end <= range.end) {
        return None;
    }
    let tree = root.tree();
    let mut value = tree.covering_value(range.start).unwrap_or(root);
    while !contains(value.range()) {
        value = value.parent()?;
    }
    let children: Vec<TextRange> = match value.kind() {
        NodeKind::Object => value
            .as_object()?
            .members()
            .map(|member| member.range())
            .collect(),
        NodeKind::Array => value.as_array()?.elements().map(|v| v.range()).collect(),
        // A scalar: its member (`"key": value`) or the scalar itself.
        _ => {
            return Some(
                value
                    .parent_member()
                    .map_or(value.range(), |member| member.range()),
            );
        }
    };
    let vr = value.range();
    let one_line = !value.text().contains(['\n', '\r']);
    // A container written on one line is formatted whole: breaking only some of its members
    // onto their own lines would leave a layout that is neither the old one nor the new one.
    if one_line || (range.start <= vr.start && vr.end <= range.end) {
        return Some(vr);
    }
    let touches = |child: &&TextRange| {
        if range.is_empty() {
            child.contains_inclusive(range.start)
        } else {
            child.start < range.end && range.start < child.end
        }
    };
    let mut hits = children.iter().filter(touches);
    match hits.next() {
        None => Some(vr),
        Some(first) => {
            let last = hits.next_back().unwrap_or(first);
            Some(TextRange::new(first.start, last.end))
        }
    }
}
