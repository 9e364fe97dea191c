//! Error-tolerant JSON parser with byte ranges, text positions and JSON pointers.
//!
//! `parse` never fails: it returns a [`Tree`] that holds every key, value, member, object and
//! array it could recover, plus a list of [`SyntaxError`]s with exact byte ranges. Later stages
//! (schema validation, completion, navigation) work on the tree of a half-typed file.
//!
//! Everything here is measured in UTF-8 byte offsets into the source text. [`text::LineIndex`]
//! converts offsets to line/column positions in UTF-8 or UTF-16 code units, with exactly the
//! line breaks LSP knows (`\n`, `\r\n`, `\r`).

mod parser;
pub mod scan;
pub mod text;
mod tree;
mod value;

pub use parser::{codes, parse, parse_shared};
pub use tree::{
    Array, MAX_JSON_DEPTH, Member, NodeId, NodeKind, Object, PathSegment, Tree, Value,
    format_pointer,
};

#[cfg(test)]
mod tests;

/// A half-open byte range `start..end` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub const fn new(start: u32, end: u32) -> TextRange {
        TextRange { start, end }
    }
    pub const fn empty(offset: u32) -> TextRange {
        TextRange {
            start: offset,
            end: offset,
        }
    }
    pub const fn len(self) -> u32 {
        self.end - self.start
    }
    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }
    /// `offset` lies inside the range, or exactly at its end.
    pub const fn contains_inclusive(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Result of [`parse`]: the tree and the syntax errors found while building it.
#[derive(Debug, Clone)]
pub struct Parse {
    pub tree: Tree,
    pub errors: Vec<SyntaxError>,
}

/// How bad a syntax problem is. The platform parses files with a strict JSON parser, so almost
/// everything is an error; a few things it tolerates are warnings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One syntax problem, at an exact byte range, with a stable code (`syntax/...`) and a message in
/// plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
}
