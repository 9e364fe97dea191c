//! Folding ranges: multi-line objects and arrays, and comments (syntax errors in JSON, but
//! people write them, and a long commented-out block is worth folding).

use nfls_syntax::{NodeKind, SyntaxError, TextRange, codes};

use super::walk::{LineStarts, preorder};
use crate::Analysis;
use crate::types::{Fold, FoldKind};

pub(crate) fn folding_ranges(analysis: &Analysis) -> Vec<Fold> {
    let tree = &analysis.parse.tree;
    let text = tree.text();
    let lines = LineStarts::new(text);
    let spans_lines = |range: TextRange| {
        let last = range.end.saturating_sub(1).max(range.start);
        lines.line_of(range.start) != lines.line_of(last)
    };

    let mut folds = Vec::new();
    if let Some(root) = tree.root() {
        folds.extend(
            preorder(root)
                .filter(|value| matches!(value.kind(), NodeKind::Object | NodeKind::Array))
                .map(|value| value.range())
                .filter(|&range| spans_lines(range))
                .map(|range| Fold {
                    range,
                    kind: FoldKind::Region,
                }),
        );
    }

    let comments = comment_groups(text, &analysis.parse.errors);
    if !comments.is_empty() {
        folds.extend(
            comments
                .into_iter()
                .filter(|&range| spans_lines(range))
                .map(|range| Fold {
                    range,
                    kind: FoldKind::Comment,
                }),
        );
        // Preorder is sorted by start already; comments interleave with it.
        folds.sort_by_key(|fold| (fold.range.start, std::cmp::Reverse(fold.range.end)));
    }
    folds
}

/// Comment ranges, with runs of `//` comments on consecutive lines merged into one range (each
/// `//` comment is one line; folding them one by one would fold nothing).
fn comment_groups(text: &str, errors: &[SyntaxError]) -> Vec<TextRange> {
    let mut comments: Vec<TextRange> = errors
        .iter()
        .filter(|error| error.code == codes::COMMENT)
        .map(|error| error.range)
        .collect();
    comments.sort();
    let is_line_comment = |range: TextRange| text[range.start as usize..].starts_with("//");

    let mut groups: Vec<TextRange> = Vec::new();
    let mut last_was_line = false;
    for range in comments {
        let line = is_line_comment(range);
        if let Some(prev) = groups.last_mut()
            && last_was_line
            && line
            && prev.end <= range.start
            && only_one_line_break(&text[prev.end as usize..range.start as usize])
        {
            prev.end = range.end;
        } else {
            groups.push(range);
        }
        last_was_line = line;
    }
    groups
}

/// `between` is blank apart from exactly one line break (`\n`, `\r\n` or `\r`).
fn only_one_line_break(between: &str) -> bool {
    let blank = between
        .bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    // `\r\n` counts once: every `\n` and `\r`, minus the pairs.
    let breaks = between
        .bytes()
        .filter(|&b| b == b'\n' || b == b'\r')
        .count()
        - between.matches("\r\n").count();
    blank && breaks == 1
}
