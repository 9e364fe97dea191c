//! Completion inside `${…}`: roots, argument names, refs, output paths, functions.

use crate::Analysis;
use crate::types::CompletionItem;

/// `None` when `offset` is not inside (or right at the start of) an expression.
pub(super) fn completions(_analysis: &Analysis, _offset: u32) -> Option<Vec<CompletionItem>> {
    None
}
