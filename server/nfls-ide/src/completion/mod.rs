//! Completion: inside a `${…}` expression, names, paths and functions (`expr`); elsewhere, keys,
//! values, node kinds and skeletons from the schemas (`schema`).

mod expr;
mod schema;

use nfls_syntax::{Member, TextRange};

use crate::Analysis;
use crate::types::CompletionItem;

/// What was typed of a key or string at `offset`: all of it when it is `closed`, else up to
/// the end of the word at the cursor (an unterminated string runs to the line end in the tree);
/// `word` says which characters a word has besides letters and digits.
pub(crate) fn typed_range(
    text: &str,
    offset: u32,
    range: TextRange,
    closed: bool,
    word: &str,
) -> TextRange {
    if closed {
        return range;
    }
    let rest = &text[offset as usize..range.end as usize];
    let length = rest
        .find(|ch: char| !(ch.is_alphanumeric() || word.contains(ch)))
        .unwrap_or(rest.len());
    TextRange::new(range.start, offset + length as u32)
}

/// Whether a key is typed whole: unquoted, or quoted and with its closing quote (a lone `"` is
/// one character, not two).
pub(crate) fn key_closed(member: Member<'_>) -> bool {
    !member.key_is_quoted() || member.key_content_range().end < member.key_range().end
}

/// The completion items at `offset`.
pub fn completions(analysis: &Analysis, offset: u32) -> Vec<CompletionItem> {
    if analysis.settings_file {
        return crate::repo_settings::completions(&analysis.parse.tree, offset);
    }
    if analysis.classification.is_none() {
        return Vec::new();
    }
    if let Some(items) = expr::completions(analysis, offset) {
        return items;
    }
    schema::completions(analysis, offset)
}
