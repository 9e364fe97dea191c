//! Completion: inside a `${…}` expression, names, paths and functions (`expr`); elsewhere, keys,
//! values, node kinds and skeletons from the schemas (`schema`).

mod expr;
mod schema;

use crate::Analysis;
use crate::types::CompletionItem;

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
