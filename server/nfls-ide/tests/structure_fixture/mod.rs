//! Fixtures for the structure tests: documents with expected ranges marked inline.
//!
//! Marker convention:
//! - `⟦` and `⟧` surround an expected range. Markers may nest; ranges are listed in the order of
//!   their opening `⟦`.
//! - `$0` marks a cursor offset (several are allowed, listed in order).
//!
//! The markers are removed before analysis; offsets refer to the text without them.

#![allow(dead_code)]

use nfls_ide::{Analysis, AnalysisConfig, analyze};
use nfls_syntax::TextRange;

pub struct Fixture {
    pub text: String,
    pub ranges: Vec<TextRange>,
    pub cursors: Vec<u32>,
}

impl Fixture {
    pub fn parse(marked: &str) -> Fixture {
        let mut text = String::with_capacity(marked.len());
        let mut open: Vec<usize> = Vec::new();
        let mut ranges: Vec<(usize, TextRange)> = Vec::new();
        let mut cursors = Vec::new();
        let mut rest = marked;
        while let Some(c) = rest.chars().next() {
            if let Some(after) = rest.strip_prefix("$0") {
                cursors.push(text.len() as u32);
                rest = after;
                continue;
            }
            match c {
                '⟦' => {
                    open.push(ranges.len());
                    ranges.push((text.len(), TextRange::default()));
                }
                '⟧' => {
                    let index = open.pop().expect("`⟧` without `⟦`");
                    let start = ranges[index].0;
                    ranges[index].1 = TextRange::new(start as u32, text.len() as u32);
                }
                c => text.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        assert!(open.is_empty(), "`⟦` without `⟧`");
        Fixture {
            text,
            ranges: ranges.into_iter().map(|(_, r)| r).collect(),
            cursors,
        }
    }

    /// Analyses the text as the file `northflank.json`, so it counts as a Northflank document
    /// even when half-typed.
    pub fn analyze(&self) -> Analysis {
        analyze_text(&self.text)
    }

    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range.start as usize..range.end as usize]
    }
}

pub fn analyze_text(text: &str) -> Analysis {
    analyze(text, Some("northflank.json"), &AnalysisConfig::default())
}

/// Applies edits (sorted, non-overlapping) to `text`.
pub fn apply(text: &str, edits: &[nfls_ide::types::TextEdit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for edit in edits {
        let (start, end) = (edit.range.start as usize, edit.range.end as usize);
        assert!(start >= at, "edits overlap or are out of order: {edits:?}");
        out.push_str(&text[at..start]);
        out.push_str(&edit.new_text);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// `../shared` next to the repository root, if present.
pub fn shared_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.is_dir().then_some(dir)
}
